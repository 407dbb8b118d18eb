// The 诊改报告 page (/report): the responsible person writes the 自我诊断, 原因分析 and 改进措施 of a
// subject's report for a year, saves versions and submits it; the reviewer (unit head, 质管办) returns it
// with a comment or accepts it; both see the decisions, open the 佐证材料 page for its attachments and
// download it as Word or PDF. Words come from the catalogue (texts.js); requests carry the explorer's
// bearer token (sessionStorage) when there is one.
import { T, fmt } from "./texts.js";

const TOKEN_KEY = "zhengai.token";
const PARTS = ["selfDiagnosis", "causeAnalysis", "measures"];
const FIELDS = { selfDiagnosis: "self_diagnosis", causeAnalysis: "cause_analysis", measures: "measures" };
const $ = (id) => document.getElementById(id);
const P = T.report_page;
let token = sessionStorage.getItem(TOKEN_KEY);
let record = null;

const RECORD = `query($s: ID!, $p: String) { reportRecord(subjectId: $s, period: $p) {
  subjectId subjectName period status version canWrite canReview
  parts { selfDiagnosis causeAnalysis measures }
  decisions { action version by byName at comment } } }`;
const QUEUE = `{ reportsToReview { subjectId subjectName period status } }`;
const SAVE = `mutation($s: ID!, $p: String, $parts: ReportPartsInput!, $v: Int) {
  saveReport(subjectId: $s, period: $p, parts: $parts, expectedVersion: $v) { version } }`;
const SUBMIT = `mutation($s: ID!, $p: String, $v: Int) {
  submitReport(subjectId: $s, period: $p, expectedVersion: $v) { status } }`;
const REVIEW = `mutation($s: ID!, $p: String, $ok: Boolean!, $c: String, $v: Int) {
  reviewReport(subjectId: $s, period: $p, accept: $ok, comment: $c, expectedVersion: $v) { status } }`;

function headers(extra = {}) {
  return { ...extra, ...(token ? { Authorization: `Bearer ${token}` } : {}) };
}

async function call(url, init = {}) {
  const response = await fetch(url, { ...init, headers: headers(init.headers) });
  if (response.status === 401) $("token-box").hidden = false;
  return response;
}

async function gql(query, variables = {}) {
  const response = await call("graphql", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) {
    throw new Error(body.errors.map((e) => {
      const problems = e.extensions?.problems?.map((p) => p.message).filter(Boolean) ?? [];
      return problems.length ? problems.join("；") : e.message;
    }).join("；"));
  }
  return body.data;
}

function say(text, error = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", error);
}

const when = (at) => new Date(at).toLocaleString("zh-CN");
const editable = () => record?.canWrite && ["DRAFT", "RETURNED"].includes(record.status);

function show() {
  const r = record;
  $("record").hidden = false;
  $("record").dataset.state = "ready";
  $("record").dataset.status = r.status;
  $("summary").textContent = fmt(P.loaded, { name: r.subjectName, period: r.period, status: r.status,
    version: r.version });
  for (const part of PARTS) {
    $(FIELDS[part]).value = r.parts[part];
    $(FIELDS[part]).readOnly = !editable();
    $(FIELDS[part]).title = editable() ? "" : P.read_only;
  }
  $("writer").hidden = !editable();
  $("reviewer").hidden = !(r.canReview && r.status === "SUBMITTED");
  const returned = [...r.decisions].reverse().find((d) => d.action === "RETURN");
  $("return-comment").hidden = !(returned && r.status === "RETURNED");
  if (returned) {
    $("return-comment").textContent = fmt(P.return_comment, { by: returned.byName || returned.by,
      at: when(returned.at), comment: returned.comment ?? "" });
  }
  $("decisions").replaceChildren(...r.decisions.map((d) => {
    const li = document.createElement("li");
    li.dataset.testid = "decision";
    li.dataset.action = d.action;
    li.textContent = fmt(P.decision, { action: d.action, version: d.version, by: d.byName || d.by,
      at: when(d.at) }) + (d.comment ? ` · ${fmt(P.comment, { comment: d.comment })}` : "");
    return li;
  }));
  $("evidence").href = `evidence?parent=${encodeURIComponent(`REPORT:${r.subjectId}@${r.period}`)}`;
  const url = new URL(location.href);
  url.searchParams.set("subject", r.subjectId);
  url.searchParams.set("period", r.period);
  history.replaceState(null, "", url);
}

async function load() {
  const subject = $("subject").value.trim();
  if (!subject) return;
  $("record").dataset.state = "loading";
  try {
    record = (await gql(RECORD, { s: subject, p: $("period").value.trim() || null })).reportRecord;
    $("period").value = record.period;
    show();
    say("");
  } catch (e) {
    record = null;
    $("record").hidden = true;
    $("record").dataset.state = "error";
    $("summary").textContent = "";
    $("return-comment").hidden = true;
    say(fmt(P.failed, { reason: e.message }), true);
  }
}

async function act(fn, done) {
  try {
    const message = await fn();
    await load();
    await queue();
    say(done ?? message);
  } catch (e) {
    say(fmt(P.failed, { reason: e.message }), true);
  }
}

const key = () => ({ s: record.subjectId, p: record.period, v: record.version });

function save() {
  const parts = Object.fromEntries(PARTS.map((part) => [part, $(FIELDS[part]).value]));
  return act(async () => fmt(P.saved, { version: (await gql(SAVE, { ...key(), parts })).saveReport.version }));
}

async function submit() {
  return act(async () => {
    const changed = PARTS.some((part) => $(FIELDS[part]).value !== record.parts[part]);
    if (changed) await gql(SAVE, { ...key(), parts: Object.fromEntries(PARTS.map((p) => [p, $(FIELDS[p]).value])) });
    const current = (await gql(RECORD, { s: record.subjectId, p: record.period })).reportRecord;
    await gql(SUBMIT, { s: current.subjectId, p: current.period, v: current.version });
    return P.submitted;
  });
}

function review(accept) {
  const comment = $("comment").value.trim();
  if (!accept && !comment) return say(P.need_comment, true);
  return act(async () => {
    await gql(REVIEW, { ...key(), ok: accept, c: comment || null });
    $("comment").value = "";
    return accept ? P.accepted : P.returned;
  });
}

async function download(format) {
  if (!record) return;
  say(fmt(P.downloading, { format: format.toUpperCase() }));
  const period = /^\d{4}$/.test(record.period) ? `?period=${record.period}` : "";
  const response = await call(`reports/${encodeURIComponent(record.subjectId)}.${format}${period}`);
  if (!response.ok) return say(fmt(P.failed, { reason: (await response.text()).trim() }), true);
  const name = `${record.subjectId}-${record.period}.${format}`;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
  say(fmt(P.downloaded, { name }));
}

async function queue() {
  const list = $("queue");
  try {
    const items = (await gql(QUEUE)).reportsToReview;
    list.replaceChildren(...items.map((r) => {
      const li = document.createElement("li");
      li.dataset.testid = "queue-item";
      const open = document.createElement("button");
      open.type = "button";
      open.textContent = fmt(P.queue_item, { name: r.subjectName, subject: r.subjectId, period: r.period,
        status: r.status });
      open.addEventListener("click", () => {
        $("subject").value = r.subjectId;
        $("period").value = r.period;
        load();
      });
      li.append(open);
      return li;
    }));
    if (!items.length) list.replaceChildren(Object.assign(document.createElement("li"), { textContent: P.none_to_review }));
    list.dataset.state = "ready";
  } catch (e) {
    list.dataset.state = "error";
  }
}

$("token").addEventListener("change", (e) => {
  token = e.target.value.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  queue();
  load();
});
$("load").addEventListener("click", load);
$("save").addEventListener("click", save);
$("submit").addEventListener("click", submit);
$("accept").addEventListener("click", () => review(true));
$("return").addEventListener("click", () => review(false));
for (const b of document.querySelectorAll("[data-format]")) {
  b.addEventListener("click", () => download(b.dataset.format));
}
const params = new URLSearchParams(location.search);
$("subject").value = params.get("subject") ?? "";
$("period").value = params.get("period") ?? "";
queue();
load();

// The 数据填报 page: a unit's 填报表 (submit values for review), the values waiting for review (approve or
// return with a comment) and the plan as a workbook (download; upload → dry run → apply). Every word comes
// from the catalogue (texts.js); requests carry the explorer's bearer token (sessionStorage) when there is one.
import { T, fmt, label } from "./texts.js";

const TOKEN_KEY = "zhengai.token";
const $ = (id) => document.getElementById(id);
const P = T.filling_page;
let token = sessionStorage.getItem(TOKEN_KEY);
let previewed = null;  // the workbook file the last dry run read

function headers(extra = {}) {
  return { ...extra, ...(token ? { Authorization: `Bearer ${token}` } : {}) };
}

async function call(url, init = {}) {
  const response = await fetch(url, { ...init, headers: headers(init.headers) });
  if (response.status === 401) {
    $("token-box").hidden = false;
    throw new Error(await response.text());
  }
  return response;
}

async function gql(query, variables = {}) {
  const response = await call("graphql", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("；"));
  return body.data;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (className) td.className = className;
  return td;
}

function say(id, text, error = false) {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle("error", error);
}

async function download(url, name) {
  const response = await call(url);
  if (!response.ok) throw new Error(await response.text());
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
}

// ------------------------------------------------------------------------------------------ 填报表
const FORM = `query($unit: ID!) { fillForm(unitId: $unit) { unitName asOf rows { metricId metricName unit
  lastValue lastAt due dueStatus dueStatusName pending { value } returned { comment } } } }`;

async function loadForm() {
  const unit = $("unit").value.trim();
  const body = $("form-rows");
  body.replaceChildren();
  say("form-status", P.loading);
  const data = await gql(FORM, { unit });
  const form = data.fillForm;
  $("form-unit").textContent = `${form.unitName}（${form.asOf}）`;
  for (const r of form.rows) {
    const tr = document.createElement("tr");
    tr.dataset.metric = r.metricId;
    tr.dataset.due = r.due;
    tr.append(cell(`${r.metricName}（${r.metricId}）`), cell(r.lastValue == null ? "—" : `${r.lastValue} ${r.unit ?? ""}`),
      cell(r.due), cell(r.dueStatusName, r.dueStatus), cell(r.pending ? String(r.pending.value) : ""),
      cell(r.returned?.comment ?? "", "returned"));
    const value = document.createElement("input");
    value.className = "value";
    value.inputMode = "decimal";
    value.dataset.testid = `value-${r.metricId}`;
    value.setAttribute("data-testid", `value-${r.metricId}`);
    const at = document.createElement("input");
    at.type = "date";
    at.value = r.due <= form.asOf ? r.due : form.asOf;
    const tdValue = document.createElement("td");
    tdValue.append(value);
    const tdAt = document.createElement("td");
    tdAt.append(at);
    tr.append(tdValue, tdAt);
    body.append(tr);
  }
  say("form-status", form.rows.length ? "" : P.no_rows);
}

const SUBMIT = `mutation($values: [ValueInput!]!) { submitValues(values: $values) { id status } }`;

async function submitForm() {
  const values = [];
  for (const tr of $("form-rows").children) {
    const [input, at] = tr.querySelectorAll("input");
    if (!input.value.trim()) continue;
    values.push({ metricId: tr.dataset.metric, at: at.value, value: Number(input.value.replace("%", "")) });
  }
  if (!values.length) return say("form-status", P.nothing_filled, true);
  const data = await gql(SUBMIT, { values });
  say("form-status", fmt(P.submitted, { count: data.submitValues.length }));
  await Promise.all([loadForm(), loadPending()]);
}

// -------------------------------------------------------------------------------------------- 审核
const PENDING = `{ pendingValues(first: 200) { id metricId at value enteredBy enteredByName source
  provenance enteredAt } }`;

async function loadPending() {
  const body = $("review-rows");
  body.replaceChildren();
  const data = await gql(PENDING);
  for (const s of data.pendingValues) {
    const tr = document.createElement("tr");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = s.id;
    box.setAttribute("data-testid", `pick-${s.metricId}`);
    const td = document.createElement("td");
    td.append(box);
    tr.append(td, cell(s.metricId), cell(s.at), cell(String(s.value)), cell(s.enteredByName ?? s.enteredBy),
      cell(s.source ?? label("provenance", s.provenance)), cell(s.enteredAt.slice(0, 16).replace("T", " ")));
    body.append(tr);
  }
  if (!data.pendingValues.length) {
    const tr = document.createElement("tr");
    const td = cell(P.no_pending);
    td.colSpan = 7;
    tr.append(td);
    body.append(tr);
  }
}

const REVIEW = `mutation($ids: [ID!]!, $decision: ReviewDecision!, $comment: String) {
  reviewValues(ids: $ids, decision: $decision, comment: $comment) { id status } }`;

async function review(decision) {
  const ids = [...$("review-rows").querySelectorAll("input:checked")].map((b) => b.value);
  if (!ids.length) return;
  const comment = $("comment").value.trim() || null;
  if (decision === "RETURN" && !comment) return say("review-status", P.comment_prompt, true);
  const data = await gql(REVIEW, { ids, decision, comment });
  const count = data.reviewValues.length;
  say("review-status", fmt(decision === "APPROVE" ? P.approved : P.returned, { count }));
  await Promise.all([loadPending(), $("unit").value ? loadForm() : null]);
}

// ---------------------------------------------------------------------------------------- 工作簿
function renderPreview(result, applied) {
  const box = $("preview-box");
  box.replaceChildren();
  if (result.problems.length) {
    box.dataset.state = "refused";
    const p = document.createElement("p");
    p.className = "problems";
    p.textContent = fmt(P.problems, { count: result.problemCount });
    const ul = document.createElement("ul");
    ul.className = "problems";
    for (const problem of result.problems) {
      const li = document.createElement("li");
      li.textContent = problem.message;
      ul.append(li);
    }
    box.append(p, ul);
    return;
  }
  const c = result.counts;
  const p = document.createElement("p");
  p.setAttribute("data-testid", "preview-summary");
  const nothing = !result.changes.length && !c.values;
  box.dataset.state = nothing ? "nothing" : applied ? "applied" : "preview";
  p.textContent = nothing ? P.nothing : `${applied ? fmt(P.applied, { version: result.version }) : P.preview_title}：`
    + fmt(T.workbook.summary, { file: $("plan-file").files[0]?.name ?? "", ...c });
  const ul = document.createElement("ul");
  for (const change of result.changes) {
    const li = document.createElement("li");
    const where = change.row ? `${change.sheet}!${change.row}` : change.sheet;
    li.textContent = `${where}：${change.kind} ${change.id ?? ""}${change.target ? ` → ${change.target}` : ""}`
      + (change.fields.length ? `（${change.fields.join("、")}）` : "");
    ul.append(li);
  }
  box.append(p, ul);
}

async function sendWorkbook(apply) {
  const file = $("plan-file").files[0];
  if (!file) return;
  const response = await call(`import/plan.xlsx${apply ? "?apply=1" : ""}`, {
    method: "POST", headers: { "Content-Type": "application/octet-stream" }, body: file,
  });
  if (response.status >= 500 || response.status === 413 || response.status === 403) throw new Error(await response.text());
  const result = await response.json();
  renderPreview(result, apply);
  previewed = !apply && !result.problems.length && (result.changes.length || result.counts.values) ? file : null;
  $("apply").disabled = !previewed;
}

function guarded(fn, statusId) {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (error) {
      if (statusId) say(statusId, fmt(P.failed, { reason: error.message }), true);
      else console.error(error);
    }
  };
}

async function start() {
  $("token").addEventListener("change", (e) => {
    token = e.target.value.trim() || null;
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    guarded(init, "form-status")();
  });
  $("load-form").addEventListener("click", guarded(loadForm, "form-status"));
  $("submit-form").addEventListener("click", guarded(submitForm, "form-status"));
  $("download-form").addEventListener("click", guarded(
    () => download(`forms/${encodeURIComponent($("unit").value.trim())}.xlsx`, `${$("unit").value.trim()}.xlsx`),
    "form-status"));
  $("approve").addEventListener("click", guarded(() => review("APPROVE"), "review-status"));
  $("return").addEventListener("click", guarded(() => review("RETURN"), "review-status"));
  $("download-plan").addEventListener("click", guarded(() => download("export/plan.xlsx", "plan.xlsx"), "review-status"));
  $("preview").addEventListener("click", guarded(() => sendWorkbook(false), "review-status"));
  $("apply").addEventListener("click", guarded(() => sendWorkbook(true), "review-status"));
  await guarded(init, "form-status")();
  document.body.dataset.ready = "true";
}

async function init() {
  const data = await gql("{ viewer { unitId } }");
  if (data.viewer.unitId && !$("unit").value) $("unit").value = data.viewer.unitId;
  await loadPending();
  if ($("unit").value) await loadForm();
}

start();

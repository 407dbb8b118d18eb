// The 考核 page (/assessment): a 考核方案's ranking at a date — each visible subject's rank, score and the
// points of each component (they add up to the score), the previous period's score and the change — and the
// 黄牌/红牌 of every visible CARDS goal. Words from the catalogue (texts.js, block "assessment"); requests carry
// the explorer's bearer token (sessionStorage) when there is one.
import { T, fmt, label } from "./texts.js";

const TOKEN_KEY = "zhengai.token";
const $ = (id) => document.getElementById(id);
const P = T.assessment.page;
const token = sessionStorage.getItem(TOKEN_KEY);
const params = new URLSearchParams(location.search);

const SCHEMES = `query($d: Date) { schemes(asOf: $d) { id name periodName fullMarks components { key name points } } }`;
const RANKING = `query($s: ID!, $d: Date) { assessment(schemeId: $s, asOf: $d) { periodKey previousPeriodKey
  fullMarks count mean hidden rows { subjectId name rank score components { key points counted met }
  previous { score rank delta } } } }`;
const CARDS = `query($d: Date) { goalCards(asOf: $d) { goalId card below cardYears } }`;

async function gql(query, variables = {}) {
  const response = await fetch("graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  if (response.status === 401) $("token-box").hidden = false;
  const body = await response.json();
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("；"));
  return body.data;
}

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

const points = (x) => Number(x).toFixed(2);
let schemes = [];

function head(scheme) {
  const row = el("tr");
  for (const text of [P.rank, P.subject, P.score]) row.append(el("th", text));
  for (const c of scheme.components) row.append(el("th", `${c.name}（${points(c.points)}）`));
  row.append(el("th", P.previous), el("th", P.delta));
  $("ranking-head").replaceChildren(row);
}

function line(scheme, r) {
  const row = el("tr", null, { "data-testid": "rank-row", "data-subject": r.subjectId });
  row.append(el("td", String(r.rank)), el("td", `${r.name}（${r.subjectId}）`), el("td", points(r.score), { class: "score" }));
  const byKey = Object.fromEntries(r.components.map((c) => [c.key, c]));
  for (const c of scheme.components) {
    const got = byKey[c.key];
    const td = el("td", points(got.points), { "data-component": c.key });
    if (got.counted) td.title = fmt(P.counted, got);
    row.append(td);
  }
  const prev = r.previous;
  row.append(el("td", prev ? `${points(prev.score)}（${prev.rank}）` : "—"));
  const delta = prev ? Number(prev.delta) : null;
  row.append(el("td", delta == null ? "—" : `${delta > 0 ? "+" : ""}${points(delta)}`,
    { class: delta > 0 ? "up" : delta < 0 ? "down" : "" }));
  return row;
}

async function rank() {
  const table = document.querySelector("[data-testid=ranking]");
  const scheme = schemes.find((s) => s.id === $("scheme").value);
  if (!scheme) return;
  table.dataset.state = "loading";
  try {
    const a = (await gql(RANKING, { s: scheme.id, d: $("as-of").value || null })).assessment;
    head(scheme);
    const rows = a.rows.map((r) => line(scheme, r));
    if (!rows.length) {
      const empty = el("tr");
      empty.append(el("td", P.no_rows, { colspan: "99" }));
      rows.push(empty);
    }
    $("ranking-rows").replaceChildren(...rows);
    const parts = [`${P.period} ${a.periodKey}（${P.previous} ${a.previousPeriodKey}）`,
      fmt(P.full_marks, { points: points(a.fullMarks) }), fmt(P.count, a),
      a.mean == null ? P.mean_withheld : fmt(P.mean, { mean: points(a.mean) })];
    if (a.hidden) parts.push(fmt(P.hidden, { count: a.hidden }));
    $("summary").textContent = parts.join("；");
    table.dataset.state = "ready";
  } catch (error) {
    $("summary").textContent = fmt(P.failed, { reason: error.message });
    table.dataset.state = "error";
  }
}

async function cards() {
  const list = $("cards");
  const found = (await gql(CARDS, { d: $("as-of").value || null })).goalCards;
  list.replaceChildren(...found.map((c) => {
    const item = el("li", `${c.goalId} `, { "data-testid": "card", "data-goal": c.goalId });
    item.append(el("span", fmt(P.card_badge, { card: T.assessment.card[c.card] ?? label("assessment", c.card),
      below: c.below, years: c.cardYears }), { class: `badge card-${c.card.toLowerCase()}`, "data-card": c.card }));
    return item;
  }));
  list.dataset.state = "ready";
}

async function start() {
  document.title = P.title;
  $("title").textContent = P.title;
  $("heading").textContent = P.heading;
  $("scheme-label").textContent = P.scheme;
  $("as-of-label").textContent = P.as_of;
  $("back").textContent = P.back;
  $("as-of").value = params.get("asOf") || new Date().toISOString().slice(0, 10);
  schemes = (await gql(SCHEMES, { d: $("as-of").value })).schemes;
  if (!schemes.length) {
    $("summary").textContent = P.none;
    document.querySelector("[data-testid=ranking]").dataset.state = "ready";
  }
  $("scheme").replaceChildren(...schemes.map((s) => el("option", `${s.name}（${s.periodName}）`, { value: s.id })));
  if (params.get("scheme")) $("scheme").value = params.get("scheme");
  $("scheme").addEventListener("change", rank);
  $("as-of").addEventListener("change", () => { rank(); cards(); });
  $("token")?.addEventListener("change", (e) => { sessionStorage.setItem(TOKEN_KEY, e.target.value); location.reload(); });
  await Promise.all([rank(), cards()]);
}

start();

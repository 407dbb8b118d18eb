// 五纵五横 explorer: the quality network, a goal's chain, impact tracing and what-if simulation.
// Talks to the service only through POSTs to its public GraphQL endpoint (./graphql); no build step.
// With authentication configured, a bearer token pasted by the user (登录令牌, kept in sessionStorage)
// goes with every request. Deep links: #goal=<id>&metric=<id>. Tests reach the graph through
// window.zhengaiExplorer.cy.
// Who is calling comes from the service (`viewer`, asked once on load and on sign-in): the header's
// identity, whether the caller reads through a scope and the quality subjects they answer for.
// A scoped token (学生, 教师, 部门负责人) sees only its own part of the graph: the page opens the first goal of
// the caller's first own subject (a 部门负责人: their unit's top goal), lists their subjects (我的质量主体),
// draws the service's anonymous "其他 N 项" aggregates (kind Folded, their count, weight and attainment in
// `folded`) next to the node they fold into, and shows them as the rows that make a gap, a trace or a
// simulation add up.
// Editing (编辑图谱) is editor.js's: this page hands it a few hooks (createEditor below) and tells it when
// another goal is shown or another identity signs in.

import { showCard } from "./cards.js";
import { createEditor } from "./editor.js";
import { attachSearch } from "./search.js";
import { createSubjectPanel } from "./subject.js";
import { T, fmt, label } from "./texts.js";

const ENDPOINT = new URL("graphql", document.baseURI).href;
const SEVERITY = { RED: 0, YELLOW: 1, UNKNOWN: 2, GREEN: 3 };
const COLOURS = {
  GREEN: ["#dcf2e3", "#2e9d5b"], YELLOW: ["#fcf0c8", "#d49b00"],
  RED: ["#f9d9d9", "#d64545"], UNKNOWN: ["#eceef0", "#9aa0a6"],
};
const PATH_COLOUR = "#2f5bd3";
const FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
// Bounds: what the page draws or lists at most; the rest is summarised with a count.
const LIMITS = { perRow: 8, nodes: 48, goalsScanned: 500, goalsShown: 100, maxPaths: 20, simRows: 60,
  warningsShown: 100, foldViews: 40, gapFetched: 50, gapRows: 8 };

// ---------------------------------------------------------------- GraphQL operations (public API only)
const VIEW = `fragment View on GraphView { omitted
  nodes { id label kind level rank status attainment folded { label count weight coverage attainment } }
  edges { source target kind weight } }`;
const GAP = `fragment Gap on GapExplanation { goal { id name } attainment gap contributorCount
  contributors { metric { id name } attainment sensitivity contribution }
  unknownMetrics { id name } others { label count contribution sensitivity } }`;
const Q = {
  network: `query Network($asOf: Date) { qualityNetwork(asOf: $asOf) { asOf cells {
    system systemName level levelName goalCount metricCount attainment status green yellow red unknown } } }`,
  cellGoals: `query CellGoals($level: Level!, $system: System!, $asOf: Date, $after: String) {
    goals(level: $level, system: $system, asOf: $asOf, first: 100, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id name attainment(asOf: $asOf) status(asOf: $asOf) unit { name system } } } } }`,
  // the chain and, in the same request, why the goal is behind (差距分析)
  chain: `query Chain($id: ID!, $asOf: Date, $depth: Int, $top: Int!) {
    goal(id: $id, asOf: $asOf) { id name level aggregate attainment(asOf: $asOf) coverage(asOf: $asOf)
                    status(asOf: $asOf) subjectId unit { name systemName } }
    up: goalChain(goalId: $id, direction: UP, asOf: $asOf) { ...View }
    down: goalChain(goalId: $id, direction: DOWN, depth: $depth, asOf: $asOf) { ...View }
    gap: explainGap(goalId: $id, asOf: $asOf, top: $top) { ...Gap } } ${VIEW} ${GAP}`,
  trace: `query Trace($id: ID!, $asOf: Date, $maxPaths: Int!) {
    traceImpact(metricId: $id, asOf: $asOf, toLevel: SCHOOL, maxPaths: $maxPaths) {
      metric { id name unit direction baseline target floor
               value(asOf: $asOf) attainment(asOf: $asOf) status(asOf: $asOf) }
      attainment pathCount
      targets { goal { id name level attainment(asOf: $asOf) status(asOf: $asOf) }
                sensitivity pathCount paths { nodeIds weight } }
      others { label count sensitivity } } }`,
  // who is calling: asked once on load and on sign-in
  viewer: `query Viewer { viewer { sub name roles unitId subjectId scoped unit { id name }
    ownSubjects { id name level levelName } } }`,
  // the goals of one quality subject (我的质量主体), in the service's order
  subjectGoals: `query SubjectGoals($subjectId: ID!, $asOf: Date, $first: Int!) {
    goals(subjectId: $subjectId, asOf: $asOf, first: $first) { totalCount
      edges { node { id name level attainment(asOf: $asOf) status(asOf: $asOf) unit { name system } } } } }`,
  // a 部门负责人's unit's goals (they are no quality subject themselves)
  unitGoals: `query UnitGoals($unitId: ID!, $asOf: Date) {
    goals(unitId: $unitId, asOf: $asOf, first: 100) {
      edges { node { id name level unit { system } parents(first: 100) { id } } } } }`,
  // the listed warnings (most severe first) and the service's totals of all of them (never a capped count)
  warnings: `query Warnings($asOf: Date, $level: Level, $minSeverity: Severity, $first: Int) {
    list: warnings(asOf: $asOf, level: $level, minSeverity: $minSeverity, first: $first) {
      id type severity nodeId nodeName kind level unitId unitName leader message }
    summary: warningSummary(asOf: $asOf, level: $level) { total red yellow info } }`,
  metricGoal: `query MetricGoal($id: ID!) { metric(id: $id) { id goals(first: 1) { id } } }`,
  simulate: `query Simulate($changes: [MetricValueInput!]!, $asOf: Date) {
    simulate(changes: $changes, asOf: $asOf) {
      metrics { metric { id name unit } valueBefore valueAfter before after beforeStatus afterStatus }
      changes { goal { id name level } before after beforeStatus afterStatus }
      others { label count } } }`,
};
const RANK = { SCHOOL: 0, MAJOR: 1, COURSE: 2, TEACHER: 3, STUDENT: 4 };

// ---------------------------------------------------------------- 登录令牌 (bearer token)
// Without authentication configured (development mode) the service never answers 401 and none of this
// shows. The token is decoded here only to refuse a malformed or expired one before it is sent and to show
// its expiry: who it names comes from the service (`viewer`), which verifies it on every request.
const TOKEN_KEY = "zhengai.token";
// viewer: the service's answer for the current token (null until it came, or in development mode before)
const auth = { token: sessionStorage.getItem(TOKEN_KEY), required: false, viewer: null };

class AuthRequired extends Error {}

/** A GraphQL error answer; ``codes`` are its errors' extensions.code (NOT_FOUND, FORBIDDEN …). */
class ApiError extends Error {
  constructor(message, codes) {
    super(message);
    this.codes = codes;
  }

  get notFound() { return this.codes.includes("NOT_FOUND"); }
}

/** Not a failure but a situation to explain calmly (an unknown or out-of-scope id). */
class CalmNotice extends Error {}

/** The payload of a JWT, or null when ``token`` is not one. */
function claimsOf(token) {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const b64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, "=")), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === "object" && !Array.isArray(claims) ? claims : null;
  } catch {
    return null;
  }
}

function setToken(token) {
  if (token !== auth.token) {
    auth.viewer = null;  // another identity: asked again
    ticket("viewer");
  }
  auth.token = token;
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  renderAuth();
}

/** fetch() with the bearer token; a 401 asks for a (new) token and throws AuthRequired. */
async function api(url, init = {}) {
  const sent = auth.token;
  const headers = { ...init.headers, ...(sent ? { Authorization: `Bearer ${sent}` } : {}) };
  const response = await fetch(url, { ...init, headers });
  if (response.status !== 401) return response;
  const reason = (await response.text()).replace(/^authentication required:\s*/, "");
  if (auth.token === sent) {  // (not when another token was entered meanwhile)
    auth.required = true;
    setToken(null);  // a refused token is not kept
    if (sent || !$("auth-dialog").open) {
      askToken(!sent ? "本服务已启用身份认证，请输入登录令牌。" : /expired/.test(reason)
        ? "登录令牌已过期，请输入新的令牌。" : `登录令牌未被接受（${reason}），请重新输入。`);
    }
  }
  throw new AuthRequired("需要登录令牌");
}

/** Asks the service who is calling (once on load and on sign-in) and shows it. */
async function loadViewer() {
  const n = ticket("viewer");
  const data = await gql(Q.viewer);
  if (!current("viewer", n)) return;
  auth.viewer = data.viewer;
  renderAuth();
}

function renderAuth() {
  const v = auth.token ? auth.viewer : null;
  const claims = auth.token ? claimsOf(auth.token) : null;  // its expiry only: not in `viewer`
  $("auth").hidden = !auth.required && !auth.token;
  $("auth").dataset.state = auth.token ? "signed-in" : "signed-out";
  const user = $("auth-user");
  user.textContent = !auth.token ? "未登录" : !v ? "正在确认身份 …"
    : `${v.name || v.sub}${v.name ? `（${v.sub}）` : ""}`
      + ` · ${v.roles.map((r) => T.role[r] ?? r).join("、") || "无角色"}`;
  user.dataset.sub = v?.sub ?? "";
  user.dataset.roles = v?.roles.join(",") ?? "";
  user.title = claims?.exp ? `令牌有效期至 ${new Date(claims.exp * 1000).toLocaleString("zh-CN")}` : "";
  $("auth-login").textContent = auth.token ? "更换令牌" : "登录令牌";
  $("auth-logout").hidden = !auth.token;
  renderScopeNote();
  editor?.viewerChanged();
}

const SCOPED_ROLES = ["STUDENT", "TEACHER", "UNIT_HEAD"];

/** Who is calling, as the service says (`viewer`); ``scoped``: reads only their part of the graph (学生,
 * 教师, 部门负责人). Nobody (and unscoped) until the service answered. */
function principal() {
  const v = auth.viewer;
  const roles = v ? SCOPED_ROLES.filter((r) => v.roles.includes(r)) : [];
  return { viewer: v, scoped: Boolean(v?.scoped), role: roles[0] ?? null, roles,
    name: v ? v.name || v.sub : "", subjects: v?.ownSubjects ?? [] };
}


/** The 数据权限 note of a scoped caller, with their own quality subjects (我的质量主体): a click lists a
 * subject's goals and opens the first one's chain. */
function renderScopeNote() {
  const who = principal();
  const note = $("scope-note");
  note.hidden = !who.scoped;
  note.dataset.role = who.role ?? "";
  const list = $("my-subjects");
  if (!who.scoped) {
    $("scope-text").textContent = "";
    list.hidden = true;
    $("my-subject-list").replaceChildren();
    return;
  }
  const v = who.viewer;
  const id = who.role === "UNIT_HEAD" ? v.unitId : v.subjectId;
  const roles = who.roles.length ? who.roles : [null];
  $("scope-text").textContent = `数据权限：${roles.map((r) => T.role[r] ?? "").join("、")} ${who.name}`
    + `${id ? `（${id}）` : ""}。${roles.map((r) => T.explorer.scope[r]).filter(Boolean).join("；") || "只显示您权限范围内的目标"}；`
    + "其他人员的目标与范围外的节点不显示，只合并为灰色虚线框的“其他 N 项”匿名汇总，各项数字之和仍与达成度一致。";
  list.hidden = who.subjects.length === 0;
  $("my-subject-list").replaceChildren(...who.subjects.map((s) => h("li", {},
    h("button", {
      type: "button", class: `my-subject${state.subject?.id === s.id ? " selected" : ""}`,
      "data-testid": "my-subject", "data-subject-id": s.id, "data-level": s.level,
      title: `查看“${s.name}”（${s.levelName}）的目标`,
      onclick: () => guarded("加载目标列表", () => selectSubject(s, { open: true })),
    }, s.name, h("small", {}, s.levelName)))));
}

function askToken(reason = "请输入登录令牌。") {
  $("auth-reason").textContent = reason;
  $("auth-error").textContent = "";
  const dialog = $("auth-dialog");
  if (!dialog.open) {
    $("auth-token").value = "";
    dialog.showModal();
  }
  $("auth-token").focus();
}

async function signIn(text) {
  const token = text.trim().replace(/^bearer\s+/i, "");
  const claims = claimsOf(token);
  const error = !claims ? "这不是有效的 JWT 令牌（应为以“.”分隔的三段）。"
    : claims.exp && claims.exp * 1000 < Date.now()
      ? `该令牌已于 ${new Date(claims.exp * 1000).toLocaleString("zh-CN")} 过期。` : "";
  $("auth-error").textContent = error;
  if (error) return;
  setToken(token);
  $("auth-dialog").close();
  resetView();  // nothing shown to another identity stays on the page
  setStatus("已登录，正在确认身份 …");
  await loadViewer();
  setStatus(`已登录：${$("auth-user").textContent}，正在加载 …`);
  await reloadAll();
  const done = await guarded("打开目标", async () => (await openStart()) ?? "");
  if (done !== undefined) {
    setStatus(`已登录：${$("auth-user").textContent}。${done || `监测日期 ${state.asOf}：点击单元格查看目标`}`);
  }
}

/** The GraphQL answer's body as it came ({data, errors}), for a caller that reads the errors' extensions
 * (the editor: problems, currentVersion). */
async function gqlBody(query, variables = {}) {
  const response = await api(ENDPOINT, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  try {
    return await response.json();
  } catch {
    throw new Error(`服务返回 HTTP ${response.status}`);
  }
}

async function gql(query, variables = {}) {
  const response = await api(ENDPOINT, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error(`服务返回 HTTP ${response.status}`);
  }
  if (body.errors?.length) {
    throw new ApiError(body.errors.map((e) => e.message).join("；"), body.errors.map((e) => e.extensions?.code));
  }
  if (!response.ok) throw new Error(`服务返回 HTTP ${response.status}`);
  return body.data;
}

/** Goals by id, batched into one request with aliases (for trace paths outside the drawn chain). */
async function fetchGoals(ids) {
  if (!ids.length) return [];
  const vars = ids.map((_, i) => `$i${i}: ID!`).join(", ");
  const fields = ids.map((_, i) => `g${i}: goal(id: $i${i}) { id name level attainment(asOf: $asOf) status(asOf: $asOf) }`);
  const variables = { asOf: state.asOf };
  ids.forEach((id, i) => { variables[`i${i}`] = id; });
  const data = await gql(`query Goals(${vars}, $asOf: Date) { ${fields.join(" ")} }`, variables);
  return Object.values(data).filter(Boolean);
}

// ---------------------------------------------------------------- small helpers
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child != null && child !== false) el.append(child instanceof Node ? child : String(child));
  }
  return el;
}
const $ = (id) => document.getElementById(id);
const pct = (a) => (a == null ? "—" : `${(a * 100).toFixed(1)}%`);
/** 影响程度 in plain decimals with three significant digits (0.0000427, never 4.27e-5: the quality office
 * reads numbers, not scientific notation). */
function sens(s) {
  const r = Number(Number(s).toPrecision(3));
  return r === 0 ? "0.00" : r.toFixed(Math.min(Math.max(0, 2 - Math.floor(Math.log10(Math.abs(r)))), 100));
}
const num = (x) => (x == null ? "—" : String(Math.round(x * 1000) / 1000));
const short = (text, n = 18) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
const chip = (status, text = T.status[status]) => h("span", { class: `chip ${status}`, "data-status": status, title: T.status[status] }, text ?? status);
const shortChip = (status) => chip(status, T.status_short[status]);
/** Replace ``el``'s children, skipping null ones. */
const fill = (el, ...children) => el.replaceChildren(...children.filter((c) => c != null && c !== false));

/** A node label's text and the height it needs (CJK text wraps at about nine characters a line). */
function labelData(text, kind) {
  const perLine = kind === "Metric" ? 8 : 10;
  const lines = text.split("\n").reduce((a, line) => a + Math.max(1, Math.ceil(line.length / perLine)), 0);
  return { display: text, h: Math.max(44, 14 + 13 * lines + (kind === "Metric" ? 12 : 0)) };
}
const setLabel = (node, text) => node.data(labelData(text, node.data("kind")));

const tickets = {};
/** A new request number for ``channel``; a response is shown only if no newer request was made. */
const ticket = (channel) => (tickets[channel] = (tickets[channel] ?? 0) + 1);
const current = (channel, n) => tickets[channel] === n;

/** The status line; ``error``: true for a failure, "calm" for a notice (an unknown id, nothing in scope). */
function setStatus(text, error = false) {
  const bar = $("statusbar");
  bar.textContent = text;
  bar.classList.toggle("error", Boolean(error));
  bar.classList.toggle("calm", error === "calm");
}

async function guarded(what, fn) {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CalmNotice) setStatus(err.message, "calm");
    else {
      setStatus(err instanceof AuthRequired ? `${what}：需要登录令牌（右上角“登录令牌”）`
        : `${what}失败：${err.message}`, true);
    }
    return undefined;
  }
}

// ---------------------------------------------------------------- state
const state = {
  asOf: $("as-of").value,
  cells: [],
  cell: null,          // selected matrix cell
  subject: null,       // or selected own quality subject (我的质量主体) whose goals are listed
  goal: null,          // goal whose chain is drawn
  model: null,         // {nodes: Map, edges: Map, omitted}
  metric: null,        // selected metric (trace + simulation)
  trace: null,
  simulation: null,
};
let editor = null;  // 编辑图谱 (editor.js), once the page is wired

// ---------------------------------------------------------------- (a) the 五纵五横 matrix
async function loadMatrix() {
  const n = ticket("matrix");
  $("matrix").dataset.state = "loading";
  const data = await gql(Q.network, { asOf: state.asOf });
  if (!current("matrix", n)) return;
  state.cells = data.qualityNetwork.cells;
  renderMatrix();
  $("matrix").dataset.state = "ready";
}

function renderMatrix() {
  const systems = [], levels = [];
  for (const c of state.cells) {
    if (!systems.some((s) => s.key === c.system)) systems.push({ key: c.system, name: c.systemName });
    if (!levels.some((l) => l.key === c.level)) levels.push({ key: c.level, name: c.levelName });
  }
  const byKey = new Map(state.cells.map((c) => [`${c.system}-${c.level}`, c]));
  const table = h("table", { class: "matrix" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, ""),
      levels.map((l) => h("th", { scope: "col" }, l.name)))),
    h("tbody", {}, systems.map((s) => h("tr", {}, h("th", { scope: "row" }, s.name),
      levels.map((l) => h("td", {}, cellButton(byKey.get(`${s.key}-${l.key}`))))))));
  $("matrix").replaceChildren(table);
}

/** The exact meaning of 影响程度 (what the API calls sensitivity), in the column's tooltip. */
const IMPACT_TITLE = "影响程度：指标达成度变化 1 个单位时目标达成度的变化（偏导数 ∂目标达成度/∂指标达成度）";

/** A count that fits a matrix cell at any scale: 30000 → 3.0万 (the exact count is in the cell's title). */
function compact(n) {
  return n >= 10000 ? fmt(T.dashboard.wan, { n: (n / 10000).toFixed(1) }) : String(n);
}

function cellButton(c) {
  const selected = state.cell && state.cell.system === c.system && state.cell.level === c.level;
  const title = `${c.systemName} × ${c.levelName}：${c.goalCount} 个目标，${c.metricCount} 项指标，`
    + `平均达成度 ${pct(c.attainment)}（${T.status[c.status]}）`;
  return h("button", {
    type: "button", class: `cell ${c.status}${selected ? " selected" : ""}`, title,
    "data-testid": `cell-${c.system}-${c.level}`, "data-status": c.status, "data-goal-count": c.goalCount,
    disabled: c.goalCount === 0, onclick: () => guarded("加载目标列表", () => selectCell(c)),
  },
  h("span", { class: "n" }, compact(c.goalCount), h("small", {}, "个目标")),
  h("span", { class: "att" }, c.goalCount ? pct(c.attainment) : ""),
  c.goalCount ? h("span", { class: "counts" },
    [["g", c.green, "GREEN"], ["y", c.yellow, "YELLOW"], ["r", c.red, "RED"], ["u", c.unknown, "UNKNOWN"]]
      .filter(([, count]) => count > 0)
      .map(([cls, count, status]) => h("span", { class: cls, title: `${T.status[status]} ${count}` },
        compact(count)))) : null,
  h("span", { class: "metrics" }, c.goalCount ? `${compact(c.metricCount)} 项指标` : "无目标"));
}

// ---------------------------------------------------------------- (b) the goals of a cell
async function selectCell(cell) {
  const n = ticket("goals");
  state.cell = cell;
  state.subject = null;
  renderMatrix();
  markSubject();
  $("goals-caption").textContent = `${cell.systemName} × ${cell.levelName}`;
  $("goal-list").dataset.state = "loading";
  // A goal counts in every system it belongs to (not its owner unit's): the API filters by level and
  // system; page through the cell's goals, at most LIMITS.goalsScanned of them.
  const found = [];
  let after = null, scanned = 0, total = 0;
  do {
    const data = await gql(Q.cellGoals, { level: cell.level, system: cell.system, asOf: state.asOf, after });
    if (!current("goals", n)) return;
    const page = data.goals;
    total = page.totalCount;
    scanned += page.edges.length;
    found.push(...page.edges.map((e) => e.node));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after && scanned < LIMITS.goalsScanned);
  delete $("goal-list").dataset.subjectId;
  found.sort((a, b) => SEVERITY[a.status] - SEVERITY[b.status]
    || (a.attainment ?? -1) - (b.attainment ?? -1) || a.id.localeCompare(b.id));
  const shown = found.slice(0, LIMITS.goalsShown);
  showGoals(shown);
  const left = Math.max(cell.goalCount - shown.length, 0);
  $("goals-more").hidden = left === 0;
  $("goals-more").textContent = left === 0 ? "" : (scanned < total
    ? `另有 ${left} 个目标未列出（已查看该格 ${total} 个目标中的前 ${scanned} 个）`
    : `另有 ${left} 个目标未列出`);
  $("goal-list").dataset.state = "ready";
  setStatus(`${cell.systemName} × ${cell.levelName}：${cell.goalCount} 个目标`);
}

/** The goal list's items (a cell's or a subject's goals). */
function showGoals(goals) {
  $("goals-empty").hidden = true;
  $("goal-list").replaceChildren(...goals.map((g) => h("li", {},
    h("button", {
      type: "button", "data-testid": "goal-item", "data-goal-id": g.id, "data-status": g.status,
      class: state.goal?.id === g.id ? "selected" : null, title: `${g.name}（${g.id}）`,
      onclick: () => guarded("加载目标链", () => selectGoal(g.id)),
    }, h("span", { class: `dot ${g.status}` }), h("span", { class: "name" }, g.name),
    h("span", { class: "unit" }, g.unit?.name ?? ""), h("span", { class: "pct" }, pct(g.attainment))))));
}

/** Marks the selected own subject (我的质量主体) in the scope note. */
function markSubject() {
  document.querySelectorAll("#my-subject-list .my-subject").forEach((b) => {
    b.classList.toggle("selected", b.dataset.subjectId === state.subject?.id);
  });
}

/** Lists the goals of one of the caller's own quality subjects (我的质量主体), in the service's order;
 * ``open``: and opens the first one's chain. */
async function selectSubject(subject, { open = false } = {}) {
  const n = ticket("goals");
  state.subject = subject;
  state.cell = null;
  renderMatrix();
  markSubject();
  $("goals-caption").textContent = `我的质量主体：${subject.name}（${subject.levelName}）`;
  $("goal-list").dataset.state = "loading";
  const data = await gql(Q.subjectGoals, { subjectId: subject.id, asOf: state.asOf, first: LIMITS.goalsShown });
  if (!current("goals", n)) return;
  const page = data.goals;
  const goals = page.edges.map((e) => e.node);
  showGoals(goals);
  const left = page.totalCount - goals.length;
  $("goals-more").hidden = left <= 0;
  $("goals-more").textContent = left > 0 ? `另有 ${left} 个目标未列出` : "";
  $("goal-list").dataset.subjectId = subject.id;
  $("goal-list").dataset.state = "ready";
  setStatus(`我的质量主体：${subject.name}（${subject.levelName}），${page.totalCount} 个目标`);
  if (open && goals.length) await selectGoal(goals[0].id);
  else if (open) setStatus(`我的质量主体：${subject.name}（${subject.levelName}）在您的数据权限范围内没有目标`, "calm");
}

// ---------------------------------------------------------------- (c) a goal's chain as a graph
let cy = null;

function graphStyle() {
  const status = Object.entries(COLOURS).map(([s, [fill, line]]) => ({
    selector: `node[status = "${s}"]`, style: { "background-color": fill, "border-color": line },
  }));
  return [
    { selector: "node", style: {
      label: "data(display)", "text-wrap": "wrap", "text-overflow-wrap": "anywhere", "text-max-width": 108,
      "font-size": 10,
      "font-family": FONT, "text-valign": "center", "text-halign": "center", color: "#1f2328",
      shape: "round-rectangle", width: 118, height: "data(h)", "border-width": 2,
      "background-color": COLOURS.UNKNOWN[0], "border-color": COLOURS.UNKNOWN[1] } },
    ...status,
    { selector: 'node[kind = "Metric"]', style: { shape: "ellipse", width: 124, "text-max-width": 92 } },
    { selector: 'node[kind = "summary"]', style: {
      "border-style": "dashed", "background-color": "#f6f7f8", "border-color": "#9aa0a6", color: "#5f6670" } },
    // 其他 N 项: an anonymous aggregate of nodes outside the caller's scope, grey whatever its status
    { selector: 'node[kind = "Folded"]', style: {
      "border-style": "dashed", "border-width": 2, "background-color": "#f1f3f4", "border-color": "#9aa0a6",
      color: "#5f6670", width: 96, "text-max-width": 88 } },
    { selector: 'edge[?folded]', style: { "line-style": "dashed", "line-color": "#c7ccd2",
      "target-arrow-color": "#c7ccd2" } },
    { selector: "node.noticed", style: { "border-color": "#3a4048", "border-width": 3 } },
    { selector: "node.root", style: { "border-width": 4 } },
    { selector: "edge", style: {
      width: 1.5, "line-color": "#b8bfc8", "target-arrow-shape": "triangle", "target-arrow-color": "#b8bfc8",
      "curve-style": "bezier", "arrow-scale": 0.8 } },
    // an edge that skips rows bends around the nodes between its ends
    { selector: "edge[bend > 0]", style: {
      "curve-style": "unbundled-bezier", "control-point-distances": "data(bend)", "control-point-weights": 0.5 } },
    { selector: ".dim", style: { opacity: 0.2 } },
    { selector: "node.on-path", style: {
      "underlay-color": PATH_COLOUR, "underlay-opacity": 0.28, "underlay-padding": 6, "underlay-shape": "round-rectangle" } },
    { selector: "node.source", style: { "border-width": 4 } },
    { selector: "edge.on-path", style: {
      width: 4, "line-color": PATH_COLOUR, "target-arrow-color": PATH_COLOUR, label: "data(flow)",
      "font-size": 11, "font-weight": "bold", color: PATH_COLOUR, "text-background-color": "#ffffff",
      "text-background-opacity": 1, "text-background-padding": 2, "z-index": 10 } },
    { selector: "node.simulated", style: { "border-style": "double", "border-width": 6 } },
  ];
}

function ensureGraph() {
  if (cy) return cy;
  const container = $("chain-graph");
  container.replaceChildren();
  cy = cytoscape({
    container, style: graphStyle(), elements: [], layout: { name: "preset" },
    minZoom: 0.15, maxZoom: 2.5, boxSelectionEnabled: false, autoungrabify: false,
  });
  cy.on("tap", (event) => {
    if (event.target === cy) hideFoldNotice();
  });
  cy.on("viewport", () => hideFoldNotice());
  cy.on("tap", "node", (event) => {
    const node = event.target;
    if (node.data("kind") === "Folded") showFoldNotice(node);  // anonymous: nothing to navigate to
    else hideFoldNotice();
    if (node.data("kind") === "Metric") guarded("影响追踪", () => selectMetric(node.id()));
    else if (node.data("kind") === "Goal" && node.id() !== state.goal?.id) {
      guarded("加载目标链", () => selectGoal(node.id()));
    }
  });
  return cy;
}

/** Goal-chain views merged into one model; every edge is stored lower → upper (towards the school). */
function modelOf(...views) {
  const nodes = new Map(), edges = new Map();
  let omitted = 0;
  for (const view of views) {
    omitted += view.omitted;
    for (const node of view.nodes) nodes.set(node.id, node);
    for (const e of view.edges) {
      const [lower, upper] = e.kind === "MEASURED_BY" ? [e.target, e.source] : [e.source, e.target];
      edges.set(`${lower}>${upper}`, { lower, upper, kind: e.kind, weight: e.weight });
    }
  }
  return { nodes, edges, omitted };
}

const isFolded = (node) => node?.kind === "Folded";

/** Layered positions (school on top, students and indicators below) with bounded rows. Folded nodes
 * (其他 N 项, no level or rank) sit one layer below or above the visible node they fold into. */
function layoutModel(model, pinned) {
  const ups = new Map(), downs = new Map();
  for (const [id, node] of model.nodes) {
    if (!isFolded(node)) { ups.set(id, []); downs.set(id, []); }
  }
  for (const e of model.edges.values()) {
    if (!ups.has(e.lower) || !ups.has(e.upper)) continue;
    ups.get(e.lower).push(e.upper);
    downs.get(e.upper).push(e.lower);
  }
  // longest path from the top: a node sits one layer below the lowest of the goals it supports
  const layer = new Map(), visiting = new Set();
  const depthOf = (id) => {
    if (layer.has(id)) return layer.get(id);
    if (visiting.has(id)) return 0;  // defensive: the chain is acyclic
    visiting.add(id);
    const parents = ups.get(id);
    const d = parents.length ? 1 + Math.max(...parents.map(depthOf)) : (model.nodes.get(id).rank ?? 0);
    visiting.delete(id);
    layer.set(id, d);
    return d;
  };
  ups.forEach((_, id) => depthOf(id));
  // a layer's indicators get their own row under its goals
  const rowKey = (id) => layer.get(id) * 2 + (model.nodes.get(id).kind === "Metric" ? 1 : 0);
  // each folded node hangs on one visible node: below it (its hidden children or indicators) or above
  const folds = new Map();
  for (const e of model.edges.values()) {
    const lowerFolded = isFolded(model.nodes.get(e.lower)), upperFolded = isFolded(model.nodes.get(e.upper));
    if (lowerFolded === upperFolded) continue;
    const [id, near] = lowerFolded ? [e.lower, e.upper] : [e.upper, e.lower];
    if (layer.has(near) && !folds.has(id)) folds.set(id, { near, below: lowerFolded, kind: e.kind });
  }
  const foldRow = (f) => (layer.get(f.near) + (f.below ? 1 : -1)) * 2
    + (f.below && f.kind === "MEASURED_BY" ? 1 : 0);
  const rows = new Map();
  for (const id of ups.keys()) {
    const k = rowKey(id);
    if (!rows.has(k)) rows.set(k, []);
    rows.get(k).push(id);
  }
  const priority = (id) => {
    const n = model.nodes.get(id);
    return [pinned.has(id) ? 0 : 1, SEVERITY[n.status] ?? 2, n.attainment ?? -1, id];
  };
  const byPriority = (a, b) => {
    const pa = priority(a), pb = priority(b);
    for (let i = 0; i < pa.length; i++) {
      if (pa[i] < pb[i]) return -1;
      if (pa[i] > pb[i]) return 1;
    }
    return 0;
  };
  // keep the most telling nodes of each row (pinned, then RED, YELLOW …); summarise the others
  const visible = new Set(), hiddenBy = new Map(), summaries = [];
  let budget = LIMITS.nodes;
  for (const k of [...rows.keys()].sort((a, b) => a - b)) {
    const ids = rows.get(k).sort(byPriority);
    let keep = Math.min(ids.length, ids.length > LIMITS.perRow ? LIMITS.perRow - 1 : LIMITS.perRow, budget);
    keep = Math.max(keep, ids.filter((id) => pinned.has(id)).length);
    ids.slice(0, keep).forEach((id) => visible.add(id));
    budget = Math.max(budget - keep, 0);
    const rest = ids.slice(keep);
    if (rest.length) {
      const sid = `summary:${k}`;
      rest.forEach((id) => hiddenBy.set(id, sid));
      summaries.push({ id: sid, row: k, count: rest.length });
    }
  }
  // a folded node is drawn when the node it folds into is (at most a row's worth per row); it never
  // takes a real node's place nor counts as one
  const shownFolds = new Set(), foldsPerRow = new Map();
  let foldsDropped = 0;
  for (const [id, f] of folds) {
    const k = foldRow(f);
    if (!visible.has(f.near) || (foldsPerRow.get(k) ?? 0) >= LIMITS.perRow) {
      foldsDropped += 1;
      continue;
    }
    foldsPerRow.set(k, (foldsPerRow.get(k) ?? 0) + 1);
    shownFolds.add(id);
  }
  const resolve = (id) => (visible.has(id) || shownFolds.has(id) ? id : hiddenBy.get(id));
  const edges = new Map();
  for (const e of model.edges.values()) {
    const lower = resolve(e.lower), upper = resolve(e.upper);
    if (!lower || !upper || lower === upper) continue;
    const key = `${lower}>${upper}`;
    if (!edges.has(key)) edges.set(key, { ...e, lower, upper, key });
  }
  // order each row by the mean position of what it supports (fewer crossings), then place it
  const rowIds = new Map();
  for (const id of visible) {
    const k = rowKey(id);
    if (!rowIds.has(k)) rowIds.set(k, []);
    rowIds.get(k).push(id);
  }
  for (const s of summaries) {
    if (!rowIds.has(s.row)) rowIds.set(s.row, []);
    rowIds.get(s.row).push(s.id);
  }
  for (const id of shownFolds) {
    const k = foldRow(folds.get(id));
    if (!rowIds.has(k)) rowIds.set(k, []);
    rowIds.get(k).push(id);
  }
  const pos = new Map(), upsOf = new Map();
  for (const e of edges.values()) {
    if (!upsOf.has(e.lower)) upsOf.set(e.lower, []);
    upsOf.get(e.lower).push(e.upper);
  }
  let y = 0;
  const rowOf = new Map();
  [...rowIds.keys()].sort((a, b) => a - b).forEach((k, i) => rowIds.get(k).forEach((id) => rowOf.set(id, i)));
  for (const e of edges.values()) e.span = Math.abs(rowOf.get(e.lower) - rowOf.get(e.upper));
  for (const k of [...rowIds.keys()].sort((a, b) => a - b)) {
    const ids = rowIds.get(k);
    const centre = (id) => {
      const xs = (upsOf.get(id) ?? []).map((u) => pos.get(u)?.x).filter((x) => x != null);
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
    };
    ids.sort((a, b) => (a.startsWith("summary:") - b.startsWith("summary:")) || centre(a) - centre(b)
      || shownFolds.has(a) - shownFolds.has(b) || byPriority(a, b));
    const crowded = ids.length > 5;
    const gap = crowded ? 100 : 150;
    ids.forEach((id, i) => {
      const x = (i - (ids.length - 1) / 2) * gap;
      pos.set(id, { x, y: y + (crowded ? (i % 2 ? 30 : -30) : 0) });
    });
    y += crowded ? 175 : 115;
  }
  return { visible, summaries, edges, pos, serverOmitted: model.omitted, y, folds: shownFolds, foldsDropped };
}

function nodeLabel(node, extra = []) {
  return [short(node.label ?? node.name ?? node.id), pct(node.attainment), ...extra].join("\n");
}

function renderGraph(pinned = new Set()) {
  const graph = ensureGraph();
  const model = state.model;
  const lay = layoutModel(model, pinned);
  const elements = [];
  for (const id of lay.visible) {
    const n = model.nodes.get(id);
    elements.push({
      group: "nodes", position: lay.pos.get(id),
      classes: id === state.goal?.id ? "root" : "",
      data: { id, name: n.label, kind: n.kind, level: n.level, rank: n.rank, status: n.status,
              baseStatus: n.status, attainment: n.attainment, base: nodeLabel(n),
              ...labelData(nodeLabel(n), n.kind) },
    });
  }
  for (const s of lay.summaries) {
    const text = `另有 ${s.count} 个节点未显示`;
    elements.push({ group: "nodes", position: lay.pos.get(s.id),
      data: { id: s.id, kind: "summary", status: "UNKNOWN", count: s.count, base: text, ...labelData(text) } });
  }
  let foldedCount = 0;
  for (const id of lay.folds) {
    const n = model.nodes.get(id);
    // the hidden nodes it stands for: count, weight and attainment from the service's FoldedGroup; the
    // edge says only where it hangs
    const f = n.folded ?? {};
    const edge = [...model.edges.values()].find((e) => e.lower === id || e.upper === id);
    const count = f.count ?? 0;
    foldedCount += count;
    const label = f.label ?? n.label;
    const text = [label, f.attainment != null ? pct(f.attainment) : null].filter(Boolean).join("\n");
    elements.push({ group: "nodes", position: lay.pos.get(id), classes: "folded",
      data: { id, name: label, kind: "Folded", status: n.status, baseStatus: n.status,
              attainment: f.attainment ?? null, count, weight: f.weight ?? null, coverage: f.coverage ?? null,
              relation: edge?.kind ?? null,
              below: edge?.lower === id, near: edge ? (edge.lower === id ? edge.upper : edge.lower) : null,
              base: text, ...labelData(text) } });
  }
  if (lay.serverOmitted > 0) {
    const text = `另有 ${lay.serverOmitted} 个节点未显示（超出返回上限）`;
    elements.push({ group: "nodes", position: { x: 0, y: lay.y },
      data: { id: "summary:server", kind: "summary", status: "UNKNOWN", count: lay.serverOmitted,
              base: text, ...labelData(text) } });
  }
  for (const e of lay.edges.values()) {
    elements.push({ group: "edges", data: {
      id: `e:${e.key}`, source: e.lower, target: e.upper, kind: e.kind, weight: e.weight, flow: "",
      folded: lay.folds.has(e.lower) || lay.folds.has(e.upper), bend: e.span > 1 ? 40 + 25 * e.span : 0 } });
  }
  graph.elements().remove();
  graph.add(elements);
  graph.resize();
  fitGraph();
  // counts are of real nodes and relationships: the folded aggregates are described, never counted
  const hidden = lay.summaries.reduce((a, s) => a + s.count, 0) + lay.serverOmitted;
  const drawn = lay.visible.size;
  const relations = [...lay.edges.values()].filter((e) => !lay.folds.has(e.lower) && !lay.folds.has(e.upper)).length;
  const folded = (lay.folds.size
    ? `；范围外的 ${foldedCount} 项已合并为 ${lay.folds.size} 个匿名汇总（“其他 N 项”，灰色虚线框）` : "")
    + (lay.foldsDropped ? `；另有 ${lay.foldsDropped} 个匿名汇总随其所连节点未画出` : "");
  $("chain-summary").textContent = (hidden
    ? `显示 ${drawn} 个节点；另有 ${hidden} 个节点未显示（按层汇总，优先显示红色、黄色预警）`
    : `显示 ${drawn} 个节点、${relations} 条关系`) + folded;
  $("chain-summary").classList.toggle("omitted", hidden > 0);
  $("chain-summary").dataset.hidden = hidden;
  $("chain-summary").dataset.folded = foldedCount;
  $("chain-graph").dataset.nodes = drawn;
  $("chain-graph").dataset.folds = lay.folds.size;
}

// ---------------------------------------------------------------- 其他 N 项 and calm notices
let foldTimer = null;

/** A click on a folded node: a short note next to it (it is anonymous, there is nothing to open). */
function showFoldNotice(node) {
  const count = node.data("count"), a = node.data("attainment"), w = node.data("weight");
  const coverage = node.data("coverage");
  const near = cy.getElementById(node.data("near") ?? "");
  // below a goal over MEASURED_BY: its hidden indicators; otherwise hidden goals
  const what = node.data("relation") === "MEASURED_BY" && node.data("below") ? "指标" : "目标";
  const details = [a != null ? `合计达成度 ${pct(a)}` : null, w != null ? `合计权重 ${num(w)}` : null,
    coverage != null && coverage < 1 ? `其中有数据的权重占 ${pct(coverage)}` : null].filter(Boolean).join("，");
  const text = `${node.data("name")}：范围外的 ${count} 项${what}，已合并为匿名汇总，不可展开查看`
    + `${details ? `（${details}）` : ""}${near.nonempty() ? `；与“${short(near.data("name") ?? "", 14)}”相连` : ""}。`;
  const notice = $("fold-notice");
  const graph = $("chain-graph"), p = node.renderedPosition();
  notice.textContent = text;
  notice.dataset.nodeId = node.id();
  // beside the node (folded nodes sit at the end of their row), on its left near the right edge
  const half = node.renderedOuterWidth() / 2 + 10;
  const left = p.x + half + 290 > graph.clientWidth;
  notice.classList.toggle("left", left);
  notice.style.left = `${graph.offsetLeft + p.x + (left ? -half : half)}px`;
  notice.style.top = `${graph.offsetTop + p.y}px`;
  notice.hidden = false;
  cy.nodes(".noticed").removeClass("noticed");
  node.addClass("noticed");
  clearTimeout(foldTimer);
  foldTimer = setTimeout(hideFoldNotice, 8000);
  setStatus(text);
}

function hideFoldNotice() {
  clearTimeout(foldTimer);
  $("fold-notice").hidden = true;
  if (cy) cy.nodes(".noticed").removeClass("noticed");
}

/** A calm note over the chain (an unknown or out-of-scope goal, nothing in scope), with a way on. */
function showChainNotice(text) {
  $("chain-notice-text").textContent = text;
  $("chain-notice-mine").hidden = !principal().scoped;
  $("chain-notice").hidden = false;
}

function hideChainNotice() {
  $("chain-notice").hidden = true;
}

function fitGraph(eles) {
  if (!cy) return;
  cy.fit(eles, 28);
  if (cy.zoom() > 1.25) {
    cy.zoom(1.25);
    cy.center(eles);
  }
}

async function selectGoal(goalId) {
  const n = ticket("chain");
  const graph = $("chain-graph");
  graph.dataset.state = "loading";
  hideFoldNotice();
  const depth = Number($("chain-depth").value);
  let data, folds = [];
  try {
    data = await gql(Q.chain, { id: goalId, asOf: state.asOf, depth, top: LIMITS.gapFetched });
    if (!current("chain", n)) return;
    // a scoped user: the hidden children of every goal on the way up, as the service folds them
    if (principal().scoped) folds = await foldsAbove(goalId, data.up);
  } catch (err) {
    if (current("chain", n)) graph.dataset.state = state.goal ? "ready" : "missing";
    if (err instanceof ApiError && err.notFound) {
      const text = `未找到目标“${goalId}”：它不存在，或不在您的数据权限范围内。`;
      showChainNotice(`${text}${state.goal ? `图中仍是“${state.goal.name}”的目标链。` : ""}`);
      throw new CalmNotice(text);
    }
    throw err;
  }
  if (!current("chain", n)) return;
  if (!data.goal) throw new Error(`没有目标 ${goalId}`);
  hideChainNotice();
  state.goal = data.goal;
  state.model = modelOf(data.up, data.down, ...folds);
  clearMetric();
  renderGap(data.gap);
  renderGraph(new Set([goalId]));
  const g = data.goal;
  $("chain-caption").textContent = `${g.name}（${T.status[g.status]}，达成度 ${pct(g.attainment)}）`;
  showCard($("chain-caption"), g, state.asOf, gql).catch((e) => setStatus(e.message));  // 黄牌/红牌
  $("subject-slot").replaceChildren(...[subjects.button(g.subjectId)].filter(Boolean));  // 8字螺旋, 诊改报告
  document.querySelectorAll("#goal-list button").forEach((b) => {
    b.classList.toggle("selected", b.dataset.goalId === goalId);
  });
  updateHash();
  $("chain-graph").dataset.depth = depth;
  $("chain-graph").dataset.state = "ready";
  setStatus(`目标链：${g.name}`);
  editor?.goalShown(state.goal);
}

/** The folded nodes ("其他 N 项") right below each goal of the ``up`` chain but the root (whose own come
 * with the DOWN chain): one request, the goals' DOWN views of depth 1 as aliases, only their folded
 * nodes kept. Shown only to scoped users, so that a student sees how many others share each goal above. */
async function foldsAbove(rootId, up) {
  const ids = up.nodes.filter((x) => x.kind === "Goal" && x.id !== rootId).map((x) => x.id)
    .slice(0, LIMITS.foldViews);
  if (!ids.length) return [];
  const vars = ids.map((_, i) => `$i${i}: ID!`).join(", ");
  const fields = ids.map((_, i) => `f${i}: goalChain(goalId: $i${i}, direction: DOWN, depth: 1, asOf: $asOf) { ...View }`);
  const variables = { asOf: state.asOf };
  ids.forEach((id, i) => { variables[`i${i}`] = id; });
  const data = await gql(`query Folds(${vars}, $asOf: Date) { ${fields.join(" ")} } ${VIEW}`, variables);
  return Object.values(data).map((view) => {
    const folded = new Set(view.nodes.filter(isFolded).map((x) => x.id));
    return { omitted: 0, nodes: view.nodes.filter(isFolded),
      edges: view.edges.filter((e) => folded.has(e.source) || folded.has(e.target)) };
  });
}

// ---------------------------------------------------------------- 差距分析 (explainGap)
const pct2 = (x) => (x == null ? "—" : `${(x * 100).toFixed(2)}%`);

function clearGap() {
  $("gap-caption").textContent = "";
  $("gap").dataset.state = "empty";
  $("gap").replaceChildren(h("p", { class: "hint" },
    "选择一个目标后，这里列出各指标对其差距（1 − 达成度）的贡献：贡献之和等于差距。"));
}

/** The listed contributors, the rest of the visible ones and 其他 N 项 (outside the scope) add up to
 * the gap 1 − a, and the page shows that sum. */
function renderGap(x) {
  $("gap-caption").textContent = short(x.goal.name, 16);
  const box = $("gap");
  box.dataset.state = "ready";
  box.dataset.goalId = x.goal.id;
  box.dataset.gap = x.gap ?? "";
  if (x.attainment == null || x.gap == null) {
    fill(box, h("p", { class: "hint", "data-testid": "gap-summary" }, "该目标暂无数据，无法计算差距。"),
      x.unknownMetrics.length ? h("p", { class: "hint" },
        `无数据的指标：${x.unknownMetrics.map((m) => m.name).join("、")}`) : null);
    return;
  }
  const shown = x.contributors.slice(0, LIMITS.gapRows);
  const sum = (list) => list.reduce((a, c) => a + c.contribution, 0);
  const shownSum = sum(shown);
  const othersSum = x.others?.contribution ?? 0;
  const restCount = x.contributorCount - shown.length;
  // the visible contributors not listed: summed when all were fetched, else what the gap leaves
  const restSum = x.contributors.length === x.contributorCount
    ? sum(x.contributors.slice(LIMITS.gapRows)) : x.gap - shownSum - othersSum;
  const rows = shown.map((c) => h("tr", { class: "gap-row", "data-testid": "gap-contributor",
    "data-metric-id": c.metric.id, "data-contribution": c.contribution },
  h("td", {}, h("button", { type: "button", title: "影响追踪与情景模拟",
    onclick: () => guarded("影响追踪", () => selectMetric(c.metric.id)) }, c.metric.name)),
  h("td", { class: "num" }, pct(c.attainment)),
  h("td", { class: "num" }, sens(c.sensitivity)),
  h("td", { class: "num" }, pct2(c.contribution))));
  if (restCount > 0) {
    rows.push(h("tr", { "data-testid": "gap-rest", "data-count": restCount, "data-contribution": restSum },
      h("td", {}, `其余 ${restCount} 项指标`), h("td", {}), h("td", {}), h("td", { class: "num" }, pct2(restSum))));
  }
  if (x.others) {
    rows.push(h("tr", { class: "others", "data-testid": "gap-others", "data-count": x.others.count,
      "data-contribution": x.others.contribution, title: "范围外的指标，已合并为匿名汇总" },
    h("td", {}, `${x.others.label} · 合计贡献 ${pct2(x.others.contribution)}`),
    h("td", {}), h("td", { class: "num" }, x.others.sensitivity != null ? sens(x.others.sensitivity) : ""),
    h("td", { class: "num" }, pct2(x.others.contribution))));
  }
  rows.push(h("tr", { class: "total", "data-testid": "gap-total" },
    h("td", {}, "合计（= 差距）"), h("td", {}), h("td", {}), h("td", { class: "num" }, pct2(x.gap))));
  const terms = [`列出的 ${shown.length} 项 ${pct2(shownSum)}`,
    restCount > 0 ? `其余 ${restCount} 项 ${pct2(restSum)}` : null,
    x.others ? `${x.others.label}（范围外）${pct2(othersSum)}` : null].filter(Boolean);
  fill(box,
    h("p", { class: "gap-head" }, `达成度 ${pct(x.attainment)}，差距 ${pct2(x.gap)}（1 − 达成度）`),
    shown.length || x.others ? h("table", { class: "list", "data-testid": "gap-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "指标"), h("th", {}, "达成度"), h("th", { title: IMPACT_TITLE }, "影响程度"),
        h("th", {}, "贡献"))),
      h("tbody", {}, rows)) : h("p", { class: "hint" }, "没有可列出的指标。"),
    h("p", { class: "hint", "data-testid": "gap-summary" },
      `${terms.join(" + ")} = 差距 ${pct2(x.gap)}。贡献 = 影响程度 × (1 − 指标达成度)。`),
    x.unknownMetrics.length ? h("p", { class: "hint" },
      `无数据的指标：${x.unknownMetrics.map((m) => m.name).join("、")}`) : null);
}

// ---------------------------------------------------------------- (d) impact tracing
function clearMetric() {
  state.metric = null;
  state.trace = null;
  state.simulation = null;
  $("trace").dataset.state = "empty";
  $("trace").replaceChildren(h("p", { class: "hint" },
    "在目标链中点击一个指标，查看它的达成度沿哪些路径、以多大影响程度传导到学校目标。"));
  $("simulate-form").hidden = true;
  $("simulate").dataset.state = "empty";
  $("simulate").replaceChildren(h("p", { class: "hint" },
    "选择一个指标后，输入假设值，查看受影响目标的达成度与状态变化（不保存）。"));
}

async function selectMetric(metricId) {
  const n = ticket("trace");
  $("trace").dataset.state = "loading";
  let data;
  try {
    data = await gql(Q.trace, { id: metricId, asOf: state.asOf, maxPaths: LIMITS.maxPaths });
  } catch (err) {
    if (current("trace", n)) $("trace").dataset.state = state.trace ? "ready" : "empty";
    if (err instanceof ApiError && err.notFound) {
      throw new CalmNotice(`未找到指标“${metricId}”：它不存在，或不在您的数据权限范围内。`);
    }
    throw err;
  }
  if (!current("trace", n)) return;
  if (!state.model) {  // no chain drawn (its goal was not found)
    $("trace").dataset.state = "empty";
    return;
  }
  const trace = data.traceImpact;
  // goals on the paths that the chain does not show yet are fetched and added to the drawing
  const pathIds = new Set([metricId]);
  for (const t of trace.targets) for (const p of t.paths) p.nodeIds.forEach((id) => pathIds.add(id));
  const m = trace.metric;
  if (!state.model.nodes.has(m.id)) {
    state.model.nodes.set(m.id, { id: m.id, label: m.name, kind: "Metric", status: m.status, attainment: m.attainment });
  }
  const missing = [...pathIds].filter((id) => !state.model.nodes.has(id));
  for (const g of await fetchGoals(missing)) {
    state.model.nodes.set(g.id, { id: g.id, label: g.name, kind: "Goal", level: g.level, rank: RANK[g.level],
                                  status: g.status, attainment: g.attainment });
  }
  if (!current("trace", n)) return;
  for (const t of trace.targets) {
    for (const p of t.paths) {
      p.nodeIds.slice(1).forEach((upper, i) => {
        const lower = p.nodeIds[i], key = `${lower}>${upper}`;
        if (!state.model.edges.has(key)) {
          state.model.edges.set(key, { lower, upper, kind: i === 0 ? "MEASURED_BY" : "SUPPORTS", weight: null });
        }
      });
    }
  }
  state.metric = trace.metric;
  state.trace = trace;
  state.simulation = null;
  renderGraph(new Set([...pathIds, state.goal?.id].filter(Boolean)));
  highlightTrace(trace);
  renderTrace(trace);
  openSimulation(trace.metric);
  updateHash();
  $("trace").dataset.state = "ready";
  setStatus(`影响追踪：${trace.metric.name} → ${trace.targets.length} 个学校层面目标，共 ${trace.pathCount} 条路径`
    + (trace.others ? `；另有${trace.others.label}（范围外，已合并）` : ""));
}

/** Path edges carry the sensitivity that flows through them to the top-most targets. */
function highlightTrace(trace) {
  const inner = new Set();
  for (const t of trace.targets) for (const p of t.paths) p.nodeIds.slice(0, -1).forEach((id) => inner.add(id));
  const flow = new Map();
  for (const t of trace.targets) {
    if (inner.has(t.goal.id)) continue;  // a target on the way to a higher target: counted there
    for (const p of t.paths) {
      p.nodeIds.slice(1).forEach((upper, i) => {
        const key = `${p.nodeIds[i]}>${upper}`;
        flow.set(key, (flow.get(key) ?? 0) + p.weight);
      });
    }
  }
  cy.batch(() => {
    cy.elements().addClass("dim");
    for (const t of trace.targets) {
      for (const p of t.paths) {
        p.nodeIds.forEach((id) => cy.getElementById(id).removeClass("dim").addClass("on-path"));
        p.nodeIds.slice(1).forEach((upper, i) => {
          const edge = cy.getElementById(`e:${p.nodeIds[i]}>${upper}`);
          edge.removeClass("dim").addClass("on-path");
          const f = flow.get(`${p.nodeIds[i]}>${upper}`);
          if (f != null) edge.data("flow", sens(f));
        });
      }
      const node = cy.getElementById(t.goal.id);
      node.addClass("target");
      setLabel(node, `${node.data("base")}\n影响程度 ${sens(t.sensitivity)}`);
      node.data("base", node.data("display"));
    }
    cy.getElementById(trace.metric.id).addClass("source");
  });
  const path = cy.elements(".on-path");
  fitGraph();
  if (cy.zoom() < 0.8 && path.length) fitGraph(path);
}

function renderTrace(trace) {
  const m = trace.metric;
  const name = (id) => cy.getElementById(id).data("name") ?? id;
  const listed = trace.targets.reduce((a, t) => a + t.paths.length, 0);
  const rows = trace.targets.map((t) => h("tr", {
    "data-testid": "trace-target", "data-goal-id": t.goal.id, "data-sensitivity": t.sensitivity },
  h("td", {}, t.goal.name,
    h("ol", { class: "paths" }, t.paths.slice(0, 3).map((p) => h("li", {},
      `经 ${p.nodeIds.slice(1, -1).map(name).map((s) => short(s, 10)).join(" → ") || "直接"}：${sens(p.weight)}`)),
    t.paths.length > 3 ? h("li", {}, `另 ${t.paths.length - 3} 条路径见图`) : null)),
  h("td", {}, chip(t.goal.status)),
  h("td", { class: "num" }, sens(t.sensitivity)),
  h("td", { class: "num" }, t.pathCount)));
  const o = trace.others;
  if (o) {
    rows.push(h("tr", { class: "others", "data-testid": "trace-others", "data-count": o.count,
      "data-sensitivity": o.sensitivity ?? "", title: "范围外的目标，已合并为匿名汇总" },
    h("td", {}, `${o.label}${o.sensitivity != null ? ` · 合计影响程度 ${sens(o.sensitivity)}` : ""}`,
      h("ol", { class: "paths" }, h("li", {}, "范围外的学校层面目标，已合并为匿名汇总"))),
    h("td", {}), h("td", { class: "num" }, o.sensitivity != null ? sens(o.sensitivity) : "—"), h("td", {})));
  }
  fill($("trace"),
    h("p", { class: "sim-metric" }, h("strong", {}, m.name), " ", chip(m.status)),
    h("dl", { class: "kv" },
      h("dt", {}, "当前值"), h("dd", {}, `${num(m.value)} ${m.unit ?? ""}`),
      h("dt", {}, "目标（标尺）"), h("dd", {}, `${num(m.target)}${m.floor != null ? `，底线 ${num(m.floor)}` : ""}`),
      h("dt", {}, "方向"), h("dd", {}, T.direction[m.direction] ?? m.direction),
      h("dt", {}, "达成度"), h("dd", {}, pct(trace.attainment))),
    h("p", { class: "hint", "data-testid": "trace-summary" },
      `传导到 ${trace.targets.length} 个学校层面目标，共 ${trace.pathCount} 条路径`
      + (listed < trace.pathCount ? `（图中显示 ${listed} 条）` : "")
      + (o ? `；另有${o.label}（范围外，已合并为匿名汇总）` : "")
      + "。影响程度 = 该指标达成度变化 1 个单位时目标达成度的变化。"),
    trace.targets.length || o
      ? h("table", { class: "list", "data-testid": "trace-targets" },
        h("thead", {}, h("tr", {}, h("th", {}, "学校目标与路径"), h("th", {}, "状态"),
          h("th", { title: IMPACT_TITLE }, "影响程度"), h("th", {}, "路径"))),
        h("tbody", {}, rows))
      : h("p", { class: "hint" }, "该指标没有传导到学校层面目标。"));
}

// ---------------------------------------------------------------- (e) what-if simulation
function openSimulation(metric) {
  $("simulate-form").hidden = false;
  $("sim-metric").textContent = `${metric.name}：当前 ${num(metric.value)} ${metric.unit ?? ""}，`
    + `目标 ${num(metric.target)}${metric.floor != null ? `，底线 ${num(metric.floor)}` : ""}`;
  $("sim-unit").textContent = metric.unit ?? "";
  $("sim-value").value = metric.value ?? metric.target;
  $("simulate").dataset.state = "empty";
  $("simulate").replaceChildren(h("p", { class: "hint" },
    "输入假设值并点击“模拟”：受影响目标在图中按模拟后的状态着色（双线边框），不保存。"));
}

async function runSimulation() {
  const metric = state.metric;
  const value = Number($("sim-value").value);
  if (!metric || !Number.isFinite(value)) return;
  const n = ticket("simulate");
  $("simulate").dataset.state = "loading";
  const data = await gql(Q.simulate, { changes: [{ metricId: metric.id, value }], asOf: state.asOf });
  if (!current("simulate", n)) return;
  const sim = data.simulate;
  state.simulation = sim;
  resetSimulationColours();
  cy.batch(() => {
    for (const m of sim.metrics) {
      const node = cy.getElementById(m.metric.id);
      if (node.nonempty()) {
        node.data("status", m.afterStatus).addClass("simulated");
        setLabel(node, `${node.data("base")}\n→ ${pct(m.after)}`);
      }
    }
    for (const c of sim.changes) {
      const node = cy.getElementById(c.goal.id);
      if (node.nonempty()) {
        node.data("status", c.afterStatus).addClass("simulated");
        setLabel(node, `${node.data("base")}\n→ ${pct(c.after)}`);
      }
    }
  });
  const changes = [...sim.changes].sort((a, b) => RANK[a.goal.level] - RANK[b.goal.level]
    || Math.abs((b.after ?? 0) - (b.before ?? 0)) - Math.abs((a.after ?? 0) - (a.before ?? 0)));
  const flipped = changes.filter((c) => c.beforeStatus !== c.afterStatus).length;
  const offGraph = changes.filter((c) => cy.getElementById(c.goal.id).empty()).length;
  const m = sim.metrics[0];
  const others = sim.others;
  fill($("simulate"),
    h("p", { class: "sim-metric", "data-testid": "sim-summary" },
      `${m.metric.name} ${num(m.valueBefore)} → ${num(m.valueAfter)} ${m.metric.unit ?? ""}：`
      + `${changes.length} 个目标受影响，其中 ${flipped} 个状态改变`
      + (offGraph ? `（${offGraph} 个不在图中）` : "")
      + (others ? `；另有${others.label}受影响（范围外，已合并为匿名汇总）` : "")),
    h("table", { class: "list", "data-testid": "sim-results" },
      h("thead", {}, h("tr", {}, h("th", {}, "目标"), h("th", {}, "达成度"), h("th", {}, "状态"))),
      h("tbody", {},
        h("tr", { class: "focus", "data-testid": "sim-metric-row", "data-after-status": m.afterStatus },
          h("td", {}, `指标：${m.metric.name}`),
          h("td", { class: "num" }, pct(m.before), h("span", { class: "arrow" }, "→"), pct(m.after)),
          h("td", { class: "st" }, shortChip(m.beforeStatus), h("span", { class: "arrow" }, "→"), shortChip(m.afterStatus))),
        changes.slice(0, LIMITS.simRows).map((c) => h("tr", {
          "data-testid": "sim-change", "data-goal-id": c.goal.id,
          "data-before-status": c.beforeStatus, "data-after-status": c.afterStatus,
          class: c.beforeStatus !== c.afterStatus ? "focus" : null },
        h("td", {}, c.goal.name),
        h("td", { class: "num" }, pct(c.before), h("span", { class: "arrow" }, "→"), pct(c.after)),
        h("td", { class: "st" }, shortChip(c.beforeStatus), h("span", { class: "arrow" }, "→"), shortChip(c.afterStatus)))),
        others ? h("tr", { class: "others", "data-testid": "sim-others", "data-count": others.count },
          h("td", { colspan: 3 }, `${others.label} · 范围外的受影响目标，已合并为匿名汇总`)) : null)),
    changes.length > LIMITS.simRows
      ? h("p", { class: "more" }, `另有 ${changes.length - LIMITS.simRows} 个受影响目标未列出`) : null);
  $("simulate").dataset.state = "ready";
  setStatus(`情景模拟：${changes.length} 个目标受影响，${flipped} 个状态改变（未保存）`
    + (others ? `；另有${others.label}（范围外）` : ""));
}

function resetSimulationColours() {
  if (!cy) return;
  cy.batch(() => {
    cy.nodes(".simulated").forEach((node) => {
      setLabel(node.data("status", node.data("baseStatus")).removeClass("simulated"), node.data("base"));
    });
  });
}

// ---------------------------------------------------------------- (f) 监测预警
const WARN_RANK = { RED: 0, YELLOW: 1, INFO: 2 };

/** The filters' options and the counters' labels, in the catalogue's words. */
function fillWarningFilters() {
  const option = (value, text, selected = false) => h("option", { value, selected }, text);
  $("warnings-level").replaceChildren(option("", T.explorer.all_levels, true),
    ...Object.entries(T.level).map(([key, word]) => option(key, word)));
  $("warnings-severity").replaceChildren(...Object.entries(T.explorer.min_severity)
    .map(([key, word]) => option(key, word, key === "YELLOW")));
  for (const severity of ["RED", "YELLOW"]) {
    const chipEl = document.querySelector(`[data-testid=warnings-${severity.toLowerCase()}]`);
    chipEl.title = label("severity", severity);
    chipEl.querySelector(".label").textContent = label("severity", severity);
  }
}

async function loadWarnings() {
  const n = ticket("warnings");
  const list = $("warnings");
  list.dataset.state = "loading";
  const level = $("warnings-level").value || null;
  const minSeverity = $("warnings-severity").value || "YELLOW";
  const data = await gql(Q.warnings, { asOf: state.asOf, level, minSeverity, first: LIMITS.warningsShown });
  if (!current("warnings", n)) return;
  // the service lists the most severe first; keep its order within a severity
  const shown = data.list.map((w, i) => [w, i])
    .sort(([a, i], [b, j]) => (WARN_RANK[a.severity] ?? 3) - (WARN_RANK[b.severity] ?? 3) || i - j)
    .map(([w]) => w);
  const sum = data.summary;
  const total = { RED: sum.red, YELLOW: sum.red + sum.yellow, INFO: sum.total }[minSeverity] ?? sum.total;
  $("warnings-red").textContent = String(sum.red);
  $("warnings-yellow").textContent = String(sum.yellow);
  list.dataset.total = total;
  list.dataset.red = sum.red;
  list.dataset.yellow = sum.yellow;
  const scope = [level ? `${T.level[level]}层面` : T.explorer.all_levels,
    $("warnings-severity").selectedOptions[0]?.textContent ?? ""].join("，");
  $("warnings-caption").textContent = total
    ? `监测日期 ${state.asOf}（${scope}）：共 ${total} 条预警，红色在前。`
      + "点击目标或指标预警在图中打开其目标链。"
    : `监测日期 ${state.asOf}（${scope}）：没有预警。`;
  list.replaceChildren(...shown.map(warningRow));
  const rest = total - shown.length;
  $("warnings-more").hidden = rest <= 0;
  $("warnings-more").textContent = rest > 0 ? `另有 ${rest} 条预警未列出（请按层面或严重程度筛选）` : "";
  list.dataset.state = "ready";
}

function warningRow(w) {
  const clickable = w.kind === "Goal" || w.kind === "Metric";
  const who = [w.unitName ?? w.unitId, w.leader].filter(Boolean).join(" · ");
  const body = [
    h("span", { class: "warn-head" },
      h("span", { class: `chip ${w.severity}`, title: T.severity[w.severity] ?? w.severity },
        T.warning_type[w.type] ?? w.type),
      h("span", { class: "warn-name" }, `${T.kind[w.kind] ?? w.kind}：${w.nodeName}`)),
    h("span", { class: "warn-meta" }, [w.level ? T.level[w.level] : null, who || null].filter(Boolean).join(" ｜ ")),
    h("span", { class: "warn-msg" }, w.message),
  ];
  const attrs = {
    class: `warn ${w.severity}${clickable ? "" : " static"}`, "data-testid": "warning-item",
    "data-warning-id": w.id, "data-severity": w.severity, "data-type": w.type, "data-kind": w.kind,
    "data-node-id": w.nodeId, title: `${w.message}（${w.nodeId}）`,
  };
  return h("li", {}, clickable
    ? h("button", { type: "button", ...attrs, onclick: () => guarded("打开预警", () => openWarning(w)) }, body)
    : h("div", attrs, body));
}

/** A goal's warning opens its chain; a metric's opens the chain of a goal it measures and traces it. */
async function openWarning(w) {
  document.querySelectorAll("#warnings .warn").forEach((el) => {
    el.classList.toggle("selected", el.dataset.warningId === w.id);
  });
  if (w.kind === "Goal") {
    await selectGoal(w.nodeId);
    return;
  }
  if (!state.model?.nodes.has(w.nodeId)) {
    const data = await gql(Q.metricGoal, { id: w.nodeId });
    const goal = data.metric?.goals[0];
    if (!goal) throw new Error(`指标 ${w.nodeId} 没有所衡量的目标`);
    await selectGoal(goal.id);
    if (state.goal?.id !== goal.id) return;  // a newer choice was made meanwhile
  }
  await selectMetric(w.nodeId);
}

// ---------------------------------------------------------------- page wiring
function updateHash() {
  const params = new URLSearchParams();
  if (state.goal) params.set("goal", state.goal.id);
  if (state.metric) params.set("metric", state.metric.id);
  if (subjects.shown) params.set("subject", subjects.shown);
  const hash = params.toString();
  history.replaceState(null, "", hash ? `#${hash}` : window.location.pathname);
}

async function reloadAll() {
  guarded("加载监测预警", loadWarnings);
  await loadMatrix();
  if (state.cell) {
    const cell = state.cells.find((c) => c.system === state.cell.system && c.level === state.cell.level);
    if (cell) await selectCell(cell);
  } else if (state.subject) {
    await selectSubject(state.subject);
  }
  const metricId = state.metric?.id;
  if (state.goal) await selectGoal(state.goal.id);
  if (metricId) await selectMetric(metricId);
  if (subjects.shown) await subjects.open(subjects.shown);
}

$("as-of").addEventListener("change", () => {
  if (!$("as-of").value) return;
  state.asOf = $("as-of").value;
  guarded("刷新", reloadAll);
});
$("chain-depth").addEventListener("change", () => {
  if (state.goal) guarded("加载目标链", () => selectGoal(state.goal.id));
});
$("chain-fit").addEventListener("click", () => fitGraph());
$("chain-notice-close").addEventListener("click", hideChainNotice);
$("chain-notice-mine").addEventListener("click", () => guarded("打开我的目标", async () => {
  hideChainNotice();
  const done = await openMine();
  if (done) setStatus(done);
}));
fillWarningFilters();
for (const id of ["warnings-level", "warnings-severity"]) {
  $(id).addEventListener("change", () => guarded("加载监测预警", loadWarnings));
}
$("warnings-filters").addEventListener("submit", (event) => event.preventDefault());
window.addEventListener("hashchange", () => guarded("打开链接", openHash));
// 目标检索 (search.js): a hit opens the goal through the hash, as any link does
attachSearch($("goal-search"), $("goal-search-results"), { gql, asOf: () => state.asOf });
$("simulate-form").addEventListener("submit", (event) => {
  event.preventDefault();
  guarded("情景模拟", runSimulation);
});
$("sim-reset").addEventListener("click", () => {
  resetSimulationColours();
  state.simulation = null;
  if (state.metric) openSimulation(state.metric);
});

$("auth-login").addEventListener("click", () => askToken(auth.token ? "输入新的登录令牌以更换身份。"
  : "本服务已启用身份认证，请输入登录令牌。"));
$("auth-logout").addEventListener("click", () => {
  setToken(null);
  window.location.reload();  // nothing shown stays on the page
});
$("auth-cancel").addEventListener("click", () => $("auth-dialog").close());
$("auth-form").addEventListener("submit", (event) => {
  event.preventDefault();
  guarded("登录", () => signIn($("auth-token").value));
});
editor = createEditor({
  panel: $("editor"), button: $("edit-open"), request: gqlBody, principal, setStatus,
  goal: () => state.goal, metric: () => state.metric?.id ?? null, asOf: () => state.asOf,
  nameOf: (id) => state.model?.nodes.get(id)?.label ?? null, reload: showEdited,
});
// 质量主体 (subject.js): the spiral and 诊改报告 of the drawn goal's subject or the hash's #subject=ID
const subjects = createSubjectPanel($("subject-panel"), { gql, api, asOf: () => state.asOf, guarded,
  notFound: (e) => e instanceof ApiError && e.notFound, changed: updateHash });
renderAuth();

window.zhengaiExplorer = { get cy() { return cy; }, state, get editor() { return editor; } };

guarded("加载质量网络", async () => {
  setStatus("正在加载五纵五横质量网络 …");
  const viewer = loadViewer();  // who is calling: before anything chooses what to open
  guarded("加载监测预警", loadWarnings);
  await viewer;
  await loadMatrix();
  setStatus(`监测日期 ${state.asOf}：点击单元格查看目标`);
  const done = await openStart();
  if (done) setStatus(done);
});

/** The first screen: the hash's goal if it names one; else, for a scoped user (学生, 教师, 部门负责人),
 * their own goal chain. Resolves to a status line when it opened a chain of its own choice. */
async function openStart() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  if (params.get("goal") || params.get("subject")) {
    await openHash();
    return null;
  }
  return principal().scoped ? openMine() : null;
}

/** A scoped user's landing goal: the first goal of their first own quality subject (`viewer.ownSubjects`, in
 * the service's order; a later one if it has none). A 部门负责人 is no quality subject: their unit's goal
 * of the highest level that none of the unit's others supports. Null when there is none. */
async function myGoal() {
  const who = principal();
  if (!who.scoped) return null;
  for (const s of who.subjects) {
    const data = await gql(Q.subjectGoals, { subjectId: s.id, asOf: state.asOf, first: 1 });
    if (data.goals.edges.length) return data.goals.edges[0].node;
  }
  const unitId = who.viewer.unitId;
  if (!unitId || !who.roles.includes("UNIT_HEAD")) return null;
  const data = await gql(Q.unitGoals, { unitId, asOf: state.asOf });
  const goals = data.goals.edges.map((e) => e.node);
  const ids = new Set(goals.map((g) => g.id));
  const gathered = (g) => (g.parents.some((p) => ids.has(p.id)) ? 1 : 0);
  return goals.map((g, i) => [g, i])
    .sort(([a, i], [b, j]) => RANK[a.level] - RANK[b.level] || gathered(a) - gathered(b) || i - j)
    .map(([g]) => g)[0] ?? null;
}

/** Opens the scoped user's own goal chain (and lists its matrix cell's goals); a status line. */
async function openMine() {
  const who = principal();
  const goal = await myGoal();
  const whom = `${T.role[who.role] ?? ""} ${who.name}`.trim();
  if (!goal) {
    showChainNotice(`您（${whom}）的数据权限范围内还没有自己的目标。可在五纵五横矩阵中查看上级汇总目标。`);
    $("chain-notice-mine").hidden = true;
    return `${whom}：数据权限范围内没有自己的目标`;
  }
  const cell = state.cells.find((c) => c.system === goal.unit?.system && c.level === goal.level);
  if (cell?.goalCount) await selectCell(cell);
  await selectGoal(goal.id);
  return `我的目标链：${goal.name}（${whom}）。灰色虚线框“其他 N 项”为范围外节点的匿名汇总，点击可查看说明`;
}

/** Clears every view (another identity signs in: nothing shown to the previous one stays). */
function resetView() {
  for (const channel of ["goals", "trace", "simulate"]) ticket(channel);
  Object.assign(state, { cell: null, subject: null });
  editor?.reset();
  subjects.close();
  clearChain();
  $("goals-caption").textContent = "";
  $("goal-list").replaceChildren();
  $("goals-empty").hidden = false;
  $("goals-more").hidden = true;
}

/** No goal's chain shown (its goal was retired and had no parent, or another identity signs in). */
function clearChain() {
  ticket("chain");
  Object.assign(state, { goal: null, model: null });
  clearMetric();
  clearGap();
  hideFoldNotice();
  hideChainNotice();
  if (cy) cy.elements().remove();
  $("chain-caption").textContent = "";
  $("subject-slot").replaceChildren();
  $("chain-summary").textContent = "";
  $("chain-graph").dataset.state = "empty";
  editor?.goalShown(null);
}

/** After an edit (editor.js): shows the graph as it now stands — from ``asOf`` when given (the edit takes
 * effect after the date shown) — with ``goalId``'s chain (null: none). */
async function showEdited({ asOf = null, goalId } = {}) {
  if (asOf) {
    state.asOf = asOf;
    $("as-of").value = asOf;
  }
  if (goalId === null) {
    clearChain();
    updateHash();
  } else if (goalId && goalId !== state.goal?.id) {
    clearMetric();
    state.goal = { id: goalId };
  }
  await reloadAll();
}

/** Opens the goal (and metric) named by the location's hash, if they are not shown already. */
async function openHash() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const goalId = params.get("goal"), metricId = params.get("metric"), subjectId = params.get("subject");
  if (subjectId && subjectId !== subjects.shown) await subjects.open(subjectId);
  if (!goalId) return;
  if (goalId !== state.goal?.id) await selectGoal(goalId);
  if (metricId && metricId !== state.metric?.id) await selectMetric(metricId);
}

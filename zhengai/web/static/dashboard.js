// 驾驶舱 and 画像: the page each role lands on, drawn with Apache ECharts (vendored) from totals the service
// counts (warningSummary, goalSummary, taskProgress, subjectStandings) — never from a capped list.
//
// /dashboard                 the caller's board: ADMIN/LEADER/DATA_SERVICE the school's, UNIT_HEAD their unit's,
//                            TEACHER and STUDENT the 画像 of their own subject (and their other own subjects)
// /dashboard?subject=ID      the 画像 of a 专业, 课程, 教师 or 学生 the caller may see
// /dashboard?screen=big      大屏: 1920×1080, dark theme, refreshed every `refresh` seconds (default 60)
// ?asOf=YYYY-MM-DD           the monitoring date (default: the service's today)
//
// The bearer token is the one the explorer keeps in sessionStorage (登录令牌); every word comes from the
// catalogue (static/texts.js).

import { attachSearch } from "./search.js";
import { T, fmt, label } from "./texts.js";

const D = T.dashboard;
const params = new URLSearchParams(window.location.search);
const BIG = params.get("screen") === "big";
const REFRESH = Math.max(5, Number(params.get("refresh")) || 60);
const SUBJECT = params.get("subject");
const board = document.getElementById("board");
const notice = document.getElementById("notice");
const asOfInput = document.getElementById("as-of");
const charts = [];
const COLOURS = { GREEN: "#2e9d57", YELLOW: "#e6a700", RED: "#d93025", UNKNOWN: "#9aa0a6" };
let refreshes = 0;

// ------------------------------------------------------------------------------------ the service

async function gql(query, variables = {}) {
  const token = sessionStorage.getItem("zhengai.token");
  const response = await fetch("graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json",
               ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  if (response.status === 401) throw new Error(D.signIn);
  const body = await response.json();
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("；"));
  return body.data;
}

function asOf() {
  return asOfInput.value || null;
}

// ------------------------------------------------------------------------------------ small helpers

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("data")) el.setAttribute(k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), v);
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null) el.append(c);
  return el;
}

/** A count that fits any cell: 30000 → 3.0万. */
function count(n) {
  return n >= 10000 ? fmt(D.wan, { n: (n / 10000).toFixed(1) }) : String(n);
}

function pct(x) {
  return x == null ? "—" : `${(x * 100).toFixed(1)}%`;
}

function panel(testid, title, ...body) {
  return h("section", { class: `panel ${testid}`, dataTestid: testid }, h("h2", {}, title), ...body);
}

function kpi(key, value, shown, status) {
  return h("div", { class: `kpi ${status || ""}`, dataTestid: `kpi-${key}`, dataValue: value },
    h("span", { class: "kpi-value" }, shown), h("span", { class: "kpi-label" }, D.kpi[key]));
}

/** An ECharts chart in a new box; ``data-state`` turns ready once drawn. */
function chart(testid, option, height = 280) {
  const box = h("div", { class: "chart", dataTestid: `chart-${testid}`, dataState: "loading" });
  box.style.height = `${height}px`;
  queueMicrotask(() => {
    const c = echarts.init(box, BIG ? "dark" : null, { renderer: "canvas" });
    c.on("finished", () => { box.dataset.state = "ready"; });
    c.setOption({ animation: false, backgroundColor: "transparent", textStyle: { fontSize: BIG ? 16 : 13 }, ...option });
    charts.push(c);
  });
  return box;
}

function statusBars(rows, name) {
  return ["GREEN", "YELLOW", "RED", "UNKNOWN"].map((s) => ({
    name: label("status", s), type: "bar", stack: name, itemStyle: { color: COLOURS[s] },
    data: rows.map((r) => r[s.toLowerCase()] ?? 0),
  }));
}

// ------------------------------------------------------------------------------------ 驾驶舱

const BOARD = `query($asOf: Date, $unit: ID) {
  goalSummary(asOf: $asOf, unitId: $unit) { level levelName total green yellow red unknown }
  warningSummary(asOf: $asOf, unitId: $unit) { total red yellow
    byLevel { level levelName red yellow } byUnit { unitId unitName red yellow total } }
  taskProgress(asOf: $asOf, unitId: $unit, first: 8) { total meanProgress budget spent
    byStatus { status statusName count } tasks { name leader progress status statusName due } }
  subjectStandings(asOf: $asOf, unitId: $unit, first: 10) { total
    subjects { subject { id name level levelName unit { name } } score status } }
}`;

const TARGETS = `query($asOf: Date, $unit: ID, $level: Level) {
  goals(asOf: $asOf, unitId: $unit, level: $level, first: 8) { edges { node { id name trend(to: $asOf) { at attainment } } } }
}`;

async function schoolBoard(viewer) {
  const unit = viewer.roles.includes("UNIT_HEAD") && viewer.scoped ? viewer.unitId : null;
  const [b, t] = await Promise.all([gql(BOARD, { asOf: asOf(), unit }),
    gql(TARGETS, { asOf: asOf(), unit, level: unit ? null : "SCHOOL" })]);
  document.getElementById("title").textContent = unit ? fmt(D.unit, { name: viewer.unit?.name ?? unit })
    : D.school;
  const whole = b.goalSummary.at(-1);
  const w = b.warningSummary;
  const tp = b.taskProgress;
  const overdue = tp.byStatus.find((s) => s.status === "OVERDUE")?.count ?? 0;
  const levels = b.goalSummary.slice(0, -1);
  const units = w.byUnit.slice(0, 10).reverse();
  const targets = t.goals.edges.map((e) => e.node);
  board.replaceChildren(
    h("div", { class: "kpis" },
      kpi("goals", whole.total, count(whole.total)), kpi("green", whole.green, count(whole.green), "GREEN"),
      kpi("red", w.red, count(w.red), "RED"), kpi("yellow", w.yellow, count(w.yellow), "YELLOW"),
      kpi("tasks", tp.total, count(tp.total)), kpi("overdue", overdue, count(overdue), overdue ? "RED" : ""),
      kpi("progress", tp.meanProgress ?? "", pct(tp.meanProgress)),
      kpi("budget", tp.budget ? tp.spent / tp.budget : "", tp.budget ? pct(tp.spent / tp.budget) : "—")),
    h("div", { class: "grid" },
      panel("targets", D.chart.targets, chart("targets", {
        tooltip: { trigger: "axis", valueFormatter: pct }, legend: { type: "scroll", top: 0 },
        grid: { top: 40, left: 50, right: 20, bottom: 30 },
        xAxis: { type: "category", data: targets[0]?.trend.map((p) => p.at.slice(0, 7)) ?? [] },
        yAxis: { type: "value", min: 0, max: 1.2, axisLabel: { formatter: pct } },
        series: targets.map((g) => ({ name: g.name, type: "line", data: g.trend.map((p) => p.attainment) })),
      })),
      panel("goal-status", D.chart.goalStatus, chart("goal-status", {
        tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { top: 40, left: 60, right: 20, bottom: 30 },
        xAxis: { type: "category", data: levels.map((r) => r.levelName) }, yAxis: { type: "value" },
        series: statusBars(levels, "goals"),
      })),
      panel("warning-level", D.chart.warningLevel, chart("warning-level", {
        tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { top: 40, left: 60, right: 20, bottom: 30 },
        xAxis: { type: "category", data: w.byLevel.map((r) => r.levelName ?? "—") },
        yAxis: { type: "value" },
        series: ["RED", "YELLOW"].map((s) => ({ name: label("severity", s), type: "bar", stack: "w",
          itemStyle: { color: COLOURS[s] }, data: w.byLevel.map((r) => r[s.toLowerCase()]) })),
      })),
      panel("warning-unit", D.chart.warningUnit, chart("warning-unit", {
        tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { top: 40, left: 130, right: 20, bottom: 30 },
        yAxis: { type: "category", data: units.map((r) => r.unitName ?? r.unitId ?? "—") },
        xAxis: { type: "value" },
        series: ["RED", "YELLOW"].map((s) => ({ name: label("severity", s), type: "bar", stack: "w",
          itemStyle: { color: COLOURS[s] }, data: units.map((r) => r[s.toLowerCase()]) })),
      })),
      panel("standings", D.standings, standingsTable(b.subjectStandings)),
      panel("task-rows", D.taskRows, tasksTable(tp))));
}

function standingsTable(s) {
  const rows = s.subjects.map((r) => h("tr", { dataTestid: "standing", dataSubjectId: r.subject.id },
    h("td", {}, h("a", { href: `dashboard?subject=${encodeURIComponent(r.subject.id)}${dateParam()}` },
      r.subject.name)),
    h("td", {}, r.subject.levelName), h("td", {}, r.subject.unit?.name ?? ""),
    h("td", { class: "num" }, pct(r.score)), h("td", { class: r.status }, label("status", r.status))));
  return [h("table", {}, h("thead", {}, h("tr", {}, ...["name", "level", "unit", "score", "status"]
    .map((k) => h("th", {}, D.col[k])))), h("tbody", {}, rows)),
  h("p", { class: "hint" }, fmt(D.standingsMore, { total: s.total, shown: s.subjects.length }))];
}

function tasksTable(tp) {
  return h("table", {}, h("thead", {}, h("tr", {}, ...["task", "leader", "progress", "due", "status"]
    .map((k) => h("th", {}, D.col[k])))),
  h("tbody", {}, tp.tasks.map((t) => h("tr", { dataTestid: "task-row" }, h("td", {}, t.name),
    h("td", {}, t.leader ?? ""), h("td", { class: "num" }, pct(t.progress)), h("td", { class: "nowrap" }, t.due ?? ""),
    h("td", { class: t.status }, t.statusName)))));
}

function dateParam() {
  return asOf() ? `&asOf=${asOf()}` : "";
}

// ------------------------------------------------------------------------------------ 画像

// the caller's own warnings only on their own 画像 (another subject's page lists none: no need to have every
// warning of the date computed for it)
const PORTRAIT = `query($s: ID!, $asOf: Date, $own: Boolean!) {
  portrait(subjectId: $s, asOf: $asOf) {
    subject { id name level levelName unit { name } } majorName score status
    goals { id name trend(to: $asOf) { at attainment } }
    dimensions { key standardName value previous peers { count median percentile } }
    peers { basis value valueName size withheld score { count mean median percentile rank } }
    previous { end score status } spiral { stageName cycleName }
  }
  warnings(asOf: $asOf, first: 20) @include(if: $own) { nodeId nodeName severity message }
}`;

async function portraitBoard(subjectId, viewer, own = false) {
  const { portrait: p, warnings } = await gql(PORTRAIT, { s: subjectId, asOf: asOf(), own });
  const s = p.subject;
  document.getElementById("title").textContent = own ? fmt(D.mine, { name: viewer.name ?? s.name })
    : fmt(D.portrait.title, { name: s.name, level: s.levelName });
  const dims = p.dimensions;
  const peers = p.peers;
  let peerText = D.portrait.noPeers;
  if (peers && peers.withheld) peerText = D.portrait.withheld;
  else if (peers?.score?.percentile != null) {
    peerText = `${fmt(D.portrait.peers, { basis: fmt(D.basis[peers.basis], { value: peers.valueName ?? "" }),
      size: peers.size })}；${fmt(D.portrait.percentile, { percentile: peers.score.percentile.toFixed(0),
      rank: peers.score.rank, count: peers.score.count + 1 })}`;
  }
  const mine = own ? warnings : [];  // a person's view of warnings is their own (the service scopes it)
  const tabs = own && viewer.ownSubjects.length > 1 ? h("nav", { class: "tabs", dataTestid: "own-subjects" },
    h("span", {}, D.ownSubjects), ...viewer.ownSubjects.map((o) => h("a", {
      href: `dashboard?subject=${encodeURIComponent(o.id)}${dateParam()}`, dataTestid: "own-subject",
      class: o.id === s.id ? "current" : null }, `${o.name}（${o.levelName}）`))) : null;
  board.replaceChildren(
    ...(tabs ? [tabs] : []),
    h("section", { class: "portrait", dataTestid: "portrait", dataSubjectId: s.id },
      h("div", { class: "kpis" },
        kpi("score", p.score ?? "", pct(p.score), p.status),
        h("div", { class: "facts" },
          h("p", { dataTestid: "peers" }, peerText),
          h("p", { dataTestid: "previous" }, p.previous ? fmt(D.portrait.previous,
            { end: p.previous.end, score: pct(p.previous.score) }) : D.portrait.noPrevious),
          h("p", { dataTestid: "spiral" }, fmt(D.portrait.spiral, { cycle: p.spiral.cycleName,
            stage: p.spiral.stageName })),
          s.unit ? h("p", {}, fmt(D.portrait.unitOf, { name: s.unit.name })) : null,
          p.majorName && s.level !== "MAJOR" ? h("p", {}, fmt(D.portrait.major, { name: p.majorName })) : null)),
      h("div", { class: "grid" },
        panel("radar", D.chart.radar, dims.length >= 3 ? chart("radar", {
          tooltip: {}, legend: { bottom: 0 },
          radar: { indicator: dims.map((d) => ({ name: d.key, max: 1.2 })), radius: "62%" },
          series: [{ type: "radar", data: [
            { name: D.series.mine, value: dims.map((d) => d.value) },
            { name: D.series.peersMedian, value: dims.map((d) => d.peers?.median ?? null) },
            { name: D.series.previous, value: dims.map((d) => d.previous) }] }],
        }, 320) : chart("radar", {
          tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { top: 40, left: 50, right: 20, bottom: 60 },
          xAxis: { type: "category", data: dims.map((d) => d.key) },
          yAxis: { type: "value", axisLabel: { formatter: pct } },
          series: [["mine", "value"], ["peersMedian", null], ["previous", "previous"]].map(([k, f]) => ({
            name: D.series[k], type: "bar", data: dims.map((d) => (f ? d[f] : d.peers?.median ?? null)) })),
        }, 320)),
        panel("trend", D.chart.trend, chart("trend", {
          tooltip: { trigger: "axis", valueFormatter: pct }, legend: { type: "scroll", top: 0 },
          grid: { top: 40, left: 50, right: 20, bottom: 30 },
          xAxis: { type: "category", data: p.goals[0]?.trend.map((t) => t.at.slice(0, 7)) ?? [] },
          yAxis: { type: "value", min: 0, axisLabel: { formatter: pct } },
          series: p.goals.map((g) => ({ name: g.name, type: "line", data: g.trend.map((t) => t.attainment) })),
        }, 320)),
        panel("dimensions", D.portrait.dimensions, h("table", { dataTestid: "dimension-table" },
          h("thead", {}, h("tr", {}, ...["dimension", "value", "median", "previousCol"]
            .map((k) => h("th", {}, D.portrait[k])))),
          h("tbody", {}, dims.map((d) => h("tr", { dataTestid: "dimension" }, h("td", {}, d.key),
            h("td", { class: "num" }, pct(d.value)), h("td", { class: "num" }, pct(d.peers?.median)),
            h("td", { class: "num" }, pct(d.previous))))))),
        own ? panel("my-warnings", D.warnings, mine.length ? h("ul", {}, mine.map((w) => h("li",
          { class: w.severity, dataTestid: "my-warning" }, w.message))) : h("p", {}, D.noWarnings)) : null)));
}

// ------------------------------------------------------------------------------------ 目标检索

attachSearch(document.getElementById("search"), document.getElementById("search-results"), { gql, asOf });

// ------------------------------------------------------------------------------------ start

function showError(error) {
  notice.textContent = fmt(D.failed, { what: error.message });
  notice.hidden = false;
  board.dataset.state = "error";
}

async function draw() {
  board.dataset.state = "loading";
  charts.splice(0).forEach((c) => c.dispose());
  const { viewer } = await gql("{ viewer { name roles scoped unitId unit { name } subjectId ownSubjects { id name levelName } } }");
  const personal = viewer.scoped && !viewer.roles.includes("UNIT_HEAD");
  if (SUBJECT) await portraitBoard(SUBJECT, viewer, viewer.ownSubjects.some((o) => o.id === SUBJECT));
  else if (personal && viewer.ownSubjects.length) await portraitBoard(viewer.ownSubjects[0].id, viewer, true);
  else await schoolBoard(viewer);
  refreshes += 1;
  const time = new Date().toLocaleTimeString("zh-CN", { hour12: false });
  const footer = document.getElementById("refreshed");
  footer.textContent = BIG ? fmt(D.refreshed, { time, seconds: REFRESH }) : "";
  footer.dataset.count = refreshes;
  board.dataset.state = "ready";
}

document.body.classList.toggle("big", BIG);
asOfInput.value = params.get("asOf") ?? "";
document.getElementById("big-link").textContent = BIG ? D.exitBigScreen : D.bigScreen;
document.getElementById("big-link").href = BIG ? "dashboard" : `dashboard?screen=big${dateParam()}`;
asOfInput.addEventListener("change", () => draw().catch(showError));
window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
if (BIG) setInterval(() => draw().catch(showError), REFRESH * 1000);
draw().catch(showError);

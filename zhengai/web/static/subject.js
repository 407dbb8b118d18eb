// The explorer's 质量主体 panel: a quality subject's 8字螺旋 (its cycle, the big loop's ten stages with the
// current one, the small loop, open warnings and 改进措施) and its 诊改报告 (title, conclusion, the full text and
// Word/PDF/Markdown downloads). Any subject works — a 专业, a course, a person, or a department / 二级学院
// (教务处 JWC) — within the caller's scope: an unknown or out-of-scope id reads as a calm notice.
// Opened from the chain's button (the drawn goal's subject) or the location hash (#subject=JWC).
// Words from the catalogue (texts.js, block "subject_panel").
import { T, fmt, label } from "./texts.js";

const W = T.subject_panel;
const FORMATS = ["docx", "pdf", "md"];
const Q = {
  panel: `query SubjectPanel($id: ID!, $asOf: Date) {
    spiral(subjectId: $id, asOf: $asOf) { subjectId subjectName level cycleName cycleStart cycleEnd
      monitoringFrequency stage stageName rounds stages { stage name current done } smallLoop
      latestMonitoring unansweredWarnings openWarnings { id severity } improvements { id measure due done } }
    report: diagnosisReport(subjectId: $id, asOf: $asOf) { title period { start end } conclusion } }`,
  markdown: `query ReportText($id: ID!, $asOf: Date) { diagnosisReport(subjectId: $id, asOf: $asOf) { markdown } }`,
};

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children.flat().filter((c) => c != null && c !== false));
  return node;
}

/** The panel in ``root`` (a hidden section); ``gql``/``api`` are the explorer's (they carry the token),
 * ``asOf()`` its date, ``notFound(err)`` tells an unknown or out-of-scope id, ``guarded(what, fn)`` runs a
 * click's work and reports its failure, ``changed()`` is called when the panel opens or closes. */
export function createSubjectPanel(root, { gql, api, asOf, notFound, guarded, changed = () => {} }) {
  let shown = null;  // the subject id on show
  let ticket = 0;

  /** Hides the panel (the hash is the caller's to update: a new identity keeps the link it came with). */
  function close() {
    shown = null;
    ticket += 1;
    root.hidden = true;
    root.replaceChildren();
    delete root.dataset.state;
  }

  function frame(caption, ...body) {
    root.replaceChildren(h("h2", {}, W.title, " ", h("span", { class: "caption", "data-testid": "subject-caption" }, caption),
      h("button", { type: "button", class: "small secondary close", "data-testid": "subject-close", onclick: () => { close(); changed(); } },
        W.close)), ...body);
    root.hidden = false;
  }

  function spiralView(s) {
    const stages = h("ol", { class: "stages", "data-testid": "spiral-stages" }, s.stages.map((x) => h("li", {
      class: `stage${x.current ? " current" : ""}${x.done ? " done" : ""}`, "data-stage": x.stage,
      "data-current": String(x.current), "data-done": String(x.done),
    }, x.name)));
    const open = s.openWarnings.filter((w) => w.severity !== "INFO").length;
    return h("div", { class: "spiral", "data-testid": "spiral", "data-stage": s.stage, "data-rounds": s.rounds },
      h("h3", {}, W.spiral),
      h("p", {}, fmt(W.cycle, { cycle: s.cycleName, start: s.cycleStart, end: s.cycleEnd,
        frequency: label("frequency", s.monitoringFrequency) })),
      h("p", { "data-testid": "spiral-stage" }, fmt(W.stage, { stage: s.stageName, rounds: s.rounds })),
      stages,
      h("p", { class: "hint" }, fmt(W.small_loop, { loop: s.smallLoop.join(" → ") })),
      h("p", { "data-testid": "spiral-warnings" }, fmt(W.warnings, { open, unanswered: s.unansweredWarnings,
        seen: s.latestMonitoring ?? "—" })),
      s.improvements.length
        ? h("ul", { class: "improvements", "data-testid": "spiral-improvements" }, s.improvements.map((m) =>
          h("li", { "data-improvement-id": m.id }, `${m.measure}（${m.done ? W.done : fmt(W.due, { due: m.due ?? "—" })}）`)))
        : h("p", { class: "hint" }, W.no_improvements));
  }

  function reportView(id, r) {
    const text = h("pre", { class: "report-text", "data-testid": "report-markdown", hidden: true });
    const toggle = h("button", { type: "button", class: "small", "data-testid": "report-open" }, W.read);
    toggle.addEventListener("click", () => guarded(W.read, async () => {
      if (!text.hidden) { text.hidden = true; toggle.textContent = W.read; return; }
      text.dataset.state = "loading";
      const n = ticket;
      const data = await gql(Q.markdown, { id, asOf: asOf() });
      if (n !== ticket) return;
      text.textContent = data.diagnosisReport.markdown;
      text.hidden = false;
      text.dataset.state = "ready";
      toggle.textContent = W.fold;
    }));
    const downloads = FORMATS.map((f) => h("button", {
      type: "button", class: "small secondary", "data-testid": `report-${f}`,
      onclick: () => guarded(W.report, () => download(id, f)),
    }, W.formats[f]));
    return h("div", { class: "report", "data-testid": "report" },
      h("h3", {}, W.report),
      h("p", { "data-testid": "report-title" }, h("b", {}, r.title), " ",
        h("small", {}, fmt(W.period, { start: r.period.start, end: r.period.end }))),
      h("p", { "data-testid": "report-conclusion" }, r.conclusion),
      h("div", { class: "actions" }, toggle, ...downloads), text);
  }

  /** Saves the report as a file: fetched with the caller's token, handed to the browser as a download. */
  async function download(id, format) {
    const response = await api(`reports/${encodeURIComponent(id)}.${format}?asOf=${asOf()}`);
    if (!response.ok) throw new Error(fmt(W.download_failed, { status: response.status }));
    const url = URL.createObjectURL(await response.blob());
    const a = h("a", { href: url, download: `${id}-${asOf()}.${format}`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /** Shows subject ``id``'s spiral and report (replacing whatever was shown). */
  async function open(id) {
    const n = (ticket += 1);
    shown = id;
    frame(id, h("p", { class: "hint" }, W.loading));
    root.dataset.state = "loading";
    root.dataset.subjectId = id;
    changed();
    let data;
    try {
      data = await gql(Q.panel, { id, asOf: asOf() });
    } catch (err) {
      if (n !== ticket) return;
      if (!notFound(err)) throw err;
      frame(id, h("p", { class: "notice", "data-testid": "subject-notice" }, fmt(W.not_found, { id })));
      root.dataset.state = "missing";
      return;
    }
    if (n !== ticket) return;
    const s = data.spiral;
    frame(`${s.subjectName}（${label("level", s.level)}）`, spiralView(s), reportView(id, data.report));
    root.dataset.state = "ready";
  }

  /** The button that opens the drawn goal's subject (none for a goal without one). */
  function button(subjectId) {
    if (!subjectId) return null;
    return h("button", { type: "button", class: "small", "data-testid": "subject-open",
      "data-subject-id": subjectId, title: fmt(W.open_title, { id: subjectId }), onclick: () => guarded(W.open, () => open(subjectId)) },
    W.open);
  }

  return { open, close, button, get shown() { return shown; } };
}

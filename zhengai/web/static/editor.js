// 编辑图谱: the explorer's edit forms. Each form sends one applyChanges batch (design.md §5) with the
// dataVersion read when the form opened (expectedVersion) and an effective date (生效日期, default
// today); 试算 sends the same batch as a dry run and lists what would change. A refusal is shown beside
// the field each problem names (extensions.problems[].field, e.g. upsertMetric.target, link.weight,
// retire.cascade), problems without a field at the top of the form; CONFLICT says that someone else
// changed the graph and offers to reload. After a save the explorer reloads what it shows (the graph, its
// colours, the 五纵五横 matrix and the warnings), from the effective date when that is later than the
// date shown.
// Who may edit is the service's to decide: the forms are offered to the roles that edit at all (LEADER
// and DATA_SERVICE read only; 一页纸 tasks are not a teacher's or a student's), and for a scoped caller a
// dry run of the change the form would make tells whether the selected node is theirs before they type.
// The explorer hands in its hooks (createEditor); every text the user reads comes from the catalogue
// (texts.js): the editor's words, and the service's refusals translated by their code.

import { T as CATALOGUE, fmt, label } from "./texts.js";

// ---------------------------------------------------------------- texts (中文): the catalogue's
// ``editor`` words; levels, directions, frequencies, kinds and change kinds from its label tables; the
// service's refusals by their code (``problem``, ``forbidden``).
const T = CATALOGUE.editor;
const LEVELS = ["SCHOOL", "MAJOR", "COURSE", "TEACHER", "STUDENT"];
// 监测预警 frequency per level (design.md §1): the default of a new metric
const LEVEL_FREQUENCY = { SCHOOL: "MONTHLY", MAJOR: "SEMESTER", COURSE: "QUARTERLY", TEACHER: "SEMESTER",
  STUDENT: "MONTHLY" };
// Roles that edit at all, and the forms each is offered (the service decides each change).
const FORMS_OF = {
  ADMIN: ["add", "target", "weight", "retire", "task"],
  UNIT_HEAD: ["add", "target", "weight", "retire", "task"],
  TEACHER: ["add", "target", "weight", "retire"],
  STUDENT: ["add", "target", "weight", "retire"],
};
const ORDER = ["add", "target", "weight", "retire", "task"];

// ---------------------------------------------------------------- GraphQL operations
const APPLY = `mutation ApplyChanges($changes: [ChangeInput!]!, $effectiveFrom: Date, $expectedVersion: Int,
  $dryRun: Boolean!) {
  applyChanges(changes: $changes, effectiveFrom: $effectiveFrom, expectedVersion: $expectedVersion,
               dryRun: $dryRun) { version dryRun effectiveFrom changed { id kind op } } }`;
const READ = {
  add: `query EditAdd($id: ID!, $asOf: Date) { dataVersion
    goal(id: $id, asOf: $asOf) { id name level subjectId unit { id name } } }`,
  target: `query EditTarget($id: ID!, $asOf: Date) { dataVersion
    goal(id: $id, asOf: $asOf) { id name level
      metrics { id name unit direction baseline target floor targetInForce(asOf: $asOf) targets { year target } } } }`,
  weight: `query EditWeights($id: ID!, $asOf: Date) { dataVersion
    goal(id: $id, asOf: $asOf) { id name level }
    down: goalChain(goalId: $id, direction: DOWN, depth: 1, asOf: $asOf) {
      nodes { id label kind } edges { source target kind weight } } }`,
  retire: `query EditRetire($id: ID!, $asOf: Date) { dataVersion
    goal(id: $id, asOf: $asOf) { id name level parents { id name } }
    onePage(goalId: $id, asOf: $asOf) { tasks { id name } } }`,
  task: `query EditTasks($id: ID!, $asOf: Date) { dataVersion
    goal(id: $id, asOf: $asOf) { id name level }
    onePage(goalId: $id, asOf: $asOf) { tasks { id name progress spent budget due statusName } } }`,
};

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
/** Replaces ``el``'s children, skipping null ones. */
function fill(el, ...children) {
  el.replaceChildren(...children.filter((c) => c != null && c !== false));
}
function num(x) { return x == null ? "—" : String(Math.round(x * 1000) / 1000); }
function pctText(x) { return x == null ? "—" : `${num(x * 100)}%`; }
/** The target the form edits: the 分年度目标 in force at the form's date when the metric has yearly ones. */
function inForce(m) { return m.targetInForce ?? m.target; }
/** A metric's 分年度目标 with ``year``'s set to ``target`` (added when the year has none). */
function withYearTarget(targets, year, target) {
  const kept = targets.filter((t) => t.year !== year).map((t) => ({ year: t.year, target: t.target }));
  return [...kept, { year, target }].sort((a, b) => a.year - b.year);
}
/** 当前：目标值 …，底线 …，基线 …（单位），方向 — a metric as it stands. */
function currentMetric(m) {
  return fmt(T.hint.currentMetric, {
    target: num(inForce(m)),
    floor: m.floor != null ? fmt(T.hint.currentFloor, { floor: num(m.floor) }) : T.hint.currentNoFloor,
    baseline: m.baseline != null ? fmt(T.hint.currentBaseline, { baseline: num(m.baseline) }) : "",
    unit: m.unit ? fmt(T.hint.currentUnit, { unit: m.unit }) : "",
    direction: m.direction,
  });
}
function currentTask(t) {
  return fmt(T.hint.currentTask, { progress: pctText(t.progress), spent: num(t.spent), budget: num(t.budget),
    due: t.due ? fmt(T.hint.currentDue, { due: t.due }) : "", status: t.statusName });
}
/** An applyChanges answer's counts, for the result and status lines. */
function counted(r) {
  return { count: r.changed.length, version: r.version, effectiveFrom: r.effectiveFrom };
}

/** Today in the browser's time zone, as an ISO date. */
function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A refused batch's problem in words, by its code (extensions.problems[].code and .params); a code the
 * catalogue does not word (INVALID) as the service said it. */
export function problemText(p) {
  const words = p.code && p.code !== "INVALID" ? CATALOGUE.problem[p.code] : null;
  return words ? fmt(words, p.params ?? {}) : p.message;
}

/** An error in words: a FORBIDDEN reason by its code (extensions.reason), a CONFLICT, else as it came. */
export function errorText(e) {
  const reason = e.extensions?.reason;
  if (reason && CATALOGUE.forbidden[reason]) return fmt(CATALOGUE.forbidden[reason], e.extensions.params ?? {});
  if (e.extensions?.code === "CONFLICT") return T.conflictShort;
  return e.message;
}

/** The dependants a refusal to retire names: {ids, total}, or null for another problem. */
function dependantsOf(p) {
  if (p.code !== "DEPENDANTS") return null;
  return { ids: p.params.dependants ?? [], total: Number(p.params.count ?? 0) };
}

/** Which form input a problem's field names: the longest key of ``map`` equal to it or a prefix of it. */
function inputFor(map, field) {
  if (!map || !field) return null;
  let best = null;
  for (const key of Object.keys(map)) {
    if ((field === key || field.startsWith(`${key}.`)) && (!best || key.length > best.length)) best = key;
  }
  return best ? map[best] : null;
}

/** A number input's value: null when empty, NaN when not a number. */
function numberOf(input) {
  if (!input || input.value.trim() === "") return null;
  return Number(input.value);
}

// ---------------------------------------------------------------- the editor
/**
 * The edit panel of the explorer. ``hooks``:
 * - ``panel``: the element to fill; ``button``: the toolbar button that opens it;
 * - ``request(query, variables)``: the GraphQL answer's body ({data, errors}), sent with the caller's token;
 * - ``goal()``: the goal whose chain is shown (or null); ``metric()``: the selected metric's id (or null);
 * - ``asOf()``: the date the explorer shows (监测日期);
 * - ``principal()``: who is calling ({viewer, roles}, viewer null until the service answered);
 * - ``nameOf(id)``: a node's name if the explorer shows it;
 * - ``reload({asOf, goalId})``: shows the graph again after a save (from ``asOf`` when that is later than
 *   the date shown; with ``goalId``'s chain, null for none);
 * - ``setStatus(text, error)``: the status line.
 */
export function createEditor(hooks) {
  const { panel, button } = hooks;
  let formKey = null;    // the open form
  let session = null;    // {key, goalId, version, data, asOf}: what the open form read when it opened
  let flash = null;      // the result of a save, shown once the form has been read again
  let reopen = false;    // the next goalShown reads the form again even for the same goal
  let pending = null;    // the read under way
  let probes = 0;        // the last 数据权限 probe asked (only its answer counts)

  const roles = () => {
    const v = hooks.principal().viewer;
    return v ? v.roles.filter((r) => FORMS_OF[r]) : [];
  };
  const formsAllowed = () => ORDER.filter((k) => roles().some((r) => FORMS_OF[r].includes(k)));
  const scoped = () => Boolean(hooks.principal().viewer?.scoped);

  function visible() { return !panel.hidden; }

  function renderButton() {
    const allowed = formsAllowed().length > 0;
    button.hidden = !allowed;
    button.textContent = T.open;
    button.title = T.openTitle;
    button.setAttribute("aria-expanded", String(visible()));
    if (!allowed && visible()) close();
  }

  function close() {
    panel.hidden = true;
    formKey = null;
    session = null;
    button.setAttribute("aria-expanded", "false");
  }

  async function open(key = formKey ?? formsAllowed()[0]) {
    const allowed = formsAllowed();
    if (!allowed.length) return;
    formKey = allowed.includes(key) ? key : allowed[0];
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    await read(false);
  }

  /** Reads the open form again (see load); the read under way is kept in ``pending``. */
  function read(keep) {
    pending = load(keep);
    return pending;
  }

  // -------------------------------------------------------------- reading what the form edits
  /** Reads the form's data and the data version; ``keep``: keep what the user typed (a reload). */
  async function load(keep) {
    const key = formKey;
    const goal = hooks.goal();
    const typed = keep ? typedValues() : null;
    const previous = keep ? session : null;
    panel.dataset.form = key;
    if (!goal) {
      session = null;
      panel.dataset.state = "empty";
      panel.replaceChildren(header(null), tabs(), h("p", { class: "hint", "data-testid": "edit-empty" }, T.noGoal),
        h("div", { class: "edit-result", "data-testid": "edit-result", hidden: true }));
      showFlash();
      return;
    }
    panel.dataset.state = "loading";
    const mine = { key, goalId: goal.id };
    session = mine;
    const asOf = previous?.asOf ?? today();
    let body;
    try {
      body = await hooks.request(READ[key], { id: goal.id, asOf });
    } catch (err) {
      if (session !== mine) return;
      panel.dataset.state = "error";
      panel.replaceChildren(header(goal), tabs(), topBox("error", fmt(T.failed, { what: err.message })));
      return;
    }
    if (session !== mine) return;  // another form or goal was opened meanwhile
    if (body.errors?.length) {
      panel.dataset.state = "error";
      panel.replaceChildren(header(goal), tabs(),
        topBox("error", body.errors.map(errorText).join(T.join)));
      return;
    }
    Object.assign(mine, { version: body.data.dataVersion, data: body.data, asOf });
    render(typed);
    panel.dataset.state = "ready";
    panel.dataset.version = mine.version;
    showFlash();
    if (scoped()) await probe();
  }

  /** The result of the save that led here, once. */
  function showFlash() {
    if (!flash) return;
    showResult(flash.result, false, flash.note, flash.names);
    flash = null;
  }

  function disableActions(form) {
    for (const b of form.querySelectorAll(".actions button")) b.disabled = true;
  }

  /** What the user typed in the open form, by input name. */
  function typedValues() {
    const form = panel.querySelector("form");
    if (!form) return null;
    const out = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      out[el.name] = el.type === "checkbox" ? el.checked : el.value;
    }
    return out;
  }

  // -------------------------------------------------------------- rendering
  function header(goal) {
    return h("div", { class: "editor-head" },
      h("h2", { id: "editor-title" }, T.title,
        goal ? h("span", { class: "caption", "data-testid": "edit-goal" }, goal.name) : null),
      h("button", { type: "button", class: "small secondary", "data-testid": "edit-close", onclick: close },
        T.close));
  }

  function tabs() {
    return h("div", { class: "editor-tabs", role: "tablist" }, formsAllowed().map((k) => h("button", {
      type: "button", role: "tab", "aria-selected": String(k === formKey), class: k === formKey ? "active" : null,
      "data-testid": `edit-tab-${k}`, onclick: () => open(k),
    }, T.tabs[k])));
  }

  function topBox(kind, ...children) {
    return h("div", { class: `edit-top ${kind}`, "data-testid": `edit-${kind}`, role: "alert" }, ...children);
  }

  /** One labelled input with the place for its refusal. */
  function field(name, label, control, hint = null) {
    control.name = name;
    control.id = `edit-${name}`;
    control.dataset.testid = `edit-${name}`;
    return h("div", { class: "field", "data-field": name },
      h("label", { for: control.id }, label),
      control,
      hint ? h("small", { class: "field-hint", "data-testid": `edit-hint-${name}` }, hint) : null,
      h("div", { class: "field-error", "data-testid": `edit-error-${name}`, role: "alert", hidden: true }));
  }

  const input = (attrs = {}) => h("input", { type: "text", autocomplete: "off", ...attrs });
  const numberInput = (attrs = {}) => input({ type: "number", step: "any", ...attrs });
  const select = (options, value) => {
    const el = h("select", {}, options.map(([v, text]) => h("option", { value: v }, text)));
    if (value != null) el.value = value;
    return el;
  };

  function render(typed) {
    const s = session;
    const goal = s.data.goal;
    const spec = SPECS[formKey];
    const form = h("form", { class: "editor-form", "data-testid": "edit-form", "data-form": formKey, novalidate: true });
    form.append(
      h("p", { class: "edit-intro" }, T.intro[formKey]),
      h("p", { class: "edit-target", "data-testid": "edit-head" }, fmt(T.head, { name: goal.name, id: goal.id, version: s.version })),
      h("div", { class: "edit-tops", "data-testid": "edit-tops" }),
      ...spec.fields(s, form).filter(Boolean),
      field("effectiveFrom", T.label.effectiveFrom, input({ type: "date", value: s.asOf ?? today() }),
        T.hint.effectiveFrom),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary", "data-testid": "edit-dry-run", title: T.dryRunTitle,
          onclick: () => submit(true) }, T.dryRun),
        h("button", { type: "submit", "data-testid": "edit-save" }, T.save)),
      h("div", { class: "edit-result", "data-testid": "edit-result", hidden: true }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(false);
    });
    panel.replaceChildren(header(goal), tabs(), form);
    spec.wire?.(form, s);
    if (typed) restore(form, typed);
  }

  /** Puts back what the user typed (after a reload), where the form still has that input and choice. */
  function restore(form, typed) {
    for (const el of form.elements) {
      if (!el.name || !(el.name in typed)) continue;
      if (el.type === "checkbox") el.checked = typed[el.name];
      else if (el.tagName === "SELECT") {
        if ([...el.options].some((o) => o.value === typed[el.name])) el.value = typed[el.name];
      } else el.value = typed[el.name];
      el.dispatchEvent(new Event("change"));
    }
    for (const el of form.elements) {  // the changes may have reset dependent inputs: typed wins
      if (el.name && el.name in typed && el.type !== "checkbox" && el.tagName !== "SELECT") el.value = typed[el.name];
    }
  }

  // -------------------------------------------------------------- 数据权限: the service decides
  /** For a scoped caller: a dry run of what the form would change tells whether it is theirs; if not,
   * the form says so and offers no save. */
  async function probe() {
    const s = session;
    const form = panel.querySelector("form");
    const asked = ++probes;
    const changes = SPECS[formKey].probe?.(s, form);
    setBlocked(null);
    if (!changes) return;
    form.dataset.blocked = "asking";
    let body;
    try {
      body = await hooks.request(APPLY, { changes, effectiveFrom: s.asOf, expectedVersion: null, dryRun: true });
    } catch {
      body = {};  // the save will say it
    }
    if (asked !== probes || session !== s || panel.querySelector("form") !== form) return;  // asked again
    const forbidden = body.errors?.find((e) => e.extensions?.code === "FORBIDDEN");
    setBlocked(forbidden ? errorText(forbidden) : null, forbidden?.message);
  }

  function setBlocked(reason, original = "") {
    const form = panel.querySelector("form");
    if (!form) return;
    form.querySelector("[data-testid=edit-forbidden]")?.remove();
    form.dataset.blocked = reason ? "true" : "false";
    for (const b of form.querySelectorAll(".actions button")) b.disabled = Boolean(reason);
    if (reason) {
      const box = topBox("forbidden", T.forbiddenHere, h("span", { class: "reason", title: original }, reason));
      form.querySelector(".edit-tops").after(box);
    }
  }

  // -------------------------------------------------------------- sending a batch
  async function submit(dryRun) {
    const form = panel.querySelector("form");
    const s = session;
    if (!form || !s || form.dataset.busy === "true") return;
    clearProblems(form);
    const built = SPECS[formKey].build(form, s);
    if (built.missing?.length) {
      for (const name of built.missing) showAt(form, name, T.required);
      return;
    }
    const effectiveFrom = form.elements.effectiveFrom.value || null;
    const variables = { changes: built.changes, effectiveFrom, expectedVersion: s.version };
    form.dataset.busy = "true";
    const result = form.querySelector("[data-testid=edit-result]");
    result.hidden = false;
    result.className = "edit-result pending";
    result.replaceChildren(dryRun ? T.trying : T.saving);
    try {
      // a new id must be new: asked of the service (a dry run) before anything is written
      if (!dryRun && built.created?.length) {
        const trial = await hooks.request(APPLY, { ...variables, dryRun: true });
        if (session !== s) return;
        if (!trial.errors?.length && !refuseTaken(form, built, trial.data.applyChanges)) return;
        if (trial.errors?.length) {
          result.hidden = true;
          showRefusal(form, built, trial.errors);
          return;
        }
      }
      const body = await hooks.request(APPLY, { ...variables, dryRun });
      if (session !== s) return;
      if (body.errors?.length) {
        result.hidden = true;
        showRefusal(form, built, body.errors);
        return;
      }
      const done = body.data.applyChanges;
      if (dryRun) {
        if (built.created?.length) refuseTaken(form, built, done);
        showResult(done, true);
        return;
      }
      await saved(done, built);
    } catch (err) {
      if (session === s) {
        result.hidden = true;
        form.querySelector(".edit-tops").replaceChildren(topBox("error", fmt(T.failed, { what: err.message })));
      }
    } finally {
      form.dataset.busy = "false";
    }
  }

  /** Marks the ids a batch would not create (they exist); returns whether all are new. */
  function refuseTaken(form, built, answer) {
    const created = new Set(answer.changed.filter((c) => c.op === "CREATED").map((c) => c.id));
    const taken = built.created.filter(([id]) => !created.has(id));
    for (const [id, name] of taken) showAt(form, name, fmt(T.idTaken, { id }));
    if (taken.length) form.querySelector("[data-testid=edit-result]").hidden = true;
    return taken.length === 0;
  }

  async function saved(done, built) {
    const asOfBefore = hooks.asOf();
    const later = done.effectiveFrom > asOfBefore;
    // names as shown before the reload (a retired node is not shown after it)
    const names = new Map(done.changed.map((c) => [c.id, nameOf(c.id)]));
    flash = { result: done, note: later ? fmt(T.movedDate, { date: done.effectiveFrom }) : null, names };
    reopen = true;
    pending = null;
    const goalId = built.goalAfter ? built.goalAfter(done) : session.goalId;
    hooks.setStatus(fmt(T.status, counted(done)));
    try {
      await hooks.reload({ asOf: later ? done.effectiveFrom : null, goalId });
    } finally {
      reopen = false;
    }
    // showing the goal again read the form again (goalShown); if it did not, read it now
    if (pending) await pending;
    if (flash) await read(false);
    hooks.setStatus([fmt(T.status, counted(done)), later ? fmt(T.movedDate, { date: done.effectiveFrom }) : null]
      .filter(Boolean).join(T.join));
  }

  /** The changes of a dry run (would) or of a save (did), by node, with names where known. */
  function showResult(done, dryRun, note = null, names = null) {
    const name = (id) => names?.get(id) ?? nameOf(id);
    const box = panel.querySelector("[data-testid=edit-result]");
    if (!box) return;
    box.hidden = false;
    box.className = `edit-result ${dryRun ? "dry" : "saved"}`;
    box.dataset.kind = dryRun ? "dry-run" : "saved";
    box.dataset.version = done.version;
    fill(box,
      h("p", { class: "edit-result-head" }, fmt(dryRun ? T.dryRunHead : T.savedHead, counted(done))),
      h("ul", { class: "changed", "data-testid": "edit-changed" }, done.changed.map((c) => h("li", {
        "data-id": c.id, "data-op": c.op, "data-kind": c.kind,
      }, h("span", { class: `op ${c.op}` }, label("op", c.op)), ` ${label("kind", c.kind)} `,
      h("code", {}, c.id), name(c.id) ? fmt(T.named, { name: name(c.id) }) : ""))),
      note ? h("p", { class: "hint" }, note) : null);
  }

  function nameOf(id) {
    return session?.names?.get(id) ?? hooks.nameOf(id) ?? null;
  }

  // -------------------------------------------------------------- refusals
  function clearProblems(form) {
    form.querySelector(".edit-tops").replaceChildren();
    for (const el of form.querySelectorAll(".field-error")) {
      el.hidden = true;
      el.replaceChildren();
      delete el.dataset.message;
    }
    for (const el of form.querySelectorAll(".field.invalid")) el.classList.remove("invalid");
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  }

  /** A refusal beside the input ``name``; false when the form has no such (visible) input. */
  function showAt(form, name, text, original = "", extra = null) {
    const box = form.querySelector(`.field[data-field="${name}"]`);
    if (!box || box.closest("[hidden]")) return false;
    box.classList.add("invalid");
    box.querySelector("input, select")?.setAttribute("aria-invalid", "true");
    const error = box.querySelector(".field-error");
    error.hidden = false;
    error.append(h("p", { title: original || null }, text), ...(extra ? [extra] : []));
    error.dataset.message = [error.dataset.message, original || text].filter(Boolean).join("\n");
    return true;
  }

  function showTop(form, ...children) {
    form.querySelector(".edit-tops").append(...children);
  }

  function showRefusal(form, built, errors) {
    const top = [];
    for (const e of errors) {
      const code = e.extensions?.code;
      if (code === "CONFLICT") {
        showTop(form, topBox("conflict", h("p", {}, fmt(T.conflict, { mine: session.version, now: e.extensions.currentVersion })),
          h("button", { type: "button", "data-testid": "edit-reload", onclick: () => reloadAfterConflict() },
            T.reload)));
        continue;
      }
      const problems = e.extensions?.problems;
      if (code === "BAD_USER_INPUT" && problems?.length) {
        for (const p of problems) placeProblem(form, built, p, top);
        continue;
      }
      const text = errorText(e);
      // a refusal that names what the form holds goes beside it: the date, or a new id out of one's range
      const reason = e.extensions?.reason;
      if (reason === "BACKDATED" && showAt(form, "effectiveFrom", text, e.message)) continue;
      const got = reason === "NEW_ID_PREFIX" ? e.extensions.params.id : null;
      const where = got && built.ids?.find(([id]) => id === got)?.[1];
      if (where && showAt(form, where, text, e.message)) continue;
      top.push(h("li", { "data-code": code ?? "", title: e.message }, text));
    }
    if (top.length) {
      showTop(form, topBox("problems", h("p", {}, T.refusedTop), h("ul", {}, top)));
    }
    form.querySelector(".field.invalid input, .field.invalid select")?.focus();
  }

  function placeProblem(form, built, p, top) {
    const name = inputFor(built.fields?.[p.index], p.field);
    const text = SPECS[formKey].reason?.(name, p) ?? problemText(p);
    const deps = dependantsOf(p);
    const extra = deps ? dependantList(deps) : null;
    if (name && showAt(form, name, text, p.message, extra)) return;
    top.push(h("li", { "data-field": p.field ?? "", "data-index": p.index ?? "", "data-code": p.code ?? "",
      title: p.message }, text, extra));
  }

  function dependantList(deps) {
    const more = deps.total - deps.ids.length;
    return h("ul", { class: "dependants", "data-testid": "edit-dependants", "data-count": deps.total },
      deps.ids.map((id) => h("li", { "data-id": id }, h("code", {}, id), nameOf(id) ? ` ${nameOf(id)}` : "")),
      more > 0 ? h("li", { class: "more" }, fmt(T.dependantsMore, { count: deps.total })) : null);
  }

  async function reloadAfterConflict() {
    try {
      await hooks.reload({ asOf: null, goalId: session?.goalId });
    } catch {
      // the status line says what failed; the form is read again all the same
    }
    await read(true);
    const form = panel.querySelector("form");
    if (form && session) {
      showTop(form, topBox("reloaded", fmt(T.reloaded, { version: session.version })));
    }
  }

  // -------------------------------------------------------------- the forms
  const SPECS = {
    // 1. a goal under the selected goal, with a metric
    add: {
      fields(s, form) {
        const parent = s.data.goal;
        const v = hooks.principal().viewer;
        const own = scoped() ? (v.subjectId ?? v.unitId) : null;
        const level = parent.level;
        s.names = new Map();
        return [
          h("div", { class: "grid" },
            field("id", T.label.id, input({ value: own ? `${own}-` : "", placeholder: own ? `${own}-…` : "A27-EMP" }),
              own ? fmt(T.hint.idPrefix, { prefix: `${own}-` }) : T.hint.id),
            field("name", T.label.name, input()),
            field("level", T.label.level, select(LEVELS.slice(LEVELS.indexOf(level))
              .map((l) => [l, label("level", l)]), level)),
            field("weight", T.label.weight, numberInput({ value: 1, min: 0 })),
            field("subject", T.label.subject, input({
              value: scoped() && v.subjectId ? v.subjectId : parent.subjectId ?? "" }), T.hint.subject),
            field("owner", T.label.owner, input({ value: parent.unit?.id ?? "" }), T.hint.optional)),
          h("label", { class: "check" }, h("input", { type: "checkbox", name: "withMetric", checked: true,
            "data-testid": "edit-withMetric", onchange: () => {
              form.querySelector(".metric-part").hidden = !form.elements.withMetric.checked;
            } }), T.label.withMetric),
          h("fieldset", { class: "metric-part grid" }, h("legend", {}, T.hint.metricSection),
            field("metricId", T.label.metricId, input()),
            field("metricName", T.label.metricName, input()),
            field("metricUnit", T.label.metricUnit, input({ placeholder: "%" }), T.hint.optional),
            field("direction", T.label.direction, select(Object.entries(CATALOGUE.direction), "HIGHER")),
            field("baseline", T.label.baseline, numberInput(), T.hint.optional),
            field("target", T.label.target, numberInput()),
            field("floor", T.label.floor, numberInput(), T.hint.optional),
            field("frequency", T.label.frequency, select(Object.entries(CATALOGUE.frequency), LEVEL_FREQUENCY[level]))),
        ];
      },
      wire(form) {
        const els = form.elements;
        let metricIdTouched = false, frequencyTouched = false;
        els.metricId.addEventListener("input", () => { metricIdTouched = true; });
        els.frequency.addEventListener("change", (e) => { if (e.isTrusted) frequencyTouched = true; });
        els.id.addEventListener("input", () => {
          if (!metricIdTouched) els.metricId.value = els.id.value.trim() ? `${els.id.value.trim()}-M1` : "";
        });
        els.level.addEventListener("change", () => {
          if (!frequencyTouched) els.frequency.value = LEVEL_FREQUENCY[els.level.value];
        });
      },
      build(form, s) {
        const els = form.elements;
        const parent = s.data.goal;
        const id = els.id.value.trim();
        const goal = { id, name: els.name.value.trim() || null, level: els.level.value,
          supports: [{ goal: parent.id, ...(numberOf(els.weight) != null ? { weight: numberOf(els.weight) } : {}) }] };
        if (els.subject.value.trim()) goal.subject = els.subject.value.trim();
        if (els.owner.value.trim()) goal.owner = els.owner.value.trim();
        const changes = [{ upsertGoal: goal }];
        const fields = [{ "upsertGoal.id": "id", "upsertGoal.name": "name", "upsertGoal.level": "level",
          "upsertGoal.supports": "level", "upsertGoal.supports.0.weight": "weight", "upsertGoal.subject": "subject",
          "upsertGoal.owner": "owner", upsertGoal: "name" }];
        const created = [[id, "id"]];
        const ids = [[id, "id"]];
        s.names.set(id, goal.name);
        if (els.withMetric.checked) {
          const metricId = els.metricId.value.trim();
          const metric = { id: metricId, name: els.metricName.value.trim() || null,
            direction: els.direction.value, target: numberOf(els.target), frequency: els.frequency.value,
            measures: [{ goal: id, weight: 1 }] };
          if (els.metricUnit.value.trim()) metric.unit = els.metricUnit.value.trim();
          if (numberOf(els.baseline) != null) metric.baseline = numberOf(els.baseline);
          if (numberOf(els.floor) != null) metric.floor = numberOf(els.floor);
          changes.push({ upsertMetric: metric });
          fields.push({ "upsertMetric.id": "metricId", "upsertMetric.name": "metricName",
            "upsertMetric.unit": "metricUnit", "upsertMetric.direction": "direction",
            "upsertMetric.baseline": "baseline", "upsertMetric.target": "target", "upsertMetric.floor": "floor",
            "upsertMetric.frequency": "frequency", "upsertMetric.measures": "metricId", upsertMetric: "target" });
          created.push([metricId, "metricId"]);
          ids.push([metricId, "metricId"]);
          s.names.set(metricId, metric.name);
        }
        const missing = [["id", id], ...(els.withMetric.checked ? [["metricId", els.metricId.value.trim()]] : [])]
          .filter(([, value]) => !value).map(([name]) => name);
        return { changes, fields, created, ids, missing };
      },
    },

    // 2. a metric's target and floor
    target: {
      fields(s) {
        const metrics = s.data.goal.metrics;
        if (!metrics.length) return [h("p", { class: "hint", "data-testid": "edit-none" }, T.none.metric)];
        const chosen = metrics.find((m) => m.id === hooks.metric()) ?? metrics[0];
        return [
          field("metric", T.label.metric,
            select(metrics.map((m) => [m.id, fmt(T.option.metricOf, { name: m.name, id: m.id })]), chosen.id),
            currentMetric(chosen)),
          h("div", { class: "grid" },
            field("target", T.label.target, numberInput({ value: inForce(chosen) })),
            field("floor", T.label.floor, numberInput({ value: chosen.floor ?? "" }), T.hint.optional)),
        ];
      },
      wire(form, s) {
        const els = form.elements;
        if (!els.metric) {
          disableActions(form);
          return;
        }
        els.metric.addEventListener("change", () => {
          const m = s.data.goal.metrics.find((x) => x.id === els.metric.value);
          els.target.value = inForce(m);
          els.floor.value = m.floor ?? "";
          form.querySelector("[data-testid=edit-hint-metric]").textContent = currentMetric(m);
          if (scoped()) probe();
        });
      },
      probe(s, form) {
        return form?.elements.metric ? [{ upsertMetric: { id: form.elements.metric.value } }] : null;
      },
      build(form, s) {
        const els = form.elements;
        const id = els.metric.value;
        const m = s.data.goal.metrics.find((x) => x.id === id);
        const metric = { id, floor: numberOf(els.floor) };
        if (m?.targets?.length) {  // 分年度目标: the year of the effective date gets the new target
          const year = Number((els.effectiveFrom.value || s.asOf || today()).slice(0, 4));
          metric.targets = withYearTarget(m.targets, year, numberOf(els.target));
        } else {
          metric.target = numberOf(els.target);
        }
        return {
          changes: [{ upsertMetric: metric }],
          fields: [{ "upsertMetric.id": "metric", "upsertMetric.target": "target", "upsertMetric.floor": "floor",
            "upsertMetric.targets": "target", upsertMetric: "target" }],
          missing: els.target.value.trim() ? [] : ["target"],
        };
      },
    },

    // 3. a child goal's or metric's weight under the selected goal, or an existing goal linked under it
    weight: {
      fields(s) {
        const goalId = s.data.goal.id;
        const nodes = new Map(s.data.down.nodes.map((n) => [n.id, n]));
        const children = [];
        for (const e of s.data.down.edges) {
          if (e.kind === "SUPPORTS" && e.target === goalId && nodes.get(e.source)?.kind === "Goal") {
            children.push({ id: e.source, kind: "SUPPORTS", name: nodes.get(e.source).label, weight: e.weight });
          } else if (e.kind === "MEASURED_BY" && e.source === goalId && nodes.get(e.target)?.kind === "Metric") {
            children.push({ id: e.target, kind: "MEASURES", name: nodes.get(e.target).label, weight: e.weight });
          }
        }
        s.children = children;
        s.names = new Map(children.map((c) => [c.id, c.name]));
        const options = children.map((c) => [`${c.kind}:${c.id}`,
          c.kind === "SUPPORTS" ? fmt(T.option.goal, { name: c.name, weight: num(c.weight) })
          : fmt(T.option.metric, { name: c.name, weight: num(c.weight) })]);
        const first = children[0];
        return [
          children.length ? null : h("p", { class: "hint", "data-testid": "edit-none" }, T.none.child),
          field("child", T.label.child, select([...options, ["other", T.option.other]],
            first ? `${first.kind}:${first.id}` : "other"),
            first ? fmt(T.hint.currentWeight, { weight: num(first.weight) }) : T.hint.newLink),
          h("div", { class: "other-part", hidden: Boolean(first) },
            field("childId", T.label.childId, input({ placeholder: "S-EMP" }))),
          field("weight", T.label.weight, numberInput({ value: first?.weight ?? 1, min: 0 })),
        ];
      },
      wire(form, s) {
        const els = form.elements;
        els.child.addEventListener("change", () => {
          const c = s.children.find((x) => `${x.kind}:${x.id}` === els.child.value);
          form.querySelector(".other-part").hidden = Boolean(c);
          form.querySelector("[data-testid=edit-hint-child]").textContent = c
            ? fmt(T.hint.currentWeight, { weight: num(c.weight) }) : T.hint.newLink;
          els.weight.value = c ? c.weight : 1;
          if (scoped()) probe();
        });
      },
      probe(s, form) {
        const c = s.children.find((x) => `${x.kind}:${x.id}` === form?.elements.child.value);
        return c ? [{ link: { kind: c.kind, source: c.id, target: s.data.goal.id, weight: c.weight } }] : null;
      },
      build(form, s) {
        const els = form.elements;
        const c = s.children.find((x) => `${x.kind}:${x.id}` === els.child.value);
        const other = !c;
        const source = other ? els.childId.value.trim() : c.id;
        const weight = numberOf(els.weight);
        const childField = other ? "childId" : "child";
        return {
          changes: [{ link: { kind: other ? "SUPPORTS" : c.kind, source, target: s.data.goal.id, weight } }],
          fields: [{ link: childField, "link.source": childField, "link.weight": "weight", "link.target": childField }],
          missing: [...(other && !source ? ["childId"] : []), ...(weight == null ? ["weight"] : [])],
        };
      },
    },

    // 4. the selected goal retired from a date (级联: the links that name it end too)
    retire: {
      fields(s) {
        const parents = s.data.goal.parents;
        s.names = new Map(s.data.onePage.tasks.map((t) => [t.id, t.name]));  // dependants it may name
        return [
          h("p", { class: "hint", "data-testid": "edit-retire-next" },
            parents.length ? fmt(T.hint.parents, { name: parents[0].name }) : T.hint.noParents),
          field("cascade", T.label.cascade, h("input", { type: "checkbox" }), T.hint.cascade),
        ];
      },
      probe(s) {
        return [{ retire: { id: s.data.goal.id, cascade: true } }];
      },
      build(form, s) {
        const parents = s.data.goal.parents;
        return {
          changes: [{ retire: { id: s.data.goal.id, cascade: form.elements.cascade.checked } }],
          fields: [{ "retire.cascade": "cascade" }],
          goalAfter: () => parents[0]?.id ?? null,
        };
      },
    },

    // 5. 一页纸: a task's progress and spending
    task: {
      fields(s) {
        const tasks = s.data.onePage.tasks;
        s.names = new Map(tasks.map((t) => [t.id, t.name]));
        if (!tasks.length) return [h("p", { class: "hint", "data-testid": "edit-none" }, T.none.task)];
        const first = tasks[0];
        return [
          field("task", T.label.task, select(tasks.map((t) => [t.id,
            fmt(T.option.task, { name: t.name, progress: pctText(t.progress) })]), first.id),
            currentTask(first)),
          h("div", { class: "grid" },
            field("progress", T.label.progress, numberInput({ value: num(first.progress * 100), min: 0, max: 100 })),
            field("spent", T.label.spent, numberInput({ value: first.spent, min: 0 }))),
        ];
      },
      wire(form, s) {
        const els = form.elements;
        if (!els.task) {
          disableActions(form);
          return;
        }
        els.task.addEventListener("change", () => {
          const t = s.data.onePage.tasks.find((x) => x.id === els.task.value);
          els.progress.value = num(t.progress * 100);
          els.spent.value = t.spent;
          form.querySelector("[data-testid=edit-hint-task]").textContent = currentTask(t);
          if (scoped()) probe();
        });
      },
      // the progress is entered in percent: the service's bound (≤ 1) reads as 100%
      reason(name, p) {
        return name === "progress" && p.code === "AT_MOST" && p.params?.limit === "1" ? T.progressMax : null;
      },
      probe(s, form) {
        return form?.elements.task ? [{ upsertTask: { id: form.elements.task.value } }] : null;
      },
      build(form) {
        const els = form.elements;
        const progress = numberOf(els.progress), spent = numberOf(els.spent);
        return {
          changes: [{ upsertTask: { id: els.task.value,
            progress: progress == null ? null : Math.round(progress * 1e4) / 1e6, spent } }],
          fields: [{ "upsertTask.id": "task", "upsertTask.progress": "progress", "upsertTask.spent": "spent",
            upsertTask: "progress" }],
          missing: [...(progress == null ? ["progress"] : []), ...(spent == null ? ["spent"] : [])],
        };
      },
    },
  };

  button.addEventListener("click", () => {
    if (visible()) close();
    else open();
  });
  renderButton();

  return {
    /** The explorer shows another goal's chain (or none): an open form is read again for it. */
    goalShown(goal) {
      if (!visible()) return;
      if (reopen || goal?.id !== session?.goalId) read(false);
    },
    /** Who is calling changed (or became known): the button and the forms they are offered. */
    viewerChanged() {
      renderButton();
      if (visible()) read(false);
    },
    /** Everything shown is cleared (another identity signs in). */
    reset() {
      close();
      renderButton();
    },
    open,
    close,
  };
}

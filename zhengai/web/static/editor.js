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
// The explorer hands in its hooks (createEditor); every text the user reads is in TEXTS.

// ---------------------------------------------------------------- texts (中文)
export const TEXTS = {
  title: "编辑图谱",
  open: "编辑",
  openTitle: "编辑所选目标：新增下级目标、修改指标目标值与底线、调整权重、撤销目标、登记任务进度",
  close: "关闭",
  noGoal: "请先在五纵五横矩阵或目标链中选择一个目标，再编辑它。",
  loading: "正在读取当前数据 …",
  tabs: { add: "新增下级目标", target: "目标值与底线", weight: "调整权重", retire: "撤销目标", task: "任务进度" },
  intro: {
    add: "在所选目标之下新增一个目标及其衡量指标：两项变更一批提交，整批生效或整批拒绝。",
    target: "修改所选目标的一项指标的目标值（标尺）与底线。",
    weight: "调整下级目标或指标在所选目标中的权重，或把一个已有目标挂接到所选目标之下。",
    retire: "自生效日期起撤销所选目标：此前各日期的答案不变，此后它不再计入。",
    task: "一页纸项目管理：登记推进所选目标的任务的进度与支出。",
  },
  head: (goal, version) => `所选目标：${goal.name}（${goal.id}）· 数据版本 ${version}`,
  label: {
    id: "目标编号", name: "目标名称", level: "层面", weight: "权重", subject: "质量主体编号",
    owner: "责任单位编号", withMetric: "同时新增一项衡量指标", metricId: "指标编号", metricName: "指标名称",
    metricUnit: "计量单位", direction: "方向", baseline: "基线值", target: "目标值（标尺）", floor: "底线",
    frequency: "监测频率", metric: "指标", child: "下级目标或指标", childId: "要挂接的目标编号",
    task: "任务", progress: "进度（%）", spent: "已支出", cascade: "级联",
    effectiveFrom: "生效日期",
  },
  hint: {
    id: "新建目标的编号，全校唯一",
    idPrefix: (prefix) => `您新建的编号须以 ${prefix} 开头`,
    optional: "可空",
    subject: "学校、专业、课程、教师或学生的编号",
    metricSection: "衡量指标（指标衡量新目标，权重 1）",
    cascade: "同时结束其他节点对它的引用（下级目标、指标、任务）",
    effectiveFrom: "自该日起生效；此前各日期的答案不变",
    currentMetric: (m) => `当前：目标值 ${num(m.target)}${m.floor != null ? `，底线 ${num(m.floor)}` : "，无底线"}`
      + `${m.baseline != null ? `，基线 ${num(m.baseline)}` : ""}${m.unit ? `（${m.unit}）` : ""}`
      + `，${DIRECTION[m.direction] ?? m.direction}`,
    currentWeight: (w) => `当前权重 ${num(w)}`,
    newLink: "挂接后，该目标支撑所选目标（不改变它原有的上级）",
    currentTask: (t) => `当前：进度 ${pctText(t.progress)}，已支出 ${num(t.spent)}，预算 ${num(t.budget)}`
      + `${t.due ? `，截止 ${t.due}` : ""}（${t.statusName}）`,
    parents: (list) => (list.length ? `撤销后，目标链将转到它的上级目标“${list[0].name}”。`
      : "它没有上级目标。"),
  },
  option: {
    goal: (name, w) => `目标：${name}（权重 ${num(w)}）`,
    metric: (name, w) => `指标：${name}（权重 ${num(w)}）`,
    other: "挂接其他已有目标 …",
    task: (t) => `${t.name}（${pctText(t.progress)}）`,
    metricOf: (m) => `${m.name}（${m.id}）`,
  },
  none: {
    metric: "所选目标没有衡量指标。",
    child: "所选目标还没有下级目标或指标；可挂接一个已有目标。",
    task: "没有推进所选目标的任务。",
  },
  levels: { SCHOOL: "学校", MAJOR: "专业", COURSE: "课程", TEACHER: "教师", STUDENT: "学生" },
  directions: { HIGHER: "越高越好", LOWER: "越低越好" },
  frequencies: { HALF_MONTHLY: "每半月", MONTHLY: "每月", QUARTERLY: "每季度", SEMESTER: "每学期", ANNUAL: "每年" },
  dryRun: "试算",
  dryRunTitle: "只演算这批变更，不保存",
  save: "保存",
  saving: "正在保存 …",
  trying: "正在试算 …",
  reload: "重新加载",
  required: "请填写",
  idTaken: (id) => `编号“${id}”已被占用：新增的目标和指标须使用新编号`,
  conflict: (mine, now) => `图谱已被其他人修改：您打开表单时的数据版本为 ${mine}，现在是 ${now}。`
    + "请重新加载，核对后再保存（您填写的内容会保留）。",
  reloaded: (version) => `已重新加载（数据版本 ${version}）。请核对当前数据后再保存。`,
  forbiddenHere: "您没有修改这一项的权限（数据权限由服务判定）：",
  refusedTop: "服务拒绝了这批变更，未作任何修改。",
  failed: (what) => `请求失败：${what}`,
  dryRunHead: (r) => `试算结果（未保存）：将有 ${r.changed.length} 项变更，自 ${r.effectiveFrom} 起生效；`
    + `保存后数据版本将为 ${r.version}。`,
  savedHead: (r) => `已保存：${r.changed.length} 项变更，自 ${r.effectiveFrom} 起生效，数据版本 ${r.version}。`,
  movedDate: (d) => `监测日期已调至生效日期 ${d}，以显示这次修改。`,
  status: (r) => `编辑图谱：已保存 ${r.changed.length} 项变更（数据版本 ${r.version}，自 ${r.effectiveFrom} 起生效）`,
  ops: { CREATED: "新增", UPDATED: "修改", RETIRED: "撤销", LINKED: "关联", UNLINKED: "解除关联" },
  kinds: { Goal: "目标", Metric: "指标", Task: "任务", Unit: "单位", Subject: "质量主体", Plan: "规划",
    Standard: "标准", Node: "节点" },
  named: (name) => (name ? `（${name}）` : ""),
  join: "；",
  progressMax: "须不大于 100%",
  dependants: (count) => `它仍被以下 ${count} 个节点引用；勾选“级联”将同时结束这些引用：`,
  dependantsMore: (n) => `等，共 ${n} 个`,
  // the service's reasons, in Chinese (the ids they name are kept); anything else is shown as it came
  problems: [
    [/^cycle in (SUPPORTS|unit parents|plan parents): (.+)$/, (m) => `会形成循环：${m[2]}`],
    [/^unknown (\w+) id '([^']*)'$/, (m) => `未知的${kindZh(m[1])}编号“${m[2]}”：不存在，或不在您的数据权限范围内`],
    [/names unknown (\w+) '([^']*)'$/, (m) => `引用了未知的${kindZh(m[1])}“${m[2]}”`],
    [/^an? (\w+) goal cannot support the (\w+) goal (\S+)/, (m) =>
      `${levelZh(m[1])}层面的目标不能支撑${levelZh(m[2])}层面的目标 ${m[3]}（支撑关系自下而上：学生→教师→课程→专业→学校）`],
    [/^target equals baseline \(([^)]*)\)/, (m) => `目标值不能等于基线值（${m[1]}）`],
    [/^HIGHER metric needs baseline \(([^)]*)\) below target \(([^)]*)\)/, (m) =>
      `“越高越好”的指标，基线值（${m[1]}）须低于目标值（${m[2]}）`],
    [/^LOWER metric needs baseline \(([^)]*)\) above target \(([^)]*)\)/, (m) =>
      `“越低越好”的指标，基线值（${m[1]}）须高于目标值（${m[2]}）`],
    [/^target 0 without a baseline/, () => "没有基线值时，目标值不能为 0"],
    [/^required for a new node$/, () => "新建时必填"],
    [/^Input should be greater than or equal to (\S+)$/, (m) => `须不小于 ${m[1]}`],
    [/^Input should be greater than (\S+)$/, (m) => `须大于 ${m[1]}`],
    [/^Input should be less than or equal to (\S+)$/, (m) => `须不大于 ${m[1]}`],
    [/^Input should be a finite number$/, () => "须为有限的数"],
    [/^Input should be a valid number/, () => "须为数字"],
    [/^String should have at least 1 character/, () => "不能为空"],
    [/^must not be empty$/, () => "不能为空"],
    [/^'([^']*)' is a (\w+), not a (\w+)$/, (m) => `编号“${m[1]}”已是一个${kindZh(m[2])}的编号`],
    [/^(\S+) has no (\w+) link to (\S+)$/, (m) => `${m[1]} 与 ${m[3]} 之间没有这一关联`],
    [/^(\w+) links carry no weight$/, () => "这种关联没有权重"],
    [/names goal '([^']*)' twice$/, (m) => `重复引用了目标“${m[1]}”`],
    [/^due \(([^)]*)\) is before start \(([^)]*)\)$/, (m) => `截止日期（${m[1]}）早于开始日期（${m[2]}）`],
    [/^(\S+)（(.+)）is not yours to change/, (m) => `“${m[2]}”（${m[1]}）不在您的编辑权限范围内`],
    [/^only the 质管办 \(ADMIN\) dates a change before today \(([^)]*)\); effectiveFrom was (\S+)/, (m) =>
      `只有质管办（管理员）可以把生效日期定在今天（${m[1]}）之前；您填写的是 ${m[2]}`],
    [/^new ids you create begin with (.+); got '([^']*)'$/, (m) =>
      `您新建的编号须以 ${m[1].replace(/…/g, "").replace(/ or /g, " 或 ")} 开头（您填写的是“${m[2]}”）`],
    [/^(\w+) nodes are changed by the 质管办 \(ADMIN\) only$/, (m) => `${kindZh(m[1])}只能由质管办（管理员）修改`],
    [/^editing the graph is for/, () => "您的角色不能编辑图谱（编辑由质管办、部门负责人、教师和学生在各自范围内进行）"],
    [/^the graph changed since version/, () => "图谱已被其他人修改"],
  ],
};

const T = TEXTS;
const DIRECTION = T.directions;
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
      metrics { id name unit direction baseline target floor } } }`,
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
function kindZh(kind) {
  const k = kind.charAt(0).toUpperCase() + kind.slice(1).toLowerCase();
  return T.kinds[k] ?? kind;
}
function levelZh(level) { return T.levels[level] ?? level; }

/** Today in the browser's time zone, as an ISO date. */
function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A service reason in Chinese (the ids it names kept), or as it came. */
export function reasonZh(message) {
  for (const [pattern, say] of T.problems) {
    const m = pattern.exec(message);
    if (m) return say(m);
  }
  return message;
}

/** The dependants named by a refusal to retire: {ids, total}, or null for another message. */
function dependantsOf(message) {
  const m = /is still named by (.+?)(?: … \((\d+) in all\))?; retire with cascade/.exec(message);
  if (!m) return null;
  const ids = m[1].split(", ").filter(Boolean);
  return { ids, total: m[2] ? Number(m[2]) : ids.length };
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
      panel.replaceChildren(header(goal), tabs(), topBox("error", T.failed(err.message)));
      return;
    }
    if (session !== mine) return;  // another form or goal was opened meanwhile
    if (body.errors?.length) {
      panel.dataset.state = "error";
      panel.replaceChildren(header(goal), tabs(),
        topBox("error", body.errors.map((e) => reasonZh(e.message)).join(T.join)));
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
      h("p", { class: "edit-target", "data-testid": "edit-head" }, T.head(goal, s.version)),
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
    setBlocked(forbidden ? reasonZh(forbidden.message) : null, forbidden?.message);
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
        form.querySelector(".edit-tops").replaceChildren(topBox("error", T.failed(err.message)));
      }
    } finally {
      form.dataset.busy = "false";
    }
  }

  /** Marks the ids a batch would not create (they exist); returns whether all are new. */
  function refuseTaken(form, built, answer) {
    const created = new Set(answer.changed.filter((c) => c.op === "CREATED").map((c) => c.id));
    const taken = built.created.filter(([id]) => !created.has(id));
    for (const [id, name] of taken) showAt(form, name, T.idTaken(id));
    if (taken.length) form.querySelector("[data-testid=edit-result]").hidden = true;
    return taken.length === 0;
  }

  async function saved(done, built) {
    const asOfBefore = hooks.asOf();
    const later = done.effectiveFrom > asOfBefore;
    // names as shown before the reload (a retired node is not shown after it)
    const names = new Map(done.changed.map((c) => [c.id, nameOf(c.id)]));
    flash = { result: done, note: later ? T.movedDate(done.effectiveFrom) : null, names };
    reopen = true;
    pending = null;
    const goalId = built.goalAfter ? built.goalAfter(done) : session.goalId;
    hooks.setStatus(T.status(done));
    try {
      await hooks.reload({ asOf: later ? done.effectiveFrom : null, goalId });
    } finally {
      reopen = false;
    }
    // showing the goal again read the form again (goalShown); if it did not, read it now
    if (pending) await pending;
    if (flash) await read(false);
    hooks.setStatus([T.status(done), later ? T.movedDate(done.effectiveFrom) : null].filter(Boolean).join(T.join));
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
      h("p", { class: "edit-result-head" }, dryRun ? T.dryRunHead(done) : T.savedHead(done)),
      h("ul", { class: "changed", "data-testid": "edit-changed" }, done.changed.map((c) => h("li", {
        "data-id": c.id, "data-op": c.op, "data-kind": c.kind,
      }, h("span", { class: `op ${c.op}` }, T.ops[c.op] ?? c.op), ` ${T.kinds[c.kind] ?? c.kind} `,
      h("code", {}, c.id), T.named(name(c.id))))),
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
        showTop(form, topBox("conflict", h("p", {}, T.conflict(session.version, e.extensions.currentVersion)),
          h("button", { type: "button", "data-testid": "edit-reload", onclick: () => reloadAfterConflict() },
            T.reload)));
        continue;
      }
      const problems = e.extensions?.problems;
      if (code === "BAD_USER_INPUT" && problems?.length) {
        for (const p of problems) placeProblem(form, built, p, top);
        continue;
      }
      const text = reasonZh(e.message);
      // a refusal that names what the form holds goes beside it: the date, or a new id out of one's range
      if (/dates a change before today/.test(e.message) && showAt(form, "effectiveFrom", text, e.message)) continue;
      const got = /got '([^']*)'$/.exec(e.message)?.[1];
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
    const text = SPECS[formKey].reason?.(name, p.message) ?? reasonZh(p.message);
    const deps = dependantsOf(p.message);
    const extra = deps ? dependantList(deps) : null;
    if (name && showAt(form, name, deps ? T.dependants(deps.total) : text, p.message, extra)) return;
    top.push(h("li", { "data-field": p.field ?? "", "data-index": p.index ?? "", title: p.message },
      deps ? T.dependants(deps.total) : text, extra));
  }

  function dependantList(deps) {
    const more = deps.total - deps.ids.length;
    return h("ul", { class: "dependants", "data-testid": "edit-dependants", "data-count": deps.total },
      deps.ids.map((id) => h("li", { "data-id": id }, h("code", {}, id), nameOf(id) ? ` ${nameOf(id)}` : "")),
      more > 0 ? h("li", { class: "more" }, T.dependantsMore(deps.total)) : null);
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
      showTop(form, topBox("reloaded", T.reloaded(session.version)));
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
              own ? T.hint.idPrefix(`${own}-`) : T.hint.id),
            field("name", T.label.name, input()),
            field("level", T.label.level, select(LEVELS.slice(LEVELS.indexOf(level))
              .map((l) => [l, T.levels[l]]), level)),
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
            field("direction", T.label.direction, select(Object.entries(T.directions), "HIGHER")),
            field("baseline", T.label.baseline, numberInput(), T.hint.optional),
            field("target", T.label.target, numberInput()),
            field("floor", T.label.floor, numberInput(), T.hint.optional),
            field("frequency", T.label.frequency, select(Object.entries(T.frequencies), LEVEL_FREQUENCY[level]))),
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
          field("metric", T.label.metric, select(metrics.map((m) => [m.id, T.option.metricOf(m)]), chosen.id),
            T.hint.currentMetric(chosen)),
          h("div", { class: "grid" },
            field("target", T.label.target, numberInput({ value: chosen.target })),
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
          els.target.value = m.target;
          els.floor.value = m.floor ?? "";
          form.querySelector("[data-testid=edit-hint-metric]").textContent = T.hint.currentMetric(m);
          if (scoped()) probe();
        });
      },
      probe(s, form) {
        return form?.elements.metric ? [{ upsertMetric: { id: form.elements.metric.value } }] : null;
      },
      build(form) {
        const els = form.elements;
        const id = els.metric.value;
        return {
          changes: [{ upsertMetric: { id, target: numberOf(els.target), floor: numberOf(els.floor) } }],
          fields: [{ "upsertMetric.id": "metric", "upsertMetric.target": "target", "upsertMetric.floor": "floor",
            upsertMetric: "target" }],
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
          c.kind === "SUPPORTS" ? T.option.goal(c.name, c.weight) : T.option.metric(c.name, c.weight)]);
        const first = children[0];
        return [
          children.length ? null : h("p", { class: "hint", "data-testid": "edit-none" }, T.none.child),
          field("child", T.label.child, select([...options, ["other", T.option.other]],
            first ? `${first.kind}:${first.id}` : "other"), first ? T.hint.currentWeight(first.weight) : T.hint.newLink),
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
          form.querySelector("[data-testid=edit-hint-child]").textContent = c ? T.hint.currentWeight(c.weight)
            : T.hint.newLink;
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
          h("p", { class: "hint", "data-testid": "edit-retire-next" }, T.hint.parents(parents)),
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
          field("task", T.label.task, select(tasks.map((t) => [t.id, T.option.task(t)]), first.id),
            T.hint.currentTask(first)),
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
          form.querySelector("[data-testid=edit-hint-task]").textContent = T.hint.currentTask(t);
          if (scoped()) probe();
        });
      },
      // the progress is entered in percent: the service's bound (≤ 1) reads as 100%
      reason(name, message) {
        return name === "progress" && /^Input should be less than or equal to 1$/.test(message)
          ? T.progressMax : null;
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

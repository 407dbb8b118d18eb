"""编辑图谱 in the explorer, in a real Chromium against ``zhengai serve`` on the bundled demo — each test on a
server with a state folder of its own (it writes).

Each form sends one applyChanges batch with the dataVersion read when it opened and a 生效日期 (default
today): adding a goal with a metric under the selected goal, a metric's target and floor, a link's weight
(and a refused cycle), retiring a goal (级联 and the dependants the service names), a task's progress and
spending (一页纸). A refusal is shown beside the input its problem names, and nothing is written; 试算 shows
what would change and writes nothing; a CONFLICT offers to reload and keeps what was typed. After a save
the graph, its colours, the 五纵五横 matrix and the warnings show the change (from the effective date when
that is later than the date shown). A 学生 edits their own goals, sees a hidden id refused as unknown and
a goal that is not theirs offered without a save button (the service decides); a 校领导 reads only.
Harness and skips as in tests/test_browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.test_browser import AS_OF, FILL, Visit, _graph, _node_click, chromium, serve_demo, visit  # noqa: F401
from tests.test_browser_auth import AUTH, SECRET
from tests.test_browser_scoped import STUDENT, _chain_ready, _leaked, _sign_in
from zhengai.security.tokens import Role

#: the day the page's 生效日期 defaults to: today where the browser is (the visit fixture: Asia/Shanghai)
BROWSER_TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
APPLY = """mutation($changes: [ChangeInput!]!, $from: Date) {
  applyChanges(changes: $changes, effectiveFrom: $from) { version } }"""


@pytest.fixture
def editable(tmp_path: Path) -> Iterator[str]:
    """``zhengai serve`` on the bundled demo with a state folder of its own (development mode: ADMIN)."""
    yield from serve_demo(tmp_path / "xdg")


@pytest.fixture
def editable_auth(tmp_path: Path) -> Iterator[str]:
    """The same with authentication configured (the tokens of tests/test_browser_auth.py)."""
    yield from serve_demo(tmp_path / "xdg", ZHENGAI_JWT_SECRET=SECRET, ZHENGAI_JWKS="",
                          ZHENGAI_CORS_ORIGINS="")


def ask(server: str, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
    """The API's whole answer (data and errors)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"query": query, "variables": variables}
    return httpx.post(f"{server}/graphql", json=body, headers=headers).json()


def data(server: str, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
    body = ask(server, query, token, **variables)
    assert not body.get("errors"), body
    return body["data"]


def version(server: str, token: str | None = None) -> int:
    return data(server, "{ dataVersion }", token)["dataVersion"]


def cell(server: str, system: str, level: str, as_of: str = AS_OF) -> dict[str, Any]:
    cells = data(server, """query($d: Date) { qualityNetwork(asOf: $d) { cells {
        system level goalCount status attainment } } }""", d=as_of)["qualityNetwork"]["cells"]
    return next(c for c in cells if (c["system"], c["level"]) == (system, level))


# ------------------------------------------------------------------------------------ page helpers

def _open_goal(v: Visit, server: str, goal_id: str) -> None:
    v.page.goto(f"{server}/#goal={goal_id}")
    _chain_ready(v, goal_id)
    v.page.wait_for_selector("[data-testid=matrix][data-state=ready]")


def _form(v: Visit, form: str) -> None:
    """Opens the edit panel (if closed) on ``form`` and waits until it has read its data."""
    page = v.page
    if not page.is_visible("[data-testid=editor]"):
        page.click("[data-testid=edit-open]")
    page.click(f"[data-testid=edit-tab-{form}]")
    _ready(v, form)


def _ready(v: Visit, form: str) -> None:
    v.page.wait_for_selector(f"[data-testid=editor][data-state=ready][data-form={form}]")


def _refused_at(v: Visit, field: str) -> str:
    """The refusal shown beside input ``field`` (waited for)."""
    v.page.wait_for_selector(f"[data-testid=edit-error-{field}]:not([hidden])")
    return v.page.inner_text(f"[data-testid=edit-error-{field}]")


def _result(v: Visit, kind: str) -> dict[str, Any]:
    """The 试算 (``dry-run``) or save (``saved``) result: its text and the changes it lists."""
    box = v.page.wait_for_selector(f"[data-testid=edit-result][data-kind={kind}]")
    changed = v.page.locator("[data-testid=edit-changed] li").evaluate_all(
        "xs => xs.map(x => [x.dataset.op, x.dataset.kind, x.dataset.id])")
    return {"text": box.inner_text(), "changed": {tuple(c) for c in changed},
            "version": int(box.get_attribute("data-version"))}


def _save(v: Visit) -> dict[str, Any]:
    """Saves the open form; waits until the explorer shows the graph again and the form was read again."""
    form = v.page.get_attribute("[data-testid=editor]", "data-form")
    v.page.click("[data-testid=edit-save]")
    done = _result(v, "saved")
    _ready(v, form)
    v.page.wait_for_selector("[data-testid=chain-graph][data-state=ready]")
    v.page.wait_for_selector("[data-testid=matrix][data-state=ready]")
    return done


def _cell_shown(v: Visit, system: str, level: str) -> dict[str, str | None]:
    el = f"[data-testid=cell-{system}-{level}]"
    return {"goalCount": v.page.get_attribute(el, "data-goal-count"),
            "status": v.page.get_attribute(el, "data-status")}


def _target(server: str) -> float:
    """M-EMP-MATCH's target in force on the demo's date (its 2026 分年度目标)."""
    q = '{ metric(id: "M-EMP-MATCH", asOf: "2026-11-20") { targetInForce(asOf: "2026-11-20") } }'
    return data(server, q)["metric"]["targetInForce"]


def _set_date(v: Visit, day: str) -> None:
    v.page.fill("[data-testid=edit-effectiveFrom]", day)


# ------------------------------------------------------------------------------------ the forms

def test_add_a_goal_with_a_metric_under_the_selected_goal(visit, editable):  # noqa: F811
    page = visit.page
    _open_goal(visit, editable, "A26-EMP")
    before = version(editable)
    cell_before = cell(editable, "SUPPORT", "SCHOOL")
    assert _cell_shown(visit, "SUPPORT", "SCHOOL")["goalCount"] == str(cell_before["goalCount"])
    _form(visit, "add")

    # the form names the goal and the version it read; sensible defaults from the selected goal
    head = page.inner_text("[data-testid=edit-head]")
    assert "2026年毕业生就业创业工作目标（A26-EMP）" in head and f"数据版本 {before}" in head
    assert page.get_attribute("[data-testid=editor]", "data-version") == str(before)
    assert page.input_value("[data-testid=edit-level]") == "SCHOOL"
    assert page.locator("[data-testid=edit-level] option").evaluate_all("xs => xs.map(x => x.value)") == [
        "SCHOOL", "MAJOR", "COURSE", "TEACHER", "STUDENT"]
    assert (page.input_value("[data-testid=edit-subject]"), page.input_value("[data-testid=edit-owner]")) == (
        "SCH", "XGC")
    assert page.input_value("[data-testid=edit-effectiveFrom]") == BROWSER_TODAY
    assert page.input_value("[data-testid=edit-frequency]") == "MONTHLY"

    page.fill("[data-testid=edit-id]", "A27-EMP")
    assert page.input_value("[data-testid=edit-metricId]") == "A27-EMP-M1"  # follows the goal's id
    page.fill("[data-testid=edit-name]", "2027年毕业生就业创业工作目标")
    page.fill("[data-testid=edit-weight]", "3")
    page.fill("[data-testid=edit-metricName]", "2027届毕业生初次就业率")
    page.fill("[data-testid=edit-metricUnit]", "%")
    page.fill("[data-testid=edit-baseline]", "93")
    page.fill("[data-testid=edit-target]", "93")
    page.fill("[data-testid=edit-floor]", "90")
    _set_date(visit, AS_OF)

    # a refusal beside the field it names (the batch's second change, upsertMetric), nothing written
    page.click("[data-testid=edit-save]")
    assert "目标值不能等于基线值（93" in _refused_at(visit, "target")
    assert "target equals baseline" in page.get_attribute("[data-testid=edit-error-target]", "data-message")
    assert page.get_attribute("[data-field=target]", "class") == "field invalid"
    assert not page.is_visible("[data-testid=edit-error-name]")
    assert version(editable) == before
    assert ask(editable, '{ goal(id: "A27-EMP") { id } }')["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    # 试算: what would change, nothing written
    page.fill("[data-testid=edit-target]", "97.5")
    page.click("[data-testid=edit-dry-run]")
    dry = _result(visit, "dry-run")
    assert not page.is_visible("[data-testid=edit-error-target]")
    assert dry["changed"] == {("CREATED", "Goal", "A27-EMP"), ("CREATED", "Metric", "A27-EMP-M1")}
    assert "试算结果（未保存）" in dry["text"] and "2027年毕业生就业创业工作目标" in dry["text"]
    assert f"自 {AS_OF} 起生效" in dry["text"] and dry["version"] == before + 1
    assert version(editable) == before
    visit.shot("edit-01-add-dry-run.png", doc="explorer-edit.png")

    # saved: the goal and its metric from the effective date on, in the chain and in the matrix
    done = _save(visit)
    assert done["changed"] == dry["changed"] and done["version"] == before + 1 == version(editable)
    goal = data(editable, """query($d: Date) { goal(id: "A27-EMP", asOf: $d) { name level parents { id }
        metrics { id name unit baseline target floor frequency } } }""", d=AS_OF)["goal"]
    assert goal == {"name": "2027年毕业生就业创业工作目标", "level": "SCHOOL", "parents": [{"id": "A26-EMP"}],
                    "metrics": [{"id": "A27-EMP-M1", "name": "2027届毕业生初次就业率", "unit": "%",
                                 "baseline": 93.0, "target": 97.5, "floor": 90.0, "frequency": "MONTHLY"}]}
    weights = data(editable, """{ goalChain(goalId: "A27-EMP", direction: UP, depth: 1, asOf: "2026-11-20") {
        edges { source target weight } } }""")["goalChain"]["edges"]
    assert {"source": "A27-EMP", "target": "A26-EMP", "weight": 3.0} in weights
    drawn = _graph(visit)["nodes"]
    assert {"A27-EMP", "A27-EMP-M1"} <= set(drawn) and drawn["A27-EMP"]["kind"] == "Goal"
    assert page.input_value("[data-testid=as-of]") == AS_OF  # the date shown already sees it
    after = cell(editable, "SUPPORT", "SCHOOL")
    assert after["goalCount"] == cell_before["goalCount"] + 1
    assert _cell_shown(visit, "SUPPORT", "SCHOOL") == {"goalCount": str(after["goalCount"]),
                                                       "status": after["status"]}
    # the form was read again: the new version, the result of the save
    assert f"数据版本 {before + 1}" in page.inner_text("[data-testid=edit-head]")
    assert "已保存：2 项变更" in page.inner_text("[data-testid=edit-result]")
    assert "已保存 2 项变更" in page.inner_text("[data-testid=status]")

    # the same id again: the add form does not overwrite an existing goal
    page.fill("[data-testid=edit-id]", "A27-EMP")
    page.fill("[data-testid=edit-name]", "另一个目标")
    page.fill("[data-testid=edit-metricId]", "A27-EMP-M2")
    page.fill("[data-testid=edit-metricName]", "另一项指标")
    page.fill("[data-testid=edit-target]", "90")
    page.click("[data-testid=edit-save]")
    assert "编号“A27-EMP”已被占用" in _refused_at(visit, "id")
    assert not page.is_visible("[data-testid=edit-error-metricId]")
    assert version(editable) == before + 1
    visit.assert_clean()


def test_change_a_metric_target_and_floor(visit, editable):  # noqa: F811
    page = visit.page
    _open_goal(visit, editable, "A26-EMP")
    assert _graph(visit)["nodes"]["M-EMP-MATCH"]["status"] == "YELLOW"  # 78.5 of 70 → 80: 85%
    _form(visit, "target")
    assert page.input_value("[data-testid=edit-metric]") == "M-EMP-MATCH"
    hint = page.inner_text("[data-testid=edit-hint-metric]")
    assert hint == "当前：目标值 80，底线 65，基线 70（%），越高越好"
    assert (page.input_value("[data-testid=edit-target]"), page.input_value("[data-testid=edit-floor]")) == (
        "80", "65")
    before = version(editable)

    # below the baseline of a HIGHER metric: refused beside the target
    page.fill("[data-testid=edit-target]", "60")
    _set_date(visit, AS_OF)
    page.click("[data-testid=edit-save]")
    assert _refused_at(visit, "target") == "“越高越好”的指标，基线值（70.0）须低于目标值（60.0）"
    assert version(editable) == before

    # a lower target: the indicator reaches it (GREEN), drawn in its new colour
    page.fill("[data-testid=edit-target]", "79")
    done = _save(visit)
    assert done["changed"] == {("UPDATED", "Metric", "M-EMP-MATCH")}
    metric = data(editable, '{ metric(id: "M-EMP-MATCH", asOf: "2026-11-20") { target floor status '
                            'targetInForce(asOf: "2026-11-20") targets { year target } } }')["metric"]
    # M-EMP-MATCH has 分年度目标: the form edits the effective date's year (2026), the path's end stays
    got = (metric["targetInForce"], metric["target"], metric["floor"], metric["status"])
    assert got == (79, 80, 65, "GREEN")
    assert {t["year"]: t["target"] for t in metric["targets"]}[2026] == 79
    node = _graph(visit)["nodes"]["M-EMP-MATCH"]
    assert (node["status"], node["fill"]) == ("GREEN", FILL["GREEN"])
    assert page.inner_text("[data-testid=edit-hint-metric]").startswith("当前：目标值 79，底线 65")

    # a floor above the latest value (78.5): RED whatever its attainment (底线预警)
    page.fill("[data-testid=edit-floor]", "79")
    _set_date(visit, AS_OF)
    _save(visit)
    node = _graph(visit)["nodes"]["M-EMP-MATCH"]
    assert (node["status"], node["fill"]) == ("RED", FILL["RED"])
    floor = data(editable, '{ warnings(asOf: "2026-11-20") { type nodeId } }')["warnings"]
    assert {"type": "FLOOR", "nodeId": "M-EMP-MATCH"} in floor
    page.wait_for_selector("[data-testid=warnings][data-state=ready]")
    assert page.locator("[data-testid=warning-item][data-node-id=M-EMP-MATCH][data-type=FLOOR]").count() == 1
    # before the effective date the plan stands as it was
    then = data(editable, '{ metric(id: "M-EMP-MATCH", asOf: "2026-11-19") { target floor } }')["metric"]
    assert then == {"target": 80.0, "floor": 65.0}
    assert version(editable) == before + 2
    visit.assert_clean()


def test_reweight_a_link_and_refuse_a_cycle(visit, editable):  # noqa: F811
    page = visit.page
    _open_goal(visit, editable, "A26-EMP")
    _form(visit, "weight")
    options = page.locator("[data-testid=edit-child] option").evaluate_all("xs => xs.map(x => x.value)")
    assert options == ["MEASURES:M-EMP-MATCH", "MEASURES:M-EMP-RATE", "MEASURES:M-EMPLOYER-SAT", "other"]
    assert page.inner_text("[data-testid=edit-hint-child]") == "当前权重 2"
    before = version(editable)

    # a weight must be positive: refused beside it (link.weight)
    page.fill("[data-testid=edit-weight]", "0")
    page.click("[data-testid=edit-save]")
    assert _refused_at(visit, "weight") == "须大于 0"
    assert version(editable) == before

    # the weight of 专业对口率 tripled, from today (the default): the page moves to that date to show it
    page.fill("[data-testid=edit-weight]", "6")
    page.click("[data-testid=edit-dry-run]")
    assert _result(visit, "dry-run")["changed"] == {("LINKED", "Metric", "M-EMP-MATCH")}
    assert version(editable) == before
    done = _save(visit)
    assert done["changed"] == {("LINKED", "Metric", "M-EMP-MATCH")}
    shown = max(BROWSER_TODAY, AS_OF)
    assert page.input_value("[data-testid=as-of]") == shown
    if shown > AS_OF:
        assert f"监测日期已调至生效日期 {shown}" in page.inner_text("[data-testid=edit-result]")
    goal = data(editable, 'query($d: Date) { goal(id: "A26-EMP", asOf: $d) { attainment } }', d=shown)["goal"]
    assert f"达成度 {goal['attainment'] * 100:.1f}%" in page.inner_text("[data-testid=chain-title]")
    edges = data(editable, """query($d: Date) {
        goalChain(goalId: "A26-EMP", direction: DOWN, depth: 1, asOf: $d) { edges { target weight } } }""",
                 d=shown)["goalChain"]["edges"]
    assert {"target": "M-EMP-MATCH", "weight": 6.0} in edges
    assert page.inner_text("[data-testid=edit-hint-child]") == "当前权重 6"
    assert data(editable, '{ goalChain(goalId: "A26-EMP", direction: DOWN, depth: 1, asOf: "2026-11-20") '
                          '{ edges { target weight } } }')["goalChain"]["edges"][0]["weight"] == 2.0

    # linking the goal's own parent under it: refused beside the goal named, with the cycle's ids
    page.select_option("[data-testid=edit-child]", "other")
    assert page.is_visible("[data-testid=edit-childId]")
    page.fill("[data-testid=edit-childId]", "S-EMP")
    page.fill("[data-testid=edit-weight]", "1")
    page.click("[data-testid=edit-save]")
    refusal = _refused_at(visit, "childId")
    assert refusal == "会形成循环：A26-EMP → S-EMP → A26-EMP"
    assert "cycle in SUPPORTS" in page.get_attribute("[data-testid=edit-error-childId]", "data-message")
    assert version(editable) == before + 1
    visit.shot("edit-02-cycle.png")
    visit.assert_clean()


def test_retire_a_goal_from_a_date_with_cascade(visit, editable):  # noqa: F811
    page = visit.page
    _open_goal(visit, editable, "A26-EMP")
    count = cell(editable, "SUPPORT", "SCHOOL")["goalCount"]
    _form(visit, "retire")
    assert "上级目标“毕业生就业质量稳居全省同类院校前列”" in page.inner_text("[data-testid=edit-retire-next]")
    before = version(editable)
    _set_date(visit, AS_OF)

    # others still name it: refused beside 级联, with the dependants the service names (and their names)
    page.click("[data-testid=edit-save]")
    assert "它仍被以下 4 个节点引用" in _refused_at(visit, "cascade")
    named = page.locator("[data-testid=edit-dependants] li").evaluate_all(
        "xs => xs.map(x => [x.dataset.id, x.textContent])")
    assert named == [["M-EMP-MATCH", "M-EMP-MATCH 毕业生专业对口率"],
                     ["M-EMP-RATE", "M-EMP-RATE 毕业生就业率（去向落实率）"],
                     ["M-EMPLOYER-SAT", "M-EMPLOYER-SAT 用人单位满意度"],
                     ["T26-07", "T26-07 2026届毕业生就业攻坚"]]
    assert version(editable) == before
    visit.shot("edit-03-retire-refused.png")

    page.check("[data-testid=edit-cascade]")
    page.click("[data-testid=edit-dry-run]")
    dry = _result(visit, "dry-run")
    assert dry["changed"] == {("RETIRED", "Goal", "A26-EMP"), ("UNLINKED", "Metric", "M-EMP-MATCH"),
                              ("UNLINKED", "Metric", "M-EMP-RATE"), ("UNLINKED", "Metric", "M-EMPLOYER-SAT"),
                              ("UNLINKED", "Task", "T26-07")}
    assert version(editable) == before

    # saved: the chain moves to its parent, the matrix counts one goal less from that date
    done = _save(visit)
    assert done["changed"] == dry["changed"]
    assert "撤销 目标 A26-EMP（2026年毕业生就业创业工作目标）" in done["text"]
    _chain_ready(visit, "S-EMP")
    assert page.evaluate("location.hash") == "#goal=S-EMP"
    assert "A26-EMP" not in _graph(visit)["nodes"]
    assert _cell_shown(visit, "SUPPORT", "SCHOOL")["goalCount"] == str(count - 1)
    assert ask(editable, '{ goal(id: "A26-EMP", asOf: "2026-11-20") { id } }')["errors"]
    assert data(editable, '{ goal(id: "A26-EMP", asOf: "2026-11-19") { id } }')["goal"] == {"id": "A26-EMP"}
    # the form is read again for the goal now shown
    assert "（S-EMP）" in page.inner_text("[data-testid=edit-head]")
    # the day before, the goal stood as it was: the explorer reads it as of the date shown
    page.fill("[data-testid=as-of]", "2026-11-19")
    page.wait_for_function("() => window.zhengaiExplorer.state.asOf === '2026-11-19'"
                           " && document.querySelector('[data-testid=matrix]').dataset.state === 'ready'")
    _chain_ready(visit, "S-EMP")
    page.evaluate("location.hash = '#goal=A26-EMP'")
    _chain_ready(visit, "A26-EMP")
    assert {"M-EMP-MATCH", "M-EMP-RATE", "M-EMPLOYER-SAT"} <= set(_graph(visit)["nodes"])
    visit.assert_clean()


def test_record_a_task_progress_and_spending(visit, editable):  # noqa: F811
    page = visit.page
    _open_goal(visit, editable, "A26-COURSE")
    # the task's warning in the 学校 level's list (the whole list's first page is other levels' by now)
    page.select_option("[data-testid=warnings-level]", "SCHOOL")
    page.wait_for_selector("[data-testid=warnings][data-state=ready] [data-node-id=T26-03]")
    red = int(page.get_attribute("[data-testid=warnings]", "data-red"))
    assert page.locator("[data-testid=warning-item][data-node-id=T26-03][data-type=OVERDUE]").count() == 1
    _form(visit, "task")
    assert page.input_value("[data-testid=edit-task]") == "T26-03"
    assert page.inner_text("[data-testid=edit-hint-task]") == (
        "当前：进度 70%，已支出 45，预算 60，截止 2026-10-31（逾期）")
    assert page.input_value("[data-testid=edit-progress]") == "70"
    assert page.input_value("[data-testid=edit-spent]") == "45"
    before = version(editable)
    _set_date(visit, AS_OF)

    # progress is entered in percent: over 100% is refused beside it
    page.fill("[data-testid=edit-progress]", "150")
    page.click("[data-testid=edit-save]")
    assert _refused_at(visit, "progress") == "须不大于 100%"
    assert version(editable) == before

    # the task is done: its OVERDUE warning ends, the red count drops by one
    page.fill("[data-testid=edit-progress]", "100")
    page.fill("[data-testid=edit-spent]", "58.5")
    done = _save(visit)
    assert done["changed"] == {("UPDATED", "Task", "T26-03")}
    task = data(editable, '{ onePage(goalId: "A26-COURSE", asOf: "2026-11-20") { '
                          'tasks { id progress spent } } }')
    assert task["onePage"]["tasks"] == [{"id": "T26-03", "progress": 1.0, "spent": 58.5}]
    page.wait_for_selector("[data-testid=warnings][data-state=ready]")
    assert int(page.get_attribute("[data-testid=warnings]", "data-red")) == red - 1
    assert page.locator("[data-testid=warning-item][data-node-id=T26-03]").count() == 0
    assert page.inner_text("[data-testid=edit-hint-task]").startswith("当前：进度 100%，已支出 58.5")
    visit.assert_clean()


def test_a_conflict_offers_to_reload_and_keeps_what_was_typed(visit, editable):  # noqa: F811
    page = visit.page
    _open_goal(visit, editable, "A26-EMP")
    _form(visit, "target")
    opened = version(editable)
    page.fill("[data-testid=edit-target]", "79")
    _set_date(visit, AS_OF)

    # someone else writes meanwhile
    revised = {"upsertGoal": {"id": "S-EMP", "name": "毕业生就业质量稳居全省前列（修订）"}}
    data(editable, APPLY, changes=[revised], **{"from": AS_OF})
    page.click("[data-testid=edit-save]")
    box = page.wait_for_selector("[data-testid=edit-conflict]")
    assert f"您打开表单时的数据版本为 {opened}，现在是 {opened + 1}" in box.inner_text()
    assert version(editable) == opened + 1
    assert _target(editable) == 80
    visit.shot("edit-04-conflict.png")

    # reload: the new version and the graph as it now stands; what was typed stays
    page.click("[data-testid=edit-reload]")
    page.wait_for_selector("[data-testid=edit-reloaded]")
    assert f"数据版本 {opened + 1}" in page.inner_text("[data-testid=edit-head]")
    assert page.input_value("[data-testid=edit-target]") == "79"
    assert page.input_value("[data-testid=edit-effectiveFrom]") == AS_OF
    _chain_ready(visit, "A26-EMP")
    assert "（修订）" in _graph(visit)["nodes"]["S-EMP"]["label"]
    done = _save(visit)
    assert done["version"] == opened + 2
    assert _target(editable) == 79
    visit.assert_clean()


# ------------------------------------------------------------------------------------ who may edit

def test_a_student_edits_their_own_goals_and_the_service_decides_the_rest(visit, editable_auth):  # noqa: F811
    page = visit.page
    _sign_in(visit, editable_auth, STUDENT)
    _chain_ready(visit, "G-STU-001-3Y")
    page.click("[data-testid=edit-open]")
    _ready(visit, "add")
    tabs = page.locator("[role=tab]").evaluate_all("xs => xs.map(x => x.dataset.testid)")
    # no 一页纸 tasks: they are not a student's
    assert tabs == ["edit-tab-add", "edit-tab-target", "edit-tab-weight", "edit-tab-retire"]
    assert page.input_value("[data-testid=edit-id]") == "STU-001-"
    assert "须以 STU-001- 开头" in page.inner_text("[data-testid=edit-hint-id]")
    assert page.input_value("[data-testid=edit-subject]") == "STU-001"
    assert page.input_value("[data-testid=edit-level]") == "STUDENT"
    before = version(editable_auth, STUDENT)

    # a scoped editor cannot date a change before today: said beside the date
    page.fill("[data-testid=edit-id]", "STU-001-Y27")
    page.fill("[data-testid=edit-name]", "张子涵2027年度成长目标")
    page.fill("[data-testid=edit-metricName]", "2027年度综合测评得分")
    page.fill("[data-testid=edit-target]", "90")
    _set_date(visit, (date.fromisoformat(BROWSER_TODAY) - timedelta(days=30)).isoformat())
    page.click("[data-testid=edit-save]")
    assert "只有质管办（管理员）可以把生效日期定在今天" in _refused_at(visit, "effectiveFrom")
    assert version(editable_auth, STUDENT) == before

    # from today: their own annual goal under their three-year goal, with its metric
    _set_date(visit, BROWSER_TODAY)
    done = _save(visit)
    assert done["changed"] == {("CREATED", "Goal", "STU-001-Y27"), ("CREATED", "Metric", "STU-001-Y27-M1")}
    _chain_ready(visit, "G-STU-001-3Y")
    assert {"STU-001-Y27", "STU-001-Y27-M1"} <= set(_graph(visit)["nodes"])
    assert page.input_value("[data-testid=as-of]") == max(BROWSER_TODAY, AS_OF)

    # another student's goal reads as unknown, beside the id typed, naming nobody
    _form(visit, "weight")
    page.select_option("[data-testid=edit-child]", "other")
    page.fill("[data-testid=edit-childId]", "G-STU-002-Y26")
    page.click("[data-testid=edit-save]")
    assert _refused_at(visit, "childId") == "未知的目标编号“G-STU-002-Y26”：不存在，或不在您的数据权限范围内"
    assert version(editable_auth, STUDENT) == before + 1

    # a goal above that is not theirs: the service says so when the form opens, and no save is offered
    _node_click(visit, "G-MAJ-MECH")
    _chain_ready(visit, "G-MAJ-MECH")
    _form(visit, "retire")
    blocked = page.wait_for_selector("[data-testid=edit-forbidden]")
    assert "您没有修改这一项的权限" in blocked.inner_text()
    # other students' goals still name it (hidden from this one): said without naming them
    assert "G-MAJ-MECH 仍被您数据权限范围之外的节点引用" in blocked.inner_text()
    assert "G-STU-002" not in blocked.inner_text()
    assert page.is_disabled("[data-testid=edit-save]") and page.is_disabled("[data-testid=edit-dry-run]")
    # nor is their three-year goal, once retiring it would end the links of the unit's metrics to it
    _node_click(visit, "G-STU-001-3Y")
    _chain_ready(visit, "G-STU-001-3Y")
    _ready(visit, "retire")
    page.wait_for_selector("[data-testid=edit-form][data-blocked=true]")
    assert "M-STU-001-CERT" in page.inner_text("[data-testid=edit-forbidden]")
    # the goal they made is theirs to retire: offered, and done
    _node_click(visit, "STU-001-Y27")
    _chain_ready(visit, "STU-001-Y27")
    _ready(visit, "retire")
    page.wait_for_selector("[data-testid=edit-form][data-blocked=false]")
    assert not page.is_visible("[data-testid=edit-forbidden]")
    page.check("[data-testid=edit-cascade]")
    done = _save(visit)
    assert done["changed"] == {("RETIRED", "Goal", "STU-001-Y27"), ("UNLINKED", "Metric", "STU-001-Y27-M1")}
    _chain_ready(visit, "G-STU-001-3Y")
    assert "STU-001-Y27" not in _graph(visit)["nodes"]
    assert version(editable_auth, STUDENT) == before + 2
    assert _leaked(visit, {"STU-001"}) == set()
    visit.shot("edit-05-student.png")


def test_a_leader_reads_only(visit, editable_auth):  # noqa: F811
    page = visit.page
    leader = AUTH.issue(Role.LEADER, "leader-1", 3600, name="王校长")
    _sign_in(visit, editable_auth, leader, "/#goal=S-EMP")
    _chain_ready(visit, "S-EMP")
    page.wait_for_selector("[data-testid=auth-user][data-roles=LEADER]")
    assert not page.is_visible("[data-testid=edit-open]") and not page.is_visible("[data-testid=editor]")
    # and the service agrees
    refused = ask(editable_auth, APPLY, leader, changes=[{"upsertGoal": {"id": "S-EMP", "name": "改"}}])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

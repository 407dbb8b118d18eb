"""驾驶舱, 画像, 目标检索 and the 大屏 in a real Chromium, against ``zhengai serve`` on the bundled demo with
authentication configured (the harness of tests/test_browser.py and the server of tests/test_browser_auth.py).

Each role lands on its own board at /dashboard: 质管办 the school's (totals equal to the API's counts, the
charts drawn by ECharts), a 部门负责人 their unit's, a 教师 or 学生 the 画像 of their own subject. A 学生's
pages show no other person (text, chart series, tooltips' data); another student's portrait is refused calmly.
Screenshots go to test-artifacts/screenshots/ (ZHENGAI_DOC_SCREENSHOTS=1 also refreshes docs/screenshots/).
"""

from __future__ import annotations

import json
import os
from typing import Any

import httpx

from tests.test_browser import (  # noqa: F401 (fixtures)
    AS_OF,
    Visit,
    _warnings_ready,
    chromium,
    serve_demo,
    visit,
)
from tests.test_browser_auth import AUTH, auth_server  # noqa: F401 (fixture)
from zhengai.domain.enums import Level
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.security.tokens import Role

PEOPLE = {s.id: s.name for s in load_dataset(demo_path()).subjects.values()
          if s.level in (Level.STUDENT, Level.TEACHER)}
TOKENS = {
    "admin": AUTH.issue(Role.ADMIN, "admin-1", 3600, name="质管办"),
    "unit_head": AUTH.issue(Role.UNIT_HEAD, "head-mech", 3600, name="机械学院院长", unit="C-MECH"),
    "teacher": AUTH.issue(Role.TEACHER, "tch-01", 3600, name="王建国", subject="TCH-01"),
    "student": AUTH.issue(Role.STUDENT, "stu-001", 3600, name="张子涵", subject="STU-001"),
}
CHARTS = """() => [...document.querySelectorAll('[data-testid^=chart-]')].map(el => ({
    id: el.dataset.testid, state: el.dataset.state,
    option: JSON.stringify(echarts.getInstanceByDom(el)?.getOption() ?? null)}))"""


def _ask(server: str, who: str, query: str, **variables: Any) -> dict[str, Any]:
    body = httpx.post(f"{server}/graphql", headers={"Authorization": f"Bearer {TOKENS[who]}"},
                      json={"query": query, "variables": variables}).json()
    assert not body.get("errors"), body
    return body["data"]


def _open(v: Visit, server: str, who: str, query: str = "") -> None:
    """Opens /dashboard as ``who`` (the token in sessionStorage, as the explorer's 登录令牌 leaves it) at the
    demo's date and waits until the board is drawn."""
    v.page.add_init_script(f"sessionStorage.setItem('zhengai.token', {json.dumps(TOKENS[who])})")
    v.page.goto(f"{server}/dashboard?asOf={AS_OF}{query}")
    v.page.wait_for_selector("[data-testid=board][data-state=ready], [data-testid=board][data-state=error]")


def _charts_ready(v: Visit) -> list[dict[str, Any]]:
    v.page.wait_for_function("() => [...document.querySelectorAll('[data-testid^=chart-]')]"
                             ".every(el => el.dataset.state === 'ready')")
    return v.page.evaluate(CHARTS)


def _kpi(v: Visit, key: str) -> str:
    return v.page.get_attribute(f"[data-testid=kpi-{key}]", "data-value")


def _nothing_overflows(v: Visit) -> None:
    wide = v.page.evaluate("""() => [...document.querySelectorAll('.kpi, .panel, td, .kpi-value')]
        .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.className + ':' + el.textContent)""")
    assert wide == []


def test_the_school_board_shows_the_services_totals(visit, auth_server):  # noqa: F811
    _open(visit, auth_server, "admin")
    page = visit.page
    assert page.get_attribute("[data-testid=board]", "data-state") == "ready"
    assert page.inner_text("[data-testid=title]") == "学校驾驶舱"
    api = _ask(auth_server, "admin", """query($d: Date) { goalSummary(asOf: $d) { total green }
        warningSummary(asOf: $d) { red yellow byUnit { unitName } }
        taskProgress(asOf: $d) { total } }""", d=AS_OF)
    assert int(_kpi(visit, "goals")) == api["goalSummary"][-1]["total"]
    assert int(_kpi(visit, "green")) == api["goalSummary"][-1]["green"]
    assert int(_kpi(visit, "red")) == api["warningSummary"]["red"]
    assert int(_kpi(visit, "yellow")) == api["warningSummary"]["yellow"]
    assert int(_kpi(visit, "tasks")) == api["taskProgress"]["total"]
    charts = {c["id"]: c for c in _charts_ready(visit)}
    assert set(charts) == {"chart-targets", "chart-goal-status", "chart-warning-level", "chart-warning-unit"}
    assert all(c["state"] == "ready" for c in charts.values())
    # units by name, not id; school targets as trend lines
    unit_names = [u["unitName"] for u in api["warningSummary"]["byUnit"]]
    assert all(n in charts["chart-warning-unit"]["option"] for n in unit_names[:10])
    targets = json.loads(charts["chart-targets"]["option"])
    assert targets["series"] and all(s["type"] == "line" and len(s["data"]) == 12 for s in targets["series"])
    assert page.locator("[data-testid=standing]").count() > 0
    _nothing_overflows(visit)
    visit.shot("dashboard-school.png", doc="dashboard-school.png")
    visit.assert_clean()


def test_a_unit_head_lands_on_their_units_board(visit, auth_server):  # noqa: F811
    _open(visit, auth_server, "unit_head")
    page = visit.page
    assert page.inner_text("[data-testid=title]") == "机械工程学院 驾驶舱"
    _charts_ready(visit)
    units = page.locator("[data-testid=standing] td:nth-child(3)").all_inner_texts()
    assert units and set(units) <= {"机械工程学院"}
    api = _ask(auth_server, "unit_head", 'query($d: Date) { warningSummary(asOf: $d, unitId: "C-MECH") '
                                         "{ red yellow } }", d=AS_OF)
    assert int(_kpi(visit, "red")) == api["warningSummary"]["red"]
    visit.shot("dashboard-unit.png", doc="dashboard-unit.png")
    visit.assert_clean()


def _page_text(v: Visit) -> str:
    """Everything a person could read in the page: its text and every chart's data."""
    return v.page.inner_text("body") + json.dumps(v.page.evaluate(CHARTS), ensure_ascii=False)


def test_a_student_sees_their_own_portrait_and_no_other_person(visit, auth_server):  # noqa: F811
    _open(visit, auth_server, "student")
    page = visit.page
    assert page.get_attribute("[data-testid=portrait]", "data-subject-id") == "STU-001"
    assert "张子涵" in page.inner_text("[data-testid=title]")
    charts = {c["id"]: c for c in _charts_ready(visit)}
    assert {"chart-radar", "chart-trend"} <= set(charts)
    radar = json.loads(charts["chart-radar"]["option"])
    api = _ask(auth_server, "student", 'query($d: Date) { portrait(subjectId: "STU-001", asOf: $d) { '
                                       "dimensions { key value } peers { withheld score { percentile } } } }",
               d=AS_OF)["portrait"]
    assert [i["name"] for i in radar["radar"][0]["indicator"]] == [d["key"] for d in api["dimensions"]]
    assert radar["series"][0]["data"][0]["value"] == [d["value"] for d in api["dimensions"]]
    peers = page.inner_text("[data-testid=peers]")
    assert "全校同层面" in peers and f"{api['peers']['score']['percentile']:.0f}%" in peers
    assert page.inner_text("[data-testid=spiral]").startswith("8字螺旋")
    text = _page_text(visit)
    others = {i: n for i, n in PEOPLE.items() if i != "STU-001"}
    assert [x for x in [*others, *others.values()] if x in text] == []
    visit.shot("portrait-student.png", doc="portrait-student.png")
    visit.assert_clean()


def test_another_students_portrait_is_refused_calmly(visit, auth_server):  # noqa: F811
    _open(visit, auth_server, "student", "&subject=STU-002")
    page = visit.page
    assert page.get_attribute("[data-testid=board]", "data-state") == "error"
    assert page.is_visible("[data-testid=notice]")
    text = _page_text(visit)
    assert PEOPLE["STU-002"] not in text and "李浩然" not in text


def test_a_teacher_moves_between_their_own_subjects(visit, auth_server):  # noqa: F811
    _open(visit, auth_server, "teacher")
    page = visit.page
    assert page.get_attribute("[data-testid=portrait]", "data-subject-id") == "TCH-01"
    own = page.locator("[data-testid=own-subject]").all_inner_texts()
    assert any("数控加工技术" in o for o in own)
    _charts_ready(visit)
    visit.shot("portrait-teacher.png", doc="portrait-teacher.png")
    page.click("[data-testid=own-subject]:has-text('数控加工技术')")
    page.wait_for_selector("[data-testid=portrait][data-subject-id=CRS-CNC]")
    _charts_ready(visit)
    assert "同类别课程（校企合作）" in page.inner_text("[data-testid=peers]")
    text = _page_text(visit)
    assert [n for i, n in PEOPLE.items() if i != "TCH-01" and n in text] == []
    visit.shot("portrait-course.png", doc="portrait-course.png")
    visit.assert_clean()


def test_a_majors_portrait_from_the_school_board(visit, auth_server):  # noqa: F811
    _open(visit, auth_server, "admin", "&subject=MAJ-MECH")
    page = visit.page
    _charts_ready(visit)
    keys = page.locator("[data-testid=dimension] td:first-child").all_inner_texts()
    assert "专业就业率" in keys
    assert page.inner_text("[data-testid=previous]").startswith("上一周期")
    visit.shot("portrait-major.png", doc="portrait-major.png")
    visit.assert_clean()


def test_search_finds_a_goal_by_chinese_name_and_opens_it_in_the_explorer(visit, auth_server):  # noqa: F811
    _open(visit, auth_server, "admin")
    page = visit.page
    page.fill("[data-testid=search]", "就业")
    page.wait_for_selector("[data-testid=search-results][data-text=就业]")
    hits = page.locator("[data-testid=search-hit]").evaluate_all("xs => xs.map(x => x.dataset.goalId)")
    api = _ask(auth_server, "admin", '{ searchGoals(text: "就业", first: 20) { id } }')["searchGoals"]
    assert hits == [g["id"] for g in api] and hits
    page.fill("[data-testid=search]", "s-maj")
    page.wait_for_selector("[data-testid=search-results][data-text=s-maj]")
    assert page.locator("[data-testid=search-hit]").first.get_attribute("data-goal-id") == "S-MAJOR"
    visit.shot("dashboard-search.png", doc="dashboard-search.png")
    page.locator("[data-testid=search-hit] a").first.click()
    page.wait_for_url("**/#goal=S-MAJOR")
    visit.assert_clean()


def test_the_big_screen_is_dark_and_refreshes_itself(chromium, auth_server):  # noqa: F811
    context = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(f"sessionStorage.setItem('zhengai.token', {json.dumps(TOKENS['admin'])})")
    page.goto(f"{auth_server}/dashboard?screen=big&refresh=5&asOf={AS_OF}")
    page.wait_for_selector("[data-testid=board][data-state=ready]")
    assert page.evaluate("document.body.classList.contains('big')")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(11, 21, 38)"
    assert page.inner_text("[data-testid=big-link]") == "退出大屏"
    assert "每 5 秒自动刷新" in page.inner_text("[data-testid=refreshed]")
    page.wait_for_function("() => document.querySelector('[data-testid=refreshed]').dataset.count >= 2",
                           timeout=20_000)
    page.wait_for_selector("[data-testid=board][data-state=ready]")
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid^=chart-]')]"
                           ".every(el => el.dataset.state === 'ready')")
    if os.environ.get("ZHENGAI_DOC_SCREENSHOTS") == "1":
        page.screenshot(path="docs/screenshots/dashboard-big-screen.png")
    page.screenshot(path="test-artifacts/screenshots/dashboard-big-screen.png")
    assert errors == []
    context.close()


CELLS_OVERFLOWING = """() => [...document.querySelectorAll('[data-testid^=cell-], [data-testid^=cell-] *')]
    .filter(el => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline')
    .map(el => (el.closest('[data-testid^=cell-]').dataset.testid) + ': ' + el.textContent)"""


def _explorer_totals(v: Visit) -> dict[str, str]:
    v.page.wait_for_selector("[data-testid=matrix][data-state=ready]")
    _warnings_ready(v)
    return {k: v.page.inner_text(f"[data-testid=warnings-{k}]").split()[-1] for k in ("red", "yellow")}


def test_the_explorers_matrix_cells_hold_their_counts_and_warnings_are_totals(visit, auth_server):  # noqa: F811
    visit.page.add_init_script(f"sessionStorage.setItem('zhengai.token', {json.dumps(TOKENS['admin'])})")
    visit.page.goto(f"{auth_server}/#asOf={AS_OF}")
    shown = _explorer_totals(visit)
    assert visit.page.evaluate(CELLS_OVERFLOWING) == []
    api = _ask(auth_server, "admin", "query($d: Date) { warningSummary(asOf: $d) { red yellow } }",
               d=visit.page.input_value("[data-testid=as-of]"))["warningSummary"]
    assert shown == {"red": str(api["red"]), "yellow": str(api["yellow"])}
    visit.page.select_option("[data-testid=warnings-severity]", "RED")
    _warnings_ready(visit, total=str(api["red"]))
    assert visit.page.inner_text("[data-testid=warnings-yellow]").split()[-1] == str(api["yellow"])
    visit.assert_clean()


def test_the_explorer_finds_a_goal_by_name_and_opens_its_chain(visit, auth_server):  # noqa: F811
    page = visit.page
    page.add_init_script(f"sessionStorage.setItem('zhengai.token', {json.dumps(TOKENS['admin'])})")
    page.goto(f"{auth_server}/")
    page.wait_for_selector("[data-testid=matrix][data-state=ready]")
    page.fill("[data-testid=goal-search]", "就业质量")
    page.wait_for_selector("[data-testid=search-results][data-text=就业质量]")
    hits = page.locator("[data-testid=search-hit]").evaluate_all("xs => xs.map(x => x.dataset.goalId)")
    api = _ask(auth_server, "admin", '{ searchGoals(text: "就业质量", first: 20) { id } }')["searchGoals"]
    assert hits == [g["id"] for g in api] and "S-EMP" in hits
    page.click("[data-testid=search-hit][data-goal-id=S-EMP] a")
    page.wait_for_function("() => window.zhengaiExplorer.state.goal?.id === 'S-EMP' && document"
                           ".querySelector('[data-testid=chain-graph]').dataset.state === 'ready'")
    assert page.is_hidden("[data-testid=search-results]")
    visit.shot("explorer-search.png", doc="explorer-search.png")
    visit.assert_clean()

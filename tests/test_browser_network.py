"""The full 五纵五横 network in the explorer, in a real Chromium against ``zhengai serve`` on the bundled demo
(harness and skips as in tests/test_browser.py).

Every one of the 25 cells holds goals, as ``qualityNetwork`` counts them; a cell lists the goals of its
level and system (``goals(level:, system:)``: a goal counts in each of its systems, not only its owner
unit's); a department (教务处 JWC) opens as a quality subject with its 8字螺旋 and its 诊改报告 (conclusion,
full text, Word/PDF/Markdown downloads), from its goal's chain or the link #subject=JWC; the 考核 page ranks
the demo's departments by KH-DEPT with each component's points and shows the 基本办学条件 goal's 黄牌/红牌.
Scoped: a 部门负责人 of another unit reads JWC as unknown, in the page and at /reports/JWC.md.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.test_browser import AS_OF, Visit, _graph, chromium, gql, server, visit  # noqa: F401 (fixtures)
from tests.test_browser_auth import AUTH, _page_errors, auth_server  # noqa: F401 (fixture)
from tests.test_browser_scoped import _ask, _sign_in
from zhengai.security.tokens import Role

SPIRAL = """query($id: ID!, $asOf: Date) { spiral(subjectId: $id, asOf: $asOf) { subjectName stage stageName
    rounds cycleName stages { stage done current } unansweredWarnings }
    diagnosisReport(subjectId: $id, asOf: $asOf) { title conclusion markdown } }"""
CELL_GOALS = """query($level: Level!, $system: System!, $asOf: Date) {
    goals(level: $level, system: $system, asOf: $asOf, first: 100) { totalCount edges { node { id } } } }"""
MECH_HEAD = AUTH.issue(Role.UNIT_HEAD, "head-mech", 3600, name="机械学院院长", unit="C-MECH")


def _cells(url: str) -> list[dict[str, Any]]:
    return gql(url, """query($asOf: Date) { qualityNetwork(asOf: $asOf) { cells {
        system level systemName levelName goalCount } } }""", asOf=AS_OF)["qualityNetwork"]["cells"]


def _matrix(v: Visit, url: str) -> None:
    v.page.goto(f"{url}/")
    v.page.wait_for_selector("[data-testid=matrix][data-state=ready]")


def test_every_cell_of_the_matrix_holds_goals(visit, server):  # noqa: F811
    _matrix(visit, server)
    cells = _cells(server)
    assert len(cells) == 25 and all(c["goalCount"] > 0 for c in cells)
    assert {(c["system"], c["level"]) for c in cells} == {
        (s, lv) for s in ("DECISION", "GENERATION", "RESOURCE", "SUPPORT", "SUPERVISION")
        for lv in ("SCHOOL", "MAJOR", "COURSE", "TEACHER", "STUDENT")}
    shown = visit.page.locator("[data-testid=matrix] .cell").evaluate_all("""xs => xs.map(x =>
        [x.dataset.testid, x.dataset.goalCount, x.disabled, x.querySelector('.n').textContent])""")
    assert len(shown) == 25
    assert {t: (n, off) for t, n, off, _ in shown} == {
        f"cell-{c['system']}-{c['level']}": (str(c["goalCount"]), False) for c in cells}
    assert all(text == f"{n}个目标" for _, n, _, text in shown)
    assert visit.page.locator("[data-testid=matrix] .cell:disabled").count() == 0
    visit.assert_clean()


def test_a_cell_lists_the_goals_of_its_level_and_system(visit, server):  # noqa: F811
    """Each cell's list is the API's goals(level:, system:); a goal of several systems is in each of its
    cells."""
    _matrix(visit, server)
    asked: list[dict[str, Any]] = []
    visit.page.on("request", lambda r: asked.append(json.loads(r.post_data or "{}"))
                  if r.method == "POST" and r.url.endswith("/graphql") else None)
    seen: dict[str, set[tuple[str, str]]] = {}
    for c in _cells(server):
        expected = gql(server, CELL_GOALS, level=c["level"], system=c["system"], asOf=AS_OF)["goals"]
        assert expected["totalCount"] == c["goalCount"] <= 100
        visit.page.click(f"[data-testid=cell-{c['system']}-{c['level']}]")
        visit.page.wait_for_function("""want => { const l = document.querySelector('[data-testid=goal-list]');
            return l.dataset.state === 'ready'
              && document.querySelector('[data-testid=goals-caption]').textContent === want; }""",
                                     arg=f"{c['systemName']} × {c['levelName']}")
        listed = visit.page.locator("[data-testid=goal-item]").evaluate_all(
            "xs => xs.map(x => x.dataset.goalId)")
        assert sorted(listed) == sorted(e["node"]["id"] for e in expected["edges"]), c
        assert visit.page.locator("[data-testid=goals-more]").is_hidden()
        for goal_id in listed:
            seen.setdefault(goal_id, set()).add((c["system"], c["level"]))
        assert any(a.get("variables", {}).get("system") == c["system"]
                   and a["variables"].get("level") == c["level"] and "goals(" in a["query"] for a in asked)
    # a goal of several systems is listed in each of its cells (e.g. a department's yearly goal)
    several = {g for g, where in seen.items() if len({s for s, _ in where}) > 1}
    assert several
    visit.assert_clean()


def test_a_department_opens_as_a_quality_subject_with_its_spiral_and_report(visit, server, tmp_path):  # noqa: F811
    page = visit.page
    _matrix(visit, server)
    # 教务处's yearly goal from its cell, then its chain; the chain offers the goal's subject
    cell = next(c for c in _cells(server) if c["level"] == "SCHOOL" and "D26-JWC" in {
        e["node"]["id"] for e in gql(server, CELL_GOALS, level="SCHOOL", system=c["system"],
                                     asOf=AS_OF)["goals"]["edges"]})
    page.click(f"[data-testid=cell-{cell['system']}-SCHOOL]")
    page.click("[data-testid=goal-list][data-state=ready] [data-goal-id=D26-JWC]")
    page.wait_for_function("() => window.zhengaiExplorer.state.goal?.id === 'D26-JWC' && document"
                           ".querySelector('[data-testid=chain-graph]').dataset.state === 'ready'")
    assert "D26-JWC" in _graph(visit)["nodes"]
    assert page.locator("[data-testid=subject-panel]").is_hidden()
    page.click("[data-testid=subject-open][data-subject-id=JWC]")
    panel = page.locator("[data-testid=subject-panel][data-state=ready][data-subject-id=JWC]")
    panel.wait_for()
    want = gql(server, SPIRAL, id="JWC", asOf=AS_OF)
    spiral, report = want["spiral"], want["diagnosisReport"]
    assert spiral["subjectName"] == "教务处"
    assert page.inner_text("[data-testid=subject-caption]") == "教务处（学校）"

    # the 8字螺旋: its cycle, the big loop's ten stages with the current one, the warnings to answer
    shown = page.locator("[data-testid=spiral]")
    assert shown.get_attribute("data-stage") == spiral["stage"]
    assert shown.get_attribute("data-rounds") == str(spiral["rounds"])
    stages = page.locator("[data-testid=spiral-stages] li").evaluate_all(
        "xs => xs.map(x => [x.dataset.stage, x.dataset.done === 'true', x.dataset.current === 'true'])")
    assert stages == [[s["stage"], s["done"], s["current"]] for s in spiral["stages"]]
    assert len(stages) == 10
    current = page.locator("[data-testid=spiral-stages] li.current")
    assert current.count() == 1 and current.inner_text() == spiral["stageName"]
    assert f"已完成 {spiral['rounds']} 轮" in page.inner_text("[data-testid=spiral-stage]")
    assert spiral["cycleName"] in shown.inner_text()
    assert f"其中 {spiral['unansweredWarnings']} 条尚无改进措施回应" in page.inner_text(
        "[data-testid=spiral-warnings]")

    # the 诊改报告: title and conclusion, the full text, and the files
    assert report["title"] == "教务处 2026 年度部门诊改报告"
    assert report["title"] in page.inner_text("[data-testid=report-title]")
    assert page.inner_text("[data-testid=report-conclusion]") == report["conclusion"]
    page.click("[data-testid=report-open]")
    page.wait_for_selector("[data-testid=report-markdown][data-state=ready]")
    assert page.text_content("[data-testid=report-markdown]") == report["markdown"]
    with page.expect_download() as got:
        page.click("[data-testid=report-md]")
    saved = tmp_path / "jwc.md"
    got.value.save_as(saved)
    assert got.value.suggested_filename == f"JWC-{AS_OF}.md"
    assert saved.read_text(encoding="utf-8") == httpx.get(f"{server}/reports/JWC.md?asOf={AS_OF}").text
    assert report["title"] in saved.read_text(encoding="utf-8")
    with page.expect_download() as got:
        page.click("[data-testid=report-docx]")
    got.value.save_as(tmp_path / "jwc.docx")
    assert (tmp_path / "jwc.docx").read_bytes()[:2] == b"PK"  # a Word file is a zip
    assert "subject=JWC" in page.evaluate("location.hash")
    visit.shot("network-department.png", doc="explorer-department.png")

    # the link alone opens the same panel
    page.goto(f"{server}/#subject=JWC")
    page.reload()
    page.wait_for_selector("[data-testid=subject-panel][data-state=ready][data-subject-id=JWC]")
    assert page.inner_text("[data-testid=report-conclusion]") == report["conclusion"]
    page.click("[data-testid=subject-close]")
    assert page.locator("[data-testid=subject-panel]").is_hidden()
    assert "subject=" not in page.evaluate("location.hash")
    visit.assert_clean()


def test_a_unit_head_of_another_unit_cannot_see_the_departments_report(visit, auth_server):  # noqa: F811
    page = visit.page
    _sign_in(visit, auth_server, MECH_HEAD, "/#subject=JWC")
    panel = page.locator("[data-testid=subject-panel][data-state=missing][data-subject-id=JWC]")
    panel.wait_for()
    assert "未找到质量主体“JWC”" in page.inner_text("[data-testid=subject-notice]")
    assert "数据权限范围" in page.inner_text("[data-testid=subject-notice]")
    assert "教务处 2026 年度部门诊改报告" not in page.content()
    assert page.locator("[data-testid=spiral]").count() == 0
    # the route refuses it as well; their own 二级学院's report is theirs to read
    headers = {"Authorization": f"Bearer {MECH_HEAD}"}
    refused = httpx.get(f"{auth_server}/reports/JWC.md?asOf={AS_OF}", headers=headers)
    assert refused.status_code == 404 and "教务处" not in refused.text
    own = httpx.get(f"{auth_server}/reports/C-MECH.md?asOf={AS_OF}", headers=headers)
    assert own.status_code == 200 and "机械工程学院" in own.text
    title = _ask(auth_server, MECH_HEAD, """{ diagnosisReport(subjectId: "C-MECH", asOf: "2026-11-20") {
        title } }""")["diagnosisReport"]["title"]
    page.evaluate("location.hash = '#subject=C-MECH'")
    page.wait_for_selector("[data-testid=subject-panel][data-state=ready][data-subject-id=C-MECH]")
    assert title in page.inner_text("[data-testid=report-title]")
    assert visit.foreign == [] and _page_errors(visit) == []


def test_the_assessment_page_ranks_the_demos_departments_and_shows_the_cards(visit, server):  # noqa: F811
    """/assessment on the demo: KH-DEPT's ranking as assessment() gives it, each row's components adding up
    to its score, and the 黄牌/红牌 of the 基本办学条件 goal (A26-FACBASE) as goalCards gives it."""
    page = visit.page
    want = gql(server, """query($asOf: Date) {
        schemes(asOf: $asOf) { id name components { key name points } }
        assessment(schemeId: "KH-DEPT", asOf: $asOf) { count rows { subjectId name rank score
          components { key points } } }
        goalCards(asOf: $asOf) { goalId card below cardYears } }""", asOf=AS_OF)
    assert {"KH-DEPT", "KH-MAJOR", "KH-TEACHER"} <= {s["id"] for s in want["schemes"]}
    ranking = want["assessment"]
    assert ranking["count"] == len(ranking["rows"]) > 1
    page.goto(f"{server}/assessment?asOf={AS_OF}&scheme=KH-DEPT")
    page.wait_for_selector("[data-testid=ranking][data-state=ready]")
    rows = page.eval_on_selector_all("[data-testid=rank-row]", """rows => rows.map(r =>
        [r.dataset.subject, ...[...r.cells].map(c => c.textContent)])""")
    scheme = next(s for s in want["schemes"] if s["id"] == "KH-DEPT")
    k = len(scheme["components"])
    assert [(r[0], r[1], r[3]) for r in rows] == [
        (x["subjectId"], str(x["rank"]), f"{x['score']:.2f}") for x in ranking["rows"]]
    for r, x in zip(rows, ranking["rows"], strict=True):
        assert f"{x['name']}（{x['subjectId']}）" == r[2]
        by_key = {c["key"]: c["points"] for c in x["components"]}
        assert r[4:4 + k] == [f"{by_key[c['key']]:.2f}" for c in scheme["components"]]
        assert sum(Decimal(p) for p in r[4:4 + k]) == pytest.approx(Decimal(r[3]), abs=Decimal("0.011"))
    heads = page.eval_on_selector_all("#ranking-head th", "ths => ths.map(t => t.textContent)")
    assert heads[3:3 + k] == [f"{c['name']}（{c['points']:.2f}）" for c in scheme["components"]]
    # 黄牌/红牌: the 基本办学条件 goal's badge, as goalCards gives it
    card = next(c for c in want["goalCards"] if c["goalId"] == "A26-FACBASE")
    page.wait_for_selector("[data-testid=card][data-goal=A26-FACBASE]")
    badge = page.locator("[data-testid=card][data-goal=A26-FACBASE] .badge")
    assert badge.get_attribute("data-card") == card["card"]
    assert badge.inner_text().startswith({"NONE": "无", "YELLOW": "黄牌", "RED": "红牌"}[card["card"]])
    assert f"{card['below']} 项指标低于底线" in badge.inner_text()
    visit.shot("network-assessment.png", doc="assessment-ranking.png")
    visit.assert_clean()

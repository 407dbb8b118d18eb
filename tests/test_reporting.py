"""诊改报告, the 一页纸 view and trends on the demo college, on both stores.

The saved example reports under docs/examples/ are regenerated and compared here; to refresh them after
a deliberate change: ``.venv/bin/python -m tests.test_reporting``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import DEMO_AS_OF
from zhengai.engine import Engine
from zhengai.engine.reports.data import diagnosis_report
from zhengai.engine.trends import month_end
from zhengai.reports import diagnosis, markdown

AS_OF = DEMO_AS_OF.isoformat()
EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"
SAVED = {"school-report.md": "SCH", "student-report.md": "STU-007"}  # STU-007: attendance below its floor
#: The sections of each kind's template (zhengai/reports/templates.py), numbered.
SECTIONS = {
    "SCH": ["## 一、目标与标准达成情况", "## 二、监测预警", "## 三、自我诊断", "## 四、问题诊断与原因分析",
            "## 五、一页纸任务进展", "## 六、改进措施", "## 七、诊断结论"],
    "STU-001": ["## 一、成长目标达成情况", "## 二、监测预警", "## 三、自我诊断", "## 四、问题诊断与原因分析",
                "## 五、改进措施", "## 六、诊断结论"],
}

REPORT = """query($s: ID!, $asOf: Date) { diagnosisReport(subjectId: $s, asOf: $asOf) {
  title asOf period { start end } subject { id name level }
  goals { goal { id level } attainment status trend { at attainment } trendDirection trendChange }
  standards { id metrics { metric { id } } }
  warnings { id nodeId severity } gapCauses { goal { id } metric { id } contribution }
  tasks { id status statusName } improvements { id warningId recorded status unit { id } }
  conclusion markdown } }"""

ONE_PAGE = """query($u: ID, $g: ID) { onePage(unitId: $u, goalId: $g, asOf: "2026-11-20") {
  taskCount goals { goal { id } attainment status }
  tasks { id goalIds status statusName overdue overBudget elapsed leadUnit { id name } units { id } } } }"""


def _report(gql, subject: str) -> dict:
    return gql(REPORT, s=subject, asOf=AS_OF)["diagnosisReport"]


@pytest.mark.parametrize("subject", ["SCH", "STU-001"])
def test_report_has_every_section_and_the_engines_numbers(demo_gql, demo_engine, subject):
    r = _report(demo_gql, subject)
    md = r["markdown"]
    assert md.startswith(f"# {r['title']}\n")
    positions = [md.index(s) for s in SECTIONS[subject]]
    assert positions == sorted(positions)
    assert md.count("（待填写）") == 3 and r["conclusion"] in md  # the written parts, not yet written
    assert r["period"] == {"start": "2026-01-01", "end": AS_OF}

    snap = demo_engine.snapshot(DEMO_AS_OF)
    goals = demo_engine.structure().graph.goals
    expected = {g.id for g in goals.values() if g.subject == subject
                and (subject != "SCH" or g.level.value == "SCHOOL")}
    assert {g["goal"]["id"] for g in r["goals"]} == expected
    for g in r["goals"]:
        assert g["attainment"] == pytest.approx(snap.attainment(g["goal"]["id"]))
        assert g["status"] == snap.goal_status(goals[g["goal"]["id"]]).value
        assert g["trend"][-1]["attainment"] == pytest.approx(g["attainment"])  # the trend ends at asOf
        assert len(g["trend"]) == 11
        assert f"{g['attainment'] * 100:.1f}%" in md

    # warnings: exactly the engine's warnings on the subject's goals, their metrics and the listed tasks
    structure = demo_engine.structure()
    mine = expected | {e.child for g in expected for e in structure.children[g] if e.kind == "MEASURED_BY"}
    mine |= {t["id"] for t in r["tasks"]}
    engine_warnings = [w.id for w in demo_engine.warnings(DEMO_AS_OF) if w.node_id in mine]
    assert [w["id"] for w in r["warnings"]] == engine_warnings
    red = [w["id"] for w in r["warnings"] if w["severity"] == "RED"]
    assert [i["warningId"] for i in r["improvements"]] == red
    assert all(not i["recorded"] and i["status"] == "待落实" for i in r["improvements"])

    behind = {g["goal"]["id"] for g in r["goals"] if g["status"] in ("RED", "YELLOW")}
    assert {c["goal"]["id"] for c in r["gapCauses"]} == behind
    for goal_id in behind:
        top = demo_engine.explain_gap(goal_id, DEMO_AS_OF, 3).contributors
        mine_causes = [c for c in r["gapCauses"] if c["goal"]["id"] == goal_id]
        assert [c["metric"]["id"] for c in mine_causes] == [c.metric.id for c in top]
        assert [c["contribution"] for c in mine_causes] == pytest.approx([c.contribution for c in top])


def test_school_report_reads_as_the_demo_says(demo_gql):
    r = _report(demo_gql, "SCH")
    assert r["title"] == "扬州工业职业技术学院 2026 年度诊改报告"
    by_id = {g["goal"]["id"]: g for g in r["goals"]}
    assert by_id["S-SMART"]["status"] == "RED" and by_id["S-EMP"]["status"] == "GREEN"
    assert by_id["S-FACULTY"]["status"] == "YELLOW"  # 基本办学条件: one indicator below its limit, a 黄牌
    tasks = {t["id"]: t["statusName"] for t in r["tasks"]}
    assert tasks["T26-03"] == tasks["T26-05"] == "逾期" and tasks["T26-04"] == "超支"
    assert {"FLOOR:M-SSR", "OVERDUE:T26-03", "OVER_BUDGET:T26-04"} <= {w["id"] for w in r["warnings"]}
    assert "STATUS:G-MAJ-CONS" not in {w["id"] for w in r["warnings"]}  # a 专业's warning, not the school's
    assert {"STD-SCH", "STD-BASE"} <= {s["id"] for s in r["standards"]}
    md = r["markdown"]
    assert "| 生师比 | 18.4 生/师 | 16 生/师 | 18 生/师 | 31.4% |" in md
    assert "75.2%" in md and "差距 25.0 个百分点" in md


def test_student_report(demo_gql):
    r = _report(demo_gql, "STU-001")
    assert r["title"] == "张子涵 个人成长诊改报告"
    assert r["subject"] == {"id": "STU-001", "name": "张子涵", "level": "STUDENT"}
    assert {g["goal"]["id"] for g in r["goals"]} == {"G-STU-001-3Y", "G-STU-001-Y26", *(
        f"G-STU-001-{s}" for s in ("DEC", "RES", "SUP", "SUV"))}  # 五纵 at the 学生 level
    assert all(w["nodeId"].startswith(("G-STU-001", "M-STU-001")) for w in r["warnings"])
    assert [s["id"] for s in r["standards"]] == ["STD-STU"]


def test_report_route_serves_markdown(demo_gql):
    response = demo_gql.http.get("/reports/SCH.md", params={"asOf": AS_OF})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.text.startswith("# 扬州工业职业技术学院 2026 年度诊改报告")
    by_year = demo_gql.http.get("/reports/STU-001.md", params={"period": "2026", "asOf": AS_OF})
    assert by_year.status_code == 200 and "张子涵 个人成长诊改报告" in by_year.text
    missing = demo_gql.http.get("/reports/NOPE.md")
    assert missing.status_code == 404 and "NOPE" in missing.text
    assert demo_gql.http.get("/reports/SCH.md", params={"asOf": "yesterday"}).status_code == 400


@pytest.mark.parametrize(("query", "needle", "code"), [
    ('{ diagnosisReport(subjectId: "NOPE") { title } }', "unknown subject id 'NOPE'", "NOT_FOUND"),
    ('{ diagnosisReport(subjectId: "S-EMP") { title } }', "unknown subject id 'S-EMP'", "NOT_FOUND"),
    ('{ diagnosisReport(subjectId: "SCH", asOf: "2026-01-01", from: "2026-05-01") { title } }',
     "is after asOf", "BAD_USER_INPUT"),
    ('{ onePage(unitId: "NOPE") { taskCount } }', "unknown unit id 'NOPE'", "NOT_FOUND"),
    ('{ onePage(goalId: "NOPE") { taskCount } }', "unknown goal id 'NOPE'", "NOT_FOUND"),
    ('{ onePage { taskCount } }', "exactly one of unitId and goalId", "BAD_USER_INPUT"),
    ('{ onePage(unitId: "JWC", goalId: "S-EMP") { taskCount } }', "exactly one", "BAD_USER_INPUT"),
    ('{ goal(id: "S-EMP") { trend(from: "2020-01-01", to: "2026-11-20") { at } } }', "at most 36 months",
     "BAD_USER_INPUT"),
    ('{ metric(id: "M-SSR") { history(from: "2026-06-01", to: "2026-01-01") { at } } }', "is before from",
     "BAD_USER_INPUT"),
])
def test_bad_reporting_requests_get_a_clear_error(demo_gql, query, needle, code):
    [error] = demo_gql.raw(query)["errors"]
    assert needle in error["message"] and error["extensions"]["code"] == code


def test_one_page_of_a_unit(demo_gql, demo_engine):
    p = demo_gql(ONE_PAGE, u="JWC")["onePage"]
    tasks = {t["id"]: t for t in p["tasks"]}
    expected = {t.id for t in demo_engine.tasks().values() if t.lead_unit == "JWC" or "JWC" in t.units}
    assert set(tasks) == expected and p["taskCount"] == len(expected)
    assert {"T26-02", "T26-03", "T26-05", "T26-06", "T-08"} <= set(tasks) and "T26-04" not in tasks
    assert tasks["T26-03"]["statusName"] == tasks["T26-05"]["statusName"] == "逾期"
    assert tasks["T26-03"]["status"] == "OVERDUE" and tasks["T26-03"]["overdue"]
    assert tasks["T26-06"]["statusName"] == "进行中" and tasks["T26-01"]["statusName"] == "已完成"
    assert tasks["T26-03"]["leadUnit"] == {"id": "JWC", "name": "教务处"}
    assert tasks["T26-03"]["elapsed"] == 1.0
    # every goal a task advances is a column of the matrix
    assert {g for t in p["tasks"] for g in t["goalIds"]} == {g["goal"]["id"] for g in p["goals"]}


def test_one_page_of_a_goal(demo_gql, demo_engine):
    p = demo_gql(ONE_PAGE, g="S-FACULTY")["onePage"]
    tasks = {t["id"]: t for t in p["tasks"]}
    assert set(tasks) == {"T-03", "T-11", "T-12", "T-18", "T-23", "T26-04"}
    assert tasks["T26-04"]["goalIds"] == ["A26-TEAM", "A26-FACBASE"]
    assert tasks["T26-04"]["statusName"] == "超支" and tasks["T26-04"]["overBudget"]
    assert not tasks["T26-04"]["overdue"]
    columns = {g["goal"]["id"]: g for g in p["goals"]}
    assert p["goals"][0]["goal"]["id"] == "S-FACULTY"
    assert set(columns) == {"S-FACULTY", "A26-TEAM", "A26-FACBASE"}
    snap = demo_engine.snapshot(DEMO_AS_OF)
    assert columns["S-FACULTY"]["attainment"] == pytest.approx(snap.attainment("S-FACULTY"))
    assert columns["S-FACULTY"]["status"] == "YELLOW"


def test_task_statuses_agree_with_the_monitoring_rules(demo_gql, demo_engine):
    raised = {w.id for w in demo_engine.warnings(DEMO_AS_OF)}
    for unit in demo_engine.units():
        for t in demo_gql(ONE_PAGE, u=unit)["onePage"]["tasks"]:
            assert t["overdue"] == (f"OVERDUE:{t['id']}" in raised)
            assert t["overBudget"] == (f"OVER_BUDGET:{t['id']}" in raised)


def test_metric_history_is_bounded_and_ordered(demo_gql, demo_engine):
    q = """query($m: ID!, $f: Date, $t: Date) { metric(id: $m) { history(from: $f, to: $t) { at value } } }"""
    full = demo_gql(q, m="M-SSR")["metric"]["history"]
    dates = [p["at"] for p in full]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    stored = demo_engine.state.observation_history(["M-SSR"])["M-SSR"]
    assert [(date.fromisoformat(p["at"]), p["value"]) for p in full] == stored[-500:]
    part = demo_gql(q, m="M-SSR", f="2026-03-01", t="2026-06-30")["metric"]["history"]
    assert part and all("2026-03-01" <= p["at"] <= "2026-06-30" for p in part)
    assert part == [p for p in full if "2026-03-01" <= p["at"] <= "2026-06-30"]
    assert full[-1]["value"] == 18.4  # 生师比 at asOf


def test_metric_history_keeps_the_newest_500(demo_engine):
    from zhengai.engine.trends import metric_history

    points = metric_history(demo_engine, "M-CRS-BIM-GOAL", limit=3)
    stored = demo_engine.state.observation_history(["M-CRS-BIM-GOAL"])["M-CRS-BIM-GOAL"]
    assert [(p.at, p.value) for p in points] == stored[-3:]


def test_goal_trend_has_one_point_per_month(demo_gql, demo_engine):
    q = """query($g: ID!, $f: Date, $t: Date) {
      goal(id: $g) { trend(from: $f, to: $t) { at attainment status } } }"""
    trend = demo_gql(q, g="S-FACULTY", f="2025-12-15", t="2026-10-31")["goal"]["trend"]
    assert [p["at"] for p in trend] == [month_end(date(2025, 12, 1)).isoformat()] + [
        month_end(date(2026, m, 1)).isoformat() for m in range(1, 11)]
    last = demo_engine.snapshot(date(2026, 10, 31))
    assert trend[-1]["attainment"] == pytest.approx(last.attainment("S-FACULTY"))
    assert trend[-1]["status"] == last.goal_status(demo_engine.goal("S-FACULTY")).value
    default = demo_gql(q, g="S-FACULTY", t=AS_OF)["goal"]["trend"]
    assert len(default) == 12 and default[-1]["at"] == AS_OF and default[0]["at"] == "2025-12-31"
    now = demo_engine.snapshot(DEMO_AS_OF)
    assert default[-1]["attainment"] == pytest.approx(now.attainment("S-FACULTY"))
    full = demo_gql(q, g="S-EMP", f="2023-12-01", t="2026-11-30")["goal"]["trend"]
    assert len(full) == 36


def render_examples(engine: Engine) -> dict[str, str]:
    return {name: markdown.render(diagnosis.document(diagnosis_report(engine, subject, DEMO_AS_OF)))
            for name, subject in SAVED.items()}


def test_saved_example_reports_are_current(demo_engine):
    for name, text in render_examples(demo_engine).items():
        saved = (EXAMPLES / name).read_text(encoding="utf-8")
        assert saved == text, f"docs/examples/{name} is stale: run `.venv/bin/python -m tests.test_reporting`"


if __name__ == "__main__":
    from zhengai.graph_loader import demo_path, load_dataset
    from zhengai.stores import EmbeddedStore

    EXAMPLES.mkdir(parents=True, exist_ok=True)
    for file, text in render_examples(Engine(EmbeddedStore(load_dataset(demo_path())))).items():
        (EXAMPLES / file).write_text(text, encoding="utf-8")
        print(f"wrote docs/examples/{file}")

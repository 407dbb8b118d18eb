"""8字螺旋 per the plan (§四(二)): each level's cycle, a course's two spirals, the dataset's spiral history
(completed cycles with their 改进措施) — on both stores; and the loader's checks of that history."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from tests.test_spiral import spiral_gql  # noqa: F401  (the fixture: a store of its own for writes)
from zhengai.domain.enums import ComponentMeasure, SpiralKind
from zhengai.domain.models import Semester, Subject
from zhengai.domain.spiral import Stage, semester_span, spiral_cycle
from zhengai.engine.assessment import assess
from zhengai.graph_loader import demo_path, load_dataset, validate_folder

SPIRAL = """query($s: ID!, $d: Date, $k: SpiralKind) { spiral(subjectId: $s, asOf: $d, kind: $k) {
  kind kinds cycleName cycleStart cycleEnd monitoringFrequency stage rounds unansweredWarnings
  openWarnings { id } improvements { id done answers ownerUnitId } } }"""


def _spiral(gql, subject: str, day: str, kind: str | None = None) -> dict:
    return gql(SPIRAL, s=subject, d=day, k=kind)["spiral"]


@pytest.mark.parametrize(("subject", "kind", "day", "expected"), [
    # 学校 and 部门: the calendar year (not the five-year term of the school's goals)
    ("SCH", None, "2026-03-01", ("SCHOOL", "年度", "2026-01-01", "2026-12-31", "MONTHLY")),
    ("JWC", None, "2026-11-20", ("UNIT", "年度", "2026-01-01", "2026-12-31", "MONTHLY")),
    # 专业: its three-year 建设周期
    ("MAJ-MECH", None, "2026-11-20", ("MAJOR", "三年建设周期", "2024-09-01", "2027-08-31", "SEMESTER")),
    # 课程: 课程教学 the semester of the college calendar, 课程建设 the project period
    ("CRS-CNC", None, "2026-11-20", ("COURSE_TEACH", "学期", "2026-09-01", "2027-01-31", "HALF_MONTHLY")),
    ("CRS-CNC", "COURSE_BUILD", "2026-11-20",
     ("COURSE_BUILD", "课程立项建设周期", "2025-01-01", "2026-12-31", "QUARTERLY")),
    ("CRS-ACCT", None, "2026-03-01",
     ("COURSE_BUILD", "课程立项建设周期", "2025-01-01", "2026-12-31", "QUARTERLY")),
    ("CRS-ACCT", "COURSE_TEACH", "2026-03-01",
     ("COURSE_TEACH", "学期", "2026-02-01", "2026-07-31", "HALF_MONTHLY")),
    # 教师: the appointment term (聘期)
    ("TCH-01", None, "2026-11-20", ("TEACHER", "岗位聘期", "2024-01-01", "2026-12-31", "SEMESTER")),
    # 学生: the semester (autumn September–January, spring February–July; in August the spring one)
    ("STU-001", None, "2026-11-20", ("STUDENT", "学期", "2026-09-01", "2027-01-31", "MONTHLY")),
    ("STU-001", None, "2026-03-01", ("STUDENT", "学期", "2026-02-01", "2026-07-31", "MONTHLY")),
    ("STU-001", None, "2026-08-15", ("STUDENT", "学期", "2026-02-01", "2026-07-31", "MONTHLY")),
])
def test_each_level_runs_its_cycle(demo_gql, subject, kind, day, expected):
    s = _spiral(demo_gql, subject, day, kind)
    assert (s["kind"], s["cycleName"], s["cycleStart"], s["cycleEnd"], s["monitoringFrequency"]) == expected


def test_a_course_runs_two_spirals_and_others_one(demo_gql):
    assert _spiral(demo_gql, "CRS-CNC", "2026-11-20")["kinds"] == ["COURSE_TEACH", "COURSE_BUILD"]
    assert _spiral(demo_gql, "CRS-ACCT", "2026-11-20")["kinds"] == ["COURSE_BUILD", "COURSE_TEACH"]
    assert _spiral(demo_gql, "STU-001", "2026-11-20")["kinds"] == ["STUDENT"]
    error = demo_gql.raw(SPIRAL, s="STU-001", d="2026-11-20", k="COURSE_BUILD")["errors"][0]["message"]
    assert "STU-001 runs no COURSE_BUILD spiral (it runs STUDENT)" in error


def test_the_college_calendar_is_configurable():
    late = (Semester(name="秋季学期", start="08-25", end="01-15"),
            Semester(name="春季学期", start="02-20", end="07-10"))
    assert semester_span(date(2026, 1, 10), late) == (date(2025, 8, 25), date(2026, 1, 15))
    assert semester_span(date(2026, 2, 1), late) == (date(2025, 8, 25), date(2026, 1, 15))  # the last begun
    assert semester_span(date(2026, 2, 20), late) == (date(2026, 2, 20), date(2026, 7, 10))
    assert semester_span(date(2026, 2, 1)) == (date(2026, 2, 1), date(2026, 7, 31))  # the default calendar
    student = Subject(id="S", name="学生", level="STUDENT")
    assert spiral_cycle(SpiralKind.STUDENT, student, [], date(2026, 8, 30), late) == (date(2026, 8, 25),
                                                                                     date(2027, 1, 15))


def test_the_school_spiral_shows_a_real_loop(demo_gql):
    """2025年度 diagnosed, motivated … improved, then 2026年度 set its goals and runs (rounds 1)."""
    before = _spiral(demo_gql, "SCH", "2025-12-01")
    assert (before["stage"], before["rounds"], before["improvements"]) == ("IMPLEMENT", 0, [])
    closing = _spiral(demo_gql, "SCH", "2026-01-25")
    assert (closing["stage"], closing["rounds"], closing["cycleStart"]) == ("INNOVATE", 0, "2026-01-01")
    now = _spiral(demo_gql, "SCH", "2026-11-20")
    assert (now["stage"], now["rounds"]) == ("IMPLEMENT", 1)
    measures = {m["id"]: m for m in now["improvements"]}
    assert set(measures) == {"IMP-SCH-2025-01", "IMP-SCH-2025-02", "IMP-SCH-2025-03", "IMP-SCH-2025-04"}
    ssr = measures["IMP-SCH-2025-01"]
    assert ssr["answers"] == ["FLOOR:M-SSR"] and not ssr["done"]
    assert measures["IMP-SCH-2025-03"]["done"] and measures["IMP-SCH-2025-03"]["ownerUnitId"] == "XXZX"
    open_ = {w["id"] for w in now["openWarnings"]}
    assert "FLOOR:M-SSR" in open_  # still over the floor: its measure (not done) answers it
    assert now["unansweredWarnings"] == len(open_ - {a for m in measures.values() for a in m["answers"]})


@pytest.mark.parametrize(("subject", "kind", "stage", "rounds", "ids"), [
    ("JWC", None, "IMPLEMENT", 1, {"IMP-JWC-2025-01", "IMP-JWC-2025-02"}),
    ("MAJ-CONS", None, "IMPLEMENT", 1,
     {"IMP-MAJ-CONS-2024-01", "IMP-MAJ-CONS-2026-01", "IMP-MAJ-CONS-2026-02"}),
    ("CRS-CNC", "COURSE_TEACH", "IMPLEMENT", 2, {"IMP-CRS-CNC-2601", "IMP-CRS-CNC-2607"}),
    ("CRS-CNC", "COURSE_BUILD", "IMPLEMENT", 0, {"IMP-CRS-CNC-B2604"}),
    ("TCH-01", None, "IMPLEMENT", 1, {"IMP-TCH-01-2023", "IMP-TCH-01-2602", "IMP-TCH-01-2603"}),
    ("STU-001", None, "IMPLEMENT", 2, {"IMP-STU-001-2601", "IMP-STU-001-2602", "IMP-STU-001-2607"}),
])
def test_history_of_each_level(demo_gql, subject, kind, stage, rounds, ids):
    s = _spiral(demo_gql, subject, "2026-11-20", kind)
    assert (s["stage"], s["rounds"]) == (stage, rounds)
    assert {m["id"] for m in s["improvements"]} == ids


def test_a_spiral_read_on_an_earlier_day_sees_what_had_happened(demo_gql):
    s = _spiral(demo_gql, "STU-001", "2026-01-25")
    assert (s["stage"], s["rounds"], s["cycleStart"]) == ("IMPROVE", 0, "2025-09-01")
    assert {m["id"] for m in s["improvements"]} == {"IMP-STU-001-2601", "IMP-STU-001-2602"}
    assert s["unansweredWarnings"] < len(s["openWarnings"])  # its improvements answer the semester's warnings


def test_history_improvements_answer_warnings_raised_then(demo_engine, demo_dataset):
    answered = 0
    for subject, event in demo_dataset.history:
        if event["kind"] == "improvement" and event["answers"]:
            raised = {w.id for w in demo_engine.warnings(date.fromisoformat(event["at"]))}
            assert set(event["answers"]) <= raised, (subject, event["id"])
            answered += 1
    assert answered >= 10
    subjects = {s for s, _ in demo_dataset.history}
    assert {"SCH", "JWC", "MAJ-CONS", "CRS-CNC", "TCH-01", "STU-001"} <= subjects


def test_a_course_spirals_move_apart(spiral_gql):  # noqa: F811
    advance = """mutation($s: ID!, $k: SpiralKind) {
      advanceStage(subjectId: $s, kind: $k) { kind stage rounds } }"""
    assert spiral_gql(advance, s="CRS-CNC", k="COURSE_BUILD")["advanceStage"] == {
        "kind": "COURSE_BUILD", "stage": "DIAGNOSE", "rounds": 0}
    improve = """mutation { recordImprovement(subjectId: "CRS-CNC", kind: COURSE_BUILD,
      measure: "补建实训项目", ownerUnitId: "C-MECH") { id } }"""
    made = spiral_gql(improve)["recordImprovement"]["id"]
    today = date.today().isoformat()
    build = _spiral(spiral_gql, "CRS-CNC", today, "COURSE_BUILD")
    teach = _spiral(spiral_gql, "CRS-CNC", today)
    assert build["stage"] == "DIAGNOSE" and made in {m["id"] for m in build["improvements"]}
    assert (teach["kind"], teach["stage"], teach["rounds"]) == ("COURSE_TEACH", "IMPLEMENT", 2)
    assert made not in {m["id"] for m in teach["improvements"]}


def test_neo4j_loads_the_history_once(request, demo_dataset):
    """The Neo4j store holds the dataset's history as events before any written since, once per load."""
    datasets = request.getfixturevalue("neo4j_datasets")
    store = datasets.store
    datasets.forget()
    datasets.engine(demo_path())
    store.load(demo_dataset)  # a second load (a merge) replaces the history, it does not add to it
    rows, _, _ = store.driver.execute_query("MATCH (e:Event) WHERE e.seq = 0 RETURN count(e) AS n",
                                            database_=store.settings.database)
    assert rows[0]["n"] == len(demo_dataset.history)
    store.reload()
    assert store.state.events("spiral", "SCH") == [e for s, e in demo_dataset.history if s == "SCH"]
    datasets.forget()


def _bad_history(tmp_path, history: str):
    folder = shutil.copytree(demo_path(), tmp_path / "data")
    text = (folder / "dataset.yaml").read_text(encoding="utf-8")
    text = text[:text.index("\nhistory:")] + "\n" + history  # the last section
    (folder / "dataset.yaml").write_text(text, encoding="utf-8")
    start = text[:text.index("\nhistory:")].count("\n") + 2  # the line of "history:"
    return validate_folder(folder), start


def test_bad_history_gets_located_errors(tmp_path):
    history = """history:
  - subject: NOPE
    stages: [{stage: DIAGNOSE, at: 2026-01-01}]
  - subject: STU-001
    spiral: COURSE_BUILD
  - subject: SCH
    stages:
      - {stage: DIAGNOSE, at: 2026-01-10}
      - {stage: MOTIVATE, at: 2026-01-05}
      - {stage: MOTIVATE, at: 2026-01-20}
      - {stage: WONDER, at: 2026-01-21}
  - subject: JWC
    improvements:
      - {id: I-1, measure: 整改, owner: XX, at: 2026-01-10, due: 2026-01-01, answers: [M-SSR, "FLOOR:M-NOPE"]}
      - {id: I-1, measure: 再整改, at: 2026-01-11}
"""
    (ds, errors), line = _bad_history(tmp_path, history)
    found = {(e.line - line, e.message.split(": ", 1)[-1]) for e in errors}
    messages = "\n".join(str(e) for e in errors)
    assert (1, "subject: unknown subject id 'NOPE' (a quality subject, or a 职能部门/二级学院 by its unit "
               "id)") in found
    assert "spiral: STU-001 runs no COURSE_BUILD spiral (it runs STUDENT)" in messages
    assert "WONDER" in messages and "history[2] (SCH): stages.3.stage" in messages
    assert ds.history == []  # nothing of a broken dataset is loaded
    fixed = history.replace("      - {stage: WONDER, at: 2026-01-21}\n", "")
    (_, errors), line = _bad_history(tmp_path / "2", fixed)
    messages = {(e.line - line, e.message) for e in errors}
    assert (8, "history[2] (SCH): stages.1.at: 2026-01-05 comes before the stage recorded before it "
               "(2026-01-10): list a spiral's stages in the order they came") in messages
    assert (9, "history[2] (SCH): stages.2.stage: already at MOTIVATE by then") in messages
    assert (12, "history[3] (JWC): improvements.0.owner: unknown unit id 'XX'") in messages
    assert (12, "history[3] (JWC): improvements.0.due: due 2026-01-01 comes before it was recorded "
                "(2026-01-10)") in messages
    assert (12, "history[3] (JWC): improvements.0.answers.0: a warning id is TYPE:NODE (e.g. "
                "BELOW_FLOOR:M-SSR), got 'M-SSR'") in messages
    assert (12, "history[3] (JWC): improvements.0.answers.1: the warning 'FLOOR:M-NOPE' names no goal, "
                "metric or task of the dataset") in messages
    assert (13, "history[3] (JWC): improvements.1.id: improvement id 'I-1' of JWC is given twice") in messages


def test_the_demo_history_is_the_dataset_s(demo_dataset):
    first = load_dataset(demo_path()).history
    assert first == demo_dataset.history and len(first) > 50
    stages = [e for _, e in first if e["kind"] == "stage"]
    assert all(Stage(e["to"]) and e["source"] == "dataset" for e in stages)


def test_an_improvement_of_the_history_answers_from_its_day(demo_engine):
    """考核 (预警整改): 教务处's 2025 improvements, recorded 2026-01-10, count from that day on."""
    def answered(day: date) -> tuple[int | None, int | None]:
        row = next(r for r in assess(demo_engine, "KH-DEPT", day).rows if r.subject_id == "JWC")
        part = next(c for c in row.components if c.measure is ComponentMeasure.WARNINGS_ANSWERED)
        return part.counted, part.met

    counted, met = answered(date(2026, 1, 9))
    assert counted and met == 0
    counted, met = answered(date(2026, 1, 12))
    assert counted and met >= 2  # M-IDEO-COURSE, M-ONLINE-COURSE … answered

"""考核 (engine/assessment.py) on both stores, over tests/data/assessment: the scores docs/semantics.md works
out (goal attainment, tasks done by their due date as the task stood then, reports, warnings answered,
分级分类), ranks, the previous period, components adding up to the score exactly, and who sees which rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from tests.conftest import DATA, engine_for
from zhengai.domain.changes import Upsert
from zhengai.domain.enums import AssessmentPeriod
from zhengai.domain.errors import NotFoundError
from zhengai.domain.models import Semester
from zhengai.engine import Engine
from zhengai.engine.assessment import Assessment, apportion, scheme_period
from zhengai.engine.reports.workflow import plan_review, plan_save, plan_submit
from zhengai.engine.writes import WriteService
from zhengai.graph_loader import load_dataset
from zhengai.security.tokens import Principal, Role
from zhengai.stores import EmbeddedStore

FOLDER: Path = DATA / "assessment"
AS_OF = date(2026, 6, 30)
ADMIN = Principal("admin", "质管办", frozenset({Role.ADMIN}))
T2 = Principal("t2", "教师乙", frozenset({Role.TEACHER}), subject="T2")
T4 = Principal("t4", "教师丁", frozenset({Role.TEACHER}), subject="T4")
JD_HEAD = Principal("jd", "机电工程学院院长", frozenset({Role.UNIT_HEAD}), unit="JD")
PARTS = {"self_diagnosis": "教学质量评价未达目标。", "cause_analysis": "课堂互动不足。",
         "measures": "每周开展一次教学反思。"}


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def engine(request) -> Iterator[Engine]:
    """The assessment dataset after the writes the scores depend on: K2 done on 1 May (before its due
    date), K5 done on 1 June (after it); T2's 2026 report accepted, T4's submitted; an improvement of T2
    answering one of its two warnings."""
    if request.param == "embedded":
        eng = Engine(EmbeddedStore(load_dataset(FOLDER)))
    else:
        eng = engine_for(request, "neo4j", FOLDER)
    writes = WriteService(eng)
    writes.apply_changes([Upsert("Task", "K2", {"progress": 1})], effective_from=date(2026, 5, 1))
    writes.apply_changes([Upsert("Task", "K5", {"progress": 1})], effective_from=date(2026, 6, 1))
    for who, accept in ((T2, True), (T4, False)):
        view = eng.for_principal(who)
        writes.report_workflow(plan_save(view, who, who.subject, "2026", PARTS))
        writes.report_workflow(plan_submit(view, who, who.subject, "2026"))
        if accept:
            writes.report_workflow(plan_review(eng, ADMIN, who.subject, "2026", True, None))
    writes.record_improvement("T2", "每周开展一次教学反思", None, None, ["STATUS:G-T2"], actor=T2,
                              view=eng.for_principal(T2))
    yield eng
    writes.close()
    if request.param == "neo4j":
        request.getfixturevalue("neo4j_datasets").forget()


def by_id(a: Assessment) -> dict[str, tuple[str, int, dict[str, str]]]:
    return {r.subject_id: (str(r.score), r.rank, {c.key: str(c.points) for c in r.components})
            for r in a.rows}


def test_department_scores(engine):
    a = engine.assessment("SCH-DEPT", AS_OF)
    assert (a.period.key, a.previous_period.key, a.count, str(a.full_marks)) == ("2026", "2025", 4, "100.00")
    assert by_id(a) == {
        # 60 × 0.9, tasks: K1 and K2 done by their due date, K5 done after it (⅔ of 20), no warning left
        "JWC": ("77.33", 2, {"goals": "54.00", "tasks": "13.33", "reports": "0.00", "warnings": "10.00"}),
        "XX": ("90.00", 1, {"goals": "60.00", "tasks": "20.00", "reports": "0.00", "warnings": "10.00"}),
        # 60 × 0.6, no task due, its goal's and metric's warnings unanswered
        "JD": ("56.00", 3, {"goals": "36.00", "tasks": "20.00", "reports": "0.00", "warnings": "0.00"}),
        "QA": ("30.00", 4, {"goals": "0.00", "tasks": "20.00", "reports": "0.00", "warnings": "10.00"}),
    }
    jwc = next(r for r in a.rows if r.subject_id == "JWC")
    tasks = next(c for c in jwc.components if c.key == "tasks")
    assert (tasks.counted, tasks.met, tasks.share) == (3, 2, Fraction(2, 3))
    assert a.mean == Decimal("63.33")  # (77.33 + 90 + 56 + 30) / 4


def test_teacher_scores_and_previous_period(engine):
    a = engine.assessment("SCH-TEACHER", AS_OF)
    assert [(r.subject_id, str(r.score), r.rank) for r in a.rows] == [
        ("T1", "90.00", 1), ("T6", "80.00", 2), ("T5", "76.50", 3), ("T3", "73.00", 4), ("T4", "66.00", 5),
        ("T2", "55.00", 6)]
    # T2: 70 × 0.5, 骨干教师 ½ of 10, the accepted report 10, one of its two warnings answered: ½ of 10
    assert by_id(a)["T2"][2] == {"goals": "35.00", "grade": "5.00", "reports": "10.00", "warnings": "5.00"}
    assert by_id(a)["T4"][2]["reports"] == "5.00"  # submitted, not yet accepted
    t1 = a.rows[0]
    # 2025: 70 × 0.8 + 10 (名师) + no report + both yellow warnings unanswered
    assert t1.previous is not None and (str(t1.previous.score), str(t1.previous.delta)) == ("66.00", "24.00")
    earlier = engine.assessment("SCH-TEACHER", date(2025, 12, 31))
    for r in a.rows:
        then = next(x for x in earlier.rows if x.subject_id == r.subject_id)
        assert r.previous is not None and (r.previous.score, r.previous.rank) == (then.score, then.rank)
        assert r.previous.delta == r.score - then.score


def test_components_add_up_to_the_score(engine):
    for scheme in ("SCH-DEPT", "SCH-TEACHER", "SCH-TEACHER-TERM"):
        for r in engine.assessment(scheme, AS_OF).rows:
            assert sum((c.points for c in r.components), Decimal(0)) == r.score
            assert all(Decimal(0) <= c.points <= c.full for c in r.components)


def test_semester_scheme_scores_its_semester(engine):
    a = engine.assessment("SCH-TEACHER-TERM", AS_OF)
    assert (a.period.key, a.previous_period.key) == ("2026-02-01~2026-07-31", "2025-09-01~2026-01-31")
    assert [(r.subject_id, str(r.score), str(r.previous.score if r.previous else None)) for r in a.rows] == [
        ("T1", "100.00", "80.00"), ("T3", "90.00", "90.00"), ("T2", "50.00", "60.00")]  # JD's teachers only


def test_a_teacher_sees_their_own_score_and_the_aggregate(engine):
    mine = engine.for_principal(T2).assessment("SCH-TEACHER", AS_OF)
    assert [(r.subject_id, str(r.score), r.rank) for r in mine.rows] == [("T2", "55.00", 6)]
    assert (mine.count, mine.hidden, mine.mean) == (6, 5, engine.assessment("SCH-TEACHER", AS_OF).mean)
    # three teachers: the mean with their own score would reveal the two others' sum
    term = engine.for_principal(T2).assessment("SCH-TEACHER-TERM", AS_OF)
    assert ([r.subject_id for r in term.rows], term.count, term.mean) == (["T2"], 3, None)
    assert engine.for_principal(T2).assessment("SCH-DEPT", AS_OF).rows == []


def test_a_unit_head_sees_their_units_subjects(engine):
    view = engine.for_principal(JD_HEAD)
    teachers = view.assessment("SCH-TEACHER", AS_OF)
    assert ([r.subject_id for r in teachers.rows], teachers.mean) == (["T1", "T3", "T2"], None)
    assert [r.subject_id for r in view.assessment("SCH-DEPT", AS_OF).rows] == ["JD"]
    assert len(engine.for_principal(ADMIN).assessment("SCH-DEPT", AS_OF).rows) == 4


def test_unknown_scheme(engine):
    with pytest.raises(NotFoundError):
        engine.assessment("SCH-NONE", AS_OF)


def test_apportion_by_largest_remainder():
    assert apportion([Fraction(1, 3)] * 3) == (100, [34, 33, 33])
    assert apportion([Fraction(2, 3)] * 3) == (200, [67, 67, 66])
    assert apportion([Fraction(1, 200), Fraction(1, 200)]) == (1, [1, 0])  # 0.01 half-up, not 0.00 + 0.00
    total, parts = apportion([Fraction(70) * Fraction(1, 7), Fraction(10, 3), Fraction(5, 6)])
    assert (total, sum(parts)) == (1417, 1417)


def test_semesters_follow_the_college_calendar():
    assert scheme_period(AssessmentPeriod.SEMESTER, date(2026, 1, 10)).key == "2025-09-01~2026-01-31"
    assert scheme_period(AssessmentPeriod.SEMESTER, date(2026, 8, 15)).key == "2026-02-01~2026-07-31"
    own = [Semester(name="秋季学期", start="08-25", end="01-20"), Semester(name="春季学期", start="02-20",
                                                                     end="07-10")]
    assert scheme_period(AssessmentPeriod.SEMESTER, date(2026, 2, 1), own).key == "2025-08-25~2026-01-20"
    assert scheme_period(AssessmentPeriod.ANNUAL, date(2026, 2, 1), own).key == "2026"

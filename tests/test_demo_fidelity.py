"""The demo walked against the college's 诊改实施方案 (seed plan): 五纵 at every level, the unbroken
chain from the 第三次党代会报告 to every student's 年度成长目标, each level's monitoring frequency and
cycle, departments and 二级学院 as quality subjects with their spiral and report, 基本办学条件 as
黄牌/红牌, the 考核 schemes and the chain's links (分项规划, 人才培养方案, 授课计划, 课程考核标准,
年度任务, 分级分类, 质保委员会)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import DEMO_AS_OF, engine_for
from zhengai.app import create_app
from zhengai.domain.enums import (
    SUBJECT_UNIT_TYPES,
    Aggregate,
    Card,
    Frequency,
    Level,
    Recurrence,
    System,
    UnitType,
)
from zhengai.domain.models import Dataset
from zhengai.engine import Engine
from zhengai.engine.reports.data import diagnosis_report, report_kind
from zhengai.engine.spiral import spiral_view
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.queries import graphql_operations
from zhengai.security.tokens import AuthConfig, Principal, Role

DS: Dataset = load_dataset(demo_path())
DEPARTMENTS = sorted(u.id for u in DS.units.values() if u.type in SUBJECT_UNIT_TYPES)
#: §四(二): how often each level is monitored (学校 monthly, its surveys and 办学条件 yearly;
#: 课程建设 quarterly, 课程教学 half-monthly).
FREQUENCIES = {
    Level.SCHOOL: {Frequency.MONTHLY, Frequency.ANNUAL},
    Level.MAJOR: {Frequency.SEMESTER},
    Level.COURSE: {Frequency.QUARTERLY, Frequency.HALF_MONTHLY},
    Level.TEACHER: {Frequency.SEMESTER},
    Level.STUDENT: {Frequency.MONTHLY},
}
#: §四(二): each level's 8字螺旋 (cycle key, months, frequency) on a subject of the demo.
CYCLES = {
    "SCH": ("SCHOOL", 12, Frequency.MONTHLY),
    "JWC": ("SCHOOL", 12, Frequency.MONTHLY),  # a 职能部门 runs the school's yearly cycle
    "C-MECH": ("SCHOOL", 12, Frequency.MONTHLY),
    "MAJ-MECH": ("MAJOR", 36, Frequency.SEMESTER),
    "CRS-MOLD": ("COURSE_BUILD", 24, Frequency.QUARTERLY),  # 立项建设: the project period
    "CRS-CNC": ("COURSE_TEACH", 6, Frequency.HALF_MONTHLY),
    "TCH-01": ("TEACHER", 36, Frequency.SEMESTER),
    "STU-001": ("STUDENT", 6, Frequency.MONTHLY),
}


def _up_to_school(goal_id: str) -> bool:
    """Whether SUPPORTS links lead from ``goal_id`` to a 学校发展目标 (S-*) whose plans reach the
    党代会报告."""
    seen, stack = set(), [goal_id]
    while stack:
        g = DS.goals[stack.pop()]
        if g.id.startswith("S-") and any(_plan_reaches_congress(p) for p in g.derived_from):
            return True
        for link in g.supports:
            if link.goal not in seen:
                seen.add(link.goal)
                stack.append(link.goal)
    return False


def _plan_reaches_congress(plan_id: str) -> bool:
    while plan_id != "PL-CONGRESS3":
        parent = DS.plans[plan_id].parent
        if parent is None:
            return False
        plan_id = parent
    return True


# -- the dataset (no store involved) -------------------------------------------------------------------

def test_the_chain_is_unbroken_for_every_student() -> None:
    students = [s for s in DS.subjects.values() if s.level is Level.STUDENT]
    assert len(students) == 12
    for s in students:
        year_goal = DS.goals[f"G-{s.id}-Y26"]
        assert year_goal.subject == s.id and "年度成长目标" in year_goal.name
        assert any(link.goal == year_goal.id for m in DS.metrics.values() for link in m.measures)
        assert _up_to_school(year_goal.id), s.id
        assert all(_plan_reaches_congress(p) for p in year_goal.derived_from)


def test_every_goal_reaches_the_school_targets() -> None:
    broken = [g for g in DS.goals if not _up_to_school(g)]
    assert not broken


def test_each_level_is_monitored_as_the_plan_says() -> None:
    level_of = {g.id: g.level for g in DS.goals.values()}
    for m in DS.metrics.values():
        levels = {level_of[link.goal] for link in m.measures}
        for level in levels:
            assert m.frequency in FREQUENCIES[level], (m.id, level, m.frequency)


def test_the_chain_has_the_plans_missing_links() -> None:
    plans = DS.plans
    for code in ("C-MECH", "C-ELEC", "C-CHEM", "C-ECON", "C-ARCH"):  # 二级学院分项规划
        assert plans[f"PL-COL-{code}"].parent == "PL-5Y-MAJOR" and plans[f"PL-COL-{code}"].subject == code
    majors = [s for s in DS.subjects.values() if s.level is Level.MAJOR]
    for m in majors:
        short = m.id.split("-", 1)[1]
        assert plans[f"PL-MAJ-{short}"].parent == f"PL-COL-{m.unit}"
        assert plans[f"PL-MAJ-{short}-TP"].type == "人才培养方案"
        assert plans[f"PL-MAJ-{short}-IMPL"].type == "实施性建设方案"
    for c in (s for s in DS.subjects.values() if s.level is Level.COURSE):
        assert plans[f"PL-{c.id}-TEACH"].type == "授课计划" and plans[f"PL-{c.id}-TEACH"].subject == c.id
        exam = DS.standards[f"STD-{c.id}-EXAM"]
        assert exam.subject == c.id and exam.specifies
    for t in (s for s in DS.subjects.values() if s.level is Level.TEACHER):
        assert t.title and t.grade and t.track and t.post and t.term is not None  # 分级分类, 聘期
        annual = DS.goals[f"G-{t.id}-Y26"]  # 年度任务 under the 聘期 goal
        assert [link.goal for link in annual.supports] == [f"G-{t.id}"]
    decomposition = DS.tasks["T26-01"]
    assert decomposition.recurrence is Recurrence.YEARLY
    assert (decomposition.start.month, decomposition.due.month) == (1, 3)  # 每年1月开始、3月完成
    committee, workgroup = DS.units["ZBWYH"], DS.units["ZGZ"]
    assert committee.type is UnitType.COMMITTEE and "ZGB" in committee.members
    assert workgroup.type is UnitType.WORKGROUP and workgroup.parent == "ZBWYH"
    assert DS.subjects["SCH"].semesters  # the college calendar


def test_the_schemes_score_departments_majors_and_teachers() -> None:
    schemes = DS.schemes
    assert set(schemes) == {"KH-DEPT", "KH-MAJOR", "KH-TEACHER"}
    assert set(schemes["KH-DEPT"].unit_types) == {UnitType.OFFICE, UnitType.COLLEGE}
    assert schemes["KH-MAJOR"].level is Level.MAJOR and schemes["KH-TEACHER"].level is Level.TEACHER
    for s in schemes.values():
        assert s.full_marks == 100
    grades = next(c for c in schemes["KH-TEACHER"].components if c.field == "grade").values
    assert {t.grade for t in DS.subjects.values() if t.level is Level.TEACHER} <= set(grades)


def test_every_department_has_its_yearly_goals() -> None:
    assert len(DEPARTMENTS) == 20
    for code in DEPARTMENTS:
        goal = DS.goals[f"D26-{code}"]
        assert goal.subject == code and goal.owner == code and goal.level is Level.SCHOOL
        assert sum(1 for m in DS.metrics.values() for link in m.measures if link.goal == goal.id) >= 1


# -- on both stores -----------------------------------------------------------------------------------------

def test_all_twenty_five_cells_are_filled(demo_engine: Engine) -> None:
    cells = demo_engine.quality_network(DEMO_AS_OF)
    assert len(cells) == 25
    empty = [(c.system.value, c.level.value) for c in cells if not c.goal_count or not c.metric_count]
    assert not empty
    assert all(c.attainment is not None for c in cells)  # every cell has data


def test_a_goal_in_two_systems_counts_in_both(demo_engine: Engine) -> None:
    for system in (System.SUPERVISION, System.DECISION):
        assert "A26-ZG" in demo_engine.goal_ids(Level.SCHOOL, None, None, DEMO_AS_OF, system=system)
    assert "A26-ZG" not in demo_engine.goal_ids(Level.SCHOOL, None, None, DEMO_AS_OF, system=System.RESOURCE)


@pytest.mark.parametrize("subject_id", sorted(CYCLES))
def test_each_level_runs_its_cycle(demo_engine: Engine, subject_id: str) -> None:
    view = spiral_view(demo_engine, subject_id, DEMO_AS_OF)
    assert (view.rule.key, view.rule.months, view.frequency) == CYCLES[subject_id]


def test_every_department_has_a_spiral_and_a_report(demo_engine: Engine) -> None:
    for code in DEPARTMENTS:
        view = spiral_view(demo_engine, code, DEMO_AS_OF)
        assert view.subject.id == code and view.latest_monitoring is not None
        report = diagnosis_report(demo_engine, code, DEMO_AS_OF)
        assert report_kind(report.subject) == "DEPARTMENT"
        assert any(line.goal.id == f"D26-{code}" for line in report.goals)
    warned = {w.node_id for w in demo_engine.warnings(DEMO_AS_OF)}
    assert {"M-D26-C-ARCH-TASK", "M-D26-XXZX-TASK"} <= warned  # below their floor of 80 %


def test_basic_conditions_carry_a_yellow_card(demo_engine: Engine) -> None:
    goal = demo_engine.goal("A26-FACBASE", DEMO_AS_OF)
    assert goal.aggregate is Aggregate.CARDS
    verdict = demo_engine.card("A26-FACBASE", DEMO_AS_OF)
    assert verdict.card is Card.YELLOW and verdict.below == 1  # 生师比 18.4 above the limit 18
    assert verdict.card_years == 2  # a 黄牌 in 2025 too: one more year makes it a 红牌


# -- the department's report over HTTP, by scope (privacy on both stores) --------------------------------

AUTH = AuthConfig(secret="demo-fidelity-test-secret-of-32-bytes-or-more")
WHO = {
    "jwc_head": Principal("head-jwc", roles=frozenset({Role.UNIT_HEAD}), unit="JWC"),
    "xgc_head": Principal("head-xgc", roles=frozenset({Role.UNIT_HEAD}), unit="XGC"),
    "student": Principal("stu-001", roles=frozenset({Role.STUDENT}), subject="STU-001"),
    "admin": Principal("admin-1", roles=frozenset({Role.ADMIN})),
}
REPORT = graphql_operations()["diagnosis_report"]


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def served(request) -> Iterator[TestClient]:
    yield TestClient(create_app(engine_for(request, request.param, demo_path()), auth=AUTH))


def _ask(client: TestClient, who: str, subject_id: str) -> dict[str, Any]:
    p = WHO[who]
    token = AUTH.issue(next(iter(p.roles)), p.sub, 3600, unit=p.unit, subject=p.subject)
    response = client.post("/graphql", json={"query": REPORT, "variables": {"subjectId": subject_id}},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("who", ["jwc_head", "admin"])
def test_the_department_report_is_read_by_its_head_and_the_admin(served: TestClient, who: str) -> None:
    body = _ask(served, who, "JWC")
    assert not body.get("errors"), body["errors"]
    report = body["data"]["diagnosisReport"]
    assert report["subject"]["id"] == "JWC" and "部门诊改报告" in report["title"]
    assert "D26-JWC" in {g["goal"]["id"] for g in report["goals"]}


@pytest.mark.parametrize("who", ["xgc_head", "student"])
def test_another_unit_or_a_student_cannot_read_the_department_report(served: TestClient, who: str) -> None:
    body = _ask(served, who, "JWC")
    assert {e["extensions"]["code"] for e in body["errors"]} == {"NOT_FOUND"}
    assert "D26-JWC" not in str(body.get("data"))

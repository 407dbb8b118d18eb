"""Who may edit what (数据权限 for writes): a role × change matrix on both stores. Allowed changes are
checked as dry runs (the whole plan, permissions included, without writing); a refused edit that names
a hidden node reads exactly like one naming a node that does not exist."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import dataset_copy, engine_for
from tests.test_scopes import AUTH, token
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import demo_path
from zhengai.stores import EmbeddedStore

APPLY = """mutation($changes: [ChangeInput!]!, $from: Date, $dry: Boolean! = true) {
  applyChanges(changes: $changes, effectiveFrom: $from, dryRun: $dry) { version changed { id op } } }"""
OK, FORBIDDEN, UNKNOWN = "ok", "FORBIDDEN", "BAD_USER_INPUT"


def goal(i: str, **fields: Any) -> dict[str, Any]:
    return {"upsertGoal": {"id": i, **fields}}


STUDENT_Y27 = goal("STU-001-Y27", name="张子涵2027年度成长目标", level="STUDENT", subject="STU-001",
                   owner="C-MECH", supports=[{"goal": "G-STU-001-3Y", "weight": 1}])
STUDENT_METRIC = {"upsertMetric": {"id": "STU-001-Y27-PTS", "name": "2027年度综合测评得分", "target": 90,
                                   "measures": [{"goal": "STU-001-Y27", "weight": 1}]}}
TEACHER_Y27 = goal("TCH-01-Y27", name="王建国2027年度任务", level="TEACHER", subject="TCH-01", owner="C-MECH",
                   supports=[{"goal": "G-TCH-01", "weight": 1}])

#: (who, changes, expected outcome)
CASES: list[tuple[str, list[dict[str, Any]], str]] = [
    ("admin", [{"upsertUnit": {"id": "JWC", "leader": "分管教学校领导"}}], OK),
    ("admin", [goal("S-EMP", name="毕业生就业质量稳居全省前列（修订）")], OK),
    ("leader", [goal("S-EMP", name="改")], FORBIDDEN),
    ("data", [goal("S-EMP", name="改")], FORBIDDEN),
    ("unit_head", [goal("G-MAJ-MECH", description="机电一体化技术专业建设目标（修订）")], OK),
    ("unit_head", [{"upsertSubject": {"id": "TCH-01", "name": "王建国"}}], OK),
    ("unit_head", [goal("C-MECH-G27", name="机械工程学院2027年度目标", level="MAJOR", owner="C-MECH",
                        supports=[{"goal": "S-MAJOR", "weight": 1}])], OK),
    ("unit_head", [goal("S-EMP", name="改")], FORBIDDEN),
    ("unit_head", [{"upsertUnit": {"id": "C-MECH", "name": "机械学院"}}], FORBIDDEN),
    ("unit_head", [goal("X-G27", name="别人的编号", level="MAJOR", owner="C-MECH")], FORBIDDEN),
    ("unit_head", [goal("G-MAJ-MECH", owner="C-CHEM")], FORBIDDEN),
    ("unit_head", [goal("G-STU-003-Y26", name="别院学生的目标")], FORBIDDEN),  # hidden: as if new
    ("teacher", [goal("G-TCH-01", description="聘期目标（修订）")], OK),
    ("teacher", [TEACHER_Y27], OK),
    ("teacher", [goal("G-CRS-CNC", name="改课程目标")], FORBIDDEN),
    ("teacher", [goal("G-STU-001-Y26", name="学生的目标")], FORBIDDEN),
    ("student", [STUDENT_Y27, STUDENT_METRIC], OK),
    ("student", [{"link": {"kind": "SUPPORTS", "source": "G-STU-001-Y26", "target": "G-MAJ-MECH"}}], OK),
    ("student", [STUDENT_Y27, {"retire": {"id": "STU-001-Y27"}}], OK),
    ("student", [{"retire": {"id": "G-STU-001-Y26", "cascade": True}}], FORBIDDEN),  # the unit's metrics
    ("student", [goal("G-STU-002-Y26", name="别人的目标")], FORBIDDEN),
    ("student", [{"link": {"kind": "SUPPORTS", "source": "G-STU-001-Y26", "target": "G-STU-002-3Y"}}],
     UNKNOWN),
    ("student", [goal("G-STU-001-Y26", subject="STU-002")], FORBIDDEN),
    ("student", [goal("G-MAJ-MECH", name="改专业目标")], FORBIDDEN),
    ("student", [goal("S-EMP", name="改")], FORBIDDEN),  # hidden: creating it is not theirs either
    ("student", [goal("STU-002-Y27", name="冒名", level="STUDENT", subject="STU-001")], FORBIDDEN),
    ("student", [{"upsertMetric": {"id": "M-STU-001-ATT", "target": 60}}], FORBIDDEN),  # the unit's
    ("student", [{"retire": {"id": "G-STU-002-Y26"}}], UNKNOWN),
]


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def served(request) -> Iterator[TestClient]:
    if request.param == "embedded":
        yield TestClient(create_app(Engine(EmbeddedStore(dataset_copy(demo_path()))), auth=AUTH))
        return
    request.getfixturevalue("neo4j_datasets").forget()
    engine = engine_for(request, "neo4j", demo_path())
    yield TestClient(create_app(Engine(engine.store), auth=AUTH))
    request.getfixturevalue("neo4j_datasets").forget()


def run(client: TestClient, who: str, changes: list[dict[str, Any]], **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": APPLY, "variables": {"changes": changes, **variables}},
                           headers={"Authorization": f"Bearer {token(who)}"})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("who", "changes", "expected"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_role_change_matrix(served, who, changes, expected):
    body = run(served, who, changes)
    if expected == OK:
        assert not body.get("errors"), body
        assert body["data"]["applyChanges"]["changed"]
    else:
        assert body.get("data") is None, body
        assert body["errors"][0]["extensions"]["code"] == expected, body


@pytest.mark.parametrize("change", [
    lambda i: goal(i, name="x"),
    lambda i: {"link": {"kind": "SUPPORTS", "source": "G-STU-001-Y26", "target": i}},
    lambda i: {"unlink": {"kind": "SUPPORTS", "source": i, "target": "G-MAJ-MECH"}},
    lambda i: {"retire": {"id": i}},
])
def test_a_hidden_id_reads_exactly_like_a_missing_one(served, change):
    hidden = run(served, "student", [change("G-STU-002-Y26")])["errors"][0]
    missing = run(served, "student", [change("G-STU-999-Y26")])["errors"][0]
    assert str(hidden).replace("G-STU-002-Y26", "ID") == str(missing).replace("G-STU-999-Y26", "ID")
    assert "李浩然" not in str(hidden)


def test_a_refused_retire_names_no_hidden_dependant(served):
    """G-MAJ-MECH is named by other students' goals: the student learns nothing about them."""
    for cascade in (False, True):
        body = run(served, "student", [{"retire": {"id": "G-MAJ-MECH", "cascade": cascade}}])
        error = body["errors"][0]
        assert error["extensions"]["code"] == FORBIDDEN
        assert "G-STU-002" not in str(error) and "李浩然" not in str(error)


def test_a_scoped_editor_cannot_backdate(served):
    body = run(served, "student", [STUDENT_Y27], **{"from": (date.today() - timedelta(days=1)).isoformat()})
    assert body["errors"][0]["extensions"]["code"] == FORBIDDEN
    assert "before today" in body["errors"][0]["message"]


def test_a_student_really_adds_an_annual_goal_they_then_see(served):
    done = run(served, "student", [STUDENT_Y27, STUDENT_METRIC], dry=False)["data"]["applyChanges"]
    assert {c["id"] for c in done["changed"]} == {"STU-001-Y27", "STU-001-Y27-PTS"}
    q = '{ goal(id: "STU-001-Y27") { name parents { id } metrics { id } } }'
    mine = served.post("/graphql", json={"query": q}, headers={"Authorization": f"Bearer {token('student')}"})
    assert mine.json()["data"]["goal"]["metrics"] == [{"id": "STU-001-Y27-PTS"}]
    other = served.post("/graphql", json={"query": q.replace("STU-001", "STU-001")},
                        headers={"Authorization": f"Bearer {token('teacher')}"})
    assert other.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # another person's goal

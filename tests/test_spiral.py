"""8字质量改进螺旋: cycles per level, stages, improvements answering warnings — on both stores."""

from __future__ import annotations

import shutil
import signal
from datetime import date

import httpx
import pytest

from tests.conftest import client_for
from tests.test_ingest import _serve
from zhengai.domain.spiral import Stage, calendar_cycle, cycle_rule, next_stage
from zhengai.engine import Engine
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.stores import EmbeddedStore

SPIRAL = """query($s: ID!) { spiral(subjectId: $s, asOf: "2026-11-20") { level cycleName cycleStart cycleEnd
  monitoringFrequency stage stageName rounds stages { stage current done } latestMonitoring
  unansweredWarnings openWarnings { id } improvements { id measure ownerUnitId due answers done } } }"""
ADVANCE = "mutation($s: ID!, $to: Stage) { advanceStage(subjectId: $s, to: $to) { stage stageName rounds } }"
IMPROVE = """mutation($s: ID!, $m: String!, $o: ID, $a: [ID!], $id: ID, $done: Boolean! = false) {
  recordImprovement(subjectId: $s, measure: $m, ownerUnitId: $o, due: "2026-12-31", answers: $a, id: $id,
                    done: $done) { id measure ownerUnitId due answers done } }"""


@pytest.fixture
def spiral_gql(request, store_kind):
    """The demo on a store of its own state: the test writes spiral events."""
    if store_kind == "neo4j":
        datasets = request.getfixturevalue("neo4j_datasets")
        store = datasets.store
        store.driver.execute_query("MATCH (e:Event) DETACH DELETE e", database_=store.settings.database)
        datasets.forget()
        yield client_for(datasets.engine(demo_path()))
        store.driver.execute_query("MATCH (e:Event) DETACH DELETE e", database_=store.settings.database)
        datasets.forget()
    else:
        yield client_for(Engine(EmbeddedStore(load_dataset(demo_path()))))


def test_cycles_and_frequencies_follow_the_plan():
    from zhengai.domain.enums import Level

    levels = (Level.SCHOOL, Level.MAJOR, Level.TEACHER, Level.STUDENT)
    assert [cycle_rule(lv).frequency.value for lv in levels] == ["MONTHLY", "SEMESTER", "SEMESTER", "MONTHLY"]
    assert cycle_rule(Level.COURSE, "立项建设").frequency.value == "QUARTERLY"
    assert cycle_rule(Level.COURSE, "在线开放").frequency.value == "HALF_MONTHLY"
    semester, year = cycle_rule(Level.STUDENT), cycle_rule(Level.SCHOOL)
    assert calendar_cycle(semester, date(2026, 11, 20)) == (date(2026, 9, 1), date(2027, 1, 31))
    assert calendar_cycle(semester, date(2026, 3, 2)) == (date(2026, 2, 1), date(2026, 7, 31))
    assert calendar_cycle(year, date(2026, 3, 2)) == (date(2026, 1, 1), date(2026, 12, 31))
    assert next_stage(Stage.IMPROVE) is Stage.GOAL and next_stage(Stage.GOAL) is Stage.STANDARD


def test_spiral_of_a_student_and_the_school(spiral_gql):
    s = spiral_gql(SPIRAL, s="STU-007")["spiral"]
    assert (s["level"], s["monitoringFrequency"], s["stage"], s["stageName"]) == ("STUDENT", "MONTHLY",
                                                                                   "IMPLEMENT", "实施")
    assert [st["stage"] for st in s["stages"] if st["done"]] == ["GOAL", "STANDARD", "DESIGN", "ORGANISE"]
    assert s["openWarnings"] and s["unansweredWarnings"] == len(s["openWarnings"])
    assert s["latestMonitoring"] <= "2026-11-20"
    school = spiral_gql(SPIRAL, s="SCH")["spiral"]
    assert (school["level"], school["monitoringFrequency"]) == ("SCHOOL", "MONTHLY")


def test_advance_stage_and_record_improvements(spiral_gql):
    assert spiral_gql(ADVANCE, s="STU-007")["advanceStage"]["stageName"] == "诊断"
    assert spiral_gql(ADVANCE, s="STU-007", to="IMPROVE")["advanceStage"]["stage"] == "IMPROVE"
    assert spiral_gql(ADVANCE, s="STU-007")["advanceStage"] == {"stage": "GOAL", "stageName": "目标",
                                                                  "rounds": 1}
    warnings = [w["id"] for w in spiral_gql(SPIRAL, s="STU-007")["spiral"]["openWarnings"]]
    made = spiral_gql(IMPROVE, s="STU-007", m="班主任每周约谈，跟踪到课", o="C-MECH", a=warnings[:2])
    made = made["recordImprovement"]
    assert made["answers"] == warnings[:2] and made["done"] is False and made["ownerUnitId"] == "C-MECH"
    spiral_gql(IMPROVE, s="STU-007", m="班主任每周约谈，跟踪到课", o="C-MECH", a=warnings[:2], id=made["id"],
               done=True)
    after = spiral_gql(SPIRAL, s="STU-007")["spiral"]
    assert after["unansweredWarnings"] == len(warnings) - 2
    assert [(i["id"], i["done"]) for i in after["improvements"]] == [(made["id"], True)]


@pytest.mark.parametrize(("query", "needle"), [
    ('{ spiral(subjectId: "NOPE") { stage } }', "unknown subject id 'NOPE'"),
    ('mutation { advanceStage(subjectId: "STU-007", to: IMPLEMENT) { stage } }', "already at 实施"),
    ('mutation { recordImprovement(subjectId: "STU-007", measure: " ") { id } }', "must not be empty"),
    ('mutation { recordImprovement(subjectId: "STU-007", measure: "x", ownerUnitId: "X") { id } }',
     "unknown unit id 'X'"),
])
def test_bad_spiral_requests(spiral_gql, query, needle):
    assert needle in spiral_gql.raw(query)["errors"][0]["message"]


def test_spiral_state_survives_kill_9(tmp_path):
    folder = shutil.copytree(demo_path(), tmp_path / "data")
    proc, url = _serve(folder, tmp_path / "state")
    try:
        body = httpx.post(f"{url}/graphql", json={"query": ADVANCE, "variables": {"s": "STU-007"}}).json()
        assert body["data"]["advanceStage"]["stage"] == "DIAGNOSE"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    proc, url = _serve(folder, tmp_path / "state")
    try:
        got = httpx.post(f"{url}/graphql", json={"query": SPIRAL, "variables": {"s": "STU-007"}}).json()
        assert got["data"]["spiral"]["stage"] == "DIAGNOSE"
    finally:
        proc.terminate()
        proc.wait()

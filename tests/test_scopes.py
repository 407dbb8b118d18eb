"""Roles × operations on the demo college, on both stores: what each role may run, what its scope hides
(a hidden id reads as unknown) and what it folds into "其他 N 项" with exact numbers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import DEMO_AS_OF, engine_for
from zhengai.app import create_app
from zhengai.domain.enums import Aggregate
from zhengai.engine import Engine
from zhengai.graph_loader import demo_path
from zhengai.security.tokens import AuthConfig, Principal, Role

OK, FORBIDDEN, HIDDEN = "ok", "FORBIDDEN", "NOT_FOUND"
AUTH = AuthConfig(secret="scope-test-secret-of-at-least-32-bytes", issuer="zhengai-test")
AS_OF = DEMO_AS_OF.isoformat()
PRINCIPALS: dict[str, dict[str, Any]] = {
    "admin": {"role": Role.ADMIN},
    "leader": {"role": Role.LEADER},
    "data": {"role": Role.DATA_SERVICE},
    "unit_head": {"role": Role.UNIT_HEAD, "unit": "C-MECH"},  # 机械工程学院
    "teacher": {"role": Role.TEACHER, "subject": "TCH-01"},  # 王建国: courses CRS-CNC, CRS-MECHDRAW
    "student": {"role": Role.STUDENT, "subject": "STU-001"},  # 张子涵
}


def token(who: str) -> str:
    p = dict(PRINCIPALS[who])
    return AUTH.issue(p.pop("role"), f"{who}-1", 3600, **p)


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def served(request) -> Iterator[TestClient]:
    """The demo college served with authentication; a module of its own so its changes stay here."""
    if request.param == "embedded":
        from zhengai.graph_loader import load_dataset
        from zhengai.stores import EmbeddedStore

        yield TestClient(create_app(Engine(EmbeddedStore(load_dataset(demo_path()))), auth=AUTH))
        return
    engine = engine_for(request, "neo4j", demo_path())
    yield TestClient(create_app(engine, auth=AUTH))
    request.getfixturevalue("neo4j_datasets").forget()  # spiral changes made here: reload next time


def ask(client: TestClient, who: str, query: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token(who)}"}
    response = client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def codes(body: dict[str, Any]) -> set[str]:
    return {e.get("extensions", {}).get("code") for e in body.get("errors") or []}


A = f'asOf: "{AS_OF}"'
GOAL = '{ goal(id: "%s") { id name attainment status } }'
METRIC = '{ metric(id: "%s") { id name value history { at value } } }'
TRACE = ('{ traceImpact(metricId: "%s", ' + A + ') { targets { goal { id } sensitivity paths { nodeIds } } '
         'pathCount others { count sensitivity } } }')
GAP = ('{ explainGap(goalId: "%s", ' + A + ', top: 100) { gap contributors { metric { id } contribution } '
       'others { label count contribution } } }')
SIMULATE = ('{ simulate(changes: [{metricId: "%s", value: 99}], ' + A + ') { changes { goal { id } } '
            'others { count } } }')
GRAPH = ('{ graph(rootId: "%s", depth: 2, ' + A + ') { nodes { id kind label folded { count } } '
         'edges { source target } } }')
REPORT = '{ diagnosisReport(subjectId: "%s", ' + A + ') { markdown } }'
CHILDREN = ('{ goal(id: "%s") { children { id } metrics { id } others(' + A + ') '
            '{ count weight coverage attainment } attainment(' + A + ') } }')
RECORD = 'mutation { recordObservations(observations: [{metricId: "M-MAJ-MECH-EMP", at: "2026-01-20", ' \
         'value: 95.8}]) { received changed } }'  # the demo's own value: a no-op when allowed
ADVANCE = 'mutation { advanceStage(subjectId: "%s") { stage } }'
KIND_ADVANCE = 'mutation { advanceStage(subjectId: "%s", kind: %s) { stage } }'
IMPROVE = 'mutation { recordImprovement(subjectId: "%s", measure: "加强过程监测") { id } }'
AUDIT = '{ auditLog(first: 5) { operation } }'
WARNINGS = '{ warnings(asOf: "' + AS_OF + '") { nodeId } }'
UNIT_HEAD_GOALS = {  # what the head of 机械工程学院 sees: the unit's goals and the aggregates above
    "A26-COURSE", "A26-MAJOR", "A26-TEAM", "A26-ZG", "D26-C-MECH", "G-CRS-CNC", "G-CRS-MECHDRAW",
    "G-CRS-MOLD", "G-MAJ-MECH", "G-MAJ-MOLD", "G-STU-001-3Y", "G-STU-001-Y26", "G-STU-002-3Y",
    "G-STU-002-Y26", "G-STU-007-3Y", "G-STU-007-Y26", "G-TCH-01", "G-TCH-01-Y26", "G-TCH-02",
    "G-TCH-02-Y26", "S-FACULTY", "S-GOV", "S-MAJOR", "S-TEACH",
    *(f"{g}-{s}" for g in ("G-CRS-CNC", "G-MAJ-MECH", "G-STU-001", "G-TCH-01")
      for s in ("DEC", "RES", "SUP", "SUV"))}  # the 五纵 goals of the unit's subjects
ONE_PAGE = '{ onePage(unitId: "%s", ' + A + ') { tasks { name goalIds } goals { goal { id } } } }'
VIEWER = "{ viewer { sub roles scoped ownSubjects { id name } } }"
NETWORK = '{ qualityNetwork(asOf: "' + AS_OF + '") { cells { goalCount } } }'


def folded_gap_is_exact(data: dict[str, Any]) -> None:
    gap = data["explainGap"]
    assert gap["others"] and gap["others"]["count"] > 0 and gap["others"]["label"].startswith("其他")
    total = sum(c["contribution"] for c in gap["contributors"]) + gap["others"]["contribution"]
    assert total == pytest.approx(gap["gap"], abs=1e-9)  # Σ contributions = 1 − a, hidden ones folded


def folded_children_are_exact(data: dict[str, Any]) -> None:
    """Hidden children are folded (their exact recombination: test_folded_children_recombine_to_the_goal)."""
    others = data["goal"]["others"]
    assert others and others["count"] > 0 and others["weight"] > 0 and others["attainment"] is not None


def only(*ids: str) -> Callable[[dict[str, Any]], None]:
    def check(data: dict[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=False)
        for i in ids:
            assert i in text
    return check


def goals_total(n_min: int, n_max: int, query: str) -> tuple[str, str, Callable[[dict[str, Any]], None]]:
    def check(data: dict[str, Any]) -> None:
        assert n_min <= data["goals"]["totalCount"] <= n_max, data
    return query, OK, check


def folded_nodes(data: dict[str, Any]) -> list[dict[str, Any]]:
    found = [n for n in data["graph"]["nodes"] if n["kind"] == "Folded"]
    assert all(n["folded"]["count"] > 0 and n["label"] == f"其他 {n['folded']['count']} 项" for n in found)
    return found


STUDENT_GOALS = '{ goals(level: STUDENT, first: 100) { totalCount edges { node { id } } } }'
CASES: list[tuple[str, str, str, Callable[[dict[str, Any]], None] | None]] = [
    # ADMIN: everything
    ("admin", GOAL % "G-STU-002-3Y", OK, None),
    ("admin", GAP % "S-MAJOR", OK, lambda d: d["explainGap"]["others"] is None),
    ("admin", RECORD, OK, None),
    ("admin", AUDIT, OK, None),
    ("admin", VIEWER, OK, lambda d: not d["viewer"]["scoped"] and d["viewer"]["roles"] == ["ADMIN"]),
    ("admin", *goals_total(10, 100, STUDENT_GOALS)),
    # LEADER: reads everything, changes nothing, no audit log
    ("leader", GOAL % "G-STU-002-3Y", OK, None),
    ("leader", GRAPH % "G-MAJ-MECH", OK, lambda d: not folded_nodes(d)),
    ("leader", RECORD, FORBIDDEN, None),
    ("leader", ADVANCE % "SCH", FORBIDDEN, None),
    ("leader", AUDIT, FORBIDDEN, None),
    # DATA_SERVICE: records observations only
    ("data", RECORD, OK, None),
    ("data", GOAL % "S-MAJOR", FORBIDDEN, None),
    ("data", WARNINGS, FORBIDDEN, None),
    ("data", AUDIT, FORBIDDEN, None),
    # STUDENT 张子涵: own goals and metrics, the aggregates above, nobody else
    ("student", GOAL % "G-STU-001-3Y", OK, None),
    ("student", GOAL % "G-MAJ-MECH", OK, None),  # an aggregate above
    ("student", GOAL % "G-STU-002-3Y", HIDDEN, None),  # a classmate
    ("student", GOAL % "G-TCH-01", HIDDEN, None),  # a teacher
    ("student", GOAL % "G-MAJ-ELEC", HIDDEN, None),  # not above them
    ("student", METRIC % "M-STU-001-PTS", OK, None),
    ("student", METRIC % "M-STU-002-PTS", HIDDEN, None),
    ("student", TRACE % "M-STU-001-PTS", OK, only("G-STU-001-3Y")),
    ("student", TRACE % "M-STU-002-PTS", HIDDEN, None),
    ("student", GAP % "S-MAJOR", OK, folded_gap_is_exact),
    ("student", GAP % "G-STU-002-3Y", HIDDEN, None),
    ("student", SIMULATE % "M-STU-001-PTS", OK, only("G-STU-001-Y26")),
    ("student", SIMULATE % "M-STU-002-PTS", HIDDEN, None),  # simulating outside the scope is refused
    ("student", GRAPH % "G-MAJ-MECH", OK, folded_nodes),
    ("student", CHILDREN % "G-MAJ-MECH", OK, folded_children_are_exact),
    ("student", REPORT % "STU-001", OK, only("张子涵")),
    ("student", REPORT % "STU-002", HIDDEN, None),
    ("student", *goals_total(6, 6, STUDENT_GOALS)),  # 三年、年度 and the four 五纵 goals
    ("student", WARNINGS, OK, None),
    ("student", NETWORK, OK, lambda d: sum(c["goalCount"] for c in d["qualityNetwork"]["cells"]) <= 14),
    ("student", RECORD, FORBIDDEN, None),
    ("student", AUDIT, FORBIDDEN, None),
    ("student", IMPROVE % "STU-001", OK, None),  # their own 8字螺旋
    ("student", ADVANCE % "SCH", FORBIDDEN, None),  # visible, but not theirs
    ("student", ADVANCE % "STU-002", HIDDEN, None),
    ('student', '{ spiral(subjectId: "STU-002") { stage } }', HIDDEN, None),
    # TEACHER 王建国: own goals, their courses', the aggregates above; no student, no colleague
    ("teacher", GOAL % "G-TCH-01", OK, None),
    ("teacher", GOAL % "G-CRS-CNC", OK, None),  # their course
    ("teacher", GOAL % "G-TCH-02", HIDDEN, None),
    ("teacher", GOAL % "G-STU-001-3Y", HIDDEN, None),  # a student of their course
    ("teacher", GAP % "G-CRS-CNC", OK, folded_gap_is_exact),
    ("teacher", CHILDREN % "G-CRS-CNC", OK, folded_children_are_exact),
    ("teacher", SIMULATE % "M-TCH-02-TRAIN", HIDDEN, None),
    ("teacher", REPORT % "CRS-CNC", OK, None),
    ("teacher", *goals_total(0, 0, STUDENT_GOALS)),
    ("teacher", *goals_total(5, 5, '{ goals(subjectId: "CRS-CNC") { totalCount } }')),  # their course's
    ("teacher", *goals_total(0, 0, '{ goals(subjectId: "STU-001") { totalCount } }')),  # not a student's
    ("teacher", ADVANCE % "CRS-CNC", OK, None),
    ("teacher", KIND_ADVANCE % ("CRS-CNC", "COURSE_BUILD"), OK, None),  # their course's other spiral
    ("teacher", KIND_ADVANCE % ("CRS-JAVA", "COURSE_BUILD"), HIDDEN, None),  # another teacher's course
    ("student", KIND_ADVANCE % ("CRS-CNC", "COURSE_TEACH"), FORBIDDEN, None),  # visible, but not theirs
    ("student", '{ spiral(subjectId: "STU-002", kind: STUDENT) { stage } }', HIDDEN, None),
    ("teacher", RECORD, FORBIDDEN, None),
    ("teacher", VIEWER, OK, lambda d: d["viewer"]["scoped"] and {s["id"] for s in d["viewer"]["ownSubjects"]}
     == {"TCH-01", "CRS-CNC", "CRS-MECHDRAW"}),
    # UNIT_HEAD of 机械工程学院: the unit's subjects, goals and metrics, the aggregates above
    ("unit_head", GOAL % "G-STU-001-3Y", OK, None),
    ("unit_head", GOAL % "G-MAJ-ELEC", HIDDEN, None),
    ("unit_head", METRIC % "M-MAJ-ELEC-EMP", HIDDEN, None),
    ("unit_head", REPORT % "MAJ-ELEC", HIDDEN, None),
    ("unit_head", GAP % "S-MAJOR", OK, folded_gap_is_exact),
    ("unit_head", REPORT % "SCH", OK, only("权限范围之外，已合并为匿名汇总")),  # folded in the 诊改报告 too
    ("unit_head", '{ goals(unitId: "C-ELEC") { totalCount } }', OK, lambda d: d["goals"]["totalCount"] == 0),
    ("unit_head", ONE_PAGE % "JWC", OK,  # 教务处's tasks that advance a goal they see name only those goals
     lambda d: {g for t in d["onePage"]["tasks"] for g in t["goalIds"]} <= UNIT_HEAD_GOALS),
    ("unit_head", IMPROVE % "MAJ-MECH", OK, None),
    ("unit_head", RECORD, FORBIDDEN, None),
]


def _case_id(i: int, case: tuple) -> str:
    return f"{case[0]}-{i}-{re.sub(r'[^A-Za-z]+', '', case[1])[:24]}"


@pytest.mark.parametrize(("who", "query", "expect", "check"), CASES,
                         ids=[_case_id(i, c) for i, c in enumerate(CASES)])
def test_role_operation_matrix(served, who, query, expect, check):
    body = ask(served, who, query)
    if expect == OK:
        assert not body.get("errors"), body["errors"]
        if check:
            verdict = check(body["data"])  # a check asserts, or returns something truthy
            assert verdict is None or verdict, body["data"]
    else:
        assert expect in codes(body), body
    text = json.dumps(body, ensure_ascii=False)
    for echoed in re.findall(r'"([A-Z][\w-]*)"', query):  # an id the caller sent may come back in an error
        text = text.replace(echoed, "")
    if who == "student":  # nothing of another person, whatever the operation
        assert not re.search(r"STU-0(?!01)\d\d|TCH-\d", text), text
        assert "李浩然" not in text and "王建国" not in text
    if who == "teacher":
        assert not re.search(r"STU-\d|TCH-0[2-9]", text), text


def test_matrix_is_large_enough():
    assert len(CASES) >= 40
    kinds = {c[2] for c in CASES}
    assert kinds == {OK, FORBIDDEN, HIDDEN}
    assert sum(c[3] in (folded_gap_is_exact, folded_children_are_exact) for c in CASES) >= 5


@pytest.mark.parametrize("who", ["student", "teacher", "unit_head"])
def test_folded_children_recombine_to_the_goal(demo_engine, who):
    """For every visible WEIGHTED_MEAN goal: its visible children and the folded group, weighted by
    known weight, give its attainment exactly."""
    p = dict(PRINCIPALS[who])
    principal = Principal(who, roles=frozenset({p.pop("role")}), **p)
    scoped = demo_engine.for_principal(principal)
    snap = scoped.snapshot(DEMO_AS_OF)
    checked = 0
    for goal_id in scoped.structure(DEMO_AS_OF).order:
        goal = scoped.goal(goal_id)
        folded = scoped.folded_children(goal_id, DEMO_AS_OF)
        if folded is None or goal.aggregate is not Aggregate.WEIGHTED_MEAN or folded.attainment is None:
            continue
        known = [(e.weight, snap.attainment(e.child)) for e in scoped.structure(DEMO_AS_OF).children[goal_id]
                 if snap.attainment(e.child) is not None]
        known.append((folded.weight * folded.coverage, folded.attainment))
        recombined = sum(w * a for w, a in known) / sum(w for w, _ in known)
        assert recombined == pytest.approx(snap.attainment(goal_id), abs=1e-12), goal_id
        checked += 1
    assert checked >= 2


def test_reports_over_http_follow_the_scope(served):
    def get(who: str, subject: str) -> int:
        return served.get(f"/reports/{subject}.md?asOf={AS_OF}",
                          headers={"Authorization": f"Bearer {token(who)}"}).status_code

    assert get("student", "STU-001") == 200
    assert get("student", "STU-002") == 404
    assert get("leader", "STU-002") == 200
    assert get("data", "SCH") == 403


def test_a_student_subscriber_is_pushed_only_their_own_warnings(served):
    """warningRaised follows the scope: a classmate's new warning is never pushed to a student."""
    today = date.today()

    def record(metric: str, value: float, day: date) -> list[str]:
        query = ("mutation($rows: [ObservationInput!]!) { recordObservations(observations: $rows) "
                 "{ warningsRaised { id } } }")
        rows = [{"metricId": metric, "at": day.isoformat(), "value": value}]
        body = served.post("/graphql", json={"query": query, "variables": {"rows": rows}},
                           headers={"Authorization": f"Bearer {token('admin')}"}).json()
        assert not body.get("errors"), body
        return [w["id"] for w in body["data"]["recordObservations"]["warningsRaised"]]

    for metric in ("M-STU-002-PTS", "M-STU-001-PTS"):  # start both from a good, current value
        record(metric, 100, today - timedelta(days=1))
    with served.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token('student')}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe",
                      "payload": {"query": "subscription { warningRaised { id nodeId nodeName } }"}})
        assert any("STU-002" in w for w in record("M-STU-002-PTS", 1, today))  # a classmate's: not pushed
        assert any("STU-001" in w for w in record("M-STU-001-PTS", 1, today))  # their own: pushed
        pushed: list[str] = []
        while "M-STU-001-PTS" not in pushed:  # aggregates above them may be pushed too, nothing hidden
            message = ws.receive_json()
            assert message["type"] == "next", message
            pushed.append(message["payload"]["data"]["warningRaised"]["nodeId"])
        assert not [n for n in pushed if "STU-002" in n], pushed


def test_a_capped_graph_counts_only_visible_nodes_as_omitted(served):
    """graph's `omitted` must not reveal how many hidden nodes lie around (the cap counts visible ones)."""
    def view(limit: int) -> dict[str, Any]:
        query = (f'{{ graph(rootId: "G-MAJ-MECH", depth: 3, limit: {limit}, {A}) '
                 "{ omitted nodes { id kind } } }")
        body = ask(served, "student", query)
        assert not body.get("errors"), body
        return body["data"]["graph"]

    whole = view(500)
    real = [n for n in whole["nodes"] if n["kind"] != "Folded"]
    assert whole["omitted"] == 0 and len(real) > 2
    capped = view(2)
    assert capped["omitted"] == len(real) - 2
    assert len([n for n in capped["nodes"] if n["kind"] != "Folded"]) == 2

"""Roles compose as an intersection (least privilege wins for reads of personal data), on both stores: a
token holding a scoped role reads through that scope whatever else it holds, and DATA_SERVICE is answered
with ids, types, severities and counts only — never a person's name, a leader or a message."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient

from tests.conftest import engine_for
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.security.tokens import AuthConfig
from zhengai.stores import EmbeddedStore

SECRET = "role-union-test-secret-of-at-least-32-bytes"
AUTH = AuthConfig(secret=SECRET)
ME, OTHER = "STU-001", "STU-002"  # 张子涵, 李浩然 (both of 机械工程学院)
OTHER_GOAL, OTHER_NAME = "G-STU-002-3Y", "李浩然"
STUDENT_READS = f"""{{ g: goal(id: "{OTHER_GOAL}") {{ id name }}
  s: goals(level: STUDENT, first: 100) {{ totalCount edges {{ node {{ id name }} }} }}
  v: viewer {{ scoped }} }}"""


def token(*roles: str, **claims: Any) -> str:
    return jwt.encode({"sub": "union-1", "roles": list(roles), "aud": "zhengai",
                       "exp": int(time.time()) + 600, **claims}, SECRET, algorithm="HS256")


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def served(request) -> Iterator[TestClient]:
    """The demo college with authentication (an engine of its own: the tests here record observations)."""
    if request.param == "embedded":
        yield TestClient(create_app(Engine(EmbeddedStore(load_dataset(demo_path()))), auth=AUTH))
        return
    yield TestClient(create_app(engine_for(request, "neo4j", demo_path()), auth=AUTH))
    request.getfixturevalue("neo4j_datasets").forget()  # observations recorded here: reload next time


def ask(client: TestClient, bearer: str, query: str) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {bearer}"})
    assert response.status_code == 200, response.text
    return response.json()


def student_view(client: TestClient, bearer: str) -> tuple[set[str], list[str]]:
    body = ask(client, bearer, STUDENT_READS)
    data = body["data"]
    codes = [e["extensions"]["code"] for e in body.get("errors") or []]
    assert data["v"]["scoped"] is True, body
    return {e["node"]["id"] for e in data["s"]["edges"]}, codes


@pytest.mark.parametrize("others", [["DATA_SERVICE"], ["LEADER"], ["ADMIN"], ["LEADER", "DATA_SERVICE"]])
def test_a_student_token_reads_through_its_scope_whatever_else_it_holds(served, others):
    alone, alone_codes = student_view(served, token("STUDENT", subject=ME))
    mixed, codes = student_view(served, token("STUDENT", *others, subject=ME))
    assert mixed == alone and codes == alone_codes == ["NOT_FOUND"]  # another student's goal is unknown
    assert all("STU-001" in g for g in mixed)
    body = ask(served, token("STUDENT", *others, subject=ME), '{ metric(id: "M-STU-002-ATT") { id } }')
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    text = json.dumps(ask(served, token("STUDENT", *others, subject=ME),
                          '{ warnings(first: 1000) { nodeId nodeName } }'), ensure_ascii=False)
    assert OTHER_NAME not in text and OTHER not in text


def test_a_teacher_token_with_data_service_reads_through_its_scope(served):
    query = '{ goal(id: "G-TCH-02") { id name } }'  # 另一位教师
    assert ask(served, token("TEACHER", "DATA_SERVICE", subject="TCH-01"), query)["errors"][0][
        "extensions"]["code"] == "NOT_FOUND"
    assert ask(served, token("LEADER"), query)["data"]["goal"]["id"] == "G-TCH-02"


def test_report_download_of_another_student_reads_through_the_scope(served):
    for bearer in (token("STUDENT", "DATA_SERVICE", subject=ME), token("STUDENT", "LEADER", subject=ME)):
        response = served.get(f"/reports/{OTHER}.md", headers={"Authorization": f"Bearer {bearer}"})
        assert response.status_code == 404 and OTHER_NAME not in response.text


def test_several_scoped_roles_see_the_intersection(served):
    """A unit head of 机械工程学院 who is also the student STU-001 reads as the student (the narrower)."""
    head = student_view(served, token("UNIT_HEAD", unit="C-MECH"))[0]
    both = student_view(served, token("UNIT_HEAD", "STUDENT", unit="C-MECH", subject=ME))[0]
    alone = student_view(served, token("STUDENT", subject=ME))[0]
    assert OTHER_GOAL in head and both == alone


def test_a_token_holding_a_scoped_role_never_reads_the_audit_log(served):
    query = "{ auditLog(first: 5) { actor } }"
    assert "errors" not in ask(served, token("ADMIN"), query)
    body = ask(served, token("ADMIN", "STUDENT", subject=ME), query)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN" and "STUDENT" in error["message"]


def record(metric: str, value: float, selection: str) -> str:
    return (f'mutation {{ recordObservations(observations: [{{metricId: "{metric}", at: "{date.today()}", '
            f'value: {value}}}]) {{ {selection} }} }}')


def test_data_service_is_answered_with_ids_and_counts_only(served):
    data_only = token("DATA_SERVICE")
    for selection in ("received warningsRaised { nodeId nodeName }", "warningsRaised { message }",
                      "warningsRaised { id leader }", "... on RecordResult { warningsRaised { nodeName } }"):
        body = ask(served, data_only, record("M-STU-002-ATT", 10, selection))
        [error] = body["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN" and "ids, types, severities and counts" in \
            error["message"] and body["data"] is None
    # nothing was recorded by the refused calls: the same value is still a change, and raises a warning
    ids = "received changed warningsRaised { id type severity nodeId kind level unitId }"
    body = ask(served, data_only, record("M-STU-002-ATT", 10, ids))
    assert "errors" not in body, body
    result = body["data"]["recordObservations"]
    assert result["changed"] == 1
    assert {(w["nodeId"], w["type"]) for w in result["warningsRaised"]} >= {("M-STU-002-ATT", "FLOOR")}
    assert OTHER_NAME not in json.dumps(body, ensure_ascii=False)


def test_a_student_recording_as_data_service_sees_only_its_own_warnings(served):
    mine = token("STUDENT", "DATA_SERVICE", subject=ME)
    fields = "changed warningsRaised { nodeId nodeName message }"
    body = ask(served, mine, record("M-STU-002-PTS", 1, fields))  # another student's: recorded, not shown
    assert body["data"]["recordObservations"]["changed"] == 1
    assert body["data"]["recordObservations"]["warningsRaised"] == []
    assert OTHER_NAME not in json.dumps(body, ensure_ascii=False)
    body = ask(served, mine, record("M-STU-001-ATT", 10, fields))  # one's own: shown
    assert "M-STU-001-ATT" in {w["nodeId"] for w in body["data"]["recordObservations"]["warningsRaised"]}

"""考核 and 黄牌/红牌 over GraphQL with real tokens, on both stores: the ranking with its components (adding
up to the score exactly in their decimal digits), and the privacy of the scores — a teacher reads their own
row and the aggregate, a unit head their unit's rows, the 质管办 every row; goalCards lists only visible
CARDS goals."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import DATA, engine_for
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset
from zhengai.queries import graphql_operations
from zhengai.security.tokens import AuthConfig, Role
from zhengai.stores import EmbeddedStore

AUTH = AuthConfig(secret="assessment-test-secret-of-at-least-32-bytes", issuer="zhengai-test")
WHO = {"admin": ("ADMIN", {}), "leader": ("LEADER", {}), "t2": ("TEACHER", {"subject": "T2"}),
       "t5": ("TEACHER", {"subject": "T5"}), "jd": ("UNIT_HEAD", {"unit": "JD"}),
       "qa": ("UNIT_HEAD", {"unit": "QA"}), "u1": ("UNIT_HEAD", {"unit": "U1"})}
RANKING = """query($s: ID!, $d: Date) { assessment(schemeId: $s, asOf: $d) {
  schemeName periodKey previousPeriodKey count mean hidden fullMarks
  rows { subjectId rank score components { key points full share counted met } previous { score rank delta } }
} }"""
CARDS = "query($d: Date) { goalCards(asOf: $d) { goalId card below cardYears } }"


def served_on(request, folder) -> TestClient:
    if request.param == "embedded":
        return TestClient(create_app(Engine(EmbeddedStore(load_dataset(folder))), auth=AUTH))
    return TestClient(create_app(engine_for(request, "neo4j", folder), auth=AUTH))


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def served(request) -> Iterator[TestClient]:
    yield served_on(request, DATA / "assessment")


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def served_paths(request) -> Iterator[TestClient]:
    yield served_on(request, DATA / "paths")


def call(client: TestClient, who: str | None, query: str, **variables: Any) -> dict[str, Any]:
    headers = {}
    if who is not None:
        role, claims = WHO[who]
        headers["Authorization"] = f"Bearer {AUTH.issue(Role(role), f'{who}-1', 3600, **claims)}"
    response = client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    return response.json() if response.status_code == 200 else {"status": response.status_code}


def ranking(client: TestClient, who: str, scheme: str = "SCH-TEACHER") -> dict[str, Any]:
    body = call(client, who, RANKING, s=scheme, d="2026-06-30")
    assert not body.get("errors"), body
    return body["data"]["assessment"]


def test_the_ranking_with_its_components(served):
    a = ranking(served, "admin", "SCH-DEPT")
    assert (a["schemeName"], a["periodKey"], a["previousPeriodKey"], a["count"], a["hidden"]) == \
        ("部门年度考核", "2026", "2025", 4, 0)
    assert [(r["subjectId"], r["rank"], r["score"]) for r in a["rows"]] == \
        [("XX", 1, 90.0), ("JWC", 2, 60.67), ("JD", 3, 56.0), ("QA", 4, 30.0)]
    for r in a["rows"]:
        assert sum(Decimal(str(c["points"])) for c in r["components"]) == Decimal(str(r["score"]))
        assert r["previous"] is not None
        before, delta = (Decimal(str(r["previous"][k])) for k in ("score", "delta"))
        assert Decimal(str(r["score"])) - before == delta
    jwc = a["rows"][1]["components"]
    assert [(c["key"], c["points"], c["counted"], c["met"]) for c in jwc] == [
        ("goals", 54.0, 1, 0), ("tasks", 6.67, 3, 1), ("reports", 0.0, None, None), ("warnings", 0.0, 2, 0)]


def test_a_teacher_reads_their_own_score_and_the_aggregate_only(served):
    everyone = ranking(served, "admin")
    mine = ranking(served, "t2")
    assert [r["subjectId"] for r in mine["rows"]] == ["T2"]
    assert mine["rows"][0] == next(r for r in everyone["rows"] if r["subjectId"] == "T2")
    assert (mine["count"], mine["hidden"], mine["mean"]) == (6, 5, everyone["mean"])
    text = str(mine)
    for other in everyone["rows"]:
        if other["subjectId"] != "T2":
            assert other["subjectId"] not in text
    assert ranking(served, "t5", "SCH-DEPT")["rows"] == []
    term = ranking(served, "t2", "SCH-TEACHER-TERM")
    assert (len(term["rows"]), term["hidden"], term["mean"]) == (1, 2, None)


def test_a_unit_head_reads_their_units_rows(served):
    jd = ranking(served, "jd")
    assert ([r["subjectId"] for r in jd["rows"]], jd["mean"]) == (["T1", "T3", "T2"], None)
    assert [r["subjectId"] for r in ranking(served, "jd", "SCH-DEPT")["rows"]] == ["JD"]
    assert ranking(served, "qa")["rows"] == []
    assert len(ranking(served, "leader")["rows"]) == 6


def test_schemes_are_listed_and_unknown_ones_refused(served):
    body = call(served, "t2", "{ schemes { id periodName fullMarks components { key measureName } } }")
    schemes = body["data"]["schemes"]
    assert [s["id"] for s in schemes] == ["SCH-DEPT", "SCH-TEACHER", "SCH-TEACHER-TERM"]
    assert schemes[0]["components"][0] == {"key": "goals", "measureName": "目标达成度"}
    refused = call(served, "admin", RANKING, s="SCH-NONE")
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert call(served, None, RANKING, s="SCH-DEPT").get("status") == 401 or \
        call(served, None, RANKING, s="SCH-DEPT")["errors"]


def test_the_saved_operation_lists_each_scheme_with_its_ranking(served):
    body = call(served, "admin", graphql_operations()["assessment"], asOf="2026-06-30")
    assert not body.get("errors"), body
    assert [len(s["assessment"]["rows"]) for s in body["data"]["schemes"]] == [4, 6, 3]


def test_goal_cards_of_visible_goals(served_paths):
    cards = call(served_paths, "admin", CARDS, d="2026-06-30")["data"]["goalCards"]
    assert [c["goalId"] for c in cards] == ["G-BASIC"]
    assert cards == call(served_paths, "u1", CARDS, d="2026-06-30")["data"]["goalCards"]
    assert call(served_paths, "t2", CARDS, d="2026-06-30")["data"]["goalCards"] == []
    one = call(served_paths, "admin", graphql_operations()["goal_cards"], asOf="2026-06-30", goalId="G-BASIC",
               one=True)["data"]
    assert one["goalCard"] == cards[0]


EDIT = """mutation($c: [ChangeInput!]!) { applyChanges(changes: $c, effectiveFrom: "2026-01-01") {
  changed { id kind op } } }"""
NEW_SCHEME = {"upsertScheme": {"id": "SCH-JD", "name": "机电学院教师考核", "level": "TEACHER",
                               "units": ["JD"],
                               "components": [{"key": "goals", "name": "目标达成度", "points": 80,
                                               "measure": "GOAL_ATTAINMENT"},
                                              {"key": "grade", "name": "分级分类", "points": 20,
                                               "measure": "ATTRIBUTE", "field": "grade",
                                               "values": {"名师": 1, "骨干教师": 0.5}}]}}


@pytest.fixture(params=["embedded", "neo4j"])
def fresh(request) -> Iterator[TestClient]:
    """A served copy of the assessment dataset that a test may change."""
    yield served_on(request, DATA / "assessment")
    if request.param == "neo4j":
        request.getfixturevalue("neo4j_datasets").forget()


def test_schemes_are_edited_through_apply_changes_by_the_quality_office(fresh):
    refused = call(fresh, "jd", EDIT, c=[NEW_SCHEME])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "ADMIN" in refused["errors"][0]["message"]
    both = {**NEW_SCHEME["upsertScheme"], "unitTypes": ["OFFICE"]}
    bad = call(fresh, "admin", EDIT, c=[{"upsertScheme": both}])
    assert "level" in bad["errors"][0]["message"] and "upsertScheme" in str(bad["errors"][0])
    assert [s["id"] for s in call(fresh, "admin", "{ schemes { id } }")["data"]["schemes"]] == \
        ["SCH-DEPT", "SCH-TEACHER", "SCH-TEACHER-TERM"]  # the refused batches changed nothing
    done = call(fresh, "admin", EDIT,
                c=[NEW_SCHEME, {"upsertScheme": {"id": "SCH-DEPT", "period": "SEMESTER"}}])
    assert done["data"]["applyChanges"]["changed"] == [{"id": "SCH-JD", "kind": "Scheme", "op": "CREATED"},
                                                       {"id": "SCH-DEPT", "kind": "Scheme", "op": "UPDATED"}]
    jd = ranking(fresh, "admin", "SCH-JD")
    # 80 × attainment + 20 × the grade's share: T1 100% 名师, T3 90%, T2 50% 骨干教师
    assert [(r["subjectId"], r["score"]) for r in jd["rows"]] == [("T1", 100.0), ("T3", 72.0), ("T2", 50.0)]
    assert ranking(fresh, "admin", "SCH-DEPT")["periodKey"] == "2026-02-01~2026-07-31"

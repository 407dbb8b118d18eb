"""Abuse limits: deep queries, alias floods, token floods and huge bodies are refused clearly, each with
its ``extensions.code``."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import GraphQLClient
from zhengai.app import create_app
from zhengai.schema.limits import Limits


def _deep(depth: int) -> str:
    """``depth`` nested fields; ``first: 1`` keeps the cost limit out of the way (a chain of unbounded lists
    is refused as too costly: tests/test_request_limits.py)."""
    inner = "id"
    for _ in range(depth - 2):
        inner = f"children(first: 1) {{ {inner} }}"
    return f'{{ goal(id: "S-EMP") {{ {inner} }} }}'


def test_a_query_of_depth_25_is_refused(demo_gql: GraphQLClient):
    body = demo_gql.raw(_deep(25))
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    assert body.get("data") is None
    assert "children" in demo_gql(_deep(8))["goal"]  # a reasonable depth is served


def _aliases(n: int) -> str:
    return "{ " + " ".join(f"a{i}: goal(id: \"S-EMP\") {{ id }}" for i in range(n)) + " }"


def test_a_thousand_aliases_are_refused(demo_gql: GraphQLClient):
    message = demo_gql.raw(_aliases(1000))["errors"][0]["message"]
    assert "more than 5000 tokens" in message  # the first limit it meets
    message = demo_gql.raw(_aliases(60))["errors"][0]["message"]
    assert "60 aliases found. Allowed: 50" in message
    assert len(demo_gql(_aliases(20))) == 20


def test_a_token_flood_is_refused(demo_gql: GraphQLClient):
    query = "{ " + " ".join("__typename" for _ in range(6000)) + " }"
    body = demo_gql.raw(query)
    assert "tokens" in body["errors"][0]["message"].lower()
    assert body["errors"][0]["extensions"] == {"code": "TOO_MANY_TOKENS"}


def test_a_5_mb_body_is_refused_with_413(demo_gql: GraphQLClient):
    padding = "#" + "x" * (5 * 1024 * 1024) + "\n"
    response = demo_gql.http.post("/graphql", content=('{"query": "' + padding.replace("\n", "\\n")
                                                       + '{ __typename }"}').encode(),
                                  headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "request body too large" in response.json()["errors"][0]["message"]
    assert demo_gql.http.get("/healthz").status_code == 200  # the service is fine afterwards


# ------------------------------------------- the acceptance numbers exactly, and no server error anywhere

def _refused(body: dict, message: str, code: str) -> None:
    [error] = body["errors"]
    assert error["message"] == message, error
    assert error["extensions"]["code"] == code  # a client error, nothing was run
    assert body.get("data") is None and "INTERNAL_SERVER_ERROR" not in str(body)


def test_depth_exactly_at_and_over_the_limit(demo_gql: GraphQLClient):
    # strawberry counts the top-level field as depth 0, so _deep(n) (n nested fields) has depth n - 1
    assert "children" in demo_gql(_deep(13))["goal"]  # depth 12: the limit, served
    for levels in (14, 25, 26):  # depth 13; 25 nested fields (depth 24); depth 25
        _refused(demo_gql.raw(_deep(levels)), "'anonymous' exceeds maximum operation depth of 12",
                 "QUERY_TOO_DEEP")


def _typename_aliases(n: int) -> str:
    return "{ " + " ".join(f"a{i}: __typename" for i in range(n)) + " }"  # 3n + 2 tokens: under 5000


def test_exactly_a_thousand_aliases_meet_the_alias_limit(demo_gql: GraphQLClient):
    _refused(demo_gql.raw(_typename_aliases(1000)), "1000 aliases found. Allowed: 50", "TOO_MANY_ALIASES")
    _refused(demo_gql.raw(_typename_aliases(51)), "51 aliases found. Allowed: 50", "TOO_MANY_ALIASES")
    assert len(demo_gql(_typename_aliases(50))) == 50


def _body(size: int) -> bytes:
    """A valid GraphQL request of exactly ``size`` bytes (JSON padded with spaces)."""
    head = b'{"query": "{ __typename }"}'
    return head + b" " * (size - len(head))


def test_bodies_of_exactly_5_mb_are_refused_declared_or_streamed(demo_gql: GraphQLClient):
    limit = Limits().max_body_bytes
    headers = {"content-type": "application/json"}
    assert demo_gql.http.post("/graphql", content=_body(limit), headers=headers).json() == {
        "data": {"__typename": "Query"}}  # exactly the limit is served
    for size in (limit + 1, 5_000_000, 5 * 1024 * 1024):
        body = _body(size)
        streamed = (body[i:i + 65536] for i in range(0, len(body), 65536))  # chunked: no Content-Length
        for content in (body, streamed):
            response = demo_gql.http.post("/graphql", content=content, headers=headers)
            assert response.status_code == 413, (size, response.text[:200])
            [error] = response.json()["errors"]
            assert error["extensions"] == {"code": "PAYLOAD_TOO_LARGE"}
            assert error["message"] == (f"request body too large: the limit is {limit} bytes "
                                        "(ZHENGAI_MAX_BODY_BYTES)")
    assert demo_gql(_typename_aliases(3)) == {"a0": "Query", "a1": "Query", "a2": "Query"}  # still fine


def test_a_request_past_its_time_limit_stops_with_a_clear_error(demo_engine, monkeypatch):
    """ZHENGAI_REQUEST_TIMEOUT: past the deadline every field still to resolve fails with TIMEOUT."""
    query = '{ goals(first: 5) { edges { node { id attainment(asOf: "2026-11-20") } } } }'
    monkeypatch.setenv("ZHENGAI_REQUEST_TIMEOUT", "0.000001")
    body = TestClient(create_app(demo_engine)).post("/graphql", json={"query": query}).json()
    assert body["data"] is None
    assert {e["extensions"]["code"] for e in body["errors"]} == {"TIMEOUT"}
    assert "time limit of 1e-06 s (ZHENGAI_REQUEST_TIMEOUT)" in body["errors"][0]["message"]
    monkeypatch.setenv("ZHENGAI_REQUEST_TIMEOUT", "30")
    body = TestClient(create_app(demo_engine)).post("/graphql", json={"query": query}).json()
    assert not body.get("errors") and len(body["data"]["goals"]["edges"]) == 5

"""Abuse limits: deep queries, alias floods, token floods and huge bodies are refused clearly."""

from __future__ import annotations

from tests.conftest import GraphQLClient


def _deep(depth: int) -> str:
    inner = "id"
    for _ in range(depth - 2):
        inner = f"children {{ {inner} }}"
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


def test_a_5_mb_body_is_refused_with_413(demo_gql: GraphQLClient):
    padding = "#" + "x" * (5 * 1024 * 1024) + "\n"
    response = demo_gql.http.post("/graphql", content=('{"query": "' + padding.replace("\n", "\\n")
                                                       + '{ __typename }"}').encode(),
                                  headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "request body too large" in response.json()["errors"][0]["message"]
    assert demo_gql.http.get("/healthz").status_code == 200  # the service is fine afterwards

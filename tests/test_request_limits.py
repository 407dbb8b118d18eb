"""Request limits: the cost limit (list sizes and distinct dates), a parse and validation cache that hits,
a code on every refusal, no field names revealed with introspection off, deep JSON refused with 400, and
subscriptions over POST or queries over the legacy graphql-ws protocol told what to do."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest
from graphql import parse
from starlette.testclient import TestClient

from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.queries import graphql_operations
from zhengai.resolvers.context import Context
from zhengai.schema import build_schema
from zhengai.schema.cost import DATE_COST, request_cost
from zhengai.schema.limits import Limits
from zhengai.security.tokens import Principal
from zhengai.stores import EmbeddedStore

ENGINE = Engine(EmbeddedStore(load_dataset(demo_path())))
ME = Principal.developer()


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(ENGINE))


def post(client: TestClient, query: str, **variables) -> dict:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


def refused(body: dict, code: str) -> dict:
    [error] = body["errors"]
    assert error["extensions"]["code"] == code, error
    assert body.get("data") is None
    return error


def month_start(months_back: int) -> date:
    today = date.today()
    y, m = divmod(today.year * 12 + today.month - 1 - months_back, 12)
    return date(y, m + 1, 1)


def trend_aliases(distinct: bool) -> str:
    """49 ``trend`` aliases of one goal (≈ 3 KB): each over its own 12-month window, or all the same."""
    parts = [f't{i}: goal(id: "S-EMP") {{ trend(from: "{month_start(11 + k)}", to: "{month_start(k)}") '
             f'{{ attainment }} }}' for i in range(49) for k in [i if distinct else 0]]
    return "{ " + " ".join(parts) + " }"


def test_49_trend_aliases_of_distinct_months_are_refused_before_anything_runs(client):
    query = trend_aliases(distinct=True)
    assert 2500 < len(query) < 5000
    error = refused(post(client, query), "QUERY_TOO_COSTLY")
    assert error["message"].startswith("query too costly: estimated cost ")
    assert "ZHENGAI_MAX_COST" in error["message"] and "distinct dates" in error["message"]
    assert error["extensions"]["cost"] > error["extensions"]["maxCost"] == Limits().max_cost
    # the same 49 aliases over one shared window evaluate 12 month ends once: served
    data = post(client, trend_aliases(distinct=False))["data"]
    assert len(data) == 49 and len(data["t0"]["trend"]) == 12


def test_many_distinct_as_of_dates_are_refused(client):
    dates = [date(2026, 11, 20) - timedelta(days=i) for i in range(45)]
    query = "{ goal(id: \"S-EMP\") { " + " ".join(f'a{i}: attainment(asOf: "{d}")'
                                                   for i, d in enumerate(dates)) + " } }"
    refused(post(client, query), "QUERY_TOO_COSTLY")
    few = "{ goal(id: \"S-EMP\") { " + " ".join(f'a{i}: attainment(asOf: "{d}")'
                                                for i, d in enumerate(dates[:5])) + " } }"
    assert len(post(client, few)["data"]["goal"]) == 5


def test_nested_lists_cost_their_product(client):
    chain = "id"
    for _ in range(6):
        chain = f"children {{ {chain} }}"
    refused(post(client, f'{{ goal(id: "S-EMP") {{ {chain} }} }}'), "QUERY_TOO_COSTLY")
    narrow = "id"
    for _ in range(6):
        narrow = f"children(first: 3) {{ {narrow} }}"
    assert post(client, f'{{ goal(id: "S-EMP") {{ {narrow} }} }}')["data"]["goal"]["children"]
    # the list size of a variable is the one sent
    query = ("query($n: Int!) { goals(first: $n) { edges { node { children(first: $n) { "
             "children(first: $n) { id } } } } } }")
    assert len(post(client, query, n=5)["data"]["goals"]["edges"]) == 5
    refused(post(client, query, n=100), "QUERY_TOO_COSTLY")


def test_the_cost_limit_is_configurable(monkeypatch):
    query = '{ goals(first: 20) { edges { node { id name attainment } } } }'
    monkeypatch.setenv("ZHENGAI_MAX_COST", "50")
    low = TestClient(create_app(ENGINE))
    error = refused(post(low, query), "QUERY_TOO_COSTLY")
    assert error["extensions"]["maxCost"] == 50
    monkeypatch.setenv("ZHENGAI_MAX_COST", "1000")
    assert len(post(TestClient(create_app(ENGINE)), query)["data"]["goals"]["edges"]) == 20


def test_every_saved_operation_costs_well_under_the_limit():
    schema = build_schema()._schema
    limit = Limits().max_cost
    for name, text in graphql_operations().items():
        cost = request_cost(schema, parse(text), None, None)
        assert 0 < cost.total <= limit / 2, (name, cost.total)


def test_a_date_costs_more_than_a_field():
    schema = build_schema()._schema
    one = request_cost(schema, parse('{ goal(id: "S") { attainment(asOf: "2026-01-31") } }'), None, None)
    two = request_cost(schema, parse('{ goal(id: "S") { a: attainment(asOf: "2026-01-31") '
                                     'b: attainment(asOf: "2026-02-28") } }'), None, None)
    same = request_cost(schema, parse('{ goal(id: "S") { a: attainment(asOf: "2026-01-31") '
                                      'b: attainment(asOf: "2026-01-31") } }'), None, None)
    assert two.total - one.total == DATE_COST + 1 and same.total - one.total == 1


def test_a_repeated_document_is_parsed_and_validated_once():
    """strawberry's ValidationCache missed every request (rule classes built per request); the limits
    are now built once per schema, so 50 identical requests validate once."""
    schema = build_schema()
    documents = schema.extensions[0]().documents
    query = '{ traceImpact(metricId: "M-MAJ-MECH-EMP", toLevel: SCHOOL) { pathCount } }'

    async def run() -> None:
        for _ in range(50):
            result = await schema.execute(query, context_value={"zhengai": Context(ENGINE, principal=ME)})
            assert result.errors is None
    asyncio.run(run())
    assert documents.validations == 1 and documents.misses == 1
    asyncio.run(schema.execute("{ goal(id: 1 }", context_value={"zhengai": Context(ENGINE, principal=ME)}))
    assert documents.validations == 1  # a document that does not parse is not validated


def test_parse_errors_carry_a_code(client):
    error = refused(post(client, '{ goal(id: "S-EMP" { id } }'), "GRAPHQL_PARSE_FAILED")
    assert error["message"].startswith("Syntax Error")


def test_with_introspection_off_no_suggestion_reveals_a_name(monkeypatch):
    probes = ["{ goa { id } }", '{ goal(id: "S-EMP") { nme } }', '{ goal(idd: "S-EMP") { id } }',
              "{ goals(level: SCHOL) { totalCount } }", "query($l: Lvl) { goals(level: $l) { totalCount } }"]
    shown = TestClient(create_app(ENGINE))
    assert "Did you mean" in json.dumps([post(shown, q) for q in probes])  # what introspection allows
    monkeypatch.setenv("ZHENGAI_INTROSPECTION", "0")
    hidden = TestClient(create_app(ENGINE))
    for q in probes:
        body = post(hidden, q)
        assert "Did you mean" not in json.dumps(body) and body["errors"][0]["extensions"]["code"], body
    body = post(hidden, "query($l: Level) { goals(level: $l) { totalCount } }", l="SCHOL")
    assert "Did you mean" not in json.dumps(body) and "SCHOOL" not in json.dumps(body), body
    error = post(hidden, "{ __schema { types { name } } }")["errors"][0]
    assert error["extensions"]["code"] == "INTROSPECTION_DISABLED"


def test_deeply_nested_json_variables_are_a_clear_400(client):
    for depth in (200_000, 1000, 100):
        content = ('{"query": "query($x: [Int]) { __typename }", "variables": {"x": ' + "[" * depth
                   + "]" * depth + "}}")
        response = client.post("/graphql", content=content, headers={"content-type": "application/json"})
        assert response.status_code == 400, (depth, response.text[:200])
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "JSON_TOO_DEEP" and "nests too deeply" in error["message"]
    assert client.get("/healthz").status_code == 200
    ok = ('{"query": "query($c: [MetricValueInput!]!) { simulate(changes: $c) { metrics { valueAfter } } }",'
          ' "variables": {"c": [{"metricId": "M-STU-001-ATT", "value": 50}]}}')
    assert client.post("/graphql", content=ok, headers={"content-type": "application/json"}).json() == {
        "data": {"simulate": {"metrics": [{"valueAfter": 50.0}]}}}


def test_a_subscription_over_http_is_told_to_use_a_websocket(client):
    query = "subscription { warningRaised { nodeId } }"
    error = refused(post(client, query), "SUBSCRIPTION_NEEDS_WEBSOCKET")
    assert "websocket" in error["message"] and "graphql-transport-ws" in error["message"]
    response = client.get("/graphql", params={"query": query})
    assert "INTERNAL_SERVER_ERROR" not in response.text


def test_the_legacy_graphql_ws_protocol_answers_clearly(client):
    with client.websocket_connect("/graphql", subprotocols=["graphql-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"type": "start", "id": "q", "payload": {"query": '{ goal(id: "S-EMP") { id } }'}})
        message = ws.receive_json()
        assert message["type"] == "error"
        assert message["payload"]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
        assert "graphql-transport-ws" in message["payload"]["message"]
        ws.send_json({"type": "connection_terminate"})

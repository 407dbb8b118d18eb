"""The GraphQL API on the bundled demo college: saved operations, acceptance questions, errors."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.conftest import DEMO_AS_OF, GraphQLClient
from zhengai.app import create_app
from zhengai.domain.enums import Level
from zhengai.engine import Engine
from zhengai.queries import graphql_operations

AS_OF = DEMO_AS_OF.isoformat()
DEMO_GOALS = 139  # the demo's goals (zhengai/graph_loader/demo/README.md)
OPERATIONS = graphql_operations()


def test_there_is_a_saved_operation_for_every_query_field(demo_gql):
    fields = demo_gql("{ __schema { queryType { fields { name } } } }")["__schema"]["queryType"]["fields"]
    used = " ".join(OPERATIONS.values())
    missing = [f["name"] for f in fields if not re.search(rf"\b{f['name']}\s*[({{\n}}]", used)]
    assert not missing


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_saved_operation_runs_on_the_demo(demo_gql, name):
    data = demo_gql(OPERATIONS[name])
    assert data and all(v is not None for v in data.values())


def test_school_targets_are_green_yellow_and_red(demo_gql):
    q = OPERATIONS["goals"]
    edges = demo_gql(q, level="SCHOOL", first=100)["goals"]["edges"]
    statuses = {e["node"]["status"] for e in edges if e["node"]["id"].startswith("S-")}
    assert {"GREEN", "YELLOW", "RED"} <= statuses


def test_student_metric_reaches_school_targets_and_some_metric_has_two_paths(demo_engine):
    structure = demo_engine.structure()
    student_metrics = [m for m, edges in structure.parents.items()
                       if m in structure.graph.metrics and edges
                       and all(structure.graph.goals[e.parent].level is Level.STUDENT for e in edges)
                       and "Y26" in edges[0].parent]
    assert student_metrics
    traces = [demo_engine.trace_impact(m, DEMO_AS_OF, Level.SCHOOL, 20) for m in student_metrics]
    assert all(t.targets for t in traces)
    assert any(t.path_count >= 2 and t.targets[0].path_count >= 2 for t in traces)


def test_trace_impact_from_a_student_annual_metric_over_http(demo_gql):
    t = demo_gql(OPERATIONS["trace_impact"])["traceImpact"]
    ids = {x["goal"]["id"] for x in t["targets"]}
    assert any(i.startswith("S-") for i in ids)
    assert t["pathCount"] >= 2
    assert [x["sensitivity"] for x in t["targets"]] == sorted((x["sensitivity"] for x in t["targets"]),
                                                               reverse=True)
    for target in t["targets"]:
        assert len(target["paths"]) == min(target["pathCount"], 20)
        assert all(p["nodeIds"][0] == "M-STU-001-PTS" and p["nodeIds"][-1] == target["goal"]["id"]
                   for p in target["paths"])
        assert sum(p["weight"] for p in target["paths"]) == pytest.approx(target["sensitivity"])


def test_explain_gap_on_a_red_school_target_names_its_metrics(demo_gql):
    red = [e["node"]["id"] for e in demo_gql(OPERATIONS["goals"], status="RED", level="SCHOOL",
                                             first=100)["goals"]["edges"]]
    assert red
    for goal_id in red:
        g = demo_gql(OPERATIONS["explain_gap"], goalId=goal_id, top=50)["explainGap"]
        assert g["goal"]["status"] == "RED" and g["contributors"]
        contributions = [c["contribution"] for c in g["contributors"]]
        assert contributions == sorted(contributions, reverse=True)
        assert all(c["metric"]["name"] for c in g["contributors"])


def test_simulate_improves_the_red_faculty_target(demo_gql):
    s = demo_gql(OPERATIONS["simulate"])["simulate"]
    by_id = {c["goal"]["id"]: c for c in s["changes"]}
    assert by_id["S-FACULTY"]["after"] > by_id["S-FACULTY"]["before"]
    assert {m["metric"]["id"] for m in s["metrics"]} == {"M-SSR", "M-DUAL-RATIO"}


def test_quality_network_is_the_five_by_five_matrix(demo_gql):
    cells = demo_gql(OPERATIONS["quality_network"])["qualityNetwork"]["cells"]
    assert len(cells) == 25
    assert len({(c["system"], c["level"]) for c in cells}) == 25
    # every demo goal has a system (its own, else its owning unit's); A26-ZG counts in two
    assert sum(c["goalCount"] for c in cells) == DEMO_GOALS + 1
    assert all(c["goalCount"] > 0 and c["metricCount"] > 0 for c in cells)  # the plan fills all 25
    for c in cells:
        assert c["green"] + c["yellow"] + c["red"] + c["unknown"] == c["goalCount"]


def test_goal_chain_up_from_a_student_goal_reaches_the_school(demo_gql):
    view = demo_gql(OPERATIONS["goal_chain"])["goalChain"]
    levels = {n["level"] for n in view["nodes"]}
    assert {"STUDENT", "SCHOOL"} <= levels
    ids = {n["id"] for n in view["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in view["edges"])
    assert {n["kind"] for n in view["nodes"]} <= {"Goal", "Metric"}


def test_graph_view_is_capped_and_counts_what_it_left_out(demo_gql):
    q = "query($l: Int!) { graph(rootId: \"SCH\", depth: 3, limit: $l) { omitted nodes { id } } }"
    full = demo_gql(q, l=500)["graph"]
    small = demo_gql(q, l=10)["graph"]
    assert len(small["nodes"]) == 10
    assert small["omitted"] == len(full["nodes"]) + full["omitted"] - 10


def test_pagination_walks_every_goal_once(demo_gql):
    q = """query($after: String) { goals(first: 30, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }"""
    seen, after = [], None
    while True:
        page = demo_gql(q, after=after)["goals"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] == DEMO_GOALS


@pytest.mark.parametrize(("query", "needle"), [
    ('{ goal(id: "NOPE") { id } }', "unknown goal id 'NOPE'"),
    ('{ metric(id: "S-EMP") { id } }', "unknown metric id 'S-EMP'"),
    ('{ traceImpact(metricId: "X1") { pathCount } }', "unknown metric id 'X1'"),
    ('{ explainGap(goalId: "X2") { gap } }', "unknown goal id 'X2'"),
    ('{ simulate(changes: [{metricId: "X3", value: 1}]) { changes { before } } }', "unknown metric id 'X3'"),
    ('{ graph(rootId: "X4") { omitted } }', "unknown node id 'X4'"),
    ('{ goalChain(goalId: "X5") { omitted } }', "unknown goal id 'X5'"),
    ('{ goals(first: 1000) { totalCount } }', "first must be between 0 and 100"),
    ('{ goals(after: "garbage") { totalCount } }', "invalid cursor"),
    ('{ graph(rootId: "SCH", depth: 50) { omitted } }', "depth must be between 0 and 10"),
])
def test_bad_requests_get_a_clear_graphql_error(demo_gql, query, needle):
    body = demo_gql.raw(query)
    [error] = body["errors"]
    assert needle in error["message"]
    assert error["extensions"]["code"] in {"NOT_FOUND", "BAD_USER_INPUT"}


def test_syntax_errors_are_graphql_errors_not_server_errors(demo_gql):
    assert "Syntax Error" in demo_gql.raw("{ goal(id: ) }")["errors"][0]["message"]
    [error] = demo_gql.raw('{ goal(id: "S-EMP") { nope } }')["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


NESTED = """query($first: Int!) { goals(first: $first) { edges { node { id
  children { id metrics { id attainment(asOf: "2026-11-20") } } parents { id } } } } }"""


class CountingEngine(Engine):
    """Counts the batched reads the DataLoaders make."""

    calls = 0

    def nodes(self, ids, as_of=None):  # type: ignore[no-untyped-def]
        CountingEngine.calls += 1
        return super().nodes(ids, as_of)

    def parent_edges(self, ids, as_of=None):  # type: ignore[no-untyped-def]
        CountingEngine.calls += 1
        return super().parent_edges(ids, as_of)

    def child_edges(self, ids, as_of=None):  # type: ignore[no-untyped-def]
        CountingEngine.calls += 1
        return super().child_edges(ids, as_of)


def test_reads_per_nested_page_do_not_grow_with_its_size(demo_engine):
    client = GraphQLClient(TestClient(create_app(CountingEngine(demo_engine.store))))
    client(NESTED, first=1)  # warm the per-version caches
    counts = []
    for first in (10, 40, 76):
        CountingEngine.calls = 0
        data = client(NESTED, first=first)
        assert len(data["goals"]["edges"]) == first
        counts.append(CountingEngine.calls)
    # 1 page + per nesting level: edges and their nodes (cached loads can only lower the count)
    assert counts[0] == counts[1] and max(counts) <= 8, counts


def test_healthz(demo_gql):
    assert demo_gql.http.get("/healthz").json()["status"] == "ok"


def test_nested_lists_are_bounded_and_counted(demo_gql):
    q = """{ s: goal(id: "S-EMP") { childCount children(first: 1) { id } parentCount }
             a: goal(id: "A26-EMP") { metricCount metrics(first: 0) { id } parentCount parents { id } } }"""
    data = demo_gql(q)
    assert data["s"]["childCount"] == 2 and len(data["s"]["children"]) == 1
    assert data["s"]["parentCount"] == 0
    assert data["a"]["metricCount"] >= 1 and data["a"]["metrics"] == []
    assert data["a"]["parentCount"] == len(data["a"]["parents"]) == 1
    [error] = demo_gql.raw('{ goal(id: "S-EMP") { children(first: 501) { id } } }')["errors"]
    assert "first must be between 0 and 500" in error["message"]


def test_goals_filter_by_system_matches_the_network_cells(demo_gql):
    cells = demo_gql(OPERATIONS["quality_network"])["qualityNetwork"]["cells"]
    q = """query($s: System, $l: Level) { goals(system: $s, level: $l, first: 100) { totalCount } }"""
    for cell in cells:
        if cell["goalCount"]:
            got = demo_gql(q, s=cell["system"], l=cell["level"])["goals"]["totalCount"]
            assert got == cell["goalCount"], cell


def test_goal_chain_is_capped(demo_gql):
    q = '{ goalChain(goalId: "S-MAJOR", direction: DOWN, limit: 5) { omitted nodes { id } } }'
    view = demo_gql(q)["goalChain"]
    assert len(view["nodes"]) == 5 and view["omitted"] > 0

"""goalChain and graph views are bounded by distinct nodes, not paths: a generated ladder of goals with
6^10 (60 million) paths from bottom to top answers at any depth, on both stores, within the request time
limit; and
`goals` pages come from an index (a next page does not filter every goal again)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import client_for, engine_for

HEIGHT = 10  # the deepest chain asked for (goalChain's depth is at most 10)
SIDES = "abcdef"  # goals per layer; each supports every goal of the layer above it

CHAIN = """query($id: ID!, $direction: Direction!, $depth: Int!) {
  goalChain(goalId: $id, direction: $direction, depth: $depth, limit: 500) {
    omitted nodes { id } edges { source target }
  }
}"""
GRAPH = """query($id: ID!, $depth: Int!) {
  graph(rootId: $id, direction: BOTH, depth: $depth, limit: 500) { omitted nodes { id } }
}"""


def ladder(folder: Path) -> Path:
    """A dataset whose goals form a ladder: six goals per layer, each supporting all six above it."""
    goals = []
    for i in range(HEIGHT + 1):
        for side in SIDES:
            goal = {"id": f"L{i:02d}{side}", "name": f"第{i}层目标{side}", "level": "SCHOOL", "owner": "ZGB"}
            if i < HEIGHT:
                goal["supports"] = [{"goal": f"L{i + 1:02d}{s}", "weight": k + 1}
                                    for k, s in enumerate(SIDES)]
            goals.append(goal)
    metrics = [{"id": f"M{side}", "name": f"指标{side}", "direction": "HIGHER", "baseline": 0, "target": 100,
                "frequency": "MONTHLY", "measures": [{"goal": f"L00{side}", "weight": 1}]} for side in "ab"]
    folder.mkdir(parents=True, exist_ok=True)
    document = {"units": [{"id": "ZGB", "name": "质管办", "system": "SUPERVISION"}], "goals": goals,
                "metrics": metrics}
    (folder / "dataset.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    (folder / "observations.csv").write_text("metric,at,value\nMa,2026-01-01,50\nMb,2026-01-01,70\n",
                                             encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def ladder_folder(tmp_path_factory) -> Path:
    return ladder(tmp_path_factory.mktemp("ladder"))


@pytest.mark.parametrize("depth", [4, 7, HEIGHT])
def test_goal_chain_of_a_ladder_answers_at_any_depth(request, store_kind, ladder_folder, depth):
    gql = client_for(engine_for(request, store_kind, ladder_folder))
    up = gql(CHAIN, id="L00a", direction="UP", depth=depth)["goalChain"]
    assert {n["id"] for n in up["nodes"]} == {"L00a"} | {f"L{i:02d}{s}" for i in range(1, depth + 1)
                                                          for s in SIDES}
    width = len(SIDES)
    assert len(up["edges"]) == width + width * width * (depth - 1)  # each edge once, whatever the paths
    down = gql(CHAIN, id=f"L{HEIGHT:02d}a", direction="DOWN", depth=depth)["goalChain"]
    assert len([n for n in down["nodes"] if n["id"].startswith("L")]) == 1 + width * depth
    both = gql(GRAPH, id="L05a", depth=depth)["graph"]
    assert len(both["nodes"]) == len({n["id"] for n in both["nodes"]})


def test_goal_pages_come_from_an_index(store_kind, request, monkeypatch):
    from zhengai.graph_loader import demo_path
    from zhengai.stores.memory import GraphState

    engine = engine_for(request, store_kind, demo_path())
    gql = client_for(engine)
    query = "query($after: String) { goals(first: 5, after: $after) { totalCount pageInfo { endCursor } " \
            "edges { node { id } } } }"
    first = gql(query)["goals"]
    calls = []
    original = GraphState._goal_ids
    monkeypatch.setattr(GraphState, "_goal_ids", lambda self, *a: calls.append(a) or original(self, *a))
    pages = [first]
    while len(pages) * 5 < first["totalCount"]:
        pages.append(gql(query, after=pages[-1]["pageInfo"]["endCursor"])["goals"])
    assert calls == []  # every later page is a slice of the index the first one built
    ids = [e["node"]["id"] for p in pages for e in p["edges"]]
    assert ids == list(engine.state.goal_ids(None, None, engine.day(None)))
    assert len(ids) == len(set(ids)) == first["totalCount"]


def test_a_scoped_index_equals_the_filtered_one(demo_engine):
    state, when = demo_engine.state, demo_engine.day(None)
    every = list(state.goal_ids(None, None, when))
    samples = (every[::7], every[:3], every, ["nope", every[5]])
    for among in map(frozenset, samples):
        for level in (None, *{demo_engine.goal(g).level for g in every}):
            full = list(state.goal_ids(level, None, when))
            assert list(state.goal_ids(level, None, when, among)) == [g for g in full if g in among]

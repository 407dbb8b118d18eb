"""Benchmark (c): store round trips per request for a nested page of goals, 10 vs 100 per page,
on both stores; the baseline is the same query without DataLoaders' batching (one store call per
object), counted on the same data in the same run.

    .venv/bin/python -m bench.round_trips [--scale college] [--skip-load]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Sequence

from starlette.testclient import TestClient

from bench.common import dataset, neo4j_uri, say
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset
from zhengai.stores import EmbeddedStore, GraphStore
from zhengai.stores.counting import CACHED_READS, CountingStore
from zhengai.stores.neo4j_store import Neo4jSettings, Neo4jStore

NESTED = """query($first: Int!) { goals(first: $first, level: MAJOR) { edges { node { id
  children { id metrics { id attainment(asOf: "2026-11-01") } } } } } }"""


def unbatched_calls(store: GraphStore, first: int) -> int:
    """Store calls of the same traversal done object by object (what resolvers without DataLoaders do)."""
    counting = CountingStore(store)
    from zhengai.domain.enums import Level

    ids = counting.goal_ids(Level.MAJOR, None)[:first]

    async def walk(goal_ids: Sequence[str]) -> None:
        for g in goal_ids:
            counting.get_nodes([g])
            for e in counting.child_edges([g]).get(g, []):
                counting.get_nodes([e.child])
                if e.kind == "SUPPORTS":
                    for m in counting.child_edges([e.child]).get(e.child, []):
                        counting.get_nodes([m.child])

    asyncio.run(walk(ids))
    return counting.round_trips()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="college")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-load", action="store_true")
    args = ap.parse_args()
    ds = load_dataset(dataset(args.scale, args.seed))
    neo = Neo4jStore(Neo4jSettings(neo4j_uri()))
    if not args.skip_load:
        say("loading into Neo4j …")
        neo.load(ds, replace=True)
    embedded = EmbeddedStore(ds)
    # the baseline's call count depends on the data only, so it is counted on the embedded store
    unbatched = {first: unbatched_calls(embedded, first) for first in (10, 100)}
    print(f"{'store':10} {'page':>5} {'batched calls':>14} {'unbatched calls':>16} {'request':>10}")
    for name, store in (("embedded", embedded), ("neo4j", neo)):
        counting = CountingStore(store)
        client = TestClient(create_app(Engine(counting)))  # type: ignore[arg-type]
        client.post("/graphql", json={"query": NESTED, "variables": {"first": 1}})  # warm caches
        for first in (10, 100):
            counting.reset()
            started = time.perf_counter()
            body = client.post("/graphql", json={"query": NESTED, "variables": {"first": first}}).json()
            seconds = time.perf_counter() - started
            assert not body.get("errors"), body
            batched = counting.round_trips(exclude=CACHED_READS)
            print(f"{name:10} {first:>5} {batched:>14} {unbatched[first]:>16} "
                  f"{seconds * 1000:>8.1f} ms")
    neo.close()


if __name__ == "__main__":
    main()

"""goalChain on `college` at every depth, on the Neo4j store against the embedded store (the baseline, same
run, interleaved): p50/p99 of the saved-style query through the whole ASGI app, for random 学生 goals
(the longest chains: student → … → SCHOOL) going UP, at depths 2 … 10 and the default.

    .venv/bin/python -m bench.goal_chain [--samples 50] [--skip-load]   # NEO4J_URI, else bench/out's own

Neo4j gets the dataset loaded (minutes) unless ``--skip-load`` (after bench.load_neo4j or
bench.evaluation --neo4j left it there).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from typing import Any

import httpx

from bench.common import dataset, ms, neo4j_uri, pct, say
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset
from zhengai.stores import EmbeddedStore
from zhengai.stores.neo4j_store import Neo4jSettings, Neo4jStore

CHAIN = """query($id: ID!, $depth: Int, $asOf: Date) {
  goalChain(goalId: $id, direction: UP, depth: $depth, asOf: $asOf) {
    omitted nodes { id attainment status } edges { source target weight }
  }
}"""
AS_OF = "2026-11-01"
DEPTHS: list[int | None] = [2, 4, 6, 8, 10, None]


async def measure(apps: dict[str, Any], goals: list[str], depth: int | None) -> dict[str, list[float]]:
    """Seconds of each goal's chain at ``depth`` on each app, interleaved goal by goal."""
    clients = {name: httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                       timeout=120) for name, app in apps.items()}
    out: dict[str, list[float]] = {name: [] for name in apps}
    sizes: dict[str, int] = {}
    try:
        for goal in goals:
            for name, client in clients.items():
                started = time.perf_counter()
                answer = await client.post("/graphql", json={"query": CHAIN, "variables": {
                    "id": goal, "depth": depth, "asOf": AS_OF}})
                out[name].append(time.perf_counter() - started)
                body = answer.json()
                if body.get("errors"):
                    raise SystemExit(f"{name} depth {depth} {goal}: {body['errors']}")
                size = len(body["data"]["goalChain"]["nodes"])
                if sizes.setdefault(goal, size) != size:
                    raise SystemExit(f"{goal}: {size} nodes on {name}, {sizes[goal]} on the other store")
    finally:
        for client in clients.values():
            await client.aclose()
    out["nodes"] = [float(n) for n in sizes.values()]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--samples", type=int, default=50)
    ap.add_argument("--skip-load", action="store_true")
    args = ap.parse_args()
    ds = load_dataset(dataset("college", args.seed))
    settings = Neo4jSettings(neo4j_uri())
    if not args.skip_load:
        say(f"loading college into {settings.uri} …")
        loader = Neo4jStore(settings)
        loader.load(ds, replace=True)
        loader.close()
    students = sorted(g for g, goal in ds.goals.items() if goal.level.value == "STUDENT")
    goals = random.Random(args.seed).sample(students, args.samples)
    neo4j = Neo4jStore(settings)
    apps = {"embedded": create_app(Engine(EmbeddedStore(ds)), follow_every=None),
            "neo4j": create_app(Engine(neo4j), follow_every=None)}
    for name, app in apps.items():  # warm: the evaluation at AS_OF and the document's validation
        asyncio.run(measure({name: app}, goals[:2], 2))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"college (seed {args.seed}): goalChain UP from {args.samples} random STUDENT goals, asOf {AS_OF}, "
          f"through the ASGI app; Neo4j at {settings.uri}; load average {load} ({os.cpu_count()} CPUs)")
    print(f"{'depth':>7} {'nodes p50':>9} {'embedded p50':>13} {'p99':>10} {'neo4j p50':>10} {'p99':>10} "
          f"{'ratio p50':>10}")
    for depth in DEPTHS:
        found = asyncio.run(measure(apps, goals, depth))
        e, n = found["embedded"], found["neo4j"]
        print(f"{depth if depth is not None else 'default':>7} {pct(found['nodes'], 50):9.0f} "
              f"{ms(pct(e, 50)):>13} {ms(pct(e, 99)):>10} {ms(pct(n, 50)):>10} {ms(pct(n, 99)):>10} "
              f"{pct(n, 50) / pct(e, 50):9.2f}×")
    neo4j.close()


if __name__ == "__main__":
    main()

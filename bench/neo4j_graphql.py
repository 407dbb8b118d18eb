"""Neo4j reads against @neo4j/graphql (issue 17, point 5): `zhengai serve --neo4j` and @neo4j/graphql 7 with
Apollo Server (bench/neo4j_graphql/) on the same `college` graph in the same Neo4j, the same random id sets,
interleaved: (a) goal → children → metrics, (b) a five-level ancestor chain (our nested `parents` and our
`goalChain(depth: 5)` against @neo4j/graphql's nested `parents`); p50/p95 at 1 connection, requests/s at 8.

    .venv/bin/python -m bench.neo4j_graphql [--rounds 3] [--seconds 10] [--samples 200]

Neo4j: NEO4J_URI, or bench/out's own (scripts/neo4j-local, left running); `college` is loaded into it with
`zhengai load --replace` unless its current generation already holds college's goals and metrics. npm
installs bench/neo4j_graphql/node_modules from its lock file when it is missing. Every request's ids are
compared between the servers first; the run stops if any differ.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from neo4j import GraphDatabase

from bench.common import ROOT, dataset, ms, neo4j_uri, pct, say
from bench.launch import StartFailed, free_port, launched
from bench.loadgen import Run, closed_loop, graphql_requests, zhengai

NODE_DIR = ROOT / "bench" / "neo4j_graphql"
#: Our lists' sizes as a client asks for them (`first`, within the cost limit ZHENGAI_MAX_COST): the sampled
#: goals have at most CHILDREN children with at most METRICS metrics each, and at most PARENTS parents.
CHILDREN, METRICS, PARENTS = 100, 20, 5
WARM = 3.0  # seconds of load per side before the measured rounds
OURS_A = """query($id: ID!) { goal(id: $id) { id name attainment
  children(first: 100) { id name attainment metrics(first: 20) { id name attainment } } } }"""
OURS_A_BARE = """query($id: ID!) { goal(id: $id) { id name
  children(first: 100) { id name metrics(first: 20) { id name } } } }"""
THEIRS_A = """query($id: ID!, $generation: Int!) {
  goals(where: {id: {eq: $id}, generation: {eq: $generation}}) { id name attainment
    children { id name attainment metrics { id name attainment } } } }"""
OURS_PARENTS = """query($id: ID!) { goal(id: $id) { id parents(first: 5) { id parents(first: 5) { id
  parents(first: 5) { id parents(first: 5) { id parents(first: 5) { id } } } } } } }"""
THEIRS_PARENTS = """query($id: ID!, $generation: Int!) {
  goals(where: {id: {eq: $id}, generation: {eq: $generation}}) { id parents { id parents { id
    parents { id parents { id parents { id } } } } } } }"""
OURS_CHAIN = """query($id: ID!) { goalChain(goalId: $id, direction: UP, depth: 5, limit: 500) {
  omitted nodes { id } edges { source target } } }"""
GOALS_A = """MATCH (g:Goal {generation: $generation})
WHERE EXISTS { (g)<-[:SUPPORTS]-(:Goal)-[:MEASURED_BY]->(:Metric) }
  AND COUNT { (g)<-[:SUPPORTS]-(:Goal) } <= $children
  AND NOT EXISTS { (g)<-[:SUPPORTS]-(c:Goal) WHERE COUNT { (c)-[:MEASURED_BY]->(:Metric) } > $metrics }
RETURN g.id AS id ORDER BY id"""
LEAVES = """MATCH (g:Goal {generation: $generation})
WHERE NOT EXISTS { (g)<-[:SUPPORTS]-(:Goal) } AND EXISTS { (g)-[:SUPPORTS*5]->(:Goal) }
  AND NOT EXISTS { (g)-[:SUPPORTS*0..4]->(a:Goal) WHERE COUNT { (a)-[:SUPPORTS]->(:Goal) } > $parents }
RETURN g.id AS id ORDER BY id"""


def csv_rows(path: Path) -> int:
    """Data rows of a CSV file."""
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def current_generation(driver: Any) -> tuple[int, int, int, int]:
    """(current generation, its goals, its metrics, generations of :Node in the database)."""
    rows, _, _ = driver.execute_query(
        "OPTIONAL MATCH (m:ZhengaiMeta {key: 'graph'}) WITH coalesce(m.generation, 0) AS g "
        "RETURN g, COUNT { (:Goal {generation: g}) } AS goals, "
        "COUNT { (:Metric {generation: g}) } AS metrics")
    gens, _, _ = driver.execute_query("MATCH (n:Node) RETURN count(DISTINCT n.generation) AS n")
    return rows[0]["g"], rows[0]["goals"], rows[0]["metrics"], gens[0]["n"]


def ensure_loaded(uri: str, folder: Path) -> int:
    """College's current generation in the Neo4j at ``uri`` (loaded with `zhengai load --replace` first
    unless it holds college's goals and metrics already)."""
    want = csv_rows(folder / "goals.csv"), csv_rows(folder / "metrics.csv")
    with GraphDatabase.driver(uri) as driver:
        generation, goals, metrics, gens = current_generation(driver)
        if (goals, metrics) != want:
            say(f"{uri} holds {goals} goals, {metrics} metrics (college: {want}): loading college …")
            subprocess.run(zhengai("load", "--neo4j", uri, "--replace", "--force", str(folder)), check=True,
                           cwd=ROOT)
            generation, goals, metrics, gens = current_generation(driver)
        if gens != 1:
            say(f"note: the database holds {gens} generations of :Node; @neo4j/graphql reads are filtered to "
                f"generation {generation}")
    return generation


def sample_ids(uri: str, generation: int, count: int, seed: int) -> tuple[list[str], list[str]]:
    """Random goals with children that have metrics (a), and leaf goals with five ancestor levels (b)."""
    with GraphDatabase.driver(uri) as driver:
        a = [r["id"] for r in driver.execute_query(GOALS_A, generation=generation, children=CHILDREN,
                                                            metrics=METRICS)[0]]
        b = [r["id"] for r in driver.execute_query(LEAVES, generation=generation, parents=PARENTS)[0]]
    pick = random.Random(seed)
    return pick.sample(a, min(count, len(a))), pick.sample(b, min(count, len(b)))


@contextmanager
def server(cmd: list[str], ready: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> Iterator[None]:
    """A server process (its log in a temporary file), once ``ready`` answers; stopped afterwards."""
    def answers() -> bool:
        return httpx.post(ready, json={"query": "{ __typename }"}, timeout=2).status_code < 500

    try:
        with launched(cmd, answers, env=env, cwd=cwd, timeout=300):
            yield
    except StartFailed as exc:
        raise SystemExit(str(exc)) from None


def npm_ready() -> None:
    """bench/neo4j_graphql/node_modules, installed from the lock file when missing."""
    if not (NODE_DIR / "node_modules" / "@neo4j" / "graphql").exists():
        say("npm ci in bench/neo4j_graphql …")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True)


def post(client: httpx.Client, url: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL request that must succeed; its data."""
    body = client.post(url, json={"query": query, "variables": variables}, timeout=60).json()
    if body.get("errors"):
        raise SystemExit(f"{url}: {body['errors']}")
    return body["data"]


def tree_a(goal: dict[str, Any]) -> dict[str, Any]:
    """A goal → children → metrics answer as ids, order-free."""
    return {"id": goal["id"], "children": {c["id"]: sorted(m["id"] for m in c["metrics"])
                                           for c in goal["children"]}}


def attainments(goal: dict[str, Any]) -> dict[str, float | None]:
    """Each goal's and metric's attainment in a goal → children → metrics answer."""
    out = {goal["id"]: goal.get("attainment")}
    for c in goal["children"]:
        out[c["id"]] = c.get("attainment")
        out.update((m["id"], m.get("attainment")) for m in c["metrics"])
    return out


def edges_up(goal: dict[str, Any]) -> set[tuple[str, str]]:
    """The (child, parent) pairs of a nested `parents` answer."""
    return {(goal["id"], p["id"]) for p in goal.get("parents", ())} | {
        e for p in goal.get("parents", ()) for e in edges_up(p)}


def shapes(ours: str, theirs: str, generation: int) -> dict[str, Callable[[httpx.Client, str], Any]]:
    """Per read and side: the ids its answer for a goal holds, order-free."""
    g = {"generation": generation}

    def only(rows: list[dict[str, Any]]) -> dict[str, Any]:
        if len(rows) != 1:
            raise SystemExit(f"@neo4j/graphql found {len(rows)} goals for one id")
        return rows[0]

    def chain(c: httpx.Client, i: str) -> Any:
        view = post(c, ours, OURS_CHAIN, {"id": i})["goalChain"]
        if view["omitted"]:
            raise SystemExit(f"goalChain of {i} omitted {view['omitted']} nodes")
        return {(e["source"], e["target"]) for e in view["edges"]}

    return {
        "a ours": lambda c, i: post(c, ours, OURS_A, {"id": i})["goal"],
        "a ours bare": lambda c, i: post(c, ours, OURS_A_BARE, {"id": i})["goal"],
        "a theirs": lambda c, i: only(post(c, theirs, THEIRS_A, {"id": i, **g})["goals"]),
        "b ours parents": lambda c, i: edges_up(post(c, ours, OURS_PARENTS, {"id": i})["goal"]),
        "b ours goalChain": chain,
        "b theirs": lambda c, i: edges_up(only(post(c, theirs, THEIRS_PARENTS, {"id": i, **g})["goals"])),
    }


def verify(ours: str, theirs: str, generation: int, a_ids: list[str], b_ids: list[str]) -> dict[str, float]:
    """Each request's ids on every side (stops at the first difference); mean sizes of the answers and the
    share of (a)'s attainments equal on both sides (ours computed, theirs stored)."""
    shape = shapes(ours, theirs, generation)
    sizes: dict[str, list[float]] = {"a": [], "b": [], "same": []}
    with httpx.Client() as c:
        for i in a_ids:
            found = [shape[k](c, i) for k in ("a ours", "a ours bare", "a theirs")]
            mine, bare, other = (tree_a(f) for f in found)
            if not mine == bare == other:
                raise SystemExit(f"(a) {i}: ids differ\n ours   {mine}\n bare   {bare}\n theirs {other}")
            sizes["a"].append(1 + len(mine["children"]) + sum(len(m) for m in mine["children"].values()))
            computed, stored = attainments(found[0]), attainments(found[2])
            sizes["same"].extend(float(v == stored[k] or (v is not None and stored[k] is not None
                                                         and abs(v - stored[k]) < 1e-9))
                                 for k, v in computed.items())
        for i in b_ids:
            nested, chain, other = (shape[k](c, i)
                                    for k in ("b ours parents", "b ours goalChain", "b theirs"))
            if not nested == chain == other:
                raise SystemExit(f"(b) {i}: edges differ\n parents {sorted(nested)}\n "
                                 f"goalChain {sorted(chain)}\n theirs  {sorted(other)}")
            sizes["b"].append(len({n for e in nested for n in e}))
    return {k: statistics.mean(v) for k, v in sizes.items()}


def bodies(query: str, ids: list[str], extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [{"query": query, "variables": {"id": i, **(extra or {})}} for i in ids]


def measure(reads: dict[str, tuple[str, list[dict[str, Any]]]], rounds: int, seconds: float,
            failed: dict[str, int]) -> dict[str, tuple[list[float], list[float]]]:
    """Per side: pooled latencies at 1 connection and requests/s at 8 of each round, sides alternating
    (their order reversed every other round); ``failed`` counts the requests not answered (not 200, or
    with errors), which count in neither."""
    prepared = {k: (url, graphql_requests(url, b)) for k, (url, b) in reads.items()}
    out: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in reads}
    for url, requests in prepared.values():  # warm (JIT, plan caches, the evaluation at today): not counted
        closed_loop(url, requests, 8, WARM)
    for r in range(rounds):
        order = list(prepared) if r % 2 == 0 else list(reversed(prepared))
        for k in order:
            url, requests = prepared[k]
            one: Run = closed_loop(url, requests, 1, seconds)
            eight: Run = closed_loop(url, requests, 8, seconds)
            out[k][0].extend(one.latencies)
            out[k][1].append(eight.rate)
            failed[k] += one.failures + eight.failures
            for answer in (one.failed + eight.failed)[:1]:
                say(f"  {k}: a failed request answered {answer[:600]!r}")
            say(f"  round {r + 1} {k:<18} p50 {ms(one.p50)}  {eight.rate:7.0f} req/s at 8")
    return out


def report(found: dict[str, tuple[list[float], list[float]]], pairs: list[tuple[str, str]],
           failed: dict[str, int]) -> None:
    """The figures per side and the ratios ours against theirs."""
    print(f"{'read':<20}{'p50 (1 conn)':>13}{'p95':>11}{'req/s at 8':>12}{'(rounds)':>22}{'failed':>8}")
    for k, (lat, rates) in found.items():
        print(f"{k:<20}{ms(pct(lat, 50)):>13}{ms(pct(lat, 95)):>11}{statistics.median(rates):12.0f}"
              f"{' / '.join(f'{x:.0f}' for x in rates):>22}{failed[k]:8d}")
    print("ratios (> 1: ours faster): their p50 / our p50, our req/s / their req/s")
    for mine, other in pairs:
        (ml, mr), (ol, orate) = found[mine], found[other]
        rounds = " / ".join(f"{a / b:.2f}" for a, b in zip(mr, orate, strict=True))
        print(f"  {mine} vs {other}: p50 {pct(ol, 50) / pct(ml, 50):.2f}×, "
              f"p95 {pct(ol, 95) / pct(ml, 95):.2f}×, "
              f"req/s at 8 {statistics.median(mr) / statistics.median(orate):.2f}× (per round {rounds})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()
    folder = dataset("college", args.seed)
    uri = neo4j_uri()
    generation = ensure_loaded(uri, folder)
    a_ids, b_ids = sample_ids(uri, generation, args.samples, args.seed)
    npm_ready()
    ports = free_port(), free_port()
    ours, theirs = f"http://127.0.0.1:{ports[0]}/graphql", f"http://127.0.0.1:{ports[1]}/"
    with ExitStack() as stack:
        say("starting zhengai serve --neo4j and @neo4j/graphql …")
        stack.enter_context(server(zhengai("serve", "--neo4j", uri, "--port", str(ports[0]),
                                           "--log-level", "warning"), ours))
        stack.enter_context(server(["node", "server.mjs"], theirs, {"NEO4J_URI": uri, "PORT": str(ports[1])},
                                   NODE_DIR))
        say(f"comparing ids: {len(a_ids)} goals for (a), {len(b_ids)} leaf goals for (b) …")
        sizes = verify(ours, theirs, generation, a_ids, b_ids)
        gen = {"generation": generation}
        reads = {"a ours": (ours, bodies(OURS_A, a_ids)), "a ours bare": (ours, bodies(OURS_A_BARE, a_ids)),
                 "a theirs": (theirs, bodies(THEIRS_A, a_ids, gen)),
                 "b ours parents": (ours, bodies(OURS_PARENTS, b_ids)),
                 "b ours goalChain": (ours, bodies(OURS_CHAIN, b_ids)),
                 "b theirs": (theirs, bodies(THEIRS_PARENTS, b_ids, gen))}
        before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        failed = dict.fromkeys(reads, 0)
        found = measure(reads, args.rounds, args.seconds, failed)
        after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"college (seed {args.seed}) in Neo4j at {uri}, generation {generation}; {args.rounds} rounds of "
          f"{args.seconds:g} s per side and connection count, interleaved; load average {before} before, "
          f"{after} after ({os.cpu_count()} CPUs)")
    print(f"(a) goal → children → metrics, {len(a_ids)} goals, {sizes['a']:.1f} ids per answer; ours with "
          f"attainment computed (bare: without), theirs reading the stored attainment (equal on "
          f"{sizes['same']:.1%} of the ids); (b) five ancestor levels from "
          f"{len(b_ids)} leaf goals, {sizes['b']:.1f} goals per answer; ids identical on every side")
    report(found, [("a ours", "a theirs"), ("a ours bare", "a theirs"), ("b ours parents", "b theirs"),
                   ("b ours goalChain", "b theirs")], failed)


if __name__ == "__main__":
    main()

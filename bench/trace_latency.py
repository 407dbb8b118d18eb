"""Benchmark (b): traceImpact and explainGap latency on the `college` dataset, both stores, against
the naive Cypher that enumerates every path and multiplies weights (the baseline, same run).

    .venv/bin/python -m bench.trace_latency [--samples 200] [--seed 7] [--skip-load]

Uses NEO4J_URI or starts scripts/neo4j-local (data under bench/out/neo4j). Prints a table of p50/p99.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date

import neo4j
from neo4j import Query, RoutingControl

from bench.common import dataset, ms, neo4j_uri, pct, say, timings
from zhengai.domain.enums import Level
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset
from zhengai.stores import EmbeddedStore
from zhengai.stores.neo4j_store import Neo4jSettings, Neo4jStore

AS_OF = date(2026, 11, 1)
NAIVE_TIMEOUT = 10

NAIVE_TRACE = """
MATCH (m:Metric {id: $id})
MATCH p = (m)<-[:MEASURED_BY]-(:Goal)-[:SUPPORTS*0..]->(t:Goal {level: $level})
UNWIND range(0, length(p) - 1) AS i
WITH t, p, relationships(p)[i] AS r, nodes(p)[i + 1] AS parent
WITH t, p, r.weight / (reduce(a = 0.0, w IN [(parent)<-[x:SUPPORTS]-() | x.weight] | a + w)
                     + reduce(a = 0.0, w IN [(parent)-[x:MEASURED_BY]->() | x.weight] | a + w)) AS step
WITH t, p, exp(sum(log(step))) AS weight
RETURN t.id AS target, sum(weight) AS sensitivity, count(p) AS paths
"""

NAIVE_GAP = """
MATCH (g:Goal {id: $id})
MATCH p = (g)<-[:SUPPORTS*0..]-(:Goal)-[:MEASURED_BY]->(m:Metric)
UNWIND range(0, length(p) - 1) AS i
WITH m, p, relationships(p)[i] AS r
WITH m, p, r, CASE WHEN type(r) = 'SUPPORTS' THEN endNode(r) ELSE startNode(r) END AS parent
WITH m, p, r.weight / (reduce(a = 0.0, w IN [(parent)<-[x:SUPPORTS]-() | x.weight] | a + w)
                     + reduce(a = 0.0, w IN [(parent)-[x:MEASURED_BY]->() | x.weight] | a + w)) AS step
WITH m, p, exp(sum(log(step))) AS weight
RETURN m.id AS metric, sum(weight) AS sensitivity, count(p) AS paths
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scale", default="college")
    ap.add_argument("--skip-load", action="store_true", help="Neo4j already holds the dataset")
    args = ap.parse_args()

    folder = dataset(args.scale, args.seed)
    started = time.perf_counter()
    ds = load_dataset(folder)
    say(f"validated {folder.name} in {time.perf_counter() - started:.1f} s: {len(ds.goals)} goals, "
        f"{len(ds.metrics)} metrics, {len(ds.observations)} observations")
    rng = random.Random(args.seed)
    metrics = rng.sample(sorted(ds.metrics), args.samples)
    goals = rng.sample(sorted(ds.goals), args.samples)

    embedded = Engine(EmbeddedStore(ds))
    started = time.perf_counter()
    embedded.snapshot(AS_OF)
    say(f"embedded: full evaluation in {time.perf_counter() - started:.2f} s")

    neo = Neo4jStore(Neo4jSettings(neo4j_uri()))
    if not args.skip_load:
        started = time.perf_counter()
        neo.load(ds, replace=True)
        say(f"neo4j: loaded in {time.perf_counter() - started:.1f} s ({neo.counts()})")
    graph_db = Engine(neo)
    started = time.perf_counter()
    graph_db.snapshot(AS_OF)
    say(f"neo4j: full evaluation (read once per data version) in {time.perf_counter() - started:.2f} s")

    def run_naive(text: str, **params: object) -> None:
        """The naive query; one that exceeds NAIVE_TIMEOUT counts as taking NAIVE_TIMEOUT."""
        try:
            neo.driver.execute_query(Query(text, timeout=NAIVE_TIMEOUT), params,
                                     routing_=RoutingControl.READ, database_=neo.settings.database)
        except neo4j.exceptions.ClientError as exc:
            if "Timeout" not in (exc.code or ""):
                raise
            timed_out.append(params["id"])

    timed_out: list[object] = []

    rows = []
    for label, engine in (("embedded", embedded), ("neo4j", graph_db)):
        for i in range(10):  # warm-up
            engine.trace_impact(metrics[i], AS_OF, Level.SCHOOL, 20)
        trace = [timings(lambda m=m, e=engine: e.trace_impact(m, AS_OF, Level.SCHOOL, 20), 1)[0]
                 for m in metrics]
        gap = [timings(lambda g=g, e=engine: e.explain_gap(g, AS_OF, 10), 1)[0] for g in goals]
        rows += [(f"traceImpact  {label}", trace), (f"explainGap   {label}", gap)]
    for m in metrics[:10]:
        run_naive(NAIVE_TRACE, id=m, level="SCHOOL")
    naive_trace = [timings(lambda m=m: run_naive(NAIVE_TRACE, id=m, level="SCHOOL"), 1)[0] for m in metrics]
    naive_gap = [timings(lambda g=g: run_naive(NAIVE_GAP, id=g), 1)[0] for g in goals]
    rows += [("traceImpact  naive Cypher", naive_trace), ("explainGap   naive Cypher", naive_gap)]
    if timed_out:
        say(f"naive queries stopped at the {NAIVE_TIMEOUT} s timeout (counted as {NAIVE_TIMEOUT} s): "
            f"{len(timed_out)}")

    print(f"{args.scale} (seed {args.seed}): {len(ds.goals)} goals, {len(ds.metrics)} metrics; "
          f"{args.samples} random metrics / goals each, asOf {AS_OF}")
    print(f"{'operation':30} {'p50':>10} {'p99':>10} {'mean':>10}")
    for name, values in rows:
        print(f"{name:30} {ms(pct(values, 50)):>10} {ms(pct(values, 99)):>10} "
              f"{ms(sum(values) / len(values)):>10}")
    base_trace, base_gap = pct(naive_trace, 50), pct(naive_gap, 50)
    for name, values in rows[:4]:
        base = base_trace if name.startswith("trace") else base_gap
        print(f"ratio naive/{name.strip():24} p50: {base / pct(values, 50):8.1f}×")
    neo.close()


if __name__ == "__main__":
    main()

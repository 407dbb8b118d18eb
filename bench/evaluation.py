"""Full evaluation of one date (every metric's and goal's attainment), issue 17's first three targets:

1. embedded, in process: the columnar path the engine runs (:mod:`zhengai.engine.columnar`, structure
   compiled once per structure version) against the reference implementation
   (:mod:`zhengai.engine.reference`, node by node) on the same dates, interleaved, checked equal;
2. the first question at a new ``asOf`` over HTTP: a running ``zhengai serve --data`` process, the saved
   ``goal`` query at a date never asked before against the same request repeated (the baseline);
3. with ``--neo4j``: the cold evaluation on the Neo4j store (open it — the graph read into memory —
   then the first evaluation, then new dates) against the embedded store's first evaluation (same run).

    .venv/bin/python -m bench.evaluation [--scale college] [--dates 5] [--http-rounds 5] [--neo4j]
    [--skip-load] [--skip-embedded] [--skip-http]

Parts 2 and 3 need the dataset in bench/out/; part 3 loads it into NEO4J_URI (else the benches' own
Neo4j under bench/out/) unless ``--skip-load``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from bench.common import dataset, ms, say
from bench.launch import free_port
from zhengai.engine import Engine
from zhengai.engine.reference import ReferenceSnapshot
from zhengai.engine.snapshot import Snapshot
from zhengai.engine.structure import Structure
from zhengai.graph_loader import load_dataset
from zhengai.queries import QUERIES
from zhengai.stores import EmbeddedStore
from zhengai.stores.memory import GraphState

FIRST = date(2026, 9, 1)


def load_average() -> str:
    """The load average and the CPU count, as printed by every part."""
    return f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)"


def dates(count: int, offset: int = 0) -> list[date]:
    """``count`` distinct dates a week apart (shifted by ``offset`` days)."""
    return [FIRST + timedelta(days=7 * i + offset) for i in range(count)]


def largest_difference(state: GraphState, snap: Snapshot, ref: ReferenceSnapshot) -> float:
    """The largest |columnar − reference| attainment over every goal and metric (inf: known on one side)."""
    worst = 0.0
    for node in state.ids("Goal") | state.ids("Metric"):
        a, b = snap.attainment(node), ref.attainment(node)
        if (a is None) != (b is None):
            return float("inf")
        if a is not None and b is not None:
            worst = max(worst, abs(a - b))
    return worst


def embedded(scale: str, seed: int, count: int) -> None:
    """Part 1: columnar against reference, in process."""
    started = time.perf_counter()
    ds = load_dataset(dataset(scale, seed))
    engine = Engine(EmbeddedStore(ds))
    state = engine.state
    say(f"validated and stored in {time.perf_counter() - started:.1f} s")
    gc.collect()
    gc.freeze()  # as `serve` does: the loaded graph is not rescanned by full collections
    started = time.perf_counter()
    compiled = engine.compiled()
    compile_s = time.perf_counter() - started
    started = time.perf_counter()
    Snapshot.evaluate(Structure(state, FIRST - timedelta(days=1)), compiled)
    warm_s = time.perf_counter() - started
    print(f"[embedded] {scale} (seed {seed}): {len(ds.goals)} goals, {len(ds.metrics)} metrics, "
          f"{state.observation_count()} observations; load average {load_average()}")
    print(f"structure compiled into arrays (once per structure version): {compile_s:.2f} s")
    print(f"first columnar evaluation (observation rows located, once): {ms(warm_s)}")
    print(f"{'asOf':10}  {'columnar':>10}  {'engine.snapshot':>15}  {'reference':>10}  {'ratio':>7}  "
          f"{'max |diff|':>10}")
    columnar, first, reference, worst_all = [], [], [], 0.0
    for when in dates(count):
        started = time.perf_counter()
        snap = Snapshot.evaluate(Structure(state, when), compiled)
        col_s = time.perf_counter() - started
        started = time.perf_counter()
        engine._full_snapshot(when + timedelta(days=1))  # the engine's own path, a date it never evaluated
        eng_s = time.perf_counter() - started
        started = time.perf_counter()
        ref = ReferenceSnapshot.evaluate(Structure(state, when), state.latest_observations(when))
        ref_s = time.perf_counter() - started
        worst = largest_difference(state, snap, ref)
        worst_all = max(worst_all, worst)
        columnar.append(col_s)
        first.append(eng_s)
        reference.append(ref_s)
        print(f"{when.isoformat():10}  {ms(col_s):>10}  {ms(eng_s):>15}  {ref_s:9.2f}s  "
              f"{ref_s / col_s:6.1f}×  {worst:10.1e}")
        del snap, ref
    med_c, med_e, med_r = (statistics.median(x) for x in (columnar, first, reference))
    print(f"median over {count} dates: columnar {ms(med_c)}, engine.snapshot at a new date {ms(med_e)}, "
          f"reference {med_r:.2f} s")
    print(f"ratio reference/columnar (median): {med_r / med_c:.1f}×; largest difference {worst_all:.1e}")
    print(f"load average at end: {load_average()}")


def school_goal(folder: Path) -> str:
    """The first SCHOOL-level goal of a dataset (its goals.csv)."""
    with open(folder / "goals.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("level") == "SCHOOL":
                return row["id"]
    raise SystemExit(f"no SCHOOL goal in {folder}")


def over_http(scale: str, seed: int, rounds: int) -> None:
    """Part 2: the first question at a new asOf over HTTP against the same question repeated."""
    from bench.loadgen import process, rss_mb, zhengai

    folder = dataset(scale, seed)
    goal = school_goal(folder)
    query = (QUERIES / "graphql" / "goal.graphql").read_text(encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    say(f"starting zhengai serve --data {folder} …")
    with tempfile.TemporaryDirectory() as tmp, \
            process(zhengai("serve", "--data", str(folder), "--state", tmp, "--port", str(port)),
                    f"{url}/healthz") as proc, httpx.Client(timeout=600) as client:
        def ask(when: date) -> float:
            started = time.perf_counter()
            variables = {"id": goal, "asOf": when.isoformat()}
            answer = client.post(f"{url}/graphql", json={"query": query, "variables": variables})
            took = time.perf_counter() - started
            body = answer.json()
            if answer.status_code != 200 or body.get("errors") or body["data"]["goal"] is None:
                raise SystemExit(f"bad answer at {when}: {answer.status_code} {str(body)[:500]}")
            return took

        ask(date(2026, 11, 1))  # connection and the first request's one-time costs
        new, repeated = [], []
        for when in dates(rounds, offset=3):
            new.append(ask(when))  # a date this server never evaluated
            repeated.append(min(ask(when) for _ in range(3)))  # the same question again: evaluation cached
        rss, _ = rss_mb(proc.pid)
    print(f"[http] {scale} (seed {seed}): saved query `goal` (id {goal}) over HTTP, {rounds} new dates; "
          f"load average {load_average()}; server RSS {rss:.0f} MB")
    print(f"{'request':28} {'p50':>10} {'max':>10}")
    print(f"{'first at a new asOf':28} {ms(statistics.median(new)):>10} {ms(max(new)):>10}")
    print(f"{'repeated (baseline)':28} {ms(statistics.median(repeated)):>10} {ms(max(repeated)):>10}")
    print(f"ratio new/repeated (p50): {statistics.median(new) / statistics.median(repeated):.1f}×")


def on_neo4j(scale: str, seed: int, count: int, skip_load: bool) -> None:
    """Part 3: the cold evaluation on the Neo4j store against the embedded store's, same run."""
    from bench.common import neo4j_uri
    from zhengai.stores.neo4j_store import Neo4jSettings, Neo4jStore

    ds = load_dataset(dataset(scale, seed))
    settings = Neo4jSettings(neo4j_uri())
    loaded = ""
    if not skip_load:
        say(f"loading {scale} into {settings.uri} …")
        loader = Neo4jStore(settings)
        started = time.perf_counter()
        loader.load(ds, replace=True)
        load_s = time.perf_counter() - started
        nodes, rels = loader.counts()
        loader.close()
        loaded = (f"load (the store's own, --replace): {load_s:.1f} s, {nodes} nodes + {rels} relationships, "
                  f"{(nodes + rels) / load_s:,.0f} records/s")
    when = date(2026, 11, 1)
    started = time.perf_counter()
    emb = Engine(EmbeddedStore(ds))
    emb_open = time.perf_counter() - started
    started = time.perf_counter()
    emb.snapshot(when)
    emb_first = time.perf_counter() - started
    del emb
    gc.collect()
    started = time.perf_counter()
    store = Neo4jStore(settings)
    open_s = time.perf_counter() - started
    engine = Engine(store)
    started = time.perf_counter()
    engine.snapshot(when)
    first_s = time.perf_counter() - started
    later = []
    for day in dates(count, offset=5):
        started = time.perf_counter()
        engine.snapshot(day)
        later.append(time.perf_counter() - started)
    store.close()
    print(f"[neo4j] {scale} (seed {seed}) at {settings.uri}; load average {load_average()}")
    if loaded:
        print(loaded)
    print(f"{'':44} {'embedded':>10} {'neo4j':>10}")
    print(f"{'open the store (graph into memory)':44} {emb_open:9.2f}s {open_s:9.2f}s")
    print(f"{'first evaluation (arrays compiled + date)':44} {ms(emb_first):>10} {ms(first_s):>10}")
    print(f"{'evaluation at a new date (median of ' + str(count) + ')':44} {'':>10} "
          f"{ms(statistics.median(later)):>10}")
    print(f"ratio neo4j/embedded, first evaluation: {first_s / emb_first:.2f}×")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="college")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dates", type=int, default=5)
    ap.add_argument("--http-rounds", type=int, default=5)
    ap.add_argument("--skip-embedded", action="store_true")
    ap.add_argument("--skip-http", action="store_true")
    ap.add_argument("--neo4j", action="store_true", help="also the cold evaluation on the Neo4j store")
    ap.add_argument("--skip-load", action="store_true", help="Neo4j already holds the dataset")
    args = ap.parse_args()
    if not args.skip_embedded:
        embedded(args.scale, args.seed, args.dates)
        gc.unfreeze()
        gc.collect()
    if not args.skip_http:
        over_http(args.scale, args.seed, args.http_rounds)
    if args.neo4j:
        on_neo4j(args.scale, args.seed, args.dates, args.skip_load)


if __name__ == "__main__":
    main()

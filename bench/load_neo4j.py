"""Benchmark (a): loading `college` into Neo4j — nodes + relationships per second, the store's load (a
new generation in bounded transactions, one small switch, then the previous generation deleted) fresh,
as a --replace over the same graph (ratio in the same run) and without --replace (copy + upsert),
against one statement per row (the baseline, same run).

    NEO4J_URI=bolt://… .venv/bin/python -m bench.load_neo4j [--scale college] [--row-sample 5000]
    NEO4J_URI=bolt://… .venv/bin/python -m bench.load_neo4j --scale province --fresh-only

Run it against a Neo4j with the project's default settings (scripts/neo4j-local: 2 GiB heap, so a
transaction memory limit of 1.4 GiB; 512 MiB page cache) to check that no load needs the whole graph in
one transaction. "fresh" loads onto a database holding a tiny graph (its units). Rates are records
(nodes + relationships) over the time until the new graph is served by the database (the switch);
this process's reload of the graph into memory and the deletion of the previous generation follow.
The row-by-row baseline writes the first N nodes and N relationships of the same dataset (a full
row-by-row load would take many minutes).
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from neo4j import ManagedTransaction

from bench.common import dataset, neo4j_uri, say
from zhengai.graph_loader import load_dataset
from zhengai.stores.cypher import statement
from zhengai.stores.neo4j_store import Neo4jSettings, Neo4jStore


def timed_load(store: Neo4jStore, ds: Any, replace: bool) -> tuple[float, float, float]:
    """Seconds to the switch, to the end of this process's reload of the new graph, and in all (with
    the deletion of the previous generation) of one load, with its stages said as they start."""
    started = time.perf_counter()
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in marks:
            say(f"  {time.perf_counter() - started:6.1f} s  {stage} …")
        marks[stage] = time.perf_counter() - started

    store.load(ds, replace=replace, progress=progress)
    return marks["switch"], marks["reload"], time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="college")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--row-sample", type=int, default=5000)
    ap.add_argument("--fresh-only", action="store_true",
                    help="time the fresh load alone (e.g. --scale province: each load takes minutes)")
    args = ap.parse_args()
    load_before = os.getloadavg()
    folder = dataset(args.scale, args.seed)
    started = time.perf_counter()
    ds = load_dataset(folder)
    say(f"validated in {time.perf_counter() - started:.1f} s")
    store = Neo4jStore(Neo4jSettings(neo4j_uri()))
    sample_nodes: list[tuple[str, dict[str, Any]]] = []  # the first rows of each stage (only these are
    sample_rels: list[tuple[str, dict[str, Any]]] = []   # kept: all rows held would slow the loads timed)
    n_obs = 0
    for stage, name, rows in Neo4jStore.load_steps(ds):
        sample = sample_nodes if stage == "nodes" else sample_rels if stage == "relationships" else []
        sample.extend((name, row) for row in rows[: args.row_sample - len(sample)])
        n_obs += sum(len(row["props"].get("obsAt", ())) for row in rows) if stage == "nodes" else 0

    store.load(ds.__class__(units=ds.units), replace=True)  # start from a tiny graph
    say("fresh load (onto a tiny graph):")
    fresh_switch, fresh_reload, fresh_s = timed_load(store, ds, replace=True)
    n_nodes, n_rels = store.counts()
    records = n_nodes + n_rels
    if args.fresh_only:
        print(f"{args.scale} (seed {args.seed}): {n_nodes} nodes, {n_rels} relationships, {n_obs} "
              f"observations; load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after")
        print(f"fresh load: {fresh_switch:.1f} s to the switch ({records / fresh_switch:,.0f} records/s), "
              f"reload {fresh_reload - fresh_switch:.1f} s, {fresh_s:.1f} s in all")
        store.close()
        return
    say("--replace onto the same graph:")
    replace_switch, replace_reload, replace_s = timed_load(store, ds, replace=True)
    assert store.counts() == (n_nodes, n_rels)
    say("the same dataset again, without --replace:")
    again_switch, again_reload, again_s = timed_load(store, ds, replace=False)
    assert store.counts() == (n_nodes, n_rels)

    store.load(ds.__class__(units=ds.units), replace=True)
    generation = store._generation

    def row_by_row(tx: ManagedTransaction) -> None:
        for name, row in sample_nodes:  # merge_nodes@Label → merge_node_row@Label
            tx.run(statement(name.replace("merge_nodes", "merge_node_row")), **row,
                   generation=generation).consume()
        for name, row in sample_rels:
            tx.run(statement(name.replace("merge_relationships", "merge_relationship_row")), **row,
                   generation=generation).consume()

    started = time.perf_counter()
    with store.driver.session(database=store.settings.database) as session:
        session.execute_write(row_by_row)
    row_s = time.perf_counter() - started
    row_rate = (len(sample_nodes) + len(sample_rels)) / row_s
    load_after = os.getloadavg()

    print(f"{args.scale} (seed {args.seed}): {n_nodes} nodes, {n_rels} relationships, "
          f"{n_obs} observations (as arrays on their metric nodes); load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min)")
    print(f"{'':34}{'to switch':>10}{'reload':>9}{'cleanup':>9}{'in all':>9}{'records/s to switch':>21}")
    for label, switch_s, reload_s, all_s in (
            ("fresh load", fresh_switch, fresh_reload, fresh_s),
            ("--replace over the same graph", replace_switch, replace_reload, replace_s),
            ("same dataset again, no --replace", again_switch, again_reload, again_s)):
        print(f"{label:34}{switch_s:8.1f} s{reload_s - switch_s:7.1f} s{all_s - reload_s:7.1f} s"
              f"{all_s:7.1f} s{records / switch_s:21,.0f}")
    print(f"ratio --replace / fresh: {replace_switch / fresh_switch:.2f}× to the switch, "
          f"{replace_s / fresh_s:.2f}× in all (reload and cleanup included)")
    print(f"one statement per row (sample):  {row_s:8.1f} s  {row_rate:10,.0f} nodes+rels/s "
          f"({len(sample_nodes)} nodes + {len(sample_rels)} relationships)")
    print(f"ratio batched (fresh, to switch)/row-by-row: {records / fresh_switch / row_rate:.1f}×")
    store.load(ds, replace=True)  # leave the full dataset for the other benchmarks
    store.close()


if __name__ == "__main__":
    main()

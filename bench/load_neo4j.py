"""Benchmark (a): loading `college` into Neo4j — nodes + relationships per second, batched UNWIND
(the store's own load, one transaction) against one statement per row (the baseline, same run).

    .venv/bin/python -m bench.load_neo4j [--scale college] [--row-sample 5000]

The row-by-row baseline writes the first N nodes and N relationships of the same dataset (a full
row-by-row load would take many minutes); its rate is compared with the batched rate.
"""

from __future__ import annotations

import argparse
import time

from neo4j import ManagedTransaction

from bench.common import dataset, neo4j_uri, say
from zhengai.graph_loader import load_dataset
from zhengai.stores.cypher import statement
from zhengai.stores.neo4j_store import Neo4jSettings, Neo4jStore


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="college")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--row-sample", type=int, default=5000)
    args = ap.parse_args()
    folder = dataset(args.scale, args.seed)
    started = time.perf_counter()
    ds = load_dataset(folder)
    say(f"validated in {time.perf_counter() - started:.1f} s")
    store = Neo4jStore(Neo4jSettings(neo4j_uri()))
    steps = list(Neo4jStore.load_steps(ds))
    node_rows = [(name, row) for stage, name, rows in steps if stage == "nodes" for row in rows]
    rel_rows = [(name, row) for stage, name, rows in steps if stage == "relationships" for row in rows]
    n_obs = sum(len(row["props"].get("obsAt", ())) for _, row in node_rows)

    store.load(ds.__class__(units=ds.units), replace=True)  # start from a small graph
    started = time.perf_counter()
    store.load(ds, replace=True, progress=None)
    batched_s = time.perf_counter() - started
    n_nodes, n_rels = store.counts()
    batched_rate = (n_nodes + n_rels) / batched_s

    started = time.perf_counter()
    store.load(ds)  # the same dataset again: nothing changes
    again_s = time.perf_counter() - started
    assert store.counts() == (n_nodes, n_rels)

    sample_nodes, sample_rels = node_rows[: args.row_sample], rel_rows[: args.row_sample]
    store.load(ds.__class__(units=ds.units), replace=True)

    def row_by_row(tx: ManagedTransaction) -> None:
        for name, row in sample_nodes:  # merge_nodes@Label → merge_node_row@Label
            tx.run(statement(name.replace("merge_nodes", "merge_node_row")), **row).consume()
        for name, row in sample_rels:
            tx.run(statement(name.replace("merge_relationships", "merge_relationship_row")), **row).consume()

    started = time.perf_counter()
    with store.driver.session(database=store.settings.database) as session:
        session.execute_write(row_by_row)
    row_s = time.perf_counter() - started
    row_rate = (len(sample_nodes) + len(sample_rels)) / row_s

    print(f"{args.scale} (seed {args.seed}): {n_nodes} nodes, {n_rels} relationships, "
          f"{n_obs} observations (as arrays on their metric nodes)")
    print(f"batched UNWIND, one transaction: {batched_s:8.1f} s  {batched_rate:10,.0f} nodes+rels/s")
    print(f"same dataset loaded again:       {again_s:8.1f} s  (counts unchanged)")
    print(f"one statement per row (sample):  {row_s:8.1f} s  {row_rate:10,.0f} nodes+rels/s "
          f"({len(sample_nodes)} nodes + {len(sample_rels)} relationships)")
    print(f"ratio batched/row-by-row: {batched_rate / row_rate:.1f}×")
    store.load(ds, replace=True)  # leave the full dataset for the other benchmarks
    store.close()


if __name__ == "__main__":
    main()

"""Benchmark: traceImpact requests/s at 32 connections on `college`, embedded store, `zhengai serve
--workers 2` against one worker (the baseline), both serving in the same run, measured in alternating
rounds.

    .venv/bin/python -m bench.throughput [--connections 32] [--seconds 15] [--rounds 3] [--workers 2]

Each server is a real `zhengai serve --data bench/out/college-7` process with its own journal folder;
the load comes from bench/loadgen.py (keep-alive connections, closed loop) over random student metrics.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import tempfile
from pathlib import Path

from bench.common import dataset, say
from bench.launch import free_port
from bench.loadgen import closed_loop, graphql_requests, process, rss_mb, zhengai
from zhengai.queries import QUERIES

AS_OF = "2026-11-01"


def metric_ids(folder: Path, count: int, seed: int) -> list[str]:
    with open(folder / "metrics.csv", encoding="utf-8") as handle:
        ids = [row["id"] for row in csv.DictReader(handle)]
    return random.Random(seed).sample(ids, count)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="college")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    folder = dataset(args.scale, args.seed)
    query = (QUERIES / "graphql" / "trace_impact.graphql").read_text(encoding="utf-8")
    bodies = [{"query": query, "variables": {"metricId": m, "asOf": AS_OF}}
              for m in metric_ids(folder, 500, args.seed)]
    with tempfile.TemporaryDirectory() as tmp:
        ports = free_port(), free_port()
        say("starting both servers (each validates and evaluates the dataset) …")
        one_url, many_url = (f"http://127.0.0.1:{p}" for p in ports)
        serve = ("serve", "--data", str(folder), "--state")
        with process(zhengai(*serve, f"{tmp}/one", "--port", str(ports[0])), f"{one_url}/healthz") as one, \
             process(zhengai(*serve, f"{tmp}/many", "--port", str(ports[1]), "--workers", str(args.workers)),
                     f"{many_url}/healthz") as many:
            servers = {"1 worker": (one_url, one.pid), f"{args.workers} workers": (many_url, many.pid)}
            for name, (url, _) in servers.items():  # warm up: the evaluation at AS_OF, every worker
                closed_loop(f"{url}/graphql", graphql_requests(f"{url}/graphql", bodies), 8, 5)
                say(f"{name}: warm")
            runs: dict[str, list] = {name: [] for name in servers}
            for r in range(args.rounds):
                for name, (url, _) in servers.items():
                    run = closed_loop(f"{url}/graphql", graphql_requests(f"{url}/graphql", bodies),
                                      args.connections, args.seconds)
                    runs[name].append(run)
                    say(f"round {r + 1} {name}: {run.rate:7.1f} requests/s, p50 {run.p50 * 1000:.1f} ms, "
                        f"{run.failures} failed")
            memory = {name: rss_mb(pid) for name, (_, pid) in servers.items()}
    print(f"{args.scale} (seed {args.seed}): traceImpact of 500 random metrics to SCHOOL, asOf {AS_OF}, "
          f"{args.connections} connections, {args.rounds} alternating rounds of {args.seconds:g} s")
    print(f"{'server':12} {'requests/s':>11} {'p50':>9} {'p99':>9} {'failed':>7} {'RSS MB':>8} {'PSS MB':>8}")
    rates = {}
    for name, found in runs.items():
        rates[name] = statistics.median(r.rate for r in found)
        latencies = [x for r in found for x in r.latencies]
        run = found[0].__class__(args.connections, 1, latencies, sum(r.failures for r in found))
        print(f"{name:12} {rates[name]:11.1f} {run.p50 * 1000:7.1f}ms {run.p99 * 1000:7.1f}ms "
              f"{run.failures:7d} {memory[name][0]:8.0f} {memory[name][1]:8.0f}")
    one_rate, many_rate = rates["1 worker"], rates[f"{args.workers} workers"]
    print(f"ratio {args.workers} workers / 1 worker (median requests/s): {many_rate / one_rate:.2f}×")


if __name__ == "__main__":
    main()

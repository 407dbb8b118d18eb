"""Ingesting 10,000 observations into `college` on the embedded store, propagation included
(incremental: only the ancestors of the touched metrics), against a full recompute of the same
state in the same run.

    .venv/bin/python -m bench.ingest [--rows 10000]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date

from bench.common import dataset, say
from zhengai.domain.models import ObservedValue
from zhengai.engine import Engine
from zhengai.engine.writes import WriteService
from zhengai.graph_loader import load_dataset
from zhengai.stores import EmbeddedStore

AS_OF = date(2026, 11, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    ds = load_dataset(dataset("college", args.seed))
    engine = Engine(EmbeddedStore(ds))
    engine.snapshot(AS_OF)  # the cached evaluation a running service holds
    rng = random.Random(args.seed)
    metrics = rng.sample(sorted(ds.metrics), args.rows)
    rows = [ObservedValue(m, date(2026, 10, 28), round(rng.uniform(50, 100), 1)) for m in metrics]
    say(f"ingesting {len(rows)} observations of {len(set(metrics))} metrics …")

    started = time.perf_counter()
    result = WriteService(engine, today=lambda: AS_OF).record_observations(rows)
    ingest_s = time.perf_counter() - started
    incremental = engine.snapshot(AS_OF)

    started = time.perf_counter()
    full = Engine(engine.store).snapshot(AS_OF)
    full_s = time.perf_counter() - started
    worst = max(abs((incremental.attainment(n) or 0) - (full.attainment(n) or 0)) for n in ds.goals)
    print(f"college (seed {args.seed}): {len(ds.goals)} goals, {len(ds.metrics)} metrics")
    print(f"record {result.received} observations ({result.changed} changed), incremental propagation: "
          f"{ingest_s:.2f} s")
    print(f"full recompute of the same state (baseline):                   {full_s:.2f} s")
    print(f"largest difference between the two, over every goal: {worst:.1e}")
    print(f"ratio full/incremental: {full_s / ingest_s:.1f}×")

    # as served: a subscriber is listening, so the warnings due today are diffed around the write
    served = WriteService(engine, today=lambda: AS_OF)
    served.listeners.append(lambda raised: None)
    more = [ObservedValue(m, date(2026, 10, 29), round(rng.uniform(50, 100), 1)) for m in metrics]
    engine.warnings(AS_OF)  # a running service has them cached
    started = time.perf_counter()
    result = served.record_observations(more)
    print(f"the same with warning push (warnings re-evaluated after the write): "
          f"{time.perf_counter() - started:.2f} s, {len(result.raised)} warnings raised")


if __name__ == "__main__":
    main()

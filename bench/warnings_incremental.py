"""监测预警 after an ingest of 10,000 observations into `college` (embedded store): the held warnings brought
up incrementally (only the observed metrics and the goals above them re-evaluated) against a full
recompute of the same state, interleaved in the same run, and checked equal. "first 200" is the time to
then read the first page the ``warnings`` query returns by default (its warnings built on first read);
"CPU" the processor time the incremental read itself took (on a shared machine the wall time also counts
the waits for a core).

    .venv/bin/python -m bench.warnings_incremental [--rows 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import date, timedelta

from bench.common import dataset, ms, say
from zhengai.domain.models import ObservedValue
from zhengai.engine import Engine
from zhengai.engine.ingest import plan_observations
from zhengai.graph_loader import load_dataset
from zhengai.stores import EmbeddedStore

AS_OF = date(2026, 11, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    ds = load_dataset(dataset("college", args.seed))
    engine = Engine(EmbeddedStore(ds))
    say("evaluating and computing the warnings a running service holds …")
    engine.snapshot(AS_OF)
    held = len(engine.warnings(AS_OF))
    rng = random.Random(args.seed)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"college (seed {args.seed}): {len(ds.goals)} goals, {len(ds.metrics)} metrics, {held} warnings "
          f"due {AS_OF}; load average {load} ({os.cpu_count()} CPUs)")
    print(f"{'round':>5}  {'refreshed nodes':>15}  {'incremental':>12}  {'CPU':>9}  {'first 200':>10}  "
          f"{'full recompute':>15}  {'ratio':>7}  equal")
    ratios = []
    for r in range(args.rounds):
        metrics = rng.sample(sorted(ds.metrics), args.rows)
        at = AS_OF - timedelta(days=r + 1)
        rows = [ObservedValue(m, at, round(rng.uniform(0, 120), 1)) for m in metrics]
        applied = engine.store.commit(lambda state, rows=rows: plan_observations(state, rows, None, "bench"))
        engine.absorb(applied)  # the snapshot refreshed in place, the held warnings marked
        started, cpu_started = time.perf_counter(), time.process_time()
        incremental = engine.warnings(AS_OF)  # the first warnings question after the ingest
        inc_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
        started = time.perf_counter()
        incremental[:200]  # the first page the query returns
        page_s = time.perf_counter() - started

        fresh = Engine(engine.store)  # the baseline: the same state's warnings computed afresh
        fresh.snapshot(AS_OF)  # its evaluation is not part of the warnings' cost
        started = time.perf_counter()
        recomputed = fresh.warnings(AS_OF)
        full_s = time.perf_counter() - started
        equal = incremental == recomputed
        ratios.append(full_s / inc_s)
        print(f"{r + 1:>5}  {len(engine.last_refreshed):>15}  {ms(inc_s):>12}  {ms(cpu_s):>9}  "
              f"{ms(page_s):>10}  {ms(full_s):>15}  {full_s / inc_s:>6.1f}×  {equal}")
        if not equal:
            raise SystemExit("the incremental warnings differ from the full recompute")
    print(f"median ratio full/incremental: {sorted(ratios)[len(ratios) // 2]:.1f}×")


if __name__ == "__main__":
    main()

"""Benchmark: what one 学生 诊改报告 costs as PDF on ``college``, against the Markdown of the same report in
the same run, and what writing every student's report (``zhengai render-reports``) would take.

    .venv/bin/python -m bench.reports_batch [--sample 300] [--jobs 2] [--as-of 2026-11-20]

``college`` (seed 7, generated into bench/out/ on first use) is loaded into the embedded store. For a
random sample of students (seeded), each report is rendered as Markdown and as PDF, interleaved (the
order alternates per student), each from the report's data gathered afresh, so both figures hold the
data gathering and differ by the renderer only; p50/p95 of each and their ratio. Then the same sample
goes through the batch job (:func:`zhengai.reports.batch.run_batch`, files written to a temporary
folder) with ``--jobs`` worker processes; its rate gives the time for all students of ``college`` and for
30,000.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.common import dataset, pct, say
from zhengai.domain.enums import Level
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset
from zhengai.reports.batch import Options, run_batch, subjects_at
from zhengai.reports.render import render_subject
from zhengai.stores import EmbeddedStore

TARGET = 30_000


def _timed(engine: Engine, subject_id: str, fmt: str, as_of: date) -> float:
    started = time.perf_counter()
    render_subject(engine, subject_id, fmt, as_of)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--as-of", default="2026-11-20")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    as_of = date.fromisoformat(args.as_of)

    folder = dataset("college", 7)
    started = time.perf_counter()
    engine = Engine(EmbeddedStore(load_dataset(folder)))
    engine.snapshot(as_of)
    say(f"college loaded and evaluated in {time.perf_counter() - started:.1f} s")
    students = subjects_at(engine, Level.STUDENT, as_of)
    sample = random.Random(args.seed).sample(students, min(args.sample, len(students)))
    render_subject(engine, sample[0], "pdf", as_of)  # fonts and caches once, outside the figures

    md, pdf = [], []
    for i, s in enumerate(sample):
        for fmt in (("md", "pdf") if i % 2 == 0 else ("pdf", "md")):
            (md if fmt == "md" else pdf).append(_timed(engine, s, fmt, as_of))
        if (i + 1) % 50 == 0:
            say(f"  {i + 1}/{len(sample)} rendered")

    with tempfile.TemporaryDirectory() as tmp:
        batch = run_batch(engine, sample, Path(tmp), Options("pdf", as_of), jobs=args.jobs,
                          progress=lambda p: say(f"  batch: {p.line()}"), every=10.0)
    assert not batch.failures, batch.failures[:3]
    rate = batch.written / batch.seconds

    print(f"college (seed 7): {len(students):,} students; sample {len(sample)} (seed {args.seed}), "
          f"asOf {as_of}; python {sys.version.split()[0]}")
    print(f"{'render':<10}{'p50':>10}{'p95':>10}{'max':>10}{'mean':>10}")
    for name, values in (("markdown", md), ("pdf", pdf)):
        figures = (pct(values, 50), pct(values, 95), max(values), statistics.mean(values))
        print(f"{name:<10}" + "".join(f"{v * 1000:>8.0f}ms" for v in figures))
    print(f"ratio pdf/markdown  p50: {pct(pdf, 50) / pct(md, 50):.1f}×   "
          f"p95: {pct(pdf, 95) / pct(md, 95):.1f}×")
    print(f"PDFs over 1 s: {sum(v > 1.0 for v in pdf)} of {len(pdf)}")
    print(f"batch of the sample, {args.jobs} job(s): {batch.written} PDFs in {batch.seconds:.1f} s "
          f"= {rate:.2f} reports/s")
    for n in (len(students), TARGET):
        print(f"  → {n:,} reports: {n / rate / 60:.0f} min at that rate")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

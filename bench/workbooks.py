"""Exporting and importing `college` as a plan workbook (``zhengai export-xlsx`` / ``import-xlsx``) against
the CSV path in the same run, interleaved; each command a subprocess whose peak memory (max RSS) is read.

- export: ``zhengai export-xlsx`` against the same rows (read the same way from the same store) written as
  CSV files, one per sheet;
- import: ``zhengai import-xlsx --dry-run`` of the exported workbook (read, compared with the graph, the
  batch planned) against opening the same store from the dataset's CSV files (what every command on an
  embedded store pays first, and the whole of the CSV route: ``zhengai validate`` / ``serve --data``).

    .venv/bin/python -m bench.workbooks [--rounds 1] [--scale college] [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import ROOT, dataset, say

ZHENGAI = [sys.executable, "-m", "zhengai.cli"]
CHILD = [sys.executable, "-m", "bench.workbooks", "--child"]
AS_OF = "2026-11-01"
GIB = 1 << 30
_TOLD = re.compile(r"^zhengai: \S+ \d+(/\d+| …)$", re.M)


@dataclass
class Run:
    """One command's wall time, peak resident memory and the progress lines it wrote."""

    label: str
    seconds: float
    max_rss: int  # bytes
    progress: int
    tail: str


def run(label: str, argv: list[str]) -> Run:
    """Run ``argv`` (stderr not a terminal: progress as plain lines) and read its own rusage."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if child.returncode != 0:
        raise SystemExit(f"{label} failed ({child.returncode}):\n{stdout[-2000:]}\n{stderr[-4000:]}")
    tail = (stdout.strip().splitlines() or [""])[-1]
    result = Run(label, seconds, usage.ru_maxrss * 1024, len(_TOLD.findall(stderr)), tail)
    say(f"  {label}: {seconds:.1f} s, max RSS {result.max_rss / GIB:.2f} GiB, "
        f"{result.progress} progress lines")
    return result


# -- the CSV baselines, run as children ------------------------------------------------------------
def _open(folder: str, state: str) -> Any:
    from zhengai.graph_loader import load_dataset
    from zhengai.stores import EmbeddedStore

    return EmbeddedStore(load_dataset(folder), Path(state))


def csv_open(folder: str, state: str) -> None:
    """The CSV route: the dataset's CSV files read, checked and held as the embedded store."""
    store = _open(folder, state)
    print(f"opened: {len(store.state.ids('Goal'))} goals, {len(store.state.ids('Metric'))} metrics")


def csv_export(folder: str, state: str, out: str) -> None:
    """The rows export-xlsx writes (same store, same reads), as one CSV file per sheet."""
    from datetime import date

    from zhengai.engine import Engine
    from zhengai.workbooks.layout import LINKS, NODE_SHEETS, OBSERVATIONS, row_of
    from zhengai.workbooks.plan_export import HISTORY_CHUNK, _links

    view = Engine(_open(folder, state))
    when = date.fromisoformat(AS_OF)
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    records = {s.key: view.records(s.key, when) for s in NODE_SHEETS}
    visible = {i for found in records.values() for i in found}
    rows = 0
    for sheet in NODE_SHEETS:
        with (target / f"{sheet.key}.csv").open("w", encoding="utf-8", newline="") as handle:
            write = csv.writer(handle).writerow
            write([c.header for c in sheet.columns])
            for record in records[sheet.key].values():
                write(row_of(record))
                rows += 1
    with (target / "links.csv").open("w", encoding="utf-8", newline="") as handle:
        write = csv.writer(handle).writerow
        write([c.header for c in LINKS.columns])
        for found in records.values():
            for link in _links(found.values(), visible):
                write(link)
                rows += 1
    metrics = sorted(records["Metric"])
    with (target / "observations.csv").open("w", encoding="utf-8", newline="") as handle:
        write = csv.writer(handle).writerow
        write([c.header for c in OBSERVATIONS.columns])
        for start in range(0, len(metrics), HISTORY_CHUNK):
            for metric, points in view.history(metrics[start : start + HISTORY_CHUNK]).items():
                for at, value in points:
                    write([metric, at, value, None])
                    rows += 1
    print(f"wrote {rows} rows")


def child(argv: list[str]) -> None:
    """``--child csv-open|csv-export FOLDER STATE [OUT]``."""
    kind, *rest = argv
    {"csv-open": csv_open, "csv-export": csv_export}[kind](*rest)


# -- the benchmark ----------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="college")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=1, help="interleaved A/B rounds")
    ap.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    folder = str(dataset(args.scale, args.seed))
    work = Path(tempfile.mkdtemp(prefix="workbooks-", dir=ROOT / "bench" / "out"))
    state = str(work / "state")  # an empty journal: the store is the dataset as generated
    book = str(work / f"{args.scale}.xlsx")
    store = ["--data", folder, "--state", state]
    runs: dict[str, list[Run]] = {}
    for n in range(args.rounds):
        say(f"round {n + 1}/{args.rounds}")
        for label, argv in (
            ("export CSV", [*CHILD, "csv-export", folder, state, str(work / "csv")]),
            ("export-xlsx", [*ZHENGAI, "export-xlsx", book, "--as-of", AS_OF, *store]),
            ("open from CSV", [*CHILD, "csv-open", folder, state]),
            ("import-xlsx --dry-run",
             [*ZHENGAI, "import-xlsx", book, "--dry-run", "--effective", AS_OF, *store]),
        ):
            runs.setdefault(label, []).append(run(label, argv))
    report(args, runs, Path(book))


def report(args: argparse.Namespace, runs: dict[str, list[Run]], book: Path) -> None:
    """The table: best time, peak memory, progress lines; the ratios xlsx/CSV per round."""
    print(f"{args.scale} (seed {args.seed}), {args.rounds} interleaved round(s); workbook "
          f"{book.stat().st_size / (1 << 20):.0f} MiB")
    print(f"{'command':<24}{'best s':>9}{'max RSS GiB':>13}{'progress lines':>16}")
    for label, done in runs.items():
        print(f"{label:<24}{min(r.seconds for r in done):>9.1f}"
              f"{max(r.max_rss for r in done) / GIB:>13.2f}{min(r.progress for r in done):>16}")
    for xlsx, base in (("export-xlsx", "export CSV"), ("import-xlsx --dry-run", "open from CSV")):
        ratios = [a.seconds / b.seconds for a, b in zip(runs[xlsx], runs[base], strict=True)]
        extra = max(a.max_rss - b.max_rss for a, b in zip(runs[xlsx], runs[base], strict=True))
        print(f"ratio {xlsx} / {base}: " + ", ".join(f"{r:.2f}×" for r in ratios)
              + f"; memory above the baseline {extra / GIB:+.2f} GiB")
    print(f"export-xlsx: {runs['export-xlsx'][-1].tail}")
    print(f"import-xlsx: {runs['import-xlsx --dry-run'][-1].tail}")


if __name__ == "__main__":
    main()

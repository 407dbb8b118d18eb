"""The batch job writing many subjects' 诊改报告 to a folder (``zhengai render-reports``): one file per
subject, named by its id, written under a temporary name and renamed when complete, so a run stopped
half-way is resumed by running it again (complete files are skipped). A subject that cannot be rendered is
reported and the batch goes on. With several jobs the reports are rendered by forked worker processes that
share the loaded graph (evaluated once, before the fork).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from zhengai.domain.enums import Level
from zhengai.domain.models import Subject
from zhengai.engine.engine import Engine
from zhengai.reports.render import FORMATS, render_subject

__all__ = ["BatchResult", "Failure", "Options", "Progress", "complete", "file_name", "run_batch",
           "subjects_at"]

#: Marks a file being written: ``.<name>.part-<pid>``; such leftovers of a stopped run are removed.
PART = re.compile(r"^\..+\.part-\d+$")
#: How each format's complete file ends (the PDF trailer; a .docx is a zip: its end-of-directory record).
TAILS = {"pdf": b"%%EOF", "docx": b"PK\x05\x06"}


@dataclass(frozen=True)
class Options:
    """What every report of the batch is rendered with."""

    fmt: str = "pdf"
    as_of: date | None = None
    start: date | None = None
    period: str | None = None


@dataclass(frozen=True)
class Failure:
    """A subject whose report could not be written, and why."""

    subject_id: str
    message: str


@dataclass
class Progress:
    """How far a batch is: reports done (written, skipped or failed) of ``total``, after ``elapsed``
    seconds."""

    done: int
    total: int
    written: int
    skipped: int
    failed: int
    elapsed: float

    @property
    def rate(self) -> float:
        """Reports written per second so far (skipped ones cost nothing and are not counted)."""
        return self.written / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the current rate (None before the first report is written)."""
        return (self.total - self.done) / self.rate if self.rate > 0 else None

    def line(self) -> str:
        """One line for a log: count, share, rate, time left, skipped and failed."""
        share = 100.0 * self.done / self.total if self.total else 100.0
        eta = "?" if self.eta is None else _duration(self.eta)
        return (f"reports {self.done:,}/{self.total:,} ({share:.1f}%) · {self.rate:.1f}/s · ETA {eta} · "
                f"{self.written:,} written, {self.skipped:,} skipped, {self.failed:,} failed · "
                f"{_duration(self.elapsed)} elapsed")


@dataclass
class BatchResult:
    """What a batch did: files written and skipped, failures, each written report's seconds."""

    total: int
    written: int = 0
    skipped: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    times: list[float] = field(default_factory=list)


def _duration(seconds: float) -> str:
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


def subjects_at(engine: Engine, level: Level, as_of: date | None = None) -> list[str]:
    """The ids of the subjects of ``level`` in force on ``as_of`` that the engine's view sees, sorted."""
    ids = sorted(engine.state.ids(Subject.kind))
    return [i for i, s in sorted(engine.nodes(ids, as_of).items())
            if isinstance(s, Subject) and s.level == level]


def file_name(subject_id: str, fmt: str) -> str:
    """The report's file name: the subject id with anything but letters, digits, ``-``, ``_`` and ``.``
    replaced by ``_``."""
    safe = re.sub(r"[^\w.-]", "_", subject_id).lstrip(".") or "_"
    return f"{safe}.{fmt}"


def complete(path: Path, fmt: str) -> bool:
    """Whether ``path`` holds a whole report of ``fmt`` (it exists, is not empty and ends as the format
    ends)."""
    try:
        size = path.stat().st_size
        if size == 0:
            return False
        tail = TAILS.get(fmt)
        if tail is None:
            return True
        with path.open("rb") as f:
            f.seek(max(0, size - 1024))
            return tail in f.read()
    except OSError:
        return False


def _write(engine: Engine, subject_id: str, out: Path, options: Options) -> float:
    """Render one report into ``out`` (temporary name, then renamed); its seconds."""
    started = time.perf_counter()
    body = render_subject(engine, subject_id, options.fmt, options.as_of, options.start, options.period)
    data = body.encode("utf-8") if isinstance(body, str) else body
    final = out / file_name(subject_id, options.fmt)
    part = out / f".{final.name}.part-{os.getpid()}"
    try:
        part.write_bytes(data)
        os.replace(part, final)
    finally:
        part.unlink(missing_ok=True)
    return time.perf_counter() - started


#: One report's outcome: subject id, seconds (None: failed), failure message.
Outcome = tuple[str, float | None, str]
_worker: tuple[Engine, Path, Options] | None = None  # what a forked worker renders with


def _attempt(engine: Engine, subject_id: str, out: Path, options: Options) -> Outcome:
    try:
        return subject_id, _write(engine, subject_id, out, options), ""
    except Exception as exc:  # one bad subject is reported; the batch goes on
        return subject_id, None, f"{type(exc).__name__}: {exc}"


def _in_worker(subject_id: str) -> Outcome:
    assert _worker is not None, "the worker was forked without its engine"
    engine, out, options = _worker
    return _attempt(engine, subject_id, out, options)


def _outcomes(engine: Engine, ids: Sequence[str], out: Path, options: Options,
              jobs: int) -> Iterator[Outcome]:
    if jobs <= 1 or len(ids) <= 1:
        for i in ids:
            yield _attempt(engine, i, out, options)
        return
    global _worker
    _worker = (engine, out, options)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            chunk = max(1, min(16, len(ids) // (jobs * 8)))
            yield from pool.imap_unordered(_in_worker, ids, chunksize=chunk)
    finally:
        _worker = None


def _warm(engine: Engine, options: Options) -> None:
    """Evaluate the graph and load the font once, before any fork, so workers inherit them."""
    from zhengai.reports.render import period_dates

    as_of, _ = period_dates(options.period, options.as_of, options.start)
    engine.snapshot(as_of)
    if options.fmt in ("pdf", "docx"):
        from zhengai.reports.fonts import pdf_font

        pdf_font()


def run_batch(engine: Engine, ids: Sequence[str], out: Path, options: Options, *, jobs: int = 1,
              progress: Callable[[Progress], None] | None = None, every: float = 2.0,
              failed: Callable[[Failure], None] | None = None) -> BatchResult:
    """Write the report of each of ``ids`` into ``out`` (created), skipping complete files; ``progress``
    is called at most every ``every`` seconds and at the end, ``failed`` on each failure."""
    if options.fmt not in FORMATS:
        raise ValueError(f"no report format {options.fmt!r} ({', '.join(FORMATS)})")
    out.mkdir(parents=True, exist_ok=True)
    for leftover in out.iterdir():
        if PART.match(leftover.name):
            leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    result = BatchResult(total=len(ids))
    todo = []
    for i in ids:
        if complete(out / file_name(i, options.fmt), options.fmt):
            result.skipped += 1
        else:
            todo.append(i)
    shown, last = 0.0, -1

    def report(final: bool = False) -> None:
        nonlocal shown, last
        now = time.perf_counter()
        done = result.written + result.skipped + len(result.failures)
        if progress is not None and done != last and (final or now - shown >= every):
            shown, last = now, done
            progress(Progress(done, result.total, result.written, result.skipped, len(result.failures),
                              now - started))

    report()
    if todo:
        _warm(engine, options)
    for subject_id, seconds, message in _outcomes(engine, todo, out, options, jobs):
        if seconds is None:
            result.failures.append(Failure(subject_id, message))
            if failed is not None:
                failed(result.failures[-1])
        else:
            result.written += 1
            result.times.append(seconds)
        report()
    result.seconds = time.perf_counter() - started
    report(final=True)
    return result

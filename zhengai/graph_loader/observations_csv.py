"""Reading ``observations.csv`` (``metric,at,value[,source]``) fast and with located errors.

A clean UTF-8 file (a college has millions of rows) is read with pyarrow's CSV reader and checked in
vectorised passes into an :class:`ObservationTable`; a file with any problem at all — or in another
encoding — is read row by row, where well-formed rows take a fast path and any other row is checked by
the pydantic model so its error message names the line, the field and the reason. Both paths accept
exactly the same files and give the same observations.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
from collections.abc import Callable, Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from zhengai.domain.models import MAX_ABS_VALUE, Metric, Observation, ObservedValue
from zhengai.domain.observation_table import ObservationTable
from zhengai.graph_loader.text_files import EncodingProblem, decode_error, open_text, sniff

COLUMNS = ("metric", "at", "value", "source")
Report = Callable[[int, str], None]


def _slow(fields: dict[str, str | None], line: int, report: Report) -> ObservedValue | None:
    try:
        checked = Observation.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            msg = err["msg"]
            if err["type"] == "float_parsing":
                msg = f"not a number: {fields.get('value')!r}"
            elif err["type"].startswith("date"):
                msg = f"invalid date {err['input']!r} ({msg.split(', ', 1)[-1]})"
            msg = msg.removeprefix("Value error, ")
            report(line, f"{where}: {msg}" if where else msg)
        return None
    return ObservedValue(checked.metric, checked.at, checked.value, checked.source)


def read_observation_table(path: Path, report: Report,
                           known_metrics: Collection[str] | Mapping[str, Metric | None] | None = None
                           ) -> ObservationTable:
    """The observations of ``path`` as a table, checked as :func:`read_observations` says (a clean file
    in vectorised passes, any other row by row, its problems reported at their lines)."""
    table = _columnar(path, known_metrics)
    if table is not None:
        return table
    return ObservationTable.of_values(read_observations(path, report, known_metrics))


_EPOCH = date(1970, 1, 1).toordinal()


#: Files from this size on are read column-wise (smaller ones row by row, without importing pyarrow).
COLUMNAR_FROM_BYTES = 1 << 20


def _columnar(path: Path, known_metrics: Collection[str] | Mapping[str, Metric | None] | None,
              min_bytes: int = COLUMNAR_FROM_BYTES) -> ObservationTable | None:
    """The table of a UTF-8 file every row of which is well formed, or None (then the row-by-row reader
    decides, and reports what is wrong where). Arrow's buffers come from the system allocator and are
    handed back once the columns are copied out, so reading leaves only the table behind."""
    try:
        if path.stat().st_size < min_bytes:
            return None
        with open(path, "rb") as handle:
            if sniff(handle.read(1 << 16)) not in ("utf-8", "utf-8-sig"):
                return None
    except (OSError, EncodingProblem):
        return None
    import pyarrow as pa

    pool = pa.system_memory_pool()
    try:
        return _check_columns(path, known_metrics, pool)
    except (OSError, pa.ArrowException):
        return None
    finally:
        pool.release_unused()
        _trim_heap()


def _trim_heap() -> None:
    """Hand the C heap's free pages back to the system (glibc keeps them otherwise: Arrow's CSV buffers
    would stay in the process's resident memory for good)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL(None).malloc_trim(0)


def _check_columns(path: Path, known_metrics: Collection[str] | Mapping[str, Metric | None] | None,
                   pool: Any) -> ObservationTable | None:
    """The table of the file if it passes every check the row reader makes, else None."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(
        path, parse_options=pacsv.ParseOptions(newlines_in_values=True), memory_pool=pool,
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(COLUMNS, pa.string()),
                                             strings_can_be_null=False, quoted_strings_can_be_null=False))
    names = table.column_names
    if len(set(names)) != len(names) or not set(COLUMNS[:3]) <= set(names) <= set(COLUMNS):
        return None
    columns = {name: table.column(name).combine_chunks(memory_pool=pool) for name in names}
    del table
    for column in columns.values():  # any cell with surrounding blanks: the row reader strips them
        trimmed = pc.utf8_trim_whitespace(column, memory_pool=pool)
        if len(column) and not pc.all(pc.equal(trimmed, column, memory_pool=pool)).as_py():
            return None
    metric, at = columns["metric"], columns["at"]
    if len(metric) and pc.any(pc.equal(pc.utf8_length(metric, memory_pool=pool), 0)).as_py():
        return None
    days = pc.cast(at, pa.date32(), memory_pool=pool)
    if len(at) and not pc.all(pc.equal(pc.cast(days, pa.string(), memory_pool=pool), at)).as_py():
        return None  # only canonical, real dates (the row reader decides about any other spelling)
    values = np.array(pc.cast(columns["value"], pa.float64(), memory_pool=pool), np.float64)
    if not np.all(np.abs(values) <= MAX_ABS_VALUE):
        return None
    encoded = pc.dictionary_encode(metric, memory_pool=pool)
    ids: list[str] = encoded.dictionary.to_pylist()
    codes = np.array(encoded.indices, np.int64)
    dates = (np.array(pc.cast(days, pa.int32(), memory_pool=pool), np.int64) + _EPOCH).astype(np.int32)
    if known_metrics is not None:
        if any(m not in known_metrics for m in ids):
            return None
        if isinstance(known_metrics, Mapping) and not _in_range(ids, codes, values, known_metrics):
            return None
    keep = _first_of_repeats(codes, dates, values)
    if keep is None:
        return None
    sources: list[str | None] = [None]
    source_codes = None
    if "source" in columns:
        found = pc.dictionary_encode(columns["source"], memory_pool=pool)
        sources = [s or None for s in found.dictionary.to_pylist()] or [None]
        source_codes = np.array(found.indices, np.int32)[keep]
    return ObservationTable(ids, codes[keep], dates[keep], values[keep], sources, source_codes)


def _in_range(ids: list[str], codes: np.ndarray, values: np.ndarray,
              metrics: Mapping[str, Metric | None]) -> bool:
    """Whether every value lies in its metric's range (:attr:`Metric.value_range`)."""
    lo, hi = np.full(len(ids), -np.inf), np.full(len(ids), np.inf)
    for i, m in enumerate(ids):
        record = metrics.get(m)
        if record is not None:
            low, high = record.value_range
            lo[i] = -np.inf if low is None else low
            hi[i] = np.inf if high is None else high
    return bool(np.all((lo[codes] <= values) & (values <= hi[codes])))


def _first_of_repeats(codes: np.ndarray, dates: np.ndarray, values: np.ndarray) -> np.ndarray | None:
    """Positions of the rows to keep (a repeated (metric, date) with the same value counts once), or None
    when a repeat has another value (an error the row reader reports at its line)."""
    keys = (codes << 32) | dates.astype(np.int64)
    order = np.argsort(keys, kind="stable")
    repeat = keys[order][1:] == keys[order][:-1]
    if not repeat.any():
        return np.arange(len(codes))
    if np.any(values[order][1:][repeat] != values[order][:-1][repeat]):
        return None
    keep = np.ones(len(codes), bool)
    keep[order[1:][repeat]] = False
    return np.flatnonzero(keep)


def read_observations(path: Path, report: Report,
                      known_metrics: Collection[str] | Mapping[str, Metric | None] | None = None
                      ) -> list[ObservedValue]:
    """Observations of ``path``; problems go to ``report(line, message)`` and their rows are dropped.

    ``known_metrics`` (when given) makes rows of other metrics errors; given as metrics by id, a value
    outside its metric's range (:meth:`Metric.value_problem`) is an error too. The same (metric, at)
    twice with different values is an error, with the same value a no-op. A file that cannot be decoded
    (see :mod:`text_files`) is reported where it stops decoding.
    """
    out: list[ObservedValue] = []
    try:
        with open_text(path) as handle:
            reader = csv.reader(handle)
            try:
                _read(reader, report, known_metrics, out)
            except UnicodeDecodeError as exc:
                problem = decode_error(path, handle.encoding, exc)
                report(problem.line, problem.message)
    except EncodingProblem as exc:
        report(exc.line, exc.message)
    except OSError as exc:
        report(1, f"cannot read: {exc}")
    except csv.Error as exc:
        report(reader.line_num, f"bad CSV: {exc}")
    return out


def _read(reader: Any, report: Report, known_metrics: Collection[str] | Mapping[str, Metric | None] | None,
          out: list[ObservedValue]) -> None:
    header = [h.strip() for h in next(reader, [])]
    if not header:
        report(1, "empty file: the first line must name the columns metric,at,value[,source]")
        return
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        report(1, f"header must name metric,at,value; missing {', '.join(missing)}")
        return
    extra = [c for c in header if c not in COLUMNS]
    if extra:
        report(1, f"unknown column(s): {', '.join(extra)}; ignored")
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        report(1, f"column(s) named twice: {', '.join(repeated)}")
        return
    mi, ai, vi = (header.index(c) for c in COLUMNS[:3])
    si = header.index("source") if "source" in header else None
    width = len(header)
    metrics = known_metrics if isinstance(known_metrics, Mapping) else {}
    inf = float("inf")
    bounds = {m: (-inf if lo is None else lo, inf if hi is None else hi)  # each metric's range, once
              for m, record in metrics.items() if record is not None for lo, hi in [record.value_range]}
    seen: dict[tuple[str, date], tuple[float, int]] = {}
    for cells in reader:
        line = reader.line_num
        if len(cells) > width:
            report(line, f"more cells than columns ({len(cells)} > {width})")
            continue
        cells += [""] * (width - len(cells))
        source = (cells[si].strip() or None) if si is not None else None
        try:
            metric, at_text, value = cells[mi].strip(), cells[ai].strip(), float(cells[vi])
            if not metric or len(at_text) != 10 or not -MAX_ABS_VALUE <= value <= MAX_ABS_VALUE:
                raise ValueError
            obs: ObservedValue | None = ObservedValue(metric, date.fromisoformat(at_text), value, source)
        except ValueError:
            obs = _slow({"metric": cells[mi].strip() or None, "at": cells[ai].strip() or None,
                         "value": cells[vi].strip() or None, "source": source}, line, report)
        if obs is None:
            continue
        if known_metrics is not None and obs.metric not in known_metrics:
            report(line, f"observation for unknown metric {obs.metric!r}")
            continue
        lo, hi = bounds.get(obs.metric, (obs.value, obs.value))
        if not lo <= obs.value <= hi:
            report(line, f"value: {metrics[obs.metric].value_problem(obs.value)} for metric {obs.metric}")
            continue
        key = (obs.metric, obs.at)
        if key in seen:
            if seen[key][0] != obs.value:
                report(line, f"conflicting value {obs.value} for {obs.metric} at {obs.at} "
                             f"(line {seen[key][1]} has {seen[key][0]})")
            continue
        seen[key] = (obs.value, line)
        out.append(obs)

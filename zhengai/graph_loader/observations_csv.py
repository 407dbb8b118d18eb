"""Reading ``observations.csv`` (``metric,at,value[,source]``) fast and with located errors.

Well-formed rows take a fast path (a college has millions); any other row is checked by the
pydantic model so its error message names the field and the reason.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from zhengai.domain.models import MAX_ABS_VALUE, Metric, Observation, ObservedValue
from zhengai.graph_loader.text_files import EncodingProblem, decode_error, open_text

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

"""Bulk CSV tables of a dataset folder: records and links too many for dataset.yaml.

``subjects.csv``, ``goals.csv`` and ``metrics.csv`` hold records (merged with the YAML lists);
``supports.csv`` and ``measures.csv`` hold weighted links; ``observations.csv`` dated values.
Empty cells are null; ``derived_from`` lists plan ids separated by ``;``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from zhengai.graph_loader.text_files import EncodingProblem, decode_error, open_text

#: file → (dataset section, columns). The first column of each is required.
RECORD_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "subjects.csv": ("subjects", ("id", "name", "level", "unit", "tier", "category", "major")),
    "goals.csv": ("goals", ("id", "name", "level", "aggregate", "owner", "subject", "period_start",
                            "period_end", "derived_from")),
    "metrics.csv": ("metrics", ("id", "name", "unit", "direction", "baseline", "target", "floor",
                                "frequency", "source", "owner", "min_value", "max_value")),
}

#: file → (section of the child record, child column, parent-goal column, link field on the child)
LINK_TABLES: dict[str, tuple[str, str, str, str]] = {
    "supports.csv": ("goals", "goal", "parent", "supports"),
    "measures.csv": ("metrics", "metric", "goal", "measures"),
}

OBSERVATION_COLUMNS = ("metric", "at", "value", "source")

Report = Callable[[int, str], None]


def read_rows(path: Path, columns: tuple[str, ...], required: tuple[str, ...],
              report: Report) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of ``path`` as (line, {column: stripped text}) with empty cells left out.

    A missing required column or an unknown column is reported at line 1; a missing
    required column stops the read, as does a file that cannot be decoded (see :mod:`text_files`).
    """
    try:
        with open_text(path) as handle:
            reader = csv.reader(handle)
            try:
                yield from _rows(reader, columns, required, report)
            except UnicodeDecodeError as exc:
                problem = decode_error(path, handle.encoding, exc)
                report(problem.line, problem.message)
    except EncodingProblem as exc:
        report(exc.line, exc.message)
    except OSError as exc:
        report(1, f"cannot read: {exc}")
    except csv.Error as exc:
        report(reader.line_num, f"bad CSV: {exc}")


def _rows(reader: Iterator[list[str]], columns: tuple[str, ...], required: tuple[str, ...],
          report: Report) -> Iterator[tuple[int, dict[str, str]]]:
    header = [h.strip() for h in next(reader, [])]
    if not header:
        report(1, f"empty file: the first line must name the columns {','.join(required)}")
        return
    missing = [c for c in required if c not in header]
    if missing:
        report(1, f"header must name {','.join(required)}; missing {', '.join(missing)}")
        return
    extra = [c for c in header if c not in columns]
    if extra:
        report(1, f"unknown column(s): {', '.join(extra)}; ignored")
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        report(1, f"column(s) named twice: {', '.join(repeated)}")
        return
    width = len(header)
    for cells in reader:
        line = reader.line_num  # type: ignore[attr-defined]
        if len(cells) > width:
            report(line, f"more cells than columns ({len(cells)} > {width})")
            continue
        row = {}  # a short row leaves cells empty; the cells of unknown columns are left out
        for key, value in zip(header, cells, strict=False):
            text = value.strip()
            if text and key in columns:
                row[key] = text
        yield line, row


def record_fields(section: str, row: dict[str, str]) -> dict[str, object]:
    """A CSV row as the fields of its pydantic record."""
    fields: dict[str, object] = dict(row)
    if section == "goals":
        start, end = fields.pop("period_start", None), fields.pop("period_end", None)
        if start is not None or end is not None:
            fields["period"] = {"start": start, "end": end}
        if "derived_from" in fields:
            fields["derived_from"] = [p.strip() for p in str(fields["derived_from"]).split(";") if p.strip()]
    return fields

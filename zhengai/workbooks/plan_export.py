"""The plan as a workbook (``zhengai export-xlsx``, ``GET /export/plan.xlsx``): what the caller sees of the
graph on a date, one sheet per section, written in openpyxl's write-only mode (rows streamed to the file).

Headers are frozen and bold; choice columns (层面, 五纵体系, 方向 …) and id columns that name another
sheet's nodes (上级编号, 责任单位编号, 指标编号 …) carry drop-down validation over a hidden 选项 sheet or
that sheet's id column. A scoped caller's workbook holds only the nodes and relationships they see (it is
read through ``engine.for_principal``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from zhengai import texts
from zhengai.domain.models import Record
from zhengai.engine.engine import Engine
from zhengai.workbooks.layout import (
    LINKS,
    NODE_SHEETS,
    OBSERVATION_ROWS,
    OBSERVATIONS,
    Sheet,
    links_of,
    row_of,
)

Progress = Callable[[str, int, int], None]
#: Metrics whose history is read at once (bounded memory on a college's 1.9 M observations).
HISTORY_CHUNK = 2000
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
MAX_ROWS = 1_048_576


@dataclass
class ExportSummary:
    """What a workbook holds: rows per sheet title."""

    rows: dict[str, int] = field(default_factory=dict)
    version: int = 0
    as_of: date | None = None


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _header(ws: Any, sheet: Sheet) -> None:
    cells = []
    for column in sheet.columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font, cell.fill = _BOLD, _HEAD_FILL
        cells.append(cell)
    ws.append(cells)
    ws.freeze_panes = "A2"


def _validate(ws: Any, sheet: Sheet, lists: dict[str, str], id_ranges: dict[str, str]) -> None:
    """Drop-downs: choices from the 选项 sheet, ids from their sheet's id column."""
    for i, column in enumerate(sheet.columns):
        source = (
            lists.get(column.choices or "") if column.type == "choice" else id_ranges.get(column.ref or "")
        )
        if source is None:
            continue
        letter = get_column_letter(i + 1)
        dv = DataValidation(
            type="list",
            formula1=source,
            allow_blank=not column.required,
            showErrorMessage=column.type == "choice",
        )
        dv.add(f"{letter}2:{letter}{MAX_ROWS}")
        ws.data_validations.append(dv)


def _lists(wb: Workbook) -> dict[str, str]:
    """The hidden 选项 sheet: one column of words per choice table; table → its range."""
    tables = sorted({c.choices for s in (*NODE_SHEETS, LINKS) for c in s.columns if c.choices})
    ws = wb.create_sheet(texts.say("workbook.sheet.lists"))
    words = [list(texts.labels(t).values()) for t in tables]
    ws.append(tables)
    for i in range(max(len(w) for w in words)):
        ws.append([w[i] if i < len(w) else None for w in words])
    ws.sheet_state = "hidden"
    title = _quoted(ws.title)
    return {
        t: f"={title}!${get_column_letter(i + 1)}$2:${get_column_letter(i + 1)}${len(w) + 1}"
        for i, (t, w) in enumerate(zip(tables, words, strict=True))
    }


def _guide(wb: Workbook, view: Engine, when: date) -> Any:
    ws = wb.create_sheet(texts.say("workbook.sheet.guide"))
    schools = [s for s in view.records("Subject", when).values() if getattr(s, "level", None) == "SCHOOL"]
    college = schools[0].name if schools else ""
    title = WriteOnlyCell(
        ws,
        value=texts.say(
            "workbook.guide.title", college=college, when=when.isoformat(), version=view.data_version
        ),
    )
    title.font = Font(bold=True, size=14)
    ws.append([title])
    for line in texts.words("workbook.guide.lines"):
        ws.append([line])
    return ws


def export_plan(
    view: Engine, out: str | Path | IO[bytes], as_of: date | None = None, progress: Progress | None = None
) -> ExportSummary:
    """Write the graph as ``view`` sees it on ``as_of`` (default today) to ``out`` (a path or a binary
    file); returns the rows written per sheet."""
    when = view.day(as_of)
    tell = progress or (lambda stage, done, total: None)
    wb = Workbook(write_only=True)
    summary = ExportSummary(version=view.data_version, as_of=when)
    _guide(wb, view, when)  # the first sheet
    records = {s.key: view.records(s.key, when) for s in NODE_SHEETS}
    visible = {i for found in records.values() for i in found}
    sheets = [(s, wb.create_sheet(s.title)) for s in NODE_SHEETS]
    link_ws = wb.create_sheet(LINKS.title)
    lists = _lists(wb)
    id_ranges = {s.key: f"={_quoted(s.title)}!$A$2:$A${max(2, len(records[s.key]) + 1)}" for s in NODE_SHEETS}
    for sheet, ws in sheets:
        _header(ws, sheet)
        _validate(ws, sheet, lists, id_ranges)
        found = records[sheet.key]
        for n, record in enumerate(found.values(), 1):
            ws.append(row_of(record))
            if n % 20000 == 0:
                tell(sheet.title, n, len(found))
        tell(sheet.title, len(found), len(found))
        summary.rows[sheet.title] = len(found)
    _header(link_ws, LINKS)
    _validate(link_ws, LINKS, lists, id_ranges)
    links = 0
    for found in records.values():
        for kind, source, target, weight in _links(found.values(), visible):
            link_ws.append([texts.label("link_kind", kind), source, target, weight])
            links += 1
    summary.rows[LINKS.title] = links
    tell(LINKS.title, links, links)
    _observations(wb, view, sorted(records["Metric"]), id_ranges, summary, tell)
    wb.save(out)
    return summary


def _links(records: Any, visible: set[str]) -> Iterator[tuple[str, str, str, float | None]]:
    for record in records:
        for kind, source, target, weight in links_of(record):
            if target in visible:
                yield kind, source, target, weight


def _observations(
    wb: Workbook,
    view: Engine,
    metrics: list[str],
    id_ranges: dict[str, str],
    summary: ExportSummary,
    tell: Progress,
) -> None:
    """The 观测 sheets (观测, 观测2 … of at most OBSERVATION_ROWS rows each), metric by metric."""
    ws, written, part, total = None, 0, 0, 0
    for start in range(0, len(metrics), HISTORY_CHUNK):
        history = view.history(metrics[start : start + HISTORY_CHUNK])
        for metric, points in history.items():
            for at, value in points:
                if ws is None or written >= OBSERVATION_ROWS:
                    part += 1
                    title = OBSERVATIONS.title + ("" if part == 1 else str(part))
                    ws = wb.create_sheet(title)
                    _header(ws, OBSERVATIONS)
                    _validate(ws, OBSERVATIONS, {}, id_ranges)
                    written = 0
                ws.append([metric, at, value, None])
                written += 1
                total += 1
        tell(OBSERVATIONS.title, min(start + HISTORY_CHUNK, len(metrics)), len(metrics))
    if ws is None:
        ws = wb.create_sheet(OBSERVATIONS.title)
        _header(ws, OBSERVATIONS)
    summary.rows[OBSERVATIONS.title] = total


def stamp() -> str:
    """A file-name-safe timestamp (exports named by when they were made)."""
    return datetime.now().strftime("%Y%m%d-%H%M%S")


__all__ = ["ExportSummary", "Record", "export_plan"]

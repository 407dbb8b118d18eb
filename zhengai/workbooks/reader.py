"""Streaming a worksheet's rows (openpyxl's read-only mode) the way a person sees them: a merged area's
value stands in each of its cells, a formula gives its cached result (or a clear refusal when it has none,
as in a file written by a program that never calculated it), percent-formatted cells are marked.

Merged areas and formulas are found by one cheap scan of the sheet's XML before its rows are read, so a
sheet of a million rows is read once, in bounded memory.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from zhengai.workbooks.cells import EXCEL_ERRORS, CellProblem

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell [^>]*ref="([A-Z]+\d+:[A-Z]+\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_CHUNK = 1 << 20

Source = str | Path | bytes


@dataclass
class Row:
    """One row: its number in the sheet, its values by column (0-based), the columns formatted as %."""

    number: int
    values: list[Any]
    percent: set[int] = field(default_factory=set)

    def get(self, col: int) -> Any:
        """The value at column ``col`` (None past the row's end)."""
        return self.values[col] if col < len(self.values) else None


@dataclass(frozen=True)
class LocatedProblem:
    """A problem at ``sheet!cell`` (``cell`` None: the whole sheet; ``sheet`` None: the workbook)."""

    sheet: str | None
    cell: str | None
    code: str
    params: dict[str, object] = field(default_factory=dict)


def cell_name(col: int, row: int) -> str:
    """``F12`` for column 5 (0-based) of row 12."""
    return f"{get_column_letter(col + 1)}{row}"


def open_workbook(source: Source, data_only: bool = True) -> Workbook:
    """A read-only workbook; CellProblem NOT_A_WORKBOOK when the file is none."""
    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        return load_workbook(handle, read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise CellProblem("NOT_A_WORKBOOK", {"reason": str(exc)[:200] or type(exc).__name__}) from None


def _scan(ws: Any) -> tuple[list[tuple[int, int, int, int]], bool]:
    """The merged areas (min_col, min_row, max_col, max_row; 1-based) and whether any cell holds a formula."""
    merges: list[tuple[int, int, int, int]] = []
    formulas = False
    tail = b""
    with ws._get_source() as src:
        while chunk := src.read(_CHUNK):
            data = tail + chunk
            merges += [range_boundaries(m.decode()) for m in _MERGE.findall(data)]
            formulas = formulas or bool(_FORMULA.search(data))
            cut = data.rfind(b"<")
            tail = data[cut:] if cut >= 0 and len(data) - cut < 512 else b""
    return sorted(set(merges), key=lambda m: (m[1], m[0])), formulas


def _formula_cells(source: Source, sheet: str) -> dict[tuple[int, int], str]:
    """(row, col 0-based) → formula of every formula cell of ``sheet``."""
    wb = open_workbook(source, data_only=False)
    try:
        out = {}
        for row in wb[sheet].iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    out[(cell.row, cell.column - 1)] = str(cell.value)
        return out
    finally:
        wb.close()


def rows(source: Source, wb: Workbook, sheet: str, problems: list[LocatedProblem]) -> Iterator[Row]:
    """Every non-empty row of ``sheet`` (formulas as their cached values, merged areas filled in); a
    formula without a cached value or with an error value is a problem at its cell (the row's value is
    None there)."""
    ws = wb[sheet]
    merges, has_formulas = _scan(ws)
    formulas = _formula_cells(source, sheet) if has_formulas else {}
    pending = list(merges)
    active: list[tuple[tuple[int, int, int, int], Any]] = []
    for cells in ws.iter_rows():
        cells = [c for c in cells if getattr(c, "row", None) is not None]
        if not cells:
            continue
        number = cells[0].row
        values: list[Any] = []
        percent: set[int] = set()
        for c in cells:
            col = c.column - 1
            while len(values) < col:
                values.append(None)
            value = c.value
            if (number, col) in formulas:
                value = _formula_value(sheet, number, col, value, formulas[(number, col)], problems)
            elif isinstance(value, str) and value in EXCEL_ERRORS:
                problems.append(
                    LocatedProblem(sheet, cell_name(col, number), "FORMULA_ERROR", {"text": value})
                )
                value = None
            values.append(value)
            if value is not None and "%" in (c.number_format or ""):
                percent.add(col)
        while pending and pending[0][1] <= number:
            m = pending.pop(0)
            if m[1] == number:
                top_left = values[m[0] - 1] if m[0] - 1 < len(values) else None
                active.append((m, top_left))
        active = [(m, v) for m, v in active if m[3] >= number]
        for (min_col, min_row, max_col, _), v in active:
            while len(values) < max_col:
                values.append(None)
            for col in range(min_col - 1, max_col):
                if number > min_row or col > min_col - 1:
                    values[col] = v
        if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
            yield Row(number, values, percent)


def _formula_value(
    sheet: str, row: int, col: int, cached: Any, formula: str, problems: list[LocatedProblem]
) -> Any:
    if cached is None:
        problems.append(LocatedProblem(sheet, cell_name(col, row), "FORMULA_NO_VALUE", {"formula": formula}))
        return None
    if isinstance(cached, str) and cached in EXCEL_ERRORS:
        problems.append(LocatedProblem(sheet, cell_name(col, row), "FORMULA_ERROR", {"text": cached}))
        return None
    return cached

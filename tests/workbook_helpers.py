"""Shared helpers of the workbook tests: export a graph to bytes, edit a workbook as a person would in
Excel (openpyxl in normal mode), read a sheet back as rows."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

from openpyxl import Workbook, load_workbook

from zhengai.engine import Engine
from zhengai.workbooks.plan_export import export_plan


def exported(engine: Engine, as_of: date) -> bytes:
    """The plan workbook of ``engine`` on ``as_of``."""
    buffer = io.BytesIO()
    export_plan(engine, buffer, as_of)
    return buffer.getvalue()


def edited(body: bytes, edit: Callable[[Workbook], Any]) -> bytes:
    """``body`` opened as Excel would, changed by ``edit``, saved again."""
    wb = load_workbook(io.BytesIO(body))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row_of_id(ws: Any, node_id: str) -> int:
    """The row number holding ``node_id`` in column A."""
    for row in ws.iter_rows(min_row=2):
        if row[0].value == node_id:
            return row[0].row
    raise AssertionError(f"{node_id} not on {ws.title}")


def column_of(ws: Any, header: str) -> int:
    """The 1-based column of ``header``."""
    for cell in ws[1]:
        if cell.value == header:
            return cell.column
    raise AssertionError(f"{header} not a header of {ws.title}")


def set_cell(wb: Workbook, sheet: str, node_id: str, header: str, value: Any) -> None:
    """Write ``value`` in ``header``'s column of ``node_id``'s row."""
    ws = wb[sheet]
    ws.cell(row_of_id(ws, node_id), column_of(ws, header)).value = value


def sheet_rows(body: bytes, sheet: str) -> list[tuple[Any, ...]]:
    """Every row of ``sheet`` after the header."""
    wb = load_workbook(io.BytesIO(body), read_only=True)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(min_row=2, values_only=True)]
    finally:
        wb.close()

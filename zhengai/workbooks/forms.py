"""A unit's 填报表 as a workbook: the metrics due by their frequency with the last value and due date, a
column to fill in; read back, its filled rows are submitted for review (数据填报, provenance ENTERED) —
every bad cell located as ``填报表!cell``, nothing submitted when any is bad."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from zhengai import texts
from zhengai.domain.errors import ForbiddenError, InvalidArgumentError, NotFoundError, ProblemsError
from zhengai.domain.models import Metric
from zhengai.engine.engine import Engine
from zhengai.engine.filling import Provenance, Submission, ValueInput, fill_form
from zhengai.engine.writes import WriteService
from zhengai.security.tokens import Principal
from zhengai.workbooks import cells
from zhengai.workbooks.cells import CellProblem
from zhengai.workbooks.layout import Column
from zhengai.workbooks.reader import LocatedProblem, Source, cell_name, open_workbook, rows

COLUMNS = (
    Column("metric", "id", required=True),
    Column("metric_name"),
    Column("measure_unit"),
    Column("frequency"),
    Column("last_value", "number"),
    Column("last_at", "date"),
    Column("due_date", "date"),
    Column("due_status"),
    Column("pending", "number"),
    Column("returned"),
    Column("new_value", "number", percent="points"),
    Column("new_at", "date"),
    Column("note"),
)
_INPUT = PatternFill("solid", fgColor="FFF2CC")


def export_form(view: Engine, unit_id: str, out: str | Path | IO[bytes], as_of: date | None = None) -> int:
    """Write ``unit_id``'s 填报表 as the caller sees it; returns its number of rows."""
    form = fill_form(view, unit_id, as_of)
    wb = Workbook(write_only=True)
    guide = wb.create_sheet(texts.say("workbook.sheet.guide"))
    title = WriteOnlyCell(
        guide, value=texts.say("workbook.form_guide.title", unit=form.unit_name, when=form.as_of.isoformat())
    )
    title.font = Font(bold=True, size=14)
    guide.append([title])
    for line in texts.words("workbook.form_guide.lines"):
        guide.append([line])
    ws = wb.create_sheet(texts.say("workbook.sheet.form"))
    head = []
    for c in COLUMNS:
        cell = WriteOnlyCell(ws, value=c.header)
        cell.font = Font(bold=True)
        head.append(cell)
    ws.append(head)
    ws.freeze_panes = "C2"
    dv = DataValidation(
        type="decimal",
        operator="between",
        formula1="-1000000000000",
        formula2="1000000000000",
        allow_blank=True,
        showErrorMessage=True,
    )
    dv.add(f"K2:K{len(form.rows) + 1}")
    ws.data_validations.append(dv)
    for r in form.rows:
        m = r.metric
        new = WriteOnlyCell(ws, value=None)
        new.fill = _INPUT
        ws.append(
            [
                m.id,
                m.name,
                m.unit,
                texts.label("frequency", m.frequency),
                r.last[1] if r.last else None,
                r.last[0] if r.last else None,
                r.due,
                texts.label("due_status", r.status),
                r.pending.value if r.pending else None,
                r.returned.comment if r.returned else None,
                new,
                None,
                None,
            ]
        )
    wb.save(out)
    return len(form.rows)


@dataclass
class FormResult:
    """What reading a 填报表 did: the submissions made (or, dry, the values read), or its problems."""

    values: list[ValueInput] = field(default_factory=list)
    submitted: list[Submission] = field(default_factory=list)
    problems: list[LocatedProblem] = field(default_factory=list)


def read_form(source: Source, view: Engine) -> FormResult:
    """The values filled in a 填报表 (rows with 本次填报数值), each bad cell a located problem."""
    out = FormResult()
    try:
        wb = open_workbook(source)
    except CellProblem as exc:
        out.problems.append(LocatedProblem(None, None, exc.code, dict(exc.params)))
        return out
    title = texts.say("workbook.sheet.form")
    try:
        if title not in wb.sheetnames:
            out.problems.append(LocatedProblem(title, None, "MISSING_SHEET", {"sheet": title}))
            return out
        found = rows(source, wb, title, out.problems)
        header = next(found, None)
        where = {
            cells.normal_text(cells.text(v) or ""): i for i, v in enumerate(header.values if header else [])
        }
        index = {c.key: where.get(cells.normal_text(c.header)) for c in COLUMNS}
        for key in ("metric", "new_value", "due_date"):
            if index[key] is None:
                out.problems.append(
                    LocatedProblem(
                        title, None, "MISSING_COLUMN", {"column": texts.say(f"workbook.column.{key}")}
                    )
                )
        if out.problems:
            return out
        for row in found:
            _form_row(row, index, view, title, out)
    finally:
        wb.close()
    return out


def _form_row(row: Any, index: dict[str, int | None], view: Engine, title: str, out: FormResult) -> None:
    col = index["new_value"]
    assert col is not None
    raw = row.get(col)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return
    metric_id = cells.text(row.get(index["metric"]))
    metric = view.node(metric_id) if metric_id else None
    if not isinstance(metric, Metric):
        out.problems.append(
            LocatedProblem(
                title, cell_name(index["metric"] or 0, row.number), "UNKNOWN_METRIC", {"id": metric_id or ""}
            )
        )
        return
    try:
        value = cells.number(
            raw,
            texts.say("workbook.column.new_value"),
            "points" if metric.unit == "%" else "fraction",
            col in row.percent,
        )
        at_col = (
            index["new_at"]
            if index["new_at"] is not None and row.get(index["new_at"]) is not None
            else index["due_date"]
        )
        assert at_col is not None
        at = cells.to_date(
            row.get(at_col),
            texts.say(f"workbook.column.{'new_at' if at_col == index['new_at'] else 'due_date'}"),
        )
    except CellProblem as exc:
        out.problems.append(LocatedProblem(title, cell_name(col, row.number), exc.code, dict(exc.params)))
        return
    if why := metric.value_problem(value):
        out.problems.append(
            LocatedProblem(
                title,
                cell_name(col, row.number),
                "VALUE_OUT_OF_RANGE",
                {"value": f"{value:g}", "id": metric.id, "reason": why},
            )
        )
        return
    note = cells.text(row.get(index["note"])) if index["note"] is not None else None
    out.values.append(ValueInput(metric.id, at, value, note))


def submit_form(
    writes: WriteService, view: Engine, source: Source, actor: Principal | None, dry_run: bool = False
) -> FormResult:
    """Read a filled 填报表 and submit its values for review (all or nothing)."""
    result = read_form(source, view)
    if result.problems or dry_run or not result.values:
        return result
    try:
        result.submitted = writes.submit_values(
            result.values, Provenance.ENTERED, None, actor, view, "submitForm"
        )
    except ProblemsError as exc:
        result.problems = [
            LocatedProblem(texts.say("workbook.sheet.form"), None, p.code, dict(p.params))
            for p in exc.problems
        ]
    except ForbiddenError as exc:
        result.problems = [
            LocatedProblem(None, None, f"FORBIDDEN.{exc.code}", {**exc.params, "message": str(exc)})
        ]
    except (InvalidArgumentError, NotFoundError) as exc:
        result.problems = [LocatedProblem(None, None, "INVALID", {"message": str(exc)})]
    return result

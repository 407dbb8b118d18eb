"""The 状态数据采集平台 bridge: the platform's export workbooks in, its tables out, through the mapping
(:mod:`zhengai.workbooks.state_mapping`).

Import (``zhengai import-state-data``): every mapped field becomes a value submitted for 审核 — pending
until the metric's unit head approves it, unless ``ZHENGAI_TRUSTED_SOURCES`` names the mapping's source —
with provenance 系统采集 (INGESTED) for a field as it stands and 计算 (COMPUTED) for a ratio of two fields.
Every malformed mapped cell is a located problem (``表7.1 毕业生就业!D5``) and nothing is submitted then;
fields that carry values but feed no metric, and mapped tables, fields or rows the workbook lacks, are
listed as notices, never dropped silently.

Export (``zhengai export-state-data``): the platform's tables with each mapped field filled with the
metric's value on a date as the caller sees it (a hidden metric leaves its cell empty); ratios cannot be
split back into their two fields and are listed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from zhengai import texts
from zhengai.domain.changes import ChangeSet
from zhengai.domain.errors import ForbiddenError, InvalidArgumentError, NotFoundError, ProblemsError
from zhengai.domain.models import Metric
from zhengai.engine.engine import Engine
from zhengai.engine.filling import Provenance, Submission, ValueInput, plan_submit
from zhengai.engine.writes import WriteService
from zhengai.security.tokens import Principal
from zhengai.stores.memory import GraphState
from zhengai.workbooks import cells
from zhengai.workbooks.cells import CellProblem
from zhengai.workbooks.plan_import import reason
from zhengai.workbooks.reader import LocatedProblem, Row, Source, cell_name, open_workbook, rows
from zhengai.workbooks.state_mapping import FieldMap, StateMapping
from zhengai.workbooks.state_tables import BY_NUMBER, FIRST_ROW, TABLES, write_tables

_TABLE = re.compile(r"^\s*表\s*(\d+(?:\.\d+)*)")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class StateValue:
    """A value read for a metric, the cell(s) it came from and whether it is a ratio."""

    value: ValueInput
    cell: str
    computed: bool


@dataclass
class StateImport:
    """What reading (and submitting) a 状态数据 workbook did."""

    values: list[StateValue] = field(default_factory=list)
    problems: list[LocatedProblem] = field(default_factory=list)
    notices: list[LocatedProblem] = field(default_factory=list)
    submitted: list[Submission] = field(default_factory=list)
    dry_run: bool = True

    def unmapped(self) -> int:
        """How many fields carry values that feed no metric."""
        return sum(1 for n in self.notices if n.code == "UNMAPPED")


def table_number(title: object) -> str | None:
    """``6.1`` of ``表6.1 专业设置`` (None for any other text)."""
    m = _TABLE.match(cells.normal_text(title or ""))
    return m.group(1) if m else None


def _is_title(row: Row) -> bool:
    filled = [v for v in row.values if v is not None and str(v).strip()]
    return len(set(map(str, filled))) == 1 and table_number(filled[0]) is not None


def _span(sheet: str, col: int, numbers: list[int]) -> str:
    first, last = cell_name(col, numbers[0]), cell_name(col, numbers[-1])
    return first if first == last else f"{first}:{last}"


def read_state_data(
    source: Source, mapping: StateMapping, view: Engine, at: date, progress: Progress | None = None
) -> StateImport:
    """The values a platform export workbook holds for the mapped metrics the caller sees, on ``at``."""
    out = StateImport()
    try:
        wb = open_workbook(source)
    except CellProblem as exc:
        out.problems.append(LocatedProblem(None, None, exc.code, dict(exc.params)))
        return out
    by_table = mapping.tables()
    seen: set[str] = set()
    try:
        for title in wb.sheetnames:
            number = table_number(title)
            if number is None:
                out.notices.append(LocatedProblem(title, None, "UNKNOWN_TABLE", {"sheet": title}))
                continue
            seen.add(number)
            _table(source, wb, title, number, by_table.get(number, []), view, at, out, progress)
    finally:
        wb.close()
    for number in sorted(set(by_table) - seen):
        known = BY_NUMBER.get(number)
        out.notices.append(
            LocatedProblem(None, None, "MISSING_TABLE", {"table": known.sheet if known else f"表{number}"})
        )
    return out


@dataclass
class _Sheet:
    """One table being read: its title, header columns and the mapping entries it can serve."""

    title: str
    columns: dict[str, int]
    usable: list[FieldMap]
    key_cols: set[int]

    def col(self, name: str) -> int:
        """The column of a field."""
        return self.columns[cells.normal_text(name)]

    def serves(self, entry: FieldMap, row: Row, records: int) -> bool:
        """Whether ``row`` is the entry's row (its key matches; a one-record table: its first record)."""
        if entry.row is None:
            return records == 1
        key = cells.text(row.get(self.col(entry.row[0])))
        return key is not None and cells.normal_text(key) == cells.normal_text(entry.row[1])


def _open_sheet(header: Row, title: str, number: str, entries: list[FieldMap], out: StateImport) -> _Sheet:
    """The header's columns; entries whose fields are missing are listed and left out."""
    columns: dict[str, int] = {}
    for i, v in enumerate(header.values):
        name = cells.normal_text(v) if v is not None else ""
        if name and name not in columns:
            columns[name] = i
    usable = []
    for entry in entries:
        missing = [
            f
            for f in (*entry.fields, *(entry.row[:1] if entry.row else ()))
            if cells.normal_text(f) not in columns
        ]
        out.notices += [
            LocatedProblem(title, None, "MISSING_FIELD", {"field": f, "metric": entry.metric})
            for f in missing
        ]
        if not missing:
            usable.append(entry)
    keys = {e.row[0] for e in usable if e.row}
    catalogued = BY_NUMBER.get(number)
    if catalogued and catalogued.key:
        keys.add(catalogued.key)
    key_cols = {columns[cells.normal_text(k)] for k in keys if cells.normal_text(k) in columns}
    return _Sheet(title, columns, usable, key_cols)


def _table(
    source: Source,
    wb: Any,
    title: str,
    number: str,
    entries: list[FieldMap],
    view: Engine,
    at: date,
    out: StateImport,
    progress: Progress | None,
) -> None:
    """Read one table: its mapped values, its unmapped fields, the mapped rows it lacks."""
    found = rows(source, wb, title, out.problems)
    header = next(found, None)
    if header is not None and _is_title(header):
        header = next(found, None)
    if header is None:
        if entries:
            out.notices.append(LocatedProblem(title, None, "EMPTY_TABLE", {"table": title}))
        return
    sheet = _open_sheet(header, title, number, entries, out)
    matched: set[str] = set()
    unmapped: dict[int, list[int]] = {}
    records = 0
    for row in found:
        records += 1
        used = set(sheet.key_cols)
        for entry in sheet.usable:
            if sheet.serves(entry, row, records):
                matched.add(entry.metric)
                used |= {sheet.col(f) for f in entry.fields}
                _value(entry, row, sheet.columns, title, view, at, out)
        for col, v in enumerate(row.values):
            if col not in used and v is not None and str(v).strip():
                unmapped.setdefault(col, []).append(row.number)
        if progress and records % 10000 == 0:
            progress(title, records, 0)
    if progress:
        progress(title, records, records)
    names = {i: n for n, i in sheet.columns.items()}
    for col, numbers in sorted(unmapped.items()):
        field_name = names.get(col, cell_name(col, header.number))
        out.notices.append(
            LocatedProblem(
                title, _span(title, col, numbers), "UNMAPPED", {"field": field_name, "count": len(numbers)}
            )
        )
    for entry in sheet.usable:
        if entry.metric in matched:
            continue
        out.notices.append(
            LocatedProblem(
                title,
                None,
                "MISSING_ROW",
                {"key": entry.row[0], "value": entry.row[1], "metric": entry.metric},
            )
            if entry.row
            else LocatedProblem(title, None, "EMPTY_TABLE", {"table": title})
        )


def _value(
    entry: FieldMap, row: Row, columns: dict[str, int], title: str, view: Engine, at: date, out: StateImport
) -> None:
    """The metric's value from ``row``: a field (×scale) or a ratio of two; problems located at the cell."""
    col0 = columns[cells.normal_text(entry.fields[0])]
    metric = view.node(entry.metric, at)
    if not isinstance(metric, Metric):
        out.problems.append(
            LocatedProblem(title, cell_name(col0, row.number), "UNKNOWN_METRIC", {"id": entry.metric})
        )
        return
    numbers = []
    for i, name in enumerate(entry.fields):
        col = columns[cells.normal_text(name)]
        raw = row.get(col)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if not any(p.sheet == title and p.cell == cell_name(col, row.number) for p in out.problems[-8:]):
                out.notices.append(  # left blank in the platform: listed, the metric gets no value
                    LocatedProblem(
                        title,
                        cell_name(col, row.number),
                        "BLANK_CELL",
                        {"field": name, "metric": entry.metric},
                    )
                )
            return
        percent = None if entry.computed else ("points" if metric.unit == "%" else "fraction")
        try:
            numbers.append(cells.number(raw, name, percent, col in row.percent))
        except CellProblem as exc:
            out.problems.append(LocatedProblem(title, cell_name(col, row.number), exc.code, dict(exc.params)))
            return
        if i == 1 and numbers[1] == 0:
            out.problems.append(
                LocatedProblem(title, cell_name(col, row.number), "ZERO_DENOMINATOR", {"field": name})
            )
            return
    value = (numbers[0] / numbers[1] if entry.computed else numbers[0]) * entry.scale
    value = round(value, 4)
    where = cell_name(col0, row.number)
    if why := metric.value_problem(value):
        out.problems.append(
            LocatedProblem(
                title, where, "VALUE_OUT_OF_RANGE", {"value": f"{value:g}", "id": metric.id, "reason": why}
            )
        )
        return
    out.values.append(
        StateValue(ValueInput(metric.id, at, value, f"{title}!{where}"), f"{title}!{where}", entry.computed)
    )


def plan_state_import(
    view: Engine, found: list[StateValue], source: str, actor: Principal | None
) -> Callable[[GraphState], ChangeSet]:
    """ONE change set submitting the fields (INGESTED) and ratios (COMPUTED) for review, with the caller's
    rights: a metric of another unit is FORBIDDEN, a trusted source counts at once."""
    groups = [
        (p, [v.value for v in found if v.computed == (p is Provenance.COMPUTED)])
        for p in (Provenance.INGESTED, Provenance.COMPUTED)
    ]
    plans = [plan_submit(view, rows_, p, source, actor, "importStateData") for p, rows_ in groups if rows_]

    def plan(state: GraphState) -> ChangeSet:
        parts = [p(state) for p in plans]
        first = parts[0]
        for other in parts[1:]:
            first.events.extend(other.events)
            first.observations.extend(other.observations)
        return first

    return plan


def import_state_data(
    writes: WriteService,
    view: Engine,
    source: Source,
    mapping: StateMapping,
    actor: Principal | None,
    at: date,
    dry_run: bool = True,
    progress: Progress | None = None,
) -> StateImport:
    """Read a platform export workbook and submit its mapped values for review (all or nothing)."""
    result = read_state_data(source, mapping, view, at, progress)
    result.dry_run = dry_run
    if result.problems or dry_run or not result.values:
        return result
    try:
        writes.commit_plan(plan_state_import(view, result.values, mapping.source, actor))
    except ProblemsError as exc:
        result.problems = [LocatedProblem(None, None, p.code, dict(p.params)) for p in exc.problems]
        return result
    except ForbiddenError as exc:
        result.problems = [
            LocatedProblem(None, None, f"FORBIDDEN.{exc.code or 'ROLE'}", {**exc.params, "message": str(exc)})
        ]
        return result
    except (InvalidArgumentError, NotFoundError) as exc:
        result.problems = [LocatedProblem(None, None, "INVALID", {"message": str(exc)})]
        return result
    wanted = {(v.value.metric, v.value.at) for v in result.values}
    from zhengai.engine.filling import metric_submissions

    for metric in sorted({m for m, _ in wanted}):
        subs = [s for s in metric_submissions(writes.engine, metric) if (s.metric, s.at) in wanted]
        if subs:
            result.submitted.append(subs[-1])
    return result


@dataclass
class StateExport:
    """What an export wrote: the cells filled and the mapped metrics left blank (with why)."""

    filled: int = 0
    blank: list[LocatedProblem] = field(default_factory=list)


def export_state_data(
    view: Engine, mapping: StateMapping, out: str | Path | IO[bytes], as_of: date | None = None
) -> StateExport:
    """The platform's tables with every mapped field the caller sees filled with its metric's value on
    ``as_of`` (default today); a table of many records has one row per mapped key."""
    when = view.day(as_of)
    result = StateExport()
    visible = [e for e in mapping.fields if isinstance(view.node(e.metric, when), Metric)]
    latest = view.state.latest_observations(when, [e.metric for e in visible]) if visible else {}
    shown = {e.metric for e in visible}
    records: dict[str, list[list[object]]] = {}
    for table in TABLES:
        entries = [e for e in mapping.fields if e.table == table.number and e.metric in shown]
        index = {name: i for i, name in enumerate(table.fields)}
        keyed: dict[str, list[object]] = {}
        for e in entries:
            key = e.row[1] if e.row else ""
            record = keyed.setdefault(key, [None] * len(table.fields))
            if e.row and e.row[0] in index:
                record[index[e.row[0]]] = e.row[1]
            if e.computed or e.fields[0] not in index:
                result.blank.append(
                    LocatedProblem(
                        table.sheet,
                        None,
                        "RATIO_NOT_FILLED" if e.computed else "MISSING_FIELD",
                        {"field": "/".join(e.fields), "metric": e.metric},
                    )
                )
                continue
            found = latest.get(e.metric)
            if found is None:
                result.blank.append(
                    LocatedProblem(table.sheet, None, "NO_VALUE", {"field": e.fields[0], "metric": e.metric})
                )
                continue
            record[index[e.fields[0]]] = round(found[1] / e.scale, 6)
            result.filled += 1
        if table.key is None and keyed:
            records[table.number] = [next(iter(keyed.values()))]
        else:
            records[table.number] = list(keyed.values())  # in the mapping's order
    write_tables(out, records)
    return result


def message(problem: LocatedProblem) -> str:
    """``sheet!cell: reason (CODE)`` of a problem or notice, in Chinese."""
    where = problem.sheet or texts.say("workbook.whole")
    if problem.cell:
        where = f"{where}!{problem.cell}" if problem.sheet else problem.cell
    try:
        words = texts.say(f"platform.problem.{problem.code}", **problem.params)
    except KeyError:
        words = reason(problem)
    return f"{where}: {words} ({problem.code.removeprefix('FORBIDDEN.')})"


__all__ = [
    "FIRST_ROW",
    "StateExport",
    "StateImport",
    "StateValue",
    "export_state_data",
    "import_state_data",
    "message",
    "plan_state_import",
    "read_state_data",
    "table_number",
]

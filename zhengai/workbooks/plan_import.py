"""A plan workbook read back as ONE applyChanges batch (``zhengai import-xlsx``, the explorer's upload).

The workbook is compared with the graph as the caller sees it on the effective date: a changed cell is an
``upsert`` of that field, a new row a new node, a missing row a retired node (its links end with it), a
new, reweighted or missing 关联 row a ``link`` or ``unlink``. New or changed 观测 values are submitted for
review (provenance IMPORTED) in the same write. The batch goes through the one write path
(``WriteService.apply_changes``, the caller's rights) — first as a dry run to show what it would do.

Every problem is located as ``sheet!cell``: the cells that cannot be read (all of them, in one pass), then
the batch's own refusals (applyChanges' coded problems by change index and field) mapped back to the row
and column they came from. Nothing is applied when there is any.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from zhengai import texts
from zhengai.domain.changes import Change, ChangedNode, ChangeSet, Link, LinkKind, Op, Retire, Unlink, Upsert
from zhengai.domain.errors import (
    ConflictError,
    ForbiddenError,
    InvalidArgumentError,
    NotFoundError,
    Problem,
    ProblemsError,
)
from zhengai.domain.models import Metric
from zhengai.domain.timeline import record_at
from zhengai.engine.engine import Engine
from zhengai.engine.filling import Provenance, ValueInput, submission_events, value_problems
from zhengai.engine.writes import WriteService
from zhengai.security.tokens import Principal
from zhengai.stores.memory import GraphState
from zhengai.workbooks import cells
from zhengai.workbooks.cells import CellProblem
from zhengai.workbooks.layout import (
    BY_KIND,
    LINK_KINDS,
    LINKS,
    NODE_SHEETS,
    OBSERVATIONS,
    Column,
    Sheet,
    comparable,
    links_of,
    record_fields,
)
from zhengai.workbooks.reader import LocatedProblem, Row, Source, cell_name, open_workbook, rows

MAX_ID = 200
HISTORY_CHUNK = 2000
#: Rows read between two progress reports within a sheet (its total is unknown until it is read).
TELL_EVERY = 20_000
Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    return None


class _Counted:
    """A sheet's rows, counted as read; ``tell(title, rows so far, 0)`` every TELL_EVERY rows."""

    def __init__(self, found: Iterator[Row], title: str, tell: Progress) -> None:
        self.found, self.title, self.tell, self.count = found, title, tell, 0

    def __iter__(self) -> Iterator[Row]:
        for row in self.found:
            self.count += 1
            if self.count % TELL_EVERY == 0:
                self.tell(self.title, self.count, 0)
            yield row

    def done(self) -> None:
        """Tell the sheet's rows read (the total now known)."""
        self.tell(self.title, self.count, self.count)


@dataclass(frozen=True)
class Origin:
    """Where a change came from: a sheet row and the column of each field (or a deleted node)."""

    sheet: str
    row: int | None
    columns: dict[str, int] = field(default_factory=dict)
    deleted: tuple[str, str] | None = None  # (kind, id) of a retired node: it has no row any more

    def cell(self, name: str | None) -> str | None:
        """The cell of a field (the row's first cell when the field has no column)."""
        if self.row is None:
            return None
        return cell_name(self.columns.get(name or "", 0), self.row)


@dataclass
class WorkbookPlan:
    """What a workbook asks for: the batch, where each change came from, the values to submit."""

    changes: list[Change] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)
    values: list[ValueInput] = field(default_factory=list)
    value_origins: list[Origin] = field(default_factory=list)
    problems: list[LocatedProblem] = field(default_factory=list)

    def add(self, change: Change, origin: Origin) -> None:
        self.changes.append(change)
        self.origins.append(origin)


@dataclass
class ImportResult:
    """What an import did or would do (``dry_run``), or why it was refused (``problems``)."""

    dry_run: bool
    version: int
    changed: list[ChangedNode] = field(default_factory=list)
    changes: list[tuple[Change, Origin]] = field(default_factory=list)
    values: int = 0
    problems: list[LocatedProblem] = field(default_factory=list)
    effective: date | None = None

    @property
    def applied(self) -> bool:
        """Whether the workbook was written to the graph."""
        return not self.dry_run and not self.problems and bool(self.changes or self.values)

    def counts(self) -> dict[str, int]:
        """How many nodes were created, updated, retired, links changed and values submitted."""
        ops = [c.op for c in self.changed]
        return {
            "created": ops.count(Op.CREATED),
            "updated": ops.count(Op.UPDATED),
            "retired": ops.count(Op.RETIRED),
            "links": sum(isinstance(c, Link | Unlink) for c, _ in self.changes),
            "values": self.values,
        }


# -- reading ----------------------------------------------------------------------------------------
@dataclass
class _Header:
    columns: dict[str, int]  # record field → column index
    spec: dict[str, Column]


def _header(sheet: Sheet, row: Row, problems: list[LocatedProblem]) -> _Header:
    by_header = {cells.normal_text(c.header): c for c in sheet.columns}
    out = _Header({}, {})
    for col, value in enumerate(row.values):
        name = cells.text(value)
        if name is None:
            continue
        column = by_header.get(cells.normal_text(name))
        if column is None:
            problems.append(
                LocatedProblem(sheet.title, cell_name(col, row.number), "UNKNOWN_COLUMN", {"column": name})
            )
        elif column.name in out.columns:
            problems.append(
                LocatedProblem(sheet.title, cell_name(col, row.number), "DUPLICATE_COLUMN", {"column": name})
            )
        else:
            out.columns[column.name] = col
            out.spec[column.name] = column
    for column in sheet.columns:
        if column.required and column.name not in out.columns:
            problems.append(LocatedProblem(sheet.title, None, "MISSING_COLUMN", {"column": column.header}))
    return out


def _cell(column: Column, value: Any, row: Row, col: int, percent: str | None) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if column.type == "number":
        return cells.number(value, column.header, percent, col in row.percent)
    if column.type == "date":
        return cells.to_date(value, column.header)
    if column.type == "choice":
        return cells.choice(value, column.header, texts.labels(column.choices or ""))
    out = cells.text(value)
    if out is not None and column.type in ("id", "ref") and len(out) > MAX_ID:
        raise CellProblem("TOO_LONG", {"column": column.header, "limit": MAX_ID})
    return out


def _parse(
    sheet: Sheet,
    header: _Header,
    row: Row,
    problems: list[LocatedProblem],
    percent_of: Callable[[dict[str, Any]], str | None] | None = None,
) -> dict[str, Any] | None:
    """The row's cells by record field (None after recording its problems)."""
    out: dict[str, Any] = {}
    ok = True
    unit = cells.text(row.get(header.columns["unit"])) if "unit" in header.columns else None
    for column in sheet.columns:
        name = column.name
        if name not in header.columns:
            continue
        col = header.columns[name]
        percent = column.percent
        if percent == "points":
            percent = (
                percent_of({"unit": unit, **out}) if percent_of else ("points" if unit == "%" else "fraction")
            )
        try:
            out[name] = _cell(column, row.get(col), row, col, percent)
        except CellProblem as exc:
            problems.append(
                LocatedProblem(sheet.title, cell_name(col, row.number), exc.code, dict(exc.params))
            )
            ok = False
            continue
        if column.required and out[name] is None and not _located_at(problems, sheet.title, col, row):
            problems.append(
                LocatedProblem(
                    sheet.title, cell_name(col, row.number), "REQUIRED_CELL", {"column": column.header}
                )
            )
            ok = False
    return out if ok else None


def _located_at(problems: list[LocatedProblem], sheet: str, col: int, row: Row) -> bool:
    """Whether the reader already refused this cell (a formula without a value): one message a cell."""
    where = cell_name(col, row.number)
    return any(p.sheet == sheet and p.cell == where for p in problems[-8:])


def _sheet_rows(
    source: Source, wb: Any, title: str, sheet: Sheet, problems: list[LocatedProblem]
) -> tuple[_Header | None, Iterator[Row]]:
    found = rows(source, wb, title, problems)
    first = next(found, None)
    if first is None:
        return (_header(sheet, Row(1, []), problems) if sheet.key != OBSERVATIONS.key else None), iter(())
    return _header(sheet, first, problems), found


def read_workbook(source: Source, view: Engine, effective: date,
                  progress: Callable[[str, int, int], None] | None = None) -> WorkbookPlan:
    """The batch a plan workbook asks for, against the graph as ``view`` sees it on ``effective``
    (``progress(sheet, done, total)`` told as each sheet is read)."""
    tell = progress or _quiet
    plan = WorkbookPlan()
    try:
        wb = open_workbook(source)
    except CellProblem as exc:
        plan.problems.append(LocatedProblem(None, None, exc.code, dict(exc.params)))
        return plan
    try:
        _check_sheets(wb.sheetnames, plan.problems)
        if plan.problems:
            return plan
        seen: dict[str, tuple[str, int]] = {}
        kept: dict[str, set[str]] = {}
        bad: set[str] = set()
        for sheet in NODE_SHEETS:
            kept[sheet.key] = _node_sheet(source, wb, sheet, view, effective, plan, seen, bad, tell)
        retired = _retire(view, effective, kept, plan)
        _links(source, wb, view, effective, plan, retired, bad, tell)
        for title in wb.sheetnames:
            if title == OBSERVATIONS.title or (
                title.startswith(OBSERVATIONS.title) and title[len(OBSERVATIONS.title) :].isdigit()
            ):
                _observations(source, wb, title, view, effective, plan, kept["Metric"], retired, tell)
    finally:
        wb.close()
    _order(plan)
    return plan


def _check_sheets(names: list[str], problems: list[LocatedProblem]) -> None:
    known = [s.title for s in (*NODE_SHEETS, LINKS)]
    extra = {texts.say("workbook.sheet.guide"), texts.say("workbook.sheet.lists")}
    for title in known:
        if title not in names:
            problems.append(LocatedProblem(title, None, "MISSING_SHEET", {"sheet": title}))
    for name in names:
        is_obs = name == OBSERVATIONS.title or (
            name.startswith(OBSERVATIONS.title) and name[len(OBSERVATIONS.title) :].isdigit()
        )
        if name not in known and name not in extra and not is_obs:
            problems.append(
                LocatedProblem(
                    name,
                    None,
                    "UNKNOWN_SHEET",
                    {"sheet": name, "known": "、".join([*known, OBSERVATIONS.title])},
                )
            )


def _node_sheet(
    source: Source,
    wb: Any,
    sheet: Sheet,
    view: Engine,
    effective: date,
    plan: WorkbookPlan,
    seen: dict[str, tuple[str, int]],
    bad: set[str],
    tell: Progress = _quiet,
) -> set[str]:
    """Upserts of the sheet's new and changed rows; returns the ids it holds."""
    header, found = _sheet_rows(source, wb, sheet.title, sheet, plan.problems)
    counted = _Counted(found, sheet.title, tell)
    existing = view.records(sheet.key, effective)
    ids: set[str] = set()
    if header is None or "id" not in header.columns:
        return set(existing)  # a sheet without its id column: refused (MISSING_COLUMN), nothing retired
    for row in counted:
        id_col = header.columns["id"]
        before = len(plan.problems)
        parsed = _parse(sheet, header, row, plan.problems)
        node_id = cells.text(row.get(id_col))
        if node_id is not None:
            ids.add(node_id)
            first = seen.get(node_id)
            if first is not None:
                plan.problems.append(
                    LocatedProblem(
                        sheet.title,
                        cell_name(id_col, row.number),
                        "DUPLICATE_ID",
                        {"id": node_id, "first": f"{first[0]}!{cell_name(id_col, first[1])}"},
                    )
                )
                continue
            seen[node_id] = (sheet.title, row.number)
        if parsed is None or len(plan.problems) > before:
            if node_id is not None:
                bad.add(node_id)
            continue
        _diff_row(sheet, header, row, parsed, existing.get(node_id), plan)
    counted.done()
    return ids


def _diff_row(
    sheet: Sheet, header: _Header, row: Row, parsed: dict[str, Any], record: Any, plan: WorkbookPlan
) -> None:
    node_id = parsed.pop("id")
    fields = record_fields(sheet.key, parsed)
    origin = Origin(sheet.title, row.number, _field_columns(header))
    if record is None:
        plan.add(Upsert(sheet.key, node_id, {k: v for k, v in fields.items() if v is not None}), origin)
        return
    current = comparable(sheet.key, record)
    changed = {k: v for k, v in fields.items() if _present(k, header) and current.get(k) != v}
    if changed:
        plan.add(Upsert(sheet.key, node_id, changed), origin)


def _present(name: str, header: _Header) -> bool:
    if name == "period":
        return "period_start" in header.columns or "period_end" in header.columns
    if name == "thresholds":
        return "thresholds_green" in header.columns or "thresholds_yellow" in header.columns
    return name in header.columns


def _field_columns(header: _Header) -> dict[str, int]:
    """Record field paths (as applyChanges names them) → column index."""
    out = dict(header.columns)
    for two, (a, b) in {
        "period": ("period_start", "period_end"),
        "thresholds": ("thresholds_green", "thresholds_yellow"),
    }.items():
        if a in out:
            out[two] = out[f"{two}.start" if two == "period" else f"{two}.green"] = out[a]
        if b in out:
            out[f"{two}.end" if two == "period" else f"{two}.yellow"] = out[b]
    return out


def _retire(view: Engine, effective: date, kept: dict[str, set[str]], plan: WorkbookPlan) -> set[str]:
    """Retires of the nodes the caller sees that the workbook no longer holds."""
    retired: set[str] = set()
    for sheet in NODE_SHEETS:
        for node_id in view.records(sheet.key, effective):
            if node_id not in kept[sheet.key]:
                retired.add(node_id)
                plan.add(
                    Retire(node_id, cascade=True), Origin(sheet.title, None, deleted=(sheet.key, node_id))
                )
    return retired


def _current_links(view: Engine, effective: date) -> dict[tuple[str, str, str], float | None]:
    """(kind, source, target) → weight of the relationships among the nodes the caller sees."""
    records = {s.key: view.records(s.key, effective) for s in NODE_SHEETS}
    visible = {i for found in records.values() for i in found}
    return {
        (kind, source_id, target): weight
        for found in records.values()
        for record in found.values()
        for kind, source_id, target, weight in links_of(record)
        if target in visible
    }


def _link_change(
    kind: LinkKind, parsed: dict[str, Any], current: dict[tuple[str, str, str], float | None]
) -> Link | None:
    """The ``link`` a 关联 row asks for (None: it holds already); a weight on an unweighted kind is passed
    on, for applyChanges to refuse at its cell."""
    weighted = LINK_KINDS[kind][3]
    weight = parsed.get("weight")
    if weighted and weight is None:
        weight = 1.0
    key = (kind, parsed["source"], parsed["target"])
    if key not in current or (weighted and current[key] != weight) or (not weighted and weight is not None):
        return Link(kind, parsed["source"], parsed["target"], weight)
    return None


def _links(
    source: Source,
    wb: Any,
    view: Engine,
    effective: date,
    plan: WorkbookPlan,
    retired: set[str],
    bad: set[str],
    tell: Progress = _quiet,
) -> None:
    """Links and unlinks: the 关联 rows against the relationships among the nodes the caller sees."""
    header, found = _sheet_rows(source, wb, LINKS.title, LINKS, plan.problems)
    counted = _Counted(found, LINKS.title, tell)
    current = _current_links(view, effective)
    wanted: dict[tuple[str, str, str], int] = {}
    if header is None or len(header.columns) < 3:
        return
    for row in counted:
        parsed = _parse(LINKS, header, row, plan.problems)
        if parsed is None:
            continue
        kind = LinkKind(parsed["relation"])
        key = (kind, parsed["source"], parsed["target"])
        origin = Origin(
            LINKS.title, row.number, {**header.columns, "weight": header.columns.get("weight", 3)}
        )
        if key in wanted:
            plan.problems.append(
                LocatedProblem(LINKS.title, cell_name(0, row.number), "DUPLICATE_ROW", {"first": wanted[key]})
            )
            continue
        wanted[key] = row.number
        if parsed["source"] in bad or parsed["target"] in bad:
            continue
        link = _link_change(kind, parsed, current)
        if link is not None:
            plan.add(link, origin)
    counted.done()
    for key in current:
        kind, source_id, target = key
        if key not in wanted and source_id not in retired and target not in retired:
            plan.add(
                Unlink(LinkKind(kind), source_id, target),
                Origin(
                    LINKS.title,
                    None,
                    deleted=("Node", f"{texts.label('link_kind', kind)} {source_id} → {target}"),
                ),
            )


class _PercentOf:
    """What ``85%`` means in an observation row: points for a metric measured in %, else a fraction."""

    def __init__(self, view: Engine, effective: date):
        self.view, self.effective = view, effective
        self.units: dict[str, str | None] = {}

    def __call__(self, cells_so_far: dict[str, Any]) -> str:
        metric_id = cells_so_far.get("metric")
        if metric_id is not None and metric_id not in self.units:
            record = self.view.node(metric_id, self.effective)
            self.units[metric_id] = record.unit if isinstance(record, Metric) else None
        return "points" if metric_id is not None and self.units[metric_id] == "%" else "fraction"


def _observations(
    source: Source,
    wb: Any,
    title: str,
    view: Engine,
    effective: date,
    plan: WorkbookPlan,
    metric_ids: set[str],
    retired: set[str] | None = None,
    tell: Progress = _quiet,
) -> None:
    """New or changed values (compared metric by metric with the history): submitted for review. Rows of
    a metric the workbook retires are left alone (its history stays).

    A metric's rows are checked as one run when they follow each other (as exported): only the current
    run is held, so memory does not grow with the sheet. A metric whose rows are scattered (a row added
    at the bottom) is checked again, all its rows together, in a second pass over the sheet."""
    header, found = _sheet_rows(source, wb, title, OBSERVATIONS, plan.problems)
    if header is None or len(header.columns) < 3:
        return
    counted = _Counted(found, title, tell)
    run: list[tuple[Row, dict[str, Any]]] = []
    checked: set[str] = set()  # metrics whose run is over
    scattered: set[str] = set()
    percent = _PercentOf(view, effective)

    def flush() -> None:
        if run:
            metric_id = run[0][1]["metric"]
            if metric_id in checked:
                scattered.add(metric_id)
            else:
                checked.add(metric_id)
                _check_values(title, header, view, metric_id, run, plan)
            run.clear()

    for row, parsed in _value_rows(counted, title, header, plan.problems, percent, metric_ids, retired):
        if run and run[0][1]["metric"] != parsed["metric"]:
            flush()
        run.append((row, parsed))
    flush()
    counted.done()
    if scattered:
        _recheck(source, wb, title, header, view, plan, scattered, percent)


def _value_rows(
    found: Any,
    title: str,
    header: _Header,
    problems: list[LocatedProblem],
    percent: _PercentOf,
    metric_ids: set[str],
    retired: set[str] | None,
) -> Iterator[tuple[Row, dict[str, Any]]]:
    """The readable rows of an observations sheet naming a metric the workbook keeps."""
    for row in found:
        parsed = _parse(OBSERVATIONS, header, row, problems, percent)
        if parsed is None:
            continue
        metric_id = parsed["metric"]
        if retired and metric_id in retired:
            continue
        if metric_id not in metric_ids:
            problems.append(
                LocatedProblem(
                    title,
                    cell_name(header.columns["metric"], row.number),
                    "UNKNOWN_METRIC",
                    {"id": metric_id},
                )
            )
            continue
        yield row, parsed


def _check_values(
    title: str,
    header: _Header,
    view: Engine,
    metric_id: str,
    run: list[tuple[Row, dict[str, Any]]],
    plan: WorkbookPlan,
) -> None:
    """One metric's rows against its history: a date given twice with two values is a conflict; a new or
    changed value is planned."""
    held = dict(view.history([metric_id]).get(metric_id, []))
    claimed: dict[date, tuple[float, int]] = {}
    for row, parsed in run:
        at = parsed["at"]
        if at in claimed:
            if claimed[at][0] != parsed["value"]:
                plan.problems.append(
                    LocatedProblem(
                        title,
                        cell_name(header.columns["value"], row.number),
                        "CONFLICTING_VALUE",
                        {"first": claimed[at][1]},
                    )
                )
            continue
        claimed[at] = (parsed["value"], row.number)
        if held.get(at) != parsed["value"]:
            plan.values.append(ValueInput(metric_id, at, parsed["value"], parsed.get("source")))
            plan.value_origins.append(Origin(title, row.number, header.columns))


def _recheck(
    source: Source,
    wb: Any,
    title: str,
    header: _Header,
    view: Engine,
    plan: WorkbookPlan,
    scattered: set[str],
    percent: _PercentOf,
) -> None:
    """The metrics whose rows are scattered over the sheet, checked again with all their rows (the first
    pass already reported the sheet's unreadable cells)."""
    kept = [
        (value, origin)
        for value, origin in zip(plan.values, plan.value_origins, strict=True)
        if not (origin.sheet == title and value.metric in scattered)
    ]
    plan.values = [v for v, _ in kept]
    plan.value_origins = [o for _, o in kept]
    found = _sheet_rows(source, wb, title, OBSERVATIONS, [])[1]
    runs: dict[str, list[tuple[Row, dict[str, Any]]]] = {m: [] for m in scattered}
    for row, parsed in _value_rows(found, title, header, [], percent, scattered, None):
        runs[parsed["metric"]].append((row, parsed))
    for metric_id, run in runs.items():
        _check_values(title, header, view, metric_id, run, plan)


def _order(plan: WorkbookPlan) -> None:
    """Upserts, then links, unlinks and retires (applyChanges applies them in order)."""
    rank = {Upsert: 0, Link: 1, Unlink: 2, Retire: 3}
    paired = sorted(zip(plan.changes, plan.origins, strict=True), key=lambda p: rank[type(p[0])])
    plan.changes = [c for c, _ in paired]
    plan.origins = [o for _, o in paired]


# -- applying -------------------------------------------------------------------------------------
def _located(problem: Problem, plan: WorkbookPlan, offset: int = 0) -> LocatedProblem:
    """An applyChanges problem (change index, field) at the workbook cell it came from."""
    origin = (
        plan.origins[problem.index]
        if problem.index is not None and problem.index < len(plan.origins)
        else None
    )
    params = {**problem.params}
    if origin is None:
        return LocatedProblem(None, None, problem.code, params)
    if origin.deleted is not None:
        kind, node_id = origin.deleted
        return LocatedProblem(
            origin.sheet, texts.say("workbook.deleted", kind=kind, id=node_id), problem.code, params
        )
    name = _field_of(problem.field)
    return LocatedProblem(origin.sheet, origin.cell(name), problem.code, params)


def _field_of(where: str | None) -> str | None:
    """``target`` of ``upsertMetric.target``, ``period.end`` of ``upsertGoal.period.end``, ``target`` of
    ``link.target``; ``weight`` of ``upsertGoal.supports.0.weight``."""
    if not where:
        return None
    parts = where.split(".")[1:]
    if not parts:
        return None
    snake = [_snake(p) for p in parts if not p.isdigit()]
    if where.startswith(("link", "unlink")):
        return snake[-1] if snake else None
    return ".".join(snake[:2])


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _values_hook(plan: WorkbookPlan, actor: Principal | None) -> Callable[[GraphState, ChangeSet], None]:
    """Adds the workbook's values to the planned batch as submissions (checked against its new metrics)."""

    def also(state: GraphState, planned: ChangeSet) -> None:
        if not plan.values:
            return
        new_metrics = {
            i: r for i, t in planned.nodes.items() if isinstance(r := record_at(t, date.max), Metric)
        }
        problems = value_problems(state, plan.values, new_metrics)
        if problems:
            raise _ValueProblems(problems)
        events, _ = submission_events(
            state, plan.values, Provenance.IMPORTED, None, actor, state.version + 1, frozenset()
        )
        planned.events.extend(events)

    return also


class _ValueProblems(ProblemsError):
    """Problems of the workbook's values (indices into its values, not its changes)."""


def import_plan(
    writes: WriteService,
    view: Engine,
    source: Source,
    actor: Principal | None,
    effective: date | None = None,
    dry_run: bool = True,
    expected_version: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Read a plan workbook and apply it (or, ``dry_run``, say what it would do) as one batch through the
    write path with the caller's rights; every problem located, nothing applied when there is any."""
    when = effective or date.today()
    plan = read_workbook(source, view, when, progress)
    result = ImportResult(
        dry_run,
        view.data_version,
        changes=list(zip(plan.changes, plan.origins, strict=True)),
        values=len(plan.values),
        problems=list(plan.problems),
        effective=when,
    )
    if result.problems or not (plan.changes or plan.values):
        return result
    try:
        if plan.changes:
            done = writes.apply_changes(
                plan.changes, when, expected_version, dry_run, actor, view, also=_values_hook(plan, actor)
            )
            result.version, result.changed = done.version, done.changed
        elif not dry_run:
            writes.submit_values(plan.values, Provenance.IMPORTED, None, actor, view, "importWorkbook")
            result.version = view.data_version
        else:
            problems = value_problems(view.state, plan.values)
            if problems:
                raise _ValueProblems(problems)
    except _ValueProblems as exc:
        result.problems = [
            LocatedProblem(
                plan.value_origins[p.index].sheet,
                plan.value_origins[p.index].cell(p.field),
                p.code,
                dict(p.params),
            )
            for p in exc.problems
            if p.index is not None
        ]
    except ProblemsError as exc:
        result.problems = [_located(p, plan) for p in exc.problems]
    except ForbiddenError as exc:
        result.problems = [
            LocatedProblem(None, None, f"FORBIDDEN.{exc.code or 'ROLE'}", {**exc.params, "message": str(exc)})
        ]
    except ConflictError as exc:
        result.problems = [LocatedProblem(None, None, "CONFLICT", {"message": str(exc)})]
    except (InvalidArgumentError, NotFoundError) as exc:
        result.problems = [LocatedProblem(None, None, "INVALID", {"message": str(exc)})]
    return result


def message(problem: LocatedProblem) -> str:
    """``sheet!cell: reason (CODE)`` in Chinese (the workbook's, applyChanges' or a refusal's words)."""
    where = problem.sheet or texts.say("workbook.whole")
    if problem.cell:
        where = f"{where}!{problem.cell}" if not problem.cell.startswith("（") else f"{where}{problem.cell}"
    return f"{where}: {reason(problem)} ({problem.code.removeprefix('FORBIDDEN.')})"


def reason(problem: LocatedProblem) -> str:
    """The Chinese words of a located problem."""
    code = problem.code
    for table in ("workbook.problem", "problem"):
        try:
            return texts.say(f"{table}.{code}", **problem.params)
        except KeyError:
            continue
    if code.startswith("FORBIDDEN."):
        try:
            return texts.say(f"forbidden.{code.removeprefix('FORBIDDEN.')}", **problem.params)
        except KeyError:
            pass
    return str(problem.params.get("message", code))


__all__ = ["ImportResult", "Origin", "WorkbookPlan", "import_plan", "message", "read_workbook", "reason"]
_ = BY_KIND

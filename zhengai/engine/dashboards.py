"""驾驶舱 (dashboards): what the pages show as totals — warnings by severity, level, unit and rule, and the
progress of the 一页纸 tasks — counted here over everything the caller may see, never by a client from a
capped list.

Totals are kept per (data version, date, caller's scope, filters): the pages ask again on every refresh.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date

from zhengai.domain.enums import LEVEL_RANK, Level, Status
from zhengai.domain.errors import InvalidArgumentError, NotFoundError
from zhengai.domain.units import unit_and_below
from zhengai.engine.caching import VersionedLRU
from zhengai.engine.engine import Engine
from zhengai.engine.monitoring import Severity, WarningType
from zhengai.engine.onepage import TaskRow, TaskStatus, task_rows
from zhengai.security.scope import scope_key

__all__ = ["StatusCount", "TaskProgress", "WarningCount", "WarningSummary", "goal_summary", "task_progress",
           "warning_summary"]

#: At most this many task rows in a progress answer (the counts cover all of them).
MAX_TASK_ROWS = 200


@dataclass(frozen=True)
class WarningCount:
    """The warnings of one group (a level, a unit or a rule) by severity; ``key`` None: none given (tasks
    without a level, warnings without a unit)."""

    key: str | None
    name: str | None
    total: int
    red: int
    yellow: int
    info: int


@dataclass(frozen=True)
class WarningSummary:
    """Every warning the caller may see at ``as_of`` (within the filters), counted: the groups of each list
    add up to ``total``."""

    as_of: date
    total: int
    red: int
    yellow: int
    info: int
    by_level: list[WarningCount]
    by_unit: list[WarningCount]
    by_type: list[WarningCount]


def _counts(key: str | None, name: str | None, severities: Counter[Severity]) -> WarningCount:
    red, yellow, info = (severities[Severity.RED], severities[Severity.YELLOW], severities[Severity.INFO])
    return WarningCount(key, name, red + yellow + info, red, yellow, info)


def _grouped(combos: Counter[tuple[object, ...]], at: int) -> dict[str | None, Counter[Severity]]:
    """Warnings by the ``at``-th item of their (level, unit, type, severity) combination, by severity."""
    out: dict[str | None, Counter[Severity]] = {}
    for combo, n in combos.items():
        value = combo[at]
        out.setdefault(None if value is None else str(value), Counter())[combo[3]] += n  # type: ignore[index]
    return out


_summaries: VersionedLRU[WarningSummary] = VersionedLRU(64)


def warning_summary(engine: Engine, as_of: date | None = None, level: Level | None = None,
                    unit_id: str | None = None) -> WarningSummary:
    """监测预警 totals at ``as_of``: by severity, by level (学校 … 学生, then none), by unit (most red first)
    and by rule, over the caller's visible warnings at ``level`` and of ``unit_id`` and its sub-units."""
    when = engine.day(as_of)
    units = engine.units(when)
    if unit_id is not None and unit_id not in units:
        raise NotFoundError("unit", unit_id)
    key: Hashable = (when, scope_key(engine.principal) if engine.restricted else None, level, unit_id)

    def compute() -> WarningSummary:
        found = engine.warnings(when, level, unit_id)
        combos = Counter((w.level, w.unit_id, w.type, w.severity) for w in found)  # one pass over them
        by_level = _grouped(combos, 0)
        by_unit = _grouped(combos, 1)
        by_type = _grouped(combos, 2)
        total: Counter[Severity] = Counter()
        for combo, n in combos.items():
            total[combo[3]] += n
        levels = [_counts(lv.value, None, by_level[lv.value]) for lv in sorted(Level, key=LEVEL_RANK.get)
                  if lv.value in by_level]
        if None in by_level:
            levels.append(_counts(None, None, by_level[None]))
        unit_rows = [_counts(u, units[u].name if u in units else None, c) for u, c in by_unit.items()]
        unit_rows.sort(key=lambda r: (r.key is None, -r.red, -r.yellow, -r.total, r.key or ""))
        types = [_counts(t.value, None, by_type[t.value]) for t in WarningType if t.value in by_type]
        return WarningSummary(when, sum(total.values()), total[Severity.RED], total[Severity.YELLOW],
                              total[Severity.INFO], levels, unit_rows, types)

    return _summaries.get(engine.base, engine.data_version, key, compute)


@dataclass(frozen=True)
class TaskProgress:
    """The 一页纸 tasks the caller may see (of a unit and its sub-units, or all): counts by status, mean
    progress, budget and spending, and the rows most in need of attention first (at most
    ``MAX_TASK_ROWS``)."""

    as_of: date
    total: int
    by_status: dict[TaskStatus, int]
    mean_progress: float | None
    budget: float
    spent: float
    rows: list[TaskRow]


#: Rows needing attention first: 逾期, 超支, then running, not started, done.
_ATTENTION = {TaskStatus.OVERDUE: 0, TaskStatus.OVER_BUDGET: 1, TaskStatus.IN_PROGRESS: 2,
              TaskStatus.NOT_STARTED: 3, TaskStatus.DONE: 4}


def task_progress(engine: Engine, as_of: date | None = None, unit_id: str | None = None,
                  first: int = 50) -> TaskProgress:
    """Task progress for a 驾驶舱: every visible task led or undertaken by ``unit_id`` or its sub-units (all
    visible tasks without it); ``first`` (≤ 200) rows, overdue and over budget first, then by progress."""
    if not 0 <= first <= MAX_TASK_ROWS:
        raise InvalidArgumentError(f"first must be between 0 and {MAX_TASK_ROWS}")
    when = engine.day(as_of)
    units = engine.units(when)
    tasks = list(engine.tasks(when).values())
    if unit_id is not None:
        if unit_id not in units:
            raise NotFoundError("unit", unit_id)
        scope = unit_and_below(units, unit_id)
        tasks = [t for t in tasks if t.lead_unit in scope or any(u in scope for u in t.units)]
    rows = task_rows(tasks, units, when)
    counts = Counter(r.status for r in rows)
    rows.sort(key=lambda r: (_ATTENTION[r.status], r.task.progress, r.task.due or date.max, r.task.id))
    mean = sum(r.task.progress for r in rows) / len(rows) if rows else None
    return TaskProgress(when, len(rows), {s: counts[s] for s in TaskStatus}, mean,
                        sum(r.task.budget for r in rows), sum(r.task.spent for r in rows), rows[:first])


@dataclass(frozen=True)
class StatusCount:
    """Goals of one level (``level`` None: all levels) by status."""

    level: Level | None
    total: int
    green: int
    yellow: int
    red: int
    unknown: int


_goal_counts: VersionedLRU[list[StatusCount]] = VersionedLRU(64)


def goal_summary(engine: Engine, as_of: date | None = None, unit_id: str | None = None,
                 subject_id: str | None = None) -> list[StatusCount]:
    """The visible goals (of a unit and its sub-units, of a subject) by level and status: one row per level
    with goals, then the whole (kept per data version, date, caller's scope and filters)."""
    when = engine.day(as_of)
    if unit_id is not None and unit_id not in engine.units(when):
        raise NotFoundError("unit", unit_id)
    if subject_id is not None:
        engine.subject(subject_id, when)
    key: Hashable = (when, scope_key(engine.principal) if engine.restricted else None, unit_id, subject_id)
    return _goal_counts.get(engine.base, engine.data_version, key,
                            lambda: _goal_summary(engine, when, unit_id, subject_id))


def _goal_summary(engine: Engine, when: date, unit_id: str | None, subject_id: str | None,
                  ) -> list[StatusCount]:
    snap = engine.base.snapshot(when)
    goals = engine.state.goals(when)
    counts: dict[Level, Counter[Status]] = {}
    for g in engine.goal_ids(None, unit_id, None, when, subject_id=subject_id):
        goal = goals[g]
        counts.setdefault(goal.level, Counter())[snap.goal_status(goal)] += 1

    def row(level: Level | None, c: Counter[Status]) -> StatusCount:
        return StatusCount(level, sum(c.values()), c[Status.GREEN], c[Status.YELLOW], c[Status.RED],
                           c[Status.UNKNOWN])

    rows = [row(lv, counts[lv]) for lv in sorted(counts, key=LEVEL_RANK.__getitem__)]
    return [*rows, row(None, sum(counts.values(), Counter()))]

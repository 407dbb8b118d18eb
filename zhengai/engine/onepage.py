"""一页纸项目管理 (One Page Project Manager): tasks × goals, owners, timeline, cost and progress.

The view of a unit holds the tasks LED_BY or UNDERTAKEN_BY the unit or any unit PART_OF it; the view
of a goal holds the tasks that ADVANCE it or any goal below it. Each task gets one status, consistent
with the monitoring rules (OVERDUE: past due and not done; OVER_BUDGET: spent over budget).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhengai import texts
from zhengai.domain.enums import Status
from zhengai.domain.errors import InvalidArgumentError, NotFoundError
from zhengai.domain.models import Goal, Task, Unit
from zhengai.domain.units import unit_and_below
from zhengai.engine.engine import Engine
from zhengai.engine.snapshot import Snapshot

#: At most this many tasks and goals in one view.
MAX_TASKS = 200
MAX_GOALS = 200


class TaskStatus(StrEnum):
    """A 一页纸 task's one status, by priority."""

    OVERDUE = "OVERDUE"  # 逾期
    OVER_BUDGET = "OVER_BUDGET"  # 超支
    DONE = "DONE"  # 已完成
    NOT_STARTED = "NOT_STARTED"  # 未开始
    IN_PROGRESS = "IN_PROGRESS"  # 进行中


@dataclass
class TaskRow:
    """One task of the 一页纸 matrix at ``as_of``."""

    task: Task
    lead_unit: Unit | None
    units: list[Unit]
    goal_ids: list[str]  # the goals of the view it advances (the matrix row)
    elapsed: float | None  # share of [start, due] gone at as_of, in [0, 1]; None without both dates
    overdue: bool
    over_budget: bool
    status: TaskStatus

    @property
    def status_name(self) -> str:
        """The status in words (逾期, 超支, …)."""
        return texts.label("task_status", self.status)


@dataclass
class GoalColumn:
    """A goal column of the 一页纸 matrix with its attainment and status."""

    goal: Goal
    attainment: float | None
    status: Status


@dataclass
class OnePage:
    """The 一页纸 view of a unit or a goal: goal columns and task rows (capped, with the full count)."""

    as_of: date
    unit: Unit | None
    goal: Goal | None
    goals: list[GoalColumn]
    tasks: list[TaskRow]
    task_count: int  # before the cap


def task_status(task: Task, as_of: date) -> tuple[TaskStatus, bool, bool]:
    """(status, overdue, over budget): 逾期 first, then 超支, 已完成, 未开始, 进行中."""
    overdue = task.due is not None and task.due < as_of and task.progress < 1
    over_budget = task.budget > 0 and task.spent > task.budget
    if overdue:
        status = TaskStatus.OVERDUE
    elif over_budget:
        status = TaskStatus.OVER_BUDGET
    elif task.progress >= 1:
        status = TaskStatus.DONE
    elif task.start is not None and task.start > as_of:
        status = TaskStatus.NOT_STARTED
    else:
        status = TaskStatus.IN_PROGRESS
    return status, overdue, over_budget


def elapsed_share(task: Task, as_of: date) -> float | None:
    """The share of [start, due] gone at ``as_of``, in [0, 1]; None without both dates."""
    if task.start is None or task.due is None:
        return None
    span = (task.due - task.start).days or 1
    return min(1.0, max(0.0, (as_of - task.start).days / span))


def task_rows(tasks: Iterable[Task], units: dict[str, Unit], as_of: date,
              goal_scope: set[str] | None = None) -> list[TaskRow]:
    """Rows for ``tasks`` ordered by start, due and id; ``goal_scope`` limits each row's goals."""
    rows = []
    for t in sorted(tasks, key=lambda t: (t.start or date.min, t.due or date.max, t.id)):
        status, overdue, over = task_status(t, as_of)
        goal_ids = [g for g in t.advances if goal_scope is None or g in goal_scope]
        rows.append(TaskRow(t, units.get(t.lead_unit or ""), [units[u] for u in t.units if u in units],
                            goal_ids, elapsed_share(t, as_of), overdue, over, status))
    return rows


def _columns(snap: Snapshot, goals: dict[str, Goal], ids: Iterable[str],
             first: str | None = None) -> list[GoalColumn]:
    """The matrix columns: ``first`` (the view's goal), then the others by id."""
    ordered = ([first] if first else []) + sorted(set(ids) - {first})
    return [GoalColumn(goals[g], snap.attainment(g), snap.goal_status(goals[g]))
            for g in ordered if g in goals][:MAX_GOALS]


def one_page(engine: Engine, unit_id: str | None = None, goal_id: str | None = None,
             as_of: date | None = None) -> OnePage:
    """The 一页纸 view of exactly one unit or one goal at ``as_of`` (default today)."""
    if (unit_id is None) == (goal_id is None):
        raise InvalidArgumentError("give exactly one of unitId and goalId")
    snap = engine.snapshot(as_of)
    units = engine.units(snap.as_of)
    goals = snap.structure.graph.goals
    unit = goal = None
    if unit_id is not None:
        unit = units.get(unit_id)
        if unit is None:
            raise NotFoundError("unit", unit_id)
        scope = unit_and_below(units, unit_id)
        tasks = [t for t in engine.tasks(snap.as_of).values()
                 if t.lead_unit in scope or any(u in scope for u in t.units)]
        rows = task_rows(tasks, units, snap.as_of)
    else:
        goal = engine.goal(goal_id or "", snap.as_of)
        below = engine.descendant_ids(goal.id, snap.as_of)
        tasks = [t for t in engine.tasks(snap.as_of).values() if any(g in below for g in t.advances)]
        rows = task_rows(tasks, units, snap.as_of, below)
    columns = _columns(snap, goals, [g for r in rows for g in r.goal_ids], goal.id if goal else None)
    return OnePage(snap.as_of, unit, goal, columns, rows[:MAX_TASKS], len(rows))

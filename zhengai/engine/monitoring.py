"""监测预警: the warnings due at a date (design.md §4).

STATUS (YELLOW/RED goals and metrics), FLOOR (beyond 底线: always RED), STALE (no observation within
the metric's frequency window, or none at all), BEHIND_PACE (a goal's attainment trails the elapsed
share of its period), OVERDUE (一页纸 tasks past due, not done) and OVER_BUDGET (spent over budget).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from zhengai import texts
from zhengai.domain.enums import FREQUENCY_WINDOW_DAYS, LEVEL_RANK, Level, Status
from zhengai.domain.models import Goal, Metric, Subject, Task, Unit
from zhengai.domain.units import goal_unit
from zhengai.engine.propagation import below_floor, elapsed_share, status_of
from zhengai.engine.snapshot import Snapshot

#: A goal is behind pace when its attainment trails the elapsed share of its period by more than this.
PACE_TOLERANCE = 0.10
#: Spending up to this share over budget is a YELLOW warning; beyond it, RED.
BUDGET_TOLERANCE = 0.10


class WarningType(StrEnum):
    """The 监测预警 rule that raised a warning."""

    STATUS = "STATUS"
    FLOOR = "FLOOR"
    STALE = "STALE"
    BEHIND_PACE = "BEHIND_PACE"
    OVERDUE = "OVERDUE"
    OVER_BUDGET = "OVER_BUDGET"


class Severity(StrEnum):
    """A warning's severity: 提示, 黄色预警 or 红色预警."""

    INFO = "INFO"
    YELLOW = "YELLOW"  # 黄色预警
    RED = "RED"  # 红色预警


SEVERITY_RANK = {Severity.INFO: 0, Severity.YELLOW: 1, Severity.RED: 2}


@dataclass(frozen=True)
class Warning:
    """A warning due at a date: the rule, the node, its level, unit and leader, and the message."""

    id: str
    type: WarningType
    severity: Severity
    node_id: str
    node_name: str
    kind: str  # Goal | Metric | Task
    level: Level | None
    unit_id: str | None
    leader: str | None
    message: str
    unit_name: str | None = None  # the owning unit's name (教务处, 机械工程学院 …)


@dataclass
class MonitoringContext:
    """What the rules read besides the snapshot."""

    snapshot: Snapshot
    units: dict[str, Unit]
    subjects: dict[str, Subject]
    tasks: dict[str, Task]
    #: each goal's and metric's level and unit (a metric's from the goals it measures), kept while the
    #: structure holds
    places: dict[str, tuple[Level | None, str | None]] = field(default_factory=dict)


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _num(x: float, unit: str | None = None) -> str:
    return f"{x:g}{unit or ''}"


def _metric_place(metric: Metric, ctx: MonitoringContext) -> tuple[Level | None, str | None]:
    place = ctx.places.get(metric.id)
    if place is None:
        structure = ctx.snapshot.structure
        goals = [structure.graph.goals[e.parent] for e in structure.parents.get(metric.id, [])]
        level = max((g.level for g in goals), key=LEVEL_RANK.__getitem__, default=None)
        unit = metric.owner or next((u for g in goals if (u := goal_unit(g, ctx.subjects))), None)
        place = ctx.places[metric.id] = (level, unit)
    return place


def _make(ctx: MonitoringContext, type_: WarningType, severity: Severity, node: Goal | Metric | Task,
          level: Level | None, unit_id: str | None, message: str, leader: str | None = None) -> Warning:
    unit = ctx.units.get(unit_id or "")
    return Warning(f"{type_}:{node.id}", type_, severity, node.id, node.name, node.kind, level, unit_id,
                   leader or (unit.leader if unit else None),
                   texts.say("warning.message", severity=severity, text=message), unit.name if unit else None)


def _goal_warnings(goal: Goal, ctx: MonitoringContext) -> Iterator[Warning]:
    value = ctx.snapshot.goal_value(goal.id)
    return goal_judged(goal, value.attainment, value.expected, ctx)


def goal_judged(goal: Goal, a: float | None, expected: float | None,
                ctx: MonitoringContext) -> Iterator[Warning]:
    """A goal's warnings at the snapshot's date given its attainment and pace expectation there."""
    snap = ctx.snapshot
    place = ctx.places.get(goal.id)
    if place is None:
        place = ctx.places[goal.id] = (goal.level, goal_unit(goal, ctx.subjects))
    unit = place[1]
    status = status_of(a, goal.thresholds)
    if status in (Status.YELLOW, Status.RED):
        th = goal.thresholds
        bar = (th.green if th else 0.9) if status is Status.YELLOW else (th.yellow if th else 0.7)
        yield _make(ctx, WarningType.STATUS, Severity(status.value), goal, goal.level, unit,
                    texts.say("warning.goal_status", name=goal.name, attainment=_pct(a or 0), bar=_pct(bar)))
    # the pace path (docs/semantics.md): the elapsed share, or 1 for children already judged against
    # their own path (分年度目标, 年度累计)
    if expected is not None and a is not None and a < expected - PACE_TOLERANCE:
        severity = Severity.RED if a < expected - 3 * PACE_TOLERANCE else Severity.YELLOW
        elapsed = elapsed_share(goal.period, snap.as_of)
        message = (texts.say("warning.behind_pace", name=goal.name, elapsed=_pct(expected),
                             attainment=_pct(a))
                   if elapsed is not None and abs(expected - elapsed) <= 1e-12 else
                   texts.say("fidelity.behind_path", name=goal.name, expected=_pct(expected),
                             attainment=_pct(a)))
        yield _make(ctx, WarningType.BEHIND_PACE, severity, goal, goal.level, unit, message)


def _metric_warnings(metric: Metric, ctx: MonitoringContext) -> Iterator[Warning]:
    return metric_judged(metric, *ctx.snapshot.reading(metric.id), ctx)


def metric_judged(metric: Metric, value: float | None, seen: date | None, attainment: float | None,
                  ctx: MonitoringContext) -> Iterator[Warning]:
    """A metric's warnings at the snapshot's date given its latest value, its date and its attainment."""
    snap = ctx.snapshot
    level, unit = _metric_place(metric, ctx)
    window = FREQUENCY_WINDOW_DAYS[metric.frequency]
    if seen is None:
        yield _make(ctx, WarningType.STALE, Severity.YELLOW, metric, level, unit,
                    texts.say("warning.never_observed", name=metric.name, frequency=metric.frequency))
    elif seen < snap.as_of - timedelta(days=window):
        yield _make(ctx, WarningType.STALE, Severity.YELLOW, metric, level, unit,
                    texts.say("warning.stale", name=metric.name, seen=seen, days=window))
    if value is None:
        return
    if below_floor(metric, value, snap.as_of, seen):  # a 年度累计 value compared annualised
        side = "warning.below_floor" if metric.direction == "HIGHER" else "warning.above_floor"
        yield _make(ctx, WarningType.FLOOR, Severity.RED, metric, level, unit,
                    texts.say(side, name=metric.name, value=_num(value, metric.unit),
                              floor=_num(metric.floor or 0, metric.unit)))
        return
    status = status_of(attainment)  # not below the floor: its attainment decides
    if status in (Status.YELLOW, Status.RED):
        attained = _pct(attainment or 0)
        yield _make(ctx, WarningType.STATUS, Severity(status.value), metric, level, unit,
                    texts.say("warning.metric_status", name=metric.name, value=_num(value, metric.unit),
                              target=_num(metric.target, metric.unit), attainment=attained))


def _task_warnings(task: Task, ctx: MonitoringContext) -> Iterator[Warning]:
    snap = ctx.snapshot
    goals = [snap.structure.graph.goals[g] for g in task.advances if g in snap.structure.graph.goals]
    level = min((g.level for g in goals), key=LEVEL_RANK.__getitem__, default=None)
    if task.due and task.due < snap.as_of and task.progress < 1:
        yield _make(ctx, WarningType.OVERDUE, Severity.RED, task, level, task.lead_unit,
                    texts.say("warning.overdue", name=task.name, due=task.due, progress=_pct(task.progress)),
                    task.leader)
    if task.budget > 0 and task.spent > task.budget:
        over = task.spent / task.budget - 1
        severity = Severity.RED if over > BUDGET_TOLERANCE else Severity.YELLOW
        yield _make(ctx, WarningType.OVER_BUDGET, severity, task, level, task.lead_unit,
                    texts.say("warning.over_budget", name=task.name, spent=_num(task.spent),
                              budget=_num(task.budget), over=_pct(over)), task.leader)


_TYPE_RANK = {t: i for i, t in enumerate(WarningType)}


def sort_key(w: Warning) -> tuple[int, int, str]:
    """The order of the warnings list: most severe first, then by rule, then by node id (unique per warning:
    a node has at most one warning per rule)."""
    return -SEVERITY_RANK[w.severity], _TYPE_RANK[w.type], w.node_id


def due_warnings(ctx: MonitoringContext) -> list[Warning]:
    """Every warning due at the snapshot's date, most severe first."""
    graph = ctx.snapshot.structure.graph
    found = [w for g in graph.goals.values() for w in _goal_warnings(g, ctx)]
    found += [w for m in graph.metrics.values() for w in _metric_warnings(m, ctx)]
    found += [w for t in ctx.tasks.values() for w in _task_warnings(t, ctx)]
    found.sort(key=sort_key)
    return found


def node_warnings(ids: Iterable[str], ctx: MonitoringContext) -> list[Warning]:
    """The warnings due at the snapshot's date of the goals, metrics and tasks ``ids`` only (an id not in
    force there has none), in no particular order."""
    graph = ctx.snapshot.structure.graph
    goals, metrics, tasks = graph.goals, graph.metrics, ctx.tasks
    found: list[Warning] = []
    for i in ids:
        if (m := metrics.get(i)) is not None:
            found += _metric_warnings(m, ctx)
        elif (g := goals.get(i)) is not None:
            found += _goal_warnings(g, ctx)
        elif (t := tasks.get(i)) is not None:
            found += _task_warnings(t, ctx)
    return found


def select(found: Sequence[Warning], level: Level | None = None, units: set[str] | None = None,
           min_severity: Severity | None = None) -> Sequence[Warning]:
    """The warnings at ``level``, of ``units`` (a unit and its sub-units), at least ``min_severity`` (no
    filter: ``found`` itself)."""
    bar = SEVERITY_RANK[min_severity] if min_severity is not None else 0
    if level is None and units is None and bar == 0:
        return found
    return [w for w in found if (level is None or w.level is level)
            and (units is None or w.unit_id in units) and SEVERITY_RANK[w.severity] >= bar]

"""诊改报告 data: what a quality subject's diagnosis-and-improvement report says, over the caller's view.

A subject (the school, a 专业, 课程, 教师 or 学生) reports on its goals — the goals whose ``subject``
is it; for the school, its SCHOOL-level goals — over a period ending at ``as_of``: attainment, status
and monthly trend of each goal, the standards they are held to (HELD_TO, and those that SPECIFY their
metrics), the open warnings on its goals, metrics and tasks, the top gap causes of its RED and YELLOW
goals, the 一页纸 tasks advancing its goals and the improvement measures. The words around these
numbers (headings, the conclusion) are the document's: :mod:`zhengai.reports.diagnosis`.

改进措施 are not recorded yet (no improvement API): the report lists one measure to be assigned per RED
warning, with the warning's unit and leader as owners, ``recorded=False``; ``recordImprovement`` can
later fill them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from zhengai import texts
from zhengai.domain.enums import Direction, Level, Status
from zhengai.domain.errors import InvalidArgumentError
from zhengai.domain.models import Goal, Metric, Standard, Subject, Unit
from zhengai.engine import monitoring
from zhengai.engine.engine import Engine
from zhengai.engine.impact import Folded
from zhengai.engine.monitoring import Severity, WarningType
from zhengai.engine.onepage import TaskRow, task_rows
from zhengai.engine.snapshot import Snapshot
from zhengai.engine.trends import TrendPoint, TrendSummary, goal_trends, summarise

__all__ = [
    "REPORT_KINDS",
    "DiagnosisReport",
    "GapCause",
    "GoalLine",
    "Improvement",
    "MetricLine",
    "ReportPeriod",
    "StandardSection",
    "diagnosis_report",
    "plain_message",
    "proposed_measure",
    "report_kind",
    "title_of",
]

#: Bounds of the report's lists.
MAX_WARNINGS = 200
MAX_GAP_GOALS = 20
GAP_TOP = 3
MAX_TASKS = 100
MAX_METRICS_PER_STANDARD = 100


@dataclass
class ReportPeriod:
    """The period a report covers, both ends included."""

    start: date
    end: date


@dataclass
class MetricLine:
    """A metric's latest value, attainment and status at the report's date."""

    metric: Metric
    value: float | None
    attainment: float | None
    status: Status


@dataclass
class StandardSection:
    """A standard the subject's goals are held to (``held_to``) or that SPECIFIES their metrics."""

    standard: Standard
    held_to: bool
    goal_ids: list[str]
    metrics: list[MetricLine]


@dataclass
class GoalLine:
    """One of the subject's goals: attainment, coverage, status and its monthly trend over the period."""

    goal: Goal
    attainment: float | None
    coverage: float
    status: Status
    trend: list[TrendPoint]
    summary: TrendSummary


@dataclass
class GapCause:
    """A metric's share of a RED or YELLOW goal's gap (design.md §2)."""

    goal: Goal
    metric: Metric
    value: float | None
    attainment: float
    sensitivity: float
    contribution: float


@dataclass
class Improvement:
    """改进措施: proposed from a RED warning until one is recorded (``recorded``)."""

    id: str
    warning_id: str
    node_id: str
    node_name: str
    issue: str
    measure: str
    unit: Unit | None
    leader: str | None
    status: str = field(default_factory=lambda: texts.say("report.pending"))
    recorded: bool = False


@dataclass
class DiagnosisReport:
    """Everything a 诊改报告 says about its subject, as data (no layout, no prose beyond names)."""

    subject: Subject
    unit: Unit | None
    title: str
    period: ReportPeriod
    as_of: date
    goals: list[GoalLine]
    standards: list[StandardSection]
    unstandardised: list[MetricLine]  # the goals' metrics that no standard specifies
    warnings: list[monitoring.Warning]
    gap_causes: list[GapCause]
    tasks: list[TaskRow]
    improvements: list[Improvement]
    unit_names: dict[str, str] = field(default_factory=dict, repr=False)
    folded_causes: dict[str, Folded] = field(default_factory=dict)  # goal id → causes outside the scope

    def behind(self) -> list[GoalLine]:
        """The RED and YELLOW goals, in report order (their gaps are explained)."""
        return [ln for ln in self.goals if ln.status in (Status.RED, Status.YELLOW)]

    def causes_of(self, goal_id: str) -> list[GapCause]:
        """The listed gap causes of one goal, largest first."""
        return [c for c in self.gap_causes if c.goal.id == goal_id]


#: The report kinds with a template of their own: the five levels, and departments (职能部门, 二级学院).
REPORT_KINDS = (*(lv.value for lv in Level), "DEPARTMENT")


def report_kind(subject: Subject) -> str:
    """Which report template a subject takes: its level's, or a department's (a 职能部门 or 二级学院 as
    a quality subject — its own unit, its id the unit's — or a subject whose level is not one of the five)."""
    if subject.unit is not None and subject.unit == subject.id:
        return "DEPARTMENT"
    level = str(getattr(subject.level, "value", subject.level))
    return level if level in REPORT_KINDS else "DEPARTMENT"


def title_of(subject: Subject, as_of: date) -> str:
    """The report's title: by the subject's report kind, with the year of ``as_of``."""
    return texts.say(f"report.title.{report_kind(subject)}", name=subject.name, year=as_of.year)


def _metric_line(snap: Snapshot, m: Metric) -> MetricLine:
    return MetricLine(m, snap.value(m.id), snap.attainment(m.id), snap.metric_status(m))


def _specified(engine: Engine, metric_ids: Sequence[str], as_of: date) -> dict[str, list[str]]:
    """Standard id → the metrics (of ``metric_ids``) it SPECIFIES, found over the caller's view."""
    specified: dict[str, list[str]] = {}
    for m in metric_ids:
        hood = engine.neighbourhood(m, Direction.BOTH, 1, 50, as_of=as_of)
        for e in hood.edges:
            if e.kind == "SPECIFIES" and e.target == m:
                specified.setdefault(e.source, []).append(m)
    return specified


def _standards(engine: Engine, snap: Snapshot, goals: Sequence[Goal],
               metrics: dict[str, list[str]]) -> tuple[list[StandardSection], list[MetricLine]]:
    """Standards HELD_TO by the goals, then those SPECIFYING their metrics (found over the graph)."""
    graph = snap.structure.graph
    metric_ids = sorted({m for ms in metrics.values() for m in ms})
    specified = _specified(engine, metric_ids, snap.as_of)
    held = {s: [g.id for g in goals if s in g.standards] for g in goals for s in g.standards}
    nodes = engine.nodes(sorted({*held, *specified}), snap.as_of)
    sections = []
    for st_id in [*sorted(held), *sorted(set(specified) - set(held))]:
        st = nodes.get(st_id)
        if not isinstance(st, Standard):
            continue
        ms = specified.get(st_id) or [m for m in st.specifies if m in graph.metrics]
        goal_ids = held.get(st_id) or [g.id for g in goals if set(metrics[g.id]) & set(ms)]
        lines = [_metric_line(snap, graph.metrics[m]) for m in ms if m in graph.metrics]
        sections.append(StandardSection(st, st_id in held, goal_ids, lines[:MAX_METRICS_PER_STANDARD]))
    covered = {m for ms in specified.values() for m in ms}
    rest = [_metric_line(snap, graph.metrics[m]) for m in metric_ids if m not in covered]
    return sections, rest


def _measure(w: monitoring.Warning) -> str:
    """A proposed 改进措施 for a RED warning: by its type, else by the warned node's kind."""
    key = w.type if w.type in (WarningType.FLOOR, WarningType.OVERDUE, WarningType.OVER_BUDGET,
                               WarningType.BEHIND_PACE) else ("Metric" if w.kind == "Metric" else "Goal")
    return texts.say(f"report.measure.{key}", name=w.node_name)


def proposed_measure(w: monitoring.Warning) -> str:
    """The 改进措施 proposed for a RED warning (as the 诊改报告 proposes it)."""
    return _measure(w)


def _improvements(warnings: Iterable[monitoring.Warning], units: dict[str, Unit]) -> list[Improvement]:
    return [Improvement(f"IMP:{w.id}", w.id, w.node_id, w.node_name, plain_message(w.message), _measure(w),
                        units.get(w.unit_id or ""), w.leader)
            for w in warnings if w.severity is Severity.RED]


def plain_message(message: str) -> str:
    """A warning's message without its 【…预警】 prefix."""
    return message.split("】", 1)[1] if message.startswith("【") and "】" in message else message


def _active(row: TaskRow, period: ReportPeriod) -> bool:
    """Tasks running in the period, plus earlier ones still open."""
    t = row.task
    started = t.start is None or t.start <= period.end
    return started and (t.due is None or t.due >= period.start or t.progress < 1)


def _gap_causes(engine: Engine, snap: Snapshot, lines: Sequence[GoalLine],
                as_of: date) -> tuple[list[GapCause], dict[str, Folded]]:
    """The top causes of each RED or YELLOW goal's gap, and per goal the causes outside the scope."""
    causes, folded = [], {}
    behind = [ln.goal for ln in lines if ln.status in (Status.RED, Status.YELLOW)][:MAX_GAP_GOALS]
    for g in behind:
        explained = engine.explain_gap(g.id, as_of, GAP_TOP)
        for c in explained.contributors:
            causes.append(GapCause(g, c.metric, snap.value(c.metric.id), c.attainment, c.sensitivity,
                                   c.contribution))
        if explained.others is not None:
            folded[g.id] = explained.others
    return causes, folded


def diagnosis_report(engine: Engine, subject_id: str, as_of: date | None = None,
                     start: date | None = None) -> DiagnosisReport:
    """The 诊改报告 data of a subject for the period [start, as_of] (default: 1 January of as_of's year)."""
    subject = engine.subject(subject_id, as_of)
    snap = engine.snapshot(as_of)
    as_of = snap.as_of
    start = start or date(as_of.year, 1, 1)
    if start > as_of:
        raise InvalidArgumentError(f"from ({start}) is after asOf ({as_of})")
    period = ReportPeriod(start, as_of)
    units = engine.units(as_of)
    structure = snap.structure
    goals = engine.subject_goals(subject, as_of)
    trends = goal_trends(engine, [g.id for g in goals], start, as_of)
    snap = engine.snapshot(as_of)  # the trend evaluated other dates
    lines = [GoalLine(g, snap.attainment(g.id), snap.goal_value(g.id).coverage, snap.goal_status(g),
                      trends[g.id], summarise(trends[g.id])) for g in goals]
    metrics = {g.id: [e.child for e in structure.children.get(g.id, []) if e.child in structure.graph.metrics]
               for g in goals}
    standards, unstandardised = _standards(engine, snap, goals, metrics)

    goal_ids = {g.id for g in goals}
    rows = task_rows([t for t in engine.tasks(as_of).values() if goal_ids & set(t.advances)], units,
                     as_of, goal_ids)
    tasks = [r for r in rows if _active(r, period)][:MAX_TASKS]
    mine = goal_ids | {m for ms in metrics.values() for m in ms} | {r.task.id for r in tasks}
    warnings = engine.node_warnings(mine, as_of)[:MAX_WARNINGS]  # its own few, not a scan of them all
    causes, folded = _gap_causes(engine, snap, lines, as_of)
    return DiagnosisReport(subject, units.get(subject.unit or ""), title_of(subject, as_of), period, as_of,
                           lines, standards, unstandardised, warnings, causes, tasks,
                           _improvements(warnings, units), unit_names={u.id: u.name for u in units.values()},
                           folded_causes=folded)

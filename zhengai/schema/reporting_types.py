"""GraphQL types of 诊改报告 (diagnosis reports), the 一页纸 view and trends; built from the engine's
reporting, onepage and trends modules."""

from __future__ import annotations

import base64
from datetime import date

import strawberry

from zhengai.domain import enums, models
from zhengai.engine import InvalidArgumentError, onepage, reporting, trends
from zhengai.schema import types as t

TaskStatus = strawberry.enum(
    onepage.TaskStatus, description="一页纸 task status: 逾期, 超支, 已完成, 未开始, 进行中 (by priority)")


@strawberry.type(description="A dated value of a metric")
class Observation:
    at: date
    value: float

    @classmethod
    def of(cls, p: trends.HistoryPoint) -> Observation:
        return cls(at=p.at, value=p.value)


def history_cursor(at: date) -> str:
    """The opaque cursor of the observation dated ``at`` (a metric has at most one per date)."""
    return base64.urlsafe_b64encode(f"obs:{at.isoformat()}".encode()).decode()


def history_after(cursor: str | None) -> date | None:
    """The date a cursor of :func:`history_cursor` stands for; BAD_USER_INPUT when it is none."""
    if cursor is None:
        return None
    try:
        kind, _, text = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "obs":
            return date.fromisoformat(text)
    except (ValueError, UnicodeDecodeError):
        pass
    raise InvalidArgumentError(f"invalid cursor {cursor!r}")


@strawberry.type
class ObservationEdge:
    cursor: str
    node: Observation


@strawberry.type(description="A page of a metric's observations, oldest first; `totalCount` in the range")
class ObservationConnection:
    edges: list[ObservationEdge]
    page_info: t.PageInfo
    total_count: int

    @classmethod
    def of(cls, page: trends.HistoryPage) -> ObservationConnection:
        edges = [ObservationEdge(cursor=history_cursor(p.at), node=Observation.of(p)) for p in page.points]
        info = t.PageInfo(has_next_page=page.has_next, has_previous_page=page.has_previous,
                          start_cursor=edges[0].cursor if edges else None,
                          end_cursor=edges[-1].cursor if edges else None)
        return cls(edges=edges, page_info=info, total_count=page.total)


@strawberry.type(description="A goal's attainment at a month end (the last point: at the range's end)")
class TrendPoint:
    at: date
    attainment: float | None
    status: t.Status

    @classmethod
    def of(cls, p: trends.TrendPoint) -> TrendPoint:
        return cls(at=p.at, attainment=p.attainment, status=p.status)


def _unit(u: models.Unit | None) -> t.Unit | None:
    return t.Unit.of(u) if u else None


@strawberry.type(description="Quality subject (质量主体): the school, a 专业, 课程, 教师 or 学生")
class Subject:
    id: strawberry.ID
    name: str
    level: t.Level
    level_name: str
    unit: t.Unit | None


@strawberry.type(description="One task of the 一页纸 matrix: owners, timeline, cost, progress and status")
class OnePageTask:
    id: strawberry.ID
    name: str
    goal_ids: list[strawberry.ID] = strawberry.field(description="Goals of the view it ADVANCES")
    lead_unit: t.Unit | None
    units: list[t.Unit] = strawberry.field(description="Undertaking units (承担部门)")
    leader: str | None
    deliverable: str | None = strawberry.field(description="成果形式")
    start: date | None
    due: date | None = strawberry.field(description="null: 持续 (ongoing)")
    elapsed: float | None = strawberry.field(description="Share of [start, due] gone at asOf")
    budget: float
    spent: float
    progress: float
    overdue: bool
    over_budget: bool
    status: TaskStatus
    status_name: str

    @classmethod
    def of(cls, r: onepage.TaskRow) -> OnePageTask:
        task = r.task
        return cls(id=strawberry.ID(task.id), name=task.name, goal_ids=[strawberry.ID(g) for g in r.goal_ids],
                   lead_unit=_unit(r.lead_unit), units=[t.Unit.of(u) for u in r.units], leader=task.leader,
                   deliverable=task.deliverable, start=task.start, due=task.due, elapsed=r.elapsed,
                   budget=task.budget, spent=task.spent, progress=task.progress, overdue=r.overdue,
                   over_budget=r.over_budget, status=r.status, status_name=r.status_name)


@strawberry.type(description="A goal column of the 一页纸 matrix")
class OnePageGoal:
    goal: t.Goal
    attainment: float | None
    status: t.Status


@strawberry.type(description="一页纸项目管理 view of a unit or a goal: tasks × goals with owners, time, cost")
class OnePage:
    as_of: date
    unit: t.Unit | None
    goal: t.Goal | None
    goals: list[OnePageGoal]
    tasks: list[OnePageTask]
    task_count: int = strawberry.field(description="Tasks in scope (the list holds at most 200)")

    @classmethod
    def of(cls, p: onepage.OnePage) -> OnePage:
        return cls(as_of=p.as_of, unit=_unit(p.unit), goal=t.Goal.of(p.goal) if p.goal else None,
                   goals=[OnePageGoal(goal=t.Goal.of(c.goal), attainment=c.attainment, status=c.status)
                          for c in p.goals],
                   tasks=[OnePageTask.of(r) for r in p.tasks], task_count=p.task_count)


@strawberry.type(description="A goal in a report: attainment, status and its monthly trend over the period")
class ReportGoal:
    goal: t.Goal
    attainment: float | None
    coverage: float
    status: t.Status
    trend: list[TrendPoint]
    trend_direction: str = strawberry.field(description="上升, 下降, 持平 or 无数据")
    trend_change: float | None = strawberry.field(description="Last minus first known attainment")


@strawberry.type
class ReportMetric:
    metric: t.Metric
    value: float | None
    attainment: float | None
    status: t.Status


@strawberry.type(description="A standard (标准链) of the report's goals and its metrics")
class ReportStandard:
    id: strawberry.ID
    name: str
    held_to: bool = strawberry.field(description="true: goals are HELD_TO it; false: it SPECIFIES their "
                                                 "metrics")
    goal_ids: list[strawberry.ID]
    metrics: list[ReportMetric]


@strawberry.type(description="A metric's contribution to a RED or YELLOW goal's gap")
class GapCause:
    goal: t.Goal
    metric: t.Metric
    value: float | None
    attainment: float
    sensitivity: float
    contribution: float


@strawberry.type(description="改进措施: proposed from a RED warning until recorded")
class Improvement:
    id: strawberry.ID
    warning_id: strawberry.ID
    node_id: strawberry.ID
    node_name: str
    issue: str
    measure: str
    unit: t.Unit | None = strawberry.field(description="Owning unit (责任单位)")
    leader: str | None
    status: str
    recorded: bool


def _metric(m: reporting.MetricLine) -> ReportMetric:
    return ReportMetric(metric=t.Metric.of(m.metric), value=m.value, attainment=m.attainment, status=m.status)


@strawberry.type(description="诊改报告 of a quality subject: data and its Markdown rendering (Chinese)")
class DiagnosisReport:
    subject: Subject
    title: str
    period: t.Period
    as_of: date
    goals: list[ReportGoal]
    standards: list[ReportStandard]
    warnings: list[t.Warning]
    gap_causes: list[GapCause]
    tasks: list[OnePageTask]
    improvements: list[Improvement]
    conclusion: str = strawberry.field(description="诊断结论")
    markdown: str

    @classmethod
    def of(cls, r: reporting.DiagnosisReport) -> DiagnosisReport:
        s = r.subject
        subject = Subject(id=strawberry.ID(s.id), name=s.name, level=s.level,
                          level_name=enums.LEVEL_ZH[s.level], unit=_unit(r.unit))
        goals = [ReportGoal(goal=t.Goal.of(g.goal), attainment=g.attainment, coverage=g.coverage,
                            status=g.status, trend=[TrendPoint.of(p) for p in g.trend],
                            trend_direction=g.summary.direction, trend_change=g.summary.change)
                 for g in r.goals]
        standards = [ReportStandard(id=strawberry.ID(x.standard.id), name=x.standard.name, held_to=x.held_to,
                                    goal_ids=[strawberry.ID(g) for g in x.goal_ids],
                                    metrics=[_metric(m) for m in x.metrics]) for x in r.standards]
        causes = [GapCause(goal=t.Goal.of(c.goal), metric=t.Metric.of(c.metric), value=c.value,
                           attainment=c.attainment, sensitivity=c.sensitivity, contribution=c.contribution)
                  for c in r.gap_causes]
        improvements = [Improvement(id=strawberry.ID(i.id), warning_id=strawberry.ID(i.warning_id),
                                    node_id=strawberry.ID(i.node_id), node_name=i.node_name, issue=i.issue,
                                    measure=i.measure, unit=_unit(i.unit), leader=i.leader, status=i.status,
                                    recorded=i.recorded) for i in r.improvements]
        return cls(subject=subject, title=r.title, period=t.Period(start=r.period.start, end=r.period.end),
                   as_of=r.as_of, goals=goals, standards=standards,
                   warnings=[t.Warning.of(w) for w in r.warnings], gap_causes=causes,
                   tasks=[OnePageTask.of(x) for x in r.tasks], improvements=improvements,
                   conclusion=r.conclusion, markdown=r.markdown)

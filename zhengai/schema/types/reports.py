"""诊改报告 (diagnosis reports) and the 一页纸 view: built from the engine's report data and onepage modules;
a report's Markdown is rendered from its document (zhengai.reports) when asked for."""

from __future__ import annotations

from datetime import date

import strawberry

from zhengai import texts
from zhengai.domain import models
from zhengai.engine import onepage
from zhengai.engine.reports import data
from zhengai.reports import diagnosis, markdown
from zhengai.schema.types.common import Level, Status
from zhengai.schema.types.graph import Goal, Metric, Period, TrendPoint, Unit
from zhengai.schema.types.monitoring import Warning

TaskStatus = strawberry.enum(
    onepage.TaskStatus, description="一页纸 task status: 逾期, 超支, 已完成, 未开始, 进行中 (by priority)")


@strawberry.type(description="Quality subject (质量主体): the school, a 专业, 课程, 教师 or 学生")
class Subject:
    id: strawberry.ID
    name: str
    level: Level
    level_name: str
    unit: Unit | None

    @classmethod
    def from_model(cls, s: models.Subject, unit: models.Unit | None) -> Subject:
        return cls(id=strawberry.ID(s.id), name=s.name, level=s.level,
                   level_name=texts.label("level", s.level), unit=Unit.maybe(unit))


@strawberry.type(description="One task of the 一页纸 matrix: owners, timeline, cost, progress and status")
class OnePageTask:
    id: strawberry.ID
    name: str
    goal_ids: list[strawberry.ID] = strawberry.field(description="Goals of the view it ADVANCES")
    lead_unit: Unit | None
    units: list[Unit] = strawberry.field(description="Undertaking units (承担部门)")
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
    def from_model(cls, r: onepage.TaskRow) -> OnePageTask:
        task = r.task
        return cls(id=strawberry.ID(task.id), name=task.name, goal_ids=[strawberry.ID(g) for g in r.goal_ids],
                   lead_unit=Unit.maybe(r.lead_unit), units=[Unit.from_model(u) for u in r.units],
                   leader=task.leader, deliverable=task.deliverable, start=task.start, due=task.due,
                   elapsed=r.elapsed, budget=task.budget, spent=task.spent, progress=task.progress,
                   overdue=r.overdue, over_budget=r.over_budget, status=r.status, status_name=r.status_name)


@strawberry.type(description="A goal column of the 一页纸 matrix")
class OnePageGoal:
    goal: Goal
    attainment: float | None
    status: Status


@strawberry.type(description="一页纸项目管理 view of a unit or a goal: tasks × goals with owners, time, cost")
class OnePage:
    as_of: date
    unit: Unit | None
    goal: Goal | None
    goals: list[OnePageGoal]
    tasks: list[OnePageTask]
    task_count: int = strawberry.field(description="Tasks in scope (the list holds at most 200)")

    @classmethod
    def from_model(cls, p: onepage.OnePage) -> OnePage:
        return cls(as_of=p.as_of, unit=Unit.maybe(p.unit), goal=Goal.from_model(p.goal) if p.goal else None,
                   goals=[OnePageGoal(goal=Goal.from_model(c.goal), attainment=c.attainment, status=c.status)
                          for c in p.goals],
                   tasks=[OnePageTask.from_model(r) for r in p.tasks], task_count=p.task_count)


@strawberry.type(description="A goal in a report: attainment, status and its monthly trend over the period")
class ReportGoal:
    goal: Goal
    attainment: float | None
    coverage: float
    status: Status
    trend: list[TrendPoint]
    trend_direction: str = strawberry.field(description="上升, 下降, 持平 or 无数据")
    trend_change: float | None = strawberry.field(description="Last minus first known attainment")

    @classmethod
    def from_model(cls, g: data.GoalLine) -> ReportGoal:
        return cls(goal=Goal.from_model(g.goal), attainment=g.attainment, coverage=g.coverage,
                   status=g.status, trend=[TrendPoint.from_model(p) for p in g.trend],
                   trend_direction=texts.label("trend", g.summary.direction), trend_change=g.summary.change)


@strawberry.type
class ReportMetric:
    metric: Metric
    value: float | None
    attainment: float | None
    status: Status

    @classmethod
    def from_model(cls, m: data.MetricLine) -> ReportMetric:
        return cls(metric=Metric.from_model(m.metric), value=m.value, attainment=m.attainment,
                   status=m.status)


@strawberry.type(description="A standard (标准链) of the report's goals and its metrics")
class ReportStandard:
    id: strawberry.ID
    name: str
    held_to: bool = strawberry.field(description="true: goals are HELD_TO it; false: it SPECIFIES their "
                                                 "metrics")
    goal_ids: list[strawberry.ID]
    metrics: list[ReportMetric]

    @classmethod
    def from_model(cls, x: data.StandardSection) -> ReportStandard:
        return cls(id=strawberry.ID(x.standard.id), name=x.standard.name, held_to=x.held_to,
                   goal_ids=[strawberry.ID(g) for g in x.goal_ids],
                   metrics=[ReportMetric.from_model(m) for m in x.metrics])


@strawberry.type(description="A metric's contribution to a RED or YELLOW goal's gap")
class GapCause:
    goal: Goal
    metric: Metric
    value: float | None
    attainment: float
    sensitivity: float
    contribution: float

    @classmethod
    def from_model(cls, c: data.GapCause) -> GapCause:
        return cls(goal=Goal.from_model(c.goal), metric=Metric.from_model(c.metric), value=c.value,
                   attainment=c.attainment, sensitivity=c.sensitivity, contribution=c.contribution)


@strawberry.type(description="改进措施: proposed from a RED warning until recorded")
class Improvement:
    id: strawberry.ID
    warning_id: strawberry.ID
    node_id: strawberry.ID
    node_name: str
    issue: str
    measure: str
    unit: Unit | None = strawberry.field(description="Owning unit (责任单位)")
    leader: str | None
    status: str
    recorded: bool

    @classmethod
    def from_model(cls, i: data.Improvement) -> Improvement:
        return cls(id=strawberry.ID(i.id), warning_id=strawberry.ID(i.warning_id),
                   node_id=strawberry.ID(i.node_id), node_name=i.node_name, issue=i.issue, measure=i.measure,
                   unit=Unit.maybe(i.unit), leader=i.leader, status=i.status, recorded=i.recorded)


@strawberry.type(description="诊改报告 of a quality subject: data and its Markdown rendering (Chinese)")
class DiagnosisReport:
    subject: Subject
    title: str
    period: Period
    as_of: date
    goals: list[ReportGoal]
    standards: list[ReportStandard]
    warnings: list[Warning]
    gap_causes: list[GapCause]
    tasks: list[OnePageTask]
    improvements: list[Improvement]
    report: strawberry.Private[data.DiagnosisReport]

    @classmethod
    def from_model(cls, r: data.DiagnosisReport) -> DiagnosisReport:
        return cls(subject=Subject.from_model(r.subject, r.unit), title=r.title,
                   period=Period(start=r.period.start, end=r.period.end), as_of=r.as_of,
                   goals=[ReportGoal.from_model(g) for g in r.goals],
                   standards=[ReportStandard.from_model(x) for x in r.standards],
                   warnings=[Warning.from_model(w) for w in r.warnings],
                   gap_causes=[GapCause.from_model(c) for c in r.gap_causes],
                   tasks=[OnePageTask.from_model(x) for x in r.tasks],
                   improvements=[Improvement.from_model(i) for i in r.improvements], report=r)

    @strawberry.field(description="诊断结论")
    def conclusion(self) -> str:
        return diagnosis.conclusion(self.report)

    @strawberry.field
    def markdown(self) -> str:
        return markdown.render(diagnosis.document(self.report))

"""GraphQL object types. Field methods are one-liners over the request context."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from zhengai.domain import enums, models
from zhengai.domain import spiral as spiral_domain
from zhengai.domain.relations import MEASURED_BY, SUPPORTS
from zhengai.engine import InvalidArgumentError, impact, monitoring, trends
from zhengai.engine import spiral as spiral_engine
from zhengai.engine.engine import FoldedNode
from zhengai.engine.engine import GraphView as EngineGraphView
from zhengai.engine.engine import NetworkCell as EngineCell
from zhengai.engine.ingest import RecordResult as RecordResult_
from zhengai.resolvers.context import MAX_LIST, Linked, ctx

if TYPE_CHECKING:  # reporting_types imports this module: its types are referenced lazily
    from zhengai.schema.reporting_types import Observation, ObservationConnection, TrendPoint

Level = strawberry.enum(enums.Level, description="五横: 学校, 专业, 课程, 教师, 学生")
System = strawberry.enum(enums.System, description="五纵: 决策指挥, 质量生成, 资源建设, 支持服务, 监督控制")
Status = strawberry.enum(enums.Status, description="GREEN ≥ 0.9, YELLOW ≥ 0.7, RED below; UNKNOWN: no data")
Direction = strawberry.enum(enums.Direction, description="UP towards the school, DOWN towards indicators")
Aggregate = strawberry.enum(enums.Aggregate)
WarningType = strawberry.enum(monitoring.WarningType, description="监测预警 rule that raised a warning")
Severity = strawberry.enum(monitoring.Severity, description="INFO, YELLOW (黄色预警), RED (红色预警)")

AsOf = Annotated[date | None, strawberry.argument(name="asOf", description="default: today")]
From = Annotated[date | None, strawberry.argument(name="from")]
To = Annotated[date | None, strawberry.argument(name="to")]


DEFAULT_LIST = 100


def _nodes(linked: Linked, kind: str, first: int, model: type) -> list:
    if not 0 <= first <= MAX_LIST:
        raise InvalidArgumentError(f"first must be between 0 and {MAX_LIST}")
    return [n for e, n in linked if e.kind == kind and isinstance(n, model)][:first]


def _goals(linked: Linked, kind: str, first: int, at: date | None) -> list[Goal]:
    return [Goal.of(n, at) for n in _nodes(linked, kind, first, models.Goal)]


def _count(linked: Linked, kind: str) -> int:
    return sum(1 for e, _ in linked if e.kind == kind)


async def _unit(info: Info, unit_id: str | None) -> Unit | None:
    node = await ctx(info).nodes.load((unit_id, None)) if unit_id else None
    return Unit.of(node) if isinstance(node, models.Unit) else None


@strawberry.type(description="Organisational unit (党办, 质管办, 教务处, 二级学院 …)")
class Unit:
    id: strawberry.ID
    name: str
    system: System
    leader: str | None
    parent_id: strawberry.ID | None

    @classmethod
    def of(cls, u: models.Unit) -> Unit:
        return cls(id=strawberry.ID(u.id), name=u.name, system=u.system, leader=u.leader,
                   parent_id=u.parent)

    @strawberry.field(description="五纵 system name in Chinese")
    def system_name(self) -> str:
        return enums.SYSTEM_ZH[self.system]


@strawberry.type(description="Period of a goal")
class Period:
    start: date
    end: date


@strawberry.type(description="Goal of the 目标链")
class Goal:
    id: strawberry.ID
    name: str
    level: Level
    aggregate: Aggregate
    period: Period | None
    model: strawberry.Private[models.Goal]
    at: strawberry.Private[date | None] = None  # the date the goal was read at (None: today)

    @classmethod
    def of(cls, g: models.Goal, at: date | None = None) -> Goal:
        period = Period(start=g.period.start, end=g.period.end) if g.period else None
        return cls(id=strawberry.ID(g.id), name=g.name, level=g.level, aggregate=g.aggregate,
                   period=period, model=g, at=at)

    @strawberry.field(description="Attainment at asOf (default: the date the goal was read at, else today)")
    def attainment(self, info: Info, as_of: AsOf = None) -> float | None:
        return ctx(info).snapshot(as_of or self.at).attainment(self.id)

    @strawberry.field(description="Σ weight of children with data / Σ weight of all children")
    def coverage(self, info: Info, as_of: AsOf = None) -> float:
        return ctx(info).snapshot(as_of or self.at).goal_value(self.id).coverage

    @strawberry.field
    def status(self, info: Info, as_of: AsOf = None) -> Status:
        return ctx(info).snapshot(as_of or self.at).goal_status(self.model)

    @strawberry.field(description="Goals this goal SUPPORTS (at most `first`, ≤ 500)")
    async def parents(self, info: Info, first: int = DEFAULT_LIST) -> list[Goal]:
        return _goals(await ctx(info).parents.load((self.id, self.at)), SUPPORTS, first, self.at)

    @strawberry.field(description="How many goals this goal SUPPORTS")
    async def parent_count(self, info: Info) -> int:
        return _count(await ctx(info).parents.load((self.id, self.at)), SUPPORTS)

    @strawberry.field(description="Goals that SUPPORT this goal (at most `first`, ≤ 500)")
    async def children(self, info: Info, first: int = DEFAULT_LIST) -> list[Goal]:
        return _goals(await ctx(info).children.load((self.id, self.at)), SUPPORTS, first, self.at)

    @strawberry.field(description="How many goals SUPPORT this goal")
    async def child_count(self, info: Info) -> int:
        return _count(await ctx(info).children.load((self.id, self.at)), SUPPORTS)

    @strawberry.field(description="Metrics this goal is MEASURED_BY (at most `first`, ≤ 500)")
    async def metrics(self, info: Info, first: int = DEFAULT_LIST) -> list[Metric]:
        linked = await ctx(info).children.load((self.id, self.at))
        return [Metric.of(n, self.at) for n in _nodes(linked, MEASURED_BY, first, models.Metric)]

    @strawberry.field(description="How many metrics this goal is MEASURED_BY")
    async def metric_count(self, info: Info) -> int:
        return _count(await ctx(info).children.load((self.id, self.at)), MEASURED_BY)

    @strawberry.field(description="Children outside the caller's scope (其他 N 项; null if none)")
    def others(self, info: Info, as_of: AsOf = None) -> FoldedGroup | None:
        return FoldedGroup.of(ctx(info).engine.folded_children(self.id, as_of or self.at))

    @strawberry.field(description="The quality subject (质量主体) whose goal it is")
    def subject_id(self) -> strawberry.ID | None:
        return strawberry.ID(self.model.subject) if self.model.subject else None

    @strawberry.field(description="Owning unit")
    async def unit(self, info: Info) -> Unit | None:
        return await _unit(info, self.model.owner)

    @strawberry.field(description="Attainment at each month end from `from` (default: 11 months before `to`) "
                                  "to `to` (default: today; the last point is at `to`); ≤ 36 months")
    def trend(self, info: Info, from_: From = None, to: To = None
              ) -> list[Annotated[TrendPoint, strawberry.lazy("zhengai.schema.reporting_types")]]:
        from zhengai.schema.reporting_types import TrendPoint

        return [TrendPoint.of(p) for p in trends.goal_trend(ctx(info).engine, self.id, from_, to)]


@strawberry.type(description="Measurable indicator (可测指标) with target (标尺) and floor (底线)")
class Metric:
    id: strawberry.ID
    name: str
    unit: str | None
    direction: str
    baseline: float | None
    target: float
    floor: float | None
    frequency: str
    source: str | None
    model: strawberry.Private[models.Metric]
    at: strawberry.Private[date | None] = None  # the date the metric was read at (None: today)

    @classmethod
    def of(cls, m: models.Metric, at: date | None = None) -> Metric:
        return cls(id=strawberry.ID(m.id), name=m.name, unit=m.unit, direction=m.direction.value,
                   baseline=m.baseline, target=m.target, floor=m.floor, frequency=m.frequency.value,
                   source=m.source, model=m, at=at)

    @strawberry.field(description="Latest observed value at or before asOf")
    def value(self, info: Info, as_of: AsOf = None) -> float | None:
        return ctx(info).snapshot(as_of or self.at).value(self.id)

    @strawberry.field
    def attainment(self, info: Info, as_of: AsOf = None) -> float | None:
        return ctx(info).snapshot(as_of or self.at).attainment(self.id)

    @strawberry.field(description="RED below the floor (底线) whatever the attainment")
    def status(self, info: Info, as_of: AsOf = None) -> Status:
        return ctx(info).snapshot(as_of or self.at).metric_status(self.model)

    @strawberry.field(description="Observations between `from` and `to` (inclusive), oldest first; at most "
                                  "500, the newest kept (`historyPage` pages through any number)")
    def history(self, info: Info, from_: From = None, to: To = None
                ) -> list[Annotated[Observation, strawberry.lazy("zhengai.schema.reporting_types")]]:
        from zhengai.schema.reporting_types import Observation

        return [Observation.of(p) for p in trends.metric_history(ctx(info).engine, self.id, from_, to)]

    @strawberry.field(description="Observations between `from` and `to` (inclusive), oldest first, `first` "
                                  "(≤ 500) after the cursor `after`, with their total count: following "
                                  "`pageInfo.endCursor` returns every observation once")
    def history_page(self, info: Info, from_: From = None, to: To = None, first: int = 100,
                     after: str | None = None
                     ) -> Annotated[ObservationConnection, strawberry.lazy("zhengai.schema.reporting_types")]:
        from zhengai.schema.reporting_types import ObservationConnection, history_after

        page = trends.metric_history_page(ctx(info).engine, self.id, from_, to, first, history_after(after))
        return ObservationConnection.of(page)

    @strawberry.field(description="Goals this metric measures (at most `first`, ≤ 500)")
    async def goals(self, info: Info, first: int = DEFAULT_LIST) -> list[Goal]:
        return _goals(await ctx(info).parents.load((self.id, self.at)), MEASURED_BY, first, self.at)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class GoalEdge:
    cursor: str
    node: Goal


@strawberry.type
class GoalConnection:
    edges: list[GoalEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="One cell of the 五纵五横 matrix")
class NetworkCell:
    system: System
    system_name: str
    level: Level
    level_name: str
    goal_count: int
    metric_count: int
    attainment: float | None
    status: Status
    green: int
    yellow: int
    red: int
    unknown: int

    @classmethod
    def of(cls, c: EngineCell) -> NetworkCell:
        n = c.status_counts
        return cls(system=c.system, system_name=enums.SYSTEM_ZH[c.system], level=c.level,
                   level_name=enums.LEVEL_ZH[c.level], goal_count=c.goal_count,
                   metric_count=c.metric_count, attainment=c.attainment, status=c.status,
                   green=n[enums.Status.GREEN], yellow=n[enums.Status.YELLOW],
                   red=n[enums.Status.RED], unknown=n[enums.Status.UNKNOWN])


@strawberry.type(description="The 五纵五横 quality network: 5 systems × 5 levels")
class QualityNetwork:
    as_of: date
    cells: list[NetworkCell]


@strawberry.type
class GraphNode:
    id: strawberry.ID
    label: str
    kind: str
    level: Level | None
    rank: int | None = strawberry.field(description="Level as a layout rank hint: 0 = 学校 … 4 = 学生")
    status: Status
    attainment: float | None
    folded: FoldedGroup | None = strawberry.field(description="For a Folded node (其他 N 项): the hidden "
                                                              "nodes it stands for")


@strawberry.type(description="A relationship as stored, (source)-[kind]->(target): SUPPORTS runs from the "
                             "supporting (child) goal to its parent; MEASURED_BY from a goal to its metric; "
                             "the other kinds point up, towards units, plans, standards and subjects")
class GraphEdge:
    source: strawberry.ID
    target: strawberry.ID
    kind: str
    weight: float | None


@strawberry.type(description="Nodes and edges for a front-end; `omitted` counts nodes left out by the cap")
class GraphView:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    omitted: int

    @classmethod
    def of(cls, v: EngineGraphView) -> GraphView:
        nodes = [GraphNode(id=strawberry.ID(n.node.id), label=n.node.name, kind=n.kind, level=n.level,
                           rank=enums.LEVEL_RANK[n.level] if n.level else None, status=n.status,
                           attainment=n.attainment,
                           folded=FoldedGroup.of(n.node.folded) if isinstance(n.node, FoldedNode) else None)
                 for n in v.nodes]
        edges = [GraphEdge(source=strawberry.ID(e.source), target=strawberry.ID(e.target), kind=e.kind,
                           weight=e.weight) for e in v.edges]
        return cls(nodes=nodes, edges=edges, omitted=v.omitted)


@strawberry.type(description="其他 N 项: nodes outside the caller's scope folded into one anonymous "
                             "aggregate, so the numbers stay exact")
class FoldedGroup:
    label: str
    count: int
    weight: float | None = strawberry.field(description="Σ weight of the folded children (of a goal)")
    coverage: float | None = strawberry.field(description="Share of that weight with known attainment")
    attainment: float | None = strawberry.field(description="The folded children aggregated as the goal "
                                                            "aggregates them")
    contribution: float | None = strawberry.field(description="Σ gap contribution (explainGap)")
    sensitivity: float | None = strawberry.field(description="Σ sensitivity")

    @classmethod
    def of(cls, f: impact.Folded | None) -> FoldedGroup | None:
        if f is None:
            return None
        return cls(label=f.label, count=f.count, weight=f.weight, coverage=f.coverage,
                   attainment=f.attainment, contribution=f.contribution, sensitivity=f.sensitivity)


@strawberry.type
class ImpactPath:
    node_ids: list[strawberry.ID]
    weight: float


@strawberry.type
class TargetImpact:
    goal: Goal
    sensitivity: float
    path_count: int
    paths: list[ImpactPath]


@strawberry.type(description="How a metric's attainment propagates up to the goals of a level")
class ImpactTrace:
    metric: Metric
    attainment: float | None
    targets: list[TargetImpact]
    path_count: int
    others: FoldedGroup | None = strawberry.field(description="Targets outside the caller's scope")

    @classmethod
    def of(cls, t: impact.ImpactTrace) -> ImpactTrace:
        return cls(metric=Metric.of(t.metric), attainment=t.attainment, path_count=t.path_count,
                   others=FoldedGroup.of(t.others),
                   targets=[TargetImpact(goal=Goal.of(x.goal), sensitivity=x.sensitivity,
                                         path_count=x.path_count,
                                         paths=[ImpactPath(node_ids=[strawberry.ID(i) for i in p.node_ids],
                                                           weight=p.weight) for p in x.paths])
                            for x in t.targets])


@strawberry.type
class GapContributor:
    metric: Metric
    sensitivity: float
    contribution: float
    attainment: float | None


@strawberry.type(description="Why a goal is behind: contribution s(g,m)·(1−a_m) of each metric")
class GapExplanation:
    goal: Goal
    attainment: float | None
    gap: float | None
    contributors: list[GapContributor]
    contributor_count: int
    unknown_metrics: list[Metric] = strawberry.field(description="Metrics below the goal with no data")
    others: FoldedGroup | None = strawberry.field(description="Contributors outside the caller's scope: "
                                                              "with the listed ones they sum to the gap")

    @classmethod
    def of(cls, g: impact.GapExplanation) -> GapExplanation:
        return cls(goal=Goal.of(g.goal), attainment=g.attainment, gap=g.gap, others=FoldedGroup.of(g.others),
                   contributors=[GapContributor(metric=Metric.of(c.metric), sensitivity=c.sensitivity,
                                                contribution=c.contribution, attainment=c.attainment)
                                 for c in g.contributors],
                   contributor_count=g.contributor_count,
                   unknown_metrics=[Metric.of(m) for m in g.unknown_metrics])


@strawberry.input
class MetricValueInput:
    metric_id: strawberry.ID
    value: float


@strawberry.type
class GoalChange:
    goal: Goal
    before: float | None
    after: float | None
    before_status: Status
    after_status: Status


@strawberry.type
class MetricChange:
    metric: Metric
    value_before: float | None
    value_after: float
    before: float | None
    after: float | None
    before_status: Status
    after_status: Status


@strawberry.type(description="What-if: exact recomputation of every affected goal; nothing is stored")
class Simulation:
    changes: list[GoalChange]
    metrics: list[MetricChange]
    others: FoldedGroup | None = strawberry.field(description="Changed goals outside the caller's scope")

    @classmethod
    def of(cls, s: impact.Simulation) -> Simulation:
        return cls(
            others=FoldedGroup.of(s.others),
            changes=[GoalChange(goal=Goal.of(c.goal), before=c.before, after=c.after,
                                before_status=c.before_status, after_status=c.after_status)
                     for c in s.changes],
            metrics=[MetricChange(metric=Metric.of(m.metric), value_before=m.value_before,
                                  value_after=m.value_after, before=m.before, after=m.after,
                                  before_status=m.before_status, after_status=m.after_status)
                     for m in s.metrics])


@strawberry.type(description="监测预警: a warning due at the requested date")
class Warning:
    id: strawberry.ID
    type: WarningType
    severity: Severity
    node_id: strawberry.ID
    node_name: str
    kind: str = strawberry.field(description="Goal, Metric or Task")
    level: Level | None
    unit_id: strawberry.ID | None = strawberry.field(description="The owning unit")
    leader: str | None = strawberry.field(description="The responsible leader, where known")
    message: str

    @classmethod
    def of(cls, w: monitoring.Warning) -> Warning:
        unit_id = strawberry.ID(w.unit_id) if w.unit_id else None
        return cls(id=strawberry.ID(w.id), type=w.type, severity=w.severity, node_id=strawberry.ID(w.node_id),
                   node_name=w.node_name, kind=w.kind, level=w.level, unit_id=unit_id, leader=w.leader,
                   message=w.message)


@strawberry.input(description="A dated value of a metric")
class ObservationInput:
    metric_id: strawberry.ID
    at: date
    value: float
    source: str | None = None


@strawberry.type(description="What recordObservations did")
class RecordResult:
    received: int
    changed: int = strawberry.field(description="Rows that added or replaced a value")
    unchanged: int = strawberry.field(description="Rows that held the same value already (no-ops)")
    warnings_raised: list[Warning] = strawberry.field(description="Warnings due today that the call raised")

    @classmethod
    def of(cls, r: RecordResult_, visible: Callable[[str], bool] = lambda _: True) -> RecordResult:
        """The result as the caller sees it: warnings on nodes outside its scope are left out."""
        return cls(received=r.received, changed=r.changed, unchanged=r.unchanged,
                   warnings_raised=[Warning.of(w) for w in r.raised if visible(w.node_id)])


_BIG_LOOP = "8字螺旋 big loop: 目标 标准 设计 组织 实施 诊断 激励 学习 创新 改进"
SpiralStage = strawberry.enum(spiral_domain.Stage, description=_BIG_LOOP)


@strawberry.type(description="A stage of the big loop")
class SpiralStageView:
    stage: SpiralStage
    name: str
    current: bool
    done: bool = strawberry.field(description="Passed in the current round")


@strawberry.type(description="改进措施: an improvement answering warnings")
class ImprovementMeasure:
    id: strawberry.ID
    measure: str
    owner_unit_id: strawberry.ID | None
    due: date | None
    answers: list[strawberry.ID] = strawberry.field(description="Ids of the warnings it answers")
    done: bool
    recorded: str

    @classmethod
    def of(cls, m: spiral_engine.ImprovementMeasure) -> ImprovementMeasure:
        return cls(id=strawberry.ID(m.id), measure=m.measure,
                   owner_unit_id=strawberry.ID(m.owner) if m.owner else None, due=m.due,
                   answers=[strawberry.ID(a) for a in m.answers], done=m.done, recorded=m.recorded)


@strawberry.type(description="8字质量改进螺旋 of a quality subject: its cycle, stage and small loop")
class Spiral:
    subject_id: strawberry.ID
    subject_name: str
    level: Level
    cycle_name: str
    cycle_start: date
    cycle_end: date
    monitoring_frequency: str
    stage: SpiralStage
    stage_name: str
    rounds: int = strawberry.field(description="Completed big loops")
    stages: list[SpiralStageView]
    small_loop: list[str] = strawberry.field(description="实施 → 监测 → 预警 → 改进")
    latest_monitoring: date | None = strawberry.field(description="Latest observation of its metrics")
    open_warnings: list[Warning]
    unanswered_warnings: int = strawberry.field(description="Open warnings no improvement answers yet")
    improvements: list[ImprovementMeasure]

    @classmethod
    def of(cls, v: spiral_engine.SpiralView) -> Spiral:
        order = list(spiral_domain.Stage)
        here = order.index(v.stage)
        return cls(subject_id=strawberry.ID(v.subject.id), subject_name=v.subject.name, level=v.subject.level,
                   cycle_name=v.rule.name, cycle_start=v.start, cycle_end=v.end,
                   monitoring_frequency=v.frequency.value, stage=v.stage,
                   stage_name=spiral_domain.STAGE_ZH[v.stage], rounds=v.rounds,
                   stages=[SpiralStageView(stage=s, name=spiral_domain.STAGE_ZH[s], current=s == v.stage,
                                           done=i < here) for i, s in enumerate(order)],
                   small_loop=list(spiral_domain.SMALL_LOOP_ZH), latest_monitoring=v.latest_monitoring,
                   open_warnings=[Warning.of(w) for w in v.open_warnings],
                   unanswered_warnings=sum(1 for w in v.open_warnings if w.id not in v.answered),
                   improvements=[ImprovementMeasure.of(m) for m in v.improvements])

"""The core graph: units, goals and metrics (with their trends and history), the 五纵五横 matrix, and
graph views with 其他 N 项 folds."""

from __future__ import annotations

import base64
from datetime import date, datetime

import strawberry
from strawberry.types import Info

from zhengai import texts
from zhengai.domain import enums, models
from zhengai.domain.relations import MEASURED_BY, SUPPORTS
from zhengai.engine import InvalidArgumentError, filling, impact, trends
from zhengai.engine.engine import FoldedNode
from zhengai.engine.engine import GraphView as EngineGraphView
from zhengai.engine.engine import NetworkCell as EngineCell
from zhengai.resolvers.context import MAX_LIST, Linked, ctx
from zhengai.schema.types.common import DEFAULT_LIST, Aggregate, AsOf, From, Level, Status, System, To
from zhengai.schema.types.filling import Provenance


def _nodes(linked: Linked, kind: str, first: int, model: type) -> list:
    if not 0 <= first <= MAX_LIST:
        raise InvalidArgumentError(f"first must be between 0 and {MAX_LIST}")
    return [n for e, n in linked if e.kind == kind and isinstance(n, model)][:first]


def _goals(linked: Linked, kind: str, first: int, at: date | None) -> list[Goal]:
    return [Goal.from_model(n, at) for n in _nodes(linked, kind, first, models.Goal)]


def _count(linked: Linked, kind: str) -> int:
    return sum(1 for e, _ in linked if e.kind == kind)


async def _unit(info: Info, unit_id: str | None) -> Unit | None:
    node = await ctx(info).nodes.load((unit_id, None)) if unit_id else None
    return Unit.from_model(node) if isinstance(node, models.Unit) else None


@strawberry.type(description="Organisational unit (党办, 质管办, 教务处, 二级学院 …)")
class Unit:
    id: strawberry.ID
    name: str
    system: System
    leader: str | None
    parent_id: strawberry.ID | None

    @classmethod
    def from_model(cls, u: models.Unit) -> Unit:
        return cls(id=strawberry.ID(u.id), name=u.name, system=u.system, leader=u.leader,
                   parent_id=u.parent)

    @classmethod
    def maybe(cls, u: models.Unit | None) -> Unit | None:
        """The unit, or None."""
        return cls.from_model(u) if u else None

    @strawberry.field(description="五纵 system name in Chinese")
    def system_name(self) -> str:
        return texts.label("system", self.system)


@strawberry.type(description="Period of a goal")
class Period:
    start: date
    end: date


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="A dated value of a metric, with its provenance (数据来源: who entered or "
                             "approved it, from which source, when)")
class Observation:
    at: date
    value: float
    provenance: Provenance = strawberry.field(  # type: ignore[valid-type]
        default=Provenance.INGESTED, description="填报, 导入, 系统采集 (recorded directly) or 计算")
    source: str | None = None
    entered_by: str | None = None
    entered_at: datetime | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None

    @classmethod
    def from_model(cls, p: trends.HistoryPoint, s: filling.Submission | None = None) -> Observation:
        if s is None:
            return cls(at=p.at, value=p.value)
        return cls(at=p.at, value=p.value, provenance=s.provenance, source=s.source,
                   entered_by=s.by_name or s.by, entered_at=s.submitted_at,
                   reviewed_by=s.reviewer_name or s.reviewer, reviewed_at=s.reviewed_at)


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
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_model(cls, page: trends.HistoryPage) -> ObservationConnection:
        edges = [ObservationEdge(cursor=history_cursor(p.at), node=Observation.from_model(p))
                 for p in page.points]
        info = PageInfo(has_next_page=page.has_next, has_previous_page=page.has_previous,
                        start_cursor=edges[0].cursor if edges else None,
                        end_cursor=edges[-1].cursor if edges else None)
        return cls(edges=edges, page_info=info, total_count=page.total)


@strawberry.type(description="A goal's attainment at a month end (the last point: at the range's end)")
class TrendPoint:
    at: date
    attainment: float | None
    status: Status

    @classmethod
    def from_model(cls, p: trends.TrendPoint) -> TrendPoint:
        return cls(at=p.at, attainment=p.attainment, status=p.status)


@strawberry.type(description="分年度目标: the target in force in one calendar year")
class YearTarget:
    year: int
    target: float


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
    def from_model(cls, g: models.Goal, at: date | None = None) -> Goal:
        period = Period(start=g.period.start, end=g.period.end) if g.period else None
        return cls(id=strawberry.ID(g.id), name=g.name, level=g.level, aggregate=g.aggregate,
                   period=period, model=g, at=at)

    @strawberry.field(description="Attainment at asOf (default: the date the goal was read at, else today)")
    def attainment(self, info: Info, as_of: AsOf = None) -> float | None:
        return ctx(info).snapshot(as_of or self.at).attainment(self.id)

    @strawberry.field(description="The 五纵 systems the goal counts in: those it names, else its owning "
                                  "unit's (else its subject's unit's)")
    def systems(self, info: Info) -> list[System]:
        return list(ctx(info).engine.goal_systems(self.at).get(self.id, ()))

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
        return [Metric.from_model(n, self.at) for n in _nodes(linked, MEASURED_BY, first, models.Metric)]

    @strawberry.field(description="How many metrics this goal is MEASURED_BY")
    async def metric_count(self, info: Info) -> int:
        return _count(await ctx(info).children.load((self.id, self.at)), MEASURED_BY)

    @strawberry.field(description="Children outside the caller's scope (其他 N 项; null if none)")
    def others(self, info: Info, as_of: AsOf = None) -> FoldedGroup | None:
        return FoldedGroup.from_model(ctx(info).engine.folded_children(self.id, as_of or self.at))

    @strawberry.field(description="The quality subject (质量主体) whose goal it is")
    def subject_id(self) -> strawberry.ID | None:
        return strawberry.ID(self.model.subject) if self.model.subject else None

    @strawberry.field(description="Owning unit")
    async def unit(self, info: Info) -> Unit | None:
        return await _unit(info, self.model.owner)

    @strawberry.field(description="Attainment at each month end from `from` (default: 11 months before `to`) "
                                  "to `to` (default: today; the last point is at `to`); ≤ 36 months")
    def trend(self, info: Info, from_: From = None, to: To = None) -> list[TrendPoint]:
        return [TrendPoint.from_model(p) for p in trends.goal_trend(ctx(info).engine, self.id, from_, to)]


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
    def from_model(cls, m: models.Metric, at: date | None = None) -> Metric:
        return cls(id=strawberry.ID(m.id), name=m.name, unit=m.unit, direction=m.direction.value,
                   baseline=m.baseline, target=m.target, floor=m.floor, frequency=m.frequency.value,
                   source=m.source, model=m, at=at)

    @strawberry.field(description="分年度目标 (empty: `target` holds every year)")
    def targets(self) -> list[YearTarget]:
        return [YearTarget(year=t.year, target=t.target) for t in self.model.targets]

    @strawberry.field(description="The target a value is judged against at asOf: that year's "
                                  "分年度目标, else `target` (docs/semantics.md)")
    def target_in_force(self, info: Info, as_of: AsOf = None) -> float:
        return self.model.target_in(ctx(info).engine.day(as_of or self.at).year)

    @strawberry.field(description="年度累计: the value is a running total restarting each January, "
                                  "judged pro rata within the year")
    def cumulative(self) -> bool:
        return self.model.cumulative

    @strawberry.field(description="The 五纵 systems the metric names (empty: its goals')")
    def systems(self) -> list[System]:
        return list(self.model.systems)

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
    def history(self, info: Info, from_: From = None, to: To = None) -> list[Observation]:
        engine = ctx(info).engine
        points = trends.metric_history(engine, self.id, from_, to)
        behind = filling.value_provenance(engine, self.id)
        return [Observation.from_model(p, behind.get(p.at)) for p in points]

    @strawberry.field(description="Observations between `from` and `to` (inclusive), oldest first, `first` "
                                  "(≤ 500) after the cursor `after`, with their total count: following "
                                  "`pageInfo.endCursor` returns every observation once")
    def history_page(self, info: Info, from_: From = None, to: To = None, first: int = 100,
                     after: str | None = None) -> ObservationConnection:
        page = trends.metric_history_page(ctx(info).engine, self.id, from_, to, first, history_after(after))
        return ObservationConnection.from_model(page)

    @strawberry.field(description="Goals this metric measures (at most `first`, ≤ 500)")
    async def goals(self, info: Info, first: int = DEFAULT_LIST) -> list[Goal]:
        return _goals(await ctx(info).parents.load((self.id, self.at)), MEASURED_BY, first, self.at)


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
    def from_model(cls, c: EngineCell) -> NetworkCell:
        n = c.status_counts
        return cls(system=c.system, system_name=texts.label("system", c.system), level=c.level,
                   level_name=texts.label("level", c.level), goal_count=c.goal_count,
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
    def from_model(cls, v: EngineGraphView) -> GraphView:
        nodes = [GraphNode(id=strawberry.ID(n.node.id), label=n.node.name, kind=n.kind, level=n.level,
                           rank=enums.LEVEL_RANK[n.level] if n.level else None, status=n.status,
                           attainment=n.attainment,
                           folded=(FoldedGroup.from_model(n.node.folded) if isinstance(n.node, FoldedNode)
                                   else None))
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
    def from_model(cls, f: impact.Folded | None) -> FoldedGroup | None:
        if f is None:
            return None
        return cls(label=f.label, count=f.count, weight=f.weight, coverage=f.coverage,
                   attainment=f.attainment, contribution=f.contribution, sensitivity=f.sensitivity)

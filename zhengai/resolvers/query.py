"""Root query resolvers: thin calls into the engine, wrapped in the schema's types."""

from __future__ import annotations

import base64
from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from zhengai.domain import enums
from zhengai.domain.models import Goal as GoalModel
from zhengai.engine import InvalidArgumentError
from zhengai.engine.spiral import spiral_view
from zhengai.resolvers.assessment import AssessmentQuery
from zhengai.resolvers.attachments import AttachmentQuery
from zhengai.resolvers.audit import AuditQuery
from zhengai.resolvers.context import ctx
from zhengai.resolvers.dashboards import DashboardQuery
from zhengai.resolvers.fidelity import FidelityQuery
from zhengai.resolvers.filling import FillingQuery
from zhengai.resolvers.notify import NotifyQuery
from zhengai.resolvers.reporting import ReportingQuery, ReportWorkflowQuery
from zhengai.schema.types.analysis import GapExplanation, ImpactTrace, MetricValueInput, Simulation
from zhengai.schema.types.common import AsOf, Direction, Level, Status, System
from zhengai.schema.types.graph import (
    Goal,
    GoalConnection,
    GoalEdge,
    GraphView,
    Metric,
    NetworkCell,
    PageInfo,
    QualityNetwork,
)
from zhengai.schema.types.monitoring import Severity, Warning
from zhengai.schema.types.spiral import Spiral, SpiralKind
from zhengai.schema.types.viewer import Viewer

MAX_PAGE = 100
DEFAULT_PAGE = 20

Arg = strawberry.argument


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"goal:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        kind, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "goal":
            return int(number) + 1
    except (ValueError, UnicodeDecodeError):
        pass
    raise InvalidArgumentError(f"invalid cursor {cursor!r}")


@strawberry.type
class Query(ReportingQuery, ReportWorkflowQuery, AuditQuery, FidelityQuery, DashboardQuery, FillingQuery,
            NotifyQuery, AttachmentQuery, AssessmentQuery):
    @strawberry.field(description="Who is calling: roles, unit, subject and the subjects they answer for")
    def viewer(self, info: Info) -> Viewer:
        c = ctx(info)
        if c.principal is None:
            raise InvalidArgumentError("not authenticated")
        return Viewer.from_model(c.principal, c.engine)

    @strawberry.field(description="A goal by id, as it stood on asOf (default today)")
    def goal(self, info: Info, id: strawberry.ID, as_of: AsOf = None) -> Goal | None:
        return Goal.from_model(ctx(info).engine.goal(id, as_of), as_of)

    @strawberry.field(description="A metric by id, as it stood on asOf (default today)")
    def metric(self, info: Info, id: strawberry.ID, as_of: AsOf = None) -> Metric | None:
        return Metric.from_model(ctx(info).engine.metric(id, as_of), as_of)

    @strawberry.field(description="The data version: bumped by every accepted write (applyChanges' "
                                  "expectedVersion)")
    def data_version(self, info: Info) -> int:
        return ctx(info).engine.data_version

    @strawberry.field(description="Goals, filtered and paginated (Relay style; first ≤ 100)")
    async def goals(self, info: Info, level: Level | None = None,
                    unit_id: strawberry.ID | None = None, status: Status | None = None,
                    as_of: AsOf = None, first: int = DEFAULT_PAGE,
                    after: str | None = None, system: System | None = None,
                    subject_id: strawberry.ID | None = None) -> GoalConnection:
        if not 0 <= first <= MAX_PAGE:
            raise InvalidArgumentError(f"first must be between 0 and {MAX_PAGE}")
        c = ctx(info)
        ids = c.engine.goal_ids(level, unit_id, status, as_of, system, subject_id)
        start = _offset(after)
        page = ids[start:start + first]
        nodes = await c.nodes.load_many([(i, as_of) for i in page])
        edges = [GoalEdge(cursor=_cursor(start + i), node=Goal.from_model(n, as_of))
                 for i, n in enumerate(nodes) if isinstance(n, GoalModel)]
        info_ = PageInfo(has_next_page=start + first < len(ids), has_previous_page=start > 0,
                           start_cursor=edges[0].cursor if edges else None,
                           end_cursor=edges[-1].cursor if edges else None)
        return GoalConnection(edges=edges, page_info=info_, total_count=len(ids))

    @strawberry.field(description="The 五纵五横 matrix with counts and status per cell")
    def quality_network(self, info: Info, as_of: AsOf = None) -> QualityNetwork:
        engine = ctx(info).engine
        cells = engine.quality_network(as_of)
        return QualityNetwork(as_of=as_of or date.today(), cells=[NetworkCell.from_model(c) for c in cells])

    @strawberry.field(description="A goal's chain: the goals and metrics above (UP) or below (DOWN) it")
    def goal_chain(self, info: Info, goal_id: strawberry.ID,
                   direction: Direction = enums.Direction.UP, depth: int | None = None,
                   as_of: AsOf = None,
                   limit: Annotated[int, Arg(description="node cap (≤ 500)")] = 200) -> GraphView:
        engine = ctx(info).engine
        engine.goal(goal_id, as_of)
        view = engine.graph_view(goal_id, direction, 10 if depth is None else depth, as_of, flow_only=True,
                                 limit=limit)
        return GraphView.from_model(view)

    @strawberry.field(description="Impact of a metric on the goals of a level, with exact sensitivities")
    def trace_impact(self, info: Info, metric_id: strawberry.ID, as_of: AsOf = None,
                     to_level: Level = enums.Level.SCHOOL, max_paths: int = 20) -> ImpactTrace:
        max_paths = min(max_paths, 200)
        return ImpactTrace.from_model(ctx(info).engine.trace_impact(metric_id, as_of, to_level, max_paths))

    @strawberry.field(description="Why a goal is behind: metric contributions, largest first")
    def explain_gap(self, info: Info, goal_id: strawberry.ID, as_of: AsOf = None,
                    top: int = 10) -> GapExplanation:
        return GapExplanation.from_model(ctx(info).engine.explain_gap(goal_id, as_of, min(top, 200)))

    @strawberry.field(description="What if these metrics had these values? Nothing is stored")
    def simulate(self, info: Info, changes: list[MetricValueInput],
                 as_of: AsOf = None) -> Simulation:
        if len(changes) > 500:
            raise InvalidArgumentError("at most 500 changes per simulation")
        pairs = [(c.metric_id, c.value) for c in changes]
        return Simulation.from_model(ctx(info).engine.simulate(pairs, as_of))

    @strawberry.field(description="监测预警: warnings due at asOf, most severe first (≤ `first`, ≤ 1000)")
    def warnings(self, info: Info, as_of: AsOf = None, level: Level | None = None,
                 unit_id: strawberry.ID | None = None, min_severity: Severity | None = None,
                 first: int = 200) -> list[Warning]:
        if not 0 <= first <= 1000:
            raise InvalidArgumentError("first must be between 0 and 1000")
        found = ctx(info).engine.warnings(as_of, level, unit_id, min_severity)
        return [Warning.from_model(w) for w in found[:first]]

    @strawberry.field(description="8字质量改进螺旋 of a subject: cycle, stage, small loop, improvements "
                                  "(`kind`: which of its spirals, default its main one)")
    def spiral(self, info: Info, subject_id: strawberry.ID, as_of: AsOf = None,
               kind: SpiralKind | None = None) -> Spiral:
        return Spiral.from_model(spiral_view(ctx(info).engine, subject_id, as_of, kind))

    @strawberry.field(description="Any node's neighbourhood over every relationship, for visualisation")
    def graph(self, info: Info, root_id: strawberry.ID,
              direction: Direction = enums.Direction.BOTH, depth: int = 2,
              as_of: AsOf = None,
              limit: Annotated[int, Arg(description="node cap (≤ 500)")] = 200) -> GraphView:
        view = ctx(info).engine.graph_view(root_id, direction, depth, as_of, flow_only=False, limit=limit)
        return GraphView.from_model(view)

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
from zhengai.resolvers.audit import AuditQuery
from zhengai.resolvers.context import ctx
from zhengai.resolvers.reporting import ReportingQuery
from zhengai.schema import types as t
from zhengai.schema.security_types import Viewer

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
class Query(ReportingQuery, AuditQuery):
    @strawberry.field(description="Who is calling: roles, unit, subject and the subjects they answer for")
    def viewer(self, info: Info) -> Viewer:
        c = ctx(info)
        if c.principal is None:
            raise InvalidArgumentError("not authenticated")
        return Viewer.of(c.principal, c.engine)

    @strawberry.field(description="A goal by id, as it stood on asOf (default today)")
    def goal(self, info: Info, id: strawberry.ID, as_of: t.AsOf = None) -> t.Goal | None:
        return t.Goal.of(ctx(info).engine.goal(id, as_of), as_of)

    @strawberry.field(description="A metric by id, as it stood on asOf (default today)")
    def metric(self, info: Info, id: strawberry.ID, as_of: t.AsOf = None) -> t.Metric | None:
        return t.Metric.of(ctx(info).engine.metric(id, as_of), as_of)

    @strawberry.field(description="The data version: bumped by every accepted write (applyChanges' "
                                  "expectedVersion)")
    def data_version(self, info: Info) -> int:
        return ctx(info).engine.data_version

    @strawberry.field(description="Goals, filtered and paginated (Relay style; first ≤ 100)")
    async def goals(self, info: Info, level: t.Level | None = None,
                    unit_id: strawberry.ID | None = None, status: t.Status | None = None,
                    as_of: t.AsOf = None, first: int = DEFAULT_PAGE,
                    after: str | None = None, system: t.System | None = None,
                    subject_id: strawberry.ID | None = None) -> t.GoalConnection:
        if not 0 <= first <= MAX_PAGE:
            raise InvalidArgumentError(f"first must be between 0 and {MAX_PAGE}")
        c = ctx(info)
        ids = c.engine.goal_ids(level, unit_id, status, as_of, system, subject_id)
        start = _offset(after)
        page = ids[start:start + first]
        nodes = await c.nodes.load_many([(i, as_of) for i in page])
        edges = [t.GoalEdge(cursor=_cursor(start + i), node=t.Goal.of(n, as_of))
                 for i, n in enumerate(nodes) if isinstance(n, GoalModel)]
        info_ = t.PageInfo(has_next_page=start + first < len(ids), has_previous_page=start > 0,
                           start_cursor=edges[0].cursor if edges else None,
                           end_cursor=edges[-1].cursor if edges else None)
        return t.GoalConnection(edges=edges, page_info=info_, total_count=len(ids))

    @strawberry.field(description="The 五纵五横 matrix with counts and status per cell")
    def quality_network(self, info: Info, as_of: t.AsOf = None) -> t.QualityNetwork:
        engine = ctx(info).engine
        cells = engine.quality_network(as_of)
        return t.QualityNetwork(as_of=as_of or date.today(), cells=[t.NetworkCell.of(c) for c in cells])

    @strawberry.field(description="A goal's chain: the goals and metrics above (UP) or below (DOWN) it")
    def goal_chain(self, info: Info, goal_id: strawberry.ID,
                   direction: t.Direction = enums.Direction.UP, depth: int | None = None,
                   as_of: t.AsOf = None,
                   limit: Annotated[int, Arg(description="node cap (≤ 500)")] = 200) -> t.GraphView:
        engine = ctx(info).engine
        engine.goal(goal_id, as_of)
        view = engine.graph_view(goal_id, direction, 10 if depth is None else depth, as_of, flow_only=True,
                                 limit=limit)
        return t.GraphView.of(view)

    @strawberry.field(description="Impact of a metric on the goals of a level, with exact sensitivities")
    def trace_impact(self, info: Info, metric_id: strawberry.ID, as_of: t.AsOf = None,
                     to_level: t.Level = enums.Level.SCHOOL, max_paths: int = 20) -> t.ImpactTrace:
        max_paths = min(max_paths, 200)
        return t.ImpactTrace.of(ctx(info).engine.trace_impact(metric_id, as_of, to_level, max_paths))

    @strawberry.field(description="Why a goal is behind: metric contributions, largest first")
    def explain_gap(self, info: Info, goal_id: strawberry.ID, as_of: t.AsOf = None,
                    top: int = 10) -> t.GapExplanation:
        return t.GapExplanation.of(ctx(info).engine.explain_gap(goal_id, as_of, min(top, 200)))

    @strawberry.field(description="What if these metrics had these values? Nothing is stored")
    def simulate(self, info: Info, changes: list[t.MetricValueInput],
                 as_of: t.AsOf = None) -> t.Simulation:
        if len(changes) > 500:
            raise InvalidArgumentError("at most 500 changes per simulation")
        pairs = [(c.metric_id, c.value) for c in changes]
        return t.Simulation.of(ctx(info).engine.simulate(pairs, as_of))

    @strawberry.field(description="监测预警: warnings due at asOf, most severe first (≤ `first`, ≤ 1000)")
    def warnings(self, info: Info, as_of: t.AsOf = None, level: t.Level | None = None,
                 unit_id: strawberry.ID | None = None, min_severity: t.Severity | None = None,
                 first: int = 200) -> list[t.Warning]:
        if not 0 <= first <= 1000:
            raise InvalidArgumentError("first must be between 0 and 1000")
        found = ctx(info).engine.warnings(as_of, level, unit_id, min_severity)
        return [t.Warning.of(w) for w in found[:first]]

    @strawberry.field(description="8字质量改进螺旋 of a subject: cycle, stage, small loop, improvements")
    def spiral(self, info: Info, subject_id: strawberry.ID, as_of: t.AsOf = None) -> t.Spiral:
        return t.Spiral.of(spiral_view(ctx(info).engine, subject_id, as_of))

    @strawberry.field(description="Any node's neighbourhood over every relationship, for visualisation")
    def graph(self, info: Info, root_id: strawberry.ID,
              direction: t.Direction = enums.Direction.BOTH, depth: int = 2,
              as_of: t.AsOf = None,
              limit: Annotated[int, Arg(description="node cap (≤ 500)")] = 200) -> t.GraphView:
        view = ctx(info).engine.graph_view(root_id, direction, depth, as_of, flow_only=False, limit=limit)
        return t.GraphView.of(view)

"""Root mutation and subscription resolvers: recording observations, live warnings (监测预警)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date

import strawberry
from strawberry.types import Info

from zhengai.domain.models import ObservedValue
from zhengai.engine import InvalidArgumentError
from zhengai.engine.monitoring import select
from zhengai.engine.spiral import SpiralService
from zhengai.resolvers.context import ctx
from zhengai.schema import types as t


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Record observations, all or nothing per call; the same (metric, at, "
                                     "value) again is a no-op, a new value for a date replaces it")
    def record_observations(self, info: Info, observations: list[t.ObservationInput]) -> t.RecordResult:
        ingestor = ctx(info).ingestor
        if ingestor is None:
            raise InvalidArgumentError("this service does not accept observations")
        rows = [ObservedValue(o.metric_id, o.at, o.value, o.source) for o in observations]
        result = ingestor.record(rows, actor=ctx(info).principal)
        return t.RecordResult.of(result, visible=ctx(info).engine.visible)  # a scoped caller: its scope only


    @strawberry.mutation(description="8字螺旋: move a subject to the next big-loop stage (or to `to`)")
    def advance_stage(self, info: Info, subject_id: strawberry.ID,
                      to: t.SpiralStage | None = None) -> t.Spiral:
        c = ctx(info)
        return t.Spiral.of(_spiral(info).advance(subject_id, to, actor=c.principal, engine=c.engine))

    @strawberry.mutation(description="改进措施: record (or, by id, update) an improvement answering warnings")
    def record_improvement(self, info: Info, subject_id: strawberry.ID, measure: str,
                           owner_unit_id: strawberry.ID | None = None, due: date | None = None,
                           answers: list[strawberry.ID] | None = None, done: bool = False,
                           id: strawberry.ID | None = None) -> t.ImprovementMeasure:
        c = ctx(info)
        made = _spiral(info).improve(subject_id, measure, owner_unit_id, due, list(answers or []), done, id,
                                     actor=c.principal, engine=c.engine)
        return t.ImprovementMeasure.of(made)


def _spiral(info: Info) -> SpiralService:
    service = ctx(info).spiral
    if service is None:
        raise InvalidArgumentError("this service keeps no 8字螺旋 state")
    return service


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Warnings raised by ingests, pushed as they happen")
    async def warning_raised(self, info: Info, level: t.Level | None = None,
                             unit_id: strawberry.ID | None = None,
                             min_severity: t.Severity | None = None) -> AsyncGenerator[t.Warning, None]:
        c = ctx(info)
        if c.hub is None:
            raise InvalidArgumentError("this service pushes no warnings")
        scope = c.engine.unit_scope(unit_id) if unit_id is not None else None
        async with c.hub.subscribe() as queue:
            while True:
                warning = await queue.get()
                if c.engine.visible(warning.node_id) and select([warning], level, scope, min_severity):
                    yield t.Warning.of(warning)

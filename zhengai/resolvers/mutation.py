"""Root mutation and subscription resolvers: recording observations, live warnings (监测预警)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from zhengai.domain.models import ObservedValue
from zhengai.engine import InvalidArgumentError
from zhengai.engine.monitoring import select
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
        return t.RecordResult.of(ingestor.record(rows))


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
                if select([warning], level, scope, min_severity):
                    yield t.Warning.of(warning)

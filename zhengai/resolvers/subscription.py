"""Root subscription resolvers: warnings pushed as writes raise them (预警推送)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from zhengai.engine import InvalidArgumentError
from zhengai.engine.monitoring import select
from zhengai.resolvers.context import ctx
from zhengai.schema.types.common import Level
from zhengai.schema.types.monitoring import Severity, Warning


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Warnings raised by writes (ingests, edits, other replicas'), "
                                         "pushed as they happen")
    async def warning_raised(self, info: Info, level: Level | None = None,
                             unit_id: strawberry.ID | None = None,
                             min_severity: Severity | None = None) -> AsyncGenerator[Warning, None]:
        c = ctx(info)
        if c.hub is None:
            raise InvalidArgumentError("this service pushes no warnings")
        scope = c.engine.unit_scope(unit_id) if unit_id is not None else None
        async with c.hub.subscribe() as queue:
            while True:
                warning = await queue.get()
                if c.engine.visible(warning.node_id) and select([warning], level, scope, min_severity):
                    yield Warning.from_model(warning)

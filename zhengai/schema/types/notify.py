"""GraphQL types of 预警推送 (zhengai.notify): the answer of acknowledging warnings."""

from __future__ import annotations

import strawberry


@strawberry.type(description="A warning acknowledged for one monitoring period")
class AcknowledgedWarning:
    warning_id: strawberry.ID
    period: str = strawberry.field(description="the monitoring round: 2026-11, 2026-11-2, 2026-Q4, 2026-09S")


@strawberry.type(description="确认预警: the warnings newly acknowledged (not those acknowledged before)")
class Acknowledgement:
    unit_id: strawberry.ID
    acknowledged: list[AcknowledgedWarning]

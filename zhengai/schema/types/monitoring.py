"""监测预警: warnings due at a date, and recording observations (which may raise them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import strawberry

from zhengai.engine import monitoring
from zhengai.engine.ingest import RecordResult as EngineRecordResult
from zhengai.schema.types.common import Level

WarningType = strawberry.enum(monitoring.WarningType, description="监测预警 rule that raised a warning")
Severity = strawberry.enum(monitoring.Severity, description="INFO, YELLOW (黄色预警), RED (红色预警)")


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
    unit_name: str | None = strawberry.field(description="The owning unit's name (教务处, 机械工程学院 …)")
    leader: str | None = strawberry.field(description="The responsible leader, where known")
    message: str

    @classmethod
    def from_model(cls, w: monitoring.Warning) -> Warning:
        unit_id = strawberry.ID(w.unit_id) if w.unit_id else None
        return cls(id=strawberry.ID(w.id), type=w.type, severity=w.severity, node_id=strawberry.ID(w.node_id),
                   node_name=w.node_name, kind=w.kind, level=w.level, unit_id=unit_id, unit_name=w.unit_name,
                   leader=w.leader, message=w.message)


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
    def from_model(cls, r: EngineRecordResult,
                   visible: Callable[[str], bool] = lambda _: True) -> RecordResult:
        """The result as the caller sees it: warnings on nodes outside its scope are left out."""
        return cls(received=r.received, changed=r.changed, unchanged=r.unchanged,
                   warnings_raised=[Warning.from_model(w) for w in r.raised if visible(w.node_id)])

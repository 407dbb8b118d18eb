"""GraphQL types of 预警推送 (zhengai.notify): acknowledgements and the record of sent bulletins."""

from __future__ import annotations

from datetime import datetime

import strawberry

from zhengai import texts
from zhengai.notify import service
from zhengai.notify.periods import period_name


@strawberry.type(description="A warning acknowledged for one monitoring period")
class AcknowledgedWarning:
    warning_id: strawberry.ID
    period: str = strawberry.field(description="the monitoring round: 2026-11, 2026-11-2, 2026-Q4, 2026-09S")


@strawberry.type(description="确认预警: the warnings newly acknowledged (not those acknowledged before)")
class Acknowledgement:
    unit_id: strawberry.ID
    acknowledged: list[AcknowledgedWarning]


@strawberry.type(description="A warning of a sent bulletin and its acknowledgement (null: not yet)")
class SentWarning:
    warning_id: strawberry.ID
    severity: str
    acknowledged_at: datetime | None
    acknowledged_by: str | None


@strawberry.type(description="推送记录: one 预警简报 sent to a unit (or its 分管领导) over one channel")
class SentBulletin:
    id: strawberry.ID
    job: str = strawberry.field(description="SCHOOL, MAJOR, COURSE_BUILD, COURSE_TEACH, TEACHER or STUDENT")
    job_name: str
    period: str
    period_name: str
    channel: str = strawberry.field(description="wecom, dingtalk, webhook or mail")
    escalation: bool = strawberry.field(description="sent to the 分管领导: unacknowledged RED warnings")
    sent_at: datetime
    ok: bool | None = strawberry.field(description="whether it went out (null: unknown, cut off)")
    error: str | None
    warnings: list[SentWarning]

    @classmethod
    def from_model(cls, b: service.SentBulletin) -> SentBulletin:
        return cls(id=b.id, job=b.job, job_name=texts.label("notify.job", b.job), period=b.period,
                   period_name=period_name(b.period), channel=b.channel, escalation=b.escalation,
                   sent_at=b.sent_at, ok=b.ok, error=b.error,
                   warnings=[SentWarning(warning_id=w.warning_id, severity=w.severity,
                                         acknowledged_at=datetime.fromisoformat(w.acknowledged_at)
                                         if w.acknowledged_at else None, acknowledged_by=w.acknowledged_by)
                             for w in b.warnings])

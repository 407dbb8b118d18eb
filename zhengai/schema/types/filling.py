"""GraphQL types of 数据填报 with 审核 (zhengai.engine.filling): a unit's 填报表, submissions and reviews."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from zhengai import texts
from zhengai.engine import filling

Provenance = strawberry.enum(
    filling.Provenance,
    description="Where a value came from: 填报 ENTERED, 导入 IMPORTED, 系统采集 INGESTED, 计算 COMPUTED",
)
ReviewStatus = strawberry.enum(filling.ReviewStatus, description="待审核, 已通过, 已退回, 已被新填报替代")
DueStatus = strawberry.enum(filling.DueStatus, description="本期待填, 已逾期, 本期已填")


@strawberry.enum(description="A reviewer's decision")
class ReviewDecision(Enum):
    APPROVE = "APPROVE"
    RETURN = "RETURN"


@strawberry.input(description="One value to submit for review")
class ValueInput:
    metric_id: strawberry.ID
    at: date
    value: float
    note: str | None = None

    def to_model(self) -> filling.ValueInput:
        return filling.ValueInput(str(self.metric_id), self.at, self.value, self.note)


@strawberry.type(description="A submitted value: who entered it, from where and when, and its review")
class Submission:
    id: strawberry.ID
    metric_id: strawberry.ID
    at: date
    value: float
    source: str | None
    provenance: Provenance  # type: ignore[valid-type]
    provenance_name: str
    entered_by: str
    entered_by_name: str | None
    entered_at: datetime
    note: str | None
    status: ReviewStatus  # type: ignore[valid-type]
    status_name: str
    reviewed_by: str | None
    reviewed_by_name: str | None
    reviewed_at: datetime | None
    comment: str | None = strawberry.field(description="the reviewer's comment (a returned value's reason)")
    trusted: bool = strawberry.field(description="counted at once: its source is trusted")

    @classmethod
    def from_model(cls, s: filling.Submission) -> Submission:
        return cls(
            id=strawberry.ID(s.id),
            metric_id=strawberry.ID(s.metric),
            at=s.at,
            value=s.value,
            source=s.source,
            provenance=s.provenance,
            provenance_name=texts.label("provenance", s.provenance),
            entered_by=s.by,
            entered_by_name=s.by_name,
            entered_at=s.submitted_at,
            note=s.note,
            status=s.status,
            status_name=texts.label("review_status", s.status),
            reviewed_by=s.reviewer,
            reviewed_by_name=s.reviewer_name,
            reviewed_at=s.reviewed_at,
            comment=s.comment,
            trusted=s.trusted,
        )


@strawberry.type(description="One line of a 填报表: a metric due by its frequency")
class FormRow:
    metric_id: strawberry.ID
    metric_name: str
    unit: str | None
    frequency: str
    frequency_name: str
    last_value: float | None
    last_at: date | None
    due: date
    due_status: DueStatus  # type: ignore[valid-type]
    due_status_name: str
    pending: Submission | None
    returned: Submission | None

    @classmethod
    def from_model(cls, r: filling.FormRow) -> FormRow:
        m = r.metric
        return cls(
            metric_id=strawberry.ID(m.id),
            metric_name=m.name,
            unit=m.unit,
            frequency=m.frequency.value,
            frequency_name=texts.label("frequency", m.frequency),
            last_value=r.last[1] if r.last else None,
            last_at=r.last[0] if r.last else None,
            due=r.due,
            due_status=r.status,
            due_status_name=texts.label("due_status", r.status),
            pending=Submission.from_model(r.pending) if r.pending else None,
            returned=Submission.from_model(r.returned) if r.returned else None,
        )


@strawberry.type(description="A unit's 填报表 on a date")
class FillForm:
    unit_id: strawberry.ID
    unit_name: str
    as_of: date
    rows: list[FormRow]

    @classmethod
    def from_model(cls, f: filling.Form) -> FillForm:
        return cls(
            unit_id=strawberry.ID(f.unit_id),
            unit_name=f.unit_name,
            as_of=f.as_of,
            rows=[FormRow.from_model(r) for r in f.rows],
        )

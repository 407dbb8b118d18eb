"""Root fields of 数据填报 with 审核: a unit's 填报表, the values waiting for review, submitting and reviewing
— thin calls into zhengai.engine.filling through the caller's view and the one write path."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from zhengai.engine import InvalidArgumentError, filling
from zhengai.resolvers.context import ctx
from zhengai.schema.types.common import AsOf
from zhengai.schema.types.filling import FillForm, Provenance, ReviewDecision, Submission, ValueInput

MAX_PENDING = 500


@strawberry.type
class FillingQuery:
    @strawberry.field(
        description="填报表 of a unit (and its sub-units): the metrics due by their frequency "
        "(`all`: every one), with last value, due date, pending and returned values"
    )
    def fill_form(
        self, info: Info, unit_id: strawberry.ID, as_of: AsOf = None, all: bool = False
    ) -> FillForm:
        return FillForm.from_model(filling.fill_form(ctx(info).engine, str(unit_id), as_of, all))

    @strawberry.field(
        description="Submitted values waiting for review (of a unit and its sub-units), oldest "
        "first, at most `first` (≤ 500)"
    )
    def pending_values(
        self, info: Info, unit_id: strawberry.ID | None = None, first: int = 100
    ) -> list[Submission]:
        if not 0 <= first <= MAX_PENDING:
            raise InvalidArgumentError(f"first must be between 0 and {MAX_PENDING}")
        found = filling.pending_submissions(ctx(info).engine, str(unit_id) if unit_id else None, first)
        return [Submission.from_model(s) for s in found]

    @strawberry.field(description="Every submission of a metric (its review history), oldest first")
    def submissions(self, info: Info, metric_id: strawberry.ID) -> list[Submission]:
        engine = ctx(info).engine
        engine.metric(str(metric_id))
        return [Submission.from_model(s) for s in filling.metric_submissions(engine, str(metric_id))]


@strawberry.type
class FillingMutation:
    @strawberry.mutation(
        description="数据填报: submit values for review (they count once approved; a trusted "
        "source counts at once)"
    )
    def submit_values(
        self,
        info: Info,
        values: list[ValueInput],
        source: str | None = None,
        provenance: Provenance = filling.Provenance.ENTERED,
    ) -> list[Submission]:  # type: ignore[valid-type,assignment]
        c = ctx(info)
        if c.writes is None:
            raise InvalidArgumentError("this service accepts no writes")
        made = c.writes.submit_values(
            [v.to_model() for v in values],
            filling.Provenance(provenance),
            source,
            actor=c.principal,
            view=c.engine,
        )
        return [Submission.from_model(s) for s in made]

    @strawberry.mutation(
        description="审核: approve pending values (they count from now on) or return them with a comment"
    )
    def review_values(
        self, info: Info, ids: list[strawberry.ID], decision: ReviewDecision, comment: str | None = None
    ) -> list[Submission]:
        c = ctx(info)
        if c.writes is None:
            raise InvalidArgumentError("this service accepts no writes")
        done = c.writes.review_values(
            [str(i) for i in ids],
            decision is ReviewDecision.APPROVE,
            comment,
            actor=c.principal,
            view=c.engine,
        )
        return [Submission.from_model(s) for s in done]


__all__ = ["FillingMutation", "FillingQuery", "date"]

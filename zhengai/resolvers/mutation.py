"""Root mutation resolvers: every write goes through the engine's one write path (WriteService)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from zhengai.domain.models import ObservedValue
from zhengai.engine import InvalidArgumentError
from zhengai.engine.writes import WriteService
from zhengai.resolvers.attachments import AttachmentMutation
from zhengai.resolvers.context import ctx
from zhengai.resolvers.filling import FillingMutation
from zhengai.resolvers.notify import NotifyMutation
from zhengai.resolvers.reporting import ReportWorkflowMutation
from zhengai.schema.types.editing import ChangeInput, ChangeResult, to_change
from zhengai.schema.types.monitoring import ObservationInput, RecordResult
from zhengai.schema.types.spiral import ImprovementMeasure, Spiral, SpiralKind, SpiralStage


def _writes(info: Info) -> WriteService:
    service = ctx(info).writes
    if service is None:
        raise InvalidArgumentError("this service accepts no writes")
    return service


@strawberry.type
class Mutation(AttachmentMutation, ReportWorkflowMutation, FillingMutation, NotifyMutation):
    @strawberry.mutation(description="Record observations, all or nothing per call; the same (metric, at, "
                                     "value) again is a no-op, a new value for a date replaces it")
    def record_observations(self, info: Info, observations: list[ObservationInput]) -> RecordResult:
        rows = [ObservedValue(o.metric_id, o.at, o.value, o.source) for o in observations]
        result = _writes(info).record_observations(rows, actor=ctx(info).principal)
        # a scoped caller: warnings of its scope only
        return RecordResult.from_model(result, visible=ctx(info).engine.visible)

    @strawberry.mutation(description="Edit the graph: a batch of changes, all or nothing, from effectiveFrom "
                                     "(default today) on; refused with CONFLICT when expectedVersion is not "
                                     "the current dataVersion; a dry run answers without writing")
    def apply_changes(self, info: Info, changes: list[ChangeInput], effective_from: date | None = None,
                      expected_version: int | None = None, dry_run: bool = False) -> ChangeResult:
        c = ctx(info)
        result = _writes(info).apply_changes([to_change(x) for x in changes], effective_from,
                                             expected_version, dry_run, actor=c.principal, view=c.engine)
        return ChangeResult.from_model(result)

    @strawberry.mutation(description="8字螺旋: move a subject to the next big-loop stage (or to `to`)")
    def advance_stage(self, info: Info, subject_id: strawberry.ID,
                      to: SpiralStage | None = None, kind: SpiralKind | None = None) -> Spiral:
        c = ctx(info)
        return Spiral.from_model(_writes(info).advance_stage(subject_id, to, actor=c.principal,
                                                             view=c.engine, kind=kind))

    @strawberry.mutation(description="改进措施: record (or, by id, update) an improvement answering warnings")
    def record_improvement(self, info: Info, subject_id: strawberry.ID, measure: str,
                           owner_unit_id: strawberry.ID | None = None, due: date | None = None,
                           answers: list[strawberry.ID] | None = None, done: bool = False,
                           id: strawberry.ID | None = None,
                           kind: SpiralKind | None = None) -> ImprovementMeasure:
        c = ctx(info)
        made = _writes(info).record_improvement(subject_id, measure, owner_unit_id, due, list(answers or []),
                                                done, id, actor=c.principal, view=c.engine, kind=kind)
        return ImprovementMeasure.from_model(made)

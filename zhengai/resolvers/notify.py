"""Root fields of 预警推送: acknowledging the warnings a unit was sent (the signed link's counterpart) and
the record of its sent bulletins."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from zhengai.domain.errors import InvalidArgumentError
from zhengai.notify.service import acknowledge_warnings, local_now, sent_bulletins
from zhengai.resolvers.context import MAX_LIST, ctx
from zhengai.schema.types.notify import AcknowledgedWarning, Acknowledgement, SentBulletin


@strawberry.type
class NotifyQuery:
    @strawberry.field(description="推送记录: the newest bulletins sent to a unit (and escalated to its "
                                  "分管领导), with each warning's acknowledgement. For the 质管办, school "
                                  "leaders and the unit's heads")
    def sent_bulletins(self, info: Info, unit_id: strawberry.ID, first: int = 50) -> list[SentBulletin]:
        if not 0 <= first <= MAX_LIST:
            raise InvalidArgumentError(f"first must be between 0 and {MAX_LIST} (got {first})")
        found = sent_bulletins(ctx(info).base, ctx(info).principal, str(unit_id), first, local_now().date())
        return [SentBulletin.from_model(b) for b in found]


@strawberry.type
class NotifyMutation:
    @strawberry.mutation(description="确认预警: acknowledge warnings sent to a unit (in ``period``, else in "
                                     "every period they were sent in); an acknowledged RED warning is "
                                     "not escalated. For the 质管办, school leaders and the unit's heads")
    def acknowledge_warnings(self, info: Info, unit_id: strawberry.ID, warning_ids: list[strawberry.ID],
                             period: str | None = None) -> Acknowledgement:
        c = ctx(info)
        if c.writes is None:
            raise InvalidArgumentError("this service accepts no writes")
        done = acknowledge_warnings(c.base, c.writes, c.principal, str(unit_id),
                                    [str(w) for w in warning_ids], period, local_now())
        return Acknowledgement(unit_id=unit_id, acknowledged=[AcknowledgedWarning(warning_id=w, period=p)
                                                              for w, p in done])

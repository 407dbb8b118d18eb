"""Root field of 预警推送: acknowledging the warnings a unit was sent (the signed link's counterpart)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from zhengai.domain.errors import InvalidArgumentError
from zhengai.notify.service import acknowledge_warnings, local_now
from zhengai.resolvers.context import ctx
from zhengai.schema.types.notify import AcknowledgedWarning, Acknowledgement


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

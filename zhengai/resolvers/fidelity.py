"""Root fields of the plan's fidelity (黄牌/红牌); mixed into Query."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from zhengai.resolvers.context import ctx
from zhengai.schema.types.common import AsOf
from zhengai.schema.types.fidelity import GoalCard


@strawberry.type
class FidelityQuery:
    @strawberry.field(description="黄牌/红牌 of a CARDS goal (基本办学条件) at asOf (three card years: 红牌)")
    def goal_card(self, info: Info, goal_id: strawberry.ID, as_of: AsOf = None) -> GoalCard:
        return GoalCard.from_model(ctx(info).engine.card(goal_id, as_of))

"""The plan as the college runs it: 黄牌/红牌 of a CARDS goal (基本办学条件)."""

from __future__ import annotations

import strawberry

from zhengai.domain import enums
from zhengai.engine.cards import CardVerdict

Card = strawberry.enum(enums.Card, description="黄牌/红牌: NONE, YELLOW (黄牌) or RED (红牌)")


@strawberry.type(description="黄牌/红牌 of a CARDS goal on a date (docs/semantics.md §4)")
class GoalCard:
    goal_id: strawberry.ID
    card: Card
    below: int = strawberry.field(description="Indicators below their limit on the date")
    card_years: int = strawberry.field(description="Consecutive years with a card, this one included")

    @classmethod
    def from_model(cls, v: CardVerdict) -> GoalCard:
        return cls(goal_id=strawberry.ID(v.goal_id), card=v.card, below=v.below, card_years=v.card_years)

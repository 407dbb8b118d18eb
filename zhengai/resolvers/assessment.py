"""Root fields of 考核 (schemes and their rankings) and of every 黄牌/红牌 goal's card; mixed into Query."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from zhengai.domain.enums import Aggregate
from zhengai.domain.models import Goal
from zhengai.engine import assessment
from zhengai.resolvers.context import ctx
from zhengai.schema.types.assessment import Assessment, Scheme
from zhengai.schema.types.common import AsOf
from zhengai.schema.types.fidelity import GoalCard


@strawberry.type
class AssessmentQuery:
    @strawberry.field(description="考核方案 in force at asOf (the rules are public), by id")
    def schemes(self, info: Info, as_of: AsOf = None) -> list[Scheme]:
        return [Scheme.from_model(s) for s in assessment.schemes(ctx(info).engine, as_of)]

    @strawberry.field(description="考核: a scheme's ranking at asOf — each visible subject's score, rank and "
                                  "components, the previous period, and the aggregate over all assessed")
    def assessment(self, info: Info, scheme_id: strawberry.ID, as_of: AsOf = None) -> Assessment:
        return Assessment.from_model(ctx(info).engine.assessment(str(scheme_id), as_of))

    @strawberry.field(description="黄牌/红牌 of every visible CARDS goal (基本办学条件) at asOf, by goal id")
    def goal_cards(self, info: Info, as_of: AsOf = None) -> list[GoalCard]:
        engine = ctx(info).engine
        goals = engine.records("Goal", as_of)
        return [GoalCard.from_model(engine.card(k, as_of)) for k in sorted(goals)
                if isinstance(goals[k], Goal) and goals[k].aggregate is Aggregate.CARDS]

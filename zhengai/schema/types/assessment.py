"""考核 (the incentive engine): schemes, a ranking with each subject's components, the previous period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry.types import Info

from zhengai import texts
from zhengai.domain import enums
from zhengai.domain.models import Scheme as SchemeModel
from zhengai.engine import assessment as model
from zhengai.resolvers.context import ctx
from zhengai.schema.types.common import AsOf, Level

ComponentMeasure = strawberry.enum(enums.ComponentMeasure, description="What a 考核 component measures")
AssessmentPeriod = strawberry.enum(enums.AssessmentPeriod, description="年度 (ANNUAL) or 学期 (SEMESTER)")
UnitType = strawberry.enum(enums.UnitType, description="职能部门, 二级学院, 委员会, 工作组")


def _points(d: Decimal) -> float:
    """Points with two decimals (their decimal digits add up exactly)."""
    return float(d)


@strawberry.type(description="One component of a 考核方案: full points and what it measures")
class SchemeComponent:
    key: str
    name: str
    points: float
    measure: ComponentMeasure
    measure_name: str
    field: str | None


@strawberry.type(description="Points a component gave a subject: share × full points, rounded (largest "
                             "remainder) so that a subject's components add up to its score exactly")
class ComponentScore:
    key: str
    name: str
    measure: ComponentMeasure
    full: float
    share: float = strawberry.field(description="What the measure gave, in [0, 1]")
    points: float
    counted: int | None = strawberry.field(description="Tasks due / warnings due / goals (counting measures)")
    met: int | None = strawberry.field(description="Of those: done on time / answered / fully attained")


@strawberry.type(description="The subject's score and rank in the previous period, and the change since")
class PreviousScore:
    score: float
    rank: int
    delta: float


@strawberry.type(description="A subject's score under a scheme, its rank (1: best) and the components")
class SubjectScore:
    subject_id: strawberry.ID
    name: str
    level: Level | None
    unit_id: strawberry.ID | None
    score: float
    rank: int
    components: list[ComponentScore]
    previous: PreviousScore | None


@strawberry.type(description="A 考核方案's ranking at a date as the caller sees it: the rows of their own "
                             "subjects (all for the 质管办) and the aggregate over everyone assessed")
class Assessment:
    scheme_id: strawberry.ID
    scheme_name: str
    as_of: date
    period_key: str = strawberry.field(description="2026, or 2026-02-01~2026-07-31 for a semester")
    period_start: date
    period_end: date
    previous_period_key: str
    full_marks: float
    count: int = strawberry.field(description="Subjects assessed (all of them, seen or not)")
    mean: float | None = strawberry.field(description="Their mean score (withheld when fewer than 5 hidden "
                                                      "scores would be averaged with the visible ones)")
    hidden: int = strawberry.field(description="Subjects assessed that the caller may not see")
    rows: list[SubjectScore]

    @classmethod
    def from_model(cls, a: model.Assessment) -> Assessment:
        rows = [SubjectScore(
            subject_id=strawberry.ID(r.subject_id), name=r.name, level=r.level,
            unit_id=strawberry.ID(r.unit_id) if r.unit_id else None, score=_points(r.score), rank=r.rank,
            components=[ComponentScore(key=c.key, name=c.name, measure=c.measure, full=_points(c.full),
                                       share=float(c.share), points=_points(c.points), counted=c.counted,
                                       met=c.met) for c in r.components],
            previous=None if r.previous is None else PreviousScore(
                score=_points(r.previous.score), rank=r.previous.rank, delta=_points(r.previous.delta)))
            for r in a.rows]
        return cls(scheme_id=strawberry.ID(a.scheme.id), scheme_name=a.scheme.name, as_of=a.as_of,
                   period_key=a.period.key, period_start=a.period.start, period_end=a.period.end,
                   previous_period_key=a.previous_period.key, full_marks=_points(a.full_marks), count=a.count,
                   mean=None if a.mean is None else _points(a.mean), hidden=a.hidden, rows=rows)


@strawberry.type(description="考核方案: whom it scores (a level's subjects, or units of some types), over "
                             "which period, by which weighted components")
class Scheme:
    id: strawberry.ID
    name: str
    level: Level | None
    unit_types: list[UnitType]
    units: list[strawberry.ID]
    period: AssessmentPeriod
    period_name: str
    full_marks: float
    description: str | None
    components: list[SchemeComponent]

    @strawberry.field(description="This scheme's ranking at asOf (as the caller sees it)")
    def assessment(self, info: Info, as_of: AsOf = None) -> Assessment:
        return Assessment.from_model(ctx(info).engine.assessment(str(self.id), as_of))

    @classmethod
    def from_model(cls, s: SchemeModel) -> Scheme:
        return cls(id=strawberry.ID(s.id), name=s.name, level=s.level, unit_types=list(s.unit_types),
                   units=[strawberry.ID(u) for u in s.units], period=s.period,
                   period_name=texts.label("assessment.period", s.period), full_marks=s.full_marks,
                   description=s.description,
                   components=[SchemeComponent(key=c.key, name=c.name, points=c.points, measure=c.measure,
                                               measure_name=texts.label("assessment.measure", c.measure),
                                               field=c.field) for c in s.components])

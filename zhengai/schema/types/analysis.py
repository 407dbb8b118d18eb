"""Impact tracing, gap explanation and what-if simulation (design.md §2) over the core graph's types."""

from __future__ import annotations

import strawberry

from zhengai.engine import impact
from zhengai.schema.types.common import Status
from zhengai.schema.types.graph import FoldedGroup, Goal, Metric


@strawberry.type
class ImpactPath:
    node_ids: list[strawberry.ID]
    weight: float


@strawberry.type
class TargetImpact:
    goal: Goal
    sensitivity: float
    path_count: int
    paths: list[ImpactPath]

    @classmethod
    def from_model(cls, x: impact.TargetImpact) -> TargetImpact:
        return cls(goal=Goal.from_model(x.goal), sensitivity=x.sensitivity, path_count=x.path_count,
                   paths=[ImpactPath(node_ids=[strawberry.ID(i) for i in p.node_ids], weight=p.weight)
                          for p in x.paths])


@strawberry.type(description="How a metric's attainment propagates up to the goals of a level")
class ImpactTrace:
    metric: Metric
    attainment: float | None
    targets: list[TargetImpact]
    path_count: int
    others: FoldedGroup | None = strawberry.field(description="Targets outside the caller's scope")

    @classmethod
    def from_model(cls, t: impact.ImpactTrace) -> ImpactTrace:
        return cls(metric=Metric.from_model(t.metric), attainment=t.attainment, path_count=t.path_count,
                   others=FoldedGroup.from_model(t.others),
                   targets=[TargetImpact.from_model(x) for x in t.targets])


@strawberry.type
class GapContributor:
    metric: Metric
    sensitivity: float
    contribution: float
    attainment: float | None


@strawberry.type(description="Why a goal is behind: contribution s(g,m)·(1−a_m) of each metric")
class GapExplanation:
    goal: Goal
    attainment: float | None
    gap: float | None
    contributors: list[GapContributor]
    contributor_count: int
    unknown_metrics: list[Metric] = strawberry.field(description="Metrics below the goal with no data")
    others: FoldedGroup | None = strawberry.field(description="Contributors outside the caller's scope: "
                                                              "with the listed ones they sum to the gap")
    rest: FoldedGroup | None = strawberry.field(description="The contributors after the `top` listed, as one "
                                                            "line (count, Σ contribution, Σ sensitivity): "
                                                            "listed + rest + others = gap")

    @classmethod
    def from_model(cls, g: impact.GapExplanation) -> GapExplanation:
        return cls(goal=Goal.from_model(g.goal), attainment=g.attainment, gap=g.gap,
                   others=FoldedGroup.from_model(g.others), rest=FoldedGroup.from_model(g.rest),
                   contributors=[GapContributor(metric=Metric.from_model(c.metric), sensitivity=c.sensitivity,
                                                contribution=c.contribution, attainment=c.attainment)
                                 for c in g.contributors],
                   contributor_count=g.contributor_count,
                   unknown_metrics=[Metric.from_model(m) for m in g.unknown_metrics])


@strawberry.input
class MetricValueInput:
    metric_id: strawberry.ID
    value: float


@strawberry.type
class GoalChange:
    goal: Goal
    before: float | None
    after: float | None
    before_status: Status
    after_status: Status


@strawberry.type
class MetricChange:
    metric: Metric
    value_before: float | None
    value_after: float
    before: float | None
    after: float | None
    before_status: Status
    after_status: Status


@strawberry.type(description="What-if: exact recomputation of every affected goal; nothing is stored")
class Simulation:
    changes: list[GoalChange]
    metrics: list[MetricChange]
    others: FoldedGroup | None = strawberry.field(description="Changed goals outside the caller's scope")

    @classmethod
    def from_model(cls, s: impact.Simulation) -> Simulation:
        return cls(
            others=FoldedGroup.from_model(s.others),
            changes=[GoalChange(goal=Goal.from_model(c.goal), before=c.before, after=c.after,
                                before_status=c.before_status, after_status=c.after_status)
                     for c in s.changes],
            metrics=[MetricChange(metric=Metric.from_model(m.metric), value_before=m.value_before,
                                  value_after=m.value_after, before=m.before, after=m.after,
                                  before_status=m.before_status, after_status=m.after_status)
                     for m in s.metrics])

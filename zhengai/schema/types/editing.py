"""GraphQL inputs and results of editing the graph (design.md §5): ``applyChanges`` with ``ChangeInput``
(a one-of input), upserts whose fields are the dataset's in camelCase."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import date
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from zhengai.domain import changes as domain
from zhengai.domain import enums
from zhengai.engine.writes import ChangeResult as ChangeResult_
from zhengai.schema.types.assessment import AssessmentPeriod, ComponentMeasure, UnitType
from zhengai.schema.types.common import Aggregate, Level, System

LinkKind = strawberry.enum(domain.LinkKind,
                           description="Relationships an edit adds or removes (source → target)")
ChangeOp = strawberry.enum(domain.Op, name="ChangeOp")
Direction_ = strawberry.enum(enums.MetricDirection, name="MetricDirection")
Frequency = strawberry.enum(enums.Frequency, description="监测预警 frequency of a metric")

UNSET: Any = strawberry.UNSET


@strawberry.input
class PeriodInput:
    start: date
    end: date


@strawberry.input(description="A weighted link to a goal (supports, measures)")
class WeightedLinkInput:
    goal: strawberry.ID
    weight: float = 1.0


@strawberry.input(description="分年度目标: the target in force in one calendar year")
class YearTargetInput:
    year: int
    target: float


@strawberry.input(description="Status thresholds: GREEN ≥ green, YELLOW ≥ yellow")
class ThresholdsInput:
    green: float = 0.9
    yellow: float = 0.7


@strawberry.input(description="A unit (单位); on a new id name and system are required")
class UnitInput:
    id: strawberry.ID
    name: str | None = UNSET
    system: System | None = UNSET
    parent: strawberry.ID | None = UNSET
    leader: str | None = UNSET


@strawberry.input(description="A quality subject (质量主体); on a new id name and level are required")
class SubjectInput:
    id: strawberry.ID
    name: str | None = UNSET
    level: Level | None = UNSET
    unit: strawberry.ID | None = UNSET
    tier: str | None = UNSET
    category: str | None = UNSET
    major: strawberry.ID | None = UNSET


@strawberry.input(description="One component of a 考核方案 (key, name, full points, measure; ATTRIBUTE: "
                             "field and values, e.g. grade → {名师: 1, 骨干教师: 0.5})")
class SchemeComponentInput:
    key: str
    name: str
    points: float
    measure: ComponentMeasure
    field: str | None = UNSET
    values: JSON | None = UNSET


@strawberry.input(description="A 考核方案 (the 质管办 only); on a new id name, components and either "
                             "level or unitTypes are required")
class SchemeInput:
    id: strawberry.ID
    name: str | None = UNSET
    level: Level | None = UNSET
    unit_types: list[UnitType] | None = UNSET
    units: list[strawberry.ID] | None = UNSET
    period: AssessmentPeriod | None = UNSET
    components: list[SchemeComponentInput] | None = UNSET
    description: str | None = UNSET


@strawberry.input(description="A plan (规划)")
class PlanInput:
    id: strawberry.ID
    name: str | None = UNSET
    parent: strawberry.ID | None = UNSET
    period: PeriodInput | None = UNSET


@strawberry.input(description="A goal of the 目标链; on a new id name and level are required; `supports` "
                              "replaces the whole list")
class GoalInput:
    id: strawberry.ID
    name: str | None = UNSET
    level: Level | None = UNSET
    aggregate: Aggregate | None = UNSET
    period: PeriodInput | None = UNSET
    supports: list[WeightedLinkInput] | None = UNSET
    subject: strawberry.ID | None = UNSET
    owner: strawberry.ID | None = UNSET
    derived_from: list[strawberry.ID] | None = UNSET
    standards: list[strawberry.ID] | None = UNSET
    thresholds: ThresholdsInput | None = UNSET
    description: str | None = UNSET
    systems: list[System] | None = UNSET


@strawberry.input(description="A metric (指标); on a new id name and target are required; `measures` "
                              "replaces the whole list")
class MetricInput:
    id: strawberry.ID
    name: str | None = UNSET
    unit: str | None = UNSET
    direction: Direction_ | None = UNSET
    baseline: float | None = UNSET
    target: float | None = UNSET
    floor: float | None = UNSET
    frequency: Frequency | None = UNSET
    measures: list[WeightedLinkInput] | None = UNSET
    source: str | None = UNSET
    owner: strawberry.ID | None = UNSET
    min_value: float | None = UNSET
    max_value: float | None = UNSET
    targets: list[YearTargetInput] | None = UNSET
    cumulative: bool | None = UNSET
    systems: list[System] | None = UNSET


@strawberry.input(description="A standard (标准)")
class StandardInput:
    id: strawberry.ID
    name: str | None = UNSET
    level: Level | None = UNSET
    specifies: list[strawberry.ID] | None = UNSET


@strawberry.input(description="A 一页纸 task: progress (0–1) and spent (支出) record its monthly progress")
class TaskInput:
    id: strawberry.ID
    name: str | None = UNSET
    advances: list[strawberry.ID] | None = UNSET
    lead_unit: strawberry.ID | None = UNSET
    units: list[strawberry.ID] | None = UNSET
    leader: str | None = UNSET
    content: str | None = UNSET
    start: date | None = UNSET
    due: date | None = UNSET
    budget: float | None = UNSET
    spent: float | None = UNSET
    deliverable: str | None = UNSET
    progress: float | None = UNSET


@strawberry.input(description="Add (or reweight) source → target")
class LinkInput:
    kind: LinkKind
    source: strawberry.ID
    target: strawberry.ID
    weight: float | None = None


@strawberry.input(description="Remove source → target")
class UnlinkInput:
    kind: LinkKind
    source: strawberry.ID
    target: strawberry.ID


@strawberry.input(description="Take a node out of the graph from the effective date; cascade also ends "
                              "every link that names it")
class RetireInput:
    id: strawberry.ID
    cascade: bool = False


@strawberry.input(one_of=True, description="One change of a batch: exactly one of its fields")
class ChangeInput:
    upsert_unit: UnitInput | None = UNSET
    upsert_subject: SubjectInput | None = UNSET
    upsert_plan: PlanInput | None = UNSET
    upsert_goal: GoalInput | None = UNSET
    upsert_metric: MetricInput | None = UNSET
    upsert_standard: StandardInput | None = UNSET
    upsert_task: TaskInput | None = UNSET
    upsert_scheme: SchemeInput | None = UNSET
    link: LinkInput | None = UNSET
    unlink: UnlinkInput | None = UNSET
    retire: RetireInput | None = UNSET


_KINDS = {"upsert_unit": "Unit", "upsert_subject": "Subject", "upsert_plan": "Plan", "upsert_goal": "Goal",
          "upsert_metric": "Metric", "upsert_standard": "Standard", "upsert_task": "Task",
          "upsert_scheme": "Scheme"}


def _plain(value: Any) -> Any:
    """Input values as the dataset's: enums by value, nested inputs as dicts, lists element-wise."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclass_fields(value)
                if getattr(value, f.name) is not UNSET}
    return value


def to_change(change: ChangeInput) -> domain.Change:
    """The domain change of one input."""
    for name, kind in _KINDS.items():
        given = getattr(change, name)
        if given not in (None, UNSET):
            fields = _plain(given)
            return domain.Upsert(kind, str(fields.pop("id")), fields)
    if change.link not in (None, UNSET):
        c = change.link
        return domain.Link(domain.LinkKind(c.kind), str(c.source), str(c.target), c.weight)
    if change.unlink not in (None, UNSET):
        u = change.unlink
        return domain.Unlink(domain.LinkKind(u.kind), str(u.source), str(u.target))
    r = change.retire
    return domain.Retire(str(r.id), r.cascade)


@strawberry.type(description="What a batch did to one node")
class ChangedNode:
    id: strawberry.ID
    kind: str
    op: ChangeOp


@strawberry.type(description="What applyChanges did (or, in a dry run, would do)")
class ChangeResult:
    version: int = strawberry.field(description="The data version after the batch (a dry run: the version "
                                                "it would get)")
    dry_run: bool
    effective_from: date
    changed: list[ChangedNode]

    @classmethod
    def from_model(cls, r: ChangeResult_) -> ChangeResult:
        return cls(version=r.version, dry_run=r.dry_run, effective_from=r.effective_from,
                   changed=[ChangedNode(id=strawberry.ID(c.id), kind=c.kind, op=c.op) for c in r.changed])

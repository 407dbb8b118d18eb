"""pydantic models of the 诊改 graph: the nodes of design.md §1 and the dataset of §3.

Every model validates one record of a dataset on its own; cross-record rules (references,
cycles, duplicates) live in :mod:`zhengai.graph_loader.validate`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from zhengai.domain.enums import Aggregate, Frequency, Level, MetricDirection, System
from zhengai.domain.errors import rule_error

Id = str

#: The largest magnitude of a metric's target, baseline, floor, range or observed value.
MAX_ABS_VALUE = 1e12
#: The largest weight of a SUPPORTS or MEASURED_BY link (sums of weights stay finite).
MAX_WEIGHT = 1e6
#: Units of counts, amounts, durations, ratios and percentages: a metric measured in one of them (or in
#: any unit with a "/", such as 生/师) cannot take a negative value unless it declares ``min_value``.
NON_NEGATIVE_UNITS = frozenset({
    "%", "‰", "人", "人次", "名", "个", "门", "项", "本", "篇", "部", "册", "件", "家", "所", "次",
    "台", "套", "间", "元", "万元", "亿元", "学时", "课时", "小时", "天", "日", "周", "月", "年", "人日",
    "万人日", "分", "比", "倍"})


class Record(BaseModel):
    """Base of every node: an id unique across the dataset and a display name."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    kind: ClassVar[str] = "Node"

    id: Id = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


class WeightedLink(BaseModel):
    """An edge to a goal with a positive weight (SUPPORTS, MEASURED_BY)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    goal: Id
    weight: float = Field(default=1.0, gt=0, le=MAX_WEIGHT, allow_inf_nan=False)


class Period(BaseModel):
    """The period a goal runs over, both ends included."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise rule_error("PERIOD_REVERSED", "period ends ({end}) before it starts ({start})",
                             end=self.end, start=self.start)
        return self


class Thresholds(BaseModel):
    """Status thresholds: GREEN ≥ green, YELLOW ≥ yellow, else RED."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    green: float = Field(default=0.9, ge=0, le=1)
    yellow: float = Field(default=0.7, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.yellow > self.green:
            raise rule_error("THRESHOLDS", "thresholds: yellow must not exceed green")
        return self


DEFAULT_THRESHOLDS = Thresholds()


class Unit(Record):
    """Organisational unit (党办, 质管办, 教务处, 二级学院 …), IN_SYSTEM one of 五纵."""

    kind: ClassVar[str] = "Unit"
    system: System
    parent: Id | None = None
    leader: str | None = None  # 主管（牵头）领导


class Subject(Record):
    """Quality subject (质量主体): the school, a 专业, a 课程, a 教师 or a 学生."""

    kind: ClassVar[str] = "Subject"
    level: Level
    unit: Id | None = None
    tier: str | None = None  # 专业层次: 标杆/品牌/骨干/其他
    category: str | None = None  # 课程类别: 校企合作/立项建设/在线开放
    major: Id | None = None  # the 专业 subject a course or student belongs to


class Plan(Record):
    """Plan (党代会报告, 七大行动计划, 五年专项规划, 专业建设规划 …)."""

    kind: ClassVar[str] = "Plan"
    parent: Id | None = None
    period: Period | None = None


class Standard(Record):
    """Standard (标准链): 衡量目标达成度的标尺和底线; SPECIFIES metrics."""

    kind: ClassVar[str] = "Standard"
    level: Level | None = None
    specifies: list[Id] = Field(default_factory=list)


class Goal(Record):
    """Goal of the 目标链; SUPPORTS parent goals and is MEASURED_BY metrics."""

    kind: ClassVar[str] = "Goal"
    level: Level
    aggregate: Aggregate = Aggregate.WEIGHTED_MEAN
    period: Period | None = None
    supports: list[WeightedLink] = Field(default_factory=list)
    subject: Id | None = None
    owner: Id | None = None
    derived_from: list[Id] = Field(default_factory=list)
    standards: list[Id] = Field(default_factory=list)  # HELD_TO 标准
    thresholds: Thresholds | None = None
    description: str | None = None


class Metric(Record):
    """Measurable (SMART) indicator; MEASURES goals with a weight.

    Its values lie in ``[min_value, max_value]``: by default ≥ 0 when its unit is one of
    :data:`NON_NEGATIVE_UNITS` (or holds a "/"), otherwise unbounded; always within ±1e12.
    """

    kind: ClassVar[str] = "Metric"
    unit: str | None = None
    direction: MetricDirection = MetricDirection.HIGHER
    baseline: float | None = Field(default=None, ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE, allow_inf_nan=False)
    target: float = Field(ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE, allow_inf_nan=False)
    floor: float | None = Field(default=None, ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE,
                                allow_inf_nan=False)  # 底线
    min_value: float | None = Field(default=None, ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE, allow_inf_nan=False)
    max_value: float | None = Field(default=None, ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE, allow_inf_nan=False)
    frequency: Frequency = Frequency.MONTHLY
    measures: list[WeightedLink] = Field(default_factory=list)
    source: str | None = None  # data-centre system that feeds it (教务, 人事, 学工, 麦可思 …)
    owner: Id | None = None

    @model_validator(mode="after")
    def _sane_scale(self) -> Metric:
        b, t = self.baseline, self.target
        if b is not None:
            if b == t:
                raise rule_error("TARGET_IS_BASELINE",
                                 "target equals baseline ({target}): attainment is undefined", target=t)
            if self.direction is MetricDirection.HIGHER and b > t:
                raise rule_error("BASELINE_NOT_BELOW_TARGET",
                                 "HIGHER metric needs baseline ({baseline}) below target ({target})",
                                 baseline=b, target=t)
            if self.direction is MetricDirection.LOWER and b < t:
                raise rule_error("BASELINE_NOT_ABOVE_TARGET",
                                 "LOWER metric needs baseline ({baseline}) above target ({target})",
                                 baseline=b, target=t)
        elif t == 0:
            raise rule_error("TARGET_ZERO", "target 0 without a baseline: attainment is undefined")
        lo, hi = self.value_range
        if lo is not None and hi is not None and hi < lo:
            raise ValueError(f"max_value ({hi}) is below min_value ({lo})")
        for name in ("target", "baseline", "floor"):
            problem = self.value_problem(getattr(self, name))
            if problem:
                raise ValueError(f"{name}: {problem}")
        return self

    @property
    def value_range(self) -> tuple[float | None, float | None]:
        """(lowest, highest) valid value; None is unbounded (within ±1e12)."""
        lo = self.min_value
        if lo is None and self.unit is not None and (self.unit in NON_NEGATIVE_UNITS or "/" in self.unit):
            lo = 0.0
        return lo, self.max_value

    def value_problem(self, value: float | None) -> str | None:
        """Why ``value`` cannot be a value of this metric (None when it can)."""
        if value is None:
            return None
        if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
            return f"{value:g} is not a finite number within ±{MAX_ABS_VALUE:g}"
        lo, hi = self.value_range
        if lo is not None and value < lo:
            why = "min_value" if self.min_value is not None else f"the unit {self.unit!r}: no negative values"
            return f"{value:g} is below {lo:g} ({why})"
        if hi is not None and value > hi:
            return f"{value:g} is above {hi:g} (max_value)"
        return None


class Task(Record):
    """一页纸项目管理 task: ADVANCES goals, LED_BY and UNDERTAKEN_BY units."""

    kind: ClassVar[str] = "Task"
    advances: list[Id] = Field(default_factory=list)
    lead_unit: Id | None = None
    units: list[Id] = Field(default_factory=list)
    leader: str | None = None
    content: str | None = None
    start: date | None = None
    due: date | None = None  # None: 持续 (ongoing)
    budget: float = Field(default=0, ge=0, le=MAX_ABS_VALUE, allow_inf_nan=False)
    spent: float = Field(default=0, ge=0, le=MAX_ABS_VALUE, allow_inf_nan=False)
    deliverable: str | None = None  # 成果形式
    progress: float = Field(default=0, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> Task:
        if self.start and self.due and self.due < self.start:
            raise rule_error("DUE_BEFORE_START", "due ({due}) is before start ({start})", due=self.due,
                             start=self.start)
        return self


class Observation(BaseModel):
    """A dated value of a metric."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    metric: Id
    at: date
    value: float
    source: str | None = None

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("must be a finite number")
        if abs(v) > MAX_ABS_VALUE:
            raise ValueError(f"{v:g} is not within ±{MAX_ABS_VALUE:g}")
        return v


class ObservedValue(NamedTuple):
    """A validated observation, compact: millions of them make up a college's history."""

    metric: Id
    at: date
    value: float
    source: str | None = None


Node = Unit | Subject | Plan | Standard | Goal | Metric | Task

#: dataset.yaml list name → model
SECTIONS: dict[str, type[Record]] = {
    "units": Unit,
    "subjects": Subject,
    "plans": Plan,
    "standards": Standard,
    "goals": Goal,
    "metrics": Metric,
    "tasks": Task,
}


@dataclass
class Dataset:
    """A validated dataset: every record keyed by id, observations in file order."""

    units: dict[Id, Unit] = field(default_factory=dict)
    subjects: dict[Id, Subject] = field(default_factory=dict)
    plans: dict[Id, Plan] = field(default_factory=dict)
    standards: dict[Id, Standard] = field(default_factory=dict)
    goals: dict[Id, Goal] = field(default_factory=dict)
    metrics: dict[Id, Metric] = field(default_factory=dict)
    tasks: dict[Id, Task] = field(default_factory=dict)
    observations: list[ObservedValue] = field(default_factory=list)

    def section(self, name: str) -> dict[Id, Record]:
        """The records of one section (``goals``, ``metrics`` …) by id."""
        return getattr(self, name)

    def records(self) -> list[Record]:
        """Every record, section by section."""
        return [r for name in SECTIONS for r in self.section(name).values()]

"""pydantic models of the 诊改 graph: the nodes of design.md §1 and the dataset of §3.

Every model validates one record of a dataset on its own; cross-record rules (references,
cycles, duplicates) live in :mod:`zhengai.graph_loader.validate`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from zhengai.domain.enums import (
    Aggregate,
    AssessmentPeriod,
    ComponentMeasure,
    Frequency,
    Level,
    MetricDirection,
    Recurrence,
    SpiralKind,
    System,
    UnitType,
)
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


class CardRule(BaseModel):
    """黄牌/红牌 rule of a CARDS goal (default: the national rule for 基本办学条件): ``yellow_at`` indicators
    below their limit give a 黄牌, ``red_at`` or more a 红牌, and so does a 黄牌 in ``red_after_years``
    consecutive years (this one included; None: no such rule)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    yellow_at: int = Field(default=1, ge=1, le=1000)
    red_at: int = Field(default=2, ge=1, le=1000)
    red_after_years: int | None = Field(default=3, ge=2, le=20)

    @model_validator(mode="after")
    def _ordered(self) -> CardRule:
        if self.red_at < self.yellow_at:
            raise rule_error("CARD_RULE", "cards: red_at must not be below yellow_at")
        return self


NATIONAL_CARD_RULE = CardRule()

_MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


class Semester(BaseModel):
    """A semester of the college calendar: its name and its first and last day as ``MM-DD`` (a semester
    whose end comes before its start in the year runs into the next year: 秋季学期 09-01 … 01-31)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    name: str = Field(min_length=1)
    start: str = Field(pattern=_MONTH_DAY)
    end: str = Field(pattern=_MONTH_DAY)

    @field_validator("start", "end")
    @classmethod
    def _real_day(cls, v: str) -> str:
        month, day = map(int, v.split("-"))
        date(2024, month, day)  # a leap year: 02-29 is a day, 02-30 is not (ValueError)
        return v


class Unit(Record):
    """Organisational unit (党办, 质管办, 教务处, 二级学院 …), IN_SYSTEM one of 五纵. A 职能部门 (OFFICE) or
    二级学院 (COLLEGE) is also a quality subject of its own (its id is the subject id); committees and
    working groups (质保委员会, 诊改工作组) list their ``members``."""

    kind: ClassVar[str] = "Unit"
    system: System
    parent: Id | None = None
    leader: str | None = None  # 主管（牵头）领导
    type: UnitType = UnitType.OFFICE
    members: list[Id] = Field(default_factory=list)  # units in a committee or working group


class Subject(Record):
    """Quality subject (质量主体): the school, a 专业, a 课程, a 教师 or a 学生.

    A teacher carries the 分级分类 attributes (``title`` 职称, ``post`` 岗位聘任, ``grade`` 名师/骨干教师 …,
    ``track`` 分类) and the appointment term (``term``, 聘期); the school may carry the college calendar
    (``semesters``; default 秋季学期 09-01…01-31, 春季学期 02-01…07-31).
    """

    kind: ClassVar[str] = "Subject"
    level: Level
    unit: Id | None = None
    tier: str | None = None  # 专业层次: 标杆/品牌/骨干/其他
    category: str | None = None  # 课程类别: 校企合作/立项建设/在线开放
    major: Id | None = None  # the 专业 subject a course or student belongs to
    title: str | None = None  # 职称
    post: str | None = None  # 岗位聘任
    grade: str | None = None  # 分级: 名师/骨干教师/青年教师 …
    track: str | None = None  # 分类: 教学为主型/教学科研型 …
    term: Period | None = None  # 聘期 (a teacher's appointment term)
    semesters: list[Semester] = Field(default_factory=list)  # the college calendar (the school)


class Plan(Record):
    """Plan (党代会报告, 七大行动计划, 五年专项规划, 二级学院分项规划, 专业建设规划, 人才培养方案,
    实施性建设方案,
    课程建设计划, 授课计划, 个人发展规划 …); ``type`` names which, ``subject`` and ``owner`` whose."""

    kind: ClassVar[str] = "Plan"
    parent: Id | None = None
    period: Period | None = None
    type: str | None = None
    subject: Id | None = None
    owner: Id | None = None


class Standard(Record):
    """Standard (标准链): 衡量目标达成度的标尺和底线; SPECIFIES metrics (``subject``: a course's own, e.g.
    its 课程考核标准)."""

    kind: ClassVar[str] = "Standard"
    level: Level | None = None
    specifies: list[Id] = Field(default_factory=list)
    subject: Id | None = None


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
    systems: list[System] = Field(default_factory=list)  # 五纵 it belongs to (none: its unit's)
    spiral: SpiralKind | None = None  # which of its subject's spirals (a course: 课程建设 or 课程教学)
    cards: CardRule | None = None  # 黄牌/红牌 rule of a CARDS goal (None: the national rule)

    @model_validator(mode="after")
    def _cards_rule(self) -> Goal:
        if self.cards is not None and self.aggregate is not Aggregate.CARDS:
            raise rule_error("CARDS_WITHOUT_AGGREGATE", "cards: a card rule needs aggregate CARDS")
        if len(set(self.systems)) != len(self.systems):
            raise rule_error("DUPLICATE_SYSTEM", "systems: a system is named twice")
        return self

    @property
    def card_rule(self) -> CardRule:
        """The goal's 黄牌/红牌 rule (the national one unless it gives its own)."""
        return self.cards or NATIONAL_CARD_RULE


class YearTarget(BaseModel):
    """分年度目标: the target in force in one calendar year."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    year: int = Field(ge=1900, le=2199)
    target: float = Field(ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE, allow_inf_nan=False)


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
    systems: list[System] = Field(default_factory=list)  # 五纵 it belongs to (none: its goals')
    targets: list[YearTarget] = Field(default_factory=list)  # 分年度目标 (else ``target`` every year)
    cumulative: bool = False  # 年度累计: the value restarts each January; judged pro rata (docs/semantics.md)

    @model_validator(mode="after")
    def _sane_scale(self) -> Metric:
        self._check_target(self.target)
        years = [t.year for t in self.targets]
        if len(set(years)) != len(years):
            raise rule_error("DUPLICATE_YEAR", "targets: a year is given twice")
        for t in self.targets:
            self._check_target(t.target, f"targets[{t.year}]: ")
        lo, hi = self.value_range
        if lo is not None and hi is not None and hi < lo:
            raise ValueError(f"max_value ({hi}) is below min_value ({lo})")
        if lo is None and hi is None:  # (the fields' own bounds keep them finite and within ±1e12)
            return self
        checked = [("target", self.target), ("baseline", self.baseline), ("floor", self.floor),
                   *((f"targets[{t.year}]", t.target) for t in self.targets)]
        for name, value in checked:
            if value is not None and ((lo is not None and value < lo) or (hi is not None and value > hi)):
                raise ValueError(f"{name}: {self.value_problem(value)}")
        return self

    def _check_target(self, t: float, where: str = "") -> None:
        """A target must lie on the better side of the baseline (and be nonzero without one)."""
        b = self.baseline
        if b is not None:
            if b == t:
                raise rule_error("TARGET_IS_BASELINE",
                                 where + "target equals baseline ({target}): attainment is undefined",
                                 target=t)
            if self.direction is MetricDirection.HIGHER and b > t:
                raise rule_error("BASELINE_NOT_BELOW_TARGET",
                                 where + "HIGHER metric needs baseline ({baseline}) below target ({target})",
                                 baseline=b, target=t)
            if self.direction is MetricDirection.LOWER and b < t:
                raise rule_error("BASELINE_NOT_ABOVE_TARGET",
                                 where + "LOWER metric needs baseline ({baseline}) above target ({target})",
                                 baseline=b, target=t)
        elif t == 0:
            raise rule_error("TARGET_ZERO", where + "target 0 without a baseline: attainment is undefined")

    def target_in(self, year: int) -> float:
        """The target in force in ``year``: its 分年度目标 if one is given, else ``target``."""
        for t in self.targets:
            if t.year == year:
                return t.target
        return self.target

    @property
    def paced(self) -> bool:
        """Whether the metric follows a path over time (分年度目标 or 年度累计): its attainment is already
        measured against where it should be on the date (docs/semantics.md)."""
        return self.cumulative or bool(self.targets)

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
    recurrence: Recurrence | None = None  # YEARLY: start and due repeat every year (年度任务分解)

    @model_validator(mode="after")
    def _ordered(self) -> Task:
        if self.start and self.due and self.due < self.start:
            raise rule_error("DUE_BEFORE_START", "due ({due}) is before start ({start})", due=self.due,
                             start=self.start)
        if self.recurrence is not None:
            if self.start is None or self.due is None:
                raise rule_error("RECURRING_NEEDS_DATES", "a recurring task needs start and due")
            if (self.due - self.start).days >= 365:
                raise rule_error("RECURRING_TOO_LONG",
                                 "a yearly task must fall due within a year of its start")
        return self

    def occurrence(self, when: date) -> tuple[date | None, date | None]:
        """(start, due) of the occurrence in force on ``when``: for a yearly task, the latest one that has
        started by then (else the first); otherwise the task's own dates."""
        if self.recurrence is None or self.start is None or self.due is None:
            return self.start, self.due
        shift = max(0, when.year - self.start.year)
        start = _in_year(self.start, self.start.year + shift)
        if start > when and shift > 0:
            shift -= 1
            start = _in_year(self.start, self.start.year + shift)
        return start, _in_year(self.due, self.due.year + shift)


def _in_year(day: date, year: int) -> date:
    """``day`` moved to ``year`` (29 February becomes the 28th in a common year)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


class SchemeComponent(BaseModel):
    """One component of a 考核 scheme: ``points`` full marks times what ``measure`` gives in [0, 1] (for
    ATTRIBUTE: the subject's ``field`` mapped by ``values``, else 0)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    key: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1)
    points: float = Field(gt=0, le=1000, allow_inf_nan=False)
    measure: ComponentMeasure
    field: str | None = None
    values: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _attribute(self) -> SchemeComponent:
        if self.measure is ComponentMeasure.ATTRIBUTE:
            if self.field not in ATTRIBUTE_FIELDS:
                raise rule_error("ATTRIBUTE_FIELD", "field must be one of {fields}",
                                 fields=", ".join(ATTRIBUTE_FIELDS))
            if not self.values or any(not 0 <= v <= 1 for v in self.values.values()):
                raise rule_error("ATTRIBUTE_VALUES", "values must map attribute values to shares in [0, 1]")
        elif self.field is not None or self.values:
            raise rule_error("FIELD_NOT_ATTRIBUTE", "field and values belong to ATTRIBUTE components only")
        return self


#: Subject fields an ATTRIBUTE component may read (分级分类 of teachers, tiers of 专业 …).
ATTRIBUTE_FIELDS = ("title", "post", "grade", "track", "tier", "category")


class Scheme(Record):
    """考核方案 (the incentive engine, seed §四(三), §六): whom it scores (the subjects of ``level``, or the
    units of ``unit_types``; within ``units`` and their sub-units when given), over which ``period``,
    by which weighted components."""

    kind: ClassVar[str] = "Scheme"
    level: Level | None = None
    unit_types: list[UnitType] = Field(default_factory=list)
    units: list[Id] = Field(default_factory=list)
    period: AssessmentPeriod = AssessmentPeriod.ANNUAL
    components: list[SchemeComponent] = Field(min_length=1, max_length=50)
    description: str | None = None

    @model_validator(mode="after")
    def _whom(self) -> Scheme:
        if (self.level is None) == (not self.unit_types):
            raise rule_error("SCHEME_SUBJECTS",
                             "give either level (persons, 专业, 课程) or unit_types (部门, 二级学院), "
                             "not both")
        keys = [c.key for c in self.components]
        if len(set(keys)) != len(keys):
            raise rule_error("DUPLICATE_COMPONENT", "components: a key is given twice")
        return self

    @property
    def full_marks(self) -> float:
        """The most points a subject can score (Σ of the components' points)."""
        return sum(c.points for c in self.components)


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


Node = Unit | Subject | Plan | Standard | Goal | Metric | Task | Scheme

#: dataset.yaml list name → model
SECTIONS: dict[str, type[Record]] = {
    "units": Unit,
    "subjects": Subject,
    "plans": Plan,
    "standards": Standard,
    "goals": Goal,
    "metrics": Metric,
    "tasks": Task,
    "schemes": Scheme,
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
    schemes: dict[Id, Scheme] = field(default_factory=dict)
    observations: list[ObservedValue] = field(default_factory=list)
    #: the 8字螺旋 history the dataset ships (``history`` of dataset.yaml), as the loader turns it into
    #: spiral events: (subject id, event payload), in file order
    history: list[tuple[Id, dict[str, Any]]] = field(default_factory=list)

    def section(self, name: str) -> dict[Id, Record]:
        """The records of one section (``goals``, ``metrics`` …) by id."""
        return getattr(self, name)

    def records(self) -> list[Record]:
        """Every record, section by section."""
        return [r for name in SECTIONS for r in self.section(name).values()]

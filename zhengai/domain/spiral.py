"""The "8" 字质量改进螺旋 (seed plan §四(二)): each quality subject's cycle and stages.

The big loop (阶段改进) runs 目标 → 标准 → 设计 → 组织 → 实施 → 诊断 → 激励 → 学习 → 创新 → 改进 once a
cycle; the small loop (常态纠偏) 实施 → 监测 → 预警 → 改进 runs at the level's monitoring frequency.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from zhengai import texts
from zhengai.domain.enums import Frequency, Level, SpiralKind

if TYPE_CHECKING:
    from zhengai.domain.models import Goal, Semester, Subject


class Stage(StrEnum):
    """Stages of the big loop, in order."""

    GOAL = "GOAL"  # 目标
    STANDARD = "STANDARD"  # 标准
    DESIGN = "DESIGN"  # 设计
    ORGANISE = "ORGANISE"  # 组织
    IMPLEMENT = "IMPLEMENT"  # 实施
    DIAGNOSE = "DIAGNOSE"  # 诊断
    MOTIVATE = "MOTIVATE"  # 激励
    LEARN = "LEARN"  # 学习
    INNOVATE = "INNOVATE"  # 创新
    IMPROVE = "IMPROVE"  # 改进


#: The event stream of 8字螺旋 stage changes and improvements, keyed by subject (the dataset's ``history``
#: and every write since).
STREAM = "spiral"
#: The small loop (常态纠偏): 实施 → 监测 → 预警 → 改进 (their words: the catalogue's ``small_loop``).
SMALL_LOOP = ("IMPLEMENT", "MONITOR", "WARN", "IMPROVE")
#: Where a subject stands when nothing has been recorded: its cycle is running (实施).
DEFAULT_STAGE = Stage.IMPLEMENT


def next_stage(stage: Stage) -> Stage:
    """The stage after ``stage``; after 改进 the next round starts at 目标."""
    order = list(Stage)
    return order[(order.index(stage) + 1) % len(order)]


@dataclass(frozen=True)
class CycleRule:
    """How long a level's 诊改 cycle is and how often it is monitored; ``key`` names it in the catalogue's
    ``cycle`` table (年度, 学期, …)."""

    key: str
    months: int
    frequency: Frequency

    @property
    def name(self) -> str:
        """The cycle's name (年度, 三年建设周期, 学期, …)."""
        return texts.label("cycle", self.key)


#: Per level (seed §四(二)): 学校 a year, monthly; 专业 three years, each semester; 课程建设 the project
#: period, quarterly; 课程教学 a semester, half-monthly; 教师 the appointment term, each semester;
#: 学生 a semester, monthly.
CYCLES: dict[str, CycleRule] = {
    "SCHOOL": CycleRule("SCHOOL", 12, Frequency.MONTHLY),
    "MAJOR": CycleRule("MAJOR", 36, Frequency.SEMESTER),
    "COURSE_BUILD": CycleRule("COURSE_BUILD", 24, Frequency.QUARTERLY),
    "COURSE_TEACH": CycleRule("COURSE_TEACH", 6, Frequency.HALF_MONTHLY),
    "TEACHER": CycleRule("TEACHER", 36, Frequency.SEMESTER),
    "STUDENT": CycleRule("STUDENT", 6, Frequency.MONTHLY),
}


def cycle_rule(level: Level, category: str | None = None) -> CycleRule:
    """The rule of a subject's main spiral: a 立项建设 course follows its project; other courses the
    semester."""
    if level is Level.COURSE:
        return CYCLES["COURSE_BUILD" if category and "立项" in category else "COURSE_TEACH"]
    return CYCLES[level.value]


def kind_rule(kind: SpiralKind) -> CycleRule:
    """The rule of a spiral kind (部门、二级学院 run the school's: a calendar year, monthly)."""
    return CYCLES["SCHOOL" if kind is SpiralKind.UNIT else kind.value]


def spiral_kinds(subject: Subject) -> tuple[SpiralKind, ...]:
    """The spirals a subject runs, its main one first: a course runs 课程建设 and 课程教学 (§四(二))."""
    if subject.level is Level.COURSE:
        main = SpiralKind(cycle_rule(subject.level, subject.category).key)
        other = SpiralKind.COURSE_TEACH if main is SpiralKind.COURSE_BUILD else SpiralKind.COURSE_BUILD
        return main, other
    if subject.level is Level.SCHOOL and subject.id != subject.unit:  # the school, not a unit
        return (SpiralKind.SCHOOL,)
    if subject.level is Level.SCHOOL:
        return (SpiralKind.UNIT,)
    return (SpiralKind(subject.level.value),)


def in_spiral(goal: Goal, kind: SpiralKind) -> bool:
    """Whether a subject's goal belongs to its spiral ``kind`` (a goal naming no spiral: to all)."""
    return goal.spiral is None or goal.spiral is kind


#: The college calendar when the school gives none (seed: autumn September–January, spring February–July).
DEFAULT_SEMESTER_DAYS = (("秋季学期", "09-01", "01-31"), ("春季学期", "02-01", "07-31"))


def _day(year: int, month_day: str) -> date:
    month, day = map(int, month_day.split("-"))
    return date(year, month, 28 if (month, day) == (2, 29) else day)


def semester_span(when: date, semesters: Sequence[Semester] = ()) -> tuple[date, date]:
    """The semester of the college calendar holding ``when`` (between two semesters, the last one begun);
    ``semesters`` is the school's calendar (default :data:`DEFAULT_SEMESTER_DAYS`)."""
    days = [(s.start, s.end) for s in semesters] or [(a, b) for _, a, b in DEFAULT_SEMESTER_DAYS]
    spans = []
    for start, end in days:
        for year in (when.year - 1, when.year):
            first = _day(year, start)
            last = _day(year + 1 if end < start else year, end)
            spans.append((first, last))
    return max((sp for sp in spans if sp[0] <= when), key=lambda sp: sp[0])


def _longest(periods: Iterable[tuple[date, date]], when: date) -> tuple[date, date] | None:
    """The longest of ``periods`` holding ``when`` (the earliest start among equals)."""
    holding = [p for p in periods if p[0] <= when <= p[1]]
    return max(holding, key=lambda p: ((p[1] - p[0]).days, -p[0].toordinal()), default=None)


def spiral_cycle(kind: SpiralKind, subject: Subject, goals: Iterable[Goal], when: date,
                 semesters: Sequence[Semester] = ()) -> tuple[date, date]:
    """The cycle of a subject's spiral holding ``when`` (seed §四(二)): 学校 and 部门 the calendar year;
    课程教学 and 学生 the semester of the college calendar; 教师 the appointment term (聘期); 专业 its
    three-year 建设周期 and 课程建设 its project period (the longest period of its goals in that spiral
    holding the date); else the calendar cycle of :func:`calendar_cycle`."""
    rule = kind_rule(kind)
    if kind in (SpiralKind.SCHOOL, SpiralKind.UNIT):
        return date(when.year, 1, 1), date(when.year, 12, 31)
    if kind in (SpiralKind.COURSE_TEACH, SpiralKind.STUDENT):
        return semester_span(when, semesters)
    if kind is SpiralKind.TEACHER and subject.term and subject.term.start <= when <= subject.term.end:
        return subject.term.start, subject.term.end
    found = _longest(((g.period.start, g.period.end) for g in goals if g.period and in_spiral(g, kind)), when)
    return found or calendar_cycle(rule, when, semesters)


def calendar_cycle(rule: CycleRule, as_of: date, semesters: Sequence[Semester] = ()) -> tuple[date, date]:
    """The calendar cycle containing ``as_of`` when the subject's own periods give none: years from
    1 January, semesters on the college calendar (:func:`semester_span`), longer cycles from 1 September."""
    if rule.months == 12:
        return date(as_of.year, 1, 1), date(as_of.year, 12, 31)
    if rule.months == 6:
        return semester_span(as_of, semesters)
    start_year = as_of.year if as_of.month >= 9 else as_of.year - 1
    years = rule.months // 12
    return date(start_year, 9, 1), date(start_year + years, 8, 31)

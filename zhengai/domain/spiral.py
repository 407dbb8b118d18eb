"""The "8" 字质量改进螺旋 (seed plan §四(二)): each quality subject's cycle and stages.

The big loop (阶段改进) runs 目标 → 标准 → 设计 → 组织 → 实施 → 诊断 → 激励 → 学习 → 创新 → 改进 once a
cycle; the small loop (常态纠偏) 实施 → 监测 → 预警 → 改进 runs at the level's monitoring frequency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhengai import texts
from zhengai.domain.enums import Frequency, Level


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
    """The rule of a subject: a 立项建设 course follows its project; other courses the semester."""
    if level is Level.COURSE:
        return CYCLES["COURSE_BUILD" if category and "立项" in category else "COURSE_TEACH"]
    return CYCLES[level.value]


def calendar_cycle(rule: CycleRule, as_of: date) -> tuple[date, date]:
    """The calendar cycle containing ``as_of`` when the subject's goals give no period: years from
    1 January, semesters 1 February–31 August and 1 September–31 January, longer cycles from 1 September."""
    if rule.months == 12:
        return date(as_of.year, 1, 1), date(as_of.year, 12, 31)
    if rule.months == 6:
        if 2 <= as_of.month <= 8:
            return date(as_of.year, 2, 1), date(as_of.year, 8, 31)
        start_year = as_of.year if as_of.month >= 9 else as_of.year - 1
        return date(start_year, 9, 1), date(start_year + 1, 1, 31)
    start_year = as_of.year if as_of.month >= 9 else as_of.year - 1
    years = rule.months // 12
    return date(start_year, 9, 1), date(start_year + years, 8, 31)

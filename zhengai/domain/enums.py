"""Enumerations of the 诊改 domain (design.md §1)."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """五横: the five horizontal levels."""

    SCHOOL = "SCHOOL"  # 学校
    MAJOR = "MAJOR"  # 专业
    COURSE = "COURSE"  # 课程
    TEACHER = "TEACHER"  # 教师
    STUDENT = "STUDENT"  # 学生


class System(StrEnum):
    """五纵: the five vertical systems."""

    DECISION = "DECISION"  # 决策指挥
    GENERATION = "GENERATION"  # 质量生成
    RESOURCE = "RESOURCE"  # 资源建设
    SUPPORT = "SUPPORT"  # 支持服务
    SUPERVISION = "SUPERVISION"  # 监督控制


class Aggregate(StrEnum):
    """How a goal combines its children's attainments: weighted mean, the minimum, or 黄牌/红牌 (CARDS: the
    weighted share of its indicators within their limit, with a card by how many are not)."""

    WEIGHTED_MEAN = "WEIGHTED_MEAN"
    MIN = "MIN"
    CARDS = "CARDS"


class Card(StrEnum):
    """黄牌/红牌 of a CARDS goal (基本办学条件): none, a 黄牌 (yellow card) or a 红牌 (red card)."""

    NONE = "NONE"
    YELLOW = "YELLOW"  # 黄牌
    RED = "RED"  # 红牌


class UnitType(StrEnum):
    """What an organisational unit is: a 职能部门, a 二级学院（部）, a committee or a working group."""

    OFFICE = "OFFICE"  # 职能部门
    COLLEGE = "COLLEGE"  # 二级学院（部）
    COMMITTEE = "COMMITTEE"  # 委员会（质量保证委员会）
    WORKGROUP = "WORKGROUP"  # 工作组（诊改工作组、二级学院质量保证工作组）


#: Unit types that are quality subjects themselves (各部门、各院部 run their own 8字螺旋 and report).
SUBJECT_UNIT_TYPES = frozenset({UnitType.OFFICE, UnitType.COLLEGE})


class SpiralKind(StrEnum):
    """The 8字螺旋 a subject runs (seed §四(二)); a course runs two (课程建设 and 课程教学)."""

    SCHOOL = "SCHOOL"  # 学校: calendar year, monthly
    UNIT = "UNIT"  # 部门、二级学院: calendar year, monthly (学校层面)
    MAJOR = "MAJOR"  # 专业: three years, each semester
    COURSE_BUILD = "COURSE_BUILD"  # 课程建设: the project period, quarterly
    COURSE_TEACH = "COURSE_TEACH"  # 课程教学: each semester, half-monthly
    TEACHER = "TEACHER"  # 教师: the appointment term (聘期), each semester
    STUDENT = "STUDENT"  # 学生: each semester, monthly


class Recurrence(StrEnum):
    """How a task repeats (the yearly 年度任务分解, January–March)."""

    YEARLY = "YEARLY"


class ComponentMeasure(StrEnum):
    """What a 考核 component measures for a subject (each in [0, 1])."""

    GOAL_ATTAINMENT = "GOAL_ATTAINMENT"  # 目标达成度
    TASKS_ON_TIME = "TASKS_ON_TIME"  # 任务按期完成
    REPORTS_SUBMITTED = "REPORTS_SUBMITTED"  # 诊改报告提交
    WARNINGS_ANSWERED = "WARNINGS_ANSWERED"  # 预警整改（改进措施回应预警）
    ATTRIBUTE = "ATTRIBUTE"  # 分级分类（职称、聘任、名师/骨干 …）


class AssessmentPeriod(StrEnum):
    """The period a 考核 scheme scores: a calendar year or a semester of the college calendar."""

    ANNUAL = "ANNUAL"
    SEMESTER = "SEMESTER"


class MetricDirection(StrEnum):
    """Whether a metric improves upwards (越高越好) or downwards (越低越好)."""

    HIGHER = "HIGHER"
    LOWER = "LOWER"


class Frequency(StrEnum):
    """监测预警 frequency of a metric."""

    HALF_MONTHLY = "HALF_MONTHLY"
    MONTHLY = "MONTHLY"
    QUARTERLY = "QUARTERLY"
    SEMESTER = "SEMESTER"
    ANNUAL = "ANNUAL"


#: Days of the monitoring window of each frequency (design.md §4, STALE).
FREQUENCY_WINDOW_DAYS: dict[Frequency, int] = {
    Frequency.HALF_MONTHLY: 15,
    Frequency.MONTHLY: 31,
    Frequency.QUARTERLY: 92,
    Frequency.SEMESTER: 183,
    Frequency.ANNUAL: 366,
}


class Status(StrEnum):
    """A goal's or metric's status by attainment (达标, 黄色预警, 红色预警; UNKNOWN: no data)."""

    GREEN = "GREEN"
    YELLOW = "YELLOW"
    RED = "RED"
    UNKNOWN = "UNKNOWN"


class Direction(StrEnum):
    """Traversal direction in the goal graph."""

    UP = "UP"
    DOWN = "DOWN"
    BOTH = "BOTH"


LEVEL_RANK: dict[Level, int] = {lv: i for i, lv in enumerate(Level)}

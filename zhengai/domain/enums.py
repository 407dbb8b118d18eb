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
    """How a goal combines its children's attainments: weighted mean, or the minimum."""

    WEIGHTED_MEAN = "WEIGHTED_MEAN"
    MIN = "MIN"


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

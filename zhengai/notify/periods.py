"""The monitoring jobs of 预警推送: one per level's cycle rule, each with its frequency and period.

学校 monthly, 专业 each semester, 课程建设 quarterly, 课程教学 half-monthly, 教师 each semester, 学生 monthly
(``zhengai.domain.spiral.CYCLES``). A period key names the monitoring round a warning was sent in: the
same warning is sent once per round.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from zhengai import texts
from zhengai.domain.enums import Frequency, Level
from zhengai.domain.spiral import CYCLES

#: The jobs, in the order they run: the keys of the cycle rules.
JOBS: tuple[str, ...] = tuple(CYCLES)

#: APScheduler cron fields of each frequency: the first day of each round, at 08:00.
CRON: dict[Frequency, dict[str, Any]] = {
    Frequency.HALF_MONTHLY: {"day": "1,16"},
    Frequency.MONTHLY: {"day": 1},
    Frequency.QUARTERLY: {"month": "1,4,7,10", "day": 1},
    Frequency.SEMESTER: {"month": "2,9", "day": 1},
    Frequency.ANNUAL: {"month": 1, "day": 1},
}


def frequency(job: str) -> Frequency:
    """The monitoring frequency of a job."""
    return CYCLES[job].frequency


def period_key(freq: Frequency, day: date) -> str:
    """The round of ``freq`` containing ``day``: 2026-11, 2026-11-2 (second half), 2026-Q4, 2026-09S
    (the semester from September), 2026."""
    if freq is Frequency.HALF_MONTHLY:
        return f"{day:%Y-%m}-{1 if day.day < 16 else 2}"
    if freq is Frequency.MONTHLY:
        return f"{day:%Y-%m}"
    if freq is Frequency.QUARTERLY:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if freq is Frequency.SEMESTER:
        if 2 <= day.month <= 8:
            return f"{day.year}-02S"
        return f"{day.year if day.month >= 9 else day.year - 1}-09S"
    return f"{day.year}"


def period_name(key: str) -> str:
    """The period in words: 2026年11月, 2026年11月下半月, 2026年第4季度, 2026年秋季学期, 2026年."""
    year, _, rest = key.partition("-")
    if not rest:
        return texts.say("notify.period.year", year=year)
    if rest.startswith("Q"):
        return texts.say("notify.period.quarter", year=year, quarter=rest[1:])
    if rest.endswith("S"):
        return texts.say("notify.period.spring" if rest == "02S" else "notify.period.autumn", year=year)
    month, _, half = rest.partition("-")
    if half:
        return texts.say(f"notify.period.half{half}", year=year, month=int(month))
    return texts.say("notify.period.month", year=year, month=int(month))


def job_of(level: Level | None, course_category: str | None) -> str:
    """The job a warning of ``level`` belongs to (a 立项建设 course: 课程建设; no level: 学校)."""
    if level is None:
        return "SCHOOL"
    if level is Level.COURSE:
        return "COURSE_BUILD" if course_category and "立项" in course_category else "COURSE_TEACH"
    return level.value

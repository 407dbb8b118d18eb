"""Readings of a metric: the dates each frequency is read on, the value at an attainment, and the
rounding every generated series goes through."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from zhengai.graph_loader.generators.names import HALF_MONTHLY, HIGHER, MONTHLY, QUARTERLY, SEMESTER

SEMESTER_ENDS = (date(2026, 1, 20), date(2026, 7, 10))  # 学期末 of the 2025–26 school year
SURVEY_DAY = date(2026, 7, 1)  # the ANNUAL reading (问卷, 体测 …)


def month_end(year: int, month: int) -> date:
    """The last day of ``month``."""
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


@dataclass(frozen=True)
class ReadingCalendar:
    """When metrics are read: each of ``months`` months from ``first`` (year, month), on its first
    day or, ``at_month_end``, on its last. HALF_MONTHLY adds the 16th (or the 15th); QUARTERLY reads
    at each turn of a quarter (1 Jan/Apr/Jul/Oct, or the last day of Mar/Jun/Sep/Dec); SEMESTER at
    the end of each semester; ANNUAL once, on :data:`SURVEY_DAY`."""

    first: tuple[int, int]
    months: int
    at_month_end: bool

    def month_list(self) -> list[tuple[int, int]]:
        """The (year, month) pairs read."""
        year, month = self.first
        return [(year + (month - 1 + i) // 12, (month - 1 + i) % 12 + 1) for i in range(self.months)]

    def dates(self, frequency: str) -> list[date]:
        """The reading dates of ``frequency``."""
        months = self.month_list()
        if frequency == MONTHLY:
            return [self._day(y, m) for y, m in months]
        if frequency == HALF_MONTHLY:
            if self.at_month_end:
                return [d for y, m in months for d in (date(y, m, 15), month_end(y, m))]
            return [d for y, m in months for d in (date(y, m, 1), date(y, m, 16))]
        if frequency == QUARTERLY:
            turn = 0 if self.at_month_end else 1  # month % 3 of the reading month
            return [self._day(y, m) for y, m in months if m % 3 == turn]
        if frequency == SEMESTER:
            return list(SEMESTER_ENDS)
        return [SURVEY_DAY]

    def _day(self, year: int, month: int) -> date:
        return month_end(year, month) if self.at_month_end else date(year, month, 1)


def value_at(direction: str, baseline: float | None, target: float, attainment: float) -> float:
    """The value whose attainment (design.md §2, unclipped) is ``attainment``."""
    if baseline is None:
        return attainment * target if direction == HIGHER else target / max(attainment, 0.3)
    if direction == HIGHER:
        return baseline + attainment * (target - baseline)
    return baseline - attainment * (baseline - target)


def rounded(raw: Iterable[float], unit: str, dec: int, never_falls: bool) -> list[float]:
    """A generated series as it is recorded: not below 0 (nor above 100 for a %), rounded to ``dec``
    decimals, and for a cumulative count never below the reading before."""
    out: list[float] = []
    pct = unit == "%"
    prev = 0.0
    for v in raw:
        v = max(0.0, min(100.0, v) if pct else v)
        v = round(v, dec) if dec else float(round(v))
        if never_falls and out:
            v = max(v, prev)
        out.append(v)
        prev = v
    return out

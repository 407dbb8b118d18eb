"""Trends: a metric's dated observations and a goal's monthly attainment series (月度达成度趋势).

A goal's trend is its attainment at the end of each month of a range, from a full snapshot per month
end (``Engine.snapshot``). Goal attainments per month end are kept in a small cache per engine and
store version, so the trends of many goals (a report, a page of goals) evaluate each month once.
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhengai.domain.enums import Status
from zhengai.domain.errors import InvalidArgumentError
from zhengai.engine.caching import VersionedLRU
from zhengai.engine.engine import Engine
from zhengai.engine.propagation import status_of

#: At most this many observations in a history (the newest are kept) or in one page of it.
MAX_HISTORY = 500
#: At most this many months in a trend.
MAX_TREND_MONTHS = 36
#: Changes smaller than this (in attainment) read as 持平 (flat).
FLAT_EPS = 0.005
#: Month ends whose goal attainments are kept per engine.
_CACHED_MONTHS = 48


@dataclass(frozen=True)
class HistoryPoint:
    """A metric's dated observed value."""

    at: date
    value: float


@dataclass(frozen=True)
class TrendPoint:
    """A goal's attainment and status at a month end."""

    at: date
    attainment: float | None
    status: Status


class TrendDirection(StrEnum):
    """Where a goal's attainment went over a range: 上升, 下降, 持平 or 无数据 (the catalogue's ``trend``)."""

    UP = "UP"
    DOWN = "DOWN"
    FLAT = "FLAT"
    NONE = "NONE"


@dataclass(frozen=True)
class TrendSummary:
    """The direction and the change in attainment from the first to the last known point."""

    direction: TrendDirection
    change: float | None
    first: float | None
    last: float | None


@dataclass(frozen=True)
class HistoryPage:
    """One page of a metric's observations, oldest first, and how many the whole range holds."""

    points: list[HistoryPoint]
    total: int
    has_previous: bool
    has_next: bool


def _observations(engine: Engine, metric_id: str, start: date | None, end: date | None
                  ) -> list[tuple[date, float]]:
    engine.metric(metric_id)
    if start and end and end < start:
        raise InvalidArgumentError(f"to ({end}) is before from ({start})")
    return engine.history([metric_id], start, end).get(metric_id, [])


def metric_history(engine: Engine, metric_id: str, start: date | None = None,
                   end: date | None = None, limit: int = MAX_HISTORY) -> list[HistoryPoint]:
    """The metric's observations between ``start`` and ``end`` (inclusive), oldest first; at most
    ``limit`` (≤ 500), the newest kept (:func:`metric_history_page` pages through all of them)."""
    if not 0 <= limit <= MAX_HISTORY:
        raise InvalidArgumentError(f"limit must be between 0 and {MAX_HISTORY}")
    found = _observations(engine, metric_id, start, end)
    return [HistoryPoint(at, value) for at, value in found[max(0, len(found) - limit):]]


def metric_history_page(engine: Engine, metric_id: str, start: date | None = None,
                        end: date | None = None, first: int = MAX_HISTORY,
                        after: date | None = None) -> HistoryPage:
    """At most ``first`` (≤ 500) of the metric's observations between ``start`` and ``end`` dated after
    ``after``, oldest first: following each page's last date, every observation comes back once."""
    if not 0 <= first <= MAX_HISTORY:
        raise InvalidArgumentError(f"first must be between 0 and {MAX_HISTORY}")
    found = _observations(engine, metric_id, start, end)
    skip = 0 if after is None else bisect_right(found, after, key=lambda p: p[0])
    page = found[skip:skip + first]
    return HistoryPage([HistoryPoint(at, value) for at, value in page], len(found), skip > 0,
                       skip + first < len(found))


def month_end(d: date) -> date:
    """The last day of ``d``'s month."""
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def month_ends(start: date, end: date) -> list[date]:
    """The end of each month from ``start``'s month to ``end``'s; the last one is ``end`` itself when
    ``end`` falls inside its month (the trend then ends at the requested date)."""
    if end < start:
        raise InvalidArgumentError(f"to ({end}) is before from ({start})")
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months > MAX_TREND_MONTHS:
        raise InvalidArgumentError(f"a trend spans at most {MAX_TREND_MONTHS} months (asked {months})")
    out = []
    y, m = start.year, start.month
    for _ in range(months):
        out.append(min(month_end(date(y, m, 1)), end))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def default_range(start: date | None, end: date | None) -> tuple[date, date]:
    """``end`` defaults to today; ``start`` to the first day of the 12th month back from ``end``."""
    end = Engine.day(end)
    if start is not None:
        Engine.day(start)  # refused outside the dates questions may be asked about
    if start is None:
        y, m = (end.year, end.month - 11) if end.month == 12 else (end.year - 1, end.month + 1)
        start = date(y, m, 1)
    return start, end


_monthly: VersionedLRU[dict[str, float | None]] = VersionedLRU(_CACHED_MONTHS)


def _attainments_at(engine: Engine, when: date) -> dict[str, float | None]:
    """Every goal's attainment at ``when``, kept per store version (month ends are asked again and again)."""
    def compute() -> dict[str, float | None]:
        return engine.base.snapshot(when).goal_attainments()

    return _monthly.get(engine.base, engine.data_version, when, compute)


def goal_trends(engine: Engine, goal_ids: Sequence[str], start: date | None = None,
                end: date | None = None) -> dict[str, list[TrendPoint]]:
    """Each goal's attainment and status at every month end of the range (see :func:`month_ends`)."""
    goals = {g: engine.goal(g) for g in goal_ids}
    start, end = default_range(start, end)
    out: dict[str, list[TrendPoint]] = {g: [] for g in goals}
    for when in month_ends(start, end):
        values = _attainments_at(engine, when)
        for g_id, goal in goals.items():
            a = values.get(g_id)
            out[g_id].append(TrendPoint(when, a, status_of(a, goal.thresholds)))
    return out


def goal_trend(engine: Engine, goal_id: str, start: date | None = None,
               end: date | None = None) -> list[TrendPoint]:
    """The goal's monthly attainment series (月度达成度趋势)."""
    return goal_trends(engine, [goal_id], start, end)[goal_id]


def summarise(points: Sequence[TrendPoint]) -> TrendSummary:
    """上升 / 下降 / 持平 from the first to the last point with a known attainment."""
    known = [p.attainment for p in points if p.attainment is not None]
    if not known:
        return TrendSummary(TrendDirection.NONE, None, None, None)
    first, last = known[0], known[-1]
    change = last - first
    direction = (TrendDirection.FLAT if abs(change) < FLAT_EPS
                 else TrendDirection.UP if change > 0 else TrendDirection.DOWN)
    return TrendSummary(direction, change, first, last)

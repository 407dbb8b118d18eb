"""Every metric's dated values, compact: one sorted array of dates and one of values for all metrics
(compressed sparse rows), plus the series that writes changed since, kept apart until they are folded in.

A college holds millions of observations; as arrays they take 12 bytes each (a date as its ordinal, a
float) instead of Python objects, and the latest value of every metric at a date is one vectorised
binary search. Changed series are replaced whole (copy on write), so readers on other threads always
see a series before or after a write, never half of it.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import numpy as np

from zhengai.domain.models import ObservedValue

__all__ = ["ObservationStore"]

Series = tuple[np.ndarray, np.ndarray]  # (date ordinals int32, values float64), dates ascending
#: Changed series folded into the arrays once they hold this many metrics.
FOLD_AFTER = 2000
_EMPTY: Series = (np.empty(0, np.int32), np.empty(0, np.float64))


def _ordinals(dates: Sequence[date] | np.ndarray) -> np.ndarray:
    """Date ordinals as int32 (an integer array is taken as ordinals already)."""
    if isinstance(dates, np.ndarray) and dates.dtype.kind in "iu":
        return dates.astype(np.int32, copy=False)
    return np.fromiter((d.toordinal() for d in dates), np.int32, len(dates))


class ObservationStore:
    """Dated values of metrics, by metric id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.ids: list[str] = []
        self.index: dict[str, int] = {}
        self.offsets = np.zeros(1, np.int64)
        self.dates = np.empty(0, np.int32)
        self.values = np.empty(0, np.float64)
        self._keys = np.empty(0, np.int64)  # metric position << 32 | date ordinal, for searches
        self.changed: dict[str, Series] = {}  # series written since the arrays were built
        self.folds = 0  # bumped when the arrays are rebuilt (positions change)

    def __getstate__(self) -> dict[str, Any]:
        """What a pickle keeps (the dataset cache): everything but the lock."""
        return {k: v for k, v in vars(self).items() if k != "_lock"}

    def __setstate__(self, fields: dict[str, Any]) -> None:
        self.__dict__.update(fields)
        self._lock = threading.Lock()

    @classmethod
    def of_series(cls, items: Iterable[tuple[str, Sequence[date], Sequence[float]]]) -> ObservationStore:
        """The store of each metric's (dates, values), dates ascending and distinct; the dates as
        :class:`date` objects or as an array of their ordinals."""
        store = cls()
        store._build({m: (_ordinals(ds), np.asarray(vs, np.float64)) for m, ds, vs in items if len(ds)})
        return store

    @classmethod
    def of_columns(cls, ids: list[str], offsets: np.ndarray, dates: np.ndarray,
                   values: np.ndarray) -> ObservationStore:
        """The store of series already laid out as this store keeps them (ids sorted; metric i's dates
        ascending in ``dates[offsets[i]:offsets[i+1]]``)."""
        store = cls()
        lengths = np.diff(offsets)
        positions = np.repeat(np.arange(len(ids), dtype=np.int64), lengths)
        store.ids, store.index = ids, {m: i for i, m in enumerate(ids)}
        store.offsets = offsets.astype(np.int64)
        store.dates, store.values = dates.astype(np.int32), values.astype(np.float64)
        store._keys = (positions << 32) | store.dates.astype(np.int64)
        store.folds += 1
        return store

    def _build(self, series: dict[str, Series]) -> None:
        ids = sorted(series)
        lengths = np.fromiter((len(series[m][0]) for m in ids), np.int64, len(ids))
        offsets = np.zeros(len(ids) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        dates = np.concatenate([series[m][0] for m in ids]) if ids else np.empty(0, np.int32)
        values = np.concatenate([series[m][1] for m in ids]) if ids else np.empty(0, np.float64)
        positions = np.repeat(np.arange(len(ids), dtype=np.int64), lengths)
        self.ids, self.index = ids, {m: i for i, m in enumerate(ids)}
        self.offsets, self.dates, self.values = offsets, dates.astype(np.int32), values.astype(np.float64)
        self._keys = (positions << 32) | dates.astype(np.int64)
        self.changed = {}
        self.folds += 1

    # -- reads ----------------------------------------------------------------------------------
    def series(self, metric: str) -> Series:
        """The metric's (date ordinals, values), dates ascending (empty arrays when it has none)."""
        found = self.changed.get(metric)
        if found is not None:
            return found
        i = self.index.get(metric)
        if i is None:
            return _EMPTY
        lo, hi = self.offsets[i], self.offsets[i + 1]
        return self.dates[lo:hi], self.values[lo:hi]

    def latest(self, as_of: date, metric_ids: Iterable[str] | None = None) -> dict[str, tuple[date, float]]:
        """(date, value) of the latest observation at or before ``as_of`` of each metric with one."""
        d = as_of.toordinal()
        out: dict[str, tuple[date, float]] = {}
        for m in (self.metric_ids() if metric_ids is None else metric_ids):
            dates, values = self.series(m)
            i = int(np.searchsorted(dates, d, side="right"))
            if i:
                out[m] = (date.fromordinal(int(dates[i - 1])), float(values[i - 1]))
        return out

    def positions(self, metric_ids: Sequence[str]) -> np.ndarray:
        """Each metric's row in the arrays (−1: none); valid until the arrays are rebuilt (``folds``)."""
        index = self.index
        return np.fromiter((index.get(m, -1) for m in metric_ids), np.int64, len(metric_ids))

    def latest_at(self, as_of: date, positions: np.ndarray,
                  rows: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
        """For the metrics at ``positions`` (of :meth:`positions`; ``rows``: each metric id's place among
        them): the latest value at or before ``as_of`` (NaN: none) and its date's ordinal (0: none) — one
        vectorised search over the arrays, then the changed series one by one."""
        d = as_of.toordinal()
        values = np.full(len(positions), np.nan)
        seen = np.zeros(len(positions), np.int32)
        have = positions >= 0
        if have.any() and len(self._keys):
            p = positions[have]
            found = np.searchsorted(self._keys, (p << 32) | d, side="right") - 1
            ok = found >= self.offsets[p]
            where = np.flatnonzero(have)[ok]
            values[where] = self.values[found[ok]]
            seen[where] = self.dates[found[ok]]
        for metric, (dates, vals) in list(self.changed.items()):
            row = rows.get(metric)
            if row is None:
                continue
            i = int(np.searchsorted(dates, d, side="right"))
            values[row], seen[row] = (vals[i - 1], dates[i - 1]) if i else (np.nan, 0)
        return values, seen

    def history(self, metric_ids: Sequence[str], start: date | None = None,
                end: date | None = None) -> dict[str, list[tuple[date, float]]]:
        """Each metric's observations between ``start`` and ``end`` (inclusive), by date."""
        out = {}
        for m in metric_ids:
            dates, values = self.series(m)
            lo = int(np.searchsorted(dates, start.toordinal(), side="left")) if start else 0
            hi = int(np.searchsorted(dates, end.toordinal(), side="right")) if end else len(dates)
            out[m] = [(date.fromordinal(int(a)), float(v)) for a, v in zip(dates[lo:hi], values[lo:hi],
                                                                         strict=True)]
        return out

    def metric_ids(self) -> list[str]:
        """Every metric with at least one observation."""
        return sorted(set(self.ids).union(self.changed)) if self.changed else list(self.ids)

    def count(self) -> int:
        """How many observations in all."""
        base = len(self.dates) - sum(int(self.offsets[self.index[m] + 1] - self.offsets[self.index[m]])
                                     for m in self.changed if m in self.index)
        return base + sum(len(d) for d, _ in self.changed.values())

    # -- writes ---------------------------------------------------------------------------------
    def add(self, rows: Iterable[ObservedValue]) -> int:
        """Set each (metric, at) to its value; returns how many changed."""
        by_metric: dict[str, list[ObservedValue]] = {}
        for o in rows:
            by_metric.setdefault(o.metric, []).append(o)
        changed = 0
        with self._lock:
            for metric, items in by_metric.items():
                dates_a, values_a = self.series(metric)
                dates, values = dates_a.tolist(), values_a.tolist()
                for o in items:
                    d = o.at.toordinal()
                    i = bisect_left(dates, d)
                    if i < len(dates) and dates[i] == d:
                        if values[i] != o.value:
                            values[i] = o.value
                            changed += 1
                    else:
                        dates.insert(i, d)
                        values.insert(i, o.value)
                        changed += 1
                self.changed[metric] = (np.asarray(dates, np.int32), np.asarray(values, np.float64))
            if len(self.changed) >= FOLD_AFTER:
                self._fold()
        return changed

    def _fold(self) -> None:
        """Rebuild the arrays with the changed series in them."""
        merged = {m: self.series(m) for m in self.metric_ids()}
        self._build({m: s for m, s in merged.items() if len(s[0])})

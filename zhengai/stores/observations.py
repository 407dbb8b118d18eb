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

import numpy as np

from zhengai.domain.models import ObservedValue

__all__ = ["ObservationStore"]

Series = tuple[np.ndarray, np.ndarray]  # (date ordinals int32, values float64), dates ascending
#: Changed series folded into the arrays once they hold this many metrics.
FOLD_AFTER = 2000
_EMPTY: Series = (np.empty(0, np.int32), np.empty(0, np.float64))


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

    @classmethod
    def of_series(cls, items: Iterable[tuple[str, Sequence[date], Sequence[float]]]) -> ObservationStore:
        """The store of each metric's (dates, values), dates ascending and distinct."""
        store = cls()
        store._build({m: (np.fromiter((d.toordinal() for d in ds), np.int32, len(ds)),
                          np.asarray(vs, np.float64)) for m, ds, vs in items if len(ds)})
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

    def latest_arrays(self, as_of: date, metric_ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """For each of ``metric_ids``: the latest value at or before ``as_of`` (NaN: none) and its date's
        ordinal (0: none) — one vectorised search over the arrays, the changed series one by one."""
        d = as_of.toordinal()
        positions = np.fromiter((self.index.get(m, -1) for m in metric_ids), np.int64, len(metric_ids))
        values = np.full(len(metric_ids), np.nan)
        seen = np.zeros(len(metric_ids), np.int32)
        have = positions >= 0
        if have.any() and len(self._keys):
            p = positions[have]
            found = np.searchsorted(self._keys, (p << 32) | d, side="right") - 1
            ok = found >= self.offsets[p]
            rows = np.flatnonzero(have)[ok]
            values[rows] = self.values[found[ok]]
            seen[rows] = self.dates[found[ok]]
        for m, (dates, vals) in self.changed.items():
            for row in _rows_of(metric_ids, m):
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


def _rows_of(metric_ids: Sequence[str], metric: str) -> list[int]:
    """Positions of ``metric`` in ``metric_ids`` (usually one or none)."""
    if isinstance(metric_ids, _Indexed):
        return metric_ids.rows(metric)
    return [i for i, m in enumerate(metric_ids) if m == metric]


class _Indexed(list):
    """A list of metric ids that knows each id's position (for :meth:`ObservationStore.latest_arrays`)."""

    def __init__(self, ids: Iterable[str]):
        super().__init__(ids)
        self._at = {m: i for i, m in enumerate(self)}

    def rows(self, metric: str) -> list[int]:
        i = self._at.get(metric)
        return [] if i is None else [i]


def indexed(ids: Iterable[str]) -> list[str]:
    """``ids`` as a list that finds each id's position at once (pass it to ``latest_arrays``)."""
    return _Indexed(ids)

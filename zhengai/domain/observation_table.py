"""Validated observations as columns: a college's millions of ``observations.csv`` rows held as arrays
(about 20 bytes a row) instead of one Python object each, and grouped into each metric's series in
vectorised passes.

:class:`ObservationTable` is a read-only sequence of :class:`ObservedValue` (rows made on demand), so
code written for a list of observations reads it unchanged; :func:`metric_series` groups either into
the (metric, date ordinals, values) series the stores hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any, overload

import numpy as np

from zhengai.domain.models import ObservedValue

__all__ = ["ObservationTable", "metric_series"]

Series = tuple[str, np.ndarray, np.ndarray]  # (metric id, date ordinals int32 ascending, values float64)


class ObservationTable(Sequence[ObservedValue]):
    """Observations in file order as columns: metric codes into ``metrics`` (sorted ids), date ordinals,
    values and source codes into ``sources``."""

    def __init__(self, metrics: Sequence[str], codes: np.ndarray, dates: np.ndarray, values: np.ndarray,
                 sources: Sequence[str | None] = (None,), source_codes: np.ndarray | None = None):
        order = np.argsort(np.asarray(metrics, dtype=object)) if len(metrics) else np.empty(0, np.int64)
        rank = np.empty(len(metrics), np.int32)
        rank[order] = np.arange(len(metrics), dtype=np.int32)
        self.metrics: list[str] = [metrics[i] for i in order]
        self.codes = rank[np.asarray(codes, np.int64)] if len(codes) else np.empty(0, np.int32)
        self.dates = np.asarray(dates, np.int32)
        self.values = np.asarray(values, np.float64)
        self.sources: list[str | None] = list(sources) or [None]
        self.source_codes = (np.zeros(len(self.codes), np.int32) if source_codes is None
                             else np.asarray(source_codes, np.int32))

    @classmethod
    def of_values(cls, rows: Iterable[Any]) -> ObservationTable:
        """The table of observations given one by one (anything with ``metric``, ``at``, ``value`` and
        optionally ``source``)."""
        metric_code: dict[str, int] = {}
        source_code: dict[str | None, int] = {None: 0}
        codes, dates, values, sources = [], [], [], []
        for o in rows:
            codes.append(metric_code.setdefault(o.metric, len(metric_code)))
            dates.append(o.at.toordinal())
            values.append(o.value)
            sources.append(source_code.setdefault(getattr(o, "source", None), len(source_code)))
        return cls(list(metric_code), np.asarray(codes, np.int64), np.asarray(dates, np.int32),
                   np.asarray(values, np.float64), list(source_code), np.asarray(sources, np.int32))

    def __len__(self) -> int:
        return len(self.codes)

    @overload
    def __getitem__(self, i: int) -> ObservedValue: ...
    @overload
    def __getitem__(self, i: slice) -> list[ObservedValue]: ...
    def __getitem__(self, i: int | slice) -> ObservedValue | list[ObservedValue]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return ObservedValue(self.metrics[self.codes[i]], date.fromordinal(int(self.dates[i])),
                             float(self.values[i]), self.sources[self.source_codes[i]])

    def __iter__(self) -> Iterator[ObservedValue]:
        step = 65536
        for lo in range(0, len(self), step):
            rows = zip(self.codes[lo:lo + step].tolist(), self.dates[lo:lo + step].tolist(),
                       self.values[lo:lo + step].tolist(), self.source_codes[lo:lo + step].tolist(),
                       strict=True)
            for code, day, value, source in rows:
                yield ObservedValue(self.metrics[code], date.fromordinal(day), value, self.sources[source])

    def __add__(self, other: Iterable[Any]) -> ObservationTable:
        return ObservationTable.of_values([*self, *other])

    def __repr__(self) -> str:
        return f"ObservationTable({len(self)} observations of {len(self.metrics)} metrics)"

    def sorted_columns(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """(metric ids, offsets, dates, values): metric i's series is ``dates[offsets[i]:offsets[i+1]]``
        (ascending) with its values; ids sorted; of the same (metric, date) twice the later row counts (as
        when the rows are applied in order)."""
        keys = (self.codes.astype(np.int64) << 32) | self.dates.astype(np.int64)
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        last = np.ones(len(keys), bool)
        last[:-1] = keys[1:] != keys[:-1]
        order = order[last]
        codes, dates, values = self.codes[order], self.dates[order], self.values[order]
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.empty(0, np.int64)
        offsets = np.r_[starts, len(codes)].astype(np.int64)
        return [self.metrics[c] for c in codes[starts].tolist()], offsets, dates, values

    def series(self) -> Iterator[Series]:
        """Each metric's series, metrics by id, dates ascending (see :meth:`sorted_columns`)."""
        ids, offsets, dates, values = self.sorted_columns()
        bounds = offsets.tolist()
        for i, metric in enumerate(ids):
            yield metric, dates[bounds[i]:bounds[i + 1]], values[bounds[i]:bounds[i + 1]]


def metric_series(observations: Sequence[Any]) -> Iterator[Series]:
    """Each metric's series of a list of observations or an :class:`ObservationTable`, as
    :meth:`ObservationTable.series` gives them."""
    if isinstance(observations, ObservationTable):
        return observations.series()
    return ObservationTable.of_values(observations).series()

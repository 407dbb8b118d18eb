"""监测预警 held as arrays: the warnings due at one date as rows in order, built into objects when read.

Each row is a node slot (metrics and goals numbered as compiled, then the date's tasks), the rule and the
severity, packed into one sort key whose order is :func:`monitoring.sort_key`'s, and the readings the
warning was judged on. After an ingest the rules are judged over the snapshot's arrays for the dirty
nodes in a few vectorised passes and their rows merged into the order (:func:`updated`); a row's
:class:`~zhengai.engine.monitoring.Warning` (its message formatted by the same rule functions the full
computation runs) is built the first time it is read and kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from functools import cached_property
from typing import Any, overload

import numpy as np

from zhengai.domain.enums import FREQUENCY_WINDOW_DAYS, MetricDirection
from zhengai.domain.models import DEFAULT_THRESHOLDS, Metric
from zhengai.engine.columnar import Compiled
from zhengai.engine.monitoring import (
    PACE_TOLERANCE,
    SEVERITY_RANK,
    MonitoringContext,
    Severity,
    Warning,
    WarningType,
    goal_judged,
    metric_judged,
)
from zhengai.engine.propagation import below_floor
from zhengai.engine.snapshot import Snapshot
from zhengai.engine.structure import Graph

__all__ = ["LazyWarnings", "NodeIndex", "Positions", "Slots", "Table", "joined", "positions", "updated"]

#: some metrics' and goals' positions in one compiled structure's arrays
Positions = tuple[Compiled, np.ndarray, np.ndarray]

_TYPES = list(WarningType)  # in rule order (monitoring's _TYPE_RANK)
_TYPE = {t: i for i, t in enumerate(_TYPES)}
_SEVERITIES = sorted(Severity, key=SEVERITY_RANK.__getitem__, reverse=True)  # RED first
_SEVERITY = {s: i for i, s in enumerate(_SEVERITIES)}
_RED, _YELLOW = _SEVERITY[Severity.RED], _SEVERITY[Severity.YELLOW]
_STATUS, _FLOOR, _STALE, _PACE = (_TYPE[t] for t in (WarningType.STATUS, WarningType.FLOOR, WarningType.STALE,
                                                     WarningType.BEHIND_PACE))


class Slots:
    """The node numbering of one date's warnings (metrics, goals as compiled, then tasks), each slot's
    rank in id order and the rules' parameters of the nodes in force."""

    def __init__(self, snap: Snapshot, task_ids: list[str]):
        c = snap._compiled
        self.compiled: Compiled = c
        self.graph: Graph = snap.structure.graph
        self.as_of: date = snap.as_of
        self.m, self.g = len(c.metric_ids), len(c.goal_ids)
        self.task_ids = task_ids
        self.task_index = {t: i for i, t in enumerate(task_ids)}
        ids = c.metric_ids + c.goal_ids + task_ids
        self.size = len(ids)
        #: metric and goal id → slot
        self.index: dict[str, int] = dict(zip(c.metric_ids + c.goal_ids, range(self.m + self.g), strict=True))
        order = np.asarray(sorted(range(self.size), key=ids.__getitem__), np.int64)
        self.rank = np.empty(self.size, np.int64)
        self.rank[order] = np.arange(self.size)
        self.green = np.full(self.g, DEFAULT_THRESHOLDS.green)
        self.yellow = np.full(self.g, DEFAULT_THRESHOLDS.yellow)
        for gid, goal in self.graph.goals.items():
            i = c.goal_index.get(gid)
            if i is not None and goal.thresholds is not None:
                self.green[i], self.yellow[i] = goal.thresholds.green, goal.thresholds.yellow
        self.window = np.zeros(self.m, np.int64)
        self.floor = np.full(self.m, np.nan)
        self.higher = np.ones(self.m, bool)
        self.cumulative = np.zeros(self.m, bool)
        for mid, metric in self.graph.metrics.items():
            i = c.metric_index.get(mid)
            if i is None:
                continue
            self.window[i] = FREQUENCY_WINDOW_DAYS[metric.frequency]
            self.floor[i] = np.nan if metric.floor is None else metric.floor
            self.higher[i] = metric.direction is MetricDirection.HIGHER
            self.cumulative[i] = metric.cumulative

    def slot(self, node_id: str) -> int | None:
        """A metric's, goal's or task's slot (None: none here)."""
        c = self.compiled
        if (i := c.metric_index.get(node_id)) is not None:
            return i
        if (i := c.goal_index.get(node_id)) is not None:
            return self.m + i
        if (i := self.task_index.get(node_id)) is not None:
            return self.m + self.g + i
        return None

    def node_id(self, slot: int) -> str:
        """The id of the node in ``slot``."""
        if slot < self.m:
            return self.compiled.metric_ids[slot]
        if slot < self.m + self.g:
            return self.compiled.goal_ids[slot - self.m]
        return self.task_ids[slot - self.m - self.g]

    def keys(self, slots: np.ndarray, types: np.ndarray, severities: np.ndarray) -> np.ndarray:
        """The rows' sort keys: severity (RED first), rule, then node id."""
        return (severities * len(_TYPES) + types) * self.size + self.rank[slots]

    def type_of(self, keys: np.ndarray) -> np.ndarray:
        """The rule of each key's row."""
        return (keys // self.size) % len(_TYPES)


class Table:
    """The warnings due at one date as rows in order: sort keys, slots, the readings judged (a metric's
    value, attainment and date; a goal's attainment and pace expectation) and the objects built."""

    def __init__(self, slots: Slots, ctx: MonitoringContext, keys: np.ndarray, rows: np.ndarray,
                 readings: tuple[np.ndarray, np.ndarray, np.ndarray], objs: np.ndarray):
        self.slots, self.ctx = slots, ctx
        self.keys, self.rows, self.readings, self.objs = keys, rows, readings, objs

    @classmethod
    def of(cls, found: list[Warning], slots: Slots, ctx: MonitoringContext) -> Table | None:
        """The table of ``found`` (in order), its objects built; None when a node has no slot."""
        at = [slots.slot(w.node_id) for w in found]
        if None in at:
            return None
        rows = np.asarray(at, np.int64)
        types = np.fromiter((_TYPE[w.type] for w in found), np.int64, len(found))
        severities = np.fromiter((_SEVERITY[w.severity] for w in found), np.int64, len(found))
        objs = np.empty(len(found), object)
        objs[:] = found
        keys = slots.keys(rows, types, severities)
        if len(keys) > 1 and not bool(np.all(keys[1:] > keys[:-1])):
            return None  # not in the order the keys say: keep them as a list
        unread = np.full(len(found), np.nan)  # built already: never read (nor written: shared)
        return cls(slots, ctx, keys, rows, (unread, unread, unread), objs)

    def __len__(self) -> int:
        return len(self.keys)

    def warning(self, i: int) -> Warning:
        """Row ``i``'s warning, built (and kept) on first read."""
        w = self.objs[i]
        if w is None:
            w = self.objs[i] = self._build(i)
        return w

    def _build(self, i: int) -> Warning:
        s, type_ = self.slots, _TYPES[int(self.slots.type_of(self.keys[i]))]
        slot = int(self.rows[i])
        first, second, third = (float(r[i]) for r in self.readings)
        if slot < s.m:
            metric = s.graph.metrics[s.compiled.metric_ids[slot]]
            known = first == first
            found = metric_judged(metric, first if known else None,
                                  date.fromordinal(int(third)) if known else None,
                                  second if second == second else None, self.ctx)
        else:
            goal = s.graph.goals[s.compiled.goal_ids[slot - s.m]]
            found = goal_judged(goal, first if first == first else None, second if second == second else None,
                                self.ctx)
        return next(w for w in found if w.type is type_)

    @cached_property
    def _by_slot(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.rows, kind="stable")
        return order, self.rows[order]

    def rows_of(self, slot: int) -> np.ndarray:
        """The positions of ``slot``'s warnings, in order."""
        order, sorted_slots = self._by_slot
        lo, hi = np.searchsorted(sorted_slots, [slot, slot + 1])
        return order[lo:hi]


class LazyWarnings(Sequence[Warning]):
    """Warnings in order (a table's rows, or some of them), each built when first read."""

    def __init__(self, table: Table, positions: np.ndarray | None = None):
        self.table, self.positions = table, positions

    def __len__(self) -> int:
        return len(self.table) if self.positions is None else len(self.positions)

    def _at(self, i: int) -> Warning:
        return self.table.warning(i if self.positions is None else int(self.positions[i]))

    @overload
    def __getitem__(self, i: int) -> Warning: ...

    @overload
    def __getitem__(self, i: slice) -> list[Warning]: ...

    def __getitem__(self, i: int | slice) -> Warning | list[Warning]:
        if isinstance(i, slice):
            return [self._at(k) for k in range(*i.indices(len(self)))]
        n = len(self)
        if not -n <= i < n:
            raise IndexError(i)
        return self._at(i % n)

    def __iter__(self) -> Iterator[Warning]:
        return (self._at(k) for k in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyWarnings({len(self)} warnings)"


class NodeIndex(Mapping[str, list[Warning]]):
    """Node id → its warnings in a table, in order (nodes without warnings are not keys)."""

    def __init__(self, table: Table):
        self.table = table

    def __getitem__(self, node_id: str) -> list[Warning]:
        slot = self.table.slots.slot(node_id)
        rows = self.table.rows_of(slot) if slot is not None else ()
        if not len(rows):
            raise KeyError(node_id)
        return [self.table.warning(int(r)) for r in rows]

    def get(self, node_id: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            return self[node_id]
        except KeyError:
            return default

    def __contains__(self, node_id: object) -> bool:
        return isinstance(node_id, str) and self.get(node_id) is not None

    def __iter__(self) -> Iterator[str]:
        return (self.table.slots.node_id(int(s)) for s in np.unique(self.table.rows))

    def __len__(self) -> int:
        return len(np.unique(self.table.rows))


def positions(compiled: Compiled, metrics: list[int], goals: list[int]) -> Positions:
    """The positions of ``metrics`` and ``goals`` in ``compiled``'s arrays."""
    return compiled, np.asarray(metrics, np.int64), np.asarray(goals, np.int64)


def joined(a: Positions, b: Positions) -> Positions | None:
    """Both sets of positions (None: in different arrays)."""
    if a[0] is not b[0]:
        return None
    return a[0], np.concatenate([a[1], b[1]]), np.concatenate([a[2], b[2]])


def _dirty_slots(slots: Slots, dirty: frozenset[str],
                 at: Positions | None) -> tuple[np.ndarray, np.ndarray] | None:
    """The compiled positions of the dirty metrics and goals, each once (None: a node the arrays do not
    know): as the refreshes recorded them, else looked up by id."""
    if at is not None and at[0] is slots.compiled:
        marked = np.zeros(slots.size, bool)
        marked[at[1]] = True
        marked[slots.m + at[2]] = True
        return np.flatnonzero(marked[:slots.m]), np.flatnonzero(marked[slots.m:slots.m + slots.g])
    try:
        at = np.fromiter(map(slots.index.__getitem__, dirty), np.int64, len(dirty))
    except KeyError:
        return None
    metrics = at < slots.m
    return at[metrics], at[~metrics] - slots.m


_Group = tuple[np.ndarray, int, int, np.ndarray]  # (which of the dirty nodes, rule, severity, readings)


def _metric_rows(slots: Slots, snap: Snapshot, dm: np.ndarray) -> list[_Group]:
    """The dirty metrics' warnings as (positions into ``dm``, rule, severity, readings) groups."""
    value, seen, att = snap._m_value[dm], snap._m_seen[dm], snap._m_att[dm]
    alive = snap._m_alive[dm]
    none = np.isnan(value)
    has = alive & ~none
    stale = (alive & none) | (has & (seen < slots.as_of.toordinal() - slots.window[dm]))
    floor = slots.floor[dm]
    with np.errstate(invalid="ignore"):
        beyond = has & np.where(slots.higher[dm], value < floor, value > floor)
    for k in np.flatnonzero(has & slots.cumulative[dm] & ~np.isnan(floor)):  # compared annualised
        metric = slots.graph.metrics[slots.compiled.metric_ids[int(dm[k])]]
        assert isinstance(metric, Metric)
        beyond[k] = below_floor(metric, float(value[k]), slots.as_of, date.fromordinal(int(seen[k])))
    judged = has & ~beyond & ~np.isnan(att)
    with np.errstate(invalid="ignore"):
        red = judged & (att < DEFAULT_THRESHOLDS.yellow)
        yellow = judged & (att >= DEFAULT_THRESHOLDS.yellow) & (att < DEFAULT_THRESHOLDS.green)
    readings = np.stack([value, att, seen.astype(np.float64)])
    return [(stale, _STALE, _YELLOW, readings), (beyond, _FLOOR, _RED, readings),
            (red, _STATUS, _RED, readings), (yellow, _STATUS, _YELLOW, readings)]


def _goal_rows(slots: Slots, snap: Snapshot, dg: np.ndarray) -> list[_Group]:
    """The dirty goals' warnings as (positions into ``dg``, rule, severity, readings) groups."""
    a, expected, alive = snap._g_att[dg], snap._g_expected[dg], snap._g_alive[dg]
    known = alive & ~np.isnan(a)
    with np.errstate(invalid="ignore"):
        red = known & (a < slots.yellow[dg])
        yellow = known & (a >= slots.yellow[dg]) & (a < slots.green[dg])
        behind = known & ~np.isnan(expected) & (a < expected - PACE_TOLERANCE)
        far = behind & (a < expected - 3 * PACE_TOLERANCE)
    readings = np.stack([a, expected, np.full(len(dg), np.nan)])
    return [(red, _STATUS, _RED, readings), (yellow, _STATUS, _YELLOW, readings),
            (far, _PACE, _RED, readings), (behind & ~far, _PACE, _YELLOW, readings)]


def updated(table: Table, dirty: frozenset[str], at: Positions | None, snap: Snapshot,
            ctx: MonitoringContext) -> tuple[Table, np.ndarray] | None:
    """``table`` with the dirty nodes' rows judged afresh on ``snap`` and merged into the order, and the
    positions of the rows they raised (none before on that node and rule); None when the arrays cannot
    say (a node compiled after the table's arrays, or the snapshot's arrays recompiled)."""
    slots = table.slots
    if snap._compiled is not slots.compiled or snap.as_of != slots.as_of:
        return None
    found = _dirty_slots(slots, dirty, at)
    if found is None:
        return None
    dm, dg = found
    parts = [(dm[mask], rule, severity, readings[:, mask]) for mask, rule, severity, readings
             in _metric_rows(slots, snap, dm)]
    parts += [(slots.m + dg[mask], rule, severity, readings[:, mask]) for mask, rule, severity, readings
              in _goal_rows(slots, snap, dg)]
    new_rows = np.concatenate([p[0] for p in parts])
    new_types = np.concatenate([np.full(len(p[0]), p[1], np.int64) for p in parts])
    new_severities = np.concatenate([np.full(len(p[0]), p[2], np.int64) for p in parts])
    new_readings = np.concatenate([p[3] for p in parts], axis=1)
    new_keys = slots.keys(new_rows, new_types, new_severities)
    order = np.argsort(new_keys)
    new_keys, new_rows, new_types, new_readings = (new_keys[order], new_rows[order], new_types[order],
                                                   new_readings[:, order])
    marked = np.zeros(slots.size, bool)
    marked[dm] = True
    marked[slots.m + dg] = True
    dropped = marked[table.rows]
    kinds = len(_TYPES)
    had = np.zeros(slots.size * kinds, bool)  # (slot, rule) of the rows dropped
    had[table.rows[dropped] * kinds + slots.type_of(table.keys[dropped])] = True
    kept = np.flatnonzero(~dropped)
    at = np.searchsorted(table.keys[kept], new_keys)
    fresh = at + np.arange(len(at))  # the new rows' positions in the merged order
    spaces = np.ones(len(kept) + len(at), bool)
    spaces[fresh] = False
    old = np.flatnonzero(spaces)  # the kept rows' positions
    first, second, third = (_merged(r, kept, n, old, fresh) for r, n in zip(table.readings, new_readings,
                                                                             strict=True))
    out = Table(slots, ctx, _merged(table.keys, kept, new_keys, old, fresh),
                _merged(table.rows, kept, new_rows, old, fresh), (first, second, third),
                _merged(table.objs, kept, None, old, fresh))
    return out, fresh[~had[new_rows * kinds + new_types]]


def _merged(held: np.ndarray, kept: np.ndarray, new: Any, old: np.ndarray, fresh: np.ndarray) -> np.ndarray:
    """``held``'s ``kept`` rows at the ``old`` positions and ``new`` at the ``fresh`` ones."""
    out = np.empty(len(old) + len(fresh), held.dtype)
    out[old] = held[kept]
    out[fresh] = new
    return out

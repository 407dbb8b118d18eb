"""A date's evaluation of the whole graph: every metric's and goal's attainment (design.md §2).

Evaluated in arrays (:mod:`zhengai.engine.columnar`) and read by id. After a write the engine refreshes
a cached snapshot in place — the changed nodes and the goals above them only, node by node — so a
snapshot is exact for the state it was last refreshed to; nodes the compiled arrays do not know (made
after they were compiled) live beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Any

import numpy as np

from zhengai.domain.enums import Status
from zhengai.domain.models import Goal, Metric
from zhengai.engine.columnar import Compiled, evaluate
from zhengai.engine.propagation import (
    UNKNOWN_GOAL,
    Child,
    GoalValue,
    aggregate,
    below_limit,
    elapsed_share,
    goal_below_limit,
    metric_attainment,
    metric_expected,
    metric_status,
    status_of,
)
from zhengai.engine.structure import Structure

__all__ = ["Snapshot"]

_NO_VALUE = (None, None, None)  # (value, seen, attainment) of a metric with no observation


class Snapshot:
    """Attainment of every node in force at ``as_of``."""

    def __init__(self, structure: Structure, compiled: Compiled):
        self.structure = structure
        self.as_of: date = structure.when
        self._compiled = compiled
        e = evaluate(structure.state, compiled, self.as_of)
        self._m_value, self._m_seen, self._m_att, self._m_alive = e.value, e.seen, e.metric_attainment, \
            e.metric_alive
        self._g_att, self._g_cov, self._g_known, self._g_min, self._g_alive = e.goal_attainment, e.coverage, \
            e.known_weight, e.min_count, e.goal_alive
        self._g_below, self._g_expected = e.below, e.expected
        # nodes written since the arrays were compiled: metric id → (value, seen, attainment) or None
        # (not in force); goal id → GoalValue or None
        self._metrics_beside: dict[str, tuple[float | None, date | None, float | None] | None] = {}
        self._goals_beside: dict[str, GoalValue | None] = {}
        #: the compiled positions of the metrics and goals the last refresh set (None: one lives beside)
        self.refreshed_at: tuple[list[int], list[int]] | None = None

    @classmethod
    def evaluate(cls, structure: Structure, compiled: Compiled) -> Snapshot:
        """Evaluate every node at the structure's date."""
        return cls(structure, compiled)

    # -- reading a node -------------------------------------------------------------------------
    def _metric(self, metric_id: str) -> tuple[float | None, date | None, float | None] | None:
        """(value, date, attainment) of a metric in force; None when it is not."""
        if metric_id in self._metrics_beside:
            return self._metrics_beside[metric_id]
        i = self._compiled.metric_index.get(metric_id)
        if i is None or not self._m_alive[i]:
            return None
        value = self._m_value[i]
        if value != value:  # NaN: no observation
            return _NO_VALUE
        att = self._m_att[i]
        return float(value), date.fromordinal(int(self._m_seen[i])), None if att != att else float(att)

    def goal_value(self, goal_id: str) -> GoalValue:
        """A goal's attainment with what its derivatives need (UNKNOWN_GOAL: unknown or not in force)."""
        if goal_id in self._goals_beside:
            return self._goals_beside[goal_id] or UNKNOWN_GOAL
        i = self._compiled.goal_index.get(goal_id)
        if i is None or not self._g_alive[i]:
            return UNKNOWN_GOAL
        att = self._g_att[i]
        if att != att:
            return UNKNOWN_GOAL
        expected = self._g_expected[i]
        return GoalValue(float(att), float(self._g_cov[i]), float(self._g_known[i]), int(self._g_min[i]),
                         int(self._g_below[i]), None if expected != expected else float(expected))

    def reading(self, metric_id: str) -> tuple[float | None, date | None, float | None]:
        """A metric's (latest value, its date, attainment) at the snapshot's date, in one look-up."""
        return self._metric(metric_id) or _NO_VALUE

    def attainment(self, node_id: str) -> float | None:
        """A metric's or goal's attainment (None: unknown)."""
        found = self._metric(node_id)
        if found is not None:
            return found[2]
        return self.goal_value(node_id).attainment

    def value(self, metric_id: str) -> float | None:
        """A metric's latest value at the snapshot's date."""
        found = self._metric(metric_id)
        return None if found is None else found[0]

    def seen(self, metric_id: str) -> date | None:
        """The date of a metric's latest observation at the snapshot's date."""
        found = self._metric(metric_id)
        return None if found is None else found[1]

    def goal_status(self, goal: Goal) -> Status:
        """A goal's status from its attainment and thresholds."""
        return status_of(self.goal_value(goal.id).attainment, goal.thresholds)

    def metric_status(self, metric: Metric) -> Status:
        """A metric's status: RED beyond its floor whatever its attainment."""
        found = self._metric(metric.id) or _NO_VALUE
        return metric_status(metric, found[0], found[2], self.as_of, found[1])

    def child(self, child_id: str, weight: float) -> Child:
        """How a goal's child reads here (attainment, below its limit, pace expectation) on an edge of
        ``weight``."""
        state, as_of = self.structure.state, self.as_of
        node = state.node(child_id, as_of)
        if isinstance(node, Metric):
            value, seen, a = self._metric(child_id) or _NO_VALUE
            return Child(weight, a, below_limit(node, value, a, as_of, seen), metric_expected(node, a))
        if isinstance(node, Goal):
            v = self.goal_value(child_id)
            return Child(weight, v.attainment, goal_below_limit(node, v.attainment), v.expected)
        return Child(weight, None)

    def aggregate(self, goal: Goal, edges: Iterable[tuple[str, float]]) -> GoalValue:
        """``goal``'s value over its children ``(child id, weight)`` as they read here."""
        return aggregate(goal, [self.child(c, w) for c, w in edges], elapsed_share(goal.period, self.as_of))

    def status(self, node: Goal | Metric) -> Status:
        """The status of a goal or a metric."""
        return self.goal_status(node) if isinstance(node, Goal) else self.metric_status(node)

    def goal_attainments(self) -> dict[str, float | None]:
        """Every goal in force with its attainment (fast: for trends over many goals)."""
        ids, att, alive = self._compiled.goal_ids, self._g_att, self._g_alive
        out = {g: (None if a != a else a) for g, a, ok in zip(ids, att.tolist(), alive.tolist(), strict=True)
               if ok and g not in self._goals_beside}
        out |= {g: v.attainment for g, v in self._goals_beside.items() if v is not None}
        return out

    # -- whole views (mappings by id) -----------------------------------------------------------
    @property
    def values(self) -> Mapping[str, float]:
        """Each metric with an observation: its latest value."""
        return _View(self._metric_ids, lambda m: self.value(m) is not None, self.value)

    @property
    def observed_at(self) -> Mapping[str, date]:
        """Each metric with an observation: the date of its latest."""
        return _View(self._metric_ids, lambda m: self.seen(m) is not None, self.seen)

    @property
    def metrics(self) -> Mapping[str, float | None]:
        """Each metric in force: its attainment (None: no data)."""
        return _View(self._metric_ids, lambda m: self._metric(m) is not None,
                     lambda m: self._metric(m)[2])  # type: ignore[index]

    @property
    def goals(self) -> Mapping[str, GoalValue]:
        """Each goal in force: its value."""
        def alive(g: str) -> bool:
            if g in self._goals_beside:
                return self._goals_beside[g] is not None
            i = self._compiled.goal_index.get(g)
            return i is not None and bool(self._g_alive[i])

        return _View(self._goal_ids, alive, self.goal_value)

    def _metric_ids(self) -> Iterable[str]:
        yield from self._compiled.metric_ids
        yield from (m for m in self._metrics_beside if m not in self._compiled.metric_index)

    def _goal_ids(self) -> Iterable[str]:
        yield from self._compiled.goal_ids
        yield from (g for g in self._goals_beside if g not in self._compiled.goal_index)

    # -- after a write ---------------------------------------------------------------------------
    def refresh(self, latest: dict[str, tuple[date, float]], metrics: Iterable[str],
                goals: list[str]) -> None:
        """Re-evaluate after a change: ``metrics`` (their latest values in ``latest``; their definitions
        from the state), then ``goals`` (ancestors included, children before parents)."""
        state, as_of = self.structure.state, self.as_of
        self.refreshed_at = ([], [])
        for m_id in metrics:
            definition = state.node(m_id, as_of)
            if not isinstance(definition, Metric):
                self._set_metric(m_id, None)
                continue
            seen, value = latest.get(m_id, (None, None))
            self._set_metric(m_id, (value, seen, metric_attainment(definition, value, as_of, seen)))
        for g_id in goals:
            definition = state.node(g_id, as_of)
            if isinstance(definition, Goal):
                self._set_goal(g_id, self.aggregate(definition, [(e.child, e.weight)
                                                                 for e in state.children(g_id, as_of)]))
            else:
                self._set_goal(g_id, None)

    def _set_metric(self, m_id: str, found: tuple[float | None, date | None, float | None] | None) -> None:
        i = self._compiled.metric_index.get(m_id)
        if i is None:
            self._metrics_beside[m_id] = found
            self.refreshed_at = None
            return
        if self.refreshed_at is not None:
            self.refreshed_at[0].append(i)
        self._metrics_beside.pop(m_id, None)
        self._m_alive[i] = found is not None
        value, seen, att = found or _NO_VALUE
        self._m_value[i] = np.nan if value is None else value
        self._m_seen[i] = 0 if seen is None else seen.toordinal()
        self._m_att[i] = np.nan if att is None else att

    def _set_goal(self, g_id: str, value: GoalValue | None) -> None:
        i = self._compiled.goal_index.get(g_id)
        if i is None:
            self._goals_beside[g_id] = value
            self.refreshed_at = None
            return
        if self.refreshed_at is not None:
            self.refreshed_at[1].append(i)
        self._goals_beside.pop(g_id, None)
        self._g_alive[i] = value is not None
        v = value or UNKNOWN_GOAL
        self._g_att[i] = np.nan if v.attainment is None else v.attainment
        self._g_cov[i], self._g_known[i], self._g_min[i] = v.coverage, v.known_weight, v.min_count
        self._g_below[i] = v.below
        self._g_expected[i] = np.nan if v.expected is None else v.expected

    def with_structure(self, structure: Structure) -> Snapshot:
        """The same numbers read through another structure (a caller's visible one)."""
        view = object.__new__(Snapshot)
        view.__dict__.update(self.__dict__)
        view.structure = structure
        return view


class _View(Mapping[str, Any]):
    """A read-only mapping over ids, those ``has`` accepts, with ``get`` computing the value."""

    def __init__(self, ids: Callable[[], Iterable[str]], has: Callable[[str], bool],
                 read: Callable[[str], Any]):
        self._ids, self._has, self._read = ids, has, read

    def __getitem__(self, key: str) -> Any:
        if not self._has(key):
            raise KeyError(key)
        return self._read(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._has(key)

    def __iter__(self) -> Iterator[str]:
        return (k for k in self._ids() if self._has(k))

    def __len__(self) -> int:
        return sum(1 for _ in self)

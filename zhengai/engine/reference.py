"""The reference evaluation of design.md §2 and docs/semantics.md: every metric's and goal's attainment at
a date, node by node in plain Python dictionaries. The engine evaluates in arrays
(:mod:`zhengai.engine.columnar`); this is the semantics written out, against which the tests hold it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from zhengai.domain.enums import Status
from zhengai.domain.models import Goal, Metric
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


@dataclass
class ReferenceSnapshot:
    """Attainment of every node in force at ``as_of``."""

    as_of: date
    values: dict[str, float]
    metrics: dict[str, float | None]
    goals: dict[str, GoalValue]
    structure: Structure
    observed_at: dict[str, date]  # date of each metric's latest observation

    @classmethod
    def evaluate(cls, structure: Structure, latest: dict[str, tuple[date, float]]) -> ReferenceSnapshot:
        """Evaluate every node from each metric's latest (date, value) at the structure's date."""
        state, as_of = structure.state, structure.when
        snap = cls(as_of, {m: v for m, (_, v) in latest.items()}, {}, {}, structure,
                   {m: d for m, (d, _) in latest.items()})
        for m_id, m in state.metrics(as_of).items():
            snap.metrics[m_id] = metric_attainment(m, snap.values.get(m_id), as_of,
                                                   snap.observed_at.get(m_id))
        defs = state.goals(as_of)
        for g_id in state.order():
            goal = defs.get(g_id)
            if goal is not None:
                snap.goals[g_id] = snap._aggregate(goal)
        return snap

    def _child(self, child_id: str) -> Child | None:
        """How a goal's child reads: attainment, below its limit, pace expectation (None: not in force)."""
        state, as_of = self.structure.state, self.as_of
        if child_id in self.metrics:
            metric = state.node(child_id, as_of)
            a = self.metrics[child_id]
            if not isinstance(metric, Metric):
                return None
            value, seen = self.values.get(child_id), self.observed_at.get(child_id)
            return Child(0.0, a, below_limit(metric, value, a, as_of, seen), metric_expected(metric, a))
        goal = state.node(child_id, as_of)
        v = self.goals.get(child_id, UNKNOWN_GOAL)
        if not isinstance(goal, Goal):
            return Child(0.0, None)
        return Child(0.0, v.attainment, goal_below_limit(goal, v.attainment), v.expected)

    def _aggregate(self, goal: Goal) -> GoalValue:
        kids = []
        for e in self.structure.state.children(goal.id, self.as_of):
            c = self._child(e.child) or Child(0.0, None)
            kids.append(c._replace(weight=e.weight))
        return aggregate(goal, kids, elapsed_share(goal.period, self.as_of))

    def refresh(self, latest: dict[str, tuple[date, float]], metrics: Iterable[str],
                goals: list[str]) -> None:
        """Re-evaluate after a change: ``metrics`` (their latest values in ``latest``; their definitions
        from the state), then ``goals`` (ancestors included, children before parents)."""
        state, as_of = self.structure.state, self.as_of
        for m_id in metrics:
            definition = state.node(m_id, as_of)
            if m_id in latest:
                self.observed_at[m_id], self.values[m_id] = latest[m_id]
            else:
                self.observed_at.pop(m_id, None)
                self.values.pop(m_id, None)
            if isinstance(definition, Metric):
                self.metrics[m_id] = metric_attainment(definition, self.values.get(m_id), as_of,
                                                       self.observed_at.get(m_id))
            else:
                self.metrics.pop(m_id, None)
        for g_id in goals:
            definition = state.node(g_id, as_of)
            if isinstance(definition, Goal):
                self.goals[g_id] = self._aggregate(definition)
            else:
                self.goals.pop(g_id, None)

    def attainment(self, node_id: str) -> float | None:
        """A metric's or goal's attainment (None: unknown)."""
        if node_id in self.metrics:
            return self.metrics[node_id]
        return self.goals.get(node_id, UNKNOWN_GOAL).attainment

    def goal_value(self, goal_id: str) -> GoalValue:
        """A goal's attainment with what its derivatives need."""
        return self.goals.get(goal_id, UNKNOWN_GOAL)

    def goal_status(self, goal: Goal) -> Status:
        """A goal's status from its attainment and thresholds."""
        return status_of(self.goal_value(goal.id).attainment, goal.thresholds)

    def metric_status(self, metric: Metric) -> Status:
        """A metric's status: RED beyond its floor whatever its attainment."""
        return metric_status(metric, self.values.get(metric.id), self.metrics.get(metric.id), self.as_of,
                             self.observed_at.get(metric.id))

    def status(self, node: Goal | Metric) -> Status:
        """The status of a goal or a metric."""
        return self.goal_status(node) if isinstance(node, Goal) else self.metric_status(node)

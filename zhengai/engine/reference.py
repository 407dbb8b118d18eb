"""The reference evaluation of design.md §2: every metric's and goal's attainment at a date, node by
node in plain Python dictionaries. The engine evaluates in arrays (:mod:`zhengai.engine.columnar`);
this is the semantics written out, against which the tests hold it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from zhengai.domain.enums import Status
from zhengai.domain.models import Goal, Metric
from zhengai.engine.propagation import (
    UNKNOWN_GOAL,
    GoalValue,
    aggregate,
    metric_attainment,
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
        values = {m: v for m, (_, v) in latest.items()}
        metric_att = {m_id: metric_attainment(m, values.get(m_id))
                      for m_id, m in state.metrics(as_of).items()}
        goals: dict[str, GoalValue] = {}
        defs = state.goals(as_of)
        children = state.children
        for g_id in state.order():
            goal = defs.get(g_id)
            if goal is None:
                continue
            goals[g_id] = aggregate(goal, [
                (e.weight, metric_att[e.child] if e.child in metric_att
                 else goals.get(e.child, UNKNOWN_GOAL).attainment) for e in children(g_id, as_of)])
        return cls(as_of, values, metric_att, goals, structure, {m: d for m, (d, _) in latest.items()})

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
                self.metrics[m_id] = metric_attainment(definition, self.values.get(m_id))
            else:
                self.metrics.pop(m_id, None)
        for g_id in goals:
            definition = state.node(g_id, as_of)
            if isinstance(definition, Goal):
                self.goals[g_id] = aggregate(definition, [(e.weight, self.attainment(e.child))
                                                          for e in state.children(g_id, as_of)])
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
        return metric_status(metric, self.values.get(metric.id), self.metrics.get(metric.id))

    def status(self, node: Goal | Metric) -> Status:
        """The status of a goal or a metric."""
        return self.goal_status(node) if isinstance(node, Goal) else self.metric_status(node)

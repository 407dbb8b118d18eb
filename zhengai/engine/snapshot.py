"""Full evaluation of the goal graph at a date: every metric's and goal's attainment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import networkx as nx

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
from zhengai.stores.base import FlowEdge, FlowGraph


@dataclass
class Structure:
    """The flow graph of one store version, indexed for evaluation."""

    graph: FlowGraph
    children: dict[str, list[FlowEdge]]
    parents: dict[str, list[FlowEdge]]
    order: list[str]  # goals, every child before its parents

    @cached_property
    def rank(self) -> dict[str, int]:
        """Each goal's position in ``order``."""
        return {g: i for i, g in enumerate(self.order)}

    @classmethod
    def of(cls, graph: FlowGraph) -> Structure:
        children: dict[str, list[FlowEdge]] = {g: [] for g in graph.goals}
        parents: dict[str, list[FlowEdge]] = {n: [] for n in (*graph.goals, *graph.metrics)}
        dag = nx.DiGraph()
        dag.add_nodes_from(graph.goals)
        for e in graph.edges:
            children[e.parent].append(e)
            parents[e.child].append(e)
            if e.child in graph.goals:
                dag.add_edge(e.child, e.parent)
        return cls(graph, children, parents, list(nx.topological_sort(dag)))


@dataclass
class Snapshot:
    """Attainment of every node at ``as_of`` (design.md §2)."""

    as_of: date
    values: dict[str, float]
    metrics: dict[str, float | None]
    goals: dict[str, GoalValue]
    structure: Structure
    observed_at: dict[str, date]  # date of each metric's latest observation

    @classmethod
    def evaluate(cls, structure: Structure, latest: dict[str, tuple[date, float]], as_of: date) -> Snapshot:
        """Evaluate every node from each metric's latest (date, value) at ``as_of``."""
        values = {m: v for m, (_, v) in latest.items()}
        metric_att = {m_id: metric_attainment(m, values.get(m_id))
                      for m_id, m in structure.graph.metrics.items()}
        goals: dict[str, GoalValue] = {}
        snap = cls(as_of, values, metric_att, goals, structure, {m: d for m, (d, _) in latest.items()})
        gdefs = structure.graph.goals
        for g_id in structure.order:
            goals[g_id] = aggregate(gdefs[g_id], [(e.weight, snap.attainment(e.child))
                                                  for e in structure.children[g_id]])
        return snap

    def update(self, latest: dict[str, tuple[date, float]], touched: set[str], order: list[str]) -> None:
        """Re-evaluate after the observations of ``touched`` changed; ``order``: their ancestor
        goals, children before parents (exactly as a full evaluation would compute them)."""
        metrics = self.structure.graph.metrics
        for m_id in touched:
            if m_id not in metrics:
                continue
            if m_id in latest:
                self.observed_at[m_id], self.values[m_id] = latest[m_id]
            else:
                self.observed_at.pop(m_id, None)
                self.values.pop(m_id, None)
            self.metrics[m_id] = metric_attainment(metrics[m_id], self.values.get(m_id))
        goals = self.structure.graph.goals
        for g_id in order:
            self.goals[g_id] = aggregate(goals[g_id], [(e.weight, self.attainment(e.child))
                                                       for e in self.structure.children[g_id]])

    def attainment(self, node_id: str) -> float | None:
        if node_id in self.metrics:
            return self.metrics[node_id]
        return self.goals.get(node_id, UNKNOWN_GOAL).attainment

    def goal_value(self, goal_id: str) -> GoalValue:
        return self.goals.get(goal_id, UNKNOWN_GOAL)

    def goal_status(self, goal: Goal) -> Status:
        return status_of(self.goal_value(goal.id).attainment, goal.thresholds)

    def metric_status(self, metric: Metric) -> Status:
        return metric_status(metric, self.values.get(metric.id), self.metrics.get(metric.id))

    def status(self, node: Goal | Metric) -> Status:
        return self.goal_status(node) if isinstance(node, Goal) else self.metric_status(node)

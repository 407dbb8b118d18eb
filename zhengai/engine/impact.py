"""Impact tracing, gap explanation and simulation (design.md §2).

Sensitivities are computed by dynamic programming over the ancestor (or descendant)
subgraph in topological order; paths are enumerated only for display, capped.

Worked example (design.md §2), through the engine that hands these functions their snapshot and
subgraph: P1 and P2 support S with weights 2 and 1; m1 (HIGHER, baseline 80, target 100) = 90 measures
P1; m2 (HIGHER, target 50) = 40 measures P1 and P2; m3 (LOWER, baseline 20, target 16) = 18 measures
P2 with weight 3.

>>> from datetime import date
>>> from zhengai.domain.enums import Level
>>> from zhengai.domain.models import Dataset, Goal, Metric, ObservedValue
>>> from zhengai.engine import Engine
>>> from zhengai.stores import EmbeddedStore
>>> goals = [Goal(id="S", name="S", level="SCHOOL"),
...          Goal(id="P1", name="P1", level="MAJOR", supports=[{"goal": "S", "weight": 2}]),
...          Goal(id="P2", name="P2", level="MAJOR", supports=[{"goal": "S", "weight": 1}])]
>>> metrics = [Metric(id="m1", name="m1", baseline=80, target=100, measures=[{"goal": "P1"}]),
...            Metric(id="m2", name="m2", target=50, measures=[{"goal": "P1"}, {"goal": "P2"}]),
...            Metric(id="m3", name="m3", direction="LOWER", baseline=20, target=16,
...                   measures=[{"goal": "P2", "weight": 3}])]
>>> day = date(2026, 2, 1)
>>> seen = [ObservedValue(m, day, x) for m, x in (("m1", 90), ("m2", 40), ("m3", 18))]
>>> engine = Engine(EmbeddedStore(Dataset(goals={g.id: g for g in goals}, metrics={m.id: m for m in metrics},
...                                       observations=seen)))

s(S, m2) = 1/3 + 1/12 = 5/12, over two paths:

>>> trace = engine.trace_impact("m2", day, Level.SCHOOL, 20)
>>> [target] = trace.targets
>>> round(target.sensitivity, 6) == round(5 / 12, 6), [p.node_ids for p in target.paths]
(True, [['m2', 'P1', 'S'], ['m2', 'P2', 'S']])

The gap of S (1 − 0.625) is exactly the sum of the metrics' contributions s(S, m)·(1 − a_m):

>>> gap = engine.explain_gap("S", day, 10)
>>> gap.gap, [(c.metric.id, round(c.contribution, 4)) for c in gap.contributors]
(0.375, [('m1', 0.1667), ('m3', 0.125), ('m2', 0.0833)])

Simulating m3 = 16 recomputes P2 and S exactly: S becomes YELLOW.

>>> [(c.goal.id, c.before, c.after, c.after_status.value) for c in engine.simulate([("m3", 16)], day).changes]
[('S', 0.625, 0.75, 'YELLOW'), ('P2', 0.575, 0.95, 'GREEN')]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from zhengai import texts
from zhengai.domain.enums import LEVEL_RANK, Level, Status
from zhengai.domain.models import Goal, Metric
from zhengai.engine.propagation import (
    Child,
    GoalValue,
    aggregate,
    below_limit,
    elapsed_share,
    goal_below_limit,
    metric_attainment,
    metric_expected,
    metric_status,
    partial,
    status_of,
)
from zhengai.engine.snapshot import Snapshot
from zhengai.stores.base import FlowEdge, FlowGraph

__all__ = ["Folded", "GapContributor", "GapExplanation", "GoalChange", "ImpactPath", "ImpactTrace",
           "MetricChange", "Simulation", "TargetImpact", "explain_gap", "rest_of", "simulate", "trace_impact"]


@dataclass(frozen=True)
class Folded:
    """其他 N 项: nodes hidden from the caller folded into one anonymous aggregate, so numbers stay exact.

    For a goal's hidden children, ``attainment`` aggregates them as the goal does and ``weight`` sums
    their edge weights (``coverage`` of it known); for gap contributors, ``contribution`` and
    ``sensitivity`` are their sums."""

    count: int
    weight: float | None = None
    coverage: float | None = None
    attainment: float | None = None
    contribution: float | None = None
    sensitivity: float | None = None
    words: str = "folded"  # the catalogue's sentence for its label: folded (其他 N 项) or rest (其余 N 项)

    @property
    def label(self) -> str:
        """其他 N 项 (hidden from the caller), or 其余 N 项 (listed no further)."""
        return texts.say(self.words, count=self.count)


@dataclass
class ImpactPath:
    """One path from a metric up to a goal, with the product of its edges' sensitivities."""

    node_ids: list[str]
    weight: float


@dataclass
class TargetImpact:
    """A goal a metric reaches: its total sensitivity and the paths (capped) that carry it."""

    goal: Goal
    sensitivity: float
    path_count: int
    paths: list[ImpactPath]


@dataclass
class ImpactTrace:
    """How a metric's attainment propagates to the goals of a level."""

    metric: Metric
    attainment: float | None
    targets: list[TargetImpact]
    path_count: int
    others: Folded | None = None  # targets hidden from the caller


@dataclass
class GapContributor:
    """A metric's share of a goal's gap: s(g,m)·(1 − a_m)."""

    metric: Metric
    sensitivity: float
    contribution: float
    attainment: float


@dataclass
class GapExplanation:
    """Why a goal is behind: its gap and the metrics' contributions, largest first."""

    goal: Goal
    attainment: float | None
    gap: float | None
    contributors: list[GapContributor]
    contributor_count: int = 0
    unknown_metrics: list[Metric] = field(default_factory=list)
    others: Folded | None = None  # contributors hidden from the caller
    rest: Folded | None = None  # visible contributors beyond the top ones listed: with them, the gap


def rest_of(contributors: list[GapContributor], top: int) -> Folded | None:
    """The contributors after the first ``top``, summed (None: none left out)."""
    left = contributors[top:]
    if not left:
        return None
    return Folded(len(left), contribution=sum(c.contribution for c in left),
                  sensitivity=sum(c.sensitivity for c in left), words="rest")


@dataclass
class GoalChange:
    """A goal's attainment and status before and after a simulated change."""

    goal: Goal
    before: float | None
    after: float | None
    before_status: Status
    after_status: Status


@dataclass
class MetricChange:
    """A simulated metric: its value, attainment and status before and after."""

    metric: Metric
    value_before: float | None
    value_after: float
    before: float | None
    after: float | None
    before_status: Status
    after_status: Status


@dataclass
class Simulation:
    """What-if: every affected goal recomputed exactly; nothing is stored."""

    metrics: list[MetricChange]
    changes: list[GoalChange]
    others: Folded | None = None  # changed goals hidden from the caller


def _order(graph: FlowGraph) -> list[str]:
    """Nodes of ``graph`` with every child before its parents."""
    dag = nx.DiGraph()
    dag.add_nodes_from(graph.goals)
    dag.add_nodes_from(graph.metrics)
    dag.add_edges_from((e.child, e.parent) for e in graph.edges)
    return list(nx.topological_sort(dag))


def _derivative(graph: FlowGraph, snap: Snapshot, e: FlowEdge) -> float:
    return partial(graph.goals[e.parent], snap.goal_value(e.parent), e.weight, snap.attainment(e.child))


def trace_impact(snap: Snapshot, graph: FlowGraph, metric_id: str, to_level: Level,
                 max_paths: int) -> ImpactTrace:
    """Sensitivity of every ``to_level`` goal that ``metric_id`` reaches (``graph``: its ancestors)."""
    ups: dict[str, list[tuple[FlowEdge, float]]] = defaultdict(list)
    for e in graph.edges:
        ups[e.child].append((e, _derivative(graph, snap, e)))
    sens: dict[str, float] = defaultdict(float, {metric_id: 1.0})
    count: dict[str, int] = defaultdict(int, {metric_id: 1})
    for node in _order(graph):
        for e, d in ups[node]:
            sens[e.parent] += sens[node] * d
            count[e.parent] += count[node]
    targets = [g for g in graph.goals.values() if g.level is to_level and count[g.id]]
    targets.sort(key=lambda g: (-sens[g.id], g.id))
    for edges in ups.values():
        edges.sort(key=lambda ed: (-ed[1], ed[0].parent))
    reach = _reaching(graph, [g.id for g in targets])
    out = [TargetImpact(g, sens[g.id], count[g.id], _paths(metric_id, g.id, ups, reach[g.id], max_paths))
           for g in targets]
    return ImpactTrace(graph.metrics[metric_id], snap.attainment(metric_id), out,
                       sum(t.path_count for t in out))


def _reaching(graph: FlowGraph, goal_ids: list[str]) -> dict[str, set[str]]:
    """For each goal, the nodes of ``graph`` from which it can be reached (itself included)."""
    dag = nx.DiGraph((e.child, e.parent) for e in graph.edges)
    return {g: (nx.ancestors(dag, g) | {g}) if g in dag else {g} for g in goal_ids}


def _paths(start: str, target: str, ups: dict[str, list[tuple[FlowEdge, float]]],
           reach: set[str], cap: int) -> list[ImpactPath]:
    """Up to ``cap`` paths start→target, strongest edges first (depth-first, for display)."""
    found: list[ImpactPath] = []
    stack: list[tuple[str, list[str], float]] = [(start, [start], 1.0)]
    while stack and len(found) < cap:
        node, path, weight = stack.pop()
        if node == target:
            found.append(ImpactPath(path, weight))
            continue
        for e, d in reversed(ups[node]):
            if e.parent in reach:
                stack.append((e.parent, [*path, e.parent], weight * d))
    return found


def explain_gap(snap: Snapshot, goal: Goal, top: int) -> GapExplanation:
    """Contribution s(g,m)·(1−a_m) of each known metric below ``goal``: sensitivities flow down the
    snapshot's structure in topological order, over the goal's descendants only (walked in place,
    not copied)."""
    structure = snap.structure
    children, goals = structure.children, structure.graph.goals
    below, metrics, stack = {goal.id}, set(), [goal.id]
    while stack:
        for e in children.get(stack.pop(), ()):
            if e.child in children:
                if e.child not in below:
                    below.add(e.child)
                    stack.append(e.child)
            else:
                metrics.add(e.child)
    sens: dict[str, float] = defaultdict(float, {goal.id: 1.0})
    for node in sorted(below, key=structure.rank.__getitem__, reverse=True):  # parents before children
        value, s = snap.goal_value(node), sens[node]
        for e in children[node]:
            sens[e.child] += s * partial(goals[node], value, e.weight, snap.attainment(e.child))
    contributors, unknown = [], []
    for m_id in sorted(metrics):
        m, a = structure.graph.metrics[m_id], snap.attainment(m_id)
        if a is None:
            unknown.append(m)
        else:
            contributors.append(GapContributor(m, sens[m_id], sens[m_id] * (1 - a), a))
    contributors.sort(key=lambda c: (-c.contribution, -c.sensitivity, c.metric.id))
    a_g = snap.attainment(goal.id)
    return GapExplanation(goal, a_g, None if a_g is None else 1 - a_g, contributors[:top],
                          len(contributors), unknown, rest=rest_of(contributors, top))


def simulate(snap: Snapshot, graph: FlowGraph, children: dict[str, list[FlowEdge]],
             changes: dict[str, float]) -> Simulation:
    """Exact recomputation of every ancestor of the changed metrics; nothing is stored.

    ``graph`` holds the changed metrics and their ancestors; ``children`` every child edge
    of those ancestors (children outside ``graph`` keep their snapshot attainment).
    """
    new_att: dict[str, float | None] = {}
    new_child: dict[str, Child] = {}  # how a changed node reads as a child (weight set per edge)
    metric_rows = []
    day = snap.as_of
    for m_id, value in changes.items():
        m = graph.metrics[m_id]
        new_att[m_id] = metric_attainment(m, value, day, day)  # a hypothetical value is read on the day
        new_child[m_id] = Child(0.0, new_att[m_id], below_limit(m, value, new_att[m_id], day, day),
                                metric_expected(m, new_att[m_id]))
        before_value = snap.value(m_id)
        metric_rows.append(MetricChange(
            m, before_value, value, snap.attainment(m_id), new_att[m_id],
            snap.metric_status(m), metric_status(m, value, new_att[m_id], day, day)))
    new_val: dict[str, GoalValue] = {}
    for node in _order(graph):
        goal = graph.goals.get(node)
        if goal is None:
            continue
        kids = [new_child[e.child]._replace(weight=e.weight) if e.child in new_child
                else snap.child(e.child, e.weight) for e in children.get(node, [])]
        new_val[node] = aggregate(goal, kids, elapsed_share(goal.period, day))
        new_att[node] = new_val[node].attainment
        new_child[node] = Child(0.0, new_att[node], goal_below_limit(goal, new_att[node]),
                                new_val[node].expected)
    rows = []
    for g_id, v in new_val.items():
        goal = graph.goals[g_id]
        before = snap.attainment(g_id)
        rows.append(GoalChange(goal, before, v.attainment, status_of(before, goal.thresholds),
                               status_of(v.attainment, goal.thresholds)))

    def delta(c: GoalChange) -> float:
        return abs((c.after or 0.0) - (c.before or 0.0))

    rows.sort(key=lambda c: (LEVEL_RANK[c.goal.level], -delta(c), c.goal.id))
    return Simulation(metric_rows, rows)

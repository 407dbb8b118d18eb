"""Columnar evaluation: design.md §2 over the whole graph in a few vectorised passes (numpy).

The flow structure of a state is compiled once per structure version into arrays: metrics and goals
numbered (goals grouped by their height in the union of all dated edges — a goal's children all sit in
lower groups), every flow edge with its child, parent, weight and the dates it is in force, and the
metrics' and goals' parameters. Evaluating a date is then: each metric's latest value (one binary
search over the observation arrays), metric attainments (vectorised), and per group of goals one pass
of weighted sums (``bincount``) or minima over the edges in force — the same arithmetic in the same
order as :mod:`zhengai.engine.reference`, so the numbers agree to the last few bits. Nodes that change
over time (several versions) have their parameters read at the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from zhengai.domain.enums import Aggregate, MetricDirection
from zhengai.domain.models import Goal, Metric
from zhengai.engine.propagation import TIE_EPS
from zhengai.stores.memory import GraphState

__all__ = ["Compiled", "Evaluation", "evaluate"]

_ALWAYS = 0  # ordinal before every date: an edge in force since always
_FOREVER = date.max.toordinal() + 1


@dataclass
class Compiled:
    """The flow structure of one structure version as arrays."""

    version: int
    metric_ids: list[str]
    metric_index: dict[str, int]
    goal_ids: list[str]  # grouped by height, children's groups first
    goal_index: dict[str, int]
    # metric parameters (for metrics with one version since always; the others are read at the date)
    baseline: np.ndarray
    target: np.ndarray
    higher: np.ndarray
    dated_metrics: list[int]
    # goal parameters
    is_min: np.ndarray
    dated_goals: list[int]
    # edges: child slot (metrics 0…M−1, then goals M…), parent goal, weight, in force [start, end)
    child: np.ndarray
    parent: np.ndarray
    weight: np.ndarray
    start: np.ndarray
    end: np.ndarray
    groups: list[tuple[int, int, int, int]]  # (first edge, end edge, first goal, end goal) per height
    obs_positions: np.ndarray | None = None  # each metric's row in the observation arrays (−1: none)
    obs_folds: int = -1

    @classmethod
    def of(cls, state: GraphState) -> Compiled:
        """Compile the state's flow structure (every date's edges)."""
        metric_ids = sorted(state.ids("Metric"))
        metric_index = {m: i for i, m in enumerate(metric_ids)}
        order = state.order()
        height: dict[str, int] = {}
        for g in order:
            h = 0
            for e in state.all_children(g):
                if e.child in height:
                    h = max(h, height[e.child] + 1)
            height[g] = h
        goal_ids = sorted(order, key=lambda g: (height[g], state.rank[g]))
        goal_index = {g: i for i, g in enumerate(goal_ids)}
        m = len(metric_ids)
        baseline = np.full(m, np.nan)
        target = np.full(m, np.nan)
        higher = np.ones(m, bool)
        dated_metrics = []
        for i, mid in enumerate(metric_ids):
            record = state._fixed.get(mid)
            if isinstance(record, Metric):
                baseline[i] = np.nan if record.baseline is None else record.baseline
                target[i] = record.target
                higher[i] = record.direction is MetricDirection.HIGHER
            else:
                dated_metrics.append(i)
        is_min = np.zeros(len(goal_ids), bool)
        dated_goals = []
        for i, gid in enumerate(goal_ids):
            record = state._fixed.get(gid)
            if isinstance(record, Goal):
                is_min[i] = record.aggregate is Aggregate.MIN
            else:
                dated_goals.append(i)
        child, parent, weight, start, end = [], [], [], [], []
        groups = []
        g = 0
        while g < len(goal_ids):
            first_goal, h = g, height[goal_ids[g]]
            first_edge = len(child)
            while g < len(goal_ids) and height[goal_ids[g]] == h:
                for e in state.all_children(goal_ids[g]):
                    c = e.child
                    child.append(metric_index[c] if c in metric_index else m + goal_index[c])
                    parent.append(g - first_goal)
                    weight.append(e.weight)
                    start.append(_ALWAYS if e.start is None else e.start.toordinal())
                    end.append(_FOREVER if e.end is None else e.end.toordinal())
                g += 1
            groups.append((first_edge, len(child), first_goal, g))
        return cls(state.structure_version, metric_ids, metric_index, goal_ids, goal_index, baseline, target,
                   higher, dated_metrics, is_min, dated_goals, np.asarray(child, np.int64),
                   np.asarray(parent, np.int64), np.asarray(weight, np.float64), np.asarray(start, np.int64),
                   np.asarray(end, np.int64), groups)


@dataclass
class Evaluation:
    """Every compiled node's numbers on one date (NaN: unknown; alive: in force on the date)."""

    value: np.ndarray  # metric's latest value
    seen: np.ndarray  # its date (ordinal; 0: none)
    metric_attainment: np.ndarray
    metric_alive: np.ndarray
    goal_attainment: np.ndarray
    coverage: np.ndarray
    known_weight: np.ndarray
    min_count: np.ndarray
    goal_alive: np.ndarray


def _metric_attainment(x: np.ndarray, b: np.ndarray, t: np.ndarray, higher: np.ndarray) -> np.ndarray:
    """design.md §2's metric attainment, vectorised (as :func:`propagation.metric_attainment`)."""
    has_b = ~np.isnan(b)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        up = np.where(has_b, (x - b) / (t - b), x / t)
        down = np.where(has_b, (b - x) / (b - t), np.where(x > 0, t / x, 1.0))
    raw = np.where(higher, up, down)
    return np.where(np.isnan(x), np.nan, np.clip(raw, 0.0, 1.0))


def evaluate(state: GraphState, compiled: Compiled, as_of: date) -> Evaluation:
    """Every compiled metric's and goal's attainment on ``as_of``."""
    obs = state.obs
    if compiled.obs_positions is None or compiled.obs_folds != obs.folds:
        compiled.obs_positions = obs.positions(compiled.metric_ids)
        compiled.obs_folds = obs.folds
    value, seen = obs.latest_at(as_of, compiled.obs_positions, compiled.metric_index)
    baseline, target, higher = compiled.baseline, compiled.target, compiled.higher
    metric_alive = np.ones(len(compiled.metric_ids), bool)
    if compiled.dated_metrics:
        baseline, target, higher = baseline.copy(), target.copy(), higher.copy()
        for i in compiled.dated_metrics:
            record = state.node(compiled.metric_ids[i], as_of)
            if isinstance(record, Metric):
                baseline[i] = np.nan if record.baseline is None else record.baseline
                target[i] = record.target
                higher[i] = record.direction is MetricDirection.HIGHER
            else:
                metric_alive[i] = False
    attained = _metric_attainment(value, baseline, target, higher)
    attained[~metric_alive] = np.nan
    n_goals = len(compiled.goal_ids)
    is_min = compiled.is_min
    goal_alive = np.ones(n_goals, bool)
    if compiled.dated_goals:
        is_min = is_min.copy()
        for i in compiled.dated_goals:
            record = state.node(compiled.goal_ids[i], as_of)
            if isinstance(record, Goal):
                is_min[i] = record.aggregate is Aggregate.MIN
            else:
                goal_alive[i] = False
    m = len(compiled.metric_ids)
    slots = np.concatenate([attained, np.full(n_goals, np.nan)])
    coverage = np.zeros(n_goals)
    known_weight = np.zeros(n_goals)
    min_count = np.zeros(n_goals, np.int64)
    d = as_of.toordinal()
    in_force = (compiled.start <= d) & (d < compiled.end)
    for first_edge, end_edge, first_goal, end_goal in compiled.groups:
        n = end_goal - first_goal
        if first_edge == end_edge:
            continue
        edges = slice(first_edge, end_edge)
        parent = compiled.parent[edges]
        valid = in_force[edges]
        a = slots[compiled.child[edges]]
        known = valid & ~np.isnan(a)
        w = compiled.weight[edges]
        total = np.bincount(parent, np.where(valid, w, 0.0), n)
        den = np.bincount(parent, np.where(known, w, 0.0), n)
        num = np.bincount(parent, np.where(known, w * np.where(known, a, 0.0), 0.0), n)
        has = den > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            result = np.where(has, num / den, np.nan)
            cover = np.where(has & (total > 0), den / total, 0.0)
        mins = is_min[first_goal:end_goal]
        counts = np.zeros(n, np.int64)
        if mins.any():
            low = np.full(n, np.inf)
            np.minimum.at(low, parent[known], a[known])
            tie = known & (a - low[parent] <= TIE_EPS)
            counts = np.where(mins, np.bincount(parent[tie], minlength=n), 0)
            result = np.where(mins & has, low, result)
        alive = goal_alive[first_goal:end_goal]
        result = np.where(alive, result, np.nan)
        slots[m + first_goal:m + end_goal] = result
        coverage[first_goal:end_goal] = np.where(alive & has, cover, 0.0)
        known_weight[first_goal:end_goal] = np.where(alive & has, den, 0.0)
        min_count[first_goal:end_goal] = np.where(alive & has, counts, 0)
    return Evaluation(value, seen, attained, metric_alive, slots[m:], coverage, known_weight, min_count,
                      goal_alive)

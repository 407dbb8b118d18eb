"""Columnar evaluation: design.md §2 over the whole graph in a few vectorised passes (numpy).

The flow structure of a state is compiled once per structure version into arrays: metrics and goals
numbered (goals grouped by their height in the union of all dated edges — a goal's children all sit in
lower groups), every flow edge with its child, parent, weight and the dates it is in force, and the
metrics' and goals' parameters. Evaluating a date is then: each metric's latest value (one binary
search over the observation arrays), metric attainments (vectorised), and per group of goals one pass
of weighted sums (``bincount``) or minima over the edges in force — the same arithmetic in the same
order as :mod:`zhengai.engine.reference`, so the numbers agree to the last few bits. Nodes that change
over time (several versions) have their parameters read at the date, and so do metrics on a path
(分年度目标, 年度累计: docs/semantics.md). Beside the attainment each goal gets the count of its known
children below their limit (CARDS goals: 黄牌/红牌) and its pace expectation (BEHIND_PACE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from zhengai.domain.enums import Aggregate, MetricDirection
from zhengai.domain.models import DEFAULT_THRESHOLDS, Goal, Metric
from zhengai.engine.propagation import TIE_EPS, target_in_force, year_share
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
    # metric parameters (for metrics with one version since always and no path; the others — dated or
    # on a path — are read at the date)
    baseline: np.ndarray
    target: np.ndarray
    higher: np.ndarray
    floor: np.ndarray  # NaN: none
    paced: np.ndarray  # on a path (分年度目标 or 年度累计): its pace expectation is 1
    dated_metrics: list[int]
    # goal parameters
    is_min: np.ndarray
    is_cards: np.ndarray
    yellow: np.ndarray  # the RED bar (a child goal below it is below its limit)
    period_start: np.ndarray  # ordinals; −1: no period
    period_end: np.ndarray
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
        metrics = _MetricArrays(m)
        dated_metrics = []
        for i, mid in enumerate(metric_ids):
            record = state._fixed.get(mid)
            if isinstance(record, Metric) and not (record.cumulative or record.targets):
                metrics.set(i, record, record.target)
            else:
                dated_metrics.append(i)
        goals = _GoalArrays(len(goal_ids))
        dated_goals = []
        for i, gid in enumerate(goal_ids):
            record = state._fixed.get(gid)
            if isinstance(record, Goal):
                goals.set(i, record)
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
        return cls(state.structure_version, metric_ids, metric_index, goal_ids, goal_index, metrics.baseline,
                   metrics.target, metrics.higher, metrics.floor, metrics.paced, dated_metrics, goals.is_min,
                   goals.is_cards, goals.yellow, goals.start, goals.end, dated_goals,
                   np.asarray(child, np.int64), np.asarray(parent, np.int64), np.asarray(weight, np.float64),
                   np.asarray(start, np.int64), np.asarray(end, np.int64), groups)


class _MetricArrays:
    """The per-metric parameter arrays, filled one metric at a time."""

    def __init__(self, m: int):
        self.baseline = np.full(m, np.nan)
        self.target = np.full(m, np.nan)
        self.higher = np.ones(m, bool)
        self.floor = np.full(m, np.nan)
        self.paced = np.zeros(m, bool)

    def set(self, i: int, record: Metric, target: float) -> None:
        """Metric ``i``'s parameters, with the target in force."""
        self.baseline[i] = np.nan if record.baseline is None else record.baseline
        self.target[i] = target
        self.higher[i] = record.direction is MetricDirection.HIGHER
        self.floor[i] = np.nan if record.floor is None else record.floor
        self.paced[i] = record.paced


class _GoalArrays:
    """The per-goal parameter arrays, filled one goal at a time."""

    def __init__(self, n: int):
        self.is_min = np.zeros(n, bool)
        self.is_cards = np.zeros(n, bool)
        self.yellow = np.full(n, DEFAULT_THRESHOLDS.yellow)
        self.start = np.full(n, -1, np.int64)
        self.end = np.full(n, -1, np.int64)

    def set(self, i: int, record: Goal) -> None:
        """Goal ``i``'s parameters."""
        self.is_min[i] = record.aggregate is Aggregate.MIN
        self.is_cards[i] = record.aggregate is Aggregate.CARDS
        self.yellow[i] = (record.thresholds or DEFAULT_THRESHOLDS).yellow
        if record.period is not None:
            self.start[i], self.end[i] = record.period.start.toordinal(), record.period.end.toordinal()
        else:
            self.start[i] = self.end[i] = -1


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
    below: np.ndarray  # known children below their limit
    expected: np.ndarray  # pace expectation (NaN: none)


def _metric_attainment(x: np.ndarray, b: np.ndarray, t: np.ndarray, higher: np.ndarray) -> np.ndarray:
    """design.md §2's metric attainment, vectorised (as :func:`propagation.metric_attainment`)."""
    has_b = ~np.isnan(b)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        up = np.where(has_b, (x - b) / (t - b), x / t)
        down = np.where(has_b, (b - x) / (b - t), np.where(x > 0, t / x, 1.0))
    raw = np.where(higher, up, down)
    return np.where(np.isnan(x), np.nan, np.clip(raw, 0.0, 1.0))


def _metrics_at(state: GraphState, compiled: Compiled, as_of: date, value: np.ndarray,
                seen: np.ndarray) -> tuple[_MetricArrays, np.ndarray, np.ndarray]:
    """The metric parameters on ``as_of`` (dated and paced metrics read at the date), the values as judged
    (cumulative ones annualised) and which metrics are in force."""
    arrays = _MetricArrays(0)
    arrays.baseline, arrays.target, arrays.higher = compiled.baseline, compiled.target, compiled.higher
    arrays.floor, arrays.paced = compiled.floor, compiled.paced
    judged = value
    alive = np.ones(len(compiled.metric_ids), bool)
    if compiled.dated_metrics:
        for name in ("baseline", "target", "higher", "floor", "paced"):
            setattr(arrays, name, getattr(arrays, name).copy())
        judged = value.copy()
        for i in compiled.dated_metrics:
            record = state.node(compiled.metric_ids[i], as_of)
            if not isinstance(record, Metric):
                alive[i] = False
                continue
            day = date.fromordinal(int(seen[i])) if seen[i] else None
            arrays.set(i, record, target_in_force(record, as_of, day))
            if record.cumulative and day is not None:
                judged[i] = value[i] / year_share(day)  # annualised, as propagation.effective_value
    return arrays, judged, alive


def _goals_at(state: GraphState, compiled: Compiled, as_of: date) -> tuple[_GoalArrays, np.ndarray,
                                                                            np.ndarray]:
    """The goal parameters on ``as_of``, which goals are in force and each one's elapsed share of its
    period (NaN: no period, or not started)."""
    arrays = _GoalArrays(0)
    arrays.is_min, arrays.is_cards, arrays.yellow = compiled.is_min, compiled.is_cards, compiled.yellow
    arrays.start, arrays.end = compiled.period_start, compiled.period_end
    alive = np.ones(len(compiled.goal_ids), bool)
    if compiled.dated_goals:
        for name in ("is_min", "is_cards", "yellow", "start", "end"):
            setattr(arrays, name, getattr(arrays, name).copy())
        for i in compiled.dated_goals:
            record = state.node(compiled.goal_ids[i], as_of)
            if isinstance(record, Goal):
                arrays.set(i, record)
            else:
                alive[i] = False
    d = as_of.toordinal()
    has = (arrays.start >= 0) & (arrays.start <= d)
    span = np.maximum(arrays.end - arrays.start, 1)
    elapsed = np.where(has, np.minimum(1.0, (d - arrays.start) / span), np.nan)
    return arrays, alive, elapsed


def evaluate(state: GraphState, compiled: Compiled, as_of: date) -> Evaluation:
    """Every compiled metric's and goal's attainment on ``as_of``."""
    obs = state.obs
    if compiled.obs_positions is None or compiled.obs_folds != obs.folds:
        compiled.obs_positions = obs.positions(compiled.metric_ids)
        compiled.obs_folds = obs.folds
    value, seen = obs.latest_at(as_of, compiled.obs_positions, compiled.metric_index)
    p, judged, metric_alive = _metrics_at(state, compiled, as_of, value, seen)
    attained = _metric_attainment(judged, p.baseline, p.target, p.higher)
    attained[~metric_alive] = np.nan
    known_metric = ~np.isnan(attained)
    has_floor = ~np.isnan(p.floor)
    with np.errstate(invalid="ignore"):
        beyond = np.where(p.higher, judged < p.floor, judged > p.floor)
        metric_below = known_metric & np.where(has_floor, beyond, attained < DEFAULT_THRESHOLDS.yellow)
    metric_expected = np.where(known_metric & p.paced, 1.0, np.nan)
    g, goal_alive, elapsed = _goals_at(state, compiled, as_of)
    n_goals = len(compiled.goal_ids)
    m = len(compiled.metric_ids)
    slots = np.concatenate([attained, np.full(n_goals, np.nan)])
    below_slots = np.concatenate([metric_below, np.zeros(n_goals, bool)])
    expected_slots = np.concatenate([metric_expected, np.full(n_goals, np.nan)])
    out = Evaluation(value, seen, attained, metric_alive, slots[m:], np.zeros(n_goals), np.zeros(n_goals),
                     np.zeros(n_goals, np.int64), goal_alive, np.zeros(n_goals, np.int64),
                     np.full(n_goals, np.nan))
    d = as_of.toordinal()
    in_force = (compiled.start <= d) & (d < compiled.end)
    for first_edge, end_edge, first_goal, end_goal in compiled.groups:
        if first_edge == end_edge:
            continue
        edges = slice(first_edge, end_edge)
        goals = slice(first_goal, end_goal)
        group = _Group(compiled.parent[edges], in_force[edges], compiled.weight[edges], end_goal - first_goal)
        a = slots[compiled.child[edges]]
        known = group.valid & ~np.isnan(a)
        result, cover, den, counts, below = group.attainment(a, known, below_slots[compiled.child[edges]],
                                                             g.is_min[goals], g.is_cards[goals])
        expected = group.expected(expected_slots[compiled.child[edges]], known, elapsed[goals], den,
                                  g.is_min[goals], g.is_cards[goals])
        alive = goal_alive[goals] & (den > 0)
        result = np.where(goal_alive[goals], result, np.nan)
        slots[m + first_goal:m + end_goal] = result
        below_slots[m + first_goal:m + end_goal] = ~np.isnan(result) & (result < g.yellow[goals])
        expected_slots[m + first_goal:m + end_goal] = np.where(alive, expected, np.nan)
        out.coverage[goals] = np.where(alive, cover, 0.0)
        out.known_weight[goals] = np.where(alive, den, 0.0)
        out.min_count[goals] = np.where(alive, counts, 0)
        out.below[goals] = np.where(alive, below, 0)
    out.goal_attainment = slots[m:]
    out.expected = expected_slots[m:]
    return out


class _Group:
    """The edges into one height's goals: who is whose parent, which edges are in force, their weights."""

    def __init__(self, parent: np.ndarray, valid: np.ndarray, weight: np.ndarray, n: int):
        self.parent, self.valid, self.w, self.n = parent, valid, weight, n

    def _sum(self, values: np.ndarray, where: np.ndarray) -> np.ndarray:
        return np.bincount(self.parent, np.where(where, values, 0.0), self.n)

    def attainment(self, a: np.ndarray, known: np.ndarray, below_child: np.ndarray, is_min: np.ndarray,
                   is_cards: np.ndarray) -> tuple[np.ndarray, ...]:
        """(attainment, coverage, Σ known weight, MIN ties, children below their limit) per goal."""
        parent, w, n = self.parent, self.w, self.n
        total = self._sum(w, self.valid)
        den = self._sum(w, known)
        num = self._sum(w * np.where(known, a, 0.0), known)
        has = den > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            result = np.where(has, num / den, np.nan)
            cover = np.where(has & (total > 0), den / total, 0.0)
        counts = np.zeros(n, np.int64)
        if is_min.any():
            low = np.full(n, np.inf)
            np.minimum.at(low, parent[known], a[known])
            tie = known & (a - low[parent] <= TIE_EPS)
            counts = np.where(is_min, np.bincount(parent[tie], minlength=n), 0)
            result = np.where(is_min & has, low, result)
        below = np.bincount(parent[known & below_child], minlength=n)
        if is_cards.any():
            within = self._sum(w, known & ~below_child)
            with np.errstate(divide="ignore", invalid="ignore"):
                result = np.where(is_cards & has, within / den, result)
        return result, cover, den, counts, below

    def expected(self, e_child: np.ndarray, known: np.ndarray, elapsed: np.ndarray, den: np.ndarray,
                 is_min: np.ndarray, is_cards: np.ndarray) -> np.ndarray:
        """Each goal's pace expectation: its children's (or, where a child has none, the goal's elapsed
        share) aggregated as the goal aggregates; NaN without a period and for CARDS goals."""
        paces = np.where(np.isnan(e_child), elapsed[self.parent], e_child)
        num = self._sum(self.w * np.where(known, paces, 0.0), known)
        with np.errstate(divide="ignore", invalid="ignore"):
            result = np.where(den > 0, num / den, np.nan)
        if is_min.any():
            low = np.full(self.n, np.inf)
            with np.errstate(invalid="ignore"):  # NaN paces (no period) give NaN, masked below
                np.minimum.at(low, self.parent[known], paces[known])
            result = np.where(is_min, low, result)
        return np.where(np.isnan(elapsed) | is_cards, np.nan, result)

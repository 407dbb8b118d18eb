"""The exact propagation semantics of design.md §2, as pure functions.

Metric attainment from a value, goal attainment from weighted children, status from
attainment, and the local partial derivative ∂a_parent/∂a_child used by sensitivities.

Worked example (design.md §2): goals P1 and P2 support S with weights 2 and 1; m1 (HIGHER, baseline 80,
target 100) is observed at 90 and measures P1; m2 (HIGHER, target 50) at 40 measures P1 and P2; m3
(LOWER, baseline 20, target 16) at 18 measures P2 with weight 3.

>>> from zhengai.domain.models import Goal, Metric
>>> m1 = Metric(id="m1", name="m1", baseline=80, target=100)
>>> m2 = Metric(id="m2", name="m2", target=50)
>>> m3 = Metric(id="m3", name="m3", direction="LOWER", baseline=20, target=16)
>>> [metric_attainment(m, x) for m, x in ((m1, 90), (m2, 40), (m3, 18))]
[0.5, 0.8, 0.5]
>>> P1, P2 = Goal(id="P1", name="P1", level="MAJOR"), Goal(id="P2", name="P2", level="MAJOR")
>>> p1 = aggregate(P1, [(1, 0.5), (1, 0.8)])  # (weight, attainment) of m1 and m2
>>> p2 = aggregate(P2, [(1, 0.8), (3, 0.5)])  # of m2 and m3
>>> round(p1.attainment, 4), round(p2.attainment, 4)
(0.65, 0.575)
>>> S = Goal(id="S", name="S", level="SCHOOL")
>>> s = aggregate(S, [(2, p1.attainment), (1, p2.attainment)])
>>> round(s.attainment, 4), s.coverage, status_of(s.attainment).value
(0.625, 1.0, 'RED')

The sensitivity of S to m2 sums, over its two paths, the products of these partial derivatives:
(2/3)·(1/2) + (1/3)·(1/4) = 5/12.

>>> via_p1 = partial(S, s, 2, p1.attainment) * partial(P1, p1, 1, 0.8)
>>> via_p2 = partial(S, s, 1, p2.attainment) * partial(P2, p2, 1, 0.8)
>>> round(via_p1 + via_p2, 6) == round(5 / 12, 6)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from zhengai.domain.enums import Aggregate, MetricDirection, Status
from zhengai.domain.models import DEFAULT_THRESHOLDS, Goal, Metric, Thresholds

__all__ = ["TIE_EPS", "UNKNOWN_GOAL", "GoalValue", "aggregate", "below_floor", "clip01", "metric_attainment",
           "metric_status", "partial", "status_of"]

#: Attainments closer than this count as equal (MIN ties).
TIE_EPS = 1e-12


def clip01(x: float) -> float:
    """``x`` clipped to [0, 1]."""
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def metric_attainment(metric: Metric, value: float | None) -> float | None:
    """Attainment of ``metric`` at observed ``value`` (None when there is no value)."""
    if value is None:
        return None
    b, t = metric.baseline, metric.target
    if metric.direction is MetricDirection.HIGHER:
        raw = (value - b) / (t - b) if b is not None else value / t
    elif b is not None:
        raw = (b - value) / (b - t)
    else:
        raw = t / value if value > 0 else 1.0  # LOWER without baseline: a = T / x
    return clip01(raw)


def below_floor(metric: Metric, value: float | None) -> bool:
    """True when ``value`` is on the wrong side of the metric's floor (底线)."""
    if value is None or metric.floor is None:
        return False
    if metric.direction is MetricDirection.HIGHER:
        return value < metric.floor
    return value > metric.floor


def status_of(attainment: float | None, thresholds: Thresholds | None = None) -> Status:
    """The status of an attainment under the goal's thresholds (default GREEN ≥ 0.9, YELLOW ≥ 0.7)."""
    if attainment is None:
        return Status.UNKNOWN
    th = thresholds or DEFAULT_THRESHOLDS
    if attainment >= th.green:
        return Status.GREEN
    if attainment >= th.yellow:
        return Status.YELLOW
    return Status.RED


def metric_status(metric: Metric, value: float | None, attainment: float | None) -> Status:
    """Status of a metric: RED below its floor whatever its attainment."""
    if below_floor(metric, value):
        return Status.RED
    return status_of(attainment)


@dataclass(frozen=True, slots=True)
class GoalValue:
    """Attainment of a goal with what its derivatives need."""

    attainment: float | None
    coverage: float
    known_weight: float  # Σ w over children with known attainment
    min_count: int  # MIN goals: how many known children sit at the minimum


UNKNOWN_GOAL = GoalValue(None, 0.0, 0.0, 0)


def aggregate(goal: Goal, children: Sequence[tuple[float, float | None]]) -> GoalValue:
    """Combine ``(weight, attainment)`` of a goal's children (design.md §2)."""
    total = sum(w for w, _ in children)
    known = [(w, a) for w, a in children if a is not None]
    if not known:
        return UNKNOWN_GOAL
    known_w = sum(w for w, _ in known)
    coverage = known_w / total if total else 0.0
    if goal.aggregate is Aggregate.MIN:
        low = min(a for _, a in known)
        count = sum(1 for _, a in known if a - low <= TIE_EPS)
        return GoalValue(low, coverage, known_w, count)
    return GoalValue(sum(w * a for w, a in known) / known_w, coverage, known_w, 0)


def partial(goal: Goal, value: GoalValue, weight: float, child: float | None) -> float:
    """∂a_goal/∂a_child for the child edge of ``weight`` whose attainment is ``child``.

    Known children follow design.md §2 exactly. An unknown child (no data) gets the marginal
    influence it would have once known: w/(Σw_known + w) for WEIGHTED_MEAN; for MIN, 1 when
    no sibling is known, else 0.
    """
    if goal.aggregate is Aggregate.MIN:
        if child is None:
            return 1.0 if value.attainment is None else 0.0
        if value.attainment is not None and child - value.attainment <= TIE_EPS:
            return 1.0 / value.min_count
        return 0.0
    if child is None:
        return weight / (value.known_weight + weight)
    return weight / value.known_weight

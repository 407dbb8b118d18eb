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
from datetime import date
from typing import NamedTuple

from zhengai.domain.enums import Aggregate, MetricDirection, Status
from zhengai.domain.models import DEFAULT_THRESHOLDS, Goal, Metric, Period, Thresholds

__all__ = ["TIE_EPS", "UNKNOWN_GOAL", "Child", "GoalValue", "aggregate", "below_floor", "below_limit",
           "clip01",
           "effective_value", "elapsed_share", "goal_below_limit", "metric_attainment", "metric_expected",
           "metric_status", "partial", "status_of", "target_in_force", "year_share"]

#: Attainments closer than this count as equal (MIN ties).
TIE_EPS = 1e-12


def clip01(x: float) -> float:
    """``x`` clipped to [0, 1]."""
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def year_share(day: date) -> float:
    """The elapsed share of ``day``'s calendar year, ``day`` included: 1 January → 1/365, 31 December → 1."""
    first = date(day.year, 1, 1).toordinal()
    return (day.toordinal() - first + 1) / (date(day.year, 12, 31).toordinal() - first + 1)


def elapsed_share(period: Period | None, as_of: date) -> float | None:
    """How much of a goal's period has passed on ``as_of`` (in [0, 1]); None without a period or before
    it starts."""
    if period is None or as_of < period.start:
        return None
    span = (period.end - period.start).days or 1
    return min(1.0, (as_of - period.start).days / span)


def target_in_force(metric: Metric, as_of: date | None, seen: date | None = None) -> float:
    """The target a value is judged against (docs/semantics.md): the 分年度目标 of ``as_of``'s year — for a
    cumulative metric, of the year the value was read (``seen``) — else the metric's target."""
    if as_of is None:
        return metric.target
    day = (seen or as_of) if metric.cumulative else as_of
    return metric.target_in(day.year)


def effective_value(metric: Metric, value: float, as_of: date | None, seen: date | None = None) -> float:
    """The value as it is judged: a cumulative metric's running total annualised (÷ the elapsed share of
    the year it was read in); any other value as read."""
    if as_of is None or not metric.cumulative:
        return value
    return value / year_share(seen or as_of)


def metric_attainment(metric: Metric, value: float | None, as_of: date | None = None,
                      seen: date | None = None) -> float | None:
    """Attainment of ``metric`` at observed ``value`` (None when there is no value), on ``as_of`` for a value
    read on ``seen`` (default ``as_of``): against the target in force, a cumulative value annualised. Without
    ``as_of`` the plain target (design.md §2)."""
    if value is None:
        return None
    b, t = metric.baseline, target_in_force(metric, as_of, seen)
    x = effective_value(metric, value, as_of, seen)
    if metric.direction is MetricDirection.HIGHER:
        raw = (x - b) / (t - b) if b is not None else x / t
    elif b is not None:
        raw = (b - x) / (b - t)
    else:
        raw = t / x if x > 0 else 1.0  # LOWER without baseline: a = T / x
    return clip01(raw)


def below_floor(metric: Metric, value: float | None, as_of: date | None = None,
                seen: date | None = None) -> bool:
    """True when ``value`` is on the wrong side of the metric's floor (底线); a cumulative value is compared
    annualised."""
    if value is None or metric.floor is None:
        return False
    x = effective_value(metric, value, as_of, seen)
    if metric.direction is MetricDirection.HIGHER:
        return x < metric.floor
    return x > metric.floor


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


def metric_status(metric: Metric, value: float | None, attainment: float | None, as_of: date | None = None,
                  seen: date | None = None) -> Status:
    """Status of a metric: RED below its floor whatever its attainment."""
    if below_floor(metric, value, as_of, seen):
        return Status.RED
    return status_of(attainment)


def below_limit(metric: Metric, value: float | None, attainment: float | None, as_of: date | None = None,
                seen: date | None = None) -> bool:
    """Whether an indicator is below its limit (a CARDS goal counts these): beyond its floor (底线) when it
    has one, else RED (attainment < 0.7)."""
    if attainment is None:
        return False
    if metric.floor is not None:
        return below_floor(metric, value, as_of, seen)
    return attainment < DEFAULT_THRESHOLDS.yellow


def goal_below_limit(goal: Goal, attainment: float | None) -> bool:
    """Whether a child goal is below its limit: RED by its own thresholds."""
    return attainment is not None and attainment < (goal.thresholds or DEFAULT_THRESHOLDS).yellow


def metric_expected(metric: Metric, attainment: float | None) -> float | None:
    """A metric's pace expectation: 1 for a metric on a path (分年度目标 or 年度累计: its attainment already
    says where it stands against the path); None otherwise (its goal's elapsed share applies)."""
    return 1.0 if attainment is not None and metric.paced else None


@dataclass(frozen=True, slots=True)
class GoalValue:
    """Attainment of a goal with what its derivatives, its card and its pace need."""

    attainment: float | None
    coverage: float
    known_weight: float  # Σ w over children with known attainment
    min_count: int  # MIN goals: how many known children sit at the minimum
    below: int = 0  # known children below their limit (CARDS goals: their 黄牌/红牌 count)
    expected: float | None = None  # pace: the attainment expected on the date (BEHIND_PACE)


UNKNOWN_GOAL = GoalValue(None, 0.0, 0.0, 0)


class Child(NamedTuple):
    """A child of a goal as the aggregate reads it: its edge weight, attainment, whether it is below its
    limit and its pace expectation."""

    weight: float
    attainment: float | None
    below: bool = False
    expected: float | None = None


def aggregate(goal: Goal, children: Sequence[tuple], elapsed: float | None = None) -> GoalValue:
    """Combine a goal's children — ``(weight, attainment)`` pairs or :class:`Child` — (design.md §2 and
    docs/semantics.md): WEIGHTED_MEAN, MIN, or CARDS (the weighted share of known children within their
    limit); ``elapsed`` is the share of the goal's period passed (None: no pace expectation)."""
    kids = [c if isinstance(c, Child) else Child(*c) for c in children]
    total = sum(c.weight for c in kids)
    known = [c for c in kids if c.attainment is not None]
    if not known:
        return UNKNOWN_GOAL
    known_w = sum(c.weight for c in known)
    coverage = known_w / total if total else 0.0
    below = sum(1 for c in known if c.below)
    if goal.aggregate is Aggregate.CARDS:
        within = sum(c.weight for c in known if not c.below)
        return GoalValue(within / known_w, coverage, known_w, 0, below, None)
    paces = None if elapsed is None else [elapsed if c.expected is None else c.expected for c in known]
    if goal.aggregate is Aggregate.MIN:
        low = min(c.attainment for c in known)  # type: ignore[type-var]
        count = sum(1 for c in known if c.attainment - low <= TIE_EPS)  # type: ignore[operator]
        return GoalValue(low, coverage, known_w, count, below, None if paces is None else min(paces))
    mean = sum(c.weight * c.attainment for c in known) / known_w  # type: ignore[operator]
    expected = None if paces is None else \
        sum(c.weight * e for c, e in zip(known, paces, strict=True)) / known_w
    return GoalValue(mean, coverage, known_w, 0, below, expected)


def partial(goal: Goal, value: GoalValue, weight: float, child: float | None) -> float:
    """∂a_goal/∂a_child for the child edge of ``weight`` whose attainment is ``child``.

    Known children follow design.md §2 exactly. An unknown child (no data) gets the marginal
    influence it would have once known: w/(Σw_known + w) for WEIGHTED_MEAN; for MIN, 1 when
    no sibling is known, else 0. A CARDS goal counts its children against their limits: a small change
    moves nothing (0).
    """
    if goal.aggregate is Aggregate.CARDS:
        return 0.0
    if goal.aggregate is Aggregate.MIN:
        if child is None:
            return 1.0 if value.attainment is None else 0.0
        if value.attainment is not None and child - value.attainment <= TIE_EPS:
            return 1.0 / value.min_count
        return 0.0
    if child is None:
        return weight / (value.known_weight + weight)
    return weight / value.known_weight

"""The pure semantics of design.md §2: metric attainment, aggregation, status, derivatives."""

from __future__ import annotations

import pytest

from zhengai.domain.enums import Aggregate, MetricDirection, Status
from zhengai.domain.models import Goal, Metric, Thresholds
from zhengai.engine.propagation import aggregate, metric_attainment, metric_status, partial, status_of


def metric(direction: str = "HIGHER", target: float = 100, baseline: float | None = None,
           floor: float | None = None) -> Metric:
    return Metric(id="m", name="m", direction=MetricDirection(direction), target=target,
                  baseline=baseline, floor=floor)


def goal(agg: str = "WEIGHTED_MEAN", thresholds: Thresholds | None = None) -> Goal:
    return Goal(id="g", name="g", level="SCHOOL", aggregate=Aggregate(agg), thresholds=thresholds)


@pytest.mark.parametrize(("kw", "x", "expected"), [
    ({"baseline": 80, "target": 100}, 90, 0.5),
    ({"target": 50}, 40, 0.8),
    ({"direction": "LOWER", "baseline": 20, "target": 16}, 18, 0.5),
    ({"direction": "LOWER", "target": 16}, 20, 0.8),     # T / x without baseline
    ({"direction": "LOWER", "target": 16}, 8, 1.0),      # clipped at 1
    ({"baseline": 80, "target": 100}, 70, 0.0),          # clipped at 0
    ({"baseline": 80, "target": 100}, 130, 1.0),
    ({"direction": "LOWER", "baseline": 20, "target": 16}, 25, 0.0),
])
def test_metric_attainment(kw, x, expected):
    assert metric_attainment(metric(**kw), x) == pytest.approx(expected, abs=1e-12)


def test_metric_without_value_is_unknown():
    m = metric(target=10)
    assert metric_attainment(m, None) is None
    assert metric_status(m, None, None) is Status.UNKNOWN


def test_floor_makes_a_metric_red_whatever_its_attainment():
    high = metric(target=100, baseline=50, floor=95)
    assert metric_status(high, 94, metric_attainment(high, 94)) is Status.RED
    assert metric_status(high, 96, metric_attainment(high, 96)) is Status.GREEN
    low = metric("LOWER", target=16, baseline=20, floor=17)
    assert metric_status(low, 17.5, metric_attainment(low, 17.5)) is Status.RED


def test_status_thresholds_and_override():
    assert [status_of(a) for a in (0.9, 0.89, 0.7, 0.69, None)] == [
        Status.GREEN, Status.YELLOW, Status.YELLOW, Status.RED, Status.UNKNOWN]
    strict = Thresholds(green=0.95, yellow=0.8)
    assert status_of(0.9, strict) is Status.YELLOW


def test_weighted_mean_counts_only_known_children_and_reports_coverage():
    v = aggregate(goal(), [(2, 0.5), (1, None), (1, 1.0)])
    assert v.attainment == pytest.approx((2 * 0.5 + 1.0) / 3)
    assert v.coverage == pytest.approx(3 / 4)
    assert v.known_weight == 3


def test_no_known_child_gives_null_and_zero_coverage():
    v = aggregate(goal(), [(1, None), (2, None)])
    assert v.attainment is None and v.coverage == 0
    assert aggregate(goal(), []).attainment is None


def test_min_goal_and_its_derivative_splits_among_ties():
    g = goal("MIN")
    v = aggregate(g, [(1, 0.4), (5, 0.4), (1, 0.9), (1, None)])
    assert v.attainment == 0.4 and v.min_count == 2 and v.coverage == pytest.approx(7 / 8)
    assert partial(g, v, 1, 0.4) == 0.5
    assert partial(g, v, 1, 0.9) == 0.0


def test_weighted_mean_derivative_is_weight_over_known_weight():
    g = goal()
    v = aggregate(g, [(2, 0.5), (1, 0.7), (3, None)])
    assert partial(g, v, 2, 0.5) == pytest.approx(2 / 3)
    assert partial(g, v, 3, None) == pytest.approx(3 / 6)  # marginal weight once known

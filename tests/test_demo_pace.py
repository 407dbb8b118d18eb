"""The demo over time (issue 13 §4): 分年度目标 on the school's five-year goals and 年度累计 metrics judged at
the year's pace, so that spring is not all RED — on both stores."""

from __future__ import annotations

from datetime import date

import pytest

from zhengai.domain.enums import MetricDirection

NETWORK = """query($d: Date) { qualityNetwork(asOf: $d) { cells { system level status red } } }"""
METRIC = """query($id: ID!, $d: Date) { metric(id: $id) { attainment(asOf: $d) } }"""


def _share(day: date) -> float:
    days = (date(day.year, 12, 31) - date(day.year, 1, 1)).days + 1
    return day.timetuple().tm_yday / days


def _expected(metric, value: float, at: date) -> float:
    """docs/semantics.md §1–2: the annualised value (年度累计) judged against the target of its year."""
    target = next((t.target for t in metric.targets if t.year == at.year), metric.target)
    x = value / _share(at) if metric.cumulative else value
    b = metric.baseline
    if metric.direction is MetricDirection.HIGHER:
        a = (x - b) / (target - b) if b is not None else x / target
    else:
        a = (b - x) / (b - target) if b is not None else target / x
    return min(max(a, 0.0), 1.0)


def test_spring_is_not_all_red(demo_gql):
    spring = demo_gql(NETWORK, d="2026-03-01")["qualityNetwork"]["cells"]
    autumn = demo_gql(NETWORK, d="2026-11-20")["qualityNetwork"]["cells"]
    assert len(spring) == len(autumn) == 25
    red = [c for c in spring if c["status"] == "RED"]
    assert len(red) <= 10  # (20 of 25 before: running totals restarted in January, read plainly)
    assert sum(c["status"] == "RED" for c in autumn) == 3


def test_running_totals_are_judged_at_the_year_s_pace(demo_engine):
    """Every 年度累计 metric on 2026-03-01: its annualised value against the year's target, to 1e-9; read
    plainly, most would be RED."""
    day = date(2026, 3, 1)
    snap = demo_engine.snapshot(day)
    metrics = snap.structure.graph.metrics
    running = [m for m in metrics.values() if m.cumulative]
    assert len(running) >= 20
    latest = demo_engine.state.latest_observations(day, [m.id for m in running])
    plain_red = 0
    for m in running:
        at, value = latest[m.id]
        assert snap.attainment(m.id) == pytest.approx(_expected(m, value, at), abs=1e-9), m.id
        plain_red += value / (m.target or 1) < 0.7 and m.baseline is None
    assert plain_red >= len(running) // 2
    assert sum(snap.metric_status(m).value == "RED" for m in running) <= len(running) // 4


def test_five_year_targets_change_by_year(demo_gql, demo_engine):
    """M-EMP-RATE (2024–2028 targets): a 2025 reading is judged against 2025's target, a 2026 one against
    2026's (the metric's ``target``)."""
    metric = demo_engine.snapshot(date(2026, 11, 20)).structure.graph.metrics["M-EMP-RATE"]
    years = {t.year: t.target for t in metric.targets}
    assert sorted(years) == [2024, 2025, 2026, 2027, 2028] and years[2026] == metric.target
    assert years[2024] < years[2025] < years[2026] < years[2027] < years[2028]
    for day in (date(2025, 12, 31), date(2026, 11, 20)):
        at, value = demo_engine.state.latest_observations(day, ["M-EMP-RATE"])["M-EMP-RATE"]
        got = demo_gql(METRIC, id="M-EMP-RATE", d=day.isoformat())["metric"]["attainment"]
        assert got == pytest.approx(_expected(metric, value, at), abs=1e-9)

"""docs/semantics.md worked examples, on both stores: a 年度累计 metric annualised in January, a 分年度目标
judged against the year's target, the pace path behind BEHIND_PACE, and 黄牌/红牌 of a CARDS goal with the
"three card years" rule."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import DATA, client_for, engine_for
from zhengai.domain.enums import Card, Status
from zhengai.domain.errors import InvalidArgumentError

PATHS = DATA / "paths"
JAN = date(2026, 1, 31)


@pytest.fixture
def paths_engine(request, store_kind):
    return engine_for(request, store_kind, PATHS)


def test_a_running_total_is_annualised_so_january_is_not_red(paths_engine):
    snap = paths_engine.snapshot(JAN)
    assert snap.attainment("m-cum") == pytest.approx(90 * 365 / (31 * 1200), abs=1e-9)  # 0.883065
    assert snap.metric_status(paths_engine.metric("m-cum", JAN)) is Status.YELLOW  # read plainly: 0.075, RED
    december = paths_engine.snapshot(date(2025, 12, 31))
    assert december.attainment("m-cum") == pytest.approx(1100 / 1200, abs=1e-9)


def test_a_yearly_target_is_the_one_in_force(paths_engine):
    assert paths_engine.snapshot(date(2025, 12, 31)).attainment("m-path") == pytest.approx(0.5, abs=1e-9)
    assert paths_engine.snapshot(JAN).attainment("m-path") == pytest.approx(22 / 40, abs=1e-9)


def test_goal_values_carry_the_pace_expectation(paths_engine):
    year = paths_engine.snapshot(JAN).goal_value("G-YEAR")
    assert year.attainment == pytest.approx((90 * 365 / (31 * 1200) + 0.5) / 2, abs=1e-9)
    assert year.expected == pytest.approx((1 + 30 / 364) / 2, abs=1e-9)  # paced child 1, plain child elapsed
    assert paths_engine.snapshot(JAN).goal_value("G-FIVE").expected == pytest.approx(1.0, abs=1e-9)
    assert paths_engine.snapshot(JAN).goal_value("G-BASIC").expected is None


def test_behind_pace_follows_the_path_not_the_calendar(paths_engine):
    found = {w.id: w for w in paths_engine.warnings(JAN)}
    # 0.55 against the 2026 target; the five-year period is only 41.7 % gone, the path expects 1
    assert found["BEHIND_PACE:G-FIVE"].severity.value == "RED"
    assert "应达 100.0%" in found["BEHIND_PACE:G-FIVE"].message
    assert "BEHIND_PACE:G-YEAR" not in found  # 0.692 against the expected 0.541


def test_cards_count_indicators_below_their_limit(paths_engine):
    value = paths_engine.snapshot(JAN).goal_value("G-BASIC")
    assert (value.below, value.attainment) == (1, pytest.approx(2 / 3, abs=1e-9))
    assert paths_engine.card("G-BASIC", date(2024, 12, 31)).card is Card.RED  # two below their limit
    yellow = paths_engine.card("G-BASIC", date(2025, 12, 31))
    assert (yellow.card, yellow.below, yellow.card_years) == (Card.YELLOW, 1, 2)
    third = paths_engine.card("G-BASIC", JAN)  # a card in 2024, 2025 and 2026: 红牌
    assert (third.card, third.below, third.card_years) == (Card.RED, 1, 3)


def test_a_card_is_asked_of_a_cards_goal_only(paths_engine):
    with pytest.raises(InvalidArgumentError):
        paths_engine.card("G-YEAR", JAN)


@pytest.fixture
def paths_gql(paths_engine):
    return client_for(paths_engine)


def test_graphql_gives_the_card_and_refuses_other_goals(paths_gql):
    q = "query($g: ID!, $d: Date) { goalCard(goalId: $g, asOf: $d) { goalId card below cardYears } }"
    assert paths_gql(q, g="G-BASIC", d="2025-12-31")["goalCard"] == {
        "goalId": "G-BASIC", "card": "YELLOW", "below": 1, "cardYears": 2}
    assert paths_gql(q, g="G-BASIC", d="2026-01-31")["goalCard"]["card"] == "RED"
    refused = paths_gql.raw(q, g="G-YEAR", d="2026-01-31")
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    unknown = paths_gql.raw(q, g="NOPE", d="2026-01-31")
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"

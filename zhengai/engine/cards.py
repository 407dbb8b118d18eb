"""黄牌/红牌 of a CARDS goal (基本办学条件, docs/semantics.md): how many of its indicators are below their
limit on a date, and the card the goal's rule gives — 黄牌 from ``yellow_at`` indicators, 红牌 from
``red_at``, and a 红牌 too when the goal has held a card at the end of each of the ``red_after_years`` − 1
previous years."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from zhengai.domain.enums import Aggregate, Card
from zhengai.domain.errors import InvalidArgumentError

if TYPE_CHECKING:
    from zhengai.engine.engine import Engine


@dataclass(frozen=True, slots=True)
class CardVerdict:
    """A CARDS goal's card on a date: the card, its indicators below their limit, and the consecutive years
    (this one included) in which it held a card."""

    goal_id: str
    as_of: date
    card: Card
    below: int
    card_years: int


def _card_by_count(below: int, yellow_at: int, red_at: int) -> Card:
    if below >= red_at:
        return Card.RED
    return Card.YELLOW if below >= yellow_at else Card.NONE


def card(engine: Engine, goal_id: str, as_of: date | None = None) -> CardVerdict:
    """The card of CARDS goal ``goal_id`` on ``as_of`` (earlier years are read at their 31 December)."""
    when = engine.day(as_of)
    goal = engine.goal(goal_id, when)
    if goal.aggregate is not Aggregate.CARDS:
        raise InvalidArgumentError(f"goal {goal_id} is not a 黄牌/红牌 (CARDS) goal")
    rule = goal.card_rule
    below = engine.snapshot(when).goal_value(goal_id).below
    verdict = _card_by_count(below, rule.yellow_at, rule.red_at)
    years = 0
    if verdict is not Card.NONE:
        years = 1
        while years < (rule.red_after_years or 1) and _held_card(engine, goal_id, when.year - years):
            years += 1
        if rule.red_after_years is not None and years >= rule.red_after_years:
            verdict = Card.RED
    return CardVerdict(goal_id, when, verdict, below, years)


def _held_card(engine: Engine, goal_id: str, year: int) -> bool:
    """Whether the goal held a card (黄牌 or 红牌) at the end of ``year``."""
    year_end = date(year, 12, 31)
    goal = engine.node(goal_id, year_end)
    if goal is None or getattr(goal, "aggregate", None) is not Aggregate.CARDS:
        return False
    return engine.snapshot(year_end).goal_value(goal_id).below >= goal.card_rule.yellow_at  # type: ignore[union-attr]

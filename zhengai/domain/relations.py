"""The relationships a dataset implies, named as in the Neo4j graph (design.md §1)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, NamedTuple

from zhengai.domain.models import Dataset, Goal, Metric, Plan, Record, Scheme, Standard, Subject, Task, Unit


class Relationship(NamedTuple):
    """``(source)-[kind {weight}]->(target)``, in force from ``start`` until ``end`` (None: unbounded)."""

    source: str
    target: str
    kind: str
    weight: float | None = None
    start: date | None = None
    end: date | None = None

    def valid(self, when: date) -> bool:
        """Whether the relationship is in force on ``when``."""
        return (self.start is None or self.start <= when) and (self.end is None or when < self.end)


class FlowEdge(NamedTuple):
    """A child (goal or metric) feeding a parent goal with a weight, in force from ``start`` to ``end``."""

    child: str
    parent: str
    weight: float
    kind: str  # SUPPORTS | MEASURED_BY
    start: date | None = None
    end: date | None = None

    def valid(self, when: date) -> bool:
        """Whether the edge is in force on ``when``."""
        return (self.start is None or self.start <= when) and (self.end is None or when < self.end)


#: Relationship kinds whose stored direction points *down* the goal chain (towards the
#: indicators). Every other kind points up (towards the school, its plans and units).
DOWNWARD_KINDS = frozenset({"MEASURED_BY", "SPECIFIES"})

SUPPORTS = "SUPPORTS"
MEASURED_BY = "MEASURED_BY"
FLOW_KINDS = frozenset({SUPPORTS, MEASURED_BY})


def _goal_relationships(r: Goal) -> Iterator[Relationship]:
    for link in r.supports:
        yield Relationship(r.id, link.goal, "SUPPORTS", link.weight)
    for p in r.derived_from:
        yield Relationship(r.id, p, "DERIVED_FROM")
    for st_id in r.standards:
        yield Relationship(r.id, st_id, "HELD_TO")
    if r.owner:
        yield Relationship(r.id, r.owner, "OWNED_BY")
    if r.subject:
        yield Relationship(r.id, r.subject, "FOR_SUBJECT")


def _metric_relationships(r: Metric) -> Iterator[Relationship]:
    for link in r.measures:
        yield Relationship(link.goal, r.id, "MEASURED_BY", link.weight)
    if r.owner:
        yield Relationship(r.id, r.owner, "OWNED_BY")


def _task_relationships(r: Task) -> Iterator[Relationship]:
    for g in r.advances:
        yield Relationship(r.id, g, "ADVANCES")
    if r.lead_unit:
        yield Relationship(r.id, r.lead_unit, "LED_BY")
    for u in r.units:
        yield Relationship(r.id, u, "UNDERTAKEN_BY")


def _standard_relationships(r: Standard) -> Iterator[Relationship]:
    for m in r.specifies:
        yield Relationship(r.id, m, "SPECIFIES")
    if r.subject:
        yield Relationship(r.id, r.subject, "FOR_SUBJECT")


def _subject_relationships(r: Subject) -> Iterator[Relationship]:
    if r.unit:
        yield Relationship(r.id, r.unit, "BELONGS_TO")
    if r.major:
        yield Relationship(r.id, r.major, "IN_MAJOR")


def _unit_relationships(r: Unit) -> Iterator[Relationship]:
    if r.parent:
        yield Relationship(r.id, r.parent, "PART_OF")
    for member in r.members:  # (成员单位)-[:MEMBER_OF]->(委员会/工作组)
        yield Relationship(member, r.id, "MEMBER_OF")


def _plan_relationships(r: Plan) -> Iterator[Relationship]:
    if r.parent:
        yield Relationship(r.id, r.parent, "PART_OF")
    if r.subject:
        yield Relationship(r.id, r.subject, "FOR_SUBJECT")
    if r.owner:
        yield Relationship(r.id, r.owner, "OWNED_BY")


def _scheme_relationships(r: Scheme) -> Iterator[Relationship]:
    for u in r.units:
        yield Relationship(r.id, u, "ASSESSES")


#: Record kind → the relationships its reference fields define.
_RELATIONSHIPS_OF: dict[type, Callable[[Any], Iterator[Relationship]]] = {
    Goal: _goal_relationships, Metric: _metric_relationships, Task: _task_relationships,
    Standard: _standard_relationships, Subject: _subject_relationships, Unit: _unit_relationships,
    Plan: _plan_relationships, Scheme: _scheme_relationships,
}


def record_relationships(r: Record) -> Iterator[Relationship]:
    """The relationships one record defines (its reference fields), undated."""
    for kind, of in _RELATIONSHIPS_OF.items():
        if isinstance(r, kind):
            return of(r)
    return iter(())


def relationships(ds: Dataset) -> Iterator[Relationship]:
    """Every relationship of a validated dataset."""
    for r in ds.records():
        yield from record_relationships(r)

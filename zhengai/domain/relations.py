"""The relationships a dataset implies, named as in the Neo4j graph (design.md §1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from zhengai.domain.models import Dataset


class Relationship(NamedTuple):
    """``(source)-[kind {weight}]->(target)``."""

    source: str
    target: str
    kind: str
    weight: float | None = None


#: Relationship kinds whose stored direction points *down* the goal chain (towards the
#: indicators). Every other kind points up (towards the school, its plans and units).
DOWNWARD_KINDS = frozenset({"MEASURED_BY", "SPECIFIES"})

FLOW_KINDS = frozenset({"SUPPORTS", "MEASURED_BY"})


def relationships(ds: Dataset) -> Iterator[Relationship]:
    """Every relationship of a validated dataset."""
    for u in ds.units.values():
        if u.parent:
            yield Relationship(u.id, u.parent, "PART_OF")
    for s in ds.subjects.values():
        if s.unit:
            yield Relationship(s.id, s.unit, "BELONGS_TO")
        if s.major:
            yield Relationship(s.id, s.major, "IN_MAJOR")
    for p in ds.plans.values():
        if p.parent:
            yield Relationship(p.id, p.parent, "PART_OF")
    for st in ds.standards.values():
        for m in st.specifies:
            yield Relationship(st.id, m, "SPECIFIES")
    for g in ds.goals.values():
        for link in g.supports:
            yield Relationship(g.id, link.goal, "SUPPORTS", link.weight)
        for p in g.derived_from:
            yield Relationship(g.id, p, "DERIVED_FROM")
        for st_id in g.standards:
            yield Relationship(g.id, st_id, "HELD_TO")
        if g.owner:
            yield Relationship(g.id, g.owner, "OWNED_BY")
        if g.subject:
            yield Relationship(g.id, g.subject, "FOR_SUBJECT")
    for m in ds.metrics.values():
        for link in m.measures:
            yield Relationship(link.goal, m.id, "MEASURED_BY", link.weight)
        if m.owner:
            yield Relationship(m.id, m.owner, "OWNED_BY")
    for t in ds.tasks.values():
        for g in t.advances:
            yield Relationship(t.id, g, "ADVANCES")
        if t.lead_unit:
            yield Relationship(t.id, t.lead_unit, "LED_BY")
        for u in t.units:
            yield Relationship(t.id, u, "UNDERTAKEN_BY")

"""Writes as data: the edits a caller asks for, and the change set a store records for each accepted
write (with its 审计日志 entry) — one journal record on the embedded store, one transaction on Neo4j.

A :class:`ChangeSet` holds the *result* of a write: the new complete timeline of every node it touched,
the observations it set, the events it appended (8字螺旋, report workflow …). Replaying change sets in
order rebuilds the state exactly; replaying one twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from zhengai.domain.audit import AuditEntry
from zhengai.domain.models import ObservedValue
from zhengai.domain.timeline import Timeline, from_json, to_json


class LinkKind(StrEnum):
    """Relationships an edit can add or remove (design.md §5); each is a list field of its source."""

    SUPPORTS = "SUPPORTS"  # goal → goal (weighted)
    MEASURES = "MEASURES"  # metric → goal (weighted; stored as (goal)-[:MEASURED_BY]->(metric))
    SPECIFIES = "SPECIFIES"  # standard → metric
    HELD_TO = "HELD_TO"  # goal → standard
    DERIVED_FROM = "DERIVED_FROM"  # goal → plan
    ADVANCES = "ADVANCES"  # task → goal
    UNDERTAKEN_BY = "UNDERTAKEN_BY"  # task → unit (承担单位)


#: link kind → (source kind, field on the source record, target kind, weighted)
LINK_FIELDS: dict[LinkKind, tuple[str, str, str, bool]] = {
    LinkKind.SUPPORTS: ("Goal", "supports", "Goal", True),
    LinkKind.MEASURES: ("Metric", "measures", "Goal", True),
    LinkKind.SPECIFIES: ("Standard", "specifies", "Metric", False),
    LinkKind.HELD_TO: ("Goal", "standards", "Standard", False),
    LinkKind.DERIVED_FROM: ("Goal", "derived_from", "Plan", False),
    LinkKind.ADVANCES: ("Task", "advances", "Goal", False),
    LinkKind.UNDERTAKEN_BY: ("Task", "units", "Unit", False),
}


@dataclass(frozen=True)
class Upsert:
    """Create a node (its required fields given) or change the given fields of an existing one."""

    kind: str  # Unit, Subject, Plan, Goal, Metric, Standard, Task
    id: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Link:
    """Add (or reweight) ``source`` → ``target`` of ``kind``."""

    kind: LinkKind
    source: str
    target: str
    weight: float | None = None


@dataclass(frozen=True)
class Unlink:
    """Remove ``source`` → ``target`` of ``kind``."""

    kind: LinkKind
    source: str
    target: str


@dataclass(frozen=True)
class Retire:
    """Take a node out of the graph (from the effective date); ``cascade`` also ends every link to it."""

    id: str
    cascade: bool = False


Change = Upsert | Link | Unlink | Retire


class Op(StrEnum):
    """What an accepted change did to a node (新增, 修改, 撤销, 关联, 解除关联)."""

    CREATED = "CREATED"
    UPDATED = "UPDATED"
    RETIRED = "RETIRED"
    LINKED = "LINKED"
    UNLINKED = "UNLINKED"


@dataclass(frozen=True)
class ChangedNode:
    """What a batch did to one node."""

    id: str
    kind: str
    op: Op


@dataclass(frozen=True)
class Event:
    """One appended event of a stream (``spiral``: 8字螺旋 stage changes and improvements, by subject)."""

    stream: str
    key: str
    payload: dict[str, Any]


@dataclass
class ChangeSet:
    """One accepted write with its audit entry; ``seq`` is given by the store (the new data version)."""

    audit: AuditEntry
    nodes: dict[str, Timeline] = field(default_factory=dict)
    observations: list[ObservedValue] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    changed: list[ChangedNode] = field(default_factory=list)
    effective_from: date | None = None
    seq: int = 0
    #: Not a write: the store reloaded the whole graph (a new generation), every cache starts afresh.
    reload: bool = False
    #: Set by the state when applied: the changed nodes and the goals they fed before or feed after.
    touched: set[str] = field(default_factory=set, compare=False, repr=False)

    @property
    def structural(self) -> bool:
        """Whether nodes or relationships change (not only values and events)."""
        return bool(self.nodes)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict: the journal record and Neo4j's change log entry."""
        return {
            "seq": self.seq,
            "audit": self.audit.to_row(),
            "nodes": {i: to_json(t) for i, t in self.nodes.items()},
            "observations": [[o.metric, o.at.isoformat(), o.value, o.source] for o in self.observations],
            "events": [[e.stream, e.key, e.payload] for e in self.events],
            "changed": [[c.id, c.kind, c.op.value] for c in self.changed],
            "effective_from": None if self.effective_from is None else self.effective_from.isoformat(),
        }

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> ChangeSet:
        """The change set of :meth:`to_json`'s dict."""
        effective = row.get("effective_from")
        return cls(
            audit=AuditEntry.from_row(row["audit"]),
            nodes={i: from_json(t) for i, t in row.get("nodes", {}).items()},
            observations=[ObservedValue(m, date.fromisoformat(at), float(v), s)
                          for m, at, v, s in row.get("observations", [])],
            events=[Event(s, k, p) for s, k, p in row.get("events", [])],
            changed=[ChangedNode(i, k, Op(o)) for i, k, o in row.get("changed", [])],
            effective_from=None if effective is None else date.fromisoformat(effective),
            seq=int(row.get("seq", 0)),
        )

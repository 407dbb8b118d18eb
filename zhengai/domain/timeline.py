"""Versions of a node over time: the plan as it stood on any date (effective dates of edits).

A node's timeline is a tuple of :class:`Version`, ordered by ``start``: each version holds the record
in force from its start (``None``: since always) until the next version starts; a version whose record
is ``None`` means the node is not in the graph then (retired, or not yet created). A node loaded from a
dataset has one version from ``None``. An edit effective from a date D changes every version from D on
and leaves everything before D as it was, so questions asked about earlier dates answer as before.

>>> from zhengai.domain.models import Unit
>>> v1 = Unit(id="JWC", name="教务处", system="GENERATION")
>>> t = apply_from((Version(None, v1),), date(2027, 1, 1), lambda r: r.model_copy(update={"name": "教务部"}))
>>> record_at(t, date(2026, 12, 31)).name, record_at(t, date(2027, 1, 1)).name
('教务处', '教务部')
>>> record_at(retire_from(t, date(2027, 6, 1)), date(2027, 6, 1)) is None
True
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from zhengai.domain.models import SECTIONS, Record

__all__ = ["Timeline", "Version", "apply_from", "from_json", "record_at", "retire_from", "starts", "to_json"]

#: The kind name of each record model (Goal, Metric …) → its model.
MODELS: dict[str, type[Record]] = {m.kind: m for m in SECTIONS.values()}

_EPOCH = date.min  # sorts before every real start: stands for "since always"


@dataclass(frozen=True, slots=True)
class Version:
    """The record in force from ``start`` (None: since always) on; ``record`` None: not in the graph."""

    start: date | None
    record: Record | None


Timeline = tuple[Version, ...]


def _key(start: date | None) -> date:
    return _EPOCH if start is None else start


def record_at(timeline: Timeline, when: date) -> Record | None:
    """The record in force on ``when`` (None: not in the graph on that date)."""
    if len(timeline) == 1:
        only = timeline[0]
        return only.record if only.start is None or only.start <= when else None
    i = bisect_right([_key(v.start) for v in timeline], when)
    return timeline[i - 1].record if i else None


def starts(timeline: Timeline) -> list[date]:
    """The dates on which this node changes."""
    return [v.start for v in timeline if v.start is not None]


def _normalise(versions: list[Version]) -> Timeline:
    """Merge consecutive equal versions; drop leading absences (absent since always is nothing)."""
    out: list[Version] = []
    for v in versions:
        if out and out[-1].record == v.record:
            continue
        if not out and v.record is None:
            continue
        out.append(v)
    return tuple(out)


def apply_from(timeline: Timeline, start: date | None, change: Callable[[Record | None], Record | None]
               ) -> Timeline:
    """The timeline with ``change`` applied to the record in force on every date from ``start`` on
    (``start`` None: on every date); earlier dates keep their versions."""
    if start is None:
        versions = list(timeline) or [Version(None, None)]
        return _normalise([Version(v.start, change(v.record)) for v in versions])
    before = [v for v in timeline if _key(v.start) < start]
    after = [v for v in timeline if _key(v.start) >= start]
    if not after or after[0].start != start:  # split the version in force on ``start``
        after.insert(0, Version(start, before[-1].record if before else None))
    return _normalise([*before, *(Version(v.start, change(v.record)) for v in after)])


def retire_from(timeline: Timeline, start: date | None) -> Timeline:
    """The timeline with the node out of the graph from ``start`` on."""
    return apply_from(timeline, start, lambda _: None)


def to_json(timeline: Timeline) -> list[list[Any]]:
    """``[[start or null, {kind, …fields} or null], …]`` (the journal's and Neo4j's form)."""
    return [[None if v.start is None else v.start.isoformat(),
             None if v.record is None else {"kind": v.record.kind,
                                            **v.record.model_dump(mode="json", exclude_defaults=True)}]
            for v in timeline]


def from_json(rows: list[list[Any]]) -> Timeline:
    """The timeline of :func:`to_json`'s rows."""
    out = []
    for start, fields in rows:
        record = None
        if fields is not None:
            fields = dict(fields)
            record = MODELS[fields.pop("kind")].model_validate(fields)
        out.append(Version(None if start is None else date.fromisoformat(start), record))
    return tuple(out)

"""Where goals sit among the organisational units (the 五纵 side of the network)."""

from __future__ import annotations

from collections.abc import Mapping

from zhengai.domain.models import Goal, Node, Subject, Unit


def goal_unit(goal: Goal, subjects: Mapping[str, Node]) -> str | None:
    """The unit a goal belongs to: its owner, else the unit of its subject."""
    if goal.owner:
        return goal.owner
    subject = subjects.get(goal.subject or "")
    return subject.unit if isinstance(subject, Subject) else None


def unit_and_below(units: Mapping[str, Unit], unit_id: str) -> set[str]:
    """``unit_id`` and every unit PART_OF it, transitively."""
    children: dict[str, list[str]] = {}
    for u in units.values():
        if u.parent:
            children.setdefault(u.parent, []).append(u.id)
    scope, stack = set(), [unit_id]
    while stack:
        u = stack.pop()
        if u not in scope:
            scope.add(u)
            stack += children.get(u, [])
    return scope

"""The cross-record rules of the 诊改 graph, shared by ``zhengai validate`` (a dataset's files) and by
every batch of edits (``applyChanges``, workbook imports): one piece of code, two ways of locating.

Each rule yields :class:`Finding` s — the record, the path of the offending field inside it and the
reason; the file validator turns a finding into ``file:line: message``, the edit planner into the index
of the change in its batch and the field. Single records are checked by their pydantic models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import NamedTuple

from zhengai.domain.enums import LEVEL_RANK
from zhengai.domain.models import (
    Goal,
    Metric,
    Plan,
    Record,
    Scheme,
    Standard,
    Subject,
    Task,
    Unit,
    WeightedLink,
)


class Finding(NamedTuple):
    """A broken rule: the record, the path of its offending field (e.g. ``("supports", 0)``), the reason,
    and the reason's stable code with the values its words need (as in ``zhengai.domain.errors.Problem``)."""

    record_id: str
    path: tuple[str | int, ...]
    message: str
    code: str = "INVALID"
    params: Mapping[str, object] = MappingProxyType({})


class Reference(NamedTuple):
    """A reference field of a record: where it points and what kind of node it must name."""

    field: str
    position: int | None
    target: str
    kind: str  # goal, unit, plan, subject, metric, standard


#: Kind names as messages say them → the record kind they must name.
KINDS = {"goal": "Goal", "unit": "Unit", "plan": "Plan", "subject": "Subject", "metric": "Metric",
         "standard": "Standard"}
#: Reference fields that name a quality subject, which may also be a unit: a 职能部门 or 二级学院 is a quality
#: subject by its own id (ids are unique across a dataset).
SUBJECT_OR_UNIT = frozenset({("Goal", "subject"), ("Plan", "subject"), ("Standard", "subject")})


def references(r: Record) -> Iterator[Reference]:
    """Every id a record names, with the kind of node it must be."""
    def many(name: str, ids: Iterable[str | WeightedLink], kind: str) -> Iterator[Reference]:
        for i, ref in enumerate(ids):
            yield Reference(name, i, ref.goal if isinstance(ref, WeightedLink) else ref, kind)

    def one(name: str, ref: str | None, kind: str) -> Iterator[Reference]:
        if ref is not None:
            yield Reference(name, None, ref, kind)

    if isinstance(r, Unit):
        yield from one("parent", r.parent, "unit")
        yield from many("members", r.members, "unit")
    elif isinstance(r, Subject):
        yield from one("unit", r.unit, "unit")
        yield from one("major", r.major, "subject")
    elif isinstance(r, Plan):
        yield from one("parent", r.parent, "plan")
        yield from one("subject", r.subject, "subject")
        yield from one("owner", r.owner, "unit")
    elif isinstance(r, Standard):
        yield from many("specifies", r.specifies, "metric")
        yield from one("subject", r.subject, "subject")
    elif isinstance(r, Scheme):
        yield from many("units", r.units, "unit")
    elif isinstance(r, Goal):
        yield from many("supports", r.supports, "goal")
        yield from one("subject", r.subject, "subject")
        yield from one("owner", r.owner, "unit")
        yield from many("derived_from", r.derived_from, "plan")
        yield from many("standards", r.standards, "standard")
    elif isinstance(r, Metric):
        yield from many("measures", r.measures, "goal")
        yield from one("owner", r.owner, "unit")
    elif isinstance(r, Task):
        yield from many("advances", r.advances, "goal")
        yield from one("lead_unit", r.lead_unit, "unit")
        yield from many("units", r.units, "unit")


def _path(ref: Reference) -> tuple[str | int, ...]:
    return (ref.field,) if ref.position is None else (ref.field, ref.position)


def reference_findings(r: Record, exists: Callable[[str, str], bool]) -> Iterator[Finding]:
    """Unknown references: ``exists(kind, id)`` says whether a node of that kind is there."""
    for ref in references(r):
        if not exists(KINDS[ref.kind], ref.target) and not (
                (r.kind, ref.field) in SUBJECT_OR_UNIT and exists("Unit", ref.target)):
            yield Finding(r.id, _path(ref),
                          f"{r.kind} {r.id}: {ref.field} names unknown {ref.kind} {ref.target!r}",
                          "UNKNOWN_ID", {"kind": KINDS[ref.kind], "id": ref.target})


def level_findings(g: Goal, goal_of: Callable[[str], Goal | None]) -> Iterator[Finding]:
    """A goal may only support a goal of its own or a higher level (学生→教师→课程→专业→学校)."""
    for i, link in enumerate(g.supports):
        parent = goal_of(link.goal)
        if parent is not None and LEVEL_RANK[g.level] < LEVEL_RANK[parent.level]:
            yield Finding(g.id, ("supports", i),
                          f"Goal {g.id}: a {g.level} goal cannot support the {parent.level} goal {parent.id} "
                          "(supports go up the levels 学生→教师→课程→专业→学校)",
                          "LEVEL", {"level": g.level, "parent_level": parent.level, "parent": parent.id})


def duplicate_link_findings(r: Record) -> Iterator[Finding]:
    """The same goal named twice in ``supports`` or ``measures``."""
    field = "supports" if isinstance(r, Goal) else "measures" if isinstance(r, Metric) else None
    if field is None:
        return
    seen: set[str] = set()
    for link in getattr(r, field):
        if link.goal in seen:
            yield Finding(r.id, (field,), f"{r.kind} {r.id}: {field} names goal {link.goal!r} twice",
                          "DUPLICATE_LINK", {"goal": link.goal})
        seen.add(link.goal)


def find_cycle(starts: Iterable[str], after: Callable[[str], Iterable[str]]) -> list[str] | None:
    """A cycle reachable from ``starts`` following ``after`` (node → the nodes it points to), as the list
    of its nodes from where it closes, or None (an iterative depth-first search)."""
    done: set[str] = set()
    for start in starts:
        if start in done:
            continue
        path: list[str] = []
        on_path: dict[str, int] = {}
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(after(start)))]
        path.append(start)
        on_path[start] = 0
        while stack:
            node, children = stack[-1]
            nxt = next(children, None)
            if nxt is None:
                stack.pop()
                path.pop()
                del on_path[node]
                done.add(node)
                continue
            if nxt in on_path:
                return path[on_path[nxt]:]
            if nxt not in done:
                on_path[nxt] = len(path)
                path.append(nxt)
                stack.append((nxt, iter(after(nxt))))
    return None


def cycle_path(cycle: list[str]) -> str:
    """``A → B → A``, starting at the cycle's smallest id."""
    i = cycle.index(min(cycle))
    nodes = cycle[i:] + cycle[:i]
    return " → ".join([*nodes, nodes[0]])


def cycle_message(name: str, cycle: list[str]) -> str:
    """``cycle in SUPPORTS: A → B → A``, starting at the cycle's smallest id."""
    return f"cycle in {name}: {cycle_path(cycle)}"


def cycle_findings(name: str, nodes: Iterable[str], after: Callable[[str], Iterable[str]],
                   order: Callable[[str], object] = str) -> Iterator[Finding]:
    """Every distinct cycle among ``nodes`` (each reported once, at its first node by ``order``)."""
    remaining = sorted(set(nodes), key=order)  # type: ignore[arg-type]
    reported: set[str] = set()

    def unreported(node: str) -> Iterable[str]:
        return [n for n in after(node) if n not in reported]

    while remaining:
        cycle = find_cycle(remaining, unreported)
        if cycle is None:
            return
        reported.update(cycle)
        first = min(cycle, key=order)  # type: ignore[arg-type]
        yield Finding(first, (), cycle_message(name, cycle), "CYCLE",
                      {"relation": name, "cycle": cycle_path(cycle)})
        remaining = [n for n in remaining if n not in reported]

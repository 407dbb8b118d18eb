"""The 诊改 graph in memory, over time: what every read of the engine sees, on both stores.

The embedded store builds it from a dataset folder and its journal; the Neo4j store from what the
database holds, and both keep it current by applying each accepted :class:`ChangeSet` (their own and,
following the journal or the database's change log, other processes'). Nodes have timelines (versions
with effective dates); relationships are derived from the versions and carry the dates they are in
force, so a read on any date sees the graph as it stood then.

Flow edges (``SUPPORTS`` goal→goal, ``MEASURED_BY`` read as metric→goal) are indexed both ways. Every
goal has a ``rank`` such that a child ranks below each goal it feeds, on every date (the union of all
dated edges is kept acyclic by the validator), so an evaluation in rank order computes children first.
"""

from __future__ import annotations

import threading
from bisect import bisect_right, insort
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from zhengai.domain.allocation import collector_paused
from zhengai.domain.audit import AuditEntry
from zhengai.domain.changes import ChangeSet
from zhengai.domain.enums import LEVEL_RANK, Direction, Level
from zhengai.domain.models import Dataset, Goal, Metric, Node, ObservedValue, Record, Subject, Task, Unit
from zhengai.domain.observation_table import ObservationTable
from zhengai.domain.relations import (
    DOWNWARD_KINDS,
    FLOW_KINDS,
    MEASURED_BY,
    SUPPORTS,
    FlowEdge,
    Relationship,
    record_relationships,
)
from zhengai.domain.spiral import STREAM as HISTORY_STREAM
from zhengai.domain.timeline import Timeline, Version, record_at
from zhengai.domain.units import goal_unit, unit_and_below
from zhengai.stores.observations import ObservationStore

__all__ = ["MEASURED_BY", "SUPPORTS", "FlowGraph", "GraphState", "Neighbourhood", "timeline_relationships"]


@dataclass
class FlowGraph:
    """Goals and metrics with the flow edges among them (on one date)."""

    goals: dict[str, Goal] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    edges: list[FlowEdge] = field(default_factory=list)


@dataclass
class Neighbourhood:
    """Nodes and relationships around a root, capped: ``omitted`` counts nodes left out."""

    nodes: dict[str, Node]
    edges: list[Relationship]
    omitted: int = 0


def flow_edge(rel: Relationship) -> FlowEdge:
    """SUPPORTS keeps its direction; MEASURED_BY (goal→metric) flows metric→goal."""
    if rel.kind == MEASURED_BY:
        return FlowEdge(rel.target, rel.source, rel.weight or 1.0, rel.kind, rel.start, rel.end)
    return FlowEdge(rel.source, rel.target, rel.weight or 1.0, rel.kind, rel.start, rel.end)


def _edge_key(e: FlowEdge) -> tuple:
    return (e.child, e.parent, e.kind, e.start or date.min)


def _rel_key(r: Relationship) -> tuple:
    return (r.source, r.target, r.kind, r.start or date.min)


def timeline_relationships(timeline: Timeline) -> list[Relationship]:
    """The relationships a node's versions define, each with the dates it is in force (consecutive
    versions holding the same relationship give one)."""
    if len(timeline) == 1 and timeline[0].start is None:
        record = timeline[0].record
        return [] if record is None else list(record_relationships(record))
    out: list[Relationship] = []
    open_: dict[tuple, Relationship] = {}
    for i, version in enumerate(timeline):
        end = timeline[i + 1].start if i + 1 < len(timeline) else None
        current = {} if version.record is None else {
            (r.source, r.target, r.kind, r.weight): r for r in record_relationships(version.record)}
        for key in list(open_):
            if key not in current:
                out.append(open_.pop(key))
        for key, r in current.items():
            if key in open_:
                open_[key] = open_[key]._replace(end=end)
            else:
                open_[key] = r._replace(start=version.start, end=end)
    out.extend(open_.values())
    return out


class GraphState:
    """The temporal graph in memory with its observations, events and 审计日志; applies change sets."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.seq = 0  # the last change set applied: the data version
        self.structure_version = 0
        self._fixed: dict[str, Record] = {}  # one version since always
        self._dated: dict[str, Timeline] = {}
        self._kind: dict[str, str] = {}  # kind of every node ever
        self._ids: dict[str, set[str]] = defaultdict(set)  # kind → ids ever
        self._out: dict[str, list[Relationship]] = defaultdict(list)
        self._in: dict[str, list[Relationship]] = defaultdict(list)
        self._up: dict[str, list[FlowEdge]] = defaultdict(list)  # child → edges to the goals it feeds
        self._down: dict[str, list[FlowEdge]] = defaultdict(list)  # goal → edges from its children
        self._dated_edges: set[str] = set()  # nodes with an edge that is not in force on every date
        self.rank: dict[str, float] = {}
        self._starts: dict[date, int] = defaultdict(int)  # change dates (epochs) with their count
        self.obs = ObservationStore()
        self._events: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        self._audit: list[AuditEntry] = []
        self._cache: dict[tuple, Any] = {}
        self._cache_version = -1

    def __getstate__(self) -> dict[str, Any]:
        """What a pickle keeps (the dataset cache): everything but the lock and the derived results."""
        return {k: v for k, v in vars(self).items() if k not in ("lock", "_cache")}

    def __setstate__(self, fields: dict[str, Any]) -> None:
        self.__dict__.update(fields)
        self.lock, self._cache, self._cache_version = threading.RLock(), {}, -1

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def of_dataset(cls, ds: Dataset) -> GraphState:
        """The state holding a validated dataset (every node since always)."""
        table = ds.observations
        if not isinstance(table, ObservationTable):
            table = ObservationTable.of_values(table)
        state = cls.of_timelines(((r.id, (Version(None, r),)) for r in ds.records()),
                                 ObservationStore.of_columns(*table.sorted_columns()))
        for subject, event in ds.history:  # the dataset's 8字螺旋 history, before any event written since
            state._events[(HISTORY_STREAM, subject)].append(dict(event))
        return state

    @classmethod
    def of_timelines(cls, nodes: Iterable[tuple[str, Timeline]],
                     observations: Iterable[tuple[str, Sequence[date] | Any, Sequence[float] | Any]]
                     | ObservationStore) -> GraphState:
        """The state of nodes with their versions and each metric's (dates, values), dates ascending (as
        dates or as an array of their ordinals), or their store."""
        with collector_paused():
            return cls._of_timelines(nodes, observations)

    @classmethod
    def _of_timelines(cls, nodes: Iterable[tuple[str, Timeline]],
                      observations: Iterable[tuple[str, Sequence[date] | Any, Sequence[float] | Any]]
                      | ObservationStore) -> GraphState:
        state = cls()
        rels: list[Relationship] = []
        for node_id, timeline in nodes:
            kind = next((v.record.kind for v in timeline if v.record is not None), None)
            if kind is None:
                continue
            if len(timeline) == 1 and timeline[0].start is None:
                state._fixed[node_id] = timeline[0].record  # type: ignore[assignment]
            else:
                state._dated[node_id] = timeline
                for v in timeline:
                    if v.start is not None:
                        state._starts[v.start] += 1
            state._kind[node_id] = kind
            state._ids[kind].add(node_id)
            rels += timeline_relationships(timeline)
        state._index_all(rels)
        state._rank_all()
        state.obs = (observations if isinstance(observations, ObservationStore)
                     else ObservationStore.of_series(observations))
        return state

    def _index_all(self, rels: list[Relationship]) -> None:
        """Index a new graph's relationships (appended, then each list sorted once as :meth:`_add_rel`
        keeps it; a list of one is sorted already)."""
        for rel in rels:
            self._add_rel(rel)
        for edges in (*self._up.values(), *self._down.values()):
            if len(edges) > 1:
                edges.sort(key=_edge_key)
        for found in (*self._out.values(), *self._in.values()):
            if len(found) > 1:
                found.sort(key=_rel_key)

    def replace_with(self, other: GraphState) -> None:
        """Become ``other`` (a whole new graph, e.g. after a load), keeping this object for its holders."""
        with self.lock:
            version = max(self.structure_version, other.structure_version) + 1
            for name, value in vars(other).items():
                if name != "lock":
                    setattr(self, name, value)
            self.structure_version = version

    def _rank_all(self) -> None:
        """Ranks from a topological order of the goals (Kahn's algorithm over the dated union)."""
        goals = self._ids["Goal"]
        pending = {g: sum(1 for e in self._down.get(g, ()) if e.kind == SUPPORTS) for g in goals}
        ready = sorted((g for g, n in pending.items() if n == 0), reverse=True)
        rank: dict[str, float] = {}
        while ready:
            g = ready.pop()
            rank[g] = float(len(rank))
            for e in self._up.get(g, ()):
                pending[e.parent] -= 1
                if pending[e.parent] == 0:
                    ready.append(e.parent)
        if len(rank) != len(goals):
            raise ValueError("the SUPPORTS relationships form a cycle")
        self.rank = rank

    # -- node lookups -------------------------------------------------------------------------
    @property
    def version(self) -> int:
        """The data version: the sequence number of the last accepted write."""
        return self.seq

    def node(self, node_id: str, when: date) -> Record | None:
        """The node's record in force on ``when`` (None: unknown or not in the graph then)."""
        found = self._fixed.get(node_id)
        if found is not None:
            return found
        timeline = self._dated.get(node_id)
        return record_at(timeline, when) if timeline is not None else None

    def get_nodes(self, ids: Iterable[str], when: date) -> dict[str, Node]:
        """The records in force on ``when`` of the ``ids`` that name one."""
        out: dict[str, Node] = {}
        fixed, dated = self._fixed, self._dated
        for i in ids:
            r = fixed.get(i)
            if r is None and i in dated:
                r = record_at(dated[i], when)
            if r is not None:
                out[i] = r  # type: ignore[assignment]
        return out

    def timeline(self, node_id: str) -> Timeline:
        """Every version of a node (empty: never in the graph)."""
        if node_id in self._fixed:
            return (Version(None, self._fixed[node_id]),)
        return self._dated.get(node_id, ())

    def kind_of(self, node_id: str) -> str | None:
        """The kind (Goal, Metric …) of a node that is or was in the graph."""
        return self._kind.get(node_id)

    def ids(self, kind: str) -> set[str]:
        """Ids of every node of ``kind`` that is or was in the graph."""
        return self._ids.get(kind, set())

    def change_dates(self) -> list[date]:
        """The dates on which some node changes (effective dates of edits), ascending."""
        return sorted(d for d, n in self._starts.items() if n)

    def epoch(self, when: date) -> int:
        """Which stretch between change dates ``when`` falls in: equal epochs see the same graph."""
        return bisect_right(self.change_dates_cached(), when)

    def change_dates_cached(self) -> list[date]:
        """The dates the structure changes on, kept until it changes again."""
        return self._cached(("dates",), self.change_dates)

    def _cached(self, key: tuple, compute: Any) -> Any:
        """A value derived from the structure, kept until the structure changes."""
        if self._cache_version != self.structure_version:
            self._cache = {}
            self._cache_version = self.structure_version
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def records(self, kind: str, when: date) -> dict[str, Any]:
        """Every node of ``kind`` in force on ``when``, by id (kept per structure version and epoch)."""
        def compute() -> dict[str, Any]:
            found = self.get_nodes(self.ids(kind), when)
            return {k: found[k] for k in sorted(found)}
        return self._cached(("records", kind, self.epoch(when)), compute)

    def goals(self, when: date) -> dict[str, Goal]:
        """The goals in force on ``when``."""
        return self.records("Goal", when)

    def metrics(self, when: date) -> dict[str, Metric]:
        """The metrics in force on ``when``."""
        return self.records("Metric", when)

    def units(self, when: date) -> dict[str, Unit]:
        """The units in force on ``when``."""
        return self.records("Unit", when)

    def tasks(self, when: date) -> dict[str, Task]:
        """The 一页纸 tasks in force on ``when``."""
        return self.records("Task", when)

    def subjects(self, when: date) -> dict[str, Subject]:
        """The quality subjects in force on ``when``."""
        return self.records("Subject", when)

    def goal_ids(self, level: Level | None, unit_id: str | None, when: date,
                 among: frozenset[str] | None = None) -> Sequence[str]:
        """Ids of goals at ``level`` owned by ``unit_id`` or its sub-units (and in ``among``, if given), by
        level then id. Answered from an index kept per structure version, date epoch and filter (a
        page costs a slice, not a scan of every goal); the sequence is shared: do not change it."""
        units = self.units(when)
        if unit_id is not None and unit_id not in units:
            return ()
        key = (self.epoch(when), level, unit_id)
        ids: tuple[str, ...] = self._cached(("goal_ids", *key), lambda: self._goal_ids(level, unit_id, when))
        if among is None:
            return ids
        if len(among) * 8 >= len(ids):  # as many as there are: filter the index in its order
            return [g for g in ids if g in among]
        members: frozenset[str] = self._cached(("goal_id_set", *key), lambda: frozenset(ids))
        position = self._cached(("goal_position", key[0]), lambda: {g: i for i, g in enumerate(
            self._goal_ids(None, None, when))})
        return sorted((g for g in among if g in members), key=position.__getitem__)

    def _goal_ids(self, level: Level | None, unit_id: str | None, when: date) -> tuple[str, ...]:
        ordered = self._cached(("goal_order", self.epoch(when)), lambda: sorted(
            self.goals(when).values(), key=lambda g: (LEVEL_RANK[g.level], g.id)))
        if unit_id is None:
            return tuple(g.id for g in ordered if level is None or g.level is level)
        scope = unit_and_below(self.units(when), unit_id)
        subjects = self.subjects(when)
        return tuple(g.id for g in ordered if (level is None or g.level is level)
                     and goal_unit(g, subjects) in scope)

    # -- flow edges -----------------------------------------------------------------------------
    def parents(self, node_id: str, when: date) -> list[FlowEdge]:
        """Flow edges from ``node_id`` to the goals it feeds, in force on ``when``."""
        edges = self._up.get(node_id, [])
        if node_id in self._dated_edges:
            return [e for e in edges if e.valid(when)]
        return edges

    def children(self, node_id: str, when: date) -> list[FlowEdge]:
        """Flow edges into goal ``node_id`` from its supporting goals and metrics, in force on ``when``."""
        edges = self._down.get(node_id, [])
        if node_id in self._dated_edges:
            return [e for e in edges if e.valid(when)]
        return edges

    def all_parents(self, node_id: str) -> list[FlowEdge]:
        """Flow edges up from a node on any date."""
        return self._up.get(node_id, [])

    def all_children(self, node_id: str) -> list[FlowEdge]:
        """Flow edges into a goal on any date."""
        return self._down.get(node_id, [])

    def order(self) -> list[str]:
        """Every goal ever, children before the goals they feed."""
        return self._cached(("order",), lambda: sorted(self.rank, key=self.rank.__getitem__))

    def above(self, ids: Iterable[str], when: date) -> set[str]:
        """``ids`` and every goal they feed on ``when``, transitively."""
        seen = {i for i in ids if self.node(i, when) is not None}
        stack = list(seen)
        while stack:
            for e in self.parents(stack.pop(), when):
                if e.parent not in seen:
                    seen.add(e.parent)
                    stack.append(e.parent)
        return seen

    def below(self, ids: Iterable[str], when: date) -> set[str]:
        """``ids`` and every goal and metric feeding them on ``when``, transitively."""
        seen = {i for i in ids if self.node(i, when) is not None}
        stack = list(seen)
        while stack:
            for e in self.children(stack.pop(), when):
                if e.child not in seen:
                    seen.add(e.child)
                    stack.append(e.child)
        return seen

    def flow_subgraph(self, keep: set[str], when: date) -> FlowGraph:
        """The goals and metrics of ``keep`` with the flow edges among them, in id order."""
        out = FlowGraph()
        for i in sorted(keep):
            record = self.node(i, when)
            if isinstance(record, Goal):
                out.goals[i] = record
            elif isinstance(record, Metric):
                out.metrics[i] = record
        out.edges = sorted((e for i in keep for e in self.parents(i, when) if e.parent in keep),
                           key=_edge_key)
        return out

    def ancestors(self, ids: Sequence[str], when: date) -> FlowGraph:
        """The flow subgraph above ``ids`` (themselves included) on ``when``."""
        return self.flow_subgraph(self.above(ids, when), when)

    def descendants(self, ids: Sequence[str], when: date) -> FlowGraph:
        """The flow subgraph below ``ids`` (themselves included) on ``when``."""
        return self.flow_subgraph(self.below(ids, when), when)

    # -- relationships ----------------------------------------------------------------------------
    def relationships(self, node_id: str, when: date) -> list[Relationship]:
        """Every relationship in force on ``when`` leaving or entering ``node_id``."""
        return [r for r in (*self._out.get(node_id, ()), *self._in.get(node_id, ())) if r.valid(when)]

    def touching(self, node_id: str, since: date) -> list[Relationship]:
        """Relationships leaving or entering ``node_id`` in force on some date from ``since`` on."""
        return [r for r in (*self._out.get(node_id, ()), *self._in.get(node_id, ()))
                if r.end is None or r.end > since]

    def neighbourhood(self, root: str, direction: Direction, depth: int, limit: int, flow_only: bool,
                      when: date) -> Neighbourhood:
        """Nodes within ``depth`` hops of ``root`` on ``when`` (UP follows relationships outwards),
        breadth first, the nearest ``limit`` kept (by distance, then id)."""
        distance: dict[str, int] = {root: 0}
        frontier = [root]
        for hop in range(1, depth + 1):
            nxt: list[str] = []
            for n in frontier:
                for r in (*self._out.get(n, ()), *self._in.get(n, ())):
                    if (flow_only and r.kind not in FLOW_KINDS) or not r.valid(when):
                        continue
                    up = (r.source == n) != (r.kind in DOWNWARD_KINDS)  # a step up the chain from n
                    if (direction is Direction.UP and not up) or (direction is Direction.DOWN and up):
                        continue
                    other = r.target if r.source == n else r.source
                    if other not in distance:
                        distance[other] = hop
                        nxt.append(other)
            frontier = nxt
        kept = sorted(distance, key=lambda i: (distance[i], i))[:limit]
        nodes = self.get_nodes(kept, when)
        keep = set(nodes)
        edges = sorted({r._replace(start=None, end=None) for n in keep for r in self._out.get(n, ())
                        if r.target in keep and r.valid(when) and (not flow_only or r.kind in FLOW_KINDS)},
                       key=_rel_key)
        return Neighbourhood({i: nodes[i] for i in kept if i in nodes}, edges,
                             omitted=len(distance) - len(kept))

    # -- observations, events, audit ----------------------------------------------------------
    def latest_observations(self, as_of: date,
                            metric_ids: Iterable[str] | None = None) -> dict[str, tuple[date, float]]:
        """(date, value) of the latest observation at or before ``as_of`` of each metric with one."""
        return self.obs.latest(as_of, metric_ids)

    def latest_values(self, as_of: date, metric_ids: Iterable[str] | None = None) -> dict[str, float]:
        """The latest observed value at or before ``as_of`` of each metric that has one."""
        return {m: value for m, (_, value) in self.latest_observations(as_of, metric_ids).items()}

    def observation_history(self, metric_ids: Sequence[str], start: date | None = None,
                            end: date | None = None) -> dict[str, list[tuple[date, float]]]:
        """Each metric's observations between ``start`` and ``end`` (inclusive), by date."""
        return self.obs.history(metric_ids, start, end)

    def observation_count(self) -> int:
        """How many observations in all."""
        return self.obs.count()

    def events(self, stream: str, key: str) -> list[dict[str, Any]]:
        """The events of a stream's key (e.g. a subject's 8字螺旋), oldest first."""
        return list(self._events.get((stream, key), []))

    def event_keys(self, stream: str) -> list[str]:
        """The keys of a stream with events (e.g. the subjects with an 8字螺旋 record)."""
        return sorted(k for s, k in self._events if s == stream)

    def audit_entries(self, first: int, before_seq: int | None = None, operation: str | None = None,
                      actor: str | None = None) -> list[AuditEntry]:
        """At most ``first`` audit entries, newest first, with ``seq < before_seq`` when given."""
        out: list[AuditEntry] = []
        for e in reversed(self._audit):
            if len(out) >= first:
                break
            if ((before_seq is None or e.seq < before_seq) and (operation is None or e.operation == operation)
                    and (actor is None or e.actor == actor)):
                out.append(e)
        return out

    def audit_count(self) -> int:
        """How many audit entries are held."""
        return len(self._audit)

    # -- writes -------------------------------------------------------------------------------
    def apply(self, changes: ChangeSet) -> None:
        """Apply an accepted change set (its seq must follow the state's; an older one is skipped)."""
        with self.lock:
            if changes.seq and changes.seq <= self.seq:
                return
            touched: set[str] = set()
            for node_id, timeline in changes.nodes.items():
                touched.add(node_id)
                touched.update(e.parent for e in self._up.get(node_id, ()))
                self.set_timeline(node_id, timeline)
                touched.update(e.parent for e in self._up.get(node_id, ()))
            changes.touched = touched
            self.add_observations(changes.observations)
            for event in changes.events:
                self._events[(event.stream, event.key)].append(dict(event.payload))
            self._audit.append(changes.audit if not changes.seq or changes.audit.seq == changes.seq
                               else _with_seq(changes.audit, changes.seq))
            if changes.nodes:
                self.structure_version += 1
            self.seq = changes.seq or self.seq + 1

    def add_observations(self, rows: Iterable[ObservedValue]) -> int:
        """Set each (metric, at) to its value; returns how many changed."""
        return self.obs.add(rows)

    def set_timeline(self, node_id: str, timeline: Timeline) -> None:
        """Replace every version of a node (an empty timeline: never in the graph)."""
        old = self.timeline(node_id)
        for rel in timeline_relationships(old):
            self._remove_rel(rel)
        for v in old:
            if v.start is not None:
                self._starts[v.start] -= 1
        self._fixed.pop(node_id, None)
        self._dated.pop(node_id, None)
        kind = next((v.record.kind for v in timeline if v.record is not None), None)
        if kind is not None:
            if len(timeline) == 1 and timeline[0].start is None:
                self._fixed[node_id] = timeline[0].record  # type: ignore[assignment]
            else:
                self._dated[node_id] = timeline
            self._kind[node_id] = kind
            self._ids[kind].add(node_id)
            if kind == "Goal" and node_id not in self.rank:
                self.rank[node_id] = min(self.rank.values(), default=0.0) - 1
        for v in timeline:
            if v.start is not None:
                self._starts[v.start] += 1
        for rel in timeline_relationships(timeline):
            self._add_rel(rel, keep_sorted=True)

    def _add_rel(self, rel: Relationship, keep_sorted: bool = False) -> None:
        out, into = self._out[rel.source], self._in[rel.target]
        if keep_sorted:
            insort(out, rel, key=_rel_key)
            insort(into, rel, key=_rel_key)
        else:
            out.append(rel)
            into.append(rel)
        if rel.kind in FLOW_KINDS:
            e = flow_edge(rel)
            up, down = self._up[e.child], self._down[e.parent]
            if keep_sorted:
                insort(up, e, key=_edge_key)
                insort(down, e, key=_edge_key)
                if e.kind == SUPPORTS:
                    self._lift(e.child, e.parent)
            else:
                up.append(e)
                down.append(e)
            if e.start is not None or e.end is not None:
                self._dated_edges.update((e.child, e.parent))

    def _remove_rel(self, rel: Relationship) -> None:
        self._out[rel.source].remove(rel)
        self._in[rel.target].remove(rel)
        if rel.kind in FLOW_KINDS:
            e = flow_edge(rel)
            self._up[e.child].remove(e)
            self._down[e.parent].remove(e)

    def _lift(self, child: str, parent: str) -> None:
        """Keep ranks ordered along a new SUPPORTS edge: raise ``parent`` (and what it feeds) above
        ``child`` where needed."""
        rank = self.rank
        stack = [(child, parent)]
        while stack:
            below, node = stack.pop()
            if rank.get(node, 0.0) <= rank.get(below, 0.0):
                rank[node] = rank.get(below, 0.0) + 1
                stack.extend((node, e.parent) for e in self._up.get(node, ()) if e.kind == SUPPORTS)

    # -- whole-state views (tests, exports) ------------------------------------------------------
    def snapshot_rows(self) -> Iterator[tuple[str, Timeline]]:
        """Every node with its timeline, by id."""
        for node_id in sorted(self._kind):
            timeline = self.timeline(node_id)
            if timeline:
                yield node_id, timeline


def _with_seq(entry: AuditEntry, seq: int) -> AuditEntry:
    from dataclasses import replace

    return replace(entry, seq=seq)

"""The embedded store: the whole graph in memory on networkx (the default store)."""

from __future__ import annotations

import dataclasses
import json
import threading
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

import networkx as nx

from zhengai.domain.enums import LEVEL_RANK, Direction, Level
from zhengai.domain.models import Dataset, Goal, Metric, Node, Observation, Task, Unit
from zhengai.domain.relations import DOWNWARD_KINDS, FLOW_KINDS, Relationship, relationships
from zhengai.domain.units import goal_unit, unit_and_below
from zhengai.engine.audit import AuditEntry
from zhengai.stores.base import MEASURED_BY, FlowEdge, FlowGraph, GraphStore, Neighbourhood
from zhengai.stores.journal import ObservationJournal


def _flow_edge(rel: Relationship) -> FlowEdge:
    """SUPPORTS keeps its direction; MEASURED_BY (goal→metric) flows metric→goal."""
    if rel.kind == MEASURED_BY:
        return FlowEdge(rel.target, rel.source, rel.weight or 1.0, rel.kind)
    return FlowEdge(rel.source, rel.target, rel.weight or 1.0, rel.kind)


class EmbeddedStore(GraphStore):
    """networkx-backed store. ``flow`` holds goals and metrics with edges child → parent.

    The 审计日志 is kept in memory and, with ``audit_journal`` (``audit.jsonl`` in the state folder),
    appended to it fsync'd and read back from it here, so it survives a restart.
    """

    def __init__(self, dataset: Dataset | None = None, audit_journal: ObservationJournal | None = None):
        self._lock = threading.RLock()
        self._version = 0
        self._structure_version = 0
        self._nodes: dict[str, Node] = {}
        self._flow = nx.DiGraph()
        self._rel = nx.MultiDiGraph()
        self._obs: dict[str, tuple[list[date], list[float]]] = {}
        self._units: dict[str, Unit] = {}
        self._tasks: dict[str, Task] = {}
        self._spiral: dict[str, list[dict]] = {}
        self._goals: list[Goal] = []  # by level, then id
        self._audit_journal = audit_journal
        self._audit = [AuditEntry.from_row(r) for r in audit_journal.rows()] if audit_journal else []
        if dataset is not None:
            self.replace(dataset)

    # -- writes -----------------------------------------------------------------------------
    def replace(self, dataset: Dataset) -> None:
        nodes: dict[str, Node] = {r.id: r for r in dataset.records()}  # type: ignore[misc]
        rels = list(relationships(dataset))
        flow = nx.DiGraph()
        flow.add_nodes_from(dataset.goals)
        flow.add_nodes_from(dataset.metrics)
        flow.add_edges_from((e.child, e.parent, {"weight": e.weight, "kind": e.kind})
                            for e in map(_flow_edge, (r for r in rels if r.kind in FLOW_KINDS)))
        rel = nx.MultiDiGraph()
        rel.add_nodes_from(nodes)
        rel.add_edges_from((r.source, r.target, r.kind, {"weight": r.weight}) for r in rels)
        series: dict[str, dict[date, float]] = defaultdict(dict)
        for o in dataset.observations:
            series[o.metric][o.at] = o.value
        obs = {m: (sorted(s), [s[d] for d in sorted(s)]) for m, s in series.items()}
        goals = sorted(dataset.goals.values(), key=lambda g: (LEVEL_RANK[g.level], g.id))
        with self._lock:  # swap in whole: readers see the old or the new graph, never a mix
            self._nodes, self._flow, self._rel, self._obs = nodes, flow, rel, obs
            self._units, self._goals, self._tasks = dict(dataset.units), goals, dict(dataset.tasks)
            self._version += 1
            self._structure_version += 1

    def add_observations(self, observations: Sequence[Observation], audit: AuditEntry | None = None) -> int:
        if audit is not None:
            json.dumps(audit.to_row())  # an entry that cannot be kept fails the call before any change
        changed = 0
        with self._lock:
            for o in observations:
                if o.metric not in self._nodes:
                    raise KeyError(f"unknown metric {o.metric!r}")
            # copy on write: readers on other threads keep the series they hold, each whole
            touched: dict[str, tuple[list[date], list[float]]] = {}
            for o in observations:
                if o.metric not in touched:
                    dates, values = self._obs.get(o.metric, ([], []))
                    touched[o.metric] = (list(dates), list(values))
                dates, values = touched[o.metric]
                i = bisect_right(dates, o.at)
                if i and dates[i - 1] == o.at:
                    if values[i - 1] != o.value:
                        values[i - 1] = o.value
                        changed += 1
                else:
                    dates.insert(i, o.at)
                    values.insert(i, o.value)
                    changed += 1
            if changed:
                if touched.keys() <= self._obs.keys():
                    self._obs.update(touched)  # one series swapped at a time, the dict's size unchanged
                else:
                    self._obs = {**self._obs, **touched}  # a new key: a new dict for readers iterating
                self._version += 1
        if audit is not None:
            self.append_audit(audit)
        return changed

    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        with self._lock:
            stored = dataclasses.replace(entry, seq=self._audit[-1].seq + 1 if self._audit else 1)
            if self._audit_journal is not None:
                self._audit_journal.append_rows([stored.to_row()])
            self._audit.append(stored)
        return stored

    def audit_entries(self, first: int, before_seq: int | None = None, operation: str | None = None,
                      actor: str | None = None) -> list[AuditEntry]:
        out: list[AuditEntry] = []
        for e in reversed(self._audit):
            if len(out) >= first:
                break
            if ((before_seq is None or e.seq < before_seq) and (operation is None or e.operation == operation)
                    and (actor is None or e.actor == actor)):
                out.append(e)
        return out

    # -- reads ------------------------------------------------------------------------------
    @property
    def version(self) -> int:
        return self._version

    @property
    def structure_version(self) -> int:
        return self._structure_version

    def get_nodes(self, ids: Sequence[str]) -> dict[str, Node]:
        nodes = self._nodes
        return {i: nodes[i] for i in ids if i in nodes}

    def units(self) -> dict[str, Unit]:
        return dict(self._units)

    def goal_ids(self, level: Level | None = None, unit_id: str | None = None) -> list[str]:
        units = unit_and_below(self._units, unit_id) if unit_id in self._units else None
        if unit_id is not None and units is None:
            return []
        return [g.id for g in self._goals if (level is None or g.level is level)
                and (units is None or goal_unit(g, self._nodes) in units)]

    def _edges(self, pairs: Iterable[tuple[str, str, dict]]) -> list[FlowEdge]:
        return sorted((FlowEdge(c, p, d["weight"], d["kind"]) for c, p, d in pairs),
                      key=lambda e: (e.child, e.parent, e.kind))

    def parent_edges(self, ids: Sequence[str]) -> dict[str, list[FlowEdge]]:
        flow = self._flow
        return {i: self._edges(flow.out_edges(i, data=True)) for i in ids if i in flow}

    def child_edges(self, ids: Sequence[str]) -> dict[str, list[FlowEdge]]:
        flow = self._flow
        return {i: self._edges(flow.in_edges(i, data=True)) for i in ids if i in flow}

    def _flow_subgraph(self, keep: set[str]) -> FlowGraph:
        out = FlowGraph()
        for i in keep:
            node = self._nodes[i]
            if isinstance(node, Goal):
                out.goals[i] = node
            elif isinstance(node, Metric):
                out.metrics[i] = node
        out.edges = self._edges(self._flow.subgraph(keep).edges(data=True))
        return out.canonical()

    def ancestors(self, ids: Sequence[str]) -> FlowGraph:
        flow = self._flow
        keep = {i for i in ids if i in flow}
        for i in list(keep):
            keep |= nx.descendants(flow, i)  # flow edges point child → parent
        return self._flow_subgraph(keep)

    def descendants(self, ids: Sequence[str]) -> FlowGraph:
        flow = self._flow
        keep = {i for i in ids if i in flow}
        for i in list(keep):
            keep |= nx.ancestors(flow, i)
        return self._flow_subgraph(keep)

    def flow_graph(self) -> FlowGraph:
        out = FlowGraph()
        for i in self._flow:
            node = self._nodes[i]
            if isinstance(node, Goal):
                out.goals[i] = node
            else:
                out.metrics[i] = node  # type: ignore[assignment]
        out.edges = [FlowEdge(c, p, d["weight"], d["kind"]) for c, p, d in self._flow.edges(data=True)]
        return out.canonical()

    def latest_observations(self, as_of: date,
                            metric_ids: Iterable[str] | None = None) -> dict[str, tuple[date, float]]:
        out: dict[str, tuple[date, float]] = {}
        series = self._obs
        for m in series if metric_ids is None else metric_ids:
            s = series.get(m)
            if s:
                i = bisect_right(s[0], as_of)
                if i:
                    out[m] = (s[0][i - 1], s[1][i - 1])
        return out

    def observation_history(self, metric_ids: Sequence[str], start: date | None = None,
                            end: date | None = None) -> dict[str, list[tuple[date, float]]]:
        out: dict[str, list[tuple[date, float]]] = {}
        for m in metric_ids:
            dates, values = self._obs.get(m, ([], []))
            lo = bisect_left(dates, start) if start else 0
            hi = bisect_right(dates, end) if end else len(dates)
            out[m] = list(zip(dates[lo:hi], values[lo:hi], strict=True))
        return out

    def tasks(self) -> dict[str, Task]:
        return dict(self._tasks)

    def spiral_events(self, subject_id: str) -> list[dict]:
        return list(self._spiral.get(subject_id, []))

    def add_spiral_event(self, subject_id: str, event: dict, audit: AuditEntry | None = None) -> None:
        if audit is not None:
            json.dumps(audit.to_row())  # an entry that cannot be kept fails the call before any change
        with self._lock:
            self._spiral.setdefault(subject_id, []).append(dict(event))
            self._version += 1
        if audit is not None:
            self.append_audit(audit)

    def neighbourhood(self, root: str, direction: Direction, depth: int, limit: int,
                      flow_only: bool = False) -> Neighbourhood:
        rel = self._rel
        distance: dict[str, int] = {root: 0}
        frontier = [root]
        for hop in range(1, depth + 1):
            nxt: list[str] = []
            for n in frontier:
                for src, dst, kind in (*rel.out_edges(n, keys=True), *rel.in_edges(n, keys=True)):
                    if flow_only and kind not in FLOW_KINDS:
                        continue
                    up = (src == n) != (kind in DOWNWARD_KINDS)  # a step up the chain from n
                    if (direction is Direction.UP and not up) or (direction is Direction.DOWN and up):
                        continue
                    other = dst if src == n else src
                    if other not in distance:
                        distance[other] = hop
                        nxt.append(other)
            frontier = nxt
        kept = sorted(distance, key=lambda i: (distance[i], i))[:limit]
        keep = set(kept)
        edges = sorted((Relationship(s, t, k, d["weight"])
                        for s, t, k, d in rel.subgraph(keep).edges(keys=True, data=True)
                        if not flow_only or k in FLOW_KINDS),
                       key=lambda e: (e.source, e.target, e.kind))
        return Neighbourhood({i: self._nodes[i] for i in kept}, edges, omitted=len(distance) - len(kept))

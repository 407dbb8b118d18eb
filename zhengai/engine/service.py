"""The engine facade: cached evaluations of a store and the questions the API answers."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from zhengai.domain.enums import LEVEL_RANK, Direction, Level, Status, System
from zhengai.domain.models import Goal, Metric, Node, Subject, Unit
from zhengai.domain.relations import Relationship
from zhengai.domain.units import goal_unit, unit_and_below
from zhengai.engine import impact, monitoring
from zhengai.engine.impact import Folded
from zhengai.engine.propagation import status_of
from zhengai.engine.snapshot import Snapshot, Structure
from zhengai.stores.base import GraphStore


class NotFoundError(LookupError):
    """An id that names no node of the expected kind."""

    def __init__(self, kind: str, node_id: str):
        self.kind, self.node_id = kind, node_id
        super().__init__(f"unknown {kind} id {node_id!r}")


class InvalidArgumentError(ValueError):
    """An argument outside its allowed range."""


class ForbiddenError(PermissionError):
    """A change the caller's scope does not allow (on something the caller may see)."""


@dataclass
class NetworkCell:
    """One cell of the 五纵五横 matrix."""

    system: System
    level: Level
    goal_count: int
    metric_count: int
    attainment: float | None
    status: Status
    status_counts: dict[Status, int]


@dataclass(frozen=True)
class FoldedNode:
    """A graph-view node standing for hidden neighbours of one visible node."""

    id: str
    folded: Folded
    kind: str = "Folded"

    @property
    def name(self) -> str:
        return self.folded.label


@dataclass
class ViewNode:
    node: Node | FoldedNode
    kind: str
    level: Level | None
    status: Status
    attainment: float | None


@dataclass
class GraphView:
    nodes: list[ViewNode]
    edges: list[Relationship]
    omitted: int


MAX_VIEW_NODES = 500


@dataclass(frozen=True)
class DueWarnings:
    """The warnings due at one (store version, date), most severe first, indexed by node id."""

    key: tuple[int, date]
    found: list[monitoring.Warning]
    by_node: dict[str, list[int]]  # node id → positions in ``found``
    units: dict[str, Unit]


class Engine:
    """Answers design.md's questions over a :class:`GraphStore`; caches per store version."""

    def __init__(self, store: GraphStore, cached_dates: int = 8):
        self.store = store
        self._lock = threading.Lock()
        self._structure: tuple[int, Structure] | None = None
        self._snapshots: OrderedDict[tuple[int, date], Snapshot] = OrderedDict()
        self._evaluating: dict[tuple[int, date], threading.Lock] = {}  # keys being evaluated
        self._cached_dates = cached_dates
        self.last_refreshed: set[str] = set()  # the nodes the last refresh re-evaluated
        self._systems: tuple[int, dict[str, System]] | None = None
        self._warnings: DueWarnings | None = None

    # -- evaluation ---------------------------------------------------------------------------
    def structure(self) -> Structure:
        version = self.store.structure_version
        cached = self._structure
        if cached is None or cached[0] != version:
            cached = (version, Structure.of(self.store.flow_graph()))
            self._structure = cached
        return cached[1]

    def snapshot(self, as_of: date | None = None) -> Snapshot:
        """Attainment of every node at ``as_of`` (default today), computed once per version."""
        as_of = as_of or date.today()
        key = (self.store.version, as_of)
        with self._lock:
            snap = self._snapshots.get(key)
            if snap is not None:
                self._snapshots.move_to_end(key)
                return snap
            flight = self._evaluating.setdefault(key, threading.Lock())
        try:
            with flight:  # operations run on threads: one evaluates a new key, the others wait for it
                with self._lock:
                    snap = self._snapshots.get(key)
                if snap is None:
                    snap = Snapshot.evaluate(self.structure(), self.store.latest_observations(as_of), as_of)
                    with self._lock:
                        self._snapshots[key] = snap
                        while len(self._snapshots) > self._cached_dates:
                            self._snapshots.popitem(last=False)
        finally:
            with self._lock:
                self._evaluating.pop(key, None)
        return snap

    def refresh(self, touched: set[str], version_before: int) -> None:
        """Incremental propagation after new observations of the ``touched`` metrics: every cached
        snapshot of ``version_before`` is updated in place — the touched metrics and their
        ancestors only — and kept under the store's new version; others are dropped."""
        structure = self.structure()
        above: set[str] = set()
        frontier = [m for m in touched if m in structure.parents]
        while frontier:
            node = frontier.pop()
            for e in structure.parents.get(node, []):
                if e.parent not in above:
                    above.add(e.parent)
                    frontier.append(e.parent)
        order = [g for g in structure.order if g in above]
        self.last_refreshed = touched | above
        with self._lock:
            cached = [(k, v) for k, v in self._snapshots.items() if k[0] == version_before]
            self._snapshots.clear()
        version = self.store.version
        for (_, as_of), snap in cached:
            snap.update(self.store.latest_observations(as_of, sorted(touched)), touched, order)
            with self._lock:
                self._snapshots[(version, as_of)] = snap

    def keep_current(self, node_ids: set[str] | None = None) -> int:
        """Hand the store today's attainment, status and coverage of ``node_ids`` (default: every
        goal and metric) to keep on its nodes (Neo4j); returns how many."""
        snap = self.snapshot()
        graph = snap.structure.graph
        ids = sorted(node_ids) if node_ids is not None else sorted([*graph.goals, *graph.metrics])
        rows = []
        for i in ids:
            node = graph.goals.get(i) or graph.metrics.get(i)
            if node is not None:
                coverage = snap.goal_value(i).coverage if i in graph.goals else None
                rows.append((i, snap.attainment(i), snap.status(node).value, coverage))
        self.store.keep_current(rows, snap.as_of)
        return len(rows)

    # -- lookups ------------------------------------------------------------------------------
    def goal(self, goal_id: str) -> Goal:
        node = self.store.get_nodes([goal_id]).get(goal_id)
        if not isinstance(node, Goal):
            raise NotFoundError("goal", goal_id)
        return node

    def metric(self, metric_id: str) -> Metric:
        node = self.store.get_nodes([metric_id]).get(metric_id)
        if not isinstance(node, Metric):
            raise NotFoundError("metric", metric_id)
        return node

    # -- questions ----------------------------------------------------------------------------
    def trace_impact(self, metric_id: str, as_of: date | None, to_level: Level,
                     max_paths: int) -> impact.ImpactTrace:
        self.metric(metric_id)
        if max_paths < 0:
            raise InvalidArgumentError("maxPaths must be ≥ 0")
        snap = self.snapshot(as_of)
        return impact.trace_impact(snap, self.store.ancestors([metric_id]), metric_id, to_level,
                                   max_paths)

    def explain_gap(self, goal_id: str, as_of: date | None, top: int) -> impact.GapExplanation:
        goal = self.goal(goal_id)
        if top < 0:
            raise InvalidArgumentError("top must be ≥ 0")
        return impact.explain_gap(self.snapshot(as_of), goal, top)

    def simulate(self, changes: Sequence[tuple[str, float]], as_of: date | None) -> impact.Simulation:
        values: dict[str, float] = {}
        for metric_id, value in changes:
            self.metric(metric_id)
            values[metric_id] = value
        snap = self.snapshot(as_of)
        graph = self.store.ancestors(list(values))
        children = self.store.child_edges(list(graph.goals))
        return impact.simulate(snap, graph, children, values)

    def goal_ids(self, level: Level | None, unit_id: str | None, status: Status | None,
                 as_of: date | None, system: System | None = None,
                 subject_id: str | None = None) -> list[str]:
        ids = self.store.goal_ids(level, unit_id)
        if subject_id is not None:
            goals = self.structure().graph.goals
            ids = [i for i in ids if goals[i].subject == subject_id]
        if system is not None:
            systems = self.goal_systems()
            ids = [i for i in ids if systems.get(i) is system]
        if status is None:
            return ids
        snap = self.snapshot(as_of)
        goals = self.structure().graph.goals
        return [i for i in ids if snap.goal_status(goals[i]) is status]

    def goal_systems(self) -> dict[str, System]:
        """The 五纵 system of each goal: that of its owning unit, else of its subject's unit (computed once
        per structure version)."""
        version = self.store.structure_version
        cached = self._systems
        if cached is not None and cached[0] == version:
            return cached[1]
        structure = self.structure()
        units = self.store.units()
        subject_ids = [g.subject for g in structure.graph.goals.values() if g.subject and not g.owner]
        subjects = self.store.get_nodes(subject_ids)
        out: dict[str, System] = {}
        for g in structure.graph.goals.values():
            unit = units.get(goal_unit(g, subjects) or "")
            if unit is not None:
                out[g.id] = unit.system
        self._systems = (version, out)
        return out

    def warnings(self, as_of: date | None, level: Level | None = None, unit_id: str | None = None,
                 min_severity: monitoring.Severity | None = None) -> list[monitoring.Warning]:
        """监测预警: warnings due at ``as_of``, filtered by level, unit (and its sub-units), severity."""
        due = self.due_warnings(as_of)
        scope = unit_and_below(due.units, unit_id) if unit_id is not None else None
        return monitoring.select(due.found, level, scope, min_severity)

    def due_warnings(self, as_of: date | None) -> DueWarnings:
        """Every warning due at ``as_of``, most severe first, computed once per store version and date."""
        snap = self.snapshot(as_of)
        key = (self.store.version, snap.as_of)
        cached = self._warnings
        if cached is None or cached.key != key:
            units = self.store.units()
            subject_ids = sorted({g.subject for g in snap.structure.graph.goals.values() if g.subject})
            subjects = {k: v for k, v in self.store.get_nodes(subject_ids).items() if isinstance(v, Subject)}
            context = monitoring.MonitoringContext(snap, units, subjects, self.store.tasks())
            found = monitoring.due_warnings(context)
            by_node: dict[str, list[int]] = {}
            for i, w in enumerate(found):
                by_node.setdefault(w.node_id, []).append(i)
            cached = self._warnings = DueWarnings(key, found, by_node, units)
        return cached

    def unit_scope(self, unit_id: str) -> set[str]:
        """``unit_id`` and its sub-units."""
        return unit_and_below(self.store.units(), unit_id)

    def quality_network(self, as_of: date | None) -> list[NetworkCell]:
        """The 五纵五横 matrix: goals by the system of their unit (see goal_systems) and their level."""
        return network_cells(self.snapshot(as_of), self.goal_systems())

    def graph_view(self, root: str, direction: Direction, depth: int, as_of: date | None,
                   flow_only: bool, limit: int = MAX_VIEW_NODES) -> GraphView:
        self._check_view(root, depth, limit)
        hood = self.store.neighbourhood(root, direction, depth, min(limit, MAX_VIEW_NODES), flow_only)
        return view_of(hood.nodes.values(), hood.edges, hood.omitted, self.snapshot(as_of))

    def _check_view(self, root: str, depth: int, limit: int) -> None:
        """A graph view's arguments: a root the caller may see, 0 ≤ depth ≤ 10, limit ≥ 1."""
        if not self.store.get_nodes([root]):
            raise NotFoundError("node", root)
        if depth < 0 or depth > 10:
            raise InvalidArgumentError("depth must be between 0 and 10")
        if limit < 1:
            raise InvalidArgumentError("limit must be at least 1")

    # -- what a caller may see (every node here; a ScopedEngine narrows it) -----------------------
    @property
    def shared(self) -> Engine:
        """The engine whose caches a request's view of it shares."""
        return self

    def visible(self, node_id: str) -> bool:
        """Whether a goal, metric or task id may be shown to the caller."""
        return True

    def folded_children(self, goal_id: str, as_of: date | None, kind: str | None = None) -> Folded | None:
        """The children of a goal hidden from the caller, as one aggregate (none here)."""
        return None

    def own_subjects(self) -> list[Subject]:
        """The quality subjects the caller is or answers for (none: an unrestricted caller)."""
        return []

    def check_own_subject(self, subject_id: str) -> None:
        """Raise unless the caller may run the 8字螺旋 of this subject (anyone may, here)."""


def network_cells(snap: Snapshot, systems: dict[str, System]) -> list[NetworkCell]:
    """The 五纵五横 cells over the goals of ``systems`` (goal id → its system) in ``snap``."""
    structure = snap.structure
    cells: dict[tuple[System, Level], list[Goal]] = {(s, lv): [] for s in System for lv in Level}
    for goal_id, system in systems.items():
        goal = structure.graph.goals[goal_id]
        cells[(system, goal.level)].append(goal)
    out = []
    for (system, level), goals in cells.items():
        counts = dict.fromkeys(Status, 0)
        known = []
        metrics: set[str] = set()
        for g in goals:
            counts[snap.goal_status(g)] += 1
            a = snap.attainment(g.id)
            if a is not None:
                known.append(a)
            metrics.update(e.child for e in structure.children[g.id] if e.child in structure.graph.metrics)
        mean = sum(known) / len(known) if known else None
        out.append(NetworkCell(system, level, len(goals), len(metrics), mean, status_of(mean), counts))
    return out


def view_of(nodes: Iterable[Node | FoldedNode], edges: list[Relationship], omitted: int,
            snap: Snapshot) -> GraphView:
    """A graph view of ``nodes`` with their status in ``snap`` (a metric takes its highest goal's level)."""
    structure = snap.structure
    out = []
    for node in nodes:
        level: Level | None = getattr(node, "level", None)
        status, attainment = Status.UNKNOWN, None
        if isinstance(node, Goal | Metric):
            status, attainment = snap.status(node), snap.attainment(node.id)
        elif isinstance(node, FoldedNode):
            status, attainment = status_of(node.folded.attainment), node.folded.attainment
        if isinstance(node, Metric):
            levels = [structure.graph.goals[e.parent].level for e in structure.parents.get(node.id, [])]
            level = max(levels, key=LEVEL_RANK.__getitem__) if levels else None
        out.append(ViewNode(node, node.kind, level, status, attainment))
    return GraphView(out, edges, omitted)

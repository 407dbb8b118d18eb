"""The engine and store as one scoped principal sees them (数据权限), enforced below the resolvers.

A :class:`ScopedEngine` answers every question of :class:`Engine` from the shared, exact evaluation
of the whole graph, then shows only what the :class:`~zhengai.security.scope.Scope` allows: hidden
nodes cannot be looked up (they read as unknown ids), listed or counted, and where they feed a
visible number they are folded into one anonymous aggregate, "其他 N 项", so the numbers stay exact.
Its ``store`` is a :class:`ScopedStore`, so code that reads the store directly (reports, the 一页纸
view, trends) sees the same narrowed graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from zhengai.domain.enums import LEVEL_RANK, Direction, Level, Status, System
from zhengai.domain.models import Dataset, Goal, Metric, Node, Observation, Subject, Task, Unit
from zhengai.domain.relations import Relationship
from zhengai.domain.units import unit_and_below
from zhengai.engine import impact, monitoring
from zhengai.engine.audit import AuditEntry
from zhengai.engine.caching import VersionedLRU
from zhengai.engine.impact import Folded
from zhengai.engine.propagation import aggregate
from zhengai.engine.service import (
    MAX_VIEW_NODES,
    Engine,
    FoldedNode,
    ForbiddenError,
    GraphView,
    InvalidArgumentError,
    NotFoundError,
    view_of,
)
from zhengai.engine.snapshot import Snapshot, Structure
from zhengai.security.scope import PERSONAL, Scope, build_scope, needs_scope, scope_key
from zhengai.security.tokens import Principal, Role
from zhengai.stores.base import MEASURED_BY, SUPPORTS, FlowEdge, FlowGraph, GraphStore, Neighbourhood

#: The scopes kept per engine (one per distinct principal role/unit/subject), per structure version.
CACHED_SCOPES = 256


class ScopedStore(GraphStore):
    """A read-only view of ``inner`` holding only what ``scope`` allows."""

    def __init__(self, inner: GraphStore, scope: Scope):
        self.inner, self.scope = inner, scope

    @property
    def version(self) -> int:
        return self.inner.version

    @property
    def structure_version(self) -> int:
        return self.inner.structure_version

    def get_nodes(self, ids: Sequence[str]) -> dict[str, Node]:
        return {k: v for k, v in self.inner.get_nodes(ids).items() if self.scope.allows(v)}

    def goal_ids(self, level: Level | None = None, unit_id: str | None = None) -> list[str]:
        return [g for g in self.inner.goal_ids(level, unit_id) if g in self.scope.goals]

    def units(self) -> dict[str, Unit]:
        return self.inner.units()

    def _edges(self, found: dict[str, list[FlowEdge]]) -> dict[str, list[FlowEdge]]:
        sees = self.scope.sees
        return {k: [e for e in v if sees(e.child) and sees(e.parent)] for k, v in found.items() if sees(k)}

    def parent_edges(self, ids: Sequence[str]) -> dict[str, list[FlowEdge]]:
        return self._edges(self.inner.parent_edges([i for i in ids if self.scope.sees(i)]))

    def child_edges(self, ids: Sequence[str]) -> dict[str, list[FlowEdge]]:
        return self._edges(self.inner.child_edges([i for i in ids if self.scope.sees(i)]))

    def _graph(self, graph: FlowGraph) -> FlowGraph:
        s = self.scope
        return FlowGraph({k: v for k, v in graph.goals.items() if k in s.goals},
                         {k: v for k, v in graph.metrics.items() if k in s.metrics},
                         [e for e in graph.edges if s.sees(e.child) and s.sees(e.parent)])

    def ancestors(self, ids: Sequence[str]) -> FlowGraph:
        return self._graph(self.inner.ancestors([i for i in ids if self.scope.sees(i)]))

    def descendants(self, ids: Sequence[str]) -> FlowGraph:
        return self._graph(self.inner.descendants([i for i in ids if self.scope.sees(i)]))

    def flow_graph(self) -> FlowGraph:
        return self._graph(self.inner.flow_graph())

    def latest_observations(self, as_of: date,
                            metric_ids: Iterable[str] | None = None) -> dict[str, tuple[date, float]]:
        ids = self.scope.metrics if metric_ids is None else [m for m in metric_ids if m in self.scope.metrics]
        return self.inner.latest_observations(as_of, sorted(ids))

    def observation_history(self, metric_ids: Sequence[str], start: date | None = None,
                            end: date | None = None) -> dict[str, list[tuple[date, float]]]:
        return self.inner.observation_history([m for m in metric_ids if m in self.scope.metrics], start, end)

    def spiral_events(self, subject_id: str) -> list[dict]:
        return self.inner.spiral_events(subject_id) if self.get_nodes([subject_id]) else []

    def tasks(self) -> dict[str, Task]:
        """The visible tasks, each advancing only its visible goals."""
        goals = self.scope.goals
        return {k: v.model_copy(update={"advances": [g for g in v.advances if g in goals]})
                for k, v in self.inner.tasks().items() if k in self.scope.tasks}

    def neighbourhood(self, root: str, direction: Direction, depth: int, limit: int,
                      flow_only: bool = False) -> Neighbourhood:
        if not self.get_nodes([root]):
            return Neighbourhood({}, [])
        hood = self.inner.neighbourhood(root, direction, depth, limit, flow_only)
        nodes = {k: v for k, v in hood.nodes.items() if self.scope.allows(v)}
        return Neighbourhood(nodes, [r for r in hood.edges if r.source in nodes and r.target in nodes],
                             hood.omitted)

    # -- a view never writes -------------------------------------------------------------------
    def add_spiral_event(self, subject_id: str, event: dict, audit: AuditEntry | None = None) -> None:
        raise PermissionError("a scoped view of the store is read-only")

    def replace(self, dataset: Dataset) -> None:
        raise PermissionError("a scoped view of the store is read-only")

    def add_observations(self, observations: Sequence[Observation], audit: AuditEntry | None = None) -> int:
        raise PermissionError("a scoped view of the store is read-only")


def _scoped_structure(full: Structure, scope: Scope) -> Structure:
    """``full`` narrowed to the visible goals and metrics (walking only the visible goals' edges)."""
    graph = full.graph
    goals = {k: graph.goals[k] for k in sorted(scope.goals)}
    metrics = {k: graph.metrics[k] for k in sorted(scope.metrics)}
    children = {g: [e for e in full.children.get(g, []) if scope.sees(e.child)] for g in goals}
    edges = sorted((e for found in children.values() for e in found),
                   key=lambda e: (e.child, e.parent, e.kind))  # canonical order, as the full graph's
    parents: dict[str, list[FlowEdge]] = {n: [] for n in (*goals, *metrics)}
    for e in edges:
        parents[e.child].append(e)
    order = [g for g in full.order if g in goals]
    return Structure(FlowGraph(goals, metrics, edges), children, parents, order)


class ScopedEngine(Engine):
    """:class:`Engine` narrowed to a scope; shares (and never changes) the base engine's caches."""

    def __init__(self, base: Engine, scope: Scope, structure: Structure):
        self.base, self.scope, self._view = base, scope, structure
        self.store = ScopedStore(base.store, scope)
        self.last_refreshed: set[str] = set()

    @property
    def shared(self) -> Engine:
        return self.base

    def visible(self, node_id: str) -> bool:
        s = self.scope
        return node_id in s.goals or node_id in s.metrics or node_id in s.tasks

    # -- evaluation: the base engine's, seen through the scope -----------------------------------
    def structure(self) -> Structure:
        return self._view

    def snapshot(self, as_of: date | None = None) -> Snapshot:
        return replace(self.base.snapshot(as_of), structure=self._view)

    def refresh(self, touched: set[str], version_before: int) -> None:
        raise PermissionError("a scoped engine does not write")

    def keep_current(self, node_ids: set[str] | None = None) -> int:
        raise PermissionError("a scoped engine does not write")

    # -- lookups: a hidden id reads exactly like an unknown one -----------------------------------
    def goal(self, goal_id: str) -> Goal:
        _require("goal", goal_id, self.scope.goals)
        return self.base.goal(goal_id)

    def metric(self, metric_id: str) -> Metric:
        _require("metric", metric_id, self.scope.metrics)
        return self.base.metric(metric_id)

    # -- questions ------------------------------------------------------------------------------
    def trace_impact(self, metric_id: str, as_of: date | None, to_level: Level,
                     max_paths: int) -> impact.ImpactTrace:
        _require("metric", metric_id, self.scope.metrics)  # the base engine reads it
        full = self.base.trace_impact(metric_id, as_of, to_level, max_paths)
        shown = [replace(t, paths=[p for p in t.paths if all(map(self.scope.sees, p.node_ids))])
                 for t in full.targets if t.goal.id in self.scope.goals]
        hidden = [t for t in full.targets if t.goal.id not in self.scope.goals]
        others = Folded(len(hidden), sensitivity=sum(t.sensitivity for t in hidden)) if hidden else None
        return replace(full, targets=shown, path_count=sum(t.path_count for t in shown), others=others)

    def explain_gap(self, goal_id: str, as_of: date | None, top: int) -> impact.GapExplanation:
        _require("goal", goal_id, self.scope.goals)
        if top < 0:
            raise InvalidArgumentError("top must be ≥ 0")
        full = self.base.explain_gap(goal_id, as_of, 1 << 62)
        mine = [c for c in full.contributors if c.metric.id in self.scope.metrics]
        hidden = [c for c in full.contributors if c.metric.id not in self.scope.metrics]
        others = Folded(len(hidden), contribution=sum(c.contribution for c in hidden),
                        sensitivity=sum(c.sensitivity for c in hidden)) if hidden else None
        unknown = [m for m in full.unknown_metrics if m.id in self.scope.metrics]
        return replace(full, contributors=mine[:top], contributor_count=len(mine), unknown_metrics=unknown,
                       others=others)

    def simulate(self, changes: Sequence[tuple[str, float]], as_of: date | None) -> impact.Simulation:
        for metric_id, _ in changes:  # a metric outside the scope is refused as unknown
            _require("metric", metric_id, self.scope.metrics)
        full = self.base.simulate(changes, as_of)
        shown = [c for c in full.changes if c.goal.id in self.scope.goals]
        hidden = len(full.changes) - len(shown)
        return replace(full, changes=shown, others=Folded(hidden) if hidden else None)

    def goal_ids(self, level: Level | None, unit_id: str | None, status: Status | None,
                 as_of: date | None, system: System | None = None,
                 subject_id: str | None = None) -> list[str]:
        found = self.base.goal_ids(level, unit_id, status, as_of, system, subject_id)
        return [g for g in found if g in self.scope.goals]

    def goal_systems(self) -> dict[str, System]:
        return {g: s for g, s in self.base.goal_systems().items() if g in self.scope.goals}

    def warnings(self, as_of: date | None, level: Level | None = None, unit_id: str | None = None,
                 min_severity: monitoring.Severity | None = None) -> list[monitoring.Warning]:
        """The visible warnings, found through the shared index by node (not by scanning them all)."""
        due = self.base.due_warnings(as_of)
        s, index = self.scope, due.by_node
        positions = sorted(i for ids in (s.goals, s.metrics, s.tasks) for n in ids for i in index.get(n, ()))
        units = unit_and_below(due.units, unit_id) if unit_id is not None else None
        return monitoring.select([due.found[i] for i in positions], level, units, min_severity)

    def folded_children(self, goal_id: str, as_of: date | None, kind: str | None = None) -> Folded | None:
        """The goal's children hidden from the caller (of ``kind``: SUPPORTS or MEASURED_BY), aggregated
        as the goal aggregates them: with the visible children they give its attainment exactly."""
        if goal_id not in self.scope.goals:
            return None
        full = self.base.structure()
        hidden = [e for e in full.children.get(goal_id, [])
                  if not self.scope.sees(e.child) and (kind is None or e.kind == kind)]
        if not hidden:
            return None
        snap = self.base.snapshot(as_of)
        value = aggregate(full.graph.goals[goal_id], [(e.weight, snap.attainment(e.child)) for e in hidden])
        return Folded(len(hidden), weight=sum(e.weight for e in hidden), coverage=value.coverage,
                      attainment=value.attainment)

    def own_subjects(self) -> list[Subject]:
        """The caller's own subject first, then their courses (a teacher) or their unit's 专业 and 课程
        (a unit head), by level and id."""
        goals = self._view.graph.goals
        ids = set(self.scope.own_subjects) | {goals[g].subject for g in self.scope.own_goals
                                             if goals[g].subject and goals[g].level not in PERSONAL}
        found = [v for v in self.store.get_nodes(sorted(ids)).values() if isinstance(v, Subject)]
        first = self.scope.own_subjects & {s.id for s in found if s.level in PERSONAL}
        return sorted(found, key=lambda s: (s.id not in first, LEVEL_RANK[s.level], s.id))

    def check_own_subject(self, subject_id: str) -> None:
        """Only one's own subjects (a unit head's: their units') run their 8字螺旋 through this engine."""
        node = self.store.get_nodes([subject_id]).get(subject_id)
        if not isinstance(node, Subject):
            raise NotFoundError("subject", subject_id)
        if node.id not in self.scope.own_subjects and node.unit not in self.scope.units:
            raise ForbiddenError(f"{subject_id}（{node.name}）is not one of your own quality subjects: "
                                 "only its own people or its unit head change its 8字螺旋")

    def graph_view(self, root: str, direction: Direction, depth: int, as_of: date | None,
                   flow_only: bool, limit: int = MAX_VIEW_NODES) -> GraphView:
        self._check_view(root, depth, limit)
        # the cap applies to visible nodes, so ``omitted`` counts none of the hidden ones
        hood = self.base.store.neighbourhood(root, direction, depth, MAX_VIEW_NODES, flow_only)
        visible = [k for k, v in hood.nodes.items() if self.scope.allows(v)]
        nodes: dict[str, Node | FoldedNode] = {k: hood.nodes[k] for k in visible[:limit]}
        hidden = set(hood.nodes).difference(visible)
        edges: list[Relationship] = []
        groups: dict[tuple[str, str, bool], int] = {}  # (visible node, kind, hidden end is the source)
        for r in hood.edges:
            if r.source in nodes and r.target in nodes:
                edges.append(r)
            elif (r.source in nodes and r.target in hidden) or (r.target in nodes and r.source in hidden):
                key = (r.source, r.kind, False) if r.source in nodes else (r.target, r.kind, True)
                groups[key] = groups.get(key, 0) + 1
        for (near, kind, from_hidden), count in sorted(groups.items()):
            children = (kind == SUPPORTS and from_hidden) or (kind == MEASURED_BY and not from_hidden)
            folded = (self.folded_children(near, as_of, kind) if children else None) or Folded(count)
            node = FoldedNode(f"其他:{near}:{kind}:{'in' if from_hidden else 'out'}", folded)
            nodes[node.id] = node
            ends = (node.id, near) if from_hidden else (near, node.id)
            edges.append(Relationship(*ends, kind, folded.weight))
        return view_of(nodes.values(), edges, max(0, len(visible) - limit), self.snapshot(as_of))


def _require(kind: str, node_id: str, visible: frozenset[str]) -> None:
    """A hidden id reads exactly like an unknown one."""
    if node_id not in visible:
        raise NotFoundError(kind, node_id)


_scopes: VersionedLRU[tuple[Scope, Structure]] = VersionedLRU(CACHED_SCOPES)


def scope_of(engine: Engine, principal: Principal | None) -> tuple[Scope, Structure]:
    """The principal's scope over the engine's current structure, and the structure narrowed to it."""
    def compute() -> tuple[Scope, Structure]:
        structure, store = engine.structure(), engine.store
        graph = structure.graph
        subject_ids: set[str] = set()  # a unit head's goals without an owner belong to their subject's unit
        if principal is not None and Role.UNIT_HEAD in principal.roles:
            subject_ids = {g.subject for g in graph.goals.values() if g.subject and not g.owner}
        subjects = {k: v for k, v in store.get_nodes(sorted(subject_ids)).items() if isinstance(v, Subject)}
        scope = build_scope(principal or Principal("anonymous"), graph, structure.parents, structure.children,
                            subjects, store.units(), store.tasks(), store.get_nodes)
        return scope, _scoped_structure(structure, scope)

    return _scopes.get(engine, engine.store.structure_version, scope_key(principal), compute)


def engine_for(engine: Engine, principal: Principal | None) -> Engine:
    """The engine as ``principal`` sees it: the engine itself for ADMIN, LEADER and DATA_SERVICE, else
    a :class:`ScopedEngine` (no principal, e.g. a websocket not yet authenticated: nothing visible)."""
    if not needs_scope(principal):
        return engine
    scope, structure = scope_of(engine, principal)
    return ScopedEngine(engine, scope, structure)

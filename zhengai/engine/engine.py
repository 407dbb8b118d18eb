"""The engine: every question of the API, answered once, over the state as a caller may see it.

One :class:`Engine` per store holds the caches (evaluations per data version and date, the warnings
due, callers' scopes). ``engine.for_principal(p)`` gives the same engine *as p sees it*: a view that
shares those caches and passes every answer through p's scope (数据权限, :mod:`zhengai.security.scope`)
— hidden nodes cannot be looked up (they read as unknown ids), listed or counted, and where they feed
a visible number they are folded into one anonymous aggregate, "其他 N 项", so the numbers stay exact.
Adding a question means adding one method here.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from zhengai.domain.audit import MAX_READ, AuditEntry
from zhengai.domain.changes import ChangeSet
from zhengai.domain.enums import LEVEL_RANK, SUBJECT_UNIT_TYPES, Direction, Level, Status, System
from zhengai.domain.errors import ForbiddenError, InvalidArgumentError, NotFoundError
from zhengai.domain.models import Goal, Metric, Node, Subject, Task, Unit
from zhengai.domain.relations import FlowEdge, Relationship
from zhengai.domain.units import goal_unit, unit_and_below
from zhengai.engine import cards, impact, monitoring, warning_table
from zhengai.engine.caching import VersionedLRU
from zhengai.engine.columnar import Compiled
from zhengai.engine.impact import Folded
from zhengai.engine.propagation import status_of
from zhengai.engine.snapshot import Snapshot
from zhengai.engine.structure import Structure, VisibleStructure
from zhengai.security.scope import PERSONAL, Scope, build_scope, needs_scope, scope_key
from zhengai.security.tokens import Principal
from zhengai.stores.base import GraphStore
from zhengai.stores.memory import MEASURED_BY, SUPPORTS, GraphState, Neighbourhood

MAX_VIEW_NODES = 500
#: The dates questions may be asked about.
DATES = (date(1900, 1, 1), date(2199, 12, 31))
MAX_SUBJECT_GOALS = 100
#: The scopes kept (one per distinct principal role/unit/subject and epoch), per structure version.
CACHED_SCOPES = 256


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
        """The fold's label (其他 N 项)."""
        return self.folded.label


@dataclass
class ViewNode:
    """A node of a graph view with its kind, level, status and attainment on the view's date."""

    node: Node | FoldedNode
    kind: str
    level: Level | None
    status: Status
    attainment: float | None


@dataclass
class GraphView:
    """The nodes and edges of a chain or neighbourhood, and how many nodes the cap left out."""

    nodes: list[ViewNode]
    edges: list[Relationship]
    omitted: int


@dataclass(frozen=True)
class DueWarnings:
    """The warnings due at one (data version, date), most severe first, indexed by node id.

    After a write that changes values only (an ingest), the held warnings are kept with the nodes whose
    warnings may have changed — the observed metrics and every goal above them — marked ``dirty``; the
    next read re-evaluates those nodes only and splices their warnings in (:meth:`Engine.due_warnings`):
    judged over the evaluation's arrays and merged into the table's order, their objects built when read
    (:mod:`zhengai.engine.warning_table`).
    """

    key: tuple[int, date]
    found: Sequence[monitoring.Warning]
    by_node: Mapping[str, Sequence[monitoring.Warning]]  # node id → its warnings
    units: dict[str, Unit]
    table: warning_table.Table | None  # ``found`` as arrays (None: a plain list, updated node by node)
    subjects: dict[str, Subject]
    tasks: dict[str, Task]
    places: dict[str, tuple[Level | None, str | None]]  # goals' and metrics' level and unit
    clean: int  # the data version ``found`` is exact for (the key's, unless some nodes are dirty)
    dirty: frozenset[str] = frozenset()  # nodes to re-evaluate before these are read
    #: where the dirty nodes sit in the table's compiled arrays (metrics, goals), when the refreshes that
    #: marked them said (None: found by id)
    dirty_at: warning_table.Positions | None = None
    #: (the data version these were brought up from, the warnings raised since it), after an update
    raised: tuple[int, Sequence[monitoring.Warning]] | None = None


@dataclass
class _Flight:
    """One evaluation under way: the thread that started it sets ``snap`` (None: it failed, or a write
    landed meanwhile) and then ``done``; the threads asking for the same key wait for it."""

    done: threading.Event = field(default_factory=threading.Event)
    snap: Snapshot | None = None


@dataclass
class _Caches:
    """What every view of one engine shares."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    snapshots: OrderedDict[tuple[int, date], Snapshot] = field(default_factory=OrderedDict)
    evaluating: dict[tuple[int, date], _Flight] = field(default_factory=dict)  # keys being evaluated
    warnings: OrderedDict[date, DueWarnings] = field(default_factory=OrderedDict)  # by date
    systems: tuple[tuple[int, int], dict[str, System]] | None = None
    scopes: VersionedLRU[Scope] = field(default_factory=lambda: VersionedLRU(CACHED_SCOPES))
    last_refreshed: set[str] = field(default_factory=set)
    compiled: Compiled | None = None
    compile_lock: threading.Lock = field(default_factory=threading.Lock)


class Engine:
    """Answers design.md's questions over a store's state; ``for_principal`` narrows it to a scope."""

    def __init__(self, store: GraphStore, cached_dates: int = 8, *, principal: Principal | None = None,
                 _base: Engine | None = None):
        self.store = store
        self.state: GraphState = store.state
        self.principal = principal
        self.base: Engine = _base or self
        self.restricted = _base is not None
        self._caches = _base._caches if _base is not None else _Caches()
        self._cached_dates = cached_dates

    def for_principal(self, principal: Principal | None) -> Engine:
        """The engine as ``principal`` sees it: itself for an unrestricted caller, else a scoped view
        sharing its caches (no principal, e.g. a websocket not yet authenticated: nothing visible)."""
        if not needs_scope(principal):
            return self.base
        return Engine(self.store, self._cached_dates, principal=principal, _base=self.base)

    @property
    def last_refreshed(self) -> set[str]:
        """The nodes the last refresh re-evaluated."""
        return self._caches.last_refreshed

    # -- dates and scope ----------------------------------------------------------------------------
    @staticmethod
    def day(as_of: date | None) -> date:
        """``as_of``, or today; a date outside :data:`DATES` is refused (cycles and trends reach back
        and ahead of it)."""
        if as_of is None:
            return date.today()
        if not DATES[0] <= as_of <= DATES[1]:
            raise InvalidArgumentError(f"asOf {as_of} is outside {DATES[0]} … {DATES[1]}")
        return as_of

    def scope(self, when: date | None = None) -> Scope | None:
        """What the caller may see on ``when`` (None: everything)."""
        if not self.restricted:
            return None
        when = self.day(when)
        state, principal = self.state, self.principal
        key = (scope_key(principal), state.epoch(when))
        return self._caches.scopes.get(self.base, state.structure_version, key,
                                       lambda: build_scope(principal or Principal("anonymous"), state, when))

    def sees(self, node_id: str, when: date | None = None) -> bool:
        """Whether a goal, metric or task id may be shown to the caller."""
        s = self.scope(when)
        return s is None or node_id in s.goals or node_id in s.metrics or node_id in s.tasks

    visible = sees

    def _allows(self, node: Node, when: date) -> bool:
        s = self.scope(when)
        return s is None or s.allows(node)

    # -- evaluation -------------------------------------------------------------------------------
    def structure(self, as_of: date | None = None) -> Structure:
        """The flow structure on ``as_of`` as the caller may see it."""
        when = self.day(as_of)
        structure = Structure(self.state, when)
        scope = self.scope(when)
        return structure if scope is None else VisibleStructure(structure, scope.sees)

    def snapshot(self, as_of: date | None = None) -> Snapshot:
        """Attainment of every node at ``as_of`` (default today), computed once per data version and date
        (a scoped view sees the same numbers through a narrowed structure)."""
        snap = self.base._full_snapshot(self.day(as_of))
        scope = self.scope(snap.as_of)
        if scope is None:
            return snap
        return snap.with_structure(VisibleStructure(snap.structure, scope.sees))

    def compiled(self) -> Compiled:
        """The flow structure as arrays, compiled once per structure version."""
        caches, state = self._caches, self.state
        held = caches.compiled
        if held is not None and held.version == state.structure_version:
            return held
        with caches.compile_lock:
            held = caches.compiled
            if held is None or held.version != state.structure_version:
                held = caches.compiled = Compiled.of(state)
        return held

    def _full_snapshot(self, as_of: date) -> Snapshot:
        """The evaluation at ``as_of`` of the current data version: cached, or evaluated by ONE thread
        while the others asking for it wait (operations run on worker threads)."""
        caches = self._caches
        while True:
            version = self.state.version
            key = (version, as_of)
            with caches.lock:
                snap = caches.snapshots.get(key)
                if snap is not None:
                    caches.snapshots.move_to_end(key)
                    return snap
                flight = caches.evaluating.get(key)
                leads = flight is None
                if flight is None:
                    flight = caches.evaluating[key] = _Flight()
            if not leads:
                flight.done.wait()
                if flight.snap is not None:
                    return flight.snap
                continue  # it failed or a write landed meanwhile: ask again
            try:
                snap = Snapshot.evaluate(Structure(self.state, as_of), self.compiled())
                with caches.lock:
                    if self.state.version == version:  # else a write landed meanwhile: evaluate again
                        caches.snapshots[key] = flight.snap = snap
                        while len(caches.snapshots) > self._cached_dates:
                            caches.snapshots.popitem(last=False)
            finally:
                with caches.lock:
                    caches.evaluating.pop(key, None)
                flight.done.set()
            if flight.snap is not None:
                return flight.snap

    def absorb(self, changes: Iterable[ChangeSet]) -> None:
        """Bring the caches up to applied change sets: every cached evaluation is refreshed in place —
        the changed nodes and what they feed only — and kept under the new data version."""
        for cs in changes:
            self._refresh(cs)

    def _refresh(self, cs: ChangeSet) -> None:
        caches, state = self._caches, self.state
        if cs.reload:
            with caches.lock:
                caches.snapshots.clear()
                caches.warnings.clear()
                caches.systems = None
            return
        with caches.lock:
            cached = list(caches.snapshots.items())
            caches.snapshots.clear()
        observed = {o.metric for o in cs.observations}
        refreshed: set[str] = set()
        aboves: dict[date, tuple[set[str], warning_table.Positions | None]] = {}
        for (_, as_of), snap in cached:
            nodes = set(observed)
            structural = bool(cs.nodes) and (cs.effective_from is None or as_of >= cs.effective_from)
            if structural:
                nodes |= cs.touched
                # the nodes in force on that date changed: a structure read before the write (its
                # goals and metrics, kept once read) would not know them
                snap.structure = Structure(state, as_of)
            if nodes:
                above = state.above(nodes, as_of) | nodes
                metrics = {n for n in above if state.kind_of(n) == "Metric"}
                goals = sorted((n for n in above if state.kind_of(n) == "Goal"), key=state.rank.__getitem__)
                snap.refresh(state.latest_observations(as_of, sorted(metrics)), metrics, goals)
                refreshed |= above
                if not structural:  # what the warnings of that date re-evaluate, and where they sit
                    at = snap.refreshed_at
                    where = None if at is None else warning_table.positions(snap._compiled, *at)
                    aboves[as_of] = (above, where)
            with caches.lock:
                caches.snapshots[(state.version, as_of)] = snap
        caches.last_refreshed = refreshed or set(observed) | cs.touched
        self._mark_warnings(cs, observed, aboves)

    def _mark_warnings(self, cs: ChangeSet, observed: set[str],
                       aboves: dict[date, tuple[set[str], warning_table.Positions | None]]) -> None:
        """Carry the held warnings over a change set: values only (or structure not yet in force on their
        date) → kept, the observed metrics and the goals above them marked for re-evaluation; a structural
        change in force → dropped (evaluated afresh when next asked for)."""
        caches, state = self._caches, self.state
        with caches.lock:
            held = list(caches.warnings.items())
        kept: dict[date, DueWarnings] = {}
        for as_of, due in held:
            if due.key[0] != state.version - 1:
                continue  # missed a change set
            if cs.nodes and (cs.effective_from is None or as_of >= cs.effective_from):
                continue
            if observed:
                above, at = aboves.get(as_of, (None, None))
                dirty = due.dirty | (above if above is not None else state.above(observed, as_of) | observed)
                if due.dirty:  # marked before: both sets, where both are known
                    at = None if due.dirty_at is None or at is None else \
                        warning_table.joined(due.dirty_at, at)
                kept[as_of] = replace(due, key=(state.version, as_of), dirty=dirty, dirty_at=at)
            elif due.dirty:
                kept[as_of] = replace(due, key=(state.version, as_of))
            else:  # events and audit only: the warnings still hold, none raised
                kept[as_of] = replace(due, key=(state.version, as_of), clean=state.version,
                                      raised=(due.key[0], []))
        with caches.lock:
            for as_of, due in held:
                if caches.warnings.get(as_of) is due:
                    if as_of in kept:
                        caches.warnings[as_of] = kept[as_of]
                    else:
                        del caches.warnings[as_of]

    def keep_current(self, node_ids: set[str] | None = None) -> int:
        """Hand the store today's attainment, status and coverage of ``node_ids`` (default: every goal
        and metric) to keep on its nodes (Neo4j); returns how many."""
        snap = self.base.snapshot()
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

    # -- reads --------------------------------------------------------------------------------------
    def nodes(self, ids: Sequence[str], as_of: date | None = None) -> dict[str, Node]:
        """The nodes of ``ids`` in force on ``as_of`` that the caller may see (a scoped caller's tasks
        advance only the goals they see)."""
        when = self.day(as_of)
        found = self.state.get_nodes(ids, when)
        scope = self.scope(when)
        if scope is None:
            return found
        out: dict[str, Node] = {}
        for k, v in found.items():
            if scope.allows(v):
                out[k] = v.model_copy(update={"advances": [g for g in v.advances if g in scope.goals]}) \
                    if isinstance(v, Task) else v
        return out

    def node(self, node_id: str, as_of: date | None = None) -> Node | None:
        """The node in force on ``as_of`` if the caller may see it, else None."""
        return self.nodes([node_id], as_of).get(node_id)

    def _lookup(self, kind: type, label: str, node_id: str, as_of: date | None) -> Any:
        node = self.node(node_id, as_of)
        if not isinstance(node, kind):
            raise NotFoundError(label, node_id)
        return node

    def goal(self, goal_id: str, as_of: date | None = None) -> Goal:
        """A goal the caller may see (NotFoundError otherwise, hidden or unknown alike)."""
        return self._lookup(Goal, "goal", goal_id, as_of)

    def card(self, goal_id: str, as_of: date | None = None) -> cards.CardVerdict:
        """黄牌/红牌 of a CARDS goal the caller may see (engine/cards.py)."""
        return cards.card(self, goal_id, as_of)

    def assessment(self, scheme_id: str, as_of: date | None = None) -> Any:
        """考核: a scheme's scores as the caller sees them (engine/assessment.py)."""
        from zhengai.engine import assessment

        return assessment.assess(self, scheme_id, as_of)

    def metric(self, metric_id: str, as_of: date | None = None) -> Metric:
        """The metric in force on ``as_of`` (NotFoundError if missing or hidden)."""
        return self._lookup(Metric, "metric", metric_id, as_of)

    def subject(self, subject_id: str, as_of: date | None = None) -> Subject:
        """The quality subject in force on ``as_of`` (NotFoundError if missing or hidden); a 职能部门 or
        二级学院 is one by its unit id (:func:`unit_subject`), seen by whoever sees that unit's goals."""
        node = self.node(subject_id, as_of)
        if isinstance(node, Unit) and node.type in SUBJECT_UNIT_TYPES:
            subject = unit_subject(node)
            scope = self.scope(as_of)
            if scope is not None and not scope.allows(subject):
                raise NotFoundError("subject", subject_id)
            return subject
        return self._lookup(Subject, "subject", subject_id, as_of)

    def subject_goals(self, subject: Subject, as_of: date | None = None) -> list[Goal]:
        """The subject's visible goals (for the school, its SCHOOL-level ones): top goals first, then by id,
        at most :data:`MAX_SUBJECT_GOALS`."""
        structure = self.snapshot(as_of).structure
        every = structure.graph.goals
        goals = [g for g in (every[i] for i in structure.goals_by_subject.get(subject.id, ()))
                 if subject.level is not Level.SCHOOL or g.level is Level.SCHOOL]
        ids = {g.id for g in goals}
        parents = structure.parents

        def has_parent_here(g: Goal) -> bool:
            return any(e.parent in ids for e in parents.get(g.id, []))

        return sorted(goals, key=lambda g: (has_parent_here(g), g.id))[:MAX_SUBJECT_GOALS]

    def units(self, as_of: date | None = None) -> dict[str, Unit]:
        """Every unit (the organisation chart is visible to everyone)."""
        return self.state.units(self.day(as_of))

    def tasks(self, as_of: date | None = None) -> dict[str, Task]:
        """The 一页纸 tasks the caller may see, each advancing only visible goals."""
        when = self.day(as_of)
        tasks = self.state.tasks(when)
        scope = self.scope(when)
        if scope is None:
            return tasks
        return {k: v.model_copy(update={"advances": [g for g in v.advances if g in scope.goals]})
                for k, v in tasks.items() if k in scope.tasks}

    def records(self, kind: str, as_of: date | None = None) -> dict[str, Node]:
        """Every node of ``kind`` (Unit, Subject, Plan, Standard, Goal, Metric, Task) in force on ``as_of``
        that the caller may see, by id (exports and workbooks)."""
        when = self.day(as_of)
        if kind == "Task":
            return dict(self.tasks(when))
        found = self.state.records(kind, when)
        scope = self.scope(when)
        return dict(found) if scope is None else {k: v for k, v in found.items() if scope.allows(v)}

    def _edges(self, ids: Sequence[str], when: date, up: bool) -> dict[str, list[FlowEdge]]:
        read = self.state.parents if up else self.state.children
        scope = self.scope(when)
        out = {}
        for i in ids:
            if self.state.node(i, when) is None or (scope is not None and not scope.sees(i)):
                continue
            edges = read(i, when)
            out[i] = (edges if scope is None
                      else [e for e in edges if scope.sees(e.child) and scope.sees(e.parent)])
        return out

    def parent_edges(self, ids: Sequence[str], as_of: date | None = None) -> dict[str, list[FlowEdge]]:
        """Flow edges from each visible node of ``ids`` to the visible goals it feeds."""
        return self._edges(ids, self.day(as_of), up=True)

    def child_edges(self, ids: Sequence[str], as_of: date | None = None) -> dict[str, list[FlowEdge]]:
        """Flow edges into each visible goal of ``ids`` from its visible children."""
        return self._edges(ids, self.day(as_of), up=False)

    def descendant_ids(self, goal_id: str, as_of: date | None = None) -> set[str]:
        """The visible goals and metrics below ``goal_id`` (itself included)."""
        when = self.day(as_of)
        found = self.state.below([goal_id], when)
        return found if self.scope(when) is None else {n for n in found if self.sees(n, when)}

    def history(self, metric_ids: Sequence[str], start: date | None = None,
                end: date | None = None) -> dict[str, list[tuple[date, float]]]:
        """Each visible metric's observations between ``start`` and ``end`` (inclusive), by date."""
        scope = self.scope()
        ids = [m for m in metric_ids if scope is None or m in scope.metrics]
        return self.state.observation_history(ids, start, end)

    def events(self, stream: str, key: str, owner: str | None = None) -> list[dict[str, Any]]:
        """The events of a stream's key (a subject's 8字螺旋) when the caller sees the node they belong to:
        ``owner``, by default the key itself."""
        if self.restricted and self.node(owner or key) is None:
            return []
        return self.state.events(stream, key)

    def event_keys(self, stream: str) -> list[str]:
        """The keys of a stream with events; callers read each through :meth:`events` with its owner."""
        return self.state.event_keys(stream)

    def neighbourhood(self, root: str, direction: Direction, depth: int, limit: int,
                      flow_only: bool = False, as_of: date | None = None) -> Neighbourhood:
        """Nodes within ``depth`` hops of a visible ``root``, the hidden ones left out."""
        when = self.day(as_of)
        if self.node(root, when) is None:
            return Neighbourhood({}, [])
        hood = self.state.neighbourhood(root, direction, depth, limit, flow_only, when)
        scope = self.scope(when)
        if scope is None:
            return hood
        nodes = {k: v for k, v in hood.nodes.items() if scope.allows(v)}
        return Neighbourhood(nodes, [r for r in hood.edges if r.source in nodes and r.target in nodes],
                             hood.omitted)

    def audit_log(self, first: int = 50, before: int | None = None, operation: str | None = None,
                  actor: str | None = None) -> list[AuditEntry]:
        """审计日志 entries newest first: at most ``first`` (≤ MAX_READ), with ``seq < before``, filtered
        (ADMIN only: the policy refuses everyone else before this is reached)."""
        if self.restricted:
            raise ForbiddenError("auditLog is for the 质管办 (ADMIN) only")
        if not 0 <= first <= MAX_READ:
            raise InvalidArgumentError(f"first must be between 0 and {MAX_READ}")
        return self.state.audit_entries(first, before, operation, actor)

    @property
    def data_version(self) -> int:
        """The data version: bumped by every accepted write."""
        return self.state.version

    # -- questions ------------------------------------------------------------------------------
    def trace_impact(self, metric_id: str, as_of: date | None, to_level: Level,
                     max_paths: int) -> impact.ImpactTrace:
        """How a metric's attainment propagates to the goals of ``to_level`` (exact sensitivities)."""
        when = self.day(as_of)
        self.metric(metric_id, when)
        if max_paths < 0:
            raise InvalidArgumentError("maxPaths must be ≥ 0")
        snap = self.base.snapshot(when)
        above = self.state.ancestors([metric_id], when)
        full = impact.trace_impact(snap, above, metric_id, to_level, max_paths)
        scope = self.scope(when)
        if scope is None:
            return full
        shown = [replace(t, paths=[p for p in t.paths if all(map(scope.sees, p.node_ids))])
                 for t in full.targets if t.goal.id in scope.goals]
        hidden = [t for t in full.targets if t.goal.id not in scope.goals]
        others = Folded(len(hidden), sensitivity=sum(t.sensitivity for t in hidden)) if hidden else None
        return replace(full, targets=shown, path_count=sum(t.path_count for t in shown), others=others)

    def explain_gap(self, goal_id: str, as_of: date | None, top: int) -> impact.GapExplanation:
        """Why a goal is behind: each metric's contribution to its gap, largest first."""
        when = self.day(as_of)
        goal = self.goal(goal_id, when)
        if top < 0:
            raise InvalidArgumentError("top must be ≥ 0")
        scope = self.scope(when)
        full = impact.explain_gap(self.base.snapshot(when), goal, top if scope is None else 1 << 62)
        if scope is None:
            return full
        mine = [c for c in full.contributors if c.metric.id in scope.metrics]
        hidden = [c for c in full.contributors if c.metric.id not in scope.metrics]
        others = Folded(len(hidden), contribution=sum(c.contribution for c in hidden),
                        sensitivity=sum(c.sensitivity for c in hidden)) if hidden else None
        unknown = [m for m in full.unknown_metrics if m.id in scope.metrics]
        return replace(full, contributors=mine[:top], contributor_count=len(mine), unknown_metrics=unknown,
                       others=others, rest=impact.rest_of(mine, top))

    def simulate(self, changes: Sequence[tuple[str, float]], as_of: date | None) -> impact.Simulation:
        """Every goal above the changed metrics recomputed exactly with hypothetical values."""
        when = self.day(as_of)
        values: dict[str, float] = {}
        for i, (metric_id, value) in enumerate(changes):
            metric = self.metric(metric_id, when)  # a metric outside the scope is refused as unknown
            problem = metric.value_problem(value)  # no 生师比 of −5
            if problem:
                raise InvalidArgumentError(f"changes[{i}]: value {problem} for metric {metric_id}")
            values[metric_id] = value
        snap = self.base.snapshot(when)
        graph = self.state.ancestors(list(values), when)
        children = {g: self.state.children(g, when) for g in graph.goals}
        full = impact.simulate(snap, graph, children, values)
        scope = self.scope(when)
        if scope is None:
            return full
        shown = [c for c in full.changes if c.goal.id in scope.goals]
        hidden = len(full.changes) - len(shown)
        return replace(full, changes=shown, others=Folded(hidden) if hidden else None)

    def goal_ids(self, level: Level | None, unit_id: str | None, status: Status | None,
                 as_of: date | None, system: System | None = None,
                 subject_id: str | None = None) -> Sequence[str]:
        """Ids of the visible goals matching the filters, by level then id (from an index)."""
        when = self.day(as_of)
        scope = self.scope(when)
        ids = self.state.goal_ids(level, unit_id, when, None if scope is None else scope.goals)
        goals = self.state.goals(when)
        if subject_id is not None:
            ids = [i for i in ids if goals[i].subject == subject_id]
        if system is not None:
            systems = self.goal_systems(when)
            ids = [i for i in ids if system in systems.get(i, ())]
        if status is None:
            return ids
        snap = self.base.snapshot(when)
        return [i for i in ids if snap.goal_status(goals[i]) is status]

    def goal_systems(self, as_of: date | None = None) -> dict[str, tuple[System, ...]]:
        """The 五纵 systems of each visible goal: those it names (``systems``), else that of its owning unit,
        else of its subject's unit (a goal in several systems counts in each)."""
        when = self.day(as_of)
        state, caches = self.state, self._caches
        key = (state.structure_version, state.epoch(when))
        held = caches.systems
        if held is None or held[0] != key:
            units, subjects = state.units(when), state.subjects(when)
            out: dict[str, tuple[System, ...]] = {}
            for g in state.goals(when).values():
                if g.systems:
                    out[g.id] = tuple(g.systems)
                    continue
                unit = units.get(goal_unit(g, subjects) or "")
                if unit is not None:
                    out[g.id] = (unit.system,)
            held = caches.systems = (key, out)
        scope = self.scope(when)
        return held[1] if scope is None else {g: s for g, s in held[1].items() if g in scope.goals}

    def warnings(self, as_of: date | None, level: Level | None = None, unit_id: str | None = None,
                 min_severity: monitoring.Severity | None = None) -> Sequence[monitoring.Warning]:
        """监测预警: the visible warnings due at ``as_of``, by level, unit (and its sub-units), severity
        (unfiltered and unscoped: the held sequence itself, each warning built when first read)."""
        due = self.due_warnings(as_of)
        units = unit_and_below(due.units, unit_id) if unit_id is not None else None
        scope = self.scope(due.key[1])
        if scope is None:
            found = due.found if isinstance(due.found, warning_table.LazyWarnings) else list(due.found)
        else:  # through the index by node, not by scanning them all
            index = due.by_node
            found = sorted((w for ids in (scope.goals, scope.metrics, scope.tasks) for n in ids
                            for w in index.get(n, ())), key=monitoring.sort_key)
        return monitoring.select(found, level, units, min_severity)

    def node_warnings(self, node_ids: Collection[str], as_of: date | None) -> list[monitoring.Warning]:
        """The visible warnings due at ``as_of`` on ``node_ids``, most severe first: read from the date's
        warnings when they are kept, else judged for those nodes only (a subject's 画像 or 8字螺旋 needs
        its own few, not every warning of a college)."""
        snap = self.base.snapshot(as_of)
        when = snap.as_of
        with self._caches.lock:
            held = self._caches.warnings.get(when)
        if held is not None and held.key == (self.state.version, when) and not held.dirty:
            found = sorted((w for n in set(node_ids) for w in held.by_node.get(n, ())),
                           key=monitoring.sort_key)
        else:
            context = monitoring.MonitoringContext(snap, self.state.units(when), self.state.subjects(when),
                                                   self.state.tasks(when))
            found = sorted(monitoring.node_warnings(set(node_ids), context), key=monitoring.sort_key)
        scope = self.scope(when)
        if scope is None:
            return found
        return [w for w in found if w.node_id in scope.goals or w.node_id in scope.metrics
                or w.node_id in scope.tasks]

    def due_warnings(self, as_of: date | None) -> DueWarnings:
        """Every warning due at ``as_of``, most severe first: computed once per date, then kept across
        ingests with only the touched nodes and the goals above them re-evaluated."""
        snap = self.base.snapshot(as_of)
        when = snap.as_of
        key = (self.state.version, when)
        caches = self._caches
        with caches.lock:
            held = caches.warnings.get(when)
            if held is not None and held.key == key and not held.dirty:
                caches.warnings.move_to_end(when)
                return held
        if held is not None and held.key == key:
            due = _updated(held, snap)
        else:
            state = self.state
            units, subjects, tasks = state.units(when), state.subjects(when), state.tasks(when)
            context = monitoring.MonitoringContext(snap, units, subjects, tasks)
            found = monitoring.due_warnings(context)
            table = warning_table.Table.of(found, warning_table.Slots(snap, list(tasks)), context)
            if table is None:
                by_node: dict[str, list[monitoring.Warning]] = {}
                for w in found:
                    by_node.setdefault(w.node_id, []).append(w)
                due = DueWarnings(key, found, by_node, units, None, subjects, tasks, context.places, key[0])
            else:
                due = DueWarnings(key, warning_table.LazyWarnings(table), warning_table.NodeIndex(table),
                                  units, table, subjects, tasks, context.places, key[0])
        with caches.lock:
            if caches.warnings.get(when) is held:  # else another reader or a write came first
                caches.warnings[when] = due
                caches.warnings.move_to_end(when)
                while len(caches.warnings) > self._cached_dates:
                    caches.warnings.popitem(last=False)
        return due

    def raised_warnings(self, before: DueWarnings, after: DueWarnings) -> Sequence[monitoring.Warning]:
        """The warnings of ``after`` that ``before`` (the same date, an earlier data version) did not
        have, most severe first: from the update's own record when ``after`` was brought up from it."""
        if after.raised is not None and after.raised[0] == before.key[0]:
            return after.raised[1]
        if after is before:
            return []
        ids = {w.id for w in before.found}
        return [w for w in after.found if w.id not in ids]

    def unit_scope(self, unit_id: str, as_of: date | None = None) -> set[str]:
        """``unit_id`` and its sub-units."""
        return unit_and_below(self.units(as_of), unit_id)

    def quality_network(self, as_of: date | None) -> list[NetworkCell]:
        """The 五纵五横 matrix over the visible goals: by the system of their unit and their level."""
        return network_cells(self.snapshot(as_of), self.goal_systems(as_of))

    def graph_view(self, root: str, direction: Direction, depth: int, as_of: date | None,
                   flow_only: bool, limit: int = MAX_VIEW_NODES) -> GraphView:
        """A node's neighbourhood with status colours; hidden neighbours folded into 其他 N 项."""
        when = self.day(as_of)
        if self.node(root, when) is None:
            raise NotFoundError("node", root)
        if depth < 0 or depth > 10:
            raise InvalidArgumentError("depth must be between 0 and 10")
        if limit < 1:
            raise InvalidArgumentError("limit must be at least 1")
        scope = self.scope(when)
        hood = self.state.neighbourhood(root, direction, depth,
                                        min(limit, MAX_VIEW_NODES) if scope is None else MAX_VIEW_NODES,
                                        flow_only, when)
        snap = self.snapshot(when)
        if scope is None:
            return view_of(hood.nodes.values(), hood.edges, hood.omitted, snap)
        # the cap applies to visible nodes, so ``omitted`` counts none of the hidden ones
        visible = [k for k, v in hood.nodes.items() if scope.allows(v)]
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
            folded = (self.folded_children(near, when, kind) if children else None) or Folded(count)
            node = FoldedNode(f"其他:{near}:{kind}:{'in' if from_hidden else 'out'}", folded)
            nodes[node.id] = node
            ends = (node.id, near) if from_hidden else (near, node.id)
            edges.append(Relationship(*ends, kind, folded.weight))
        return view_of(nodes.values(), edges, max(0, len(visible) - limit), snap)

    def folded_children(self, goal_id: str, as_of: date | None, kind: str | None = None) -> Folded | None:
        """The goal's children hidden from the caller (of ``kind``: SUPPORTS or MEASURED_BY), aggregated
        as the goal aggregates them: with the visible children they give its attainment exactly."""
        when = self.day(as_of)
        scope = self.scope(when)
        if scope is None or goal_id not in scope.goals:
            return None
        hidden = [e for e in self.state.children(goal_id, when)
                  if not scope.sees(e.child) and (kind is None or e.kind == kind)]
        if not hidden:
            return None
        snap = self.base.snapshot(when)
        goal = self.state.node(goal_id, when)
        value = snap.aggregate(goal, [(e.child, e.weight) for e in hidden])  # type: ignore[arg-type]
        return Folded(len(hidden), weight=sum(e.weight for e in hidden), coverage=value.coverage,
                      attainment=value.attainment)

    def own_subjects(self) -> list[Subject]:
        """The quality subjects the caller is or answers for: their own subject first, then their courses
        (a teacher) or their unit's 专业 and 课程 (a unit head), by level and id (none: unrestricted)."""
        scope = self.scope()
        if scope is None:
            return []
        when = self.day(None)
        goals = self.state.goals(when)
        ids = set(scope.own_subjects) | {goals[g].subject for g in scope.own_goals if g in goals
                                         and goals[g].subject and goals[g].level not in PERSONAL}
        found = [v for v in self.nodes(sorted(i for i in ids if i)).values() if isinstance(v, Subject)]
        first = scope.own_subjects & {s.id for s in found if s.level in PERSONAL}
        return sorted(found, key=lambda s: (s.id not in first, LEVEL_RANK[s.level], s.id))

    def check_own_subject(self, subject_id: str) -> Subject:
        """The subject, when the caller may run its 8字螺旋 (its own people or its unit head; anyone
        unrestricted): NotFoundError when hidden, ForbiddenError when visible but not theirs."""
        node = self.subject(subject_id)
        scope = self.scope()
        if scope is not None and node.id not in scope.own_subjects and node.unit not in scope.units:
            raise ForbiddenError(f"{subject_id}（{node.name}）is not one of your own quality subjects: "
                                 "only its own people or its unit head change its 8字螺旋", "NOT_OWN_SUBJECT",
                                 id=subject_id, name=node.name)
        return node


def _updated(held: DueWarnings, snap: Snapshot) -> DueWarnings:
    """``held`` with its dirty nodes' warnings re-evaluated on ``snap`` and spliced into the order: over the
    arrays when the table's can say, else node by node."""
    context = monitoring.MonitoringContext(snap, held.units, held.subjects, held.tasks, held.places)
    if held.table is not None:
        done = warning_table.updated(held.table, held.dirty, held.dirty_at, snap, context)
        if done is not None:
            table, raised = done
            return DueWarnings(held.key, warning_table.LazyWarnings(table), warning_table.NodeIndex(table),
                               held.units, table, held.subjects, held.tasks, held.places, held.key[0],
                               raised=(held.clean, warning_table.LazyWarnings(table, raised)))
    fresh = sorted(monitoring.node_warnings(held.dirty, context), key=monitoring.sort_key)
    stale = [w for n in held.dirty for w in held.by_node.get(n, ())]
    old_ids = {w.id for w in stale}
    found = list(held.found)
    keys = [monitoring.sort_key(w) for w in found]
    # cut points: each stale warning's position (dropped), each fresh one's (inserted before it)
    drop = sorted(bisect_left(keys, monitoring.sort_key(w)) for w in stale)
    add = [(bisect_left(keys, monitoring.sort_key(w)), w) for w in fresh]
    out: list[monitoring.Warning] = []
    at = d = a = 0
    while d < len(drop) or a < len(add):
        if a < len(add) and (d == len(drop) or add[a][0] <= drop[d]):
            cut, w = add[a]
            out += found[at:cut]
            out.append(w)
            a += 1
        else:
            cut = drop[d]
            out += found[at:cut]
            cut += 1  # skip the dropped one
            d += 1
        at = max(at, cut)
    out += found[at:]
    by_node = dict(held.by_node)
    for n in held.dirty:
        by_node.pop(n, None)
    for w in fresh:
        by_node.setdefault(w.node_id, []).append(w)
    raised = [w for w in fresh if w.id not in old_ids]
    return DueWarnings(held.key, out, by_node, held.units, None, held.subjects, held.tasks, held.places,
                       held.key[0], raised=(held.clean, raised))


def unit_subject(unit: Unit) -> Subject:
    """A 职能部门 or 二级学院 as a quality subject (各部门、各院部 run their own 8字螺旋 and report): at the
    学校 level (its goals are the school's 年度任务分解), its own unit, its id the unit's."""
    return Subject(id=unit.id, name=unit.name, level=Level.SCHOOL, unit=unit.id)


def network_cells(snap: Snapshot, systems: dict[str, tuple[System, ...]]) -> list[NetworkCell]:
    """The 五纵五横 cells over the goals of ``systems`` (goal id → its systems) in ``snap``."""
    structure = snap.structure
    cells: dict[tuple[System, Level], list[Goal]] = {(s, lv): [] for s in System for lv in Level}
    goals = structure.graph.goals
    for goal_id, in_systems in systems.items():
        goal = goals[goal_id]
        for system in in_systems:
            cells[(system, goal.level)].append(goal)
    metrics_in_force = structure.graph.metrics
    out = []
    for (system, level), members in cells.items():
        counts = dict.fromkeys(Status, 0)
        known = []
        metrics: set[str] = set()
        for g in members:
            counts[snap.goal_status(g)] += 1
            a = snap.attainment(g.id)
            if a is not None:
                known.append(a)
            metrics.update(e.child for e in structure.children[g.id] if e.child in metrics_in_force)
        mean = sum(known) / len(known) if known else None
        out.append(NetworkCell(system, level, len(members), len(metrics), mean, status_of(mean), counts))
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
            goals = structure.graph.goals
            levels = [goals[e.parent].level for e in structure.parents.get(node.id, []) if e.parent in goals]
            level = max(levels, key=LEVEL_RANK.__getitem__) if levels else None
        out.append(ViewNode(node, node.kind, level, status, attainment))
    return GraphView(out, edges, omitted)

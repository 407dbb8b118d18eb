"""The narrow store interface that the embedded (networkx) and Neo4j stores implement.

Relationships follow design.md §1: ``(child:Goal)-[:SUPPORTS {weight}]->(parent:Goal)`` and
``(goal:Goal)-[:MEASURED_BY {weight}]->(metric:Metric)``. The engine sees both as *flow*
edges from the contributing child (a goal or a metric) to the goal it feeds.

Every read goes through these methods, so an authorisation scope can later wrap a store and
filter every read in one place.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from zhengai.domain.enums import Direction, Level
from zhengai.domain.models import Dataset, Goal, Metric, Node, Observation, Task, Unit
from zhengai.domain.relations import Relationship

if TYPE_CHECKING:
    from zhengai.engine.audit import AuditEntry

SUPPORTS = "SUPPORTS"
MEASURED_BY = "MEASURED_BY"


class FlowEdge(NamedTuple):
    """A child (goal or metric) feeding a parent goal with a weight."""

    child: str
    parent: str
    weight: float
    kind: str  # SUPPORTS | MEASURED_BY


@dataclass
class FlowGraph:
    """Goals and metrics with the flow edges among them."""

    goals: dict[str, Goal] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    edges: list[FlowEdge] = field(default_factory=list)

    def canonical(self) -> FlowGraph:
        """The same graph with nodes and edges in id order, so every store's answers are identical
        to the last bit (sums run in the same order)."""
        return FlowGraph({k: self.goals[k] for k in sorted(self.goals)},
                         {k: self.metrics[k] for k in sorted(self.metrics)},
                         sorted(self.edges, key=lambda e: (e.child, e.parent, e.kind)))


@dataclass
class Neighbourhood:
    """Nodes and relationships around a root, capped: ``omitted`` counts nodes left out."""

    nodes: dict[str, Node]
    edges: list[Relationship]
    omitted: int = 0


class GraphStore(ABC):
    """What the engine and the API may ask of a store."""

    @property
    @abstractmethod
    def version(self) -> int:
        """Changes whenever the stored data changes (cache key for computed values)."""

    @property
    @abstractmethod
    def structure_version(self) -> int:
        """Changes when nodes or relationships change (not on new observations)."""

    @abstractmethod
    def get_nodes(self, ids: Sequence[str]) -> dict[str, Node]:
        """Nodes of any kind by id; unknown ids are absent from the result."""

    @abstractmethod
    def goal_ids(self, level: Level | None = None, unit_id: str | None = None) -> list[str]:
        """Ids of goals at ``level`` owned by ``unit_id`` or its sub-units, by level then id."""

    @abstractmethod
    def units(self) -> dict[str, Unit]:
        """Every organisational unit."""

    @abstractmethod
    def parent_edges(self, ids: Sequence[str]) -> dict[str, list[FlowEdge]]:
        """Flow edges leaving each goal or metric of ``ids`` (towards the goals it feeds)."""

    @abstractmethod
    def child_edges(self, ids: Sequence[str]) -> dict[str, list[FlowEdge]]:
        """Flow edges entering each goal of ``ids`` (from its supporting goals and metrics)."""

    @abstractmethod
    def ancestors(self, ids: Sequence[str]) -> FlowGraph:
        """``ids`` and every goal they feed, transitively, with the flow edges among them."""

    @abstractmethod
    def descendants(self, ids: Sequence[str]) -> FlowGraph:
        """``ids`` and every goal and metric feeding them, transitively, with their edges."""

    @abstractmethod
    def flow_graph(self) -> FlowGraph:
        """All goals, metrics and flow edges (for a full evaluation)."""

    @abstractmethod
    def latest_observations(self, as_of: date,
                            metric_ids: Iterable[str] | None = None) -> dict[str, tuple[date, float]]:
        """(date, value) of the latest observation at or before ``as_of`` of each metric with one."""

    def latest_values(self, as_of: date, metric_ids: Iterable[str] | None = None) -> dict[str, float]:
        """The latest observed value at or before ``as_of`` of each metric that has one."""
        return {m: value for m, (_, value) in self.latest_observations(as_of, metric_ids).items()}

    @abstractmethod
    def observation_history(self, metric_ids: Sequence[str], start: date | None = None,
                            end: date | None = None) -> dict[str, list[tuple[date, float]]]:
        """Each metric's observations between ``start`` and ``end`` (inclusive), by date."""

    @abstractmethod
    def spiral_events(self, subject_id: str) -> list[dict]:
        """The 8字螺旋 events of a subject (stage changes, improvements), oldest first."""

    @abstractmethod
    def add_spiral_event(self, subject_id: str, event: dict, audit: AuditEntry | None = None) -> None:
        """Store one 8字螺旋 event (a JSON-able dict with ``kind``), with its 审计日志 entry when given (on
        Neo4j in the same transaction)."""

    @abstractmethod
    def tasks(self) -> dict[str, Task]:
        """Every 一页纸 task."""

    @abstractmethod
    def neighbourhood(self, root: str, direction: Direction, depth: int, limit: int,
                      flow_only: bool = False) -> Neighbourhood:
        """Nodes within ``depth`` hops of ``root`` (UP follows relationships outwards)."""

    @abstractmethod
    def replace(self, dataset: Dataset) -> None:
        """Replace everything stored with a validated dataset, all or nothing."""

    @abstractmethod
    def add_observations(self, observations: Sequence[Observation], audit: AuditEntry | None = None) -> int:
        """Store observations (idempotent by metric and date); returns how many changed. ``audit``, when
        given, is appended to the 审计日志 with them (on Neo4j in the same transaction)."""

    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        """Store one 审计日志 entry durably; returns it with its ``seq`` (1, 2, … in order)."""
        raise NotImplementedError(f"{type(self).__name__} keeps no audit log")

    def audit_entries(self, first: int, before_seq: int | None = None, operation: str | None = None,
                      actor: str | None = None) -> list[AuditEntry]:
        """At most ``first`` audit entries, newest first, with ``seq < before_seq`` when given, of
        ``operation`` and ``actor`` when given. The audit log is not part of the dataset: ``replace``
        keeps it and no other read sees it."""
        raise NotImplementedError(f"{type(self).__name__} keeps no audit log")

    def keep_current(self, rows: Sequence[tuple[str, float | None, str, float | None]],  # noqa: B027
                     as_of: date) -> None:
        """Keep each node's current (attainment, status, coverage) for cheap dashboard reads; a
        store that evaluates in memory needs nothing (rows: id, attainment, status, coverage)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

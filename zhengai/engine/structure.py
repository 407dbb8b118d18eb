"""The flow structure of the goal graph on one date, read from the state in memory (no copy).

``graph.goals`` / ``graph.metrics`` are the records in force on the date; ``children`` and ``parents``
map a node to its flow edges in force on it; ``order`` lists the goals children first. A
:class:`VisibleStructure` is the same structure narrowed to what a caller may see (its scope).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from zhengai.domain.models import Goal, Metric
from zhengai.domain.relations import FlowEdge
from zhengai.stores.memory import GraphState


class _Edges(Mapping[str, list[FlowEdge]]):
    """Node id → its flow edges (to parents, or from children) in force on a date."""

    def __init__(self, read: Callable[[str], list[FlowEdge]], nodes: Callable[[], Mapping[str, Any]]):
        self._read, self._nodes = read, nodes

    def __getitem__(self, node_id: str) -> list[FlowEdge]:
        if node_id not in self._nodes():
            raise KeyError(node_id)
        return self._read(node_id)

    def get(self, node_id: str, default: Any = None) -> Any:  # type: ignore[override]
        return self._read(node_id) if node_id in self._nodes() else default

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes())

    def __len__(self) -> int:
        return len(self._nodes())


@dataclass
class Graph:
    """The goals and metrics of a structure."""

    goals: Mapping[str, Goal]
    metrics: Mapping[str, Metric]


class Structure:
    """The flow structure of ``state`` on ``when``."""

    def __init__(self, state: GraphState, when: date):
        self.state, self.when = state, when

    @cached_property
    def graph(self) -> Graph:
        """The goals and metrics in force on the date."""
        return Graph(self.state.goals(self.when), self.state.metrics(self.when))

    @cached_property
    def _nodes(self) -> Mapping[str, Any]:
        return _Union(self.graph.goals, self.graph.metrics)

    @cached_property
    def goals_by_subject(self) -> Mapping[str, list[str]]:
        """Subject id → the ids of its goals in force (built once per structure, not scanned per subject)."""
        index: dict[str, list[str]] = {}
        for g in self.graph.goals.values():
            if g.subject is not None:
                index.setdefault(g.subject, []).append(g.id)
        return index

    @cached_property
    def children(self) -> Mapping[str, list[FlowEdge]]:
        """Goal id → its flow edges down (SUPPORTS children, MEASURED_BY metrics), read on demand."""
        when = self.when
        return _Edges(lambda g: self.state.children(g, when), lambda: self.graph.goals)

    @cached_property
    def parents(self) -> Mapping[str, list[FlowEdge]]:
        """Node id → its flow edges up (the goals it supports or measures), read on demand."""
        when = self.when
        return _Edges(lambda n: self.state.parents(n, when), lambda: self._nodes)

    @property
    def order(self) -> list[str]:
        """The goals in force, every child before the goals it feeds."""
        goals = self.graph.goals
        return [g for g in self.state.order() if g in goals]

    @property
    def rank(self) -> Mapping[str, float]:
        """Topological rank of each node (for ordering evaluations)."""
        return self.state.rank


class _Union(Mapping[str, Any]):
    """Two mappings with disjoint keys read as one."""

    def __init__(self, a: Mapping[str, Any], b: Mapping[str, Any]):
        self.a, self.b = a, b

    def __getitem__(self, key: str) -> Any:
        return self.a[key] if key in self.a else self.b[key]

    def __contains__(self, key: object) -> bool:
        return key in self.a or key in self.b

    def __iter__(self) -> Iterator[str]:
        yield from self.a
        yield from self.b

    def __len__(self) -> int:
        return len(self.a) + len(self.b)


class _Filtered(Mapping[str, Any]):
    """A mapping narrowed to the keys ``keep`` accepts."""

    def __init__(self, inner: Mapping[str, Any], keep: Callable[[str], bool]):
        self.inner, self.keep = inner, keep

    def __getitem__(self, key: str) -> Any:
        if not self.keep(key):
            raise KeyError(key)
        return self.inner[key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.keep(key) and key in self.inner

    def __iter__(self) -> Iterator[str]:
        return (k for k in self.inner if self.keep(k))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Narrowed(Mapping[str, list[str]]):
    """An index of id lists read with only the ids ``keep`` accepts (computed per key, on read)."""

    def __init__(self, inner: Mapping[str, list[str]], keep: Callable[[str], bool]):
        self.inner, self.keep = inner, keep

    def __getitem__(self, key: str) -> list[str]:
        kept = [i for i in self.inner[key] if self.keep(i)]
        if not kept:
            raise KeyError(key)
        return kept

    def __iter__(self) -> Iterator[str]:
        return (k for k in self.inner if k in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class VisibleStructure(Structure):
    """A structure narrowed to the goals and metrics ``sees`` accepts (edges between visible nodes)."""

    def __init__(self, inner: Structure, sees: Callable[[str], bool]):
        super().__init__(inner.state, inner.when)
        self.inner, self.sees = inner, sees

    @cached_property
    def graph(self) -> Graph:
        """The visible goals and metrics."""
        inner = self.inner.graph
        return Graph(_Filtered(inner.goals, self.sees), _Filtered(inner.metrics, self.sees))

    @cached_property
    def goals_by_subject(self) -> Mapping[str, list[str]]:
        """Subject id → the ids of its visible goals (the whole structure's index, narrowed on read)."""
        return _Narrowed(self.inner.goals_by_subject, self.sees)

    @cached_property
    def children(self) -> Mapping[str, list[FlowEdge]]:
        """Goal id → its flow edges down to visible children."""
        sees, read = self.sees, self.inner.children
        return _Edges(lambda g: [e for e in read.get(g, []) if sees(e.child)], lambda: self.graph.goals)

    @cached_property
    def parents(self) -> Mapping[str, list[FlowEdge]]:
        """Node id → its flow edges up to visible goals."""
        sees, read = self.sees, self.inner.parents
        return _Edges(lambda n: [e for e in read.get(n, []) if sees(e.parent)], lambda: self._nodes)

    @property
    def order(self) -> list[str]:
        return [g for g in self.inner.order if self.sees(g)]

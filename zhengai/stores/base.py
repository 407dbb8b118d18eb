"""What a store is: the 诊改 graph in memory (:class:`GraphState`, every read) kept durable and shared.

Both stores hold the whole graph in memory for reading and differ in how a write is made durable and
how other processes' writes reach them:

- the embedded store: a dataset folder plus a journal of change sets in a state folder (one fsync'd
  record per write), followed by every process that serves the folder;
- the Neo4j store: the graph of record in Neo4j, one transaction per write (the change, its 审计日志
  entry and a change-log entry), followed by every replica through the change log.

A write is :meth:`GraphStore.commit` of a *plan*: a function that validates the request against the
state as it is once the writers' lock is held (every earlier write applied) and returns the change set
to record, or raises to refuse it (nothing is written then).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from zhengai.domain.changes import ChangeSet
from zhengai.domain.relations import FlowEdge
from zhengai.stores.memory import MEASURED_BY, SUPPORTS, FlowGraph, GraphState, Neighbourhood

__all__ = ["MEASURED_BY", "SUPPORTS", "FlowEdge", "FlowGraph", "GraphStore", "Neighbourhood", "Plan"]

#: Validates against the current state and returns the change set to record (or raises to refuse).
Plan = Callable[[GraphState], ChangeSet]


class GraphStore(ABC):
    """A durable, shared home of the graph state."""

    name: str = "store"
    state: GraphState

    @property
    def version(self) -> int:
        """The data version: the sequence number of the last accepted write."""
        return self.state.version

    @property
    def structure_version(self) -> int:
        """Changes when nodes or relationships change (not on new observations)."""
        return self.state.structure_version

    @abstractmethod
    def commit(self, plan: Plan) -> list[ChangeSet]:
        """Record the change set ``plan`` returns, with its audit entry, all or nothing, and apply it.

        Returns every change set applied meanwhile, oldest first: those other processes wrote since
        the last look (caught up before planning), then this one (last)."""

    def poll(self) -> list[ChangeSet]:
        """Apply what other processes wrote since the last look; returns those change sets."""
        return []

    def behind(self) -> bool:
        """Whether other processes wrote since the last look, when that costs no round trip to know
        (the embedded journal's size); poll catches up."""
        return False

    def health(self) -> dict[str, Any]:
        """Whether the store can serve and write (for readiness checks)."""
        return {"ok": True}

    def keep_current(self, rows: Sequence[tuple[str, float | None, str, float | None]], as_of: date) -> None:
        """Keep each node's current (attainment, status, coverage) for cheap dashboard reads; a store
        without readers of its own needs nothing (rows: id, attainment, status, coverage)."""
        return None

    def limit_transactions(self, seconds: float | None) -> None:
        """Have the store of record stop what it runs for a request after ``seconds`` (None: no limit);
        a store without a server of its own has nothing to stop."""
        return None

    def close(self) -> None:
        """Release files and connections."""
        return None

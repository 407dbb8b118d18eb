"""Per-request context: the engine as the caller sees it, and DataLoaders that batch node reads.

A nested query reads the engine a constant number of times per level of nesting, whatever the number
of objects on the page. Loader keys are (id, date): the graph as it stood on that date (None: today).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from zhengai.domain.models import Node
from zhengai.domain.relations import FlowEdge
from zhengai.engine import Engine
from zhengai.engine.snapshot import Snapshot
from zhengai.engine.writes import WriteService
from zhengai.resolvers.live import WarningHub
from zhengai.security.tokens import Principal

#: The most items a nested list field returns (its ``first`` argument can ask for fewer).
MAX_LIST = 500


class RequestTimeoutError(TimeoutError):
    """The request ran past its time limit (ZHENGAI_REQUEST_TIMEOUT)."""


class SessionExpiredError(PermissionError):
    """The caller's token expired (a websocket session outliving it)."""


#: Flow edges with the node at the far end (None beyond the first MAX_LIST of a kind).
Linked = list[tuple[FlowEdge, Node | None]]
Key = tuple[str, date | None]


@dataclass
class Context:
    """Loaders: ``nodes`` by (id, date); ``parents``/``children``: flow edges with the node at the far end.

    ``engine`` is the service's engine as the principal sees it (``Engine.for_principal``): every read
    of a request goes through it, so a scoped caller's query never meets a hidden node."""

    base: Engine
    writes: WriteService | None = None
    hub: WarningHub | None = None
    principal: Principal | None = None  # who calls (None: a websocket not yet authenticated)
    timeout: float | None = None  # seconds this request may take (checked at every engine access)
    nodes: DataLoader[Key, Node | None] = field(init=False)
    parents: DataLoader[Key, Linked] = field(init=False)
    children: DataLoader[Key, Linked] = field(init=False)

    _engine: tuple[Principal | None, Engine] | None = field(init=False, default=None)
    _deadline: float | None = field(init=False, default=None)

    @property
    def engine(self) -> Engine:
        """The engine as the current principal sees it (set later on a websocket); past the request's
        deadline every access fails, so the fields still to resolve stop early."""
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise RequestTimeoutError(f"the request ran past its time limit of {self.timeout:g} s "
                                      "(ZHENGAI_REQUEST_TIMEOUT)")
        if self.principal is not None and self.principal.expired():
            raise SessionExpiredError("token expired: reconnect with a new token")
        if self._engine is None or self._engine[0] is not self.principal:
            self._engine = (self.principal, self.base.for_principal(self.principal))
        return self._engine[1]

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout if self.timeout is not None else None

        def by_date(keys: Sequence[Key]) -> list[tuple[date | None, list[str]]]:
            ordered = sorted(set(keys), key=lambda k: (k[1] or date.max, k[0]))
            return [(when, [k[0] for k in group]) for when, group in groupby(ordered, key=lambda k: k[1])]

        async def load_nodes(keys: Sequence[Key]) -> list[Node | None]:
            found: dict[Key, Node] = {}
            for when, ids in by_date(keys):
                found |= {(i, when): n for i, n in self.engine.nodes(ids, when).items()}
            return [found.get(k) for k in keys]

        def linked(ids: list[str], when: date | None, edges: dict[str, list[FlowEdge]], far: str
                   ) -> dict[Key, Linked]:
            """Edges of each id with the far node of the first MAX_LIST edges of each kind (lists
            are bounded, so a node with thousands of children costs no more than MAX_LIST)."""
            shown: dict[str, list[FlowEdge]] = {}
            for i, found in edges.items():
                seen: dict[str, int] = {}
                keep = []
                for e in found:
                    seen[e.kind] = seen.get(e.kind, 0) + 1
                    if seen[e.kind] <= MAX_LIST:
                        keep.append(e)
                shown[i] = keep
            far_ids = {getattr(e, far) for keep in shown.values() for e in keep}
            nodes = self.engine.nodes(sorted(far_ids), when)
            return {(i, when): [(e, nodes.get(getattr(e, far))) for e in edges.get(i, [])] for i in ids}

        async def load_parents(keys: Sequence[Key]) -> list[Linked]:
            out: dict[Key, Linked] = {}
            for when, ids in by_date(keys):
                out |= linked(ids, when, self.engine.parent_edges(ids, when), "parent")
            return [out.get(k, []) for k in keys]

        async def load_children(keys: Sequence[Key]) -> list[Linked]:
            out: dict[Key, Linked] = {}
            for when, ids in by_date(keys):
                out |= linked(ids, when, self.engine.child_edges(ids, when), "child")
            return [out.get(k, []) for k in keys]

        self.nodes = DataLoader(load_fn=load_nodes)
        self.parents = DataLoader(load_fn=load_parents)
        self.children = DataLoader(load_fn=load_children)

    def snapshot(self, as_of: date | None) -> Snapshot:
        return self.engine.snapshot(as_of)


def ctx(info: Info) -> Context:
    return info.context["zhengai"]

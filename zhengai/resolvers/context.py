"""Per-request context: the engine and DataLoaders that batch every store read.

A nested query calls the store a constant number of times per level of nesting, whatever
the number of objects on the page.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from zhengai.domain.models import Node
from zhengai.engine import Engine
from zhengai.engine.ingest import Ingestor
from zhengai.engine.scoped import engine_for
from zhengai.engine.snapshot import Snapshot
from zhengai.engine.spiral import SpiralService
from zhengai.resolvers.live import WarningHub
from zhengai.security.tokens import Principal
from zhengai.stores.base import FlowEdge

#: The most items a nested list field returns (its ``first`` argument can ask for fewer).
MAX_LIST = 500


class RequestTimeoutError(TimeoutError):
    """The request ran past its time limit (ZHENGAI_REQUEST_TIMEOUT)."""


class SessionExpiredError(PermissionError):
    """The caller's token expired (a websocket session outliving it)."""


#: Flow edges with the node at the far end (None beyond the first MAX_LIST of a kind).
Linked = list[tuple[FlowEdge, Node | None]]


@dataclass
class Context:
    """Loaders: ``nodes`` by id; ``parents``/``children``: flow edges with the node at the far end.

    ``engine`` is the service's engine as the principal sees it (zhengai.engine.scoped): every read
    of a request goes through it, so a scoped caller's query never meets a hidden node."""

    base: Engine
    ingestor: Ingestor | None = None
    hub: WarningHub | None = None
    spiral: SpiralService | None = None
    principal: Principal | None = None  # who calls (None: a websocket not yet authenticated)
    timeout: float | None = None  # seconds this request may take (checked at every engine access)
    nodes: DataLoader[str, Node | None] = field(init=False)
    parents: DataLoader[str, Linked] = field(init=False)
    children: DataLoader[str, Linked] = field(init=False)

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
            self._engine = (self.principal, engine_for(self.base, self.principal))
        return self._engine[1]

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout if self.timeout is not None else None

        async def load_nodes(ids: Sequence[str]) -> list[Node | None]:
            found = self.engine.store.get_nodes(list(ids))
            return [found.get(i) for i in ids]

        def linked(ids: Sequence[str], edges: dict[str, list[FlowEdge]], far: str) -> list[Linked]:
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
            nodes = self.engine.store.get_nodes(sorted(far_ids))
            return [[(e, nodes.get(getattr(e, far))) for e in edges.get(i, [])] for i in ids]

        async def load_parents(ids: Sequence[str]) -> list[Linked]:
            return linked(ids, self.engine.store.parent_edges(list(ids)), "parent")

        async def load_children(ids: Sequence[str]) -> list[Linked]:
            return linked(ids, self.engine.store.child_edges(list(ids)), "child")

        self.nodes = DataLoader(load_fn=load_nodes)
        self.parents = DataLoader(load_fn=load_parents)
        self.children = DataLoader(load_fn=load_children)

    def snapshot(self, as_of: date | None) -> Snapshot:
        return self.engine.snapshot(as_of)


def ctx(info: Info) -> Context:
    return info.context["zhengai"]

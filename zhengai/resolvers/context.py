"""Per-request context: the engine and DataLoaders that batch every store read.

A nested query calls the store a constant number of times per level of nesting, whatever
the number of objects on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from zhengai.domain.models import Node
from zhengai.engine import Engine
from zhengai.engine.ingest import Ingestor
from zhengai.engine.snapshot import Snapshot
from zhengai.engine.spiral import SpiralService
from zhengai.resolvers.live import WarningHub
from zhengai.security.tokens import Principal
from zhengai.stores.base import FlowEdge

#: The most items a nested list field returns (its ``first`` argument can ask for fewer).
MAX_LIST = 500

#: Flow edges with the node at the far end (None beyond the first MAX_LIST of a kind).
Linked = list[tuple[FlowEdge, Node | None]]


@dataclass
class Context:
    """Loaders: ``nodes`` by id; ``parents``/``children``: flow edges with the node at the far end."""

    engine: Engine
    ingestor: Ingestor | None = None
    hub: WarningHub | None = None
    spiral: SpiralService | None = None
    principal: Principal | None = None  # who calls (None: a websocket not yet authenticated)
    nodes: DataLoader[str, Node | None] = field(init=False)
    parents: DataLoader[str, Linked] = field(init=False)
    children: DataLoader[str, Linked] = field(init=False)

    def __post_init__(self) -> None:
        store = self.engine.store

        async def load_nodes(ids: Sequence[str]) -> list[Node | None]:
            found = store.get_nodes(list(ids))
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
            nodes = store.get_nodes(sorted({getattr(e, far) for keep in shown.values() for e in keep}))
            return [[(e, nodes.get(getattr(e, far))) for e in edges.get(i, [])] for i in ids]

        async def load_parents(ids: Sequence[str]) -> list[Linked]:
            return linked(ids, store.parent_edges(list(ids)), "parent")

        async def load_children(ids: Sequence[str]) -> list[Linked]:
            return linked(ids, store.child_edges(list(ids)), "child")

        self.nodes = DataLoader(load_fn=load_nodes)
        self.parents = DataLoader(load_fn=load_parents)
        self.children = DataLoader(load_fn=load_children)

    def snapshot(self, as_of: date | None) -> Snapshot:
        return self.engine.snapshot(as_of)


def ctx(info: Info) -> Context:
    return info.context["zhengai"]

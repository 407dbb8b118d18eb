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
from zhengai.engine.snapshot import Snapshot
from zhengai.stores.base import FlowEdge


@dataclass
class Context:
    engine: Engine
    nodes: DataLoader[str, Node | None] = field(init=False)
    parents: DataLoader[str, list[FlowEdge]] = field(init=False)
    children: DataLoader[str, list[FlowEdge]] = field(init=False)

    def __post_init__(self) -> None:
        store = self.engine.store

        async def load_nodes(ids: Sequence[str]) -> list[Node | None]:
            found = store.get_nodes(list(ids))
            return [found.get(i) for i in ids]

        async def load_parents(ids: Sequence[str]) -> list[list[FlowEdge]]:
            found = store.parent_edges(list(ids))
            return [found.get(i, []) for i in ids]

        async def load_children(ids: Sequence[str]) -> list[list[FlowEdge]]:
            found = store.child_edges(list(ids))
            return [found.get(i, []) for i in ids]

        self.nodes = DataLoader(load_fn=load_nodes)
        self.parents = DataLoader(load_fn=load_parents)
        self.children = DataLoader(load_fn=load_children)

    def snapshot(self, as_of: date | None) -> Snapshot:
        return self.engine.snapshot(as_of)


def ctx(info: Info) -> Context:
    return info.context["zhengai"]

"""The two stores behind one interface: embedded (networkx) and Neo4j."""

from zhengai.stores.base import FlowEdge, FlowGraph, GraphStore, Neighbourhood
from zhengai.stores.embedded import EmbeddedStore

__all__ = ["EmbeddedStore", "FlowEdge", "FlowGraph", "GraphStore", "Neighbourhood"]

"""Where the graph lives: in memory for every read (memory.py), durable in a journal (embedded.py) or
in Neo4j (neo4j_store.py)."""

from zhengai.stores.base import FlowEdge, FlowGraph, GraphStore, Neighbourhood
from zhengai.stores.embedded import EmbeddedStore
from zhengai.stores.memory import GraphState

__all__ = ["EmbeddedStore", "FlowEdge", "FlowGraph", "GraphState", "GraphStore", "Neighbourhood"]

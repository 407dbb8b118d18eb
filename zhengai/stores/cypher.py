"""The named Cypher statements of ``zhengai/queries/cypher/``, read once."""

from __future__ import annotations

from functools import cache

from zhengai.queries import QUERIES

#: Every relationship type of the graph (design.md §1).
RELATIONSHIP_TYPES = ("ADVANCES", "ASSESSES", "BELONGS_TO", "DERIVED_FROM", "FOR_SUBJECT", "HELD_TO",
                      "IN_MAJOR", "LED_BY", "MEASURED_BY", "MEMBER_OF", "OWNED_BY", "PART_OF", "SPECIFIES",
                      "SUPPORTS", "UNDERTAKEN_BY")

#: Every node label besides :Node.
NODE_LABELS = ("Goal", "Metric", "Plan", "Scheme", "Standard", "Subject", "Task", "Unit")


@cache
def statements() -> dict[str, str]:
    """Every statement by file stem. Templates are instantiated from fixed values, never from a
    request: ``merge_relationships@T``, ``merge_relationship_row@T`` and ``create_relationships@T`` per
    relationship type T and ``merge_nodes@L``, ``merge_node_row@L`` and ``create_nodes@L`` per label L
    (dynamic types and labels make MERGE far slower on Neo4j 5.26)."""
    out = {p.stem: p.read_text(encoding="utf-8") for p in sorted((QUERIES / "cypher").glob("*.cypher"))}
    for name in ("merge_relationships", "merge_relationship_row", "create_relationships"):
        template = out.pop(name)
        for kind in RELATIONSHIP_TYPES:
            out[f"{name}@{kind}"] = template.replace("__TYPE__", kind)
    for name in ("merge_nodes", "merge_node_row", "create_nodes"):
        template = out.pop(name)
        for label in NODE_LABELS:
            out[f"{name}@{label}"] = template.replace("__LABEL__", label)
    return out


def statement(name: str) -> str:
    """One named statement (a file stem, or a template instance ``name@T``)."""
    return statements()[name]

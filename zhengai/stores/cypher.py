"""The named Cypher statements of ``zhengai/queries/cypher/``, read once."""

from __future__ import annotations

from functools import cache

from zhengai.queries import QUERIES

MAX_HOPS = 10


@cache
def statements() -> dict[str, str]:
    """Every statement by file stem; ``neighbourhood`` is instantiated per hop bound as
    ``neighbourhood@K`` (K = 0 … MAX_HOPS)."""
    out = {p.stem: p.read_text(encoding="utf-8") for p in sorted((QUERIES / "cypher").glob("*.cypher"))}
    template = out.pop("neighbourhood")
    for hops in range(MAX_HOPS + 1):
        out[f"neighbourhood@{hops}"] = template.replace("__MAX_HOPS__", str(hops))
    return out


def statement(name: str) -> str:
    return statements()[name]

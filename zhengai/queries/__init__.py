"""Named statements: example GraphQL operations (graphql/) and Cypher statements (cypher/)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

QUERIES = Path(str(files("zhengai.queries")))


def graphql_operations() -> dict[str, str]:
    """The saved example operations by file stem (they become the playground's tabs)."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((QUERIES / "graphql").glob("*.graphql"))}

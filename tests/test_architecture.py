"""Layering rules: the engine knows no GraphQL; the GraphQL layer knows no networkx or Cypher."""

from __future__ import annotations

import ast
from pathlib import Path

import zhengai

PKG = Path(zhengai.__file__).parent


def _imports(folder: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in (PKG / folder).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        out[str(path.relative_to(PKG))] = names
    return out


def test_engine_does_not_import_the_graphql_layer():
    for path, names in _imports("engine").items():
        bad = {n for n in names if n.split(".")[0] in {"strawberry", "graphql", "starlette"}
               or n.startswith(("zhengai.schema", "zhengai.resolvers", "zhengai.app"))}
        assert not bad, (path, bad)


def test_graphql_layer_has_no_networkx_or_cypher():
    for folder in ("schema", "resolvers"):
        for path, names in _imports(folder).items():
            bad = {n for n in names if n.split(".")[0] in {"networkx", "neo4j"}
                   or n.startswith("zhengai.stores.embedded")}
            assert not bad, (path, bad)
        for path in (PKG / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "MATCH (" not in text and "MERGE (" not in text, path


def test_domain_stays_free_of_stores_and_api():
    for path, names in _imports("domain").items():
        assert not {n for n in names if n.startswith(("zhengai.stores", "zhengai.engine",
                                                      "zhengai.schema", "zhengai.resolvers"))}, path


def _package_imports(folder: str) -> set[str]:
    return {n for names in _imports(folder).values() for n in names if n.startswith("zhengai.")}


def test_stores_never_import_the_engine():
    """engine → stores, never back: the audit entry, errors and change sets live in domain/."""
    assert not {n for n in _package_imports("stores") if n.startswith(("zhengai.engine", "zhengai.schema",
                                                                       "zhengai.resolvers"))}


def test_the_graphql_layer_reaches_the_graph_through_the_engine_only():
    """Resolvers and types call the engine (and its write path); they never touch a store or its state."""
    for folder in ("schema", "resolvers"):
        for path, names in _imports(folder).items():
            assert not {n for n in names if n.startswith("zhengai.stores")}, path
        for path in (PKG / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for reach in (".store.", ".store)", ".state.", "engine.store", "engine.state"):
                assert reach not in text, (path, reach)


def test_every_write_goes_through_the_write_service():
    """Only the write path (engine/writes.py) commits to a store; mutations call it, nothing else does."""
    for path in PKG.rglob("*.py"):
        rel = str(path.relative_to(PKG))
        text = path.read_text(encoding="utf-8")
        if ".commit(" in text and not rel.startswith("stores/"):
            assert rel == "engine/writes.py", rel


def test_only_the_generate_commands_load_the_generators():
    """``graph_loader.generators`` stays off the serving path: no other module imports it."""
    import subprocess
    import sys

    entry_points = ("graph_loader/generators/", "graph_loader/synthetic.py", "graph_loader/demo_build.py")
    modules = sorted(
        "zhengai." + ".".join(path.relative_to(PKG).with_suffix("").parts).removesuffix(".__init__")
        for path in PKG.rglob("*.py") if not str(path.relative_to(PKG)).startswith(entry_points))
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.startswith('zhengai.graph_loader.generators')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "zhengai.cli" in modules and "zhengai.app" in modules
    assert out.stdout.strip() == "[]"

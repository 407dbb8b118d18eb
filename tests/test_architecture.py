"""Layering rules: the engine knows no GraphQL; the GraphQL layer knows no networkx or Cypher and reaches
the graph through the engine only; stores never import the engine; one write path; and every label has one
home, the catalogue of texts."""

from __future__ import annotations

import ast
import re
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


def test_report_layers_go_one_way():
    """Report data (engine) knows no documents; documents and renderers (reports/) know no GraphQL, HTTP
    or store; the catalogue of texts imports nothing of the package."""
    assert not {n for n in _package_imports("engine") if n.startswith(("zhengai.reports", "zhengai.web"))}
    for path, names in _imports("reports").items():
        bad = {n for n in names if n.split(".")[0] in {"strawberry", "graphql", "starlette"}
               or n.startswith(("zhengai.schema", "zhengai.resolvers", "zhengai.stores", "zhengai.app"))}
        assert not bad, (path, bad)
    assert _package_imports("texts") == set()


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


CJK = re.compile(r"[\u4e00-\u9fff]")
#: Data, not labels: the demo's and the synthetic datasets' tables of names.
DATA = ("graph_loader/generators/", "texts/")


def _chinese(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(CJK.search(node.value))


#: Chinese words that are data matched against datasets, not words shown to people.
DATA_NAMES = {"NON_NEGATIVE_UNITS"}  # the units of counts and amounts (人, 门, 万元 …): no negative values


def python_label_tables(source: str) -> list[str]:
    """Label tables in Python source: a name ending in _ZH, or a dict, list, tuple or set literal holding
    two or more Chinese strings (dict values or items), unless assigned to one of :data:`DATA_NAMES`."""
    tree = ast.parse(source)
    data = {id(n) for a in ast.walk(tree) if isinstance(a, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id in DATA_NAMES for t in a.targets)
            for n in ast.walk(a.value)}
    found = []
    for node in ast.walk(tree):
        if id(node) in data:
            continue
        if isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name.endswith("_ZH"):
                found.append(f"line {node.lineno}: {name}")
        elif isinstance(node, ast.Dict) and sum(_chinese(v) for v in node.values) >= 2:
            found.append(f"line {node.lineno}: a dict of Chinese words")
        elif isinstance(node, ast.List | ast.Tuple | ast.Set) and sum(_chinese(e) for e in node.elts) >= 2:
            found.append(f"line {node.lineno}: a list of Chinese words")
    return found


#: Two keys (or items) in a row mapped to Chinese string literals: an object or array of words.
JS_TABLE = re.compile(r"""(?:\w+|"[^"]*")\s*:\s*(["'`])[^"'`\n]*[\u4e00-\u9fff][^"'`\n]*\1\s*,\s*"""
                      r"""(?:\w+|"[^"]*")\s*:\s*(["'`])[^"'`\n]*[\u4e00-\u9fff]"""
                      r"""|\[\s*(["'`])[^"'`\n]*[\u4e00-\u9fff][^"'`\n]*\3\s*,\s*(["'`])[^"'`\n]*[\u4e00-\u9fff]""")
#: Two <option>s in a row with Chinese words (not counts such as "2 层"): a label table in a page.
HTML_TABLE = re.compile(r"<option[^>]*>\s*[^<\d\s][^<]*[\u4e00-\u9fff][^<]*</option>\s*"
                        r"<option[^>]*>\s*[^<\d\s][^<]*[\u4e00-\u9fff]")


def script_label_tables(source: str) -> list[str]:
    """Label tables in a page script or template: a name ending in _ZH, an object or array of Chinese
    string literals, or a run of <option>s with Chinese text."""
    found = [f"_ZH name {m.group(0)}" for m in re.finditer(r"\b\w+_ZH\b", source)]
    found += [f"table at offset {m.start()}: {m.group(0)[:40]}" for m in JS_TABLE.finditer(source)]
    found += [f"options at offset {m.start()}" for m in HTML_TABLE.finditer(source)]
    return found


def test_the_detector_finds_label_tables():
    """The rule below can fail: it sees each kind of table the catalogue replaced."""
    assert python_label_tables('STATUS_ZH = {"GREEN": "达标"}')
    assert python_label_tables('words = {Status.GREEN: "绿色", Status.RED: "红色"}')
    assert python_label_tables('LOOP = ["实施", "监测", "预警", "改进"]')
    assert not python_label_tables('x = f"目标「{name}」"; y = {"id": "G-1", "name": "目标"}')
    assert script_label_tables('const WARNING = { STATUS: "达成度预警", FLOOR: "底线预警" };')
    assert script_label_tables('const TEXTS = {\n  levels: { SCHOOL: "学校", MAJOR: "专业" } };')
    assert script_label_tables('<option value="SCHOOL">学校</option>\n  <option value="MAJOR">专业</option>')
    assert not script_label_tables('h("span", { title: T.status[s] }, `${n} 个目标`)')


def test_no_label_table_outside_the_catalogue():
    """Every word has one home, zhengai/texts/zh.yaml: no *_ZH table, no dict or list of Chinese words in
    the package, no object of Chinese words in the pages' scripts, no run of Chinese <option>s."""
    offenders = {}
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).as_posix()
        if not rel.startswith(DATA) and (found := python_label_tables(path.read_text(encoding="utf-8"))):
            offenders[rel] = found
    web = PKG / "web"
    for path in [*(web / "static").glob("*.js"), *(web / "templates").glob("*.html")]:
        if found := script_label_tables(path.read_text(encoding="utf-8")):
            offenders[path.relative_to(PKG).as_posix()] = found
    assert not offenders, offenders

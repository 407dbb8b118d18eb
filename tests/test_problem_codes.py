"""Stable codes of refusals: every problem of a refused applyChanges batch carries ``code`` and ``params``
(extensions.problems[]), every FORBIDDEN change of the editor a ``reason`` with its ``params``, on both
stores; the catalogue of texts says each code in words, and nothing emits a code it does not know."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import zhengai
from tests.conftest import dataset_copy, engine_for
from tests.test_scopes import AUTH, token
from zhengai import texts
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.engine.edits import PYDANTIC_CODES
from zhengai.graph_loader import demo_path
from zhengai.stores import EmbeddedStore

APPLY = """mutation($changes: [ChangeInput!]!, $from: Date) {
  applyChanges(changes: $changes, effectiveFrom: $from, dryRun: true) { version } }"""


def _days(value: Any) -> Any:
    """``value`` with each ``timedelta`` made a date that many days from today, when the test runs (a
    suite that crosses midnight must not compare with the day it was collected on)."""
    if isinstance(value, dict):
        return {k: _days(v) for k, v in value.items()}
    return (date.today() + value).isoformat() if isinstance(value, timedelta) else value


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def served(request) -> Iterator[TestClient]:
    if request.param == "embedded":
        yield TestClient(create_app(Engine(EmbeddedStore(dataset_copy(demo_path()))), auth=AUTH))
        return
    request.getfixturevalue("neo4j_datasets").forget()
    engine = engine_for(request, "neo4j", demo_path())
    yield TestClient(create_app(Engine(engine.store), auth=AUTH))
    request.getfixturevalue("neo4j_datasets").forget()


def refused(client: TestClient, who: str, changes: list[dict[str, Any]], **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": APPLY, "variables": {"changes": changes, **variables}},
                           headers={"Authorization": f"Bearer {token(who)}"})
    body = response.json()
    assert body.get("data") is None and body["errors"], body
    return body["errors"][0]


def link(source: str, target: str, **extra: Any) -> dict[str, Any]:
    return {"link": {"kind": "SUPPORTS", "source": source, "target": target, **extra}}


#: (changes, field, code, params the problem carries)
PROBLEMS: list[tuple[list[dict[str, Any]], str, str, dict[str, Any]]] = [
    ([link("A26-EMP", "NOPE")], "link.target", "UNKNOWN_ID", {"kind": "Goal", "id": "NOPE"}),
    ([link("S-EMP", "A26-EMP")], "link", "CYCLE",
     {"cycle": "A26-EMP → S-EMP → A26-EMP", "relation": "SUPPORTS"}),
    ([link("S-EMP", "G-MAJ-MECH")], "link", "LEVEL",
     {"level": "SCHOOL", "parent_level": "MAJOR", "parent": "G-MAJ-MECH"}),
    ([{"upsertGoal": {"id": "A27-NEW", "level": "SCHOOL"}}], "upsertGoal.name", "REQUIRED", {}),
    ([{"upsertMetric": {"id": "M-NEW", "name": "x", "baseline": 93, "target": 93}}], "upsertMetric",
     "TARGET_IS_BASELINE", {"target": "93.0"}),
    ([link("A26-EMP", "S-EMP", weight=0)], "link.weight", "ABOVE", {"limit": "0"}),
    ([{"retire": {"id": "S-EMP"}}], "retire.cascade", "DEPENDANTS", {"id": "S-EMP"}),
    ([{"unlink": {"kind": "SUPPORTS", "source": "A26-EMP", "target": "S-MAJOR"}}], "unlink", "NO_SUCH_LINK",
     {"source": "A26-EMP", "relation": "SUPPORTS", "target": "S-MAJOR"}),
    ([{"upsertMetric": {"id": "S-EMP", "name": "x", "target": 1}}], "upsertMetric.id", "ID_TAKEN",
     {"id": "S-EMP", "kind": "Goal"}),
    ([{"upsertGoal": {"id": "A26-EMP", "supports": [{"goal": "S-EMP"}, {"goal": "S-EMP"}]}}],
     "upsertGoal.supports", "DUPLICATE_LINK", {"goal": "S-EMP"}),
    ([{"link": {"kind": "ADVANCES", "source": "T26-03", "target": "S-EMP", "weight": 2}}], "link.weight",
     "UNWEIGHTED_LINK", {"relation": "ADVANCES"}),
]


@pytest.mark.parametrize(("changes", "field", "code", "params"), PROBLEMS, ids=[p[2] for p in PROBLEMS])
def test_a_refused_batch_names_each_problem_by_code(served, changes, field, code, params):
    error = refused(served, "admin", changes)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    problem = next(p for p in error["extensions"]["problems"] if p["code"] == code)
    assert problem["field"].startswith(field) and problem["index"] == 0
    assert params.items() <= problem["params"].items()
    words = texts.fill(texts.catalogue()["problem"][code], problem["params"])  # the editor's words
    named = {"goal", "parent", "source", "target", "cycle", "limit"}
    named |= {"id"} if code != "DEPENDANTS" else set()
    assert all(str(v) in words for k, v in params.items() if k in named), words


def test_the_dependants_of_a_refused_retire_are_listed_in_its_params(served):
    problem = refused(served, "admin", [{"retire": {"id": "S-EMP"}}])["extensions"]["problems"][0]
    assert problem["params"]["count"] >= len(problem["params"]["dependants"]) > 0
    assert all(d in problem["message"] for d in problem["params"]["dependants"])


#: (who, changes, variables, reason, params the FORBIDDEN answer carries)
FORBIDDEN: list[tuple[str, list[dict[str, Any]], dict[str, Any], str, dict[str, Any]]] = [
    ("leader", [{"upsertGoal": {"id": "S-EMP", "name": "改"}}], {}, "ROLE", {}),  # the role gate
    ("student", [{"upsertUnit": {"id": "NEW-U", "name": "新单位", "system": "SUPPORT"}}], {},
     "NEW_ID_PREFIX", {"id": "NEW-U", "prefixes": ["STU-001-"]}),
    ("student", [{"upsertUnit": {"id": "STU-001-U", "name": "新单位", "system": "SUPPORT"}}], {},
     "ADMIN_KIND", {"kind": "Unit"}),
    ("student", [{"upsertGoal": {"id": "G-MAJ-MECH", "name": "改专业目标"}}], {}, "NOT_YOURS",
     {"id": "G-MAJ-MECH"}),
    ("student", [{"retire": {"id": "G-MAJ-MECH", "cascade": True}}], {}, "HIDDEN_DEPENDANTS",
     {"id": "G-MAJ-MECH"}),
    ("student", [{"upsertGoal": {"id": "G-STU-001-Y26", "description": "改"}}],
     {"from": timedelta(days=-1)}, "BACKDATED", {"today": timedelta(0), "effective": timedelta(days=-1)}),
]


@pytest.mark.parametrize(("who", "changes", "variables", "reason", "params"), FORBIDDEN,
                         ids=[f[3] for f in FORBIDDEN])
def test_a_forbidden_change_says_why_by_code(served, who, changes, variables, reason, params):
    variables, params = _days(variables), _days(params)
    error = refused(served, who, changes, **variables)
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["reason"] == reason
    assert params.items() <= error["extensions"]["params"].items()
    words = texts.fill(texts.catalogue()["forbidden"][reason], error["extensions"]["params"])
    assert "{" not in words


def _emitted_codes() -> set[str]:
    """Every code the package emits: the all-caps string arguments of rule_error, Finding, problem and
    ForbiddenError calls."""
    makers = {"rule_error", "Finding", "problem", "ForbiddenError", "Problem"}
    found: set[str] = set()
    for path in Path(zhengai.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in makers:
                found |= {a.value for a in node.args if isinstance(a, ast.Constant)
                          and isinstance(a.value, str) and a.value.isupper()
                          and a.value.replace("_", "").isalpha()}
    return found


def test_every_code_the_package_emits_is_said_by_the_catalogue():
    emitted = _emitted_codes() | set(PYDANTIC_CODES.values()) | {"INVALID"}
    assert {"UNKNOWN_ID", "CYCLE", "LEVEL", "DEPENDANTS", "NOT_YOURS", "TARGET_IS_BASELINE"} <= emitted
    said = set(texts.catalogue()["problem"]) | set(texts.catalogue()["forbidden"])
    assert emitted <= said, emitted - said

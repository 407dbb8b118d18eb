"""The standing fuzz run: hypothesis-graphql generates queries (and mutations) over the exported schema
(zhengai/schema/schema.graphql), with ids of the demo college (other people's included) and dates near and
far, and sends them in development mode (no authentication) and with each role's token. Whatever comes
in: never an HTTP 500, never an unmasked error (every error carries ``extensions.code``, none is
INTERNAL_SERVER_ERROR), and a student's answers name no other person and no node outside their scope —
the last on both stores.

Bounded by example count, not time: ZHENGAI_FUZZ_EXAMPLES (default 60) examples per role and kind.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date
from typing import Any

import hypothesis_graphql as hg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes
from starlette.testclient import TestClient

from tests.conftest import engine_for
from tests.test_privacy import DS, IDS, ME, PEOPLE, THEIR_GOALS, leaks
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import demo_path
from zhengai.schema import SDL_PATH
from zhengai.security.tokens import AuthConfig, Role
from zhengai.stores import EmbeddedStore

EXAMPLES = int(os.environ.get("ZHENGAI_FUZZ_EXAMPLES") or 60)
SDL = SDL_PATH.read_text(encoding="utf-8")
AUTH = AuthConfig(secret="fuzz-test-secret-of-at-least-32-bytes!")
ROLES: dict[str, dict[str, Any]] = {
    "ADMIN": {}, "LEADER": {}, "DATA_SERVICE": {}, "UNIT_HEAD": {"unit": "C-MECH"},
    "TEACHER": {"subject": "TCH-01"}, "STUDENT": {"subject": ME},
}
TOKENS = {role: AUTH.issue(Role(role), f"fuzz-{role.lower()}", 7200, **claims)
          for role, claims in ROLES.items()}

ids = st.one_of(st.sampled_from(IDS), st.sampled_from([p.id for p in PEOPLE]), st.sampled_from(THEIR_GOALS),
                st.text(max_size=12)).map(nodes.String)
dates = st.one_of(st.dates(date(2024, 1, 1), date(2027, 12, 31)), st.dates()).map(
    lambda d: nodes.String(d.isoformat()))
SCALARS = {"ID": ids, "Date": dates, "DateTime": st.datetimes().map(lambda d: nodes.String(d.isoformat()))}
QUERIES = hg.queries(SDL, custom_scalars=SCALARS, allow_x00=False)
MUTATIONS = hg.mutations(SDL, custom_scalars=SCALARS, allow_x00=False)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.filter_too_much])


def answer(client: TestClient, query: str, token: str | None) -> dict[str, Any]:
    """The response to ``query``, checked: no 500, and every error coded and not masked."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code != 500, (query, response.text[:500])
    assert response.status_code in (200, 400, 413), (response.status_code, query, response.text[:500])
    body = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code and code != "INTERNAL_SERVER_ERROR", (query, error)
    return body


@pytest.fixture(scope="module")
def served() -> dict[str, TestClient]:
    """The demo college twice on the embedded store: in development mode, and with authentication."""
    return {"dev": TestClient(create_app(Engine(EmbeddedStore(DS)))),
            "auth": TestClient(create_app(Engine(EmbeddedStore(DS)), auth=AUTH))}


@pytest.mark.parametrize("role", ["dev", *ROLES])
@FUZZ
@given(query=QUERIES)
def test_fuzzed_queries_never_fail_unmasked(served, role, query):
    body = answer(served["dev" if role == "dev" else "auth"], query, TOKENS.get(role))
    if role == "DATA_SERVICE" and "__typename" not in query:
        assert body.get("data") is None and body["errors"][0]["extensions"]["code"] in (
            "FORBIDDEN", "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "QUERY_TOO_DEEP",
            "TOO_MANY_ALIASES", "TOO_MANY_TOKENS", "QUERY_TOO_COSTLY"), body
    if role == "STUDENT":
        assert not leaks(query, body), (leaks(query, body), query)


@pytest.fixture(scope="module")
def writable() -> dict[str, TestClient]:
    """A demo of its own for the fuzzed mutations (they change it)."""
    app = create_app(Engine(EmbeddedStore(DS)), auth=AUTH)
    return {"dev": TestClient(create_app(Engine(EmbeddedStore(DS)))), "auth": TestClient(app)}


@pytest.mark.parametrize("role", ["dev", "ADMIN", "DATA_SERVICE", "STUDENT", "LEADER"])
@FUZZ
@given(mutation=MUTATIONS)
def test_fuzzed_mutations_never_fail_unmasked(writable, role, mutation):
    body = answer(writable["dev" if role == "dev" else "auth"], mutation, TOKENS.get(role))
    if role == "LEADER":
        assert body.get("data") is None, body  # LEADER changes nothing
    if role == "DATA_SERVICE":
        assert not any(name in json.dumps(body, ensure_ascii=False) for name in (p.name for p in PEOPLE))
    if role == "STUDENT":
        assert not leaks(mutation, body), (leaks(mutation, body), mutation)


def test_anonymous_fuzzed_queries_are_all_401(served):
    for query in ("{ viewer { sub } }", "{ goals { totalCount } }", "mutation { advanceStage(subjectId: 1) "
                  "{ stage } }", "{ __schema { queryType { name } } }"):
        response = served["auth"].post("/graphql", json={"query": query})
        assert response.status_code == 401 and "no bearer token" in response.text


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def student_client(request) -> Iterator[TestClient]:
    engine = (Engine(EmbeddedStore(DS)) if request.param == "embedded"
              else engine_for(request, "neo4j", demo_path()))
    yield TestClient(create_app(engine, auth=AUTH))


@FUZZ
@given(query=QUERIES)
def test_a_student_never_sees_another_person_in_fuzzed_queries(student_client, query):
    body = answer(student_client, query, TOKENS["STUDENT"])
    assert not leaks(query, body), (leaks(query, body), query)

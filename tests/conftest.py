"""Shared fixtures: datasets, and engines and HTTP clients over BOTH stores (the contract suite).

Every test that takes ``worked_engine``, ``demo_engine``, ``worked_gql`` or ``demo_gql`` runs once on
the embedded store and once on a real Neo4j (``NEO4J_TEST_URI``, started by ``./scripts/test``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.stores import EmbeddedStore
from zhengai.stores.neo4j_store import Neo4jSettings, Neo4jStore

DATA = Path(__file__).parent / "data"
WORKED = DATA / "worked_example"
WORKED_AS_OF = date(2026, 2, 1)
DEMO_AS_OF = date(2026, 11, 20)


class GraphQLClient:
    """Posts GraphQL to a served app and returns ``data`` (failing on unexpected errors)."""

    def __init__(self, client: TestClient):
        self.http = client

    def raw(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.http.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        return response.json()

    def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        body = self.raw(query, **variables)
        assert not body.get("errors"), body["errors"]
        return body["data"]


STORES = ["embedded", "neo4j"]
NEO4J_HOWTO = ("run ./scripts/test (it starts a real Neo4j with scripts/neo4j-local; needs Java 17 and "
               "Maven) or set NEO4J_TEST_URI=bolt://…")


@pytest.fixture(scope="session")
def neo4j_store() -> Iterator[Neo4jStore]:
    """A store on the test Neo4j server. With CI=true a missing server fails; elsewhere it skips."""
    uri = os.environ.get("NEO4J_TEST_URI")
    if not uri:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but NEO4J_TEST_URI is not set: the Neo4j tests must run; {NEO4J_HOWTO}")
        pytest.skip(f"Neo4j tests skipped: {NEO4J_HOWTO}")
    store = Neo4jStore(Neo4jSettings(uri))
    yield store
    store.close()


class Neo4jDatasets:
    """Keeps track of which dataset the single Neo4j database holds; reloads on a change."""

    def __init__(self, store: Neo4jStore):
        self.store = store
        self.current: Path | None = None
        self.engines: dict[Path, Engine] = {}

    def engine(self, folder: Path) -> Engine:
        if self.current != folder:
            self.store.load(load_dataset(folder), replace=True)
            self.current = folder
        return self.engines.setdefault(folder, Engine(self.store))

    def forget(self) -> None:
        """Call after a test changed the database by other means."""
        self.current = None


@pytest.fixture(scope="session")
def neo4j_datasets(neo4j_store) -> Neo4jDatasets:
    return Neo4jDatasets(neo4j_store)


_embedded: dict[Path, Engine] = {}


def engine_for(request: pytest.FixtureRequest, kind: str, folder: Path) -> Engine:
    """An engine on ``kind`` holding ``folder`` (embedded engines are built once per session)."""
    if kind == "neo4j":
        return request.getfixturevalue("neo4j_datasets").engine(folder)
    if folder not in _embedded:
        _embedded[folder] = Engine(EmbeddedStore(load_dataset(folder)))
    return _embedded[folder]


@pytest.fixture(params=STORES)
def store_kind(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def demo_dataset():
    return load_dataset(demo_path())


@pytest.fixture
def worked_engine(request, store_kind) -> Engine:
    return engine_for(request, store_kind, WORKED)


@pytest.fixture
def demo_engine(request, store_kind) -> Engine:
    return engine_for(request, store_kind, demo_path())


_clients: dict[int, GraphQLClient] = {}


def client_for(engine: Engine) -> GraphQLClient:
    """One served app per engine for the session."""
    if id(engine) not in _clients:
        _clients[id(engine)] = GraphQLClient(TestClient(create_app(engine)))
    return _clients[id(engine)]


@pytest.fixture
def worked_gql(worked_engine) -> GraphQLClient:
    return client_for(worked_engine)


@pytest.fixture
def demo_gql(demo_engine) -> GraphQLClient:
    return client_for(demo_engine)

"""Shared fixtures: datasets, and engines and HTTP clients over BOTH stores (the contract suite).

Every test that takes ``worked_engine``, ``demo_engine``, ``worked_gql`` or ``demo_gql`` runs once on
the embedded store and once on a real Neo4j (``NEO4J_TEST_URI``, started by ``./scripts/test``).
"""

from __future__ import annotations

import os
import pickle
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


NEO4J_FIXTURES = {"neo4j_store", "neo4j_datasets"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Groups for pytest-xdist's ``--dist loadgroup`` (./scripts/test runs two workers): every test on the
    single Neo4j database in one group, run by one worker in order; the others grouped by module, so a
    module's servers and browser start once."""
    for item in items:
        spec = getattr(item, "callspec", None)
        params = spec.params.values() if spec is not None else ()
        on_neo4j = (NEO4J_FIXTURES & set(getattr(item, "fixturenames", ()))
                    or any(isinstance(v, str) and v == "neo4j" for v in params))
        item.add_marker(pytest.mark.xdist_group("neo4j" if on_neo4j else item.nodeid.split("::")[0]))


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


_parsed: dict[Path, bytes] = {}


def dataset_copy(folder: Path) -> Any:
    """A fresh, private copy of the dataset in ``folder`` (parsed once per session, then unpickled: a
    test may change its copy freely)."""
    if folder not in _parsed:
        _parsed[folder] = pickle.dumps(load_dataset(folder), protocol=pickle.HIGHEST_PROTOCOL)
    return pickle.loads(_parsed[folder])


class Neo4jDatasets:
    """Keeps track of which dataset the single Neo4j database holds; reloads on a change.

    A reload of the demo is the most expensive step of the suite, so after ``forget`` the database is
    checked first: if its data version, load generation and graph size are those right after the
    load, nothing wrote to it and it is kept."""

    def __init__(self, store: Neo4jStore):
        self.store = store
        self.current: Path | None = None
        self.loaded: tuple[int, ...] | None = None
        self.suspect = False
        self.engines: dict[Path, Engine] = {}

    def _fingerprint(self) -> tuple[int, ...]:
        [meta] = self.store._read("meta_version")
        return (meta["version"], meta["generation"], *self.store.counts())

    def engine(self, folder: Path) -> Engine:
        if self.current == folder and self.suspect and self._fingerprint() != self.loaded:
            self.current = None
        self.suspect = False
        if self.current != folder:
            self.store.load(dataset_copy(folder), replace=True)
            self.current, self.loaded = folder, self._fingerprint()
        return self.engines.setdefault(folder, Engine(self.store))

    def forget(self) -> None:
        """Call after a test changed (or may have changed) the database by other means."""
        self.suspect = True


@pytest.fixture(scope="session")
def neo4j_datasets(neo4j_store) -> Neo4jDatasets:
    return Neo4jDatasets(neo4j_store)


_embedded: dict[Path, Engine] = {}


def engine_for(request: pytest.FixtureRequest, kind: str, folder: Path) -> Engine:
    """An engine on ``kind`` holding ``folder`` (embedded engines are built once per session)."""
    if kind == "neo4j":
        return request.getfixturevalue("neo4j_datasets").engine(folder)
    if folder not in _embedded:
        _embedded[folder] = Engine(EmbeddedStore(dataset_copy(folder)))
    return _embedded[folder]


@pytest.fixture(params=STORES)
def store_kind(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def demo_dataset():
    return dataset_copy(demo_path())


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

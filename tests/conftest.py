"""Shared fixtures: datasets, engines and HTTP clients over the embedded store."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.stores import EmbeddedStore

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


@pytest.fixture(scope="session")
def demo_dataset():
    return load_dataset(demo_path())


@pytest.fixture
def worked_engine() -> Engine:
    return Engine(EmbeddedStore(load_dataset(WORKED)))


@pytest.fixture(scope="session")
def demo_engine(demo_dataset) -> Engine:
    return Engine(EmbeddedStore(demo_dataset))


@pytest.fixture
def worked_gql(worked_engine) -> GraphQLClient:
    return GraphQLClient(TestClient(create_app(worked_engine)))


@pytest.fixture(scope="session")
def demo_gql(demo_engine) -> GraphQLClient:
    return GraphQLClient(TestClient(create_app(demo_engine)))

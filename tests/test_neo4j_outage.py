"""Neo4j outages: while the database is down a write fails within 2 s with HTTP 503 and
``extensions.code: "STORE_UNAVAILABLE"``, reads are answered from memory, /healthz stays fast and /readyz
says the store is not ready; when it is back the same service process writes again by itself.
The test runs a Neo4j of its own (scripts/neo4j-local in a temporary NEO4J_LOCAL_DIR on a fixed port),
so the shared test server is never stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from neo4j import GraphDatabase

from tests.servers import ROOT, free_port, serving
from zhengai.domain.errors import StoreUnavailableError
from zhengai.graph_loader import demo_path
from zhengai.stores.outage import check_reachable, driver_options, unavailable_as_store_error

NEO4J_LOCAL = ROOT / "scripts" / "neo4j-local"
QUERY = '{ goal(id: "S-EMP") { id name children { id } } goals(first: 3) { edges { node { id } } } }'
WRITE = """mutation($value: Float!) {
  recordObservations(observations: [{metricId: "M-SSR", at: "2026-11-30", value: $value}]) { changed } }"""


class OwnNeo4j:
    """A Neo4j server of this test's own that can be stopped and started again on the same port/data."""

    def __init__(self, folder: Path):
        self.env = {**os.environ, "NEO4J_LOCAL_DIR": str(folder), "NEO4J_LOCAL_PORT": str(free_port()),
                    "NEO4J_LOCAL_HEAP": "512m", "NEO4J_LOCAL_PAGECACHE": "64m"}
        self.uri = ""

    def _run(self, command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(NEO4J_LOCAL), command], env=self.env, capture_output=True, text=True,
                              timeout=400, stdin=subprocess.DEVNULL)

    def start(self) -> str:
        done = self._run("start")
        if done.returncode == 3 and os.environ.get("CI") != "true":  # no Java / Maven here
            pytest.skip(f"Neo4j cannot run here: {done.stderr.strip()[-300:]}")
        assert done.returncode == 0, done.stderr[-3000:]
        uri = done.stdout.strip().splitlines()[-1]
        assert not self.uri or uri == self.uri  # back on the same port
        self.uri = uri
        return uri

    def stop(self) -> None:
        done = self._run("stop")
        assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture
def own_neo4j(tmp_path) -> Iterator[OwnNeo4j]:
    server = OwnNeo4j(tmp_path / "neo4j")
    try:
        yield server
    finally:
        server.stop()


def timed(call, *args, **kwargs) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started


def write(url: str, value: float) -> httpx.Response:
    return httpx.post(f"{url}/graphql", timeout=30, json={"query": WRITE, "variables": {"value": value}})


def test_neo4j_down_answers_503_fast_and_recovers_by_itself(own_neo4j):
    """Reads are answered from the graph held in memory (the last data seen); a write, which must reach
    the database, is refused within 2 s; /readyz names the store; the same process heals by itself."""
    uri = own_neo4j.start()
    loaded = subprocess.run([sys.executable, "-m", "zhengai.cli", "load", str(demo_path()), "--neo4j", uri],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    with serving("--neo4j", uri) as url:
        before = httpx.post(f"{url}/graphql", json={"query": QUERY}, timeout=30)
        assert before.status_code == 200 and "errors" not in before.json(), before.text
        assert httpx.get(f"{url}/readyz", timeout=10).status_code == 200

        own_neo4j.stop()
        for i in range(3):
            down, seconds = timed(write, url, 40.0 + i)
            assert down.status_code == 503, down.text
            assert seconds < 2.0, f"the 503 took {seconds:.2f} s"
            assert down.headers["Retry-After"] == "1"
            codes = {e["extensions"]["code"] for e in down.json()["errors"]}
            assert codes == {"STORE_UNAVAILABLE"}
            assert "bolt://" not in down.text and "127.0.0.1" not in down.text  # no addresses
            read, seconds = timed(httpx.post, f"{url}/graphql", json={"query": QUERY}, timeout=30)
            assert read.json() == before.json() and seconds < 2.0, f"the read took {seconds:.2f} s"
            alive, seconds = timed(httpx.get, f"{url}/healthz", timeout=30)
            assert alive.status_code == 200 and alive.json()["status"] == "ok"
            assert seconds < 0.5, f"/healthz took {seconds:.2f} s"
        not_ready, seconds = timed(httpx.get, f"{url}/readyz", timeout=10)
        assert not_ready.status_code == 503 and seconds < 4.0
        assert not_ready.json()["checks"]["store"]["ok"] is False
        assert "127.0.0.1" not in not_ready.text

        own_neo4j.start()  # same port, same data; the service is not restarted
        deadline = time.monotonic() + 60
        while True:
            after = write(url, 50.0)
            if after.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert after.status_code == 200 and "errors" not in after.json(), after.text
        assert httpx.post(f"{url}/graphql", json={"query": QUERY}, timeout=30).json() == before.json()
        deadline = time.monotonic() + 30
        while httpx.get(f"{url}/readyz", timeout=10).status_code != 200:
            assert time.monotonic() < deadline, "not ready 30 s after the database came back"
            time.sleep(0.5)


def test_driver_connection_errors_become_store_unavailable():
    """A real driver towards a port where nothing listens: the outage is a domain error, not the
    driver's own (and the API never needs to know the driver)."""
    driver = GraphDatabase.driver(f"bolt://127.0.0.1:{free_port()}", **driver_options())
    try:
        with pytest.raises(StoreUnavailableError) as caught, unavailable_as_store_error():
            driver.execute_query("RETURN 1")
        assert "127.0.0.1" not in str(caught.value)
        with pytest.raises(StoreUnavailableError):
            check_reachable(driver)
    finally:
        driver.close()

"""/healthz is liveness (answers at once, touches no store); /readyz reports each dependency — the
store, the identity provider's key set (ZHENGAI_JWKS as a URL), the state folder — with 200 or 503."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from starlette.testclient import TestClient

from tests.conftest import WORKED
from tests.processes import free_port
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset
from zhengai.security.tokens import AuthConfig
from zhengai.server import health
from zhengai.stores import EmbeddedStore

FETCHES: list[str] = []
JWKS = {"keys": [{"kty": "RSA", "kid": "campus-1", "use": "sig", "alg": "RS256", "e": "AQAB",
                  "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95"}]}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(EmbeddedStore(load_dataset(WORKED)))


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    """A real HTTP server handing out a key set, as a campus identity provider does (``FETCHES``
    counts its answers)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            FETCHES.append(self.path)
            body = json.dumps(JWKS).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()


def test_healthz_is_liveness_without_touching_the_store(engine, tmp_path):
    client = TestClient(create_app(engine, state=tmp_path))
    body = client.get("/healthz").json()
    assert body == {"status": "ok", "store": "embedded", "running": 0, "queued": 0, "refused": 0}


def test_readyz_reports_each_dependency(engine, tmp_path, jwks_url):
    client = TestClient(create_app(engine, state=tmp_path, auth=AuthConfig(jwks=jwks_url)))
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"] == {"store": {"ok": True, "detail": "embedded: in memory"},
                              "identityProvider": {"ok": True, "detail": "key set reachable (1 keys)"},
                              "state": {"ok": True, "detail": "writable"}}
    assert list(tmp_path.iterdir()) == []  # the probe file is gone


def test_readiness_is_checked_at_most_once_a_second(engine, tmp_path, jwks_url):
    client = TestClient(create_app(engine, state=tmp_path, auth=AuthConfig(jwks=jwks_url)))
    before = len(FETCHES)
    for _ in range(20):  # an anonymous caller cannot make the service flood its identity provider
        assert client.get("/readyz").status_code == 200
    assert len(FETCHES) - before == 1


def test_readyz_is_503_while_the_identity_provider_is_unreachable(engine, tmp_path):
    down = f"http://127.0.0.1:{free_port()}/jwks.json"  # nothing listens there
    response = TestClient(create_app(engine, state=tmp_path, auth=AuthConfig(jwks=down))).get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["identityProvider"] == {"ok": False, "detail": "unavailable: Connection refused"}
    assert body["checks"]["store"]["ok"] and body["checks"]["state"]["ok"]
    assert "127.0.0.1" not in response.text  # no addresses for anonymous callers


def test_readyz_is_503_when_the_state_folder_cannot_be_written(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(health, "REUSE", 0)  # check again at once (answers are reused for a second)
    state = tmp_path / "state"
    state.mkdir()
    client = TestClient(create_app(engine, state=state))
    assert client.get("/readyz").status_code == 200
    shutil.rmtree(state)  # e.g. a volume that went away
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["state"] == {"ok": False,
                                                  "detail": "unavailable: No such file or directory"}
    assert str(tmp_path) not in response.text
    assert client.get("/healthz").status_code == 200  # alive all the same


def test_readyz_on_neo4j_checks_the_connection(neo4j_store):
    client = TestClient(create_app(Engine(neo4j_store), store_name="neo4j"))
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"store": {"ok": True, "detail": "neo4j: reachable"}}

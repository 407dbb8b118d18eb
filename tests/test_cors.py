"""The CORS allow-list (ZHENGAI_CORS_ORIGINS): only the listed exact origins may call the service from a
browser page on another site, none by default, and ``*`` is refused at start-up with authentication."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.conftest import WORKED
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset
from zhengai.security.tokens import AuthConfig, Role
from zhengai.stores import EmbeddedStore
from zhengai.web.cors import Cors, CorsError

SECRET = "test-secret-of-at-least-32-bytes-long!"
AUTH = AuthConfig(secret=SECRET)
ALLOWED = "https://zhiguan.example.edu.cn"
OTHER = "https://evil.example"
READ = '{ goal(id: "S") { id } }'


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(EmbeddedStore(load_dataset(WORKED)))


def app(engine: Engine, cors: Cors | None = None, auth: AuthConfig | None = AUTH) -> TestClient:
    return TestClient(create_app(engine, auth=auth, cors=cors))


def preflight(client: TestClient, origin: str) -> dict[str, str]:
    response = client.options("/graphql", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    return {k.lower(): v for k, v in response.headers.items()} | {"status": str(response.status_code)}


def test_an_allowed_origin_may_call_with_a_bearer_token(engine):
    client = app(engine, Cors((ALLOWED, "http://localhost:5173")))
    headers = preflight(client, ALLOWED)
    assert headers["status"] == "200" and headers["access-control-allow-origin"] == ALLOWED
    assert {m.strip() for m in headers["access-control-allow-methods"].split(",")} == {"GET", "POST"}
    assert {"authorization", "content-type"} <= {h.strip().lower() for h in
                                                 headers["access-control-allow-headers"].split(",")}
    assert preflight(client, "http://localhost:5173")["access-control-allow-origin"] == "http://localhost:5173"
    token = AUTH.issue(Role.LEADER, "leader-1", 60)
    response = client.post("/graphql", json={"query": READ},
                           headers={"Origin": ALLOWED, "Authorization": f"Bearer {token}"})
    assert response.json() == {"data": {"goal": {"id": "S"}}}
    assert response.headers["access-control-allow-origin"] == ALLOWED
    # a refusal is readable by the allowed page too (so it can ask for a token)
    response = client.post("/graphql", json={"query": READ}, headers={"Origin": ALLOWED})
    assert response.status_code == 401 and response.headers["access-control-allow-origin"] == ALLOWED


def test_a_disallowed_origin_gets_no_cors_headers(engine):
    client = app(engine, Cors((ALLOWED,)))
    headers = preflight(client, OTHER)
    assert "access-control-allow-origin" not in headers and headers["status"] == "400"
    token = AUTH.issue(Role.LEADER, "leader-1", 60)
    response = client.post("/graphql", json={"query": READ},
                           headers={"Origin": OTHER, "Authorization": f"Bearer {token}"})
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in preflight(client, ALLOWED + ":8443")  # exact origins only


def test_by_default_no_origin_is_allowed(engine, monkeypatch):
    monkeypatch.delenv("ZHENGAI_CORS_ORIGINS", raising=False)
    assert Cors().origins == ()
    for auth in (AUTH, None):
        client = app(engine, auth=auth)
        for origin in (ALLOWED, OTHER, "http://localhost:8000", "null"):
            assert "access-control-allow-origin" not in preflight(client, origin), (auth, origin)
        response = client.post("/graphql", json={"query": READ}, headers={"Origin": OTHER})
        assert "access-control-allow-origin" not in response.headers
        assert client.get("/healthz").status_code == 200  # same-origin calls are untouched


def test_the_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("ZHENGAI_CORS_ORIGINS", f" {ALLOWED}/ , HTTPS://Portal.Example.edu.cn:443,,")
    assert Cors().allowed(authenticated=True) == ["https://portal.example.edu.cn", ALLOWED]
    monkeypatch.setenv("ZHENGAI_CORS_ORIGINS", f"{ALLOWED}/graphql")
    with pytest.raises(CorsError, match="not an origin"):
        Cors().allowed(authenticated=False)


def test_any_origin_is_refused_at_start_up_with_authentication(engine):
    with pytest.raises(CorsError, match=r"ZHENGAI_CORS_ORIGINS=\* is refused while authentication is "
                                        r"configured .*tokens must not be usable from any site"):
        create_app(engine, auth=AUTH, cors=Cors(("*",)))
    with pytest.raises(CorsError, match="refused"):
        create_app(engine, auth=AuthConfig(jwks="/nonexistent/jwks.json"), cors=Cors((ALLOWED, "*")))
    # development mode (no authentication, loopback only) may allow any origin
    assert preflight(app(engine, Cors(("*",)), auth=None), OTHER)["access-control-allow-origin"] == "*"


def test_serve_refuses_any_origin_with_authentication():
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "ZHENGAI_JWT_SECRET": SECRET,
           "ZHENGAI_CORS_ORIGINS": "*"}
    out = subprocess.run([sys.executable, "-m", "zhengai.cli", "serve", "--data", str(WORKED), "--state",
                          "/tmp/zhengai-test-cors-refuse", "--port", "0"], capture_output=True, text=True,
                         check=False, env=env, timeout=60)
    assert out.returncode == 2
    assert "zhengai: ZHENGAI_CORS_ORIGINS=* is refused while authentication is configured" in out.stderr
    assert "Traceback" not in out.stderr


def test_websocket_handshakes_follow_the_same_list(engine):
    client = app(engine, Cors((ALLOWED,)))
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"],
                                  headers={"Origin": ALLOWED}) as ws:
        token = AUTH.issue(Role.LEADER, "leader-1", 60)
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(
            "/graphql", subprotocols=["graphql-transport-ws"], headers={"Origin": OTHER}) as ws:
        ws.receive_json()

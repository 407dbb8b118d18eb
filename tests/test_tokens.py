"""Token settings and sessions: a minimum HS256 secret, a clear reason for a missing token, development
tokens that name what their role reads, and websocket sessions that end when their token expires."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import jwt
import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.conftest import WORKED
from zhengai.app import WS_TOKEN_EXPIRED, create_app
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset
from zhengai.resolvers.context import Context
from zhengai.schema import build_schema
from zhengai.security.tokens import MIN_SECRET_BYTES, AuthConfig, AuthConfigError, Principal, Role
from zhengai.stores import EmbeddedStore

SECRET = "token-test-secret-of-at-least-32-bytes"
AUTH = AuthConfig(secret=SECRET)
READ = '{ goal(id: "S") { id } }'
ENGINE = Engine(EmbeddedStore(load_dataset(WORKED)))


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(ENGINE, auth=AUTH))


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zhengai.cli", *args], capture_output=True, text=True,
                          check=False, timeout=120, env={"PATH": "/usr/bin:/bin", **env})


def test_a_request_without_a_token_is_told_to_send_one(client):
    response = client.post("/graphql", json={"query": READ})
    assert response.status_code == 401
    assert response.text == ("authentication required: no bearer token: send the header "
                             "'Authorization: Bearer <token>'")
    basic = client.post("/graphql", json={"query": READ}, headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert basic.status_code == 401 and "the Authorization header is not a bearer token" in basic.text
    assert "Not enough segments" not in response.text + basic.text
    report = client.get("/reports/S.md")
    assert report.status_code == 401 and "no bearer token" in report.text


@pytest.mark.parametrize("secret", ["x", "secret", "a" * (MIN_SECRET_BYTES - 1), "密" * 10])
def test_a_short_secret_is_refused(secret):
    with pytest.raises(AuthConfigError, match=f"at least {MIN_SECRET_BYTES} bytes"):
        AuthConfig(secret=secret)
    AuthConfig(secret="密" * 11)  # 33 bytes in UTF-8: enough


@pytest.mark.parametrize("host", ["0.0.0.0", "127.0.0.1"])
def test_serve_exits_2_with_a_short_secret(host, tmp_path):
    out = cli("serve", "--host", host, "--data", str(WORKED), "--state", str(tmp_path),
              ZHENGAI_JWT_SECRET="x")
    assert out.returncode == 2, out.stderr
    assert f"at least {MIN_SECRET_BYTES} bytes" in out.stderr and "refusing to serve" in out.stderr


def test_token_needs_its_roles_subject_or_unit():
    env = {"ZHENGAI_JWT_SECRET": SECRET}
    for args, needs in [(["--role", "STUDENT"], "--subject"), (["--role", "TEACHER"], "--subject"),
                        (["--role", "UNIT_HEAD"], "--unit"),
                        (["--role", "UNIT_HEAD", "--subject", "X"], "--unit")]:
        out = cli("token", *args, **env)
        assert out.returncode == 2 and f"needs {needs}" in out.stderr and not out.stdout, (args, out)
    for args in (["--role", "UNIT_HEAD", "--unit", "C-MECH"], ["--role", "TEACHER", "--subject", "TCH-01"],
                 ["--role", "LEADER"], ["--role", "DATA_SERVICE"]):
        out = cli("token", *args, **env)
        assert out.returncode == 0, out.stderr
        claims = jwt.decode(out.stdout.strip().splitlines()[-1], SECRET, algorithms=["HS256"],
                            audience="zhengai")
        assert claims["roles"] == [args[1]]
    assert "at least 32 bytes" in cli("token", "--role", "LEADER", ZHENGAI_JWT_SECRET="short").stderr


def subscribe(ws, token: str) -> None:
    ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    assert ws.receive_json()["type"] == "connection_ack"
    ws.send_json({"id": "1", "type": "subscribe",
                  "payload": {"query": "subscription { warningRaised { nodeId } }"}})


def test_a_websocket_session_closes_when_its_token_expires(client):
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        subscribe(ws, AUTH.issue(Role.LEADER, "leader-1", 2))
        ws.send_json({"type": "ping"})
        assert ws.receive_json()["type"] == "pong"  # the session is alive before exp …
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()  # … and is closed by the service at exp
        assert closed.value.code == WS_TOKEN_EXPIRED == 4401
        assert "token expired" in closed.value.reason


def test_a_session_with_a_long_token_stays_open(client):
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        subscribe(ws, AUTH.issue(Role.LEADER, "leader-1", 3600))
        time.sleep(0.5)
        ws.send_json({"type": "ping"})
        assert ws.receive_json()["type"] == "pong"


def test_no_operation_runs_for_a_principal_past_its_expiry():
    """Belt and braces behind the close: an operation of an expired principal is refused before it runs,
    and a resolver that reaches the engine afterwards stops too."""
    schema = build_schema()
    expired = Principal("leader-1", roles=frozenset({Role.LEADER}), expires_at=time.time() - 1)
    body = asyncio.run(schema.execute(READ, context_value={"zhengai": Context(ENGINE, principal=expired)}))
    [error] = body.errors
    assert error.extensions == {"code": "UNAUTHENTICATED"} and "token expired" in error.message
    fresh = Principal("leader-1", roles=frozenset({Role.LEADER}), expires_at=time.time() + 60)
    body = asyncio.run(schema.execute(READ, context_value={"zhengai": Context(ENGINE, principal=fresh)}))
    assert body.errors is None and body.data == {"goal": {"id": "S"}}
    context = Context(ENGINE, principal=expired)
    with pytest.raises(PermissionError, match="token expired"):
        _ = context.engine

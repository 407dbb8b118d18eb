"""Authentication and the role gate: tokens verified (issuer, audience, expiry, signature), roles
allowed or refused before anything is resolved, anonymous callers only reach /healthz."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.conftest import WORKED
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset
from zhengai.security.tokens import AuthConfig, AuthError, Role
from zhengai.stores import EmbeddedStore

SECRET = "test-secret-of-at-least-32-bytes-long!"
AUTH = AuthConfig(secret=SECRET, issuer="zhengai-test")
READ = '{ goal(id: "S") { id } }'
WRITE = """mutation { recordObservations(observations: [{metricId: "m1", at: "2026-01-20", value: 95}]) {
  changed } }"""


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Engine(EmbeddedStore(load_dataset(WORKED))), auth=AUTH))


def call(client: TestClient, query: str, token: str | None) -> tuple[int, dict | str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post("/graphql", json={"query": query}, headers=headers)
    return response.status_code, (response.json() if response.status_code == 200 else response.text)


def token(role: Role, ttl: int = 3600, **claims: str) -> str:
    return AUTH.issue(role, f"{role.lower()}-1", ttl, **claims)


def test_anonymous_callers_reach_only_healthz(client):
    assert client.get("/healthz").status_code == 200
    status, body = call(client, READ, None)
    assert status == 401 and "authentication required" in body
    assert client.get("/reports/S.md").status_code == 401


@pytest.mark.parametrize(("role", "query", "allowed"), [
    (Role.ADMIN, READ, True), (Role.ADMIN, WRITE, True),
    (Role.LEADER, READ, True), (Role.LEADER, WRITE, False),
    (Role.DATA_SERVICE, WRITE, True), (Role.DATA_SERVICE, READ, False),
    (Role.UNIT_HEAD, WRITE, False), (Role.TEACHER, WRITE, False), (Role.STUDENT, WRITE, False),
])
def test_role_gate(client, role, query, allowed):
    status, body = call(client, query, token(role))
    assert status == 200
    if allowed:
        assert not body.get("errors"), body
    else:
        [error] = body["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN" and body["data"] is None


@pytest.mark.parametrize("role", [Role.UNIT_HEAD, Role.TEACHER, Role.STUDENT])
def test_a_scoped_role_without_unit_or_subject_sees_nothing(client, role):
    """Fail closed: a scoped token naming no unit or subject reads, but every id is unknown to it."""
    status, body = call(client, READ, token(role))
    assert status == 200 and body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_tampered_expired_and_foreign_tokens_are_refused(client):
    good = token(Role.ADMIN)
    head, payload, signature = good.split(".")
    forged = jwt.encode({**jwt.decode(good, options={"verify_signature": False}), "roles": ["ADMIN"]},
                        "another-secret-of-at-least-32-bytes!!", algorithm="HS256")
    expired = token(Role.ADMIN, ttl=-10)
    wrong_audience = jwt.encode({"sub": "x", "roles": ["ADMIN"], "aud": "other", "iss": "zhengai-test",
                                 "exp": int(time.time()) + 60}, SECRET, algorithm="HS256")
    cases = [(f"{head}.{payload}x.{signature}", "invalid token"), (forged, "invalid token"),
             (expired, "token expired"), (wrong_audience, "invalid token"), ("garbage", "invalid")]
    for bad, reason in cases:
        status, body = call(client, READ, bad)
        assert status == 401 and reason in body, (bad, body)


def test_rs256_with_a_jwks_file(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [{**jwk, "kid": "campus-1", "use": "sig"}]}))
    auth = AuthConfig(jwks=str(tmp_path / "jwks.json"))
    claims = {"sub": "t001", "name": "王老师", "roles": ["LEADER"], "aud": "zhengai",
              "exp": int(time.time()) + 60}
    good = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "campus-1"})
    assert auth.verify(good).roles == {Role.LEADER}
    with pytest.raises(AuthError):
        auth.verify(jwt.encode(claims, SECRET, algorithm="HS256", headers={"kid": "campus-1"}))


def test_token_command_prints_a_token_as_its_last_line():
    env = {"ZHENGAI_JWT_SECRET": SECRET, "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "zhengai.cli", "token", "--role", "STUDENT", "--subject",
                          "STU-007", "--ttl", "30m"], capture_output=True, text=True, check=True, env=env)
    claims = jwt.decode(out.stdout.strip().splitlines()[-1], SECRET, algorithms=["HS256"], audience="zhengai")
    assert claims["roles"] == ["STUDENT"] and claims["subject"] == "STU-007"
    assert 1700 < claims["exp"] - claims["iat"] <= 1800


def test_serve_refuses_a_public_bind_without_authentication():
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "zhengai.cli", "serve", "--host", "0.0.0.0", "--data",
                          str(WORKED), "--state", "/tmp/zhengai-test-refuse"], capture_output=True, text=True,
                         check=False, env=env, timeout=60)
    assert out.returncode == 2
    assert "ZHENGAI_JWT_SECRET" in out.stderr and "ZHENGAI_JWKS" in out.stderr


def test_unsigned_foreign_issuer_and_endless_tokens_are_refused(client):
    claims = {"sub": "x", "roles": ["ADMIN"], "aud": "zhengai", "iss": "zhengai-test",
              "exp": int(time.time()) + 60}
    unsigned = jwt.encode(claims, None, algorithm="none")
    foreign_issuer = jwt.encode({**claims, "iss": "elsewhere"}, SECRET, algorithm="HS256")
    endless = jwt.encode({k: v for k, v in claims.items() if k != "exp"}, SECRET, algorithm="HS256")
    unknown_role = jwt.encode({**claims, "roles": ["ROOT"]}, SECRET, algorithm="HS256")
    for bad in (unsigned, foreign_issuer, endless, unknown_role):
        status, body = call(client, READ, bad)
        assert status == 401 and "invalid token" in body, (bad, body)


def test_a_tampered_or_expired_token_is_refused_on_reports_and_websockets(client):
    good = token(Role.ADMIN)
    head, payload, signature = good.split(".")
    for bad, reason in [(f"{head}.{payload}x.{signature}", "invalid token"),
                        (token(Role.ADMIN, ttl=-10), "token expired")]:
        response = client.get("/reports/S.md", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401 and reason in response.text
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {bad}"}})
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == 4403
    # a good token passes the gate (the worked example has no subject S: 404, not 401)
    assert client.get("/reports/S.md", headers={"Authorization": f"Bearer {good}"}).status_code == 404


def test_graphiql_page_is_served_without_a_token_but_queries_are_not(client):
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "playground-config" in page.text  # static HTML, no data
    response = client.get("/graphql", params={"query": READ}, headers={"Accept": "text/html"})
    assert response.status_code == 401 and "authentication required" in response.text
    leader = {"Authorization": f"Bearer {token(Role.LEADER)}"}
    response = client.get("/graphql", params={"query": READ}, headers=leader)
    assert response.json() == {"data": {"goal": {"id": "S"}}}

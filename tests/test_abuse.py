"""The abuse corpus (tests/data/abuse/*.graphql) replayed against the demo college: each query says in its
header what it probes and the code every one of its errors must carry —

    # what it probes
    # expect: QUERY_TOO_COSTLY    (or HTTP_400: refused by the HTTP layer)
    # role: STUDENT            (default ADMIN; "dev": development mode; "A+B": a token with both roles)
    # variables: {"n": 100}
    # env: ZHENGAI_INTROSPECTION=0
    # operation: Name

— and none is ever a 500 or an INTERNAL_SERVER_ERROR.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient

from tests.conftest import DATA
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.security.tokens import AuthConfig
from zhengai.stores import EmbeddedStore

CORPUS = sorted((DATA / "abuse").glob("*.graphql"))
SECRET = "abuse-corpus-secret-of-at-least-32-bytes"
CLAIMS = {"STUDENT": {"subject": "STU-001"}, "TEACHER": {"subject": "TCH-01"},
          "UNIT_HEAD": {"unit": "C-MECH"}}
DS = load_dataset(demo_path())


def header(path: Path) -> dict[str, str]:
    """The ``# key: value`` lines at the top of a corpus file."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        if value and key.strip() in ("expect", "role", "variables", "env", "operation"):
            out[key.strip()] = value.strip()
    return out


def token(role: str) -> str:
    roles = role.split("+")
    claims: dict[str, Any] = {"sub": f"abuse-{role.lower()}", "roles": roles, "aud": "zhengai",
                              "exp": int(time.time()) + 3600}
    for r in roles:
        claims |= CLAIMS.get(r, {})
    return jwt.encode(claims, SECRET, algorithm="HS256")


_apps: dict[tuple[str, bool], TestClient] = {}


def client(env: str, authenticated: bool, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    """One app per (env, authentication): the limits read their environment when the app is built."""
    key = (env, authenticated)
    if key not in _apps:
        with monkeypatch.context() as m:
            for setting in filter(None, env.split()):
                name, _, value = setting.partition("=")
                m.setenv(name, value)
            auth = AuthConfig(secret=SECRET) if authenticated else None
            app = create_app(Engine(EmbeddedStore(DS)), auth=auth)
        _apps[key] = TestClient(app)
    return _apps[key]


def test_the_corpus_has_at_least_50_probes_each_with_an_expected_code():
    assert len(CORPUS) >= 50
    for path in CORPUS:
        assert header(path).get("expect"), path.name


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_an_abusive_query_is_refused_with_its_code(path, monkeypatch):
    meta = header(path)
    role = meta.get("role", "ADMIN")
    http = client(meta.get("env", ""), role != "dev", monkeypatch)
    body: dict[str, Any] = {"query": path.read_text(encoding="utf-8"),
                            "variables": json.loads(meta.get("variables", "{}"))}
    if "operation" in meta:
        body["operationName"] = meta["operation"]
    headers = {} if role == "dev" else {"Authorization": f"Bearer {token(role)}"}
    response = http.post("/graphql", content=json.dumps(body),  # json.dumps: 1e400 goes as Infinity
                         headers={**headers, "Content-Type": "application/json"})
    if meta["expect"].startswith("HTTP_"):  # refused by the HTTP layer, with a plain reason
        assert response.status_code == int(meta["expect"][5:]) and response.text, response.text
        return
    assert response.status_code in (200, 400), (response.status_code, response.text[:300])
    errors = response.json().get("errors") or []
    codes = [(e.get("extensions") or {}).get("code") for e in errors]
    assert codes and set(codes) == {meta["expect"]}, (path.name, errors[:3])
    text = json.dumps(errors, ensure_ascii=False)
    assert "INTERNAL_SERVER_ERROR" not in text and "Traceback" not in text
    if "ZHENGAI_INTROSPECTION=0" in meta.get("env", ""):
        assert "Did you mean" not in text
    assert http.get("/healthz").status_code == 200

"""/healthz is liveness (answers at once, touches no store); /readyz reports each dependency — the store
(its ``health()``), the identity provider's key set (ZHENGAI_JWKS as a URL), the thread following other
processes' writes — with 200 or 503, in generic words (anonymous callers read it)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from datetime import date

import pytest
from starlette.testclient import TestClient

from tests.conftest import WORKED
from tests.servers import JwksServer, SigningKey, free_port
from zhengai.app import create_app
from zhengai.domain.models import ObservedValue
from zhengai.engine import Engine
from zhengai.engine.writes import WriteService
from zhengai.graph_loader import load_dataset
from zhengai.security.tokens import AuthConfig
from zhengai.server import health
from zhengai.stores import EmbeddedStore
from zhengai.stores.journal import JOURNAL_FILE

KEY = SigningKey("campus-1")


@pytest.fixture
def provider() -> Iterator[JwksServer]:
    server = JwksServer([KEY])
    yield server
    server.close()


@pytest.fixture
def fresh(monkeypatch) -> None:
    monkeypatch.setattr(health, "REUSE", 0)  # check again at every call (answers are reused for a second)


def engine_over(state=None) -> Engine:
    return Engine(EmbeddedStore(load_dataset(WORKED), state))


def test_healthz_is_liveness_with_the_admission_counters(tmp_path):
    body = TestClient(create_app(engine_over(tmp_path))).get("/healthz").json()
    assert body == {"status": "ok", "store": "embedded", "version": 0, "pid": os.getpid(), "running": 0,
                    "queued": 0, "refused": 0}


def test_readyz_reports_each_dependency(tmp_path, provider):
    client = TestClient(create_app(engine_over(tmp_path), auth=AuthConfig(jwks=provider.url)))
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready", "checks": {
        "store": {"ok": True, "detail": "embedded: journal writable"},
        "identityProvider": {"ok": True, "detail": "key set held (1 keys)"},
        "following": {"ok": True, "detail": "current"}}}


def test_readiness_is_checked_at_most_once_a_second(tmp_path, provider):
    provider.mode = "garbage"  # nothing cached: every check would ask the provider again
    client = TestClient(create_app(engine_over(tmp_path), auth=AuthConfig(jwks=provider.url)))
    for _ in range(20):  # an anonymous caller cannot make the service flood its identity provider
        assert client.get("/readyz").status_code == 503
    assert provider.gets == 1


def test_readyz_is_503_while_the_identity_provider_is_unreachable_or_answers_garbage(tmp_path, provider,
                                                                                    fresh):
    down = f"http://127.0.0.1:{free_port()}/jwks.json"  # nothing listens there
    response = TestClient(create_app(engine_over(tmp_path), auth=AuthConfig(jwks=down))).get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["identityProvider"] == {"ok": False, "detail": "unavailable: Connection refused"}
    assert body["checks"]["store"]["ok"] and body["checks"]["following"]["ok"]
    assert "127.0.0.1" not in response.text  # no addresses for anonymous callers

    provider.mode = "garbage"
    client = TestClient(create_app(engine_over(tmp_path), auth=AuthConfig(jwks=provider.url)))
    assert client.get("/readyz").json()["checks"]["identityProvider"] == {
        "ok": False, "detail": "unavailable: not a usable key set"}
    provider.mode = "keys"  # back: ready again without a restart
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_when_the_state_folder_cannot_be_written(tmp_path, fresh):
    state = tmp_path / "state"
    client = TestClient(create_app(engine_over(state)))
    assert client.get("/readyz").status_code == 200
    shutil.rmtree(state)  # e.g. a volume that went away
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["store"] == {"ok": False,
                                                  "detail": "embedded: the state folder cannot be written"}
    assert str(tmp_path) not in response.text
    assert client.get("/healthz").status_code == 200  # alive all the same


def test_the_follower_outlives_a_failing_journal_and_readiness_says_so(tmp_path, fresh):
    """A journal this process cannot read (here: replaced by a folder) fails every look of the follower:
    /readyz says so; once it is back, the thread — still alive — follows again and catches up."""
    state = tmp_path / "state"
    engine = engine_over(state)
    writer = EmbeddedStore(load_dataset(WORKED), state)  # another process's store on the same folder
    WriteService(Engine(writer)).record_observations([ObservedValue("m1", date(2026, 6, 1), 95)])
    with TestClient(create_app(engine, follow_every=0.05)) as client:  # the lifespan starts the follower
        wait_for(lambda: client.get("/healthz").json()["version"] == 1)
        journal = state / JOURNAL_FILE
        journal.rename(state / "aside")
        journal.mkdir()
        failing = wait_for(lambda: (body := client.get("/readyz").json())["checks"]["following"]["ok"]
                           is False and body)
        assert failing["status"] == "unavailable"
        assert "cannot be followed" in failing["checks"]["following"]["detail"]
        assert str(tmp_path) not in str(failing)
        journal.rmdir()
        (state / "aside").rename(journal)
        WriteService(Engine(writer)).record_observations([ObservedValue("m1", date(2026, 7, 1), 97)])
        wait_for(lambda: client.get("/readyz").status_code == 200)
        wait_for(lambda: client.get("/healthz").json()["version"] == 2)  # caught up without a restart


def wait_for(condition, seconds: float = 20):
    """Poll ``condition`` until it is truthy (returns its last value) or fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.05)


def test_readyz_on_neo4j_checks_the_connection(neo4j_store):
    client = TestClient(create_app(Engine(neo4j_store), follow_every=None))
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"store": {"ok": True, "detail": "neo4j: reachable"}}

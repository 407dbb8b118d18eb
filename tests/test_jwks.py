"""A campus identity provider's JWKS by URL, against a real local HTTP server: the key set is fetched once
and cached, refetched on a rotated key (an unknown ``kid``) at most once per cooldown, and fetched off the
event loop with a short timeout — a provider that is down or hangs gives a 503 with AUTH_UNAVAILABLE while
/healthz keeps answering."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.conftest import WORKED
from tests.servers import JwksServer, SigningKey, free_port, served
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset
from zhengai.security.tokens import AuthConfig
from zhengai.stores import EmbeddedStore

READ = '{ goal(id: "S") { id } }'
KEY, ROTATED = SigningKey("campus-1"), SigningKey("campus-2")


def claims(**extra: Any) -> dict[str, Any]:
    return {"sub": "t001", "roles": ["LEADER"], "aud": "zhengai", "exp": int(time.time()) + 600, **extra}


def app_for(url: str, **config: Any) -> Any:
    return create_app(Engine(EmbeddedStore(load_dataset(WORKED))), auth=AuthConfig(jwks=url, **config))


@pytest.fixture
def provider() -> Iterator[JwksServer]:
    server = JwksServer([KEY])
    yield server
    server.close()


def post(client: Any, token: str) -> Any:
    return client.post("/graphql", json={"query": READ}, headers={"Authorization": f"Bearer {token}"})


def test_twenty_requests_fetch_the_key_set_once(provider):
    client = TestClient(app_for(provider.url))
    for _ in range(20):
        response = post(client, KEY.sign(claims()))
        assert response.json() == {"data": {"goal": {"id": "S"}}}
    assert provider.gets == 1


def test_a_rotated_key_is_fetched_and_unknown_kids_are_rate_limited(provider):
    client = TestClient(app_for(provider.url, jwks_cooldown=2.0))
    assert post(client, KEY.sign(claims())).status_code == 200
    provider.keys = [KEY, ROTATED]  # the provider rotates: a new key appears
    time.sleep(2.1)  # past the cooldown that the first fetch started
    started = time.monotonic()  # the refetch below starts a new cooldown
    assert post(client, ROTATED.sign(claims())).json() == {"data": {"goal": {"id": "S"}}}
    assert provider.gets == 2  # the unknown kid refetched the set once
    for _ in range(20):  # forged kids: refused, and within the cooldown they fetch nothing
        response = post(client, SigningKey.sign(ROTATED, claims(), kid=f"forged-{uuid.uuid4().hex[:8]}"))
        assert response.status_code == 401 and "no key 'forged-" in response.text
    # at most one fetch per cooldown window (a loaded machine may take longer than one for the 20)
    assert provider.gets - 2 <= int((time.monotonic() - started) / 2.0)
    assert post(client, ROTATED.sign(claims())).status_code == 200  # the cached set still serves


def body_code(response: Any) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


def test_a_provider_that_is_down_gives_503_auth_unavailable():
    down = f"http://127.0.0.1:{free_port()}/jwks.json"  # nothing listens there
    client = TestClient(app_for(down))
    for _ in range(3):
        response = post(client, KEY.sign(claims()))
        assert response.status_code == 503 and body_code(response) == "AUTH_UNAVAILABLE"
        assert "authentication unavailable" in response.json()["errors"][0]["message"]
        assert response.headers["retry-after"] == "5"
    report = client.get("/reports/S.md", headers={"Authorization": f"Bearer {KEY.sign(claims())}"})
    assert report.status_code == 503 and body_code(report) == "AUTH_UNAVAILABLE"
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        bearer = f"Bearer {KEY.sign(claims())}"
        ws.send_json({"type": "connection_init", "payload": {"Authorization": bearer}})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4403


def test_garbage_from_the_provider_gives_503(provider):
    provider.mode = "garbage"
    response = post(TestClient(app_for(provider.url)), KEY.sign(claims()))
    assert response.status_code == 503 and body_code(response) == "AUTH_UNAVAILABLE"


def test_a_hanging_provider_never_stalls_healthz_and_fails_fast_afterwards(provider):
    provider.mode = "hang"
    with served(app_for(provider.url, jwks_timeout=1.5)) as base:
        answers: list[httpx.Response] = []
        pending = threading.Thread(target=lambda: answers.append(
            httpx.post(f"{base}/graphql", json={"query": READ}, timeout=30,
                       headers={"Authorization": f"Bearer {KEY.sign(claims())}"})))
        pending.start()
        assert provider.requested.wait(10)  # the service is now waiting on the provider …
        health = httpx.get(f"{base}/healthz", timeout=30)
        assert health.status_code == 200 and pending.is_alive()  # … and /healthz answered meanwhile
        pending.join(30)
        [response] = answers
        assert response.status_code == 503 and body_code(response) == "AUTH_UNAVAILABLE"
        assert "cannot be fetched" in response.json()["errors"][0]["message"]
        gets = provider.gets
        for _ in range(5):  # within the retry window: refused at once, the provider is not asked again
            again = httpx.post(f"{base}/graphql", json={"query": READ}, timeout=30,
                               headers={"Authorization": f"Bearer {KEY.sign(claims())}"})
            assert again.status_code == 503 and body_code(again) == "AUTH_UNAVAILABLE"
        assert provider.gets == gets


def test_the_last_good_keys_serve_while_the_provider_is_down(provider):
    client = TestClient(app_for(provider.url, jwks_lifespan=0.3))
    assert post(client, KEY.sign(claims())).status_code == 200
    provider.mode = "garbage"  # the provider breaks; the cached set expires
    time.sleep(0.4)
    assert post(client, KEY.sign(claims())).status_code == 200  # a known key still verifies
    unknown = post(client, ROTATED.sign(claims()))
    assert unknown.status_code == 503 and body_code(unknown) == "AUTH_UNAVAILABLE"

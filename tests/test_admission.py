"""One slow thing stalls no one: HTTP operations execute on worker threads (zhengai.server.offload), so
a heavy query holds neither /healthz nor the other requests; past a bounded queue a request is refused
at once with 503, Retry-After and ``extensions.code: "OVERLOADED"`` (zhengai.server.admission)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.servers import serving
from zhengai.server.admission import Admission, AdmissionSettings, OverloadedError

#: Limits raised for the heavy query below (seconds of engine work on the demo: each distinct date is a
#: full evaluation), and no request time limit (a shared, busy machine must not turn it into TIMEOUT).
HEAVY_ENV = {"ZHENGAI_MAX_ALIASES": "2000", "ZHENGAI_MAX_TOKENS": "200000", "ZHENGAI_MAX_COST": "10000000",
             "ZHENGAI_REQUEST_TIMEOUT": "0"}
DATES = 1000  # ≈ 3 s on this machine (250 took 0.9 s: too close to five rounds of requests under load)
SMALL = '{ goal(id: "S-EMP") { id name } }'


def heavy_query(dates: int = DATES) -> str:
    """Warnings at ``dates`` distinct dates (the engine caches 8 dates, so each alias evaluates)."""
    fields = (f'a{i}: warnings(asOf: "{2000 + i // 336}-{i % 12 + 1:02d}-{i // 12 % 28 + 1:02d}", '
              f'first: 1) {{ id }}' for i in range(dates))
    return "{ " + " ".join(fields) + " }"


def health(url: str) -> dict[str, Any]:
    return httpx.get(f"{url}/healthz", timeout=60).json()


def wait_until(url: str, ready: Callable[[dict[str, Any]], bool], pending: Future) -> None:
    """Poll /healthz until ``ready`` holds; fails if ``pending`` (the heavy request) ends first."""
    while not ready(health(url)):
        assert not pending.done(), f"the heavy request ended first: {pending.result()}"
        time.sleep(0.02)


def post(url: str, query: str) -> httpx.Response:
    return httpx.post(f"{url}/graphql", json={"query": query}, timeout=120)


@pytest.fixture
def pool():
    with ThreadPoolExecutor(4) as executor:
        yield executor


def test_a_heavy_query_holds_neither_healthz_nor_other_requests(tmp_path, pool):
    with serving("--state", str(tmp_path / "state"), env=HEAVY_ENV) as url:
        heavy = pool.submit(post, url, heavy_query())
        wait_until(url, lambda h: h["running"] == 1, heavy)
        for _ in range(5):  # each answered while the heavy request is still executing
            assert health(url)["status"] == "ok"
            assert post(url, SMALL).json()["data"]["goal"]["id"] == "S-EMP"
            assert not heavy.done()
        answer = heavy.result()
        assert answer.status_code == 200
        body = answer.json()
        assert "errors" not in body and len(body["data"]) == DATES


def test_past_the_queue_a_request_is_refused_at_once(tmp_path, pool):
    env = {**HEAVY_ENV, "ZHENGAI_MAX_INFLIGHT": "1", "ZHENGAI_MAX_QUEUE": "1", "ZHENGAI_QUEUE_WAIT": "120"}
    with serving("--state", str(tmp_path / "state"), env=env) as url:
        heavy = pool.submit(post, url, heavy_query())
        wait_until(url, lambda h: h["running"] == 1, heavy)
        queued = pool.submit(post, url, SMALL)
        wait_until(url, lambda h: h["queued"] == 1, heavy)
        refused = post(url, SMALL)
        assert not heavy.done()  # refused while the only slot is still taken: not queued for seconds
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "1"
        [error] = refused.json()["errors"]
        assert error["extensions"] == {"code": "OVERLOADED"}
        assert "capacity" in error["message"]
        assert heavy.result().status_code == 200
        served = queued.result()  # the queued request got the slot when the heavy one finished
        assert served.status_code == 200 and served.json()["data"]["goal"]["id"] == "S-EMP"
        assert health(url)["refused"] == 1


def test_reports_pass_admission_control_too(tmp_path, pool):
    env = {**HEAVY_ENV, "ZHENGAI_MAX_INFLIGHT": "1", "ZHENGAI_MAX_QUEUE": "0"}
    with serving("--state", str(tmp_path / "state"), env=env) as url:
        heavy = pool.submit(post, url, heavy_query())
        wait_until(url, lambda h: h["running"] == 1, heavy)
        report = httpx.get(f"{url}/reports/SCH.md", timeout=60)
        assert not heavy.done()
        assert report.status_code == 503 and report.json()["errors"][0]["extensions"]["code"] == "OVERLOADED"
        assert heavy.result().status_code == 200
        assert httpx.get(f"{url}/reports/SCH.md", timeout=60).status_code == 200


# -- the admission rules, on one event loop ------------------------------------------------------------
def _settings(inflight: int, queue: int, wait: float) -> AdmissionSettings:
    return AdmissionSettings(max_inflight=inflight, max_queue=queue, queue_wait=wait)


def test_slots_go_to_waiting_requests_first_come_first_served():
    async def scenario() -> list[str]:
        gate = Admission(_settings(2, 2, 30))
        order: list[str] = []
        await gate.acquire()
        await gate.acquire()

        async def waiter(name: str) -> None:
            await gate.acquire()
            order.append(name)

        first = asyncio.create_task(waiter("first"))
        await asyncio.sleep(0)
        second = asyncio.create_task(waiter("second"))
        await asyncio.sleep(0)
        assert (gate.running, gate.queued) == (2, 2)
        with pytest.raises(OverloadedError):  # the queue is full: refused without waiting
            await gate.acquire()
        gate.release()
        await first
        gate.release()
        await second
        assert (gate.running, gate.queued, gate.refused) == (2, 0, 1)
        gate.release()
        gate.release()
        assert gate.running == 0
        return order

    assert asyncio.run(scenario()) == ["first", "second"]


def test_a_request_waits_no_longer_than_the_queue_wait():
    async def scenario() -> None:
        gate = Admission(_settings(1, 4, 0.05))
        await gate.acquire()
        with pytest.raises(OverloadedError, match=r"no slot within 0\.05 s"):
            await gate.acquire()
        assert (gate.running, gate.queued, gate.refused) == (1, 0, 1)
        gate.release()
        await gate.acquire()  # the slot is free again
        assert gate.running == 1

    asyncio.run(scenario())


def test_a_caller_that_goes_away_gives_its_place_back():
    async def scenario() -> None:
        gate = Admission(_settings(1, 4, 30))
        await gate.acquire()
        gone = asyncio.create_task(gate.acquire())
        await asyncio.sleep(0)
        assert gate.queued == 1
        gone.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gone
        assert gate.queued == 0
        gate.release()
        assert gate.running == 0  # no slot was handed to the cancelled waiter

    asyncio.run(scenario())


def test_admission_off_admits_everything():
    async def scenario() -> None:
        gate = Admission(_settings(0, 0, 0))
        for _ in range(100):
            await gate.acquire()
        assert (gate.running, gate.refused) == (0, 0)

    asyncio.run(scenario())


def test_negative_settings_are_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        _settings(-1, 0, 0)

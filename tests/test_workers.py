"""`zhengai serve --workers N`: several processes over one embedded store answer as one service — a
write on one worker is read on the next request to another, and a dead worker is replaced."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import httpx
import pytest

from tests.processes import post, serving, wait_for

VALUE = "query { dataVersion metric(id: \"M-EMP-RATE\", asOf: \"2031-01-01\") { value } }"
RECORD = """mutation($rows: [ObservationInput!]!) { recordObservations(observations: $rows) { changed } }"""


def _one_client_per_worker(url: str, workers: int) -> dict[int, httpx.Client]:
    """Keep-alive clients, one stuck to each worker (a connection stays with the worker that took it)."""
    found: dict[int, httpx.Client] = {}
    spare = []
    for _ in range(200):
        client = httpx.Client(base_url=url, limits=httpx.Limits(max_connections=1))
        pid = client.get("/healthz").json()["pid"]
        if pid in found:
            spare.append(client)
        else:
            found[pid] = client
        if len(found) == workers:
            break
    for client in spare:
        client.close()
    assert len(found) == workers, f"connections reached {len(found)} of {workers} workers"
    return found


@pytest.fixture
def two_workers(tmp_path) -> Iterator[tuple[str, dict[int, httpx.Client]]]:
    # the background follower looks only every 30 s here: what a worker reads at once, it caught up itself
    with serving("--workers", "2", "--state", str(tmp_path / "state"),
                 env={"ZHENGAI_FOLLOW_EVERY": "30"}) as url:
        clients = _one_client_per_worker(url, 2)
        yield url, clients
        for client in clients.values():
            client.close()


def test_a_write_on_one_worker_is_read_on_the_next_request_to_another(two_workers):
    _, clients = two_workers
    (pid_a, a), (pid_b, b) = clients.items()
    assert pid_a != pid_b
    before = post(b, VALUE)
    for i, value in enumerate((12.5, 13.5)):
        writer, reader = (a, b) if i == 0 else (b, a)
        rows = [{"metricId": "M-EMP-RATE", "at": "2030-12-31", "value": value}]
        assert post(writer, RECORD, rows=rows)["recordObservations"]["changed"] == 1
        seen = post(reader, VALUE)  # at once: the reader catches up with the journal before answering
        assert seen["metric"]["value"] == value
        assert seen["dataVersion"] == before["dataVersion"] + i + 1
        assert post(writer, VALUE) == seen


def test_a_killed_worker_is_replaced_and_catches_up(two_workers):
    url, clients = two_workers
    (pid_a, a), (_, b) = clients.items()
    os.kill(pid_a, signal.SIGKILL)
    rows = [{"metricId": "M-EMP-RATE", "at": "2030-12-31", "value": 21.0}]
    post(b, RECORD, rows=rows)
    a.close()

    def replaced() -> bool:
        try:
            pids = {httpx.get(f"{url}/healthz", timeout=2).json()["pid"] for _ in range(20)}
            return len(pids - {pid_a}) == 2
        except httpx.TransportError:
            return False

    wait_for(replaced, 30, every=0.2)
    for pid, client in _one_client_per_worker(url, 2).items():
        assert pid != pid_a
        assert post(client, VALUE)["metric"]["value"] == 21.0
        client.close()

"""Two `zhengai serve --neo4j` replicas on one Neo4j stay consistent: an edit or an ingest through one is
answered by the other (within a second on an idle machine), and a `warningRaised` subscriber on the
second receives the warnings raised by an ingest on the first (fanned out through the change log)."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import websockets

from tests.processes import post, serving, wait_for
from zhengai.graph_loader import demo_path

METRIC = "M-STU-001-PTS"
VALUE = """query($id: ID!, $asOf: Date) { metric(id: $id) { value(asOf: $asOf) target } }"""
RECORD = ("mutation($rows: [ObservationInput!]!) { recordObservations(observations: $rows) "
          "{ warningsRaised { nodeId } } }")
#: How long the test waits for the other replica. It follows the change log every 0.25 s and answers within
#: 1 s on an idle machine (bench/replicas.py measures the lag); the test only needs it to arrive, not fast.
LAG = 5.0
EDIT = ("mutation($changes: [ChangeInput!]!, $from: Date) { applyChanges(changes: $changes, "
        "effectiveFrom: $from) { version } }")


@pytest.fixture
def replicas(neo4j_datasets):
    """Two serving processes on the test database holding the demo dataset."""
    neo4j_datasets.engine(demo_path())
    uri = neo4j_datasets.store.settings.uri
    try:
        with serving("--neo4j", uri, timeout=120) as first, serving("--neo4j", uri, timeout=120) as second:
            yield first, second
    finally:
        neo4j_datasets.forget()  # the replicas wrote to the database


def _metric(url: str, as_of: date) -> dict[str, Any]:
    with httpx.Client(base_url=url) as client:
        return post(client, VALUE, id=METRIC, asOf=as_of.isoformat())["metric"]


def test_an_ingest_and_an_edit_on_one_replica_are_read_on_the_other(replicas):
    first, second = replicas
    today = date.today()
    value = 40 + round(time.time() % 1 * 10, 3)  # a value no earlier run wrote
    with httpx.Client(base_url=first) as client:
        post(client, RECORD, rows=[{"metricId": METRIC, "at": today.isoformat(), "value": value}])
    assert wait_for(lambda: _metric(second, today)["value"] == value, within=LAG)
    target = _metric(second, today)["target"] + 1
    change = {"upsertMetric": {"id": METRIC, "target": target}}
    with httpx.Client(base_url=first) as client:
        post(client, EDIT, changes=[change], **{"from": today.isoformat()})
    assert wait_for(lambda: _metric(second, today)["target"] == target, within=LAG)


async def _pushed(url: str, count_until: str, write: Any, within: float) -> list[str]:
    """Node ids pushed to a warningRaised subscriber on ``url`` while ``write()`` runs, until
    ``count_until`` is among them."""
    async with websockets.connect(url.replace("http", "ws") + "/graphql",
                                  subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"type": "subscribe", "id": "w",
                                  "payload": {"query": "subscription { warningRaised { nodeId } }"}}))
        await asyncio.sleep(0.3)  # the subscription is registered before the write
        await asyncio.to_thread(write)
        pushed: list[str] = []
        async with asyncio.timeout(within):
            while count_until not in pushed:
                message = json.loads(await ws.recv())
                assert message["type"] == "next", message
                pushed.append(message["payload"]["data"]["warningRaised"]["nodeId"])
        return pushed


def test_warnings_raised_by_an_ingest_on_one_replica_are_pushed_by_the_other(replicas):
    first, second = replicas
    today = date.today()

    def record(value: float, day: date) -> list[str]:
        with httpx.Client(base_url=first) as client:
            found = post(client, RECORD, rows=[{"metricId": METRIC, "at": day.isoformat(), "value": value}])
        return [w["nodeId"] for w in found["recordObservations"]["warningsRaised"]]

    record(100, today - timedelta(days=1))  # a good, current value first: the next one raises a warning
    raised: list[list[str]] = []
    pushed = asyncio.run(_pushed(second, METRIC, lambda: raised.append(record(1, today)), within=5))
    assert METRIC in raised[0]
    assert set(pushed) <= set(raised[0]), (pushed, raised)

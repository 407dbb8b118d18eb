"""Two `zhengai serve --neo4j` replicas on one Neo4j: how soon a write through the first is answered by the
second (ingests and applyChanges edits alternating), and how soon a `warningRaised` subscriber on the second
receives the warning an ingest on the first raised. The baseline in the same run: the same read answered
by the replica that took the write (its own write, no follow).

    .venv/bin/python -m bench.replicas [--writes 50] [--warnings 20]

Neo4j: NEO4J_URI, or a local server started with scripts/neo4j-local (left running). The demo dataset is
loaded into it (replacing what it holds).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from typing import Any

import httpx
import websockets

from bench.common import ms, neo4j_uri, pct, say
from bench.launch import StartFailed, free_port, healthy, launched, zhengai_serve
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.stores.neo4j_store import Neo4jSettings, Neo4jStore

METRIC = "M-STU-001-PTS"
VALUE = "query($id: ID!, $asOf: Date) { metric(id: $id) { value(asOf: $asOf) target } }"
RECORD = ("mutation($rows: [ObservationInput!]!) { recordObservations(observations: $rows) "
          "{ warningsRaised { nodeId } } }")
EDIT = ("mutation($changes: [ChangeInput!]!, $from: Date) { applyChanges(changes: $changes, "
        "effectiveFrom: $from) { version } }")
SUBSCRIBE = "subscription { warningRaised { nodeId } }"
#: A write not seen by the other replica within this many seconds is a failure of the run.
GIVE_UP = 10.0


@contextmanager
def serving(uri: str) -> Iterator[str]:
    """``zhengai serve --neo4j uri`` on a free port; its URL once /healthz answers."""
    url = f"http://127.0.0.1:{free_port()}"
    try:
        with launched(zhengai_serve("--neo4j", uri, "--port", url.rsplit(":", 1)[1]), healthy(url),
                      timeout=300):
            yield url
    except StartFailed as exc:
        raise SystemExit(str(exc)) from None


def post(client: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    """A GraphQL request that must succeed; its data."""
    body = client.post("/graphql", json={"query": query, "variables": variables}, timeout=60).json()
    if body.get("errors"):
        raise SystemExit(f"GraphQL errors: {body['errors']}")
    return body["data"]


def seen_within(client: httpx.Client, check: Any, today: date) -> float:
    """Seconds until ``check(metric)`` holds on ``client``'s replica (polled every 5 ms)."""
    started = time.perf_counter()
    while not check(post(client, VALUE, id=METRIC, asOf=today.isoformat())["metric"]):
        if time.perf_counter() - started > GIVE_UP:
            raise SystemExit(f"not seen within {GIVE_UP} s")
        time.sleep(0.005)
    return time.perf_counter() - started


def write_lags(first: str, second: str, writes: int, today: date) -> tuple[list[float], list[float]]:
    """Seconds from each acknowledged write on ``first`` until ``second`` answers with it, and until
    ``first`` itself does (the baseline)."""
    lags, own = [], []
    with httpx.Client(base_url=first) as a, httpx.Client(base_url=second) as b:
        base = post(a, VALUE, id=METRIC, asOf=today.isoformat())["metric"]["target"]
        for i in range(writes):
            if i % 2 == 0:  # an ingest: a value no earlier write left
                value = 40 + i + round(time.time() % 1, 3)
                post(a, RECORD, rows=[{"metricId": METRIC, "at": today.isoformat(), "value": value}])
                check = (lambda v: lambda m: m["value"] == v)(value)
            else:  # an edit of the metric's target
                target = base + i
                post(a, EDIT, changes=[{"upsertMetric": {"id": METRIC, "target": target}}],
                     **{"from": today.isoformat()})
                check = (lambda t: lambda m: m["target"] == t)(target)
            lags.append(seen_within(b, check, today))
            own.append(seen_within(a, check, today))
        restore = [{"upsertMetric": {"id": METRIC, "target": base}}]  # the warnings' part needs it
        post(a, EDIT, changes=restore, **{"from": today.isoformat()})
        seen_within(b, lambda m: m["target"] == base, today)
    return lags, own


async def warning_lags(first: str, second: str, count: int, today: date) -> list[float]:
    """Seconds from each acknowledged raising ingest on ``first`` until ``second``'s subscriber gets it."""
    out: list[float] = []
    async with websockets.connect(second.replace("http", "ws") + "/graphql",
                                  subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"type": "subscribe", "id": "w", "payload": {"query": SUBSCRIBE}}))
        await asyncio.sleep(0.5)  # registered before the first write
        with httpx.Client(base_url=first) as a, httpx.Client(base_url=second) as b:
            target = post(b, VALUE, id=METRIC, asOf=today.isoformat())["metric"]["target"]
            for i in range(count):
                good = target + 10 + i + round(time.time() % 1, 3)  # on target: clears the warning
                await asyncio.to_thread(post, a, RECORD,
                                        rows=[{"metricId": METRIC, "at": today.isoformat(), "value": good}])
                await asyncio.to_thread(seen_within, b, lambda m, v=good: m["value"] == v, today)
                bad = 1 + i / 100  # far below target: raises it again
                rows = [{"metricId": METRIC, "at": today.isoformat(), "value": bad}]
                done = await asyncio.to_thread(post, a, RECORD, rows=rows)
                acked = time.perf_counter()
                raised = {w["nodeId"] for w in done["recordObservations"]["warningsRaised"]}
                if METRIC not in raised:
                    raise SystemExit(f"the ingest raised no warning of {METRIC}: {raised}")
                async with asyncio.timeout(GIVE_UP):
                    while True:
                        message = json.loads(await ws.recv())
                        if message["type"] != "next":
                            raise SystemExit(f"unexpected message {message}")
                        if message["payload"]["data"]["warningRaised"]["nodeId"] == METRIC:
                            break
                out.append(time.perf_counter() - acked)
    return out


def line(name: str, values: list[float]) -> str:
    return (f"{name:<52} p50 {ms(pct(values, 50)):>10}  p95 {ms(pct(values, 95)):>10}  "
            f"max {ms(max(values)):>10}  (n={len(values)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writes", type=int, default=50)
    ap.add_argument("--warnings", type=int, default=20)
    args = ap.parse_args()
    uri = neo4j_uri()
    say(f"loading the demo into {uri} …")
    store = Neo4jStore(Neo4jSettings(uri))
    try:
        store.load(load_dataset(demo_path()), replace=True)
    finally:
        store.close()
    today = date.today()
    follow = os.environ.get("ZHENGAI_FOLLOW_EVERY", "0.25")
    with ExitStack() as stack:
        say("starting two replicas …")
        first = stack.enter_context(serving(uri))
        second = stack.enter_context(serving(uri))
        with httpx.Client(base_url=first) as a:  # a good value of yesterday: today's bad one raises a warning
            post(a, RECORD, rows=[{"metricId": METRIC, "at": (today - timedelta(days=1)).isoformat(),
                                   "value": 100}])
        say(f"{args.writes} writes through the first replica …")
        lags, own = write_lags(first, second, args.writes, today)
        say(f"{args.warnings} raising ingests through the first, a subscriber on the second …")
        pushed = asyncio.run(warning_lags(first, second, args.warnings, today))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"two `zhengai serve --neo4j` replicas on one Neo4j (demo dataset), follow every {follow} s; "
          f"load average {load} ({os.cpu_count()} CPUs)")
    print(line("write on A → answered by B (ingests and edits)", lags))
    print(line("baseline: write on A → answered by A (its own write)", own))
    print(line("ingest on A → warningRaised pushed by B", pushed))
    within = sum(1 for x in lags if x <= 1.0)
    print(f"writes answered by the other replica within 1 s: {within} of {len(lags)}")


if __name__ == "__main__":
    main()

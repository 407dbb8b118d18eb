"""Recording observations: all or nothing, idempotent, incremental, durable, pushed live."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import WORKED, WORKED_AS_OF
from tests.test_properties import AS_OF as DAG_AS_OF
from tests.test_properties import goal_dags
from zhengai.domain.models import ObservedValue
from zhengai.engine import Engine
from zhengai.engine.writes import WriteService
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.stores import EmbeddedStore
from zhengai.stores.journal import Journal

RECORD = """mutation($rows: [ObservationInput!]!) { recordObservations(observations: $rows) {
  received changed unchanged warningsRaised { id } } }"""
GOAL = """query($asOf: Date) { goal(id: "S") { attainment(asOf: $asOf) }
  m3: metric(id: "m3") { value(asOf: $asOf) } }"""


@pytest.fixture
def fresh_worked(request, store_kind):
    """A worked-example engine of its own (the test writes to it)."""
    if store_kind == "neo4j":
        datasets = request.getfixturevalue("neo4j_datasets")
        datasets.forget()
        engine = datasets.engine(WORKED)
        yield engine
        datasets.forget()
    else:
        yield Engine(EmbeddedStore(load_dataset(WORKED)))


def rows(*items: tuple[str, str, float]) -> list[dict]:
    return [{"metricId": m, "at": at, "value": v} for m, at, v in items]


def test_record_is_all_or_nothing_idempotent_and_propagates(fresh_worked):
    from tests.conftest import client_for

    gql = client_for(fresh_worked)
    as_of = WORKED_AS_OF.isoformat()
    assert gql(GOAL, asOf=as_of)["goal"]["attainment"] == pytest.approx(0.625)
    bad = gql.raw(RECORD, rows=rows(("m3", "2026-01-20", 16), ("nope", "2026-01-20", 1)))
    assert "unknown metric 'nope'" in bad["errors"][0]["message"]
    assert gql(GOAL, asOf=as_of)["goal"]["attainment"] == pytest.approx(0.625)  # nothing was written

    done = gql(RECORD, rows=rows(("m3", "2026-01-20", 16)))["recordObservations"]
    assert (done["received"], done["changed"], done["unchanged"]) == (1, 1, 0)
    assert gql(GOAL, asOf=as_of)["goal"]["attainment"] == pytest.approx(0.75)  # design.md §2's simulation
    again = gql(RECORD, rows=rows(("m3", "2026-01-20", 16)))["recordObservations"]
    assert (again["changed"], again["unchanged"]) == (0, 1)
    replaced = gql(RECORD, rows=rows(("m3", "2026-01-20", 18)))["recordObservations"]
    assert replaced["changed"] == 1
    after = gql(GOAL, asOf=as_of)
    assert after["m3"]["value"] == 18 and after["goal"]["attainment"] == pytest.approx(0.625)
    # the engine's incrementally updated answer equals a full recompute on a fresh engine
    full = Engine(fresh_worked.store).snapshot(WORKED_AS_OF)
    assert full.attainment("S") == pytest.approx(after["goal"]["attainment"], abs=1e-12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(goal_dags(allow_min=True), st.data())
def test_incremental_propagation_equals_a_full_recompute(ds, data):
    engine = Engine(EmbeddedStore(ds))
    dates = [DAG_AS_OF, DAG_AS_OF + timedelta(days=40)]
    for d in dates:
        engine.snapshot(d)  # cached, to be updated in place
    ingestor = WriteService(engine)
    metrics = sorted(ds.metrics)
    for _ in range(data.draw(st.integers(1, 4))):
        batch = data.draw(st.lists(st.tuples(st.sampled_from(metrics), st.integers(-5, 45),
                                             st.floats(0, 120, allow_nan=False)), min_size=1, max_size=6,
                                   unique_by=lambda t: (t[0], t[1])))
        ingestor.record_observations([ObservedValue(m, DAG_AS_OF + timedelta(days=d), v)
                                      for m, d, v in batch])
        for d in dates:
            cached = engine.snapshot(d)
            full = Engine(engine.store).snapshot(d)
            assert cached is not full
            for node in [*ds.goals, *ds.metrics]:
                a, b = cached.attainment(node), full.attainment(node)
                assert (a is None and b is None) or a == pytest.approx(b, abs=1e-12), node


def journaled_observations(state: Path) -> list[tuple[str, str, float]]:
    """Every (metric, at, value) the journal of a state folder holds, in order."""
    return [(m, at, v) for _, row in Journal(state).read_from(0) for m, at, v, _ in row["observations"]]


def _serve(folder: Path, state: Path, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "zhengai.cli", "serve", "--data", str(folder), "--state", str(state),
           "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            httpx.get(f"{url}/healthz")
            return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    pytest.fail(f"server did not start: {proc.communicate(timeout=10)[1]}")


def test_acknowledged_ingest_survives_kill_9(tmp_path):
    folder = shutil.copytree(WORKED, tmp_path / "data")
    state = tmp_path / "state"
    proc, url = _serve(folder, state)
    try:
        body = httpx.post(f"{url}/graphql", json={"query": RECORD,
                                                  "variables": {"rows": rows(("m3", "2026-01-20", 16))}})
        assert body.json()["data"]["recordObservations"]["changed"] == 1
    finally:
        proc.send_signal(signal.SIGKILL)  # right after the acknowledgement
        proc.wait()
    proc, url = _serve(folder, state)
    try:
        got = httpx.post(f"{url}/graphql", json={"query": GOAL, "variables": {"asOf": "2026-02-01"}}).json()
        assert got["data"]["m3"]["value"] == 16
        assert got["data"]["goal"]["attainment"] == pytest.approx(0.75)
    finally:
        proc.terminate()
        proc.wait()


def test_ingest_command_reports_located_errors_and_is_idempotent(tmp_path):
    folder = shutil.copytree(WORKED, tmp_path / "data")
    good = tmp_path / "good.csv"
    good.write_text("metric,at,value\nm1,2026-01-20,95\nm2,2026-01-20,45\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("metric,at,value\nm1,2026-01-21,95\nm1,2026-02-30,1\nghost,2026-01-21,2\n",
                   encoding="utf-8")
    run = [sys.executable, "-m", "zhengai.cli", "ingest", "--data", str(folder)]
    out = subprocess.run([*run, str(bad)], capture_output=True, text=True, check=False)
    assert out.returncode == 1
    assert f"{bad}:3: at: invalid date '2026-02-30'" in out.stderr and f"{bad}:4:" in out.stderr
    assert journaled_observations(folder / ".zhengai") == []  # nothing ingested
    first = subprocess.run([*run, str(good)], capture_output=True, text=True, check=True)
    assert "2 new or replaced, 0 unchanged" in first.stdout
    second = subprocess.run([*run, str(good)], capture_output=True, text=True, check=True)
    assert "0 new or replaced, 2 unchanged" in second.stdout
    assert [m for m, _, _ in journaled_observations(folder / ".zhengai")] == ["m1", "m2"]


def test_a_websocket_subscriber_receives_the_warning_an_ingest_raises(tmp_path):
    from websockets.sync.client import connect

    proc, url = _serve(demo_path(), tmp_path / "state")
    today = date.today().isoformat()
    try:
        with connect(url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send(json.dumps({"type": "connection_init"}))
            assert json.loads(ws.recv(timeout=5))["type"] == "connection_ack"
            query = "subscription { warningRaised(minSeverity: RED) { id type severity nodeId message } }"
            ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
            time.sleep(0.3)
            started = time.monotonic()
            body = httpx.post(f"{url}/graphql", json={"query": RECORD, "variables": {
                "rows": rows(("M-EMP-RATE", today, 80))}}, timeout=30).json()
            answered = time.monotonic()
            raised = body["data"]["recordObservations"]["warningsRaised"]
            assert "FLOOR:M-EMP-RATE" in {w["id"] for w in raised}
            pushed = []
            while "FLOOR:M-EMP-RATE" not in pushed:
                message = json.loads(ws.recv(timeout=5))
                assert message["type"] == "next", message
                pushed.append(message["payload"]["data"]["warningRaised"]["id"])
            assert time.monotonic() - answered < 1.0  # pushed by the time the ingest is acknowledged
            assert time.monotonic() - started < 5
    finally:
        proc.terminate()
        proc.wait()


def _wait_for(check, seconds: float = 5.0) -> float:
    """Seconds until ``check()`` holds (fails after ``seconds``)."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, "not seen in time"
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_cli_ingest_reaches_the_server_that_holds_the_folder(tmp_path):
    """A CLI write into a data folder a running server holds is followed by that server (its journal)."""
    folder = shutil.copytree(WORKED, tmp_path / "data")
    proc, url = _serve(folder, folder / ".zhengai")
    try:
        csv = tmp_path / "m3.csv"
        csv.write_text("metric,at,value\nm3,2026-01-20,16\n", encoding="utf-8")
        out = subprocess.run([sys.executable, "-m", "zhengai.cli", "ingest", str(csv), "--data", str(folder)],
                             capture_output=True, text=True, check=True)
        assert "1 new or replaced" in out.stdout and "follows" in out.stdout

        def seen() -> bool:
            got = _ask(url)["data"]
            return got["m3"]["value"] == 16 and got["goal"]["attainment"] == pytest.approx(0.75)

        assert _wait_for(seen) < 3
    finally:
        proc.terminate()
        proc.wait()


def test_a_cli_ingest_into_neo4j_reaches_the_serving_replica(neo4j_datasets, tmp_path):
    store = neo4j_datasets.engine(WORKED).store
    cmd = [sys.executable, "-m", "zhengai.cli", "serve", "--neo4j", store.settings.uri, "--port", "0"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd[-1] = str(port)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _up(url), 60)
        value = 15.0 + (time.time() % 1)  # a value no earlier run wrote
        csv = tmp_path / "m3.csv"
        csv.write_text(f"metric,at,value\nm3,2026-01-21,{value}\n", encoding="utf-8")
        run = subprocess.run([sys.executable, "-m", "zhengai.cli", "ingest", str(csv), "--neo4j",
                              store.settings.uri], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        # the CLI waited for the current values it keeps on the nodes before it closed the driver
        assert store.current_values()["m3"][3] == date.today().isoformat()

        def seen() -> bool:
            return _ask(url)["data"]["m3"]["value"] == value

        assert _wait_for(seen) < 3
    finally:
        proc.terminate()
        proc.wait()
        neo4j_datasets.forget()


def _up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz").status_code == 200
    except httpx.TransportError:
        return False


def _ask(url: str) -> dict:
    return httpx.post(f"{url}/graphql", json={"query": GOAL, "variables": {"asOf": "2026-02-01"}}).json()

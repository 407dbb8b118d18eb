"""Neo4j as the store of record: all-or-nothing loads, idempotence, crash safety, serving."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import WORKED
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.stores.neo4j_store import Neo4jStore


@pytest.fixture
def neo4j(neo4j_store, neo4j_datasets):
    """The test database holding the demo; other tests reload what they need afterwards."""
    neo4j_store.load(load_dataset(demo_path()), replace=True)
    yield neo4j_store
    neo4j_datasets.forget()


def _state(store: Neo4jStore) -> tuple[tuple[int, int], int]:
    return store.counts(), store.version


def test_loading_the_same_dataset_twice_changes_nothing(neo4j):
    counts = neo4j.counts()
    assert counts == (557, 1743)
    neo4j.load(load_dataset(demo_path()))
    assert neo4j.counts() == counts


def test_replace_swaps_the_dataset(neo4j):
    neo4j.load(load_dataset(WORKED), replace=True)
    assert neo4j.counts() == (7, 9)  # 1 unit, 3 goals, 3 metrics; 2 SUPPORTS, 4 MEASURED_BY, 3 OWNED_BY
    assert set(neo4j.state.ids("Goal")) == {"S", "P1", "P2"}


def test_replace_drops_the_old_graphs_events(neo4j):
    """A replaced graph's events (8字螺旋 stages, improvements …) go with it, as on a fresh embedded store."""
    from zhengai.engine import Engine
    from zhengai.engine.writes import WriteService

    neo4j.load(load_dataset(demo_path()), replace=True)
    neo4j.reload()
    loaded = neo4j.state.events("spiral", "STU-001")  # the demo's history
    WriteService(Engine(neo4j)).advance_stage("STU-001")
    assert len(neo4j.state.events("spiral", "STU-001")) == len(loaded) + 1
    neo4j.load(load_dataset(demo_path()), replace=True)
    neo4j.reload()
    assert neo4j.state.events("spiral", "STU-001") == loaded


def test_a_load_failing_on_its_last_row_leaves_the_graph_unchanged(neo4j, monkeypatch):
    before = neo4j.counts()
    steps = list(Neo4jStore.load_steps(load_dataset(WORKED)))
    stage, name, rows = steps[-1]
    bad_last = [*rows[:-1], {**rows[-1], "weight": {"not": "a number"}}]  # a map cannot be a property

    monkeypatch.setattr(Neo4jStore, "load_steps", staticmethod(lambda _: iter([*steps[:-1],
                                                                                (stage, name, bad_last)])))
    with pytest.raises(Exception, match=r"(?i)property values can only be of primitive types"):
        neo4j.load(load_dataset(WORKED), replace=True)
    assert neo4j.counts() == before
    assert "S-FACULTY" in neo4j.state.ids("Goal")


def _big_dataset(folder: Path, goals: int) -> Path:
    (folder / "dataset.yaml").write_text(
        "units: [{id: ZGB, name: 质管办, system: SUPERVISION}]\n"
        "goals: [{id: ROOT, name: 学校目标, level: SCHOOL, owner: ZGB}]\n", encoding="utf-8")
    with open(folder / "goals.csv", "w", encoding="utf-8") as f:
        f.write("id,name,level,owner\n")
        f.writelines(f"G{i},专业目标{i},MAJOR,ZGB\n" for i in range(goals))
    with open(folder / "supports.csv", "w", encoding="utf-8") as f:
        f.write("goal,parent,weight\n")
        f.writelines(f"G{i},ROOT,1\n" for i in range(goals))
    return folder


def test_a_killed_load_leaves_the_graph_unchanged(neo4j, tmp_path):
    before = _state(neo4j)
    folder = _big_dataset(tmp_path, 100_000)
    env = {**os.environ, "ZHENGAI_LOAD_BATCH": "500"}
    proc = subprocess.Popen([sys.executable, "-m", "zhengai.cli", "load", str(folder), "--replace",
                             "--neo4j", neo4j.settings.uri], stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    for line in proc.stderr:  # every node written (not committed), 199 batches of links to go: kill -9
        if line.startswith("zhengai: relationships 500/"):
            break
    else:
        pytest.fail("the load ended before it could be killed")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while neo4j.counts() != before[0] and time.monotonic() < deadline:
        time.sleep(0.2)  # the server rolls back the open transaction when the connection drops
    assert _state(neo4j) == before


def test_load_command_validates_first_and_reports(neo4j, tmp_path):
    broken = Path(__file__).parent / "data" / "broken"
    before = neo4j.counts()
    proc = subprocess.run([sys.executable, "-m", "zhengai.cli", "load", str(broken), "--neo4j",
                           neo4j.settings.uri], capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "nothing loaded" in proc.stderr and "observations.csv:3" in proc.stderr
    assert neo4j.counts() == before


def test_serve_from_neo4j_over_http(neo4j):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "zhengai.cli", "serve", "--neo4j", neo4j.settings.uri, "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{url}/healthz")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"server did not start: {proc.communicate(timeout=10)[0]}")
                time.sleep(0.1)
        assert health.json()["store"] == "neo4j"
        q = ('{ traceImpact(metricId: "M-STU-001-PTS", asOf: "2026-11-20") '
             '{ pathCount targets { goal { id } } } }')
        data = httpx.post(f"{url}/graphql", json={"query": q}).json()["data"]["traceImpact"]
        assert data["pathCount"] >= 2 and any(t["goal"]["id"].startswith("S-") for t in data["targets"])
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_current_attainment_is_kept_on_the_nodes_and_follows_ingests(neo4j):
    from datetime import date

    from zhengai.domain.models import ObservedValue
    from zhengai.engine import Engine
    from zhengai.engine.writes import WriteService

    engine = Engine(neo4j)
    assert engine.keep_current() == 139 + 196
    kept = neo4j.current_values()
    snap = engine.snapshot()
    assert kept["S-FACULTY"][0] == pytest.approx(snap.attainment("S-FACULTY"))
    assert kept["S-FACULTY"][1] == snap.goal_status(engine.goal("S-FACULTY")).value
    assert kept["M-SSR"][1] == "RED"  # beyond its floor
    writes = WriteService(engine)
    writes.record_observations([ObservedValue("M-SSR", date.today(), 15.5)])  # 生师比 at target
    writes.flush()
    after = neo4j.current_values()
    full = Engine(neo4j).snapshot()  # a fresh engine: a full recompute
    for node in ("M-SSR", "A26-FACBASE", "S-FACULTY"):
        assert after[node][0] == pytest.approx(full.attainment(node), abs=1e-12), node
    assert after["M-SSR"][1] == "GREEN" and after["A26-FACBASE"][0] > kept["A26-FACBASE"][0]
    assert after["S-EMP"] == kept["S-EMP"]  # not an ancestor of M-SSR: untouched


def test_a_replaced_value_stays_in_the_history(neo4j):
    from datetime import date

    from zhengai.domain.models import ObservedValue
    from zhengai.engine import Engine
    from zhengai.engine.writes import WriteService

    writes = WriteService(Engine(neo4j))
    assert writes.record_observations([ObservedValue("M-SSR", date(2026, 11, 21), 17.0)]).changed == 1
    again = writes.record_observations([ObservedValue("M-SSR", date(2026, 11, 21), 17.0)])
    assert again.changed == 0  # no-op
    assert writes.record_observations([ObservedValue("M-SSR", date(2026, 11, 21), 16.5)]).changed == 1
    [replaced] = neo4j.replaced_values("M-SSR")
    assert replaced.startswith("2026-11-21=17.0@")
    assert Neo4jStore(neo4j.settings).state.latest_values(date(2026, 11, 22), ["M-SSR"]) == {"M-SSR": 16.5}


# -- generations: a load never holds the whole graph in one transaction ----------------------------------

class _Interrupted(Exception):
    """Raised from a load's progress callback: the load fails between two of its transactions."""


def _raw(store: Neo4jStore) -> tuple[int, int]:
    """(:Node, :Event) nodes of every generation, the invisible ones too."""
    records, _, _ = store.driver.execute_query(
        "CALL { MATCH (n:Node) RETURN count(n) AS nodes } CALL { MATCH (e:Event) RETURN count(e) AS events } "
        "RETURN nodes, events", database_=store.settings.database)
    return records[0]["nodes"], records[0]["events"]


def _served(store: Neo4jStore) -> tuple[tuple[int, int], int, set[str], int, int]:
    """What a server opening the database now would serve: sizes, version, goals, 审计日志, events."""
    fresh = Neo4jStore(store.settings)
    try:
        events = sum(len(v) for v in fresh.state._events.values())
        return fresh.counts(), fresh.version, set(fresh.state.ids("Goal")), fresh.state.audit_count(), events
    finally:
        fresh.close()


@pytest.mark.parametrize(("replace", "stage", "after"), [
    (True, "nodes", 1), (True, "nodes", 5), (True, "relationships", 3), (True, "events", 1),
    (False, "copy nodes", 1), (False, "copy links", 1), (False, "relationships", 10)])
@pytest.mark.parametrize("killed", [False, True], ids=["failed", "killed"])
def test_a_load_interrupted_at_any_step_leaves_the_previous_graph_served(
        neo4j, monkeypatch, replace, stage, after, killed):
    """Between any two of a load's transactions: the previous graph stays served (a server opening the
    database then sees it whole, the 审计日志 has no entry of the load); a failed load deletes what it
    wrote, a killed one (no cleanup ran) leaves it invisible until the next load, which deletes it."""
    import zhengai.stores.neo4j_store as module

    neo4j.load(load_dataset(WORKED), replace=True)
    before = _served(neo4j)
    assert before[0] == (7, 9) and _raw(neo4j)[0] == 7
    monkeypatch.setattr(module, "BATCH", 40)  # the demo in many transactions

    def interrupt(at: str, done: int, total: int) -> None:
        calls[at] = calls.get(at, 0) + 1
        if at == stage and calls[at] == after:
            raise _Interrupted(f"{at} {done}/{total}")

    calls: dict[str, int] = {}
    if killed:  # a kill -9 runs no cleanup
        monkeypatch.setattr(Neo4jStore, "_discard", lambda *_, **__: 0)
    with pytest.raises(_Interrupted):
        neo4j.load(load_dataset(demo_path()), replace=replace, progress=interrupt)
    monkeypatch.undo()
    assert _served(neo4j) == before
    assert neo4j.counts() == (7, 9) and set(neo4j.state.ids("Goal")) == {"S", "P1", "P2"}
    if killed:
        assert _raw(neo4j)[0] > 7  # the partial generation, invisible
    else:
        assert _raw(neo4j)[0] == 7

    neo4j.load(load_dataset(demo_path()), replace=True)
    after_load = _served(neo4j)
    assert after_load[0] == (557, 1743) and after_load[1] == before[1] + 1
    assert after_load[3] == before[3] + 1  # one 审计日志 entry: the load that switched
    assert _raw(neo4j) == (557, after_load[4])  # nothing of the interrupted load or the old graph left


def test_a_failing_switch_writes_nothing(neo4j, monkeypatch):
    """The switch's transaction fails after appending the load's 审计日志 entry: neither stays."""
    import zhengai.stores.neo4j_store as module

    before = _served(neo4j)
    real = module.statement
    monkeypatch.setattr(module, "statement",
                        lambda name: "RETURN 1 / 0 AS generation" if name == "gen_switch" else real(name))
    with pytest.raises(Exception, match=r"(?i)by zero"):
        neo4j.load(load_dataset(WORKED), replace=True)
    monkeypatch.undo()
    assert _served(neo4j) == before
    assert _raw(neo4j)[0] == 557


def test_a_load_superseded_by_a_later_one_is_discarded(neo4j):
    """Two loads at once: the later takes the graph over (and deletes what the earlier wrote so far); the
    earlier fails at its switch and deletes what it wrote since."""
    from zhengai.stores.neo4j_store import LoadSupersededError

    other = Neo4jStore(neo4j.settings)
    started: list[str] = []

    def meanwhile(stage: str, done: int, total: int) -> None:
        if stage == "relationships" and not started:
            started.append(stage)
            other.load(load_dataset(WORKED), replace=True)  # a second loader, start to end

    try:
        with pytest.raises(LoadSupersededError):
            neo4j.load(load_dataset(demo_path()), replace=True, progress=meanwhile)
        assert started
        assert _served(neo4j)[0] == (7, 9)
        neo4j.reload()
        assert set(neo4j.state.ids("Goal")) == {"S", "P1", "P2"}
        assert _raw(neo4j)[0] == 7
    finally:
        other.close()


def test_replace_deletes_the_previous_generation_after_the_switch(neo4j):
    """The previous graph is deleted after the switch (the new one is already served): progress shows
    each stage, and a load without cleanup leaves the previous generation to :meth:`cleanup`."""
    seen: list[str] = []
    neo4j.load(load_dataset(WORKED), replace=True, progress=lambda stage, *_: seen.append(stage),
               cleanup=False)
    assert seen.index("nodes") < seen.index("relationships") < seen.index("switch")
    assert neo4j.counts() == (7, 9) and _raw(neo4j)[0] == 7 + 557
    assert neo4j.cleanup() == 557 + len(load_dataset(demo_path()).history)
    assert _raw(neo4j)[0] == 7


@pytest.mark.parametrize("replace", [True, False], ids=["replace", "upsert"])
def test_a_failure_in_one_of_two_parallel_writers_leaves_the_previous_graph_served(
        neo4j, monkeypatch, replace):
    """Node batches are written by two sessions at once: one fails while the other writes; the load waits
    for the other to end before it deletes what both wrote, so nothing of the new generation is left."""
    import zhengai.stores.neo4j_store as module

    neo4j.load(load_dataset(WORKED), replace=True)
    before = _served(neo4j)
    monkeypatch.setattr(module, "BATCH", 40)
    monkeypatch.setattr(module, "WRITERS", 2)
    steps = list(Neo4jStore.load_steps(load_dataset(demo_path())))
    nodes = [i for i, (stage, _, _) in enumerate(steps) if stage == "nodes"]
    assert len(nodes) > 6
    bad = nodes[5]  # written beside nodes[4]; a map cannot be a property
    stage, name, rows = steps[bad]
    steps[bad] = (stage, name, [*rows[:-1], {**rows[-1], "props": {**rows[-1]["props"], "bad": {"a": 1}}}])
    seen: list[str] = []
    monkeypatch.setattr(Neo4jStore, "load_steps", staticmethod(lambda _: iter(steps)))
    with pytest.raises(Exception, match=r"(?i)property values can only be of primitive types"):
        neo4j.load(load_dataset(demo_path()), replace=replace, progress=lambda stage, *_: seen.append(stage))
    monkeypatch.undo()
    assert "nodes" in seen and "relationships" not in seen and "switch" not in seen
    assert _served(neo4j) == before
    assert _raw(neo4j)[0] == 7

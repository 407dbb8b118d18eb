"""The embedded journal is all or nothing under a crash: replay gives exactly the acknowledged change
sets, each whole, each with its 审计日志 entry — whatever byte the crash tore the file at."""

from __future__ import annotations

import shutil
import signal
import threading
import time
import uuid
from datetime import date, timedelta

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import WORKED
from tests.test_ingest import _serve
from zhengai.domain.audit import AuditEntry
from zhengai.domain.changes import ChangeSet, Event
from zhengai.domain.models import ObservedValue
from zhengai.graph_loader import load_dataset
from zhengai.stores import EmbeddedStore
from zhengai.stores.journal import Journal, JournalCorruptError

DATASET = load_dataset(WORKED)


def _batches(n: int) -> list[ChangeSet]:
    out = []
    for i in range(n):
        rows = [ObservedValue("m1", date(2030, 1, 1) + timedelta(days=i * 10 + k), 80.0 + k)
                for k in range(i + 1)]
        out.append(ChangeSet(audit=AuditEntry.of(None, "recordObservations", f"批次 {i}"), observations=rows,
                             events=[Event("spiral", "S", {"kind": "note", "n": i})]))
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[bytes, list[int], list[ChangeSet]]:
    """A journal of 8 change sets: its bytes and where each record ends."""
    folder = tmp_path_factory.mktemp("journal")
    store = EmbeddedStore(DATASET, folder)
    batches = _batches(8)
    for b in batches:
        store.commit(lambda _, b=b: b)
    ends = [end for end, _ in Journal(folder).read_from(0)]
    return (folder / "changes.journal").read_bytes(), ends, batches


def _replayed(tmp_path, data: bytes) -> EmbeddedStore:
    folder = tmp_path / f"crash-{uuid.uuid4().hex}"
    folder.mkdir()
    (folder / "changes.journal").write_bytes(data)
    return EmbeddedStore(DATASET, folder)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0), garbage=st.binary(max_size=64))
def test_a_torn_journal_replays_exactly_the_whole_records(tmp_path, written, cut, garbage):
    data, ends, batches = written
    cut %= len(data) + 1
    store = _replayed(tmp_path, data[:cut] + (garbage if cut < len(data) else b""))
    whole = sum(1 for end in ends if end <= cut)
    assert store.state.version == whole
    summaries = [e.summary for e in reversed(store.state.audit_entries(100))]
    assert summaries == [f"批次 {i}" for i in range(whole)]
    expected = {(o.metric, o.at): o.value for b in batches[:whole] for o in b.observations}
    history = store.state.observation_history(["m1"])["m1"]
    journaled = {("m1", d): v for d, v in history if d >= date(2030, 1, 1)}
    assert journaled == expected
    assert [e["n"] for e in store.state.events("spiral", "S")] == list(range(whole))
    # the torn tail was cut off (and kept aside): the next write follows the last whole record
    assert store.commit(lambda _: ChangeSet(audit=AuditEntry.of(None, "load", "之后")))[-1].seq == whole + 1


def test_damage_before_whole_records_is_refused_clearly(tmp_path, written):
    data, ends, _ = written
    broken = bytearray(data)
    broken[ends[2] + 20] ^= 0xFF  # inside the 4th record; whole records follow it
    with pytest.raises(JournalCorruptError, match="damaged and whole records follow it"):
        _replayed(tmp_path, bytes(broken))


ROWS = 50_000
RECORD = """mutation($rows: [ObservationInput!]!) { recordObservations(observations: $rows) { changed } }"""


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5, 3.0])
def test_a_server_killed_during_a_large_ingest_keeps_it_whole_or_not_at_all(tmp_path, delay):
    folder = shutil.copytree(WORKED, tmp_path / "data")
    state = tmp_path / "state"
    proc, url = _serve(folder, state, {"ZHENGAI_MAX_BODY_BYTES": "20000000"})
    start = date(1850, 1, 1)  # 50,000 days before the worked example's own observations
    rows = [{"metricId": "m2", "at": (start + timedelta(days=i)).isoformat(), "value": float(i % 97)}
            for i in range(ROWS)]
    answer: dict[str, object] = {}

    def post() -> None:
        try:
            answer["body"] = httpx.post(f"{url}/graphql", json={"query": RECORD, "variables": {"rows": rows}},
                                        timeout=120).json()
        except httpx.HTTPError as exc:
            answer["error"] = exc

    sender = threading.Thread(target=post)
    sender.start()
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    sender.join(timeout=30)
    body = answer.get("body")
    acknowledged = isinstance(body, dict) and (body.get("data") or {}).get("recordObservations") is not None
    assert acknowledged or "error" in answer, answer  # killed before the answer, or answered in full
    store = EmbeddedStore(load_dataset(folder), state)
    kept = [d for d, _ in store.state.observation_history(["m2"], start, start + timedelta(days=ROWS))["m2"]]
    entries = store.state.audit_entries(10, operation="recordObservations")
    assert len(kept) in (0, ROWS), len(kept)  # whole or not at all
    assert (len(kept) == ROWS) == (len(entries) == 1)  # data and its audit entry together
    if acknowledged:
        assert len(kept) == ROWS  # nothing acknowledged is lost
    assert store.state.version == len(entries)

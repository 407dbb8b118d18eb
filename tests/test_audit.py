"""The 审计日志: every mutation, ingest and load recorded with its caller, before and after — on both
stores; readable by ADMIN only, newest first, paged; durable on the embedded store."""

from __future__ import annotations

import getpass
import json
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import WORKED, dataset_copy
from tests.test_ingest import _serve
from zhengai.app import create_app
from zhengai.domain.audit import AuditEntry
from zhengai.domain.changes import ChangeSet, Event
from zhengai.domain.enums import Direction
from zhengai.domain.models import ObservedValue
from zhengai.engine import Engine
from zhengai.engine.writes import WriteService
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.security.tokens import AuthConfig, Principal, Role
from zhengai.stores import EmbeddedStore
from zhengai.stores.base import GraphStore

AUTH = AuthConfig(secret="audit-test-secret-of-at-least-32-bytes", issuer="zhengai-test")
RECORD = """mutation($rows: [ObservationInput!]!) { recordObservations(observations: $rows) { changed } }"""
ADVANCE = "mutation($s: ID!) { advanceStage(subjectId: $s) { stage } }"
IMPROVE = """mutation($s: ID!, $m: String!, $id: ID, $done: Boolean! = false) {
  recordImprovement(subjectId: $s, measure: $m, ownerUnitId: "C-MECH", id: $id, done: $done) { id } }"""
STAGE = """query($s: ID!) { spiral(subjectId: $s) { stage } }"""
LOG = """query($first: Int! = 50, $before: Int, $operation: String, $actor: String) {
  auditLog(first: $first, before: $before, operation: $operation, actor: $actor) {
    seq at actor actorName roles operation summary beforeJson afterJson } }"""
CLI_ACTOR = f"cli:{getpass.getuser()}"


@dataclass
class Service:
    """A served demo (its own state) with tokens; ``tag`` makes this test's callers unique (the
    Neo4j test database keeps the audit entries of earlier runs)."""

    engine: Engine
    http: TestClient
    tag: str

    def sub(self, role: Role) -> str:
        return f"{role.lower()}-{self.tag}"

    def call(self, role: Role, query: str, **variables: object) -> dict:
        token = AUTH.issue(role, self.sub(role), 3600, name=f"{role.value} 测试")
        response = self.http.post("/graphql", json={"query": query, "variables": variables},
                                  headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        return response.json()

    def ok(self, role: Role, query: str, **variables: object) -> dict:
        body = self.call(role, query, **variables)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def log(self, **variables: object) -> list[dict]:
        return self.ok(Role.ADMIN, LOG, **variables)["auditLog"]


def _clear_spiral(store: GraphStore) -> None:
    store.driver.execute_query("MATCH (e:SpiralEvent) DETACH DELETE e",  # type: ignore[attr-defined]
                               database_=store.settings.database)  # type: ignore[attr-defined]


@pytest.fixture
def service(request, store_kind) -> Iterator[Service]:
    """The demo on ``store_kind``; on Neo4j it is reloaded afterwards and its spiral events dropped."""
    tag = uuid.uuid4().hex[:8]
    if store_kind == "neo4j":
        datasets = request.getfixturevalue("neo4j_datasets")
        datasets.forget()
        engine = datasets.engine(demo_path())
        _clear_spiral(engine.store)
        yield Service(engine, TestClient(create_app(engine, auth=AUTH)), tag)
        _clear_spiral(engine.store)
        datasets.forget()
    else:
        engine = Engine(EmbeddedStore(dataset_copy(demo_path())))
        yield Service(engine, TestClient(create_app(engine, auth=AUTH)), tag)


def _rows(*items: tuple[str, str, float]) -> list[dict]:
    return [{"metricId": m, "at": at, "value": v} for m, at, v in items]


def test_each_mutation_is_audited_with_its_caller_and_before_and_after(service):
    [(last_at, last), (prev_at, prev)] = service.engine.state.observation_history(["M-SSR"])["M-SSR"][:-3:-1]
    rows = _rows(("M-SSR", last_at.isoformat(), last + 1), ("M-SSR", "2027-01-15", 17.0),
                 ("M-SSR", prev_at.isoformat(), prev))
    assert service.ok(Role.DATA_SERVICE, RECORD, rows=rows)["recordObservations"]["changed"] == 2
    stage = service.ok(Role.ADMIN, STAGE, s="STU-007")["spiral"]["stage"]
    advanced = service.ok(Role.ADMIN, ADVANCE, s="STU-007")["advanceStage"]["stage"]
    made = service.ok(Role.ADMIN, IMPROVE, s="STU-007", m="班主任每周约谈")["recordImprovement"]["id"]
    service.ok(Role.ADMIN, IMPROVE, s="STU-007", m="班主任每周约谈，跟踪到课", id=made, done=True)

    [record] = service.log(actor=service.sub(Role.DATA_SERVICE))
    assert (record["operation"], record["roles"], record["actorName"]) == (
        "recordObservations", ["DATA_SERVICE"], "DATA_SERVICE 测试")
    assert record["summary"] == "记录观测 3 条（变更 2 条）"
    assert json.loads(record["beforeJson"]) == {"count": 2, "rows": [
        {"metric": "M-SSR", "at": last_at.isoformat(), "value": last},
        {"metric": "M-SSR", "at": "2027-01-15", "value": None}]}
    after = json.loads(record["afterJson"])
    assert after["count"] == 2 and after["received"] == 3
    assert [(r["at"], r["value"]) for r in after["rows"]] == [(last_at.isoformat(), last + 1),
                                                              ("2027-01-15", 17.0)]

    update, improvement, advance = service.log(actor=service.sub(Role.ADMIN))
    assert {e["roles"] == ["ADMIN"] and e["actor"] == service.sub(Role.ADMIN)
            for e in (update, improvement, advance)} == {True}
    assert advance["operation"] == "advanceStage" and "STU-007" in advance["summary"]
    assert json.loads(advance["beforeJson"]) == {"subject": "STU-007", "stage": stage}
    assert json.loads(advance["afterJson"]) == {"subject": "STU-007", "stage": advanced}
    assert improvement["operation"] == "recordImprovement" and improvement["beforeJson"] is None
    assert json.loads(improvement["afterJson"])["measure"] == "班主任每周约谈"
    assert update["summary"].startswith(f"更新改进措施 {made}")
    old, new = json.loads(update["beforeJson"]), json.loads(update["afterJson"])
    assert (old["id"], old["measure"], old["done"]) == (made, "班主任每周约谈", False)
    assert (new["id"], new["measure"], new["done"]) == (made, "班主任每周约谈，跟踪到课", True)
    assert update["seq"] > improvement["seq"] > advance["seq"] > record["seq"]
    assert update["at"] >= record["at"] and update["at"].endswith("+00:00")


def test_a_no_op_call_is_audited_and_a_refused_one_is_not(service):
    at = service.engine.state.observation_history(["M-SSR"])["M-SSR"][-1]
    same = _rows(("M-SSR", at[0].isoformat(), at[1]))
    assert service.ok(Role.ADMIN, RECORD, rows=same)["recordObservations"]["changed"] == 0
    bad = service.call(Role.ADMIN, RECORD, rows=_rows(("M-SSR", "2027-01-15", 1), ("NOPE", "2027-01-15", 1)))
    assert "unknown metric 'NOPE'" in bad["errors"][0]["message"]
    refused = service.call(Role.ADMIN, 'mutation { advanceStage(subjectId: "NOPE") { stage } }')
    assert refused["errors"]
    [entry] = service.log(actor=service.sub(Role.ADMIN))
    assert entry["summary"] == "记录观测 1 条（变更 0 条）"
    assert json.loads(entry["beforeJson"]) == {"count": 0, "rows": []}


def test_only_admin_reads_the_audit_log(service):
    for role in (Role.LEADER, Role.DATA_SERVICE):
        body = service.call(role, LOG)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
    assert isinstance(service.log(), list)
    anonymous = service.http.post("/graphql", json={"query": LOG})
    assert anonymous.status_code == 401


def test_newest_first_paged_by_before_and_filtered(service):
    at = service.engine.state.observation_history(["M-SSR"])["M-SSR"][-1]
    for _ in range(5):
        service.ok(Role.ADMIN, RECORD, rows=_rows(("M-SSR", at[0].isoformat(), at[1])))
    service.ok(Role.ADMIN, ADVANCE, s="STU-007")
    mine = service.sub(Role.ADMIN)
    everything = service.log(actor=mine)
    seqs = [e["seq"] for e in everything]
    assert len(seqs) == 6 and seqs == sorted(seqs, reverse=True)
    assert everything[0]["operation"] == "advanceStage"
    pages, before = [], None
    while True:
        page = service.log(actor=mine, first=4, before=before)
        if not page:
            break
        pages.append([e["seq"] for e in page])
        before = page[-1]["seq"]
    assert pages == [seqs[:4], seqs[4:]]
    assert [e["seq"] for e in service.log(actor=mine, operation="recordObservations")] == seqs[1:]
    assert service.log(actor=mine, first=0) == []
    [error] = service.call(Role.ADMIN, LOG, first=501)["errors"]
    assert "first must be between 0 and 500" in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.fixture
def worked_store(request, store_kind, tmp_path) -> Iterator[GraphStore]:
    """A store holding the worked example (embedded: with a journal); on Neo4j the database is reloaded
    for the next test."""
    if store_kind == "embedded":
        yield EmbeddedStore(load_dataset(WORKED), tmp_path / "state")
        return
    datasets = request.getfixturevalue("neo4j_datasets")
    yield datasets.engine(WORKED).store
    datasets.forget()


def commit(store: GraphStore, changes: ChangeSet) -> ChangeSet:
    """Record one change set as the write path does."""
    return store.commit(lambda _: changes)[-1]


def test_the_store_numbers_entries_and_a_reload_keeps_them(worked_store, store_kind, tmp_path):
    store = worked_store
    actor = f"store-{uuid.uuid4().hex[:8]}"
    principal = Principal(actor, "存储测试", frozenset({Role.ADMIN}))
    first = commit(store, ChangeSet(audit=AuditEntry.of(principal, "load", "一", {"a": [1, "二"]}))).audit
    entry = AuditEntry.of(principal, "ingest", "二", None, [{"b": None}])
    second = commit(store, ChangeSet(audit=entry)).audit
    assert second.seq == first.seq + 1 and first.seq > 0 and first.summary == "一"
    assert store.version == second.seq  # every accepted write is a data version
    if store_kind == "neo4j":
        store.load(load_dataset(WORKED), replace=True)  # the dataset was replaced, the audit log stayed
        assert store.version == second.seq + 1
    else:
        store = EmbeddedStore(load_dataset(WORKED), worked_store.journal.folder)  # type: ignore[union-attr]
    got = (worked_store if store_kind == "embedded" else store).state.audit_entries(10, actor=actor)
    assert [(e.seq, e.operation, e.before, e.after) for e in got] == [
        (second.seq, "ingest", None, [{"b": None}]), (first.seq, "load", {"a": [1, "二"]}, None)]
    assert got[1].roles == ["ADMIN"] and got[1].actor_name == "存储测试" and got[1].at.tzinfo is not None
    state = worked_store.state
    assert state.audit_entries(10, before_seq=second.seq, actor=actor) == [got[1]]
    assert state.audit_entries(10, operation="ingest", actor=actor) == [got[0]]
    if store_kind == "neo4j":
        assert store.counts() == (7, 9)  # audit nodes are not part of the 诊改 graph
        assert len(store.state.neighbourhood("S", Direction.BOTH, 3, 100, False, date.today()).nodes) == 7


def test_the_embedded_audit_log_survives_a_restart_and_a_torn_record(tmp_path):
    store = EmbeddedStore(load_dataset(WORKED), tmp_path)
    actor = Principal("admin-1", None, frozenset({Role.ADMIN}))
    writes = WriteService(Engine(store))
    writes.record_observations([ObservedValue("m3", date(2026, 1, 20), 16)], actor)
    writes.record_observations([ObservedValue("m3", date(2026, 1, 20), 17)], actor)
    assert store.journal is not None
    with open(store.journal.path, "ab") as f:
        f.write(b"ZJ\x40\x00\x00\x00\x00\x00\x00\x00{\"seq\": 3, \"at\": \"2026-")  # a crash mid-append
    again = EmbeddedStore(load_dataset(WORKED), tmp_path)
    assert again.state.audit_entries(10) == store.state.audit_entries(10)
    [newest, oldest] = again.state.audit_entries(10)
    assert (oldest.seq, newest.seq) == (1, 2) and newest.before == {"count": 1, "rows": [
        {"metric": "m3", "at": "2026-01-20", "value": 16.0}]}
    assert commit(again, ChangeSet(audit=AuditEntry.of(actor, "load", "三"))).seq == 3


def test_the_served_embedded_audit_log_survives_kill_9(tmp_path):
    folder = shutil.copytree(WORKED, tmp_path / "data")
    proc, url = _serve(folder, tmp_path / "state")
    try:
        rows = {"rows": _rows(("m3", "2026-01-20", 16))}
        body = httpx.post(f"{url}/graphql", json={"query": RECORD, "variables": rows}).json()
        assert body["data"]["recordObservations"]["changed"] == 1
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    proc, url = _serve(folder, tmp_path / "state")
    try:
        got = httpx.post(f"{url}/graphql", json={"query": LOG}).json()["data"]["auditLog"]
        assert [(e["actor"], e["operation"], e["summary"]) for e in got] == [
            ("developer", "recordObservations", "记录观测 1 条（变更 1 条）")]
    finally:
        proc.terminate()
        proc.wait()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zhengai.cli", *args], capture_output=True, text=True,
                          check=True, timeout=300)


def test_the_ingest_command_is_audited(request, store_kind, tmp_path):
    csv = tmp_path / "obs.csv"
    csv.write_text("metric,at,value\nm3,2026-01-20,16\nm1,2026-01-01,90\n", encoding="utf-8")
    if store_kind == "neo4j":
        datasets = request.getfixturevalue("neo4j_datasets")
        datasets.forget()
        store = datasets.engine(WORKED).store
        _cli("ingest", str(csv), "--neo4j", store.settings.uri)
        store.poll()
        datasets.forget()
    else:
        _cli("ingest", str(csv), "--data", str(WORKED), "--state", str(tmp_path / "state"))
        store = EmbeddedStore(load_dataset(WORKED), tmp_path / "state")
    entry = store.state.audit_entries(1, operation="ingest", actor=CLI_ACTOR)[0]
    assert entry.roles == ["ADMIN"] and entry.summary == f"导入观测 2 条（变更 1 条）：{csv}"
    assert entry.before == {"count": 1, "rows": [{"metric": "m3", "at": "2026-01-20", "value": None}]}
    assert entry.after is not None and entry.after["origin"] == str(csv)


def test_the_load_command_is_audited_and_a_replace_keeps_the_log(neo4j_datasets):
    store = neo4j_datasets.store
    neo4j_datasets.engine(demo_path())
    who = Principal(f"m-{uuid.uuid4().hex[:8]}")
    marker = commit(store, ChangeSet(audit=AuditEntry.of(who, "load", "标记"))).audit
    try:
        _cli("load", str(WORKED), "--replace", "--force", "--neo4j", store.settings.uri)
        store.poll()
    finally:
        neo4j_datasets.forget()
    entry = store.state.audit_entries(1, operation="load", actor=CLI_ACTOR)[0]
    assert entry.seq > marker.seq and entry.roles == ["ADMIN"] and "（替换）" in entry.summary
    assert entry.before == {"dataset": str(WORKED.resolve()), "nodes": 557, "relationships": 1743}
    assert entry.after is not None and (entry.after["nodes"], entry.after["replace"]) == (7, True)
    assert store.state.audit_entries(1, actor=marker.actor) == [marker]


def test_a_change_and_its_audit_entry_are_kept_together(worked_store):
    """An entry that cannot be stored fails the write before anything is (one journal record, one Neo4j
    transaction): observations and 8字螺旋 events alike."""
    store = worked_store
    when = date(2026, 12, 31)
    before, version = store.state.latest_values(when, ["m1"]), store.version
    events = store.state.events("spiral", "S")
    actor = f"atomic-{uuid.uuid4().hex[:8]}"
    who = Principal(actor, None, frozenset({Role.ADMIN}))
    row = [ObservedValue("m1", date(2026, 12, 1), 99.0)]
    event = Event("spiral", "S", {"kind": "stage", "from": "GOAL", "to": "STANDARD"})
    unkeepable = {"x": object()}
    for bad in (ChangeSet(audit=AuditEntry.of(who, "recordObservations", "坏", unkeepable), observations=row),
                ChangeSet(audit=AuditEntry.of(who, "advanceStage", "坏", unkeepable), events=[event])):
        with pytest.raises(TypeError):
            commit(store, bad)
        assert store.state.latest_values(when, ["m1"]) == before and store.version == version
        assert store.state.events("spiral", "S") == events and store.state.audit_entries(5, actor=actor) == []
    commit(store, ChangeSet(audit=AuditEntry.of(who, "recordObservations", "好"), observations=row,
                            events=[event]))
    assert store.state.latest_values(when, ["m1"]) == {"m1": 99.0}
    assert store.state.events("spiral", "S") == [*events, event.payload]
    assert [e.summary for e in store.state.audit_entries(5, actor=actor)] == ["好"]

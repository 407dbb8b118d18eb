"""数据填报 with 审核, end to end over GraphQL on both stores: a unit's 数据填报员 submits → the pending
value does not move attainment → the unit head approves → it does; a returned value carries its comment;
every step is in the audit log; Metric.history shows each value's provenance. Who may submit and review,
and what the new queries show to whom (privacy), on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from starlette.testclient import TestClient

from tests.conftest import dataset_copy, engine_for
from tests.test_scopes import AUTH, token
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import demo_path
from zhengai.security.tokens import Role
from zhengai.stores import EmbeddedStore

FORM = """query($u: ID!) { fillForm(unitId: $u, all: true) { unitName rows { metricId metricName due
  dueStatus lastValue pending { id } } } }"""
SUBMIT = """mutation($v: [ValueInput!]!) { submitValues(values: $v) { id status provenance enteredBy } }"""
REVIEW = """mutation($ids: [ID!]!, $d: ReviewDecision!, $c: String) { reviewValues(ids: $ids, decision: $d,
  comment: $c) { id status comment reviewedBy } }"""
METRIC = """query($m: ID!) { metric(id: $m) { value attainment target
  history { at value provenance enteredBy reviewedBy } } }"""
PENDING = """query($u: ID) { pendingValues(unitId: $u) { id metricId value status } }"""
SUBMISSIONS = """query($m: ID!) { submissions(metricId: $m) { id status comment enteredBy } }"""
AUDIT = """{ auditLog(first: 10) { operation summary actor } }"""


def bearer(who: str) -> dict[str, str]:
    if who == "entry":
        tok = AUTH.issue(Role.DATA_ENTRY, "entry-1", 3600, unit="C-MECH", name="李填报")
    elif who == "entry_elec":
        tok = AUTH.issue(Role.DATA_ENTRY, "entry-2", 3600, unit="C-ELEC")
    else:
        tok = token(who)
    return {"Authorization": f"Bearer {tok}"}


class Caller:
    def __init__(self, http: TestClient, who: str):
        self.http, self.headers = http, bearer(who)

    def raw(self, query: str, **variables) -> dict:
        response = self.http.post("/graphql", json={"query": query, "variables": variables},
                                  headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()

    def __call__(self, query: str, **variables) -> dict:
        body = self.raw(query, **variables)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def refused(self, query: str, **variables) -> str:
        body = self.raw(query, **variables)
        assert body["errors"], body
        return body["errors"][0]["extensions"]["code"]


@pytest.fixture
def http(request, store_kind, tmp_path) -> Iterator[TestClient]:
    if store_kind == "neo4j":
        datasets = request.getfixturevalue("neo4j_datasets")
        datasets.forget()
        yield TestClient(create_app(Engine(engine_for(request, "neo4j", demo_path()).store), auth=AUTH))
        datasets.forget()
    else:
        store = EmbeddedStore(dataset_copy(demo_path()), tmp_path / "s")
        yield TestClient(create_app(Engine(store), auth=AUTH))


def a_metric(entry: Caller) -> tuple[str, float]:
    """A metric of 机械工程学院 with a target above its current value (a new value moves attainment)."""
    rows = entry(FORM, u="C-MECH")["fillForm"]["rows"]
    assert rows
    for row in rows:
        if not row["metricId"].startswith(("M-STU-002-", "M-STU-007-")):  # no teacher's, no one else's
            continue
        m = entry(METRIC, m=row["metricId"])["metric"]
        if m["attainment"] is not None and m["attainment"] < 0.95 and m["value"] is not None:
            return row["metricId"], m["target"]
    raise AssertionError("no metric of C-MECH below its target")


def test_submit_pending_approve_counts_and_the_audit_log_has_it(http):
    entry, head, admin = Caller(http, "entry"), Caller(http, "unit_head"), Caller(http, "admin")
    metric, target = a_metric(entry)
    today = date.today().isoformat()  # made when the test runs (a run may cross midnight)
    before = entry(METRIC, m=metric)["metric"]
    [sub] = entry(SUBMIT, v=[{"metricId": metric, "at": today, "value": target}])["submitValues"]
    assert (sub["status"], sub["provenance"], sub["enteredBy"]) == ("PENDING", "ENTERED", "entry-1")
    assert entry(METRIC, m=metric)["metric"]["attainment"] == before["attainment"]  # pending: no effect
    assert [p["id"] for p in head(PENDING, u="C-MECH")["pendingValues"]] == [sub["id"]]
    assert entry.refused(REVIEW, ids=[sub["id"]], d="APPROVE") == "FORBIDDEN"  # a 填报员 does not review
    [done] = head(REVIEW, ids=[sub["id"]], d="APPROVE")["reviewValues"]
    assert (done["status"], done["reviewedBy"]) == ("APPROVED", "unit_head-1")
    after = entry(METRIC, m=metric)["metric"]
    assert after["value"] == target and after["attainment"] > before["attainment"]
    point = next(p for p in after["history"] if p["at"] == today)
    assert (point["provenance"], point["enteredBy"]) == ("ENTERED", "李填报")
    assert point["reviewedBy"] == "unit_head-1"
    assert head(PENDING, u="C-MECH")["pendingValues"] == []
    log = admin(AUDIT)["auditLog"]
    assert [e["operation"] for e in log[:2]] == ["reviewValues", "submitValues"]
    assert log[0]["actor"] == "unit_head-1" and log[1]["actor"] == "entry-1"


def test_a_returned_value_carries_the_comment_and_does_not_count(http):
    entry, head, admin = Caller(http, "entry"), Caller(http, "unit_head"), Caller(http, "admin")
    metric, target = a_metric(entry)
    today = date.today().isoformat()  # made when the test runs (a run may cross midnight)
    before = entry(METRIC, m=metric)["metric"]
    [sub] = entry(SUBMIT, v=[{"metricId": metric, "at": today, "value": target}])["submitValues"]
    assert head.refused(REVIEW, ids=[sub["id"]], d="RETURN") == "BAD_USER_INPUT"  # a return needs a reason
    head(REVIEW, ids=[sub["id"]], d="RETURN", c="数据口径不对，请按学年统计")
    assert entry(METRIC, m=metric)["metric"] == before
    [seen] = entry(SUBMISSIONS, m=metric)["submissions"][-1:]
    assert (seen["status"], seen["comment"]) == ("RETURNED", "数据口径不对，请按学年统计")
    assert "数据口径不对" in admin(AUDIT)["auditLog"][0]["summary"]
    assert head.refused(REVIEW, ids=[sub["id"]], d="APPROVE") == "BAD_USER_INPUT"  # no longer pending


@pytest.mark.parametrize("who", ["entry_elec", "student", "teacher", "leader"])
def test_others_cannot_submit_or_see_the_units_values(http, who):
    entry, other = Caller(http, "entry"), Caller(http, who)
    metric, target = a_metric(entry)
    today = date.today().isoformat()  # made when the test runs (a run may cross midnight)
    [sub] = entry(SUBMIT, v=[{"metricId": metric, "at": today, "value": target}])["submitValues"]
    assert other.refused(SUBMIT, v=[{"metricId": metric, "at": today, "value": 1}]) in (
        "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT")
    assert other.refused(REVIEW, ids=[sub["id"]], d="APPROVE") in ("FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT")
    if who == "leader":  # 校领导 read everything (but the audit log): they review nothing, submit nothing
        return
    pending = other.raw(PENDING, u=None)
    assert sub["id"] not in str(pending)
    subs = other.raw(SUBMISSIONS, m=metric)
    assert sub["id"] not in str(subs) and "entry-1" not in str(subs)
    form = other.raw(FORM, u="C-MECH")
    assert metric not in str(form.get("data"))


@pytest.mark.parametrize("path", ["/export/plan.xlsx", "/forms/C-MECH.xlsx"])
def test_the_downloads_hold_only_what_the_caller_sees(http, path):
    from io import BytesIO

    from openpyxl import load_workbook

    def cells(who: str) -> str:
        response = http.get(path, headers=bearer(who))
        if response.status_code != 200:
            return ""
        wb = load_workbook(BytesIO(response.content), read_only=True)
        return " ".join(str(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for v in r)

    assert http.get(path).status_code == 401
    admin, head, student = cells("admin"), cells("unit_head"), cells("student")
    assert "G-MAJ-ELEC" not in head and "STU-002" not in student
    if path == "/export/plan.xlsx":
        assert "G-MAJ-ELEC" in admin and "STU-002" in admin and "G-MAJ-MECH" in head

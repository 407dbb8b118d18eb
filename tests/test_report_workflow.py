"""The 诊改报告 workflow end to end over HTTP with real tokens, on both stores: draft → submitted →
returned (with a comment) → edited → submitted → accepted, versions kept, the 8字螺旋's 诊断 completed by the
acceptance, every step in the 审计日志; who may write, submit and review follows the scopes, and a report
outside the caller's scope is unknown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import engine_for
from tests.test_report_print import POPPLER, pdf_text
from tests.test_scopes import AS_OF, AUTH, token
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import demo_path

RECORD = """query($s: ID!, $p: String) { reportRecord(subjectId: $s, period: $p) {
  subjectId period status version canWrite canReview parts { selfDiagnosis causeAnalysis measures }
  versions { version author parts { measures } } decisions { action version by comment } } }"""
SAVE = """mutation($s: ID!, $p: String, $parts: ReportPartsInput!, $v: Int) {
  saveReport(subjectId: $s, period: $p, parts: $parts, expectedVersion: $v) { status version } }"""
SUBMIT = """mutation($s: ID!, $p: String) { submitReport(subjectId: $s, period: $p) { status version } }"""
REVIEW = """mutation($s: ID!, $p: String, $ok: Boolean!, $c: String) {
  reviewReport(subjectId: $s, period: $p, accept: $ok, comment: $c) { status version } }"""
TO_REVIEW = "{ reportsToReview { subjectId period status } }"
PARTS = {"selfDiagnosis": "本学期出勤率低于底线，学习投入不足。",
         "causeAnalysis": "作息不规律，兼职占用时间。",
         "measures": "制定作息计划，每周向辅导员汇报。"}
EDITED = "每周出勤不低于 95%，周五向辅导员汇报。"


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def served(request) -> Iterator[TestClient]:
    """The demo college served with authentication; a module of its own so its reports stay here."""
    if request.param == "embedded":
        from zhengai.graph_loader import load_dataset
        from zhengai.stores import EmbeddedStore

        yield TestClient(create_app(Engine(EmbeddedStore(load_dataset(demo_path()))), auth=AUTH))
        return
    yield TestClient(create_app(engine_for(request, "neo4j", demo_path()), auth=AUTH))
    request.getfixturevalue("neo4j_datasets").forget()  # reports and spiral moves made here


def call(client: TestClient, who: str, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables},
                           headers={"Authorization": f"Bearer {token(who)}"})
    assert response.status_code == 200, response.text
    return response.json()


def ok(client: TestClient, who: str, query: str, **variables: Any) -> dict[str, Any]:
    body = call(client, who, query, **variables)
    assert not body.get("errors"), body
    return body["data"]


def refused(client: TestClient, who: str, query: str, **variables: Any) -> dict[str, Any]:
    """The extensions of the refusal (code, reason, problems)."""
    body = call(client, who, query, **variables)
    assert body.get("errors"), body
    return body["errors"][0]["extensions"]


def test_a_students_report_goes_through_review(served):
    s, p = "STU-001", "2026"
    first = ok(served, "student", RECORD, s=s, p=p)["reportRecord"]
    assert [first[k] for k in ("status", "version", "canWrite", "canReview")] == ["DRAFT", 0, True, False]
    assert refused(served, "student", SUBMIT, s=s, p=p)["problems"][0]["code"] == "EMPTY"
    saved = ok(served, "student", SAVE, s=s, p=p, parts=PARTS)["saveReport"]
    assert saved == {"status": "DRAFT", "version": 1}
    assert refused(served, "student", SAVE, s=s, p=p, parts={"measures": "x"}, v=0)["code"] == "CONFLICT"
    assert ok(served, "student", SUBMIT, s=s, p=p)["submitReport"]["status"] == "SUBMITTED"
    assert refused(served, "student", SAVE, s=s, p=p, parts=PARTS)["problems"][0]["code"] == "REPORT_STATE"
    assert refused(served, "student", REVIEW, s=s, p=p, ok=True)["reason"] == "REPORT_REVIEWER"

    queue = ok(served, "unit_head", TO_REVIEW)["reportsToReview"]
    assert {"subjectId": s, "period": p, "status": "SUBMITTED"} in queue
    assert ok(served, "student", TO_REVIEW)["reportsToReview"] == []
    assert refused(served, "unit_head", REVIEW, s=s, p=p, ok=False)["problems"][0]["code"] == "EMPTY"
    back = ok(served, "unit_head", REVIEW, s=s, p=p, ok=False, c="改进措施要可检查：写明每周目标。")
    assert back["reviewReport"]["status"] == "RETURNED"
    assert refused(served, "student", SUBMIT, s=s, p=p)["problems"][0]["code"] == "REPORT_UNCHANGED"
    edited = ok(served, "student", SAVE, s=s, p=p, parts={"measures": EDITED})
    assert edited["saveReport"] == {"status": "DRAFT", "version": 2}
    ok(served, "student", SUBMIT, s=s, p=p)
    assert ok(served, "unit_head", REVIEW, s=s, p=p, ok=True)["reviewReport"]["status"] == "ACCEPTED"

    record = ok(served, "student", RECORD, s=s, p=p)["reportRecord"]
    assert record["status"] == "ACCEPTED" and not record["canReview"]
    assert record["parts"] == {**PARTS, "measures": EDITED}  # the other parts kept
    assert [v["parts"]["measures"] for v in record["versions"]] == [PARTS["measures"], EDITED]
    assert [(d["action"], d["version"], d["by"]) for d in record["decisions"]] == [
        ("SUBMIT", 1, "student-1"), ("RETURN", 1, "unit_head-1"), ("SUBMIT", 2, "student-1"),
        ("ACCEPT", 2, "unit_head-1")]
    assert record["decisions"][1]["comment"] == "改进措施要可检查：写明每周目标。"
    spiral = ok(served, "student", "query($s: ID!) { spiral(subjectId: $s) { stage } }", s=s)["spiral"]
    stage = spiral["stage"]
    assert stage == "MOTIVATE"  # 诊断 completed by the accepted report
    log = ok(served, "admin", "{ auditLog(first: 50) { operation actor summary } }")["auditLog"]
    mine = [e["operation"] for e in log if e["actor"] in ("student-1", "unit_head-1")
            and e["operation"].endswith("Report")]
    assert [mine.count(op) for op in ("saveReport", "submitReport", "reviewReport")] == [2, 2, 2]
    if POPPLER:  # the written parts are in the printed report
        pdf = served.get(f"/reports/{s}.pdf?asOf={AS_OF}&period={p}",
                         headers={"Authorization": f"Bearer {token('student')}"})
        text = pdf_text(pdf.content)
        assert "作息不规律，兼职占用时间。" in text and "已审核通过" in text


def test_who_may_write_and_review_follows_the_scopes(served):
    p = "2025"
    assert refused(served, "student", RECORD, s="STU-002", p=p)["code"] == "NOT_FOUND"
    assert refused(served, "student", SAVE, s="STU-002", p=p, parts=PARTS)["code"] == "NOT_FOUND"
    assert refused(served, "leader", SAVE, s="STU-002", p=p, parts=PARTS)["reason"] == "ROLE"  # reads only
    assert refused(served, "teacher", SAVE, s="SCH", p=p, parts=PARTS)["reason"] == "REPORT_WRITER"
    assert refused(served, "data", RECORD, s="SCH", p=p)["code"] == "FORBIDDEN"

    ok(served, "admin", SAVE, s="SCH", p=p, parts=PARTS)
    ok(served, "admin", SUBMIT, s="SCH", p=p)
    assert "SCH" not in {r["subjectId"] for r in ok(served, "unit_head", TO_REVIEW)["reportsToReview"]}
    assert refused(served, "unit_head", REVIEW, s="SCH", p=p, ok=True)["reason"] == "REPORT_REVIEWER"
    assert {"subjectId": "SCH", "period": p, "status": "SUBMITTED"} in ok(served, "admin", TO_REVIEW)[
        "reportsToReview"]

    ok(served, "unit_head", SAVE, s="STU-002", p=p, parts=PARTS)  # the unit head writes for their unit
    ok(served, "unit_head", SUBMIT, s="STU-002", p=p)
    assert refused(served, "unit_head", REVIEW, s="STU-002", p=p, ok=True)["reason"] == "SELF_REVIEW"
    assert ok(served, "admin", REVIEW, s="STU-002", p=p, ok=True)["reviewReport"]["status"] == "ACCEPTED"
    assert refused(served, "student", RECORD, s="STU-002", p=p)["code"] == "NOT_FOUND"  # still hidden


@pytest.mark.parametrize("period", ["26", "2026-13-01~2027-01-01", "2027-01-01~2026-01-01"])
def test_a_bad_period_is_refused_with_its_reason(served, period):
    body = call(served, "student", RECORD, s="STU-001", p=period)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and "period" in body["errors"][0][
        "message"]

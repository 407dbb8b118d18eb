"""The 诊改报告 page (/report) in Chromium against ``zhengai serve`` with authentication: a teacher writes
and submits their report and attaches a PDF (the 佐证材料 page, reached from the report), the head of their
二级学院 finds it in their queue and returns it with a comment, the teacher sees the comment, edits and
resubmits, the head accepts; both download it as Word and PDF (the written parts and the state are in
them); a student of another 二级学院 cannot open it, its files or its downloads. Harness and skips as in
tests/test_browser.py."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest

from tests.test_browser import Visit, chromium, serve_demo, visit  # noqa: F401 (fixtures)
from tests.test_browser_auth import AUTH, SECRET
from tests.test_report_print import POPPLER, pdf_text
from zhengai.security.tokens import Role

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEACHER = AUTH.issue(Role.TEACHER, "tch-01", 3600, name="王建国", subject="TCH-01")
HEAD = AUTH.issue(Role.UNIT_HEAD, "head-mech", 3600, name="机械学院院长", unit="C-MECH")
OTHER_STUDENT = AUTH.issue(Role.STUDENT, "stu-003", 3600, name="王诗雨", subject="STU-003")  # 化工学院
PARTS = {"self_diagnosis": "本年度数控课程建设按期推进，企业实践时长不足。",
         "cause_analysis": "校企合作项目排期冲突，实践安排集中在下半年。",
         "measures": "寒假完成 20 天企业实践。"}
EDITED = "寒假完成 20 天企业实践，3 月底前提交实践报告并在教研室分享。"
COMMENT = "改进措施请写明完成时限和可检查的成果。"
REPORT = "subject=TCH-01&period=2026"


@pytest.fixture(scope="module")
def report_server(tmp_path_factory) -> Iterator[str]:
    """The demo served with authentication and a state of its own (the reports written here stay here)."""
    yield from serve_demo(tmp_path_factory.mktemp("report-workflow-state"), ZHENGAI_JWT_SECRET=SECRET,
                          ZHENGAI_JWKS="", ZHENGAI_CORS_ORIGINS="")


def _as(page: Any, token: str) -> None:
    page.add_init_script(f"sessionStorage.setItem('zhengai.token', {json.dumps(token)})")


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid=record][data-state=ready], [data-testid=record][data-state=error]",
                           state="attached")


def _status_is(page: Any, status: str) -> None:
    page.wait_for_selector(f"[data-testid=record][data-status={status}]", state="attached")


def _download(page: Any, testid: str) -> tuple[str, bytes]:
    with page.expect_download() as wait:
        page.get_by_test_id(testid).click()
    return wait.value.suggested_filename, Path(wait.value.path()).read_bytes()


def _docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    return "".join("".join(p.text for p in d.paragraphs).split())


def test_write_submit_attach_return_resubmit_accept_and_download(visit, chromium, report_server,  # noqa: F811
                                                                 tmp_path):
    from playwright.sync_api import expect  # imported once the chromium fixture found Playwright

    teacher = visit.page
    _as(teacher, TEACHER)
    _open(teacher, f"{report_server}/report?{REPORT}")
    assert teacher.get_attribute("[data-testid=record]", "data-status") == "DRAFT"
    assert "王建国" in teacher.get_by_test_id("summary").inner_text()
    for name, text in PARTS.items():
        teacher.get_by_test_id(name).fill(text)
    teacher.get_by_test_id("save").click()
    expect(teacher.get_by_test_id("status")).to_have_text("已保存第 1 版")

    # 佐证材料 (while the report is a draft): from the report to its attachments
    teacher.get_by_test_id("evidence-link").click()
    teacher.wait_for_selector("[data-testid=files][data-state=ready]", state="attached")
    assert teacher.get_by_test_id("parent").input_value() == "TCH-01@2026"
    (tmp_path / "企业实践计划.pdf").write_bytes(PDF)
    teacher.get_by_test_id("file").set_input_files(str(tmp_path / "企业实践计划.pdf"))
    teacher.get_by_test_id("upload").click()
    row = teacher.get_by_test_id("file-row")
    row.first.wait_for()
    assert "企业实践计划.pdf" in row.first.inner_text() and "王建国" in row.first.inner_text()

    _open(teacher, f"{report_server}/report?{REPORT}")
    teacher.get_by_test_id("submit").click()
    _status_is(teacher, "SUBMITTED")
    assert teacher.get_by_test_id("writer").is_hidden()
    assert teacher.get_by_test_id("measures").get_attribute("readonly") is not None

    # a submitted report's files are frozen: the refusal says so in words
    teacher.get_by_test_id("evidence-link").click()
    teacher.wait_for_selector("[data-testid=files][data-state=ready]", state="attached")
    teacher.get_by_test_id("file").set_input_files(str(tmp_path / "企业实践计划.pdf"))
    teacher.get_by_test_id("upload").click()
    expect(teacher.get_by_test_id("status")).to_contain_text("不能增删佐证材料")
    assert "已提交" in teacher.get_by_test_id("status").inner_text()
    assert teacher.get_by_test_id("file-row").count() == 1
    visit.errors.clear()  # the refused upload's 409, logged by the browser

    # the head of 机械工程学院 returns it with a comment
    head_context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        head = head_context.new_page()
        head.set_default_timeout(15_000)
        _as(head, HEAD)
        head.goto(f"{report_server}/report")
        item = head.get_by_test_id("queue-item").filter(has_text="TCH-01")
        item.wait_for()
        item.get_by_role("button").click()
        _status_is(head, "SUBMITTED")
        assert head.get_by_test_id("reviewer").is_visible() and head.get_by_test_id("writer").is_hidden()
        assert head.get_by_test_id("measures").input_value() == PARTS["measures"]
        head.get_by_test_id("return").click()
        expect(head.get_by_test_id("status")).to_have_class(re.compile(r"\berror\b"))
        assert "请填写审核意见" in head.get_by_test_id("status").inner_text()
        head.get_by_test_id("comment").fill(COMMENT)
        head.get_by_test_id("return").click()
        _status_is(head, "RETURNED")
        expect(head.get_by_test_id("queue-item").filter(has_text="TCH-01")).to_have_count(0)

        # the teacher sees the comment, edits and resubmits
        _open(teacher, f"{report_server}/report?{REPORT}")
        _status_is(teacher, "RETURNED")
        assert COMMENT in teacher.get_by_test_id("return-comment").inner_text()
        assert "机械学院院长" in teacher.get_by_test_id("return-comment").inner_text()
        teacher.get_by_test_id("measures").fill(EDITED)
        teacher.get_by_test_id("submit").click()  # saves the edit, then submits it
        _status_is(teacher, "SUBMITTED")
        assert "第 2 版" in teacher.get_by_test_id("summary").inner_text()
        assert teacher.get_by_test_id("return-comment").is_hidden()

        # the head accepts
        _open(head, f"{report_server}/report?{REPORT}")
        _status_is(head, "SUBMITTED")
        assert head.get_by_test_id("measures").input_value() == EDITED
        head.get_by_test_id("accept").click()
        _status_is(head, "ACCEPTED")
        actions = [d.get_attribute("data-action") for d in head.get_by_test_id("decision").all()]
        assert actions == ["SUBMIT", "RETURN", "SUBMIT", "ACCEPT"]

        # both download Word and PDF
        for page in (head, teacher):
            _open(page, f"{report_server}/report?{REPORT}")
            _status_is(page, "ACCEPTED")
            name, word = _download(page, "download-docx")
            assert name == "TCH-01-2026.docx"
            text = _docx_text(word)
            assert "".join(EDITED.split()) in text and "已审核通过" in text, text[:400]
            name, pdf = _download(page, "download-pdf")
            assert name == "TCH-01-2026.pdf" and pdf.startswith(b"%PDF-")
            if POPPLER:
                assert "".join(PARTS["cause_analysis"].split()) in pdf_text(pdf)
    finally:
        head_context.close()
    assert not visit.foreign


def test_a_student_of_another_college_cannot_open_the_teachers_report(chromium, report_server):  # noqa: F811
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        _as(page, OTHER_STUDENT)
        _open(page, f"{report_server}/report?{REPORT}")
        assert page.get_attribute("[data-testid=record]", "data-state") == "error"
        assert page.get_by_test_id("record").is_hidden()
        assert "TCH-01" in page.get_by_test_id("status").inner_text()
        assert page.get_by_test_id("summary").inner_text() == ""
        for fmt in ("docx", "pdf"):
            got = page.request.get(f"{report_server}/reports/TCH-01.{fmt}?period=2026",
                                   headers={"Authorization": f"Bearer {OTHER_STUDENT}"})
            assert got.status == 404 and not got.body().startswith((b"%PDF", b"PK"))
        page.goto(f"{report_server}/evidence?parent=REPORT:TCH-01@2026")
        page.wait_for_selector("[data-testid=files][data-state=error]", state="attached")
        assert page.get_by_test_id("file-row").count() == 0
        # their own report opens
        _open(page, f"{report_server}/report?subject=STU-003&period=2026")
        assert page.get_attribute("[data-testid=record]", "data-state") == "ready"
        assert "王诗雨" in page.get_by_test_id("summary").inner_text()
    finally:
        context.close()

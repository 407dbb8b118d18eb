"""The 佐证材料 page in Chromium against a served demo with authentication: a student uploads a PDF to
their own 诊改报告, sees it listed with their name, downloads it (the same bytes, saved as an attachment),
sees a refusal for HTML named .pdf, and removes the file; another student's report stays unknown."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.test_browser import Visit, chromium, visit  # noqa: F401 (fixtures)
from tests.test_browser_auth import AUTH, auth_server  # noqa: F401 (fixture)
from zhengai.security.tokens import Role

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
STUDENT = AUTH.issue(Role.STUDENT, "stu-001", 3600, name="张子涵", subject="STU-001")


def _open(v: Visit, server: str, parent: str) -> None:
    v.page.add_init_script(f"sessionStorage.setItem('zhengai.token', {json.dumps(STUDENT)})")
    v.page.goto(f"{server}/evidence?parent={parent}")
    v.page.wait_for_selector("[data-testid=files][data-state=ready], [data-testid=files][data-state=error]",
                             state="attached")


def test_a_student_attaches_downloads_and_removes_evidence(visit, auth_server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect  # imported once the chromium fixture found Playwright

    page = visit.page
    _open(visit, auth_server, "REPORT:STU-001@2026")
    assert page.get_by_test_id("files").get_attribute("data-state") == "ready"
    (tmp_path / "企业实践证明.pdf").write_bytes(PDF)
    page.get_by_test_id("file").set_input_files(str(tmp_path / "企业实践证明.pdf"))
    page.get_by_test_id("upload").click()
    row = page.get_by_test_id("file-row")
    row.first.wait_for()
    assert "企业实践证明.pdf" in row.first.inner_text() and "张子涵" in row.first.inner_text()
    assert "已上传" in page.get_by_test_id("status").inner_text()
    with page.expect_download() as wait:
        row.first.get_by_test_id("download").click()
    saved = Path(wait.value.path())
    assert saved.read_bytes() == PDF and wait.value.suggested_filename == "企业实践证明.pdf"

    (tmp_path / "假.pdf").write_bytes(b"<!DOCTYPE html><script>alert(1)</script>")
    page.get_by_test_id("file").set_input_files(str(tmp_path / "假.pdf"))
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("status")).to_have_class(re.compile(r"\berror\b"))
    assert "文件内容不是允许的类型" in page.get_by_test_id("status").inner_text()
    assert row.count() == 1

    row.first.get_by_test_id("remove").click()
    expect(row).to_have_count(0)
    # (the page empties the list before it says so: wait for the words, not for the row)
    expect(page.get_by_test_id("status")).to_contain_text("已删除")
    assert not visit.foreign


def test_another_students_report_is_unknown_on_the_page(visit, auth_server):  # noqa: F811
    _open(visit, auth_server, "REPORT:STU-002@2026")
    assert visit.page.get_by_test_id("files").get_attribute("data-state") == "error"
    assert "STU-002" in visit.page.get_by_test_id("status").inner_text()

"""``zhengai render-reports``: every 学生 诊改报告 of the demo written as PDF on both stores (read back with
poppler), progress lines, a resumed run skipping complete files and redoing partial ones, and a bad
subject reported without stopping the batch."""

from __future__ import annotations

import io
import os

import docx
import pytest

from tests.conftest import DEMO_AS_OF
from tests.test_report_print import ink, needs_poppler, pdf_pages, pdf_text
from zhengai.cli import main
from zhengai.domain.enums import Level
from zhengai.graph_loader import demo_path
from zhengai.reports.batch import Progress, complete, file_name, subjects_at


def _store_args(request: pytest.FixtureRequest, kind: str, tmp_path) -> list[str]:
    if kind == "neo4j":
        store = request.getfixturevalue("neo4j_datasets").engine(demo_path()).store
        return ["--neo4j", store.settings.uri]
    return ["--data", str(demo_path()), "--state", str(tmp_path / "state")]


def _run(capsys, store: list[str], *args: str) -> tuple[int, str, str]:
    code = main(["render-reports", "--as-of", DEMO_AS_OF.isoformat(), "--progress-seconds", "0", *store,
                 *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@needs_poppler
def test_every_student_report_is_written_as_a_readable_pdf(request, store_kind, demo_engine, tmp_path,
                                                           capsys):
    students = subjects_at(demo_engine, Level.STUDENT, DEMO_AS_OF)
    assert len(students) >= 10
    out = tmp_path / "reports"
    code, stdout, stderr = _run(capsys, _store_args(request, store_kind, tmp_path), "--level", "STUDENT",
                                "--format", "pdf", "--out", str(out), "--jobs", "2")
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{s}.pdf" for s in students)
    assert f"{len(students)} written, 0 already complete, 0 failed" in stdout
    for s in students:
        data = (out / f"{s}.pdf").read_bytes()
        assert data.startswith(b"%PDF-") and complete(out / f"{s}.pdf", "pdf"), s
    subject = demo_engine.subject(students[0], DEMO_AS_OF)
    data = (out / f"{students[0]}.pdf").read_bytes()
    assert subject.name in pdf_text(data) and "诊改报告" in pdf_text(data)
    pages = pdf_pages(data, tmp_path)
    assert pages and ink(pages[0]) > 0.005
    lines = [line for line in stderr.splitlines() if line.startswith("zhengai: reports ")]
    assert len(lines) >= 2, stderr  # a line per report (--progress-seconds 0), the last at 100 %
    assert lines[-1].startswith(f"zhengai: reports {len(students)}/{len(students)} (100.0%)"), lines[-1]
    assert all("/s · ETA " in line for line in lines), lines


def test_a_second_run_skips_complete_reports_and_redoes_partial_ones(request, store_kind, tmp_path, capsys):
    store = _store_args(request, store_kind, tmp_path)
    out = tmp_path / "reports"
    chosen = ["STU-001", "STU-002", "STU-003"]
    picks = [arg for s in chosen for arg in ("--subject", s)]
    assert _run(capsys, store, "--out", str(out), *picks)[0] == 0
    kept = out / "STU-003.pdf"
    before = kept.stat().st_mtime_ns
    (out / "STU-001.pdf").unlink()  # never written
    partial = out / "STU-002.pdf"
    partial.write_bytes(partial.read_bytes()[:2000])  # cut short, as by a copy that did not finish
    (out / ".STU-001.pdf.part-99999").write_bytes(b"%PDF-")  # a stopped run's leftover
    code, stdout, stderr = _run(capsys, store, "--out", str(out), *picks)
    assert code == 0, stderr
    assert "2 written, 1 already complete, 0 failed" in stdout
    assert kept.stat().st_mtime_ns == before
    assert all(complete(out / f"{s}.pdf", "pdf") for s in chosen)
    assert sorted(os.listdir(out)) == [f"{s}.pdf" for s in chosen]


def test_a_bad_subject_is_reported_and_the_batch_goes_on(request, store_kind, tmp_path, capsys):
    out = tmp_path / "reports"
    code, stdout, stderr = _run(capsys, _store_args(request, store_kind, tmp_path), "--out", str(out),
                                "--subject", "STU-001", "--subject", "NO-SUCH", "--subject", "STU-002",
                                "--format", "docx")
    assert code == 1
    assert "zhengai: NO-SUCH: NotFoundError: unknown subject id 'NO-SUCH'" in stderr
    assert "2 written, 0 already complete, 1 failed" in stdout
    assert sorted(os.listdir(out)) == ["STU-001.docx", "STU-002.docx"]
    d = docx.Document(io.BytesIO((out / "STU-002.docx").read_bytes()))
    assert d.paragraphs[0].text.endswith("诊改报告")


def test_progress_line_shows_count_rate_and_time_left():
    line = Progress(done=60, total=110, written=50, skipped=10, failed=0, elapsed=10.0).line()
    assert line.startswith("reports 60/110 (54.5%) · 5.0/s · ETA 10s · 50 written, 10 skipped, 0 failed")
    assert "ETA ?" in Progress(3, 10, 0, 3, 0, 1.0).line()  # nothing written yet: no rate to go by
    assert "ETA 10h00m" in Progress(0, 36000, 1, 0, 0, 1.0).line()


def test_file_names_keep_ids_and_stay_in_the_folder():
    assert file_name("STU-007", "pdf") == "STU-007.pdf"
    assert file_name("../etc/passwd", "md") == "_etc_passwd.md"
    assert file_name("课程/一", "pdf") == "课程_一.pdf"

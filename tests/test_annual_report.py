"""质量年报: the dataset's mapping (checked with file:line), the report's tables and narrative from the graph,
Word and PDF read back (pages rendered by poppler's ``pdftoppm``, text extracted), the saved examples
under docs/examples/, the CLI and the /reports/annual/{year}.{format} download (ADMIN and LEADER only, no
personal data) on both stores. To refresh the examples after a deliberate change:
``.venv/bin/python -m tests.test_annual_report``.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import docx
import pytest
from starlette.testclient import TestClient

from tests.conftest import DEMO_AS_OF, engine_for
from tests.test_report_print import docx_text, ink, needs_poppler, pdf_pages, pdf_text
from tests.test_scopes import AUTH, token
from zhengai.app import create_app
from zhengai.cli import main
from zhengai.engine import Engine
from zhengai.engine.reports.annual import annual_report, mapping_for
from zhengai.engine.reports.annual_mapping import (
    FILE_NAME,
    AnnualMapping,
    AnnualMappingError,
    layout,
    load_mapping,
    parse_mapping,
)
from zhengai.engine.writes import WriteService
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.reports import annual, markdown, pdf, word
from zhengai.stores import EmbeddedStore

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
SAVED = "annual-report-2026"
MAPPING = demo_path() / FILE_NAME
GONE = "rows:\n  - {table: 计分卡, row: 就业率, metric: M-GONE}\n"  # a metric the graph does not have
ROW_NAMES = [r.name for t in layout().tables for r in t.rows]


def _people() -> list[str]:
    """The names of the demo's teachers and students (personal data the report must not hold)."""
    ds = load_dataset(demo_path())
    return [s.name for s in ds.section("subjects").values() if s.level in ("TEACHER", "STUDENT")]


PEOPLE = _people()


def _report(engine: Engine):
    return annual_report(engine, 2026, mapping_for(engine, MAPPING), DEMO_AS_OF)


def render_examples(engine: Engine) -> dict[str, bytes]:
    doc = annual.document(_report(engine))
    return {f"{SAVED}.docx": word.render(doc), f"{SAVED}.pdf": pdf.render(doc)}


# -- the mapping ----------------------------------------------------------------------------------
def test_the_mapping_file_is_checked_with_lines(tmp_path):
    bad = tmp_path / FILE_NAME
    bad.write_text(
        "school: SCH\n"
        "sections:\n"
        "  人才培养: [S-EMP, S-NOPE]\n"
        "  国际合作: [S-GOV]\n"
        "rows:\n"
        "  - {table: 计分卡, row: 就业率, metric: M-EMP-RATE}\n"
        "  - {table: 计分卡, row: 就业率, metric: M-EMP-MATCH}\n"
        "  - {table: 计分卡, row: 年薪, metric: M-EMP-RATE}\n"
        "  - {table: 年度表, row: 就业率, metric: M-EMP-RATE}\n"
        "  - {table: 资源表, row: 生师比, metric: M-GONE}\n"
        "  - {table: 资源表, row: 双师素质专任教师比例, metric: M-DUAL-RATIO, scale: 0, colour: red}\n",
        encoding="utf-8")
    with pytest.raises(AnnualMappingError) as caught:
        load_mapping(bad, {"M-EMP-RATE", "M-EMP-MATCH", "M-DUAL-RATIO"}, {"S-EMP", "S-GOV"}, {"SCH"})
    messages = caught.value.messages
    located = [m.split(": ", 1)[0] for m in messages]
    assert located == [f"{bad}:{n}" for n in (3, 4, 7, 8, 9, 10, 11, 11)], messages
    said = "\n".join(messages)
    for needle in ("S-NOPE", "国际合作", "已在第 6 行映射", "年薪", "年度表", "M-GONE", "colour", "scale"):
        assert needle in said, needle


def test_a_mapping_that_is_not_yaml_or_names_an_unknown_school_is_refused(tmp_path):
    with pytest.raises(AnnualMappingError, match=r"m\.yaml:3: 不是可读的 YAML"):  # the brace never closes
        parse_mapping("rows:\n  - {table: 计分卡\n", "m.yaml")
    with pytest.raises(AnnualMappingError, match=r"m\.yaml:1: 未知的质量主体编号 NOPE"):
        parse_mapping("school: NOPE\nrows: []\n", "m.yaml", subject_ids={"SCH"})
    with pytest.raises(AnnualMappingError, match=r"m\.yaml:1: 须为含 rows 列表的映射"):
        parse_mapping("- 1\n", "m.yaml")


def test_validate_checks_the_annual_mapping(tmp_path):
    folder = tmp_path / "ds"
    folder.mkdir()
    for name in ("dataset.yaml", "observations.csv"):
        (folder / name).write_bytes((demo_path() / name).read_bytes())
    (folder / FILE_NAME).write_text(GONE, encoding="utf-8")
    cmd = [sys.executable, "-m", "zhengai.cli", "validate", str(folder)]
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert run.returncode == 1 and f"{folder / FILE_NAME}:2:" in run.stdout and "M-GONE" in run.stdout
    shutil.copy(MAPPING, folder / FILE_NAME)
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


# -- the report's data ----------------------------------------------------------------------------
def _row(report, table: str, row: str):
    return next(r for t in report.tables if t.name == table for r in t.rows if r.name == row)


def test_the_tables_hold_the_graph_values_at_each_years_end(demo_engine):
    report = _report(demo_engine)
    employed = _row(report, "计分卡", "就业率")
    assert employed.metric.id == "M-EMP-RATE" and (employed.previous, employed.current) == (96.0, 96.8)
    ratio = _row(report, "资源表", "生师比")
    assert (ratio.previous, ratio.current) == (18.6, 18.4)  # 2025-12-01 and 2026-11-01 (observations.csv)
    assert _row(report, "计分卡", "雇主满意度").previous is None  # an annual survey first held in 2026
    assert _row(report, "计分卡", "月收入").metric is None
    assert [t.name for t in report.tables] == ["计分卡", "资源表", "服务贡献表", "落实政策表", "国际影响表"]
    assert len(report.unmapped()) == len(ROW_NAMES) - 8
    assert ("国际影响表", "国（境）外技能大赛获奖数量") in report.unmapped()


def test_a_scale_converts_the_metrics_unit_to_the_rows(demo_engine):
    mapping = parse_mapping("rows:\n  - {table: 资源表, row: 教学科研仪器设备值, metric: M-EQUIP-VALUE, "
                            "scale: 0.5}\n", "m.yaml")
    report = annual_report(demo_engine, 2026, mapping, DEMO_AS_OF)
    assert _row(report, "资源表", "教学科研仪器设备值").current == 6850 * 0.5
    assert report.school.id == "SCH"  # found by its level when the mapping names none


def test_the_narrative_tells_of_goals_warnings_and_sections(demo_engine):
    report = _report(demo_engine)
    assert {ln.goal.id for ln in report.goals} == {"S-EMP", "S-FACULTY", "S-GOV", "S-MAJOR", "S-RESEARCH",
                                                   "S-SMART", "S-STUDENT", "S-TEACH"}
    assert [ln.goal.id for ln in report.sections["服务贡献"]] == ["S-RESEARCH", "A26-RESEARCH"]
    assert "M-SERVICE-INCOME" in {m.metric.id for m in report.section_metrics["服务贡献"]}
    seen = {w.warning.id: w for w in report.warnings}
    assert seen["FLOOR:M-SSR"].open and seen["FLOOR:M-SSR"].first_seen == date(2026, 1, 31)
    assert any(not w.open for w in report.warnings)  # raised during the year, resolved since
    counts = report.warning_counts()
    assert sum(counts["STUDENT"].values()) > 0 and set(counts) == {"SCHOOL", "MAJOR", "COURSE", "TEACHER",
                                                                   "STUDENT"}
    assert all(str(w.warning.level) == "SCHOOL" for w in report.school_warnings)
    text = markdown.render(annual.document(report))
    for needle in ("一、学校概况", "二、人才培养", "三、服务贡献", "四、政策保障", "五、面临挑战", "六、附表",
                   "（一）计分卡", "未映射", "生师比", "改进措施", "生师比超出底线18"):
        assert needle in text, needle
    assert not [name for name in PEOPLE if name in text]


def test_recorded_improvements_of_public_subjects_are_listed():
    engine = Engine(EmbeddedStore(load_dataset(demo_path())))
    writes = WriteService(engine)
    writes.record_improvement("SCH", "数据中心二期限期完成对接", "XXZX", date(2026, 12, 31), ["FLOOR:M-SSR"])
    writes.record_improvement("STU-001", "个人学业帮扶计划", None, date(2026, 12, 31), [])
    report = annual_report(engine, 2026, load_mapping(MAPPING), DEMO_AS_OF)
    listed = [(i.subject, i.measure.measure, i.owner.name) for i in report.improvements]
    assert ("扬州工业职业技术学院", "数据中心二期限期完成对接", "信息中心") in listed
    # and the demo history's, e.g. 教务处's
    assert ("教务处", "课程思政示范课程分批立项，每个二级学院每学期新增不少于2门", "教务处") in listed
    assert not [s for s, _, _ in listed if s in PEOPLE]  # no person's (学生, 教师) measures
    text = markdown.render(annual.document(report))
    assert "数据中心二期限期完成对接" in text and "个人学业帮扶计划" not in text
    assert "本年度尚未登记改进措施" not in text
    writes.close()


def test_a_year_or_date_out_of_range_is_refused(demo_engine):
    from zhengai.domain.errors import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match="not in 2026"):
        annual_report(demo_engine, 2026, AnnualMapping(), date(2025, 12, 1))
    with pytest.raises(InvalidArgumentError, match="four-digit"):
        annual_report(demo_engine, 26, AnnualMapping())


# -- the saved examples ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def examples() -> dict[str, bytes]:
    return {f"{SAVED}.{fmt}": (EXAMPLES / f"{SAVED}.{fmt}").read_bytes() for fmt in ("docx", "pdf")}


@needs_poppler
def test_the_saved_pdf_renders_with_its_chinese_text_and_table_rows(examples, tmp_path):
    data = examples[f"{SAVED}.pdf"]
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for needle in ("高等职业教育质量年度报告（2026）", "学校概况", "人才培养", "服务贡献", "政策保障",
                   "面临挑战", "计分卡", "资源表", "服务贡献表", "落实政策表", "国际影响表", "未映射",
                   "第1页"):
        assert needle in text, needle
    missing = [name for name in ROW_NAMES if "".join(name.split()) not in text]
    assert not missing, missing
    pages = pdf_pages(data, tmp_path)
    assert len(pages) > 3 and all(ink(p) > 0.005 for p in pages), [round(ink(p), 4) for p in pages]
    listed = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=False)
    if listed.returncode == 0:  # pdffonts reads stdin on newer poppler only
        assert b" yes yes " in listed.stdout


def test_the_saved_word_file_reads_back_with_its_tables(examples):
    d = docx.Document(io.BytesIO(examples[f"{SAVED}.docx"]))
    assert d.paragraphs[0].text.endswith("高等职业教育质量年度报告（2026）")
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:1] == ["一、学校概况"] and "五、面临挑战" in headings and "（一）计分卡" in headings
    cells = {c.text for t in d.tables for row in t.rows for c in row.cells}
    assert set(ROW_NAMES) <= cells and "未映射" in cells and "96.8" in cells
    assert len(d.inline_shapes) == 1  # the school goals' trend chart


@needs_poppler
def test_the_saved_examples_are_current(demo_engine, examples):
    """The saved files say what the engine says now (compared by their text: the files carry dates)."""
    for file, data in render_examples(demo_engine).items():
        read = pdf_text if file.endswith(".pdf") else docx_text
        assert read(data) == read(examples[file]), \
            f"docs/examples/{file} is stale: run `.venv/bin/python -m tests.test_annual_report`"


# -- the CLI --------------------------------------------------------------------------------------
def test_the_cli_writes_word_and_pdf(tmp_path, capsys):
    out = tmp_path / "年报.pdf"
    assert main(["annual-report", "2026", "--as-of", DEMO_AS_OF.isoformat(), "--format", "pdf", "-o",
                 str(out), "--state", str(tmp_path / "state")]) == 0
    assert out.read_bytes().startswith(b"%PDF-") and "未映射 40 行" in capsys.readouterr().out
    word_file = tmp_path / "年报.docx"
    assert main(["annual-report", "2026", "--as-of", DEMO_AS_OF.isoformat(), "-o", str(word_file),
                 "--state", str(tmp_path / "state")]) == 0
    assert "高等职业教育质量年度报告" in docx_text(word_file.read_bytes())
    bad = tmp_path / "bad.yaml"
    bad.write_text(GONE, encoding="utf-8")
    assert main(["annual-report", "2026", "-o", str(tmp_path / "x.pdf"), "--format", "pdf", "--mapping",
                 str(bad), "--state", str(tmp_path / "state")]) == 1
    assert f"{bad}:2: 未知的指标编号 M-GONE" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_the_cli_reads_neo4j(request, tmp_path, capsys):
    engine = engine_for(request, "neo4j", demo_path())
    out = tmp_path / "a.docx"
    assert main(["annual-report", "2026", "--as-of", DEMO_AS_OF.isoformat(), "-o", str(out), "--neo4j",
                 engine.store.settings.uri]) == 0
    assert "96.8" in docx_text(out.read_bytes())


# -- the download: ADMIN and LEADER only, on both stores -----------------------------------------
@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def served(request) -> Iterator[TestClient]:
    """The demo college served with authentication, on both stores."""
    yield TestClient(create_app(engine_for(request, request.param, demo_path()), auth=AUTH))


@needs_poppler
def test_the_download_is_for_admin_and_leader_only(served):
    def get(who: str, path: str):
        return served.get(f"{path}?asOf={DEMO_AS_OF}", headers={"Authorization": f"Bearer {token(who)}"})

    for who in ("admin", "leader"):
        got = get(who, "/reports/annual/2026.pdf")
        assert got.status_code == 200 and got.headers["content-type"] == "application/pdf", got.text
        assert "attachment" in got.headers["content-disposition"]
        text = pdf_text(got.content)
        assert "计分卡" in text and "未映射" in text
        assert not [name for name in PEOPLE if name in text]  # no personal data
    word_file = get("leader", "/reports/annual/2026.docx")
    assert word_file.status_code == 200 and "就业率" in docx_text(word_file.content)
    assert not [name for name in PEOPLE if name in docx_text(word_file.content)]
    for who in ("unit_head", "teacher", "student", "data"):
        for fmt in ("pdf", "docx"):
            refused = get(who, f"/reports/annual/2026.{fmt}")
            assert refused.status_code == 403, (who, fmt, refused.status_code)
            assert b"%PDF" not in refused.content
    assert served.get("/reports/annual/2026.pdf").status_code == 401
    assert get("admin", "/reports/annual/2026.xls").status_code == 404
    assert get("admin", "/reports/annual/26.pdf").status_code == 404
    assert served.get("/reports/annual/2026.pdf?asOf=2025-01-01",
                      headers={"Authorization": f"Bearer {token('admin')}"}).status_code == 400


def test_a_broken_mapping_is_reported_not_rendered(tmp_path):
    bad = tmp_path / FILE_NAME
    bad.write_text(GONE, encoding="utf-8")
    engine = Engine(EmbeddedStore(load_dataset(demo_path())))
    client = TestClient(create_app(engine, annual_mapping=bad))
    got = client.get("/reports/annual/2026.pdf")
    assert got.status_code == 500 and f"{bad}:2" in got.text and "M-GONE" in got.text


if __name__ == "__main__":
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    for name, body in render_examples(Engine(EmbeddedStore(load_dataset(demo_path())))).items():
        (EXAMPLES / name).write_bytes(body)
        print(f"wrote docs/examples/{name}")

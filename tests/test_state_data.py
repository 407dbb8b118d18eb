"""The 状态数据采集平台 bridge on both stores: the demo's mapping reads the sample export workbook into
values submitted for 审核 (pending until approved; a trusted source counts at once), with provenance
INGESTED for a field and COMPUTED for a ratio; malformed mapped cells are located and stop the import;
unmapped fields and missing tables/rows are listed; the export fills the platform's tables from the graph
as the caller sees it (privacy); the mapping file is checked with file:line errors."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from zhengai.domain.audit import cli_principal
from zhengai.engine import Engine
from zhengai.engine.filling import STREAM, Provenance, ReviewStatus, metric_submissions
from zhengai.engine.writes import WriteService
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.graph_loader.generators.state_tables import sample_records, write_sample
from zhengai.security.tokens import Principal, Role
from zhengai.stores import EmbeddedStore
from zhengai.workbooks.state_data import export_state_data, import_state_data, message, read_state_data
from zhengai.workbooks.state_mapping import FILE_NAME, MappingError, load_mapping, parse_mapping
from zhengai.workbooks.state_tables import write_tables

AT = date(2026, 11, 30)
SAMPLE = demo_path() / "state_data_sample.xlsx"
MAPPING = demo_path() / FILE_NAME
ENTRY_MECH = Principal("entry-1", "李填报", frozenset({Role.DATA_ENTRY}), unit="C-MECH")
HEAD_MECH = Principal("head-1", "王主任", frozenset({Role.UNIT_HEAD}), unit="C-MECH")


@pytest.fixture
def engine(request, store_kind, tmp_path) -> Iterator[Engine]:
    """The demo on a store of its own (the test writes)."""
    if store_kind == "neo4j":
        datasets = request.getfixturevalue("neo4j_datasets")
        datasets.forget()
        yield Engine(datasets.engine(demo_path()).store)
        datasets.forget()
    else:
        yield Engine(EmbeddedStore(load_dataset(demo_path()), tmp_path / "state"))


@pytest.fixture(scope="module")
def mapping():
    return load_mapping(MAPPING, set(load_dataset(demo_path()).section("metrics")))


def sample(change=None) -> bytes:
    """The sample workbook, with ``change(workbook)`` applied."""
    wb = load_workbook(io.BytesIO(SAMPLE.read_bytes()))
    if change:
        change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def latest(engine: Engine, metric: str) -> float | None:
    found = engine.state.latest_observations(AT, [metric]).get(metric)
    return found[1] if found and found[0] == AT else None


def test_the_shipped_sample_is_the_generated_one(tmp_path):
    write_sample(tmp_path / "s.xlsx")
    made = load_workbook(tmp_path / "s.xlsx")
    shipped = load_workbook(SAMPLE)
    assert made.sheetnames == shipped.sheetnames == ["表1.1 学校概况", "表6.1 专业设置", "表7.1 毕业生就业"]
    for title in made.sheetnames:
        assert list(made[title].values) == list(shipped[title].values)


def test_import_submits_pending_values_with_provenance_and_approval_counts(engine, mapping):
    writes = WriteService(engine)
    before = latest(engine, "M-MAJ-MECH-EMP")
    events = len(engine.state.events(STREAM, "M-MAJ-MECH-EMP"))
    dry = import_state_data(writes, engine, SAMPLE.read_bytes(), mapping, cli_principal(), AT)
    assert not dry.problems and len(dry.values) == 29 and not dry.submitted
    assert len(engine.state.events(STREAM, "M-MAJ-MECH-EMP")) == events  # a dry run submits nothing
    done = import_state_data(writes, engine, SAMPLE.read_bytes(), mapping, cli_principal(), AT, dry_run=False)
    assert not done.problems, [message(p) for p in done.problems]
    by_metric = {s.metric: s for s in done.submitted}
    assert len(by_metric) == 29 and all(s.status is ReviewStatus.PENDING for s in by_metric.values())
    emp, match = by_metric["M-MAJ-MECH-EMP"], by_metric["M-MAJ-MECH-MATCH"]
    assert emp.provenance is Provenance.COMPUTED and emp.value == pytest.approx(286 * 100 / 312, abs=1e-4)
    assert match.provenance is Provenance.INGESTED and match.value == 84.3
    assert emp.source == "状态数据采集平台" and emp.note == "表7.1 毕业生就业!D3"
    assert latest(engine, "M-MAJ-MECH-EMP") == before is None  # pending: it does not count
    writes.review_values([emp.id], True, None, HEAD_MECH, engine.for_principal(HEAD_MECH))
    assert latest(engine, "M-MAJ-MECH-EMP") == pytest.approx(91.6667)
    assert latest(engine, "M-MAJ-MECH-MATCH") is None  # still pending
    writes.close()


def test_a_trusted_source_counts_at_once(engine, mapping, monkeypatch):
    monkeypatch.setenv("ZHENGAI_TRUSTED_SOURCES", "数据中心,状态数据采集平台")
    writes = WriteService(engine)
    done = import_state_data(writes, engine, SAMPLE.read_bytes(), mapping, cli_principal(), AT, dry_run=False)
    assert not done.problems and all(s.status is ReviewStatus.APPROVED and s.trusted for s in done.submitted)
    assert latest(engine, "M-SSR") == round(4245 / 236, 2) and latest(engine, "M-CLASS-SIZE") == 42
    writes.close()


def test_unmapped_fields_and_missing_rows_are_listed(engine, mapping):
    def drop_a_major(wb):
        wb["表6.1 专业设置"].delete_rows(4)  # 460113 模具设计与制造
        wb.create_sheet("说明")

    found = read_state_data(sample(drop_a_major), mapping, engine, AT)
    notices = [message(n) for n in found.notices]
    assert not found.problems
    assert "表6.1 专业设置!D3:D9: 字段“在校生数”的 7 个值没有映射到任何指标 (UNMAPPED)" in notices
    assert "表1.1 学校概况!A3: 字段“学校名称”的 1 个值没有映射到任何指标 (UNMAPPED)" in notices
    assert any("MISSING_ROW" in n and "460113" in n and "M-MAJ-MOLD-CERT" in n for n in notices)
    assert any(n.startswith("说明: ") and "UNKNOWN_TABLE" in n for n in notices)
    assert "M-MAJ-MOLD-CERT" not in {v.value.metric for v in found.values}


def test_missing_tables_and_fields_are_listed(engine, mapping):
    def strip(wb):
        del wb["表1.1 学校概况"]
        wb["表7.1 毕业生就业"]["D2"] = "就业人数（人）"

    found = read_state_data(sample(strip), mapping, engine, AT)
    notices = [message(n) for n in found.notices]
    assert any("MISSING_TABLE" in n and "表1.1 学校概况" in n for n in notices)
    assert any(n.startswith("表7.1 毕业生就业: ") and "就业人数" in n and "M-EMP-RATE" in n for n in notices)
    assert {v.value.metric for v in found.values} & {"M-SSR", "M-MAJ-MECH-EMP"} == set()
    assert "M-MAJ-MECH-MATCH" in {v.value.metric for v in found.values}


def test_malformed_cells_are_located_and_nothing_is_submitted(engine, mapping):
    def spoil(wb):
        jobs = wb["表7.1 毕业生就业"]
        jobs["D5"] = "九十"  # 电气自动化技术 就业人数
        jobs["C6"] = 0  # 软件技术 毕业生数: a zero denominator
        jobs["F7"] = "87.1%"  # a % metric: 87.1 points, as a person means it
        wb["表6.1 专业设置"]["F4"] = -5  # a negative %
        wb["表1.1 学校概况"]["G3"] = "=D3/E3"  # a formula never calculated

    writes = WriteService(engine)
    version = engine.data_version
    events = len(engine.state.events(STREAM, "M-MAJ-CHEM-MATCH"))
    result = import_state_data(writes, engine, sample(spoil), mapping, cli_principal(), AT, dry_run=False)
    got = {(p.sheet, p.cell, p.code) for p in result.problems}
    assert got == {
        ("表7.1 毕业生就业", "D5", "NOT_A_NUMBER"),
        ("表7.1 毕业生就业", "C6", "ZERO_DENOMINATOR"),
        ("表6.1 专业设置", "F4", "VALUE_OUT_OF_RANGE"),
        ("表1.1 学校概况", "G3", "FORMULA_NO_VALUE"),
    }, [message(p) for p in result.problems]
    assert "表7.1 毕业生就业!D5: 就业人数必须是数字（填写的是“九十”） (NOT_A_NUMBER)" in map(
        message, result.problems
    )
    assert engine.data_version == version and not result.submitted
    assert len(engine.state.events(STREAM, "M-MAJ-CHEM-MATCH")) == events
    writes.close()


def test_export_fills_the_mapped_fields_and_reads_back(engine, mapping, monkeypatch, tmp_path):
    monkeypatch.setenv("ZHENGAI_TRUSTED_SOURCES", "状态数据采集平台")
    writes = WriteService(engine)
    import_state_data(writes, engine, SAMPLE.read_bytes(), mapping, cli_principal(), AT, dry_run=False)
    writes.close()
    out = io.BytesIO()
    result = export_state_data(engine, mapping, out, AT)
    assert result.filled == 19
    assert {b.code for b in result.blank} == {"RATIO_NOT_FILLED"} and len(result.blank) == 10
    wb = load_workbook(io.BytesIO(out.getvalue()))
    jobs = {r[0]: r for r in wb["表7.1 毕业生就业"].iter_rows(min_row=3, values_only=True)}
    assert jobs["460104"][5] == 84.3 and jobs["合计"][5] == 79.8
    assert wb["表1.1 学校概况"]["G3"].value == round(4245 / 236, 2)
    again = read_state_data(out.getvalue(), mapping, engine, AT)
    direct = {v.value.metric: v.value.value for v in again.values}
    assert len(direct) == 19 and direct["M-MAJ-CHEM-CERT"] == 83.5 and not again.problems
    blanks = {(n.cell, n.params["metric"]) for n in again.notices if n.code == "BLANK_CELL"}
    assert len(blanks) == 10 and ("D3", "M-MAJ-MECH-EMP") in blanks  # the ratios: listed, not refused


def test_export_and_import_are_scoped(engine, mapping):
    """Privacy: the export holds only what the caller sees; an import of another unit's metrics is
    refused whole; a unit's own mapped fields are submitted as theirs."""
    student = Principal("stu-1", None, frozenset({Role.STUDENT}), subject="STU-001")
    for who in (student, HEAD_MECH):
        view = engine.for_principal(who)
        out = io.BytesIO()
        filled = export_state_data(view, mapping, out, AT).filled
        wb = load_workbook(io.BytesIO(out.getvalue()))
        seen = {e.metric for e in mapping.fields if view.node(e.metric) is not None}
        assert filled <= len(seen) < len(mapping.fields)
        for table in ("6.1", "7.1"):
            sheet = wb[next(t for t in wb.sheetnames if t.startswith(f"表{table}"))]
            rows = {r[0] for r in sheet.iter_rows(min_row=3, values_only=True)}
            keys = {e.row[1] for e in mapping.fields if e.table == table}
            shown = {e.row[1] for e in mapping.fields if e.table == table and e.metric in seen}
            assert rows == shown and keys - shown  # hidden majors have no row at all
        assert (wb["表1.1 学校概况"]["G3"].value is not None) == ("M-SSR" in seen and filled > 0)
    writes = WriteService(engine)
    entry_view = engine.for_principal(ENTRY_MECH)
    earlier = {s.id for s in metric_submissions(engine, "M-MAJ-MECH-CERT")}
    refused = import_state_data(
        writes, entry_view, SAMPLE.read_bytes(), mapping, ENTRY_MECH, AT, dry_run=False
    )
    assert refused.problems and not refused.submitted
    assert {s.id for s in metric_submissions(engine, "M-MAJ-MECH-CERT")} == earlier
    own = parse_mapping(
        "fields:\n  - {metric: M-MAJ-MECH-CERT, table: '6.1', row: {专业代码: '460104'},"
        " field: 职业技能等级证书获取率}\n",
        "own.yaml",
    )
    done = import_state_data(writes, entry_view, SAMPLE.read_bytes(), own, ENTRY_MECH, AT, dry_run=False)
    assert not done.problems, [message(p) for p in done.problems]
    [sub] = [s for s in metric_submissions(engine, "M-MAJ-MECH-CERT") if s.id not in earlier]
    assert (sub.by, sub.status, sub.value) == ("entry-1", ReviewStatus.PENDING, 79.7)
    writes.close()


def test_the_mapping_file_is_checked_with_lines(tmp_path):
    bad = tmp_path / FILE_NAME
    bad.write_text(
        "fields:\n"
        '  - {metric: M-SSR, table: "1.1", field: 生师比}\n'
        '  - {metric: M-NOPE, table: "1.1", field: 生师比}\n'
        '  - {metric: M-SSR, table: "1.1", ratio: [A]}\n'
        '  - {metric: M-CLASS-SIZE, table: "1.1", field: 平均教学班额, colour: red}\n',
        encoding="utf-8",
    )
    with pytest.raises(MappingError) as caught:
        load_mapping(bad, {"M-SSR", "M-CLASS-SIZE"})
    lines = [m.split(": ", 1)[0] for m in caught.value.messages]
    assert lines == [f"{bad}:3", f"{bad}:4", f"{bad}:5"]
    assert "M-NOPE" in caught.value.messages[0] and "ratio" in caught.value.messages[1]
    assert "colour" in caught.value.messages[2]


def test_validate_checks_the_dataset_mapping(tmp_path):
    folder = tmp_path / "ds"
    folder.mkdir()
    for name in ("dataset.yaml", "observations.csv"):
        (folder / name).write_bytes((demo_path() / name).read_bytes())
    (folder / FILE_NAME).write_text(
        'fields:\n  - {metric: M-GONE, table: "1.1", field: 生师比}\n', encoding="utf-8"
    )
    run = subprocess.run(
        [sys.executable, "-m", "zhengai.cli", "validate", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1 and f"{folder / FILE_NAME}:2:" in run.stdout and "M-GONE" in run.stdout
    (folder / FILE_NAME).write_text(MAPPING.read_text(encoding="utf-8"), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "zhengai.cli", "validate", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_cli_imports_and_exports(tmp_path):
    state = tmp_path / "state"
    cmd = [sys.executable, "-m", "zhengai.cli"]
    run = subprocess.run(
        [*cmd, "import-state-data", str(SAMPLE), "--at", AT.isoformat(), "--state", str(state)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert (
        "29 个待审核" in run.stdout and "表7.1 毕业生就业!D3: M-MAJ-MECH-EMP = 91.6667 (计算)" in run.stdout
    )
    broken = tmp_path / "broken.xlsx"
    records = sample_records()
    records["6.1"][0][5] = "八成"
    write_tables(broken, records)
    run = subprocess.run(
        [*cmd, "import-state-data", str(broken), "--state", str(state)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1 and "表6.1 专业设置!F3:" in run.stderr and "没有提交任何数值" in run.stderr
    out = tmp_path / "out.xlsx"
    run = subprocess.run(
        [*cmd, "export-state-data", str(out), "--state", str(state)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0 and out.is_file() and "RATIO_NOT_FILLED" in run.stdout, run.stderr
    assert Path(out).stat().st_size > 0


def export_sheet_rows(path: Path, sheet: str) -> list[tuple]:
    """The data rows (below the header) of one sheet of a workbook."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        rows = book[sheet].iter_rows(min_row=2, values_only=True)
        return [r for r in rows if any(v is not None for v in r)]
    finally:
        book.close()


def test_import_xlsx_tells_its_progress_sheet_by_sheet(tmp_path):
    """Point 5: importing a plan workbook reports each sheet as it is read (the CLI draws the bars)."""
    state = tmp_path / "state"
    out = tmp_path / "plan.xlsx"
    cmd = [sys.executable, "-m", "zhengai.cli"]
    run = subprocess.run([*cmd, "export-xlsx", str(out), "--state", str(state)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    run = subprocess.run([*cmd, "import-xlsx", str(out), "--dry-run", "--state", str(state)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    told = run.stderr
    rows = len(export_sheet_rows(out, "指标"))
    assert f"zhengai: 指标 {rows}/{rows}" in told and "zhengai: 目标 " in told and "zhengai: 观测 " in told

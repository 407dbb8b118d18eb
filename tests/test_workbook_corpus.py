"""Located errors: every broken workbook of tests/data/workbooks/broken gives exactly its expected
``sheet!cell: reason (CODE)`` messages, all in one pass, on both stores, and nothing is applied (neither
as a dry run nor for real). Cells a person fills as they would in Excel — merged areas, dates as text or
serial numbers, full-width digits, ``85%`` — are read as meant."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import yaml
from openpyxl import Workbook

from tests.conftest import WORKED, WORKED_AS_OF
from tests.workbook_corpus import CORPUS
from tests.workbook_helpers import column_of, edited, exported, row_of_id
from zhengai.engine import Engine
from zhengai.engine.writes import WriteService
from zhengai.graph_loader import load_dataset
from zhengai.stores import EmbeddedStore
from zhengai.workbooks.plan_import import import_plan, message

EXPECTED: dict[str, list[str]] = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def engine(request, store_kind, tmp_path) -> Iterator[Engine]:
    if store_kind == "neo4j":
        datasets = request.getfixturevalue("neo4j_datasets")
        datasets.forget()
        yield Engine(datasets.engine(WORKED).store)
        datasets.forget()
    else:
        yield Engine(EmbeddedStore(load_dataset(WORKED), tmp_path / "state"))


def test_the_corpus_has_a_file_and_its_messages_for_each_mistake():
    files = sorted(p.name for p in CORPUS.glob("*.xlsx"))
    assert len(files) >= 20 and files == sorted(EXPECTED)
    assert all(EXPECTED[f] for f in files)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_broken_workbook_is_refused_with_its_located_messages(engine, name, dry_run):
    before = engine.data_version
    result = import_plan(WriteService(engine), engine, (CORPUS / name).read_bytes(), None, WORKED_AS_OF,
                         dry_run=dry_run)
    assert [message(p) for p in result.problems] == EXPECTED[name]
    assert not result.applied and engine.data_version == before
    assert engine.records("Metric", WORKED_AS_OF)["m1"].target == 100


def test_cells_are_read_as_a_person_means_them():
    """Merged 层面 cells, a full-width target, a date as text and as an Excel serial, 85% of a % metric."""
    engine = Engine(EmbeddedStore(load_dataset(WORKED)))

    def edit(wb: Workbook) -> None:
        goals = wb["目标"]
        goals.append(["P4", "专业目标四", "专业", "加权平均", "2026年9月1日", 46387, None, "ZGB"])
        goals.append(["P5", "专业目标五", None, "加权平均", "２０２６/９/１", "2026.12.31", None, "ZGB"])
        last = goals.max_row
        level = column_of(goals, "层面")
        goals.merge_cells(start_row=last - 1, start_column=level, end_row=last, end_column=level)
        metrics = wb["指标"]
        metrics.cell(row_of_id(metrics, "m2"), column_of(metrics, "目标值")).value = "６０"
        metrics.append(["m4", "指标四", "%", "越高越好", None, "85%", None, None, None, "每年"])
        links = wb["关联"]
        links.append(["支撑", "P4", "S", 1])
        links.append(["支撑", "P5", "S", 1])
        links.append(["衡量", "m4", "P4", 1])

    result = import_plan(WriteService(engine), engine, edited(exported(engine, WORKED_AS_OF), edit), None,
                         WORKED_AS_OF, dry_run=True)
    assert not result.problems, [message(p) for p in result.problems]
    fields = {c.id: c.fields for c, _ in result.changes if hasattr(c, "fields")}
    assert fields["P4"]["level"] == "MAJOR" and fields["P5"]["level"] == "MAJOR"  # the merged area
    assert fields["P4"]["period"] == {"start": date(2026, 9, 1), "end": date(2026, 12, 31)}
    assert fields["P5"]["period"] == {"start": date(2026, 9, 1), "end": date(2026, 12, 31)}
    assert fields["m2"] == {"target": 60.0}
    assert fields["m4"]["target"] == 85.0

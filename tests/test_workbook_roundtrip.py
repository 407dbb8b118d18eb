"""The plan as a workbook, round trip on both stores: export → import with no edit changes nothing;
an edited target, an added goal (with its 关联 row) and a deleted row (a retired node) change exactly
that, as one batch from the effective date; a dry run shows the batch and writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from tests.conftest import WORKED, WORKED_AS_OF
from tests.workbook_helpers import edited, exported, row_of_id, set_cell, sheet_rows
from zhengai.domain.changes import Op, Retire, Upsert
from zhengai.engine import Engine
from zhengai.engine.writes import WriteService
from zhengai.graph_loader import load_dataset
from zhengai.stores import EmbeddedStore
from zhengai.workbooks.plan_import import import_plan, message

AS_OF = WORKED_AS_OF
LATER = date(2026, 3, 1)


@pytest.fixture
def engine(request, store_kind, tmp_path) -> Iterator[Engine]:
    """The worked example on a store of its own (the test writes)."""
    if store_kind == "neo4j":
        datasets = request.getfixturevalue("neo4j_datasets")
        datasets.forget()
        yield Engine(datasets.engine(WORKED).store)
        datasets.forget()
    else:
        yield Engine(EmbeddedStore(load_dataset(WORKED), tmp_path / "state"))


def run(engine: Engine, body: bytes, dry_run: bool = False, effective: date = AS_OF):
    result = import_plan(WriteService(engine), engine, body, None, effective, dry_run=dry_run)
    assert not result.problems, [message(p) for p in result.problems]
    return result


def test_export_then_import_changes_nothing(engine):
    before = engine.data_version
    result = run(engine, exported(engine, AS_OF))
    assert result.changes == [] and result.values == 0 and not result.applied
    assert engine.data_version == before


def test_an_edited_target_changes_exactly_that(engine):
    body = exported(engine, AS_OF)
    changed = edited(body, lambda wb: set_cell(wb, "指标", "m1", "目标值", 90))
    preview = run(engine, changed, dry_run=True, effective=LATER)
    assert [(type(c).__name__, c.id, c.fields) for c, _ in preview.changes] == [
        ("Upsert", "m1", {"target": 90.0})
    ]
    assert (preview.changes[0][1].sheet, preview.changes[0][1].row) == ("指标", 2)
    assert engine.records("Metric", LATER)["m1"].target == 100  # a dry run writes nothing
    done = run(engine, changed, effective=LATER)
    assert done.applied and [(c.id, c.op) for c in done.changed] == [("m1", Op.UPDATED)]
    assert engine.records("Metric", LATER)["m1"].target == 90
    assert engine.records("Metric", AS_OF)["m1"].target == 100  # before the effective date: as it was
    again = exported(engine, LATER)
    for sheet in ("目标", "关联", "观测"):
        assert sheet_rows(again, sheet) == sheet_rows(body, sheet)
    assert run(engine, again, effective=LATER).changes == []


def test_an_added_goal_row_and_its_link_create_the_goal(engine):
    def add(wb):
        goals = wb["目标"]
        goals.append(["P3", "专业目标三", "专业", "加权平均", None, None, None, "ZGB"])
        wb["关联"].append(["支撑", "P3", "S", 1])

    done = run(engine, edited(exported(engine, AS_OF), add), effective=LATER)
    assert sorted((c.id, c.op) for c in done.changed) == [("P3", Op.CREATED), ("P3", Op.LINKED)]
    assert done.counts()["links"] == 1
    goals = engine.records("Goal", LATER)
    assert goals["P3"].name == "专业目标三" and goals["P3"].level == "MAJOR"
    assert [(s.goal, s.weight) for s in goals["P3"].supports] == [("S", 1.0)]
    assert "P3" not in engine.records("Goal", AS_OF)


def test_a_deleted_row_retires_the_node(engine):
    def delete(wb):
        ws = wb["指标"]
        ws.delete_rows(row_of_id(ws, "m3"))

    preview = run(engine, edited(exported(engine, AS_OF), delete), dry_run=True, effective=LATER)
    assert [(type(c), c.id) for c, _ in preview.changes] == [(Retire, "m3")]
    done = run(engine, edited(exported(engine, AS_OF), delete), effective=LATER)
    assert ("m3", Op.RETIRED) in [(c.id, c.op) for c in done.changed]
    assert "m3" not in engine.records("Metric", LATER) and "m3" in engine.records("Metric", AS_OF)
    assert not any(isinstance(c, Upsert) for c, _ in done.changes)


def test_a_new_observation_row_is_submitted_for_review_not_counted(engine):
    def add(wb):
        wb["观测"].append(["m1", "2026-02-15", "９５"])  # full-width digits

    done = run(engine, edited(exported(engine, AS_OF), add), effective=LATER)
    assert done.values == 1 and done.changes == []
    assert dict(engine.history(["m1"])["m1"]).get(date(2026, 2, 15)) is None
    from zhengai.engine.filling import ReviewStatus, metric_submissions

    [pending] = [s for s in metric_submissions(engine, "m1") if s.status is ReviewStatus.PENDING]
    assert (pending.at, pending.value, pending.provenance.value) == (date(2026, 2, 15), 95.0, "IMPORTED")

"""Point 5 of the workbook issue: observation rows are checked metric run by metric run (memory bounded by
one metric's rows, not the sheet's), and a metric whose rows are scattered over the sheet is still checked
with all its rows together."""

from __future__ import annotations

from datetime import date

from tests.conftest import WORKED, WORKED_AS_OF
from tests.workbook_helpers import edited, exported, sheet_rows
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset
from zhengai.stores import EmbeddedStore
from zhengai.workbooks.plan_import import message, read_workbook


def _engine(tmp_path) -> Engine:
    return Engine(EmbeddedStore(load_dataset(WORKED), tmp_path / "state"))


def _m1_rows(body: bytes) -> list[tuple]:
    return [r for r in sheet_rows(body, "观测") if r[0] == "m1"]


def test_a_changed_value_and_a_row_added_at_the_bottom_are_each_planned_once(tmp_path):
    engine = _engine(tmp_path)
    body = exported(engine, WORKED_AS_OF)
    first = _m1_rows(body)[0]

    def edit(wb):
        ws = wb["观测"]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "m1" and row[1].value == first[1]:
                row[2].value = first[2] + 1  # changed in place, within m1's run
                break
        ws.append(["m1", "2026-02-15", 95])  # and a new reading at the bottom: m1's rows are scattered
        ws.append(["m1", first[1], first[2] + 1])  # the changed value given again: no conflict, once

    plan = read_workbook(edited(body, edit), engine, WORKED_AS_OF)
    assert not plan.problems, [message(p) for p in plan.problems]
    planned = sorted((v.metric, v.at, v.value) for v in plan.values)
    at = first[1].date() if hasattr(first[1], "date") else first[1]
    assert planned == sorted([("m1", at, first[2] + 1), ("m1", date(2026, 2, 15), 95.0)])
    assert {o.sheet for o in plan.value_origins} == {"观测"} and len(plan.value_origins) == 2


def test_a_scattered_row_conflicting_with_an_earlier_one_is_located(tmp_path):
    engine = _engine(tmp_path)
    body = exported(engine, WORKED_AS_OF)
    first = _m1_rows(body)[0]
    changed = edited(body, lambda wb: wb["观测"].append(["m1", first[1], first[2] + 5]))
    plan = read_workbook(changed, engine, WORKED_AS_OF)
    [problem] = plan.problems
    assert problem.code == "CONFLICTING_VALUE" and problem.sheet == "观测" and problem.cell.startswith("C")
    assert plan.values == []

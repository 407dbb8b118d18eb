"""Bulk CSV tables (goals, metrics, links) load like the YAML lists and report located errors."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import DATA, WORKED, WORKED_AS_OF
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset, validate_folder
from zhengai.stores import EmbeddedStore

WORKED_CSV = DATA / "worked_csv"


def test_csv_dataset_equals_the_yaml_one():
    a, b = load_dataset(WORKED), load_dataset(WORKED_CSV)
    assert a.goals["P1"].supports == b.goals["P1"].supports
    assert a.metrics["m2"].measures == b.metrics["m2"].measures
    assert b.goals["P1"].period is not None
    sa = Engine(EmbeddedStore(a)).snapshot(WORKED_AS_OF)
    sb = Engine(EmbeddedStore(b)).snapshot(WORKED_AS_OF)
    for node in ("S", "P1", "P2", "m1", "m2", "m3"):
        assert sa.attainment(node) == pytest.approx(sb.attainment(node), abs=1e-12)


def test_csv_errors_are_located(tmp_path):
    shutil.copytree(WORKED_CSV, tmp_path, dirs_exist_ok=True)
    with open(tmp_path / "goals.csv", "a", encoding="utf-8") as f:
        f.write("P3,专业目标三,FACULTY,,ZGB,,,,\n")          # line 5: bad level
        f.write("P1,重复,MAJOR,,ZGB,,,,\n")                  # line 6: duplicate id
    with open(tmp_path / "supports.csv", "a", encoding="utf-8") as f:
        f.write("P2,GHOST,1\n")                              # line 4: unknown parent
        f.write("P1,S,-1\n")                                 # line 5: weight ≤ 0
        f.write("S,P1,1\n")                                  # line 6: SCHOOL supports MAJOR + cycle
    with open(tmp_path / "measures.csv", "a", encoding="utf-8") as f:
        f.write("m9,P1,1\n")                                 # line 6: unknown metric
    found = validate_folder(tmp_path)[1]
    errors = {(e.file, e.line): e.message for e in found}
    assert "bad value 'FACULTY'" in errors[("goals.csv", 5)]
    assert "duplicate id 'P1'" in errors[("goals.csv", 6)]
    assert "unknown goal 'GHOST'" in errors[("supports.csv", 4)]
    assert "greater than 0" in errors[("supports.csv", 5)]
    assert "unknown metric 'm9'" in errors[("measures.csv", 6)]
    assert any("cycle in SUPPORTS" in e.message for e in found)
    assert any("a SCHOOL goal cannot support the MAJOR goal P1" in e.message for e in found)


def test_duplicate_link_is_an_error(tmp_path):
    shutil.copytree(WORKED_CSV, tmp_path, dirs_exist_ok=True)
    with open(tmp_path / "measures.csv", "a", encoding="utf-8") as f:
        f.write("m1,P1,2\n")
    [error] = validate_folder(tmp_path)[1]
    assert "measures names goal 'P1' twice" in error.message

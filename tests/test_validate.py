"""`zhengai validate`: every error of a dataset, located, in one run; a bad dataset loads nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import DATA, WORKED
from zhengai.graph_loader import DatasetError, load_dataset, validate_folder

BROKEN = DATA / "broken"

#: (file, line, words the message must hold) for each planted error of tests/data/broken
EXPECTED = [
    ("dataset.yaml", 4, "bad value 'TEACHING'"),
    ("dataset.yaml", 8, "unknown metric 'M-GHOST'"),
    ("dataset.yaml", 10, "unknown unit 'NOWHERE'"),
    ("dataset.yaml", 16, "unknown plan 'PLAN-X'"),
    ("dataset.yaml", 17, "unknown standard 'STD-9'"),
    ("dataset.yaml", 18, "invalid date '2024-13-01'"),
    ("dataset.yaml", 19, "duplicate id 'S1'"),
    ("dataset.yaml", 25, "unknown subject 'MAJ-404'"),
    ("dataset.yaml", 26, "weight: Input should be greater than 0"),
    ("dataset.yaml", 27, "cycle in SUPPORTS: A → B → A"),
    ("dataset.yaml", 34, "unknown goal 'GHOST'"),
    ("dataset.yaml", 38, "a SCHOOL goal cannot support the COURSE goal A"),
    ("dataset.yaml", 40, "target equals baseline"),
    ("dataset.yaml", 48, "invalid date 'soon'"),
    ("observations.csv", 3, "not a number: '九十'"),
    ("observations.csv", 4, "unknown metric 'M-NONE'"),
    ("observations.csv", 5, "invalid date '2026-02-30'"),
]


def test_every_planted_error_is_reported_once_and_located():
    _, errors = validate_folder(BROKEN)
    got = [(e.file, e.line, e.message) for e in errors]
    for file, line, words in EXPECTED:
        assert any(f == file and ln == line and words in m for f, ln, m in got), (file, line, words, got)
    assert len(errors) == len(EXPECTED)


def test_cli_prints_file_line_message_and_exits_non_zero():
    proc = subprocess.run([sys.executable, "-m", "zhengai.cli", "validate", str(BROKEN)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == len(EXPECTED)
    assert all(line.startswith(str(BROKEN)) and line.count(":") >= 2 for line in lines)
    assert f"{BROKEN}/observations.csv:3: value: not a number" in proc.stdout


def test_cli_accepts_a_valid_dataset():
    proc = subprocess.run([sys.executable, "-m", "zhengai.cli", "validate", str(WORKED)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout
    assert "valid (1 units" in proc.stdout


def test_a_dataset_with_any_error_loads_nothing():
    with pytest.raises(DatasetError) as info:
        load_dataset(BROKEN)
    assert len(info.value.errors) == len(EXPECTED)


def test_yaml_syntax_error_is_located_and_csv_still_checked(tmp_path):
    shutil.copy(WORKED / "observations.csv", tmp_path / "observations.csv")
    (tmp_path / "dataset.yaml").write_text("goals:\n  - {id: S, name: [unclosed\n", encoding="utf-8")
    with open(tmp_path / "observations.csv", "a", encoding="utf-8") as f:
        f.write("m1,2026-02-01,abc\n")
    _, errors = validate_folder(tmp_path)
    assert (errors[0].file, errors[0].line) == ("dataset.yaml", 3)
    assert "YAML syntax error" in errors[0].message
    assert ("observations.csv", 5) in [(e.file, e.line) for e in errors]


def test_bad_header_unknown_section_and_missing_folder(tmp_path):
    (tmp_path / "dataset.yaml").write_text("goalz: []\n", encoding="utf-8")
    (tmp_path / "observations.csv").write_text("metric,when,value\n", encoding="utf-8")
    messages = [str(e) for e in validate_folder(tmp_path)[1]]
    assert any("dataset.yaml:1: unknown section 'goalz'" in m for m in messages)
    assert any("observations.csv:1: header must name metric,at,value; missing at" in m for m in messages)
    assert "not a folder" in str(validate_folder(tmp_path / "nope")[1][0])


def test_conflicting_duplicate_observation(tmp_path):
    shutil.copy(WORKED / "dataset.yaml", tmp_path / "dataset.yaml")
    (tmp_path / "observations.csv").write_text(
        "metric,at,value\nm1,2026-01-01,90\nm1,2026-01-01,90\nm1,2026-01-01,91\n", encoding="utf-8")
    [error] = validate_folder(tmp_path)[1]
    assert (error.file, error.line) == ("observations.csv", 4)
    assert "conflicting value 91.0" in error.message

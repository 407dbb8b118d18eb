"""The corrupted-dataset corpus (tests/data/corrupt): `zhengai validate` refuses each broken dataset with
exactly its expected located errors (`file:line: message`), exit status 1 and no traceback."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import DATA
from zhengai.cli import main
from zhengai.graph_loader import validate_folder
from zhengai.graph_loader.text_files import SAMPLE

CORPUS = DATA / "corrupt"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())


def _expected(folder: Path) -> list[tuple[str, str]]:
    """(``FILE:LINE``, text) of each error the case must print."""
    lines = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split(": ", 1)) for line in lines if line and not line.startswith("#")]  # type: ignore


def test_the_corpus_is_large_and_every_case_says_what_it_breaks():
    assert len(CASES) >= 100
    assert CASES[0].name == "000-base-valid" and not _expected(CASES[0])
    for folder in CASES:
        assert (folder / "expected.txt").read_text(encoding="utf-8").startswith("# "), folder
        assert folder.name == CASES[0].name or _expected(folder), folder


@pytest.mark.parametrize("folder", CASES, ids=[p.name for p in CASES])
def test_validate_reports_exactly_the_expected_located_errors(folder: Path, capsys: pytest.CaptureFixture):
    expected = _expected(folder)
    status = main(["validate", str(folder)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if not expected:
        assert status == 0 and "valid (" in out
        return
    assert status == 1
    printed = out.splitlines()
    assert all(line.startswith(f"{folder}/") for line in printed), printed
    located = [line.removeprefix(f"{folder}/").split(": ", 1) for line in printed]
    for where, text in expected:
        assert any(w == where and text in message for w, message in located), (where, text, printed)
    assert len(printed) == len(expected), printed
    assert f"{len(expected)} error(s); nothing would be loaded" in err


@pytest.mark.parametrize("name", ["yaml-alias-bomb", "enc-obs-latin1", "enc-yaml-gbk",
                                  "empty-yaml-beside-csv"])
def test_the_command_in_its_own_process(name: str):
    """A few cases through a real `zhengai validate` process: the bomb fails fast, nothing is a traceback."""
    folder = CORPUS / name
    run = subprocess.run([sys.executable, "-m", "zhengai.cli", "validate", str(folder)], capture_output=True,
                         text=True, timeout=60, check=False)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "Error:" not in run.stderr
    where, text = _expected(folder)[0]
    assert f"{folder}/{where}: " in run.stdout and text in run.stdout


def test_an_over_long_csv_field_is_a_located_error(tmp_path: Path):
    base = CORPUS / "000-base-valid"
    (tmp_path / "dataset.yaml").write_bytes((base / "dataset.yaml").read_bytes())
    rows = (base / "observations.csv").read_text(encoding="utf-8")
    (tmp_path / "observations.csv").write_text(rows + 'M-RATE,2026-02-28,91,"' + "x" * 200_000 + "\n",
                                               encoding="utf-8")
    [error] = validate_folder(tmp_path)[1]
    assert (error.file, error.line) == ("observations.csv", 5)
    assert "bad CSV: field larger than field limit" in error.message


def test_a_file_that_stops_decoding_after_the_sample_is_located_where_it_stops(tmp_path: Path):
    """The encoding is chosen from the first MiB; a bad byte further on is reported at its line."""
    base = CORPUS / "000-base-valid"
    (tmp_path / "dataset.yaml").write_bytes((base / "dataset.yaml").read_bytes())
    days = 40_000
    text = "metric,at,value,source\n" + "".join(
        f"M-PTS,{date(2000, 1, 1) + timedelta(days=i)},{i % 100},学工系统\n" for i in range(days))
    assert len(text.encode()) > SAMPLE
    (tmp_path / "observations.csv").write_bytes(text.encode() + "M-PTS,2200-01-01,1,教务\n".encode("gbk"))
    errors = validate_folder(tmp_path)[1]
    assert [(e.file, e.line) for e in errors] == [("observations.csv", days + 2)]
    assert "not valid utf-8 from here on" in errors[0].message


def test_goals_alone_or_metrics_alone_are_valid(tmp_path: Path):
    """A dataset to merge into a graph may hold goals only (or metrics only); neither is refused."""
    (tmp_path / "goals").mkdir()
    (tmp_path / "goals" / "dataset.yaml").write_text("goals:\n  - {id: G, name: 学校目标, level: SCHOOL}\n",
                                                     encoding="utf-8")
    (tmp_path / "metrics").mkdir()
    metrics = "metrics:\n  - {id: M, name: 就业率, unit: '%', target: 98}\n"
    (tmp_path / "metrics" / "dataset.yaml").write_text(metrics, encoding="utf-8")
    assert validate_folder(tmp_path / "goals")[1] == [] and validate_folder(tmp_path / "metrics")[1] == []

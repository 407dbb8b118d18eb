"""Impossible values are refused where they come in: `simulate`, `recordObservations`, `zhengai ingest`
and the dataset itself (weights in (0, 1e6], values within ±1e12 and the metric's range)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.conftest import DEMO_AS_OF, WORKED
from zhengai.domain.models import Metric, WeightedLink
from zhengai.graph_loader import validate_folder
from zhengai.stores.journal import Journal

SIMULATE = """query($changes: [MetricValueInput!]!) {
  simulate(asOf: "2026-11-20", changes: $changes) { changes { goal { id } after } } }"""
RECORD = """mutation($rows: [ObservationInput!]!) { recordObservations(observations: $rows) { changed } }"""
SSR = """{ metric(id: "M-SSR") { unit value(asOf: "2026-11-20") } }"""


@pytest.mark.parametrize(("value", "words"), [
    (-5, "changes[0]: value -5 is below 0 (the unit '生/师': no negative values) for metric M-SSR"),
    (1e13, "changes[0]: value 1e+13 is not a finite number within ±1e+12 for metric M-SSR"),
])
def test_simulate_refuses_an_impossible_value(demo_gql, value, words):
    assert demo_gql(SSR)["metric"] == {"unit": "生/师", "value": 18.4}
    body = demo_gql.raw(SIMULATE, changes=[{"metricId": "M-SSR", "value": value}])
    [error] = body["errors"]
    assert error["message"] == words
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    # a possible value still simulates
    assert demo_gql(SIMULATE, changes=[{"metricId": "M-SSR", "value": 16}])["simulate"]["changes"]


def test_record_observations_refuses_an_impossible_value_and_writes_nothing(demo_gql):
    at = DEMO_AS_OF.isoformat()
    body = demo_gql.raw(RECORD, rows=[{"metricId": "M-EMP-RATE", "at": at, "value": 95},
                                      {"metricId": "M-SSR", "at": at, "value": -5}])
    [error] = body["errors"]
    assert "observations[1]: value -5 is below 0" in error["message"] and "M-SSR" in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert demo_gql(SSR)["metric"]["value"] == 18.4  # nothing of the call was written


def test_metric_range_rule():
    pct = Metric(id="m", name="就业率", unit="%", target=95)
    assert pct.value_range == (0.0, None)
    assert pct.value_problem(0) is None and pct.value_problem(130) is None
    assert "below 0 (the unit '%': no negative values)" in (pct.value_problem(-1) or "")
    growth = Metric(id="g", name="收入增长率", unit="%", target=10, min_value=-100, max_value=1000)
    assert growth.value_problem(-30) is None
    assert "below -100 (min_value)" in (growth.value_problem(-101) or "")
    assert "above 1000 (max_value)" in (growth.value_problem(1001) or "")
    free = Metric(id="t", name="温差", unit="℃", target=5)
    assert free.value_range == (None, None) and free.value_problem(-40) is None
    assert "finite" in (free.value_problem(float("nan")) or "")
    assert "finite" in (free.value_problem(-2e12) or "")
    ratio = Metric(id="r", name="生师比", unit="生/师", direction="LOWER", baseline=20, target=16)
    assert ratio.value_range == (0.0, None)


@pytest.mark.parametrize(("fields", "words"), [
    ({"target": -5}, "target: -5 is below 0"),
    ({"target": 95, "floor": -1}, "floor: -1 is below 0"),
    ({"target": 1e13}, "less than or equal to 1000000000000"),
    ({"target": 95, "min_value": 10, "max_value": 5}, "max_value (5.0) is below min_value (10.0)"),
    ({"target": 120, "max_value": 100}, "target: 120 is above 100 (max_value)"),
])
def test_metric_fields_out_of_range_are_refused(fields, words):
    with pytest.raises(ValidationError, match=words.replace("(", r"\(").replace(")", r"\)")):
        Metric(id="m", name="就业率", unit="%", **fields)


@pytest.mark.parametrize("weight", [0, -1, 1e6 + 1, 1e308, float("inf"), float("nan")])
def test_weights_are_positive_finite_and_at_most_a_million(weight):
    with pytest.raises(ValidationError):
        WeightedLink(goal="g", weight=weight)
    assert WeightedLink(goal="g", weight=1e6).weight == 1e6


def test_two_huge_weights_are_a_located_error_not_nan_at_read_time(tmp_path):
    (tmp_path / "dataset.yaml").write_text(
        (WORKED / "dataset.yaml").read_text(encoding="utf-8")
        .replace("supports: [{goal: S, weight: 2}]", "supports: [{goal: S, weight: 1e308}]")
        .replace("supports: [{goal: S, weight: 1}]", "supports: [{goal: S, weight: 1e308}]"),
        encoding="utf-8")
    errors = [str(e) for e in validate_folder(tmp_path)[1]]
    assert len(errors) == 2
    assert errors[0].startswith("dataset.yaml:6: goals[1] (P1): supports.0.weight: Input should be less than "
                                "or equal to 1000000"), errors
    assert errors[1].startswith("dataset.yaml:7: goals[2] (P2): supports.0.weight"), errors


def _journaled(state: Path) -> list[tuple]:
    """Every (metric, at, value, source) the journal of a state folder holds, in order."""
    return [tuple(o) for _, row in Journal(state).read_from(0) for o in row["observations"]]


def _ingest(folder: Path, csv: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zhengai.cli", "ingest", "--data", str(folder), str(csv)],
                          capture_output=True, text=True, check=False, timeout=120)


@pytest.fixture
def percent_folder(tmp_path: Path) -> Path:
    """The worked example with m1 in %."""
    folder = shutil.copytree(WORKED, tmp_path / "data")
    text = (folder / "dataset.yaml").read_text(encoding="utf-8")
    text = text.replace("{id: m1, name: 指标一,", "{id: m1, name: 指标一, unit: '%',")
    (folder / "dataset.yaml").write_text(text, encoding="utf-8")
    return folder


def test_ingest_command_refuses_an_impossible_value_with_its_line(percent_folder, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("metric,at,value\nm1,2026-01-20,95\nm1,2026-01-21,-3\nm2,2026-01-21,2e12\n",
                   encoding="utf-8")
    run = _ingest(percent_folder, csv)
    assert run.returncode == 1, run.stderr
    assert f"{csv}:3: value: -3 is below 0 (the unit '%': no negative values) for metric m1" in run.stderr
    assert f"{csv}:4: value: 2e+12 is not within ±1e+12" in run.stderr
    assert "Traceback" not in run.stderr
    assert _journaled(percent_folder / ".zhengai") == []  # nothing ingested


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_ingest_command_reads_gbk_and_bom_files(percent_folder, tmp_path, encoding):
    csv = tmp_path / f"{encoding}.csv"
    csv.write_bytes("metric,at,value,source\nm1,2026-01-20,95,教务系统\nm2,2026-01-20,45,学工处\n"
                    .encode(encoding))
    run = _ingest(percent_folder, csv)
    assert run.returncode == 0, run.stderr
    assert "2 observations, 2 new or replaced" in run.stdout
    assert [(m, v, source) for m, _, v, source in _journaled(percent_folder / ".zhengai")] == [
        ("m1", 95, "教务系统"), ("m2", 45, "学工处")]


def test_ingest_command_refuses_an_undecodable_file_with_a_located_error(percent_folder, tmp_path):
    csv = tmp_path / "latin1.csv"
    csv.write_bytes("metric,at,value,source\nm1,2026-01-20,95,Café Müller\n".encode("latin-1"))
    run = _ingest(percent_folder, csv)
    assert run.returncode == 1
    assert f"{csv}:2: not UTF-8 (byte 0xe9) nor GBK/GB18030" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and "UnicodeDecodeError" not in run.stderr

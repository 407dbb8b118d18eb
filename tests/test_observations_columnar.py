"""observations.csv read column-wise (pyarrow) gives exactly what the row reader gives, and leaves every
file with any problem to the row reader, which reports it at its line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from zhengai.domain.models import Metric, ObservedValue
from zhengai.domain.observation_table import ObservationTable, metric_series
from zhengai.graph_loader import validate_folder
from zhengai.graph_loader.observations_csv import _columnar, read_observation_table, read_observations
from zhengai.stores.memory import GraphState
from zhengai.stores.observations import ObservationStore

HEAD = "metric,at,value,source\n"
CLEAN = {
    "plain": HEAD + "M1,2026-01-31,95,\nM2,2026-01-31,3.5,教务\nM1,2025-12-31,94.9,\n",
    "no source column": "metric,at,value\nM1,2026-01-31,1e3\nM2,2026-02-28,-0.5\n",
    "columns in another order": "value,metric,at\n7,M1,2026-03-01\n",
    "same value twice is one row": HEAD + "M1,2026-01-31,95,\nM1,2026-01-31,95,\n",
    "quoted cells": HEAD + '"M1","2026-01-31","95","学工,系统"\n',
    "bom": "\ufeff" + HEAD + "M1,2026-01-31,95,\n",
    "header only": HEAD,
}
#: files the row reader decides about: each with whether it finds a problem
LEFT = {
    "not a number": (HEAD + "M1,2026-01-31,九十,\n", True),
    "full-width digits": (HEAD + "M1,2026-01-31,９５,\n", False),
    "no such day": (HEAD + "M1,2026-02-30,95,\n", True),
    "short date": (HEAD + "M1,2026-2-3,95,\n", True),
    "week date": (HEAD + "M1,2026-W01-1,95,\n", False),
    "blank around a cell": (HEAD + "M1, 2026-01-31,95,\n", False),
    "empty metric": (HEAD + ",2026-01-31,95,\n", True),
    "empty value": (HEAD + "M1,2026-01-31,,\n", True),
    "not a finite number": (HEAD + "M1,2026-01-31,nan,\n", True),
    "too large": (HEAD + "M1,2026-01-31,1e13,\n", True),
    "conflicting repeat": (HEAD + "M1,2026-01-31,95,\nM1,2026-01-31,96,\n", True),
    "unknown metric": (HEAD + "M9,2026-01-31,95,\n", True),
    "out of range": (HEAD + "M1,2026-01-31,-5,\n", True),
    "too many cells": (HEAD + "M1,2026-01-31,95,,x\n", True),
    "short row": (HEAD + "M1,2026-01-31\n", True),
    "unknown column": ("metric,at,value,who\nM1,2026-01-31,95,x\n", True),
    "missing column": ("metric,value\nM1,95\n", True),
    "gbk": (None, False),
}
KNOWN = {"M1": Metric(id="M1", name="就业率", unit="%", target=95),
         "M2": Metric(id="M2", name="温差", unit="℃", target=1)}


def _write(tmp_path: Path, text: str | None) -> Path:
    path = tmp_path / "observations.csv"
    if text is None:
        path.write_bytes((HEAD + "M1,2026-01-31,95,教务处\n").encode("gbk"))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _rows(path: Path) -> tuple[list, list[tuple[int, str]]]:
    problems: list[tuple[int, str]] = []
    return read_observations(path, lambda line, msg: problems.append((line, msg)), KNOWN), problems


@pytest.mark.parametrize("case", sorted(CLEAN))
def test_a_clean_file_is_read_columnwise_as_the_row_reader_reads_it(tmp_path: Path, case: str) -> None:
    path = _write(tmp_path, CLEAN[case])
    table = _columnar(path, KNOWN, min_bytes=0)
    rows, problems = _rows(path)
    assert table is not None and not problems
    assert list(table) == rows


@pytest.mark.parametrize("case", sorted(LEFT))
def test_any_other_file_is_left_to_the_row_reader(tmp_path: Path, case: str) -> None:
    text, problem = LEFT[case]
    path = _write(tmp_path, text)
    assert _columnar(path, KNOWN, min_bytes=0) is None
    problems: list[tuple[int, str]] = []
    table = read_observation_table(path, lambda line, msg: problems.append((line, msg)), KNOWN)
    rows, expected = _rows(path)
    assert list(table) == rows and problems == expected
    assert bool(problems) == problem


def test_a_large_dataset_reports_a_planted_error_at_its_line(tmp_path: Path) -> None:
    """A file big enough for the column-wise reader, with one bad row near its end: located, all else kept."""
    demo = Path(__file__).parents[1] / "zhengai" / "graph_loader" / "demo"
    (tmp_path / "dataset.yaml").write_bytes((demo / "dataset.yaml").read_bytes())
    ds, errors = validate_folder(demo)
    assert not errors
    metric = sorted(ds.metrics)[0]
    days = [date.fromordinal(date(2000, 1, 1).toordinal() + i).isoformat() for i in range(9000)]
    lines = [f"{m},{d},1\n" for m in sorted(ds.metrics)[:5] for d in days]
    bad = len(lines) - 3
    lines.insert(bad, f"{metric},2026-13-01,1\n")
    (tmp_path / "observations.csv").write_text("metric,at,value\n" + "".join(lines), encoding="utf-8")
    assert (tmp_path / "observations.csv").stat().st_size > 1 << 20
    found, errors = validate_folder(tmp_path)
    assert [(e.file, e.line) for e in errors] == [("observations.csv", bad + 2)]
    assert "invalid date '2026-13-01'" in errors[0].message
    assert len(found.observations) == len(lines) - 1
    lines.pop(bad)
    (tmp_path / "observations.csv").write_text("metric,at,value\n" + "".join(lines), encoding="utf-8")
    found, errors = validate_folder(tmp_path)
    assert not errors and isinstance(found.observations, ObservationTable)
    assert len(found.observations) == len(lines)


def test_the_table_groups_series_as_the_list_does() -> None:
    """Series by metric, dates ascending, the later of a repeated (metric, date) counting."""
    rows = [_obs("B", 3, 1.0), _obs("A", 2, 2.0), _obs("A", 1, 3.0), _obs("B", 3, 4.0), _obs("C", 9, 5.0)]
    table = ObservationTable.of_values(rows)
    assert len(table) == 5 and table[1] == rows[1] and table[1:3] == rows[1:3] and list(table) == rows
    series = [(m, d.tolist(), v.tolist()) for m, d, v in metric_series(table)]
    base = date(2026, 1, 1).toordinal()
    assert series == [("A", [base + 1, base + 2], [3.0, 2.0]), ("B", [base + 3], [4.0]),
                      ("C", [base + 9], [5.0])]
    assert series == [(m, d.tolist(), v.tolist()) for m, d, v in metric_series(rows)]
    store = ObservationStore.of_columns(*table.sorted_columns())
    reference = ObservationStore.of_series((m, [date.fromordinal(x) for x in d], v) for m, d, v in series)
    for metric in "ABC":
        pairs = zip(store.series(metric), reference.series(metric), strict=True)
        assert all(np.array_equal(a, b) for a, b in pairs)
    assert len(table + [_obs("D", 1, 1.0)]) == 6  # noqa: RUF005 (the table's own +)
    assert GraphState.of_timelines([], store).obs is store


def _obs(metric: str, day: int, value: float) -> ObservedValue:
    return ObservedValue(metric, date.fromordinal(date(2026, 1, 1).toordinal() + day), value)


def test_compacted_records_equal_freshly_validated_ones() -> None:
    """Sharing fields sets and texts (graph_loader.compact) changes no record: same values, same types
    (a str-valued enum stays its own enum), and a copy's fields set is its own."""
    demo = Path(__file__).parents[1] / "zhengai" / "graph_loader" / "demo"
    ds, errors = validate_folder(demo)
    assert not errors
    for record in ds.records():
        fresh = type(record).model_validate(record.model_dump())
        assert record == fresh
        types = {k: type(v) for k, v in record.__dict__.items()}
        assert types == {k: type(v) for k, v in fresh.__dict__.items()}
    metric = next(iter(ds.metrics.values()))
    copied = metric.model_copy(update={"unit": "人"})
    assert "unit" in copied.model_fields_set and copied.model_fields_set is not metric.model_fields_set

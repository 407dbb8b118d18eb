"""What a validated dataset was built into, kept between starts (``<state>/dataset.cache``): read back
only while its sources, its build and the code are the same, equal to a fresh validation and build in
every record, relationship and value, and never in the way of a start."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from zhengai.domain.models import SECTIONS, Dataset, ObservedValue
from zhengai.engine import Engine
from zhengai.engine.writes import WriteService
from zhengai.graph_loader import demo_path, validate_folder
from zhengai.graph_loader.dataset_cache import CACHE_FILE, cached_build, source_key
from zhengai.graph_loader.generators.synthetic import generate
from zhengai.stores import EmbeddedStore
from zhengai.stores.memory import GraphState

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 20)


def as_validated(dataset: Dataset) -> Dataset:
    """The build that keeps the dataset itself."""
    return dataset


def validated_dataset(folder: Path, state: Path) -> tuple[Dataset, list, bool]:
    """The dataset (cached as it is) of ``folder``, its errors and whether it came from the cache."""
    return cached_build(folder, state, as_validated)  # type: ignore[return-value]


@pytest.fixture(params=["demo", "synthetic"])
def folder(request, tmp_path) -> Path:
    """A dataset folder of its own: the bundled demo (YAML), or a synthetic one (CSV tables)."""
    out = tmp_path / "data"
    if request.param == "demo":
        shutil.copytree(demo_path(), out)
    else:
        generate("demo", 3, out)
    return out


def assert_same(a: Dataset, b: Dataset) -> None:
    """Every record field by field (with the fields it was given), every observation and history event."""
    for name in SECTIONS:
        left, right = a.section(name), b.section(name)
        assert list(left) == list(right)
        for key, record in left.items():
            other = right[key]
            assert type(other) is type(record) and other == record
            assert other.model_fields_set == record.model_fields_set
            assert other.model_dump_json() == record.model_dump_json()
    assert list(a.observations) == list(b.observations)
    assert a.history == b.history


def test_the_second_start_reads_what_the_first_validated(folder, tmp_path):
    state = tmp_path / "state"
    first, errors, hit = validated_dataset(folder, state)
    assert (errors, hit) == ([], False) and (state / CACHE_FILE).is_file()
    second, errors, hit = validated_dataset(folder, state)
    assert (errors, hit) == ([], True)
    fresh, _ = validate_folder(folder)
    assert_same(second, fresh)
    assert_same(first, fresh)


def test_the_graph_read_back_answers_as_the_graph_built(folder, tmp_path):
    """The embedded store's graph (what ``serve`` caches): the same nodes, relationships, observations and
    8字螺旋 history, and the same numbers and warnings, on a graph then written to."""
    state = tmp_path / "state"
    assert cached_build(folder, state, GraphState.of_dataset)[2] is False
    graph, errors, hit = cached_build(folder, state, GraphState.of_dataset)
    assert (errors, hit) == ([], True) and isinstance(graph, GraphState)
    built = GraphState.of_dataset(validate_folder(folder)[0])
    for name in ("_fixed", "_dated", "_kind", "_ids", "_out", "_in", "_up", "_down", "rank", "_events"):
        assert getattr(graph, name) == getattr(built, name), name
    assert graph.obs.ids == built.obs.ids
    for column in ("offsets", "dates", "values"):
        assert np.array_equal(getattr(graph.obs, column), getattr(built.obs, column))
    cached, validated = Engine(EmbeddedStore(graph)), Engine(EmbeddedStore(built))
    metric = max(built.ids("Metric"))
    for engine in (cached, validated):  # the same write on each, through the one write path
        done = WriteService(engine).record_observations([ObservedValue(metric, AS_OF, 1.0)])
        assert done.changed == 1
    a, b = cached.snapshot(AS_OF), validated.snapshot(AS_OF)
    assert a.goals.keys() == b.goals.keys() and a.metrics.keys() == b.metrics.keys()
    for gid in b.goals:
        assert a.goals[gid].attainment == b.goals[gid].attainment
    assert [w.node_id for w in cached.warnings(AS_OF)] == [w.node_id for w in validated.warnings(AS_OF)]
    assert cached_build(folder, state, as_validated)[2] is False  # another build: another key


def test_a_changed_source_file_is_validated_again(folder, tmp_path):
    state = tmp_path / "state"
    validated_dataset(folder, state)
    observations = folder / "observations.csv"
    metric = validate_folder(folder)[0].observations[0].metric
    with observations.open("a", encoding="utf-8") as out:
        out.write(f"{metric},2026-11-30,1\n")
    changed, errors, hit = validated_dataset(folder, state)
    assert (errors, hit) == ([], False)
    assert changed.observations[-1].metric == metric and changed.observations[-1].value == 1
    assert validated_dataset(folder, state)[2] is True  # rewritten for the new contents


def test_a_damaged_or_foreign_cache_is_ignored_and_rewritten(folder, tmp_path):
    state = tmp_path / "state"
    fresh, _, _ = validated_dataset(folder, state)
    cache = state / CACHE_FILE
    cache.write_bytes(cache.read_bytes()[: cache.stat().st_size // 2])  # a write cut short
    again, errors, hit = validated_dataset(folder, state)
    assert (errors, hit) == ([], False)
    assert_same(again, fresh)
    with cache.open("wb") as out:  # a cache of other sources (or other code): its key differs
        pickle.dump("another key", out)
        pickle.dump(Dataset(), out)
    assert validated_dataset(folder, state)[2] is False
    assert_same(validated_dataset(folder, state)[0], fresh)


def test_a_dataset_with_errors_is_never_cached(folder, tmp_path):
    state = tmp_path / "state"
    with (folder / "observations.csv").open("a", encoding="utf-8") as out:
        out.write("NO-SUCH-METRIC,2026-11-30,1\n")
    _, errors, hit = validated_dataset(folder, state)
    assert errors and not hit
    assert "NO-SUCH-METRIC" in " ".join(e.message for e in errors)
    assert not (state / CACHE_FILE).exists()


def test_the_key_follows_names_and_bytes_only(folder, tmp_path):
    key = source_key(folder, as_validated)
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    os.utime(copy / "dataset.yaml", (0, 0))
    assert source_key(copy, as_validated) == key  # another place, another time stamp: the same sources
    (copy / "dataset.yaml").write_bytes((copy / "dataset.yaml").read_bytes() + b"\n# a comment\n")
    assert source_key(copy, as_validated) != key


def cells(path: Path) -> list[tuple[str, list[tuple]]]:
    """Every sheet's rows of a workbook."""
    book = openpyxl.load_workbook(path, read_only=True)
    return [(sheet.title, list(sheet.iter_rows(values_only=True))) for sheet in book.worksheets]


def test_commands_on_the_embedded_store_use_the_cache_of_their_state_folder(tmp_path):
    """Two runs of a command (``export-xlsx``): the first writes the cache, the second reads it back
    without writing it again and gives the same workbook."""
    data, state = tmp_path / "data", tmp_path / "state"
    shutil.copytree(demo_path(), data)
    books = []
    for run in (1, 2):
        out = tmp_path / f"plan-{run}.xlsx"
        done = subprocess.run([sys.executable, "-m", "zhengai.cli", "export-xlsx", "--data", str(data),
                               "--state", str(state), "--as-of", AS_OF.isoformat(), str(out)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        books.append(cells(out))
        if run == 1:
            written = (state / CACHE_FILE).stat().st_mtime_ns
    assert (state / CACHE_FILE).stat().st_mtime_ns == written  # read, not written again
    assert books[0] == books[1] and len(books[0]) > 3


def test_observation_columns_come_back_as_arrays(tmp_path):
    folder = tmp_path / "data"
    generate("demo", 5, folder)
    validated_dataset(folder, tmp_path / "state")
    table = validated_dataset(folder, tmp_path / "state")[0].observations
    assert isinstance(table.values, np.ndarray) and table.values.dtype == np.float64


def test_a_state_folder_that_cannot_take_the_cache_changes_nothing(folder, tmp_path, caplog):
    state = tmp_path / "state"
    state.write_text("a file where the state folder should be", encoding="utf-8")
    dataset, errors, hit = validated_dataset(folder, state)
    assert (errors, hit) == ([], False)
    assert_same(dataset, validate_folder(folder)[0])
    assert "not written" in caplog.text


def test_a_write_killed_midway_leaves_nothing_behind_the_next_one(folder, tmp_path):
    """A cache is written to a temporary file renamed over it when whole; a server killed before the
    rename leaves that file, which the next written cache removes."""
    state = tmp_path / "state"
    state.mkdir()
    (state / ".dataset-killed").write_bytes(b"half a pickle")
    assert validated_dataset(folder, state)[2] is False
    assert sorted(p.name for p in state.iterdir()) == [CACHE_FILE]

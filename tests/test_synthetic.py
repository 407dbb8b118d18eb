"""The synthetic dataset generator: determinism, validity and returned counts (demo scale only)."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from zhengai.graph_loader import validate_folder
from zhengai.graph_loader.synthetic import CSV_TABLES, NODE_KINDS, SCALES, generate

FILES = ["dataset.yaml", *(f"{kind}.csv" for kind in CSV_TABLES)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("synthetic") / "demo"
    return out, generate("demo", 1, out)


def _bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES}


def test_scales() -> None:
    assert SCALES == ("demo", "college", "province")
    with pytest.raises(ValueError, match="unknown scale"):
        generate("campus", 1, Path("unused"))


def test_same_seed_gives_identical_bytes(demo: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    first, counts = demo
    assert generate("demo", 1, tmp_path / "again") == counts
    assert _bytes(tmp_path / "again") == _bytes(first)


def test_other_seed_gives_other_data(demo: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    first, _ = demo
    generate("demo", 2, tmp_path / "other")
    other, base = _bytes(tmp_path / "other"), _bytes(first)
    assert other["observations.csv"] != base["observations.csv"]
    assert other["subjects.csv"] != base["subjects.csv"]  # fictional names are drawn from the seed


def test_demo_passes_validation(demo: tuple[Path, dict[str, int]]) -> None:
    folder, counts = demo
    ds, errors = validate_folder(folder)
    assert not errors, "\n".join(f"{e.file}:{e.line}: {e.message}" for e in errors[:20])
    for kind in NODE_KINDS:
        assert len(ds.section(kind)) == counts[kind], kind
    assert len(ds.observations) == counts["observations"]
    assert 300 <= sum(counts[k] for k in NODE_KINDS) <= 600


def test_demo_has_the_college_shape(demo: tuple[Path, dict[str, int]]) -> None:
    ds, _ = validate_folder(demo[0])
    levels = Counter(g.level.value for g in ds.goals.values())
    assert set(levels) == {"SCHOOL", "MAJOR", "COURSE", "TEACHER", "STUDENT"}
    assert {u.system.value for u in ds.units.values()} == {
        "DECISION", "GENERATION", "RESOURCE", "SUPPORT", "SUPERVISION"}
    people = [s for s in ds.subjects.values() if s.level.value in ("TEACHER", "STUDENT")]
    assert people and all(s.unit and s.unit.startswith("XY-") for s in people)  # a 二级学院
    assert all(ds.units[s.unit].system.value == "GENERATION" for s in people if s.unit)
    assert any(len(g.supports) == 2 for g in ds.goals.values())
    assert all(not g.supports for g in ds.goals.values() if g.id.startswith("S-"))
    per_goal = Counter(link.goal for m in ds.metrics.values() for link in m.measures)
    assert all(per_goal[g.id] in (5, 6) for g in ds.goals.values() if g.level.value != "SCHOOL")
    dates = [o.at for o in ds.observations]
    assert min(dates) >= date(2025, 11, 1) and max(dates) <= date(2026, 10, 31)


def test_counts_match_the_files(demo: tuple[Path, dict[str, int]]) -> None:
    folder, counts = demo
    for kind, header in CSV_TABLES.items():
        with (folder / f"{kind}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert tuple(rows[0]) == header
        assert len(rows) - 1 == counts[kind], kind
    data = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    written = {kind for kind in ("units", "plans", "standards", "tasks", "schemes") if counts.get(kind)}
    assert set(data) == written and {"units", "plans", "standards", "tasks"} <= written  # empty ones left out
    for kind, records in data.items():
        assert len(records) == counts[kind], kind


def test_progress_goes_to_the_callback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messages: list[str] = []
    generate("demo", 3, tmp_path / "p", progress=messages.append)
    assert messages and any(m.startswith("goals ") for m in messages)
    assert capsys.readouterr().out == ""


def test_generate_command_writes_a_valid_dataset(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "gen"
    proc = subprocess.run([sys.executable, "-m", "zhengai.cli", "generate", "--scale", "demo", "--seed", "5",
                           "--out", str(out)], capture_output=True, text=True, check=True)
    assert "nodes" in proc.stdout
    check = subprocess.run([sys.executable, "-m", "zhengai.cli", "validate", str(out)], capture_output=True,
                           text=True, check=False)
    assert check.returncode == 0, check.stdout

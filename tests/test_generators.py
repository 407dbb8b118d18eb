"""The dataset generators: the shipped demo is what its builder writes, and a failed run leaves a
dataset folder as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhengai.graph_loader import demo_path
from zhengai.graph_loader.generators import demo, records
from zhengai.graph_loader.generators.names import YEAR_2026

DEMO_FILES = ("dataset.yaml", "observations.csv")


def test_the_shipped_demo_is_what_the_builder_writes(tmp_path: Path) -> None:
    written = demo.write(tmp_path)
    assert [p.name for p in written] == list(DEMO_FILES)
    for name in DEMO_FILES:
        assert (tmp_path / name).read_bytes() == (demo_path() / name).read_bytes(), (
            f"{name} differs from the builder's output: run python -m zhengai.graph_loader.demo_build")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(DEMO_FILES)  # no .part left behind


@pytest.mark.parametrize("writer_class", [records.DatasetWriter, records.CsvDatasetWriter])
def test_a_failed_run_leaves_the_folder_as_it_was(tmp_path: Path, writer_class: type) -> None:
    before = {"dataset.yaml": b"units: []\n",
              "observations.csv": b"metric,at,value,source\nm1,2026-01-01,1,\n"}
    for name, data in before.items():
        (tmp_path / name).write_bytes(data)
    with pytest.raises(RuntimeError, match="halfway"), writer_class(tmp_path, "# header\n") as writer:
        writer.add("goals", records.goal("G1", "目标", "SCHOOL", period=YEAR_2026, owner="ZGB"))
        writer.observe("m1", "2026-02-01", 2.0)
        raise RuntimeError("halfway")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_completed_run_replaces_the_files(tmp_path: Path) -> None:
    (tmp_path / "observations.csv").write_text("old\n", encoding="utf-8")
    with records.DatasetWriter(tmp_path, "# header\n") as writer:
        writer.add("goals", records.goal("G1", "目标", "SCHOOL", period=YEAR_2026, owner="ZGB",
                                         supports=[("S", 2)]))
        writer.observe("m1", "2026-02-01", 2.0)
    assert (tmp_path / "observations.csv").read_text(encoding="utf-8") == (
        "metric,at,value,source\nm1,2026-02-01,2,\n")
    assert "  - id: G1" in (tmp_path / "dataset.yaml").read_text(encoding="utf-8")
    assert (writer.counts["goals"], writer.counts["supports"], writer.counts["observations"]) == (1, 1, 1)

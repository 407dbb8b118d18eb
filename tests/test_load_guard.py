"""`zhengai load --replace` on a real Neo4j: an empty dataset is refused, and a dataset that would remove
more than `--max-shrink` (default 50 %) of the graph's nodes is refused unless `--force`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import WORKED
from zhengai.cli import _shrink_refusal
from zhengai.graph_loader import demo_path

DEMO_COUNTS = (557, 1743)
WORKED_COUNTS = (7, 9)


@pytest.fixture
def neo4j(neo4j_datasets):
    """The test database holding the demo (loaded again only after a test changed it)."""
    store = neo4j_datasets.engine(demo_path()).store
    assert store.counts() == DEMO_COUNTS
    yield store
    if store.counts() != DEMO_COUNTS:
        neo4j_datasets.forget()


def _load(store: Any, folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "ZHENGAI_LOAD_MAX_SHRINK"}
    return subprocess.run([sys.executable, "-m", "zhengai.cli", "load", str(folder), "--neo4j",
                           store.settings.uri, *args], capture_output=True, text=True, check=False,
                          timeout=300, env={**clean, **env})


def test_an_empty_dataset_is_refused_and_the_graph_kept(neo4j, tmp_path):
    (tmp_path / "dataset.yaml").write_text("", encoding="utf-8")
    run = _load(neo4j, tmp_path, "--replace", "--force")
    assert run.returncode == 1
    assert f"{tmp_path}/dataset.yaml:1: empty" in run.stderr and "nothing loaded" in run.stderr
    assert "Traceback" not in run.stderr
    assert neo4j.counts() == DEMO_COUNTS


def test_a_replace_that_shrinks_the_graph_by_more_than_half_is_refused(neo4j):
    run = _load(neo4j, WORKED, "--replace")
    assert run.returncode == 1
    assert "--replace would shrink the graph from 557 to 7 nodes (−99 %, more than the allowed 50 %)" in \
        run.stderr, run.stderr
    assert "--force" in run.stderr and "nothing loaded" in run.stderr
    assert neo4j.counts() == DEMO_COUNTS


def test_the_rule():
    assert _shrink_refusal(0, 0, 50) is None  # an empty graph (empty datasets are refused by validation)
    assert _shrink_refusal(100, 100, 0) is None and _shrink_refusal(100, 500, 0) is None  # no shrink
    assert _shrink_refusal(100, 50, 50) is None  # exactly the allowed share
    assert "from 100 to 49 nodes (−51 %" in (_shrink_refusal(100, 49, 50) or "")
    assert _shrink_refusal(100, 1, 100) is None


def test_the_share_comes_from_the_environment(neo4j):
    run = _load(neo4j, WORKED, "--replace", ZHENGAI_LOAD_MAX_SHRINK="90")
    assert run.returncode == 1 and "more than the allowed 90 %" in run.stderr
    assert neo4j.counts() == DEMO_COUNTS


@pytest.mark.parametrize(("args", "env"), [(("--force",), {}), (("--max-shrink", "99"), {}),
                                      ((), {"ZHENGAI_LOAD_MAX_SHRINK": "100"})],
                         ids=["force", "max-shrink", "environment"])
def test_force_or_a_larger_share_replaces(neo4j, args, env):
    run = _load(neo4j, WORKED, "--replace", *args, **env)
    assert run.returncode == 0, run.stderr
    assert neo4j.counts() == WORKED_COUNTS


def test_a_merge_is_never_refused(neo4j):
    run = _load(neo4j, WORKED)
    assert run.returncode == 0, run.stderr
    neo4j.poll()  # the CLI's write, seen by this process's store
    assert neo4j.counts()[0] > DEMO_COUNTS[0] and {"S", "P1", "P2", "S-FACULTY"} <= neo4j.state.ids("Goal")


@pytest.mark.parametrize("value", ["150", "-1", "half"])
def test_a_bad_share_is_a_usage_error(value):
    nowhere = SimpleNamespace(settings=SimpleNamespace(uri="bolt://127.0.0.1:1"))  # refused before connecting
    run = _load(nowhere, WORKED, "--replace", "--max-shrink", value)
    assert run.returncode == 2
    assert "--max-shrink" in run.stderr and "Traceback" not in run.stderr
    env_run = _load(nowhere, WORKED, "--replace", ZHENGAI_LOAD_MAX_SHRINK=value)
    assert env_run.returncode == 2 and "Traceback" not in env_run.stderr

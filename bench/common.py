"""Shared helpers of the benchmarks: synthetic datasets, a Neo4j to talk to, percentiles."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def dataset(scale: str, seed: int = 7) -> Path:
    """The synthetic dataset of ``scale`` (generated once into bench/out/)."""
    from zhengai.graph_loader.generators.synthetic import generate

    folder = OUT / f"{scale}-{seed}"
    if not (folder / "dataset.yaml").exists():
        say(f"generating {scale} (seed {seed}) into {folder} …")
        started = time.perf_counter()
        generate(scale, seed, folder, progress=lambda m: say(f"  {m}"))
        say(f"  generated in {time.perf_counter() - started:.1f} s")
    return folder


def neo4j_uri() -> str:
    """NEO4J_URI, or a local server started with scripts/neo4j-local (left running)."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        return uri
    env = {**os.environ, "NEO4J_LOCAL_DIR": str(OUT / "neo4j"), "NEO4J_LOCAL_HEAP": "4g",
           "NEO4J_LOCAL_PAGECACHE": "2g"}
    out = subprocess.run([str(ROOT / "scripts" / "neo4j-local"), "start"], capture_output=True, text=True,
                         check=True, env=env)
    return out.stdout.strip().splitlines()[-1]


def timings(fn: Callable[[], object], repeat: int) -> list[float]:
    """Seconds of ``repeat`` calls of ``fn``."""
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), by the inclusive method."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[max(0, min(98, round(q) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"

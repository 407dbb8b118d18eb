"""How long `zhengai serve` takes from launch to its first answer on /healthz, and its resident memory
then, against the baselines of the bundled demo and of the Python interpreter alone, in the same run.

    .venv/bin/python -m bench.startup [--runs 5]                      # the demo against bare python
    .venv/bin/python -m bench.startup --data college [--runs 3]      # bench/out/college-7 (generated once)

``--data`` takes a dataset folder or a scale name (``college``, ``province``: generated into bench/out/).
``--phases`` also times, in this process, where a start goes (validation, observations, the store, the
first evaluation) with the resident memory after each.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import dataset, say
from bench.launch import free_port
from bench.loadgen import rss_mb


def listening(port: int) -> bool:
    """Whether something accepts connections on the port (a cheap probe: no HTTP client per try)."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def serve_once(data: Path | None, client: httpx.Client, state: Path) -> tuple[float, float]:
    """Seconds from launch to the first /healthz answer, and the server's RSS in MB at that moment (the
    probe costs the machine almost nothing while the server starts: a socket connect every 20 ms).
    ``data`` is served with the state folder ``state`` (where its first start caches the built graph)."""
    port = free_port()
    cmd = [sys.executable, "-m", "zhengai.cli", "serve", "--port", str(port)]
    if data is not None:
        cmd += ["--data", str(data), "--state", str(state)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if listening(port):
                try:
                    client.get(f"http://127.0.0.1:{port}/healthz")
                    return time.perf_counter() - started, rss_mb(proc.pid)[0]
                except httpx.TransportError:
                    pass
            if proc.poll() is not None:
                raise SystemExit(f"zhengai serve exited with {proc.returncode}")
            time.sleep(0.02)
    finally:
        proc.terminate()
        proc.wait()


def bare_python() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def resolve(data: str) -> Path:
    """A dataset folder, or the synthetic dataset of a scale name (seed 7)."""
    folder = Path(data)
    return folder if folder.is_dir() else dataset(data)


def _rss_now() -> float:
    """This process's resident memory in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS"))


def phases(folder: Path) -> None:
    """CPU and wall seconds of each step of an embedded start as ``serve`` makes it (the collector paused
until the graph is frozen), then of the first 监测预警, with the RSS after each (in this process)."""
    import gc
    from datetime import date

    from zhengai.domain.allocation import collector_paused
    from zhengai.engine import Engine
    from zhengai.graph_loader import load_dataset
    from zhengai.graph_loader.dataset_cache import cached_build, write_cache
    from zhengai.stores import EmbeddedStore
    from zhengai.stores.memory import GraphState

    held: dict[str, Any] = {}
    scratch = tempfile.TemporaryDirectory(prefix="zhengai-phases-")  # (the cache: 130 MB on college)
    state = Path(scratch.name)
    build = GraphState.of_dataset
    steps = [("validation (load_dataset)", lambda: held.setdefault("ds", load_dataset(folder))),
             ("graph (GraphState)", lambda: held.update(graph=build(held.pop("ds")))),
             ("  cache written (1st start)", lambda: write_cache(folder, state, held["graph"], build)),
             ("  cache read (a restart)", lambda: held.update(graph=cached_build(folder, state, build)[0])),
             ("store (EmbeddedStore)", lambda: held.setdefault("store", EmbeddedStore(held.pop("graph")))),
             ("first evaluation (snapshot)", lambda: Engine(held["store"]).snapshot()),
             ("gc.freeze", gc.freeze),
             ("监测预警 of 2026-11-01", lambda: Engine(held["store"]).warnings(date(2026, 11, 1)))]
    print(f"{'phase':28} {'wall s':>8} {'cpu s':>8} {'RSS MB after':>13}")
    print(f"{'(interpreter + imports)':28} {'':>8} {'':>8} {_rss_now():13.0f}")
    paused = collector_paused()
    paused.__enter__()  # as serve does until the graph is frozen
    for name, step in steps:
        wall, cpu = time.perf_counter(), time.process_time()
        step()
        if step is gc.freeze:
            paused.__exit__(None, None, None)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{name:28} {wall:8.2f} {cpu:8.2f} {_rss_now():13.0f}")
    nodes = sum(len(v) for v in held["store"].state._ids.values())
    print(f"{nodes} nodes: {_rss_now() * 1024 * 1024 / nodes:.0f} bytes of resident memory per node")
    scratch.cleanup()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data", help="a dataset folder or a scale name (college, province)")
    ap.add_argument("--phases", action="store_true", help="also time each step of a start in this process")
    args = ap.parse_args()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    folder = resolve(args.data) if args.data else None
    runs: dict[str, list[tuple[float, float]]] = {"demo": []}
    if folder is not None:  # a first start validates (and caches); a restart on its state reads the cache
        first, again = f"{folder.name}, first start", f"{folder.name}, restart"
        runs[first], runs[again] = [], []
    with httpx.Client(timeout=5) as client:
        for r in range(args.runs):  # interleaved: the demo, then the dataset's first start and restart
            with tempfile.TemporaryDirectory() as state:
                for name in runs:
                    data = None if name == "demo" else folder
                    runs[name].append(serve_once(data, client, Path(state)))
                    say(f"run {r + 1} {name}: {runs[name][-1][0]:.2f} s, {runs[name][-1][1]:.0f} MB")
    bare = [bare_python() for _ in range(args.runs)]
    print(f"load average at start {load}, at end {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} CPUs); {args.runs} runs each, interleaved")
    print(f"{'zhengai serve':28} {'first /healthz p50':>19} {'max':>8} {'RSS p50':>10} {'max':>8}")
    for name, found in runs.items():
        seconds, rss = [s for s, _ in found], [m for _, m in found]
        print(f"{name:28} {statistics.median(seconds):17.2f} s {max(seconds):6.2f} s "
              f"{statistics.median(rss):7.0f} MB {max(rss):5.0f} MB")
    print(f"{'bare python3 start':28} {statistics.median(bare):17.3f} s")
    demo = statistics.median(s for s, _ in runs["demo"])
    print(f"ratio demo/bare: {demo / statistics.median(bare):.1f}×")
    if folder is not None:
        demo_rss = statistics.median(m for _, m in runs["demo"])
        for name in (first, again):
            big = statistics.median(s for s, _ in runs[name])
            big_rss = statistics.median(m for _, m in runs[name])
            print(f"ratio {name}/demo: {big / demo:.1f}× (time), {big_rss / demo_rss:.1f}× (RSS)")
        restart, cold = (statistics.median(s for s, _ in runs[name]) for name in (again, first))
        print(f"ratio restart/first start: {restart / cold:.2f}×")
        if args.phases:
            phases(folder)


if __name__ == "__main__":
    main()

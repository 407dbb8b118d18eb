"""Load: traceImpact and goals at 1, 8, 32 and 128 connections against a real `zhengai serve` on the
`college` dataset — throughput, p50/p99 latency, errors, timeouts and 503 refusals — with admission
control on (the default settings) and, as the baseline in the same run, off (ZHENGAI_MAX_INFLIGHT=0:
every operation on the event loop, nothing refused — the service as it was). One server per mode,
all up together; the runs of the modes alternate, so that other load on the machine falls on both.

    .venv/bin/python -m bench.load [--seconds 20] [--connections 1,8,32,128] [--seed 1]
                                   [--modes off,on[,on-no-backoff][,on+VAR=VALUE…]] [--timeout 10]

Clients are closed loops (each connection sends its next request when the previous one is answered),
each on an httpx async client of its own, spread over two client processes (``--client-processes``).
A refused request (503) waits its Retry-After before the connection sends again (``on``), or not at
all (``on-no-backoff``: a storm of immediate retries).
A probe in a process of its own reads /healthz every 100 ms during each run. Latencies are of the
answered requests only; the 503s are counted apart with their own p99. "client" is the CPU the load
generators used (100 % = one core): near 100 % per process they, not the service, limit the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import csv
import os
import random
import resource
import ssl
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.common import dataset, pct, say
from zhengai.queries import graphql_operations

AS_OF = "2026-11-20"
LEVELS = ["SCHOOL", "MAJOR", "COURSE", "TEACHER", "STUDENT"]
MODES = {
    "off": {"ZHENGAI_MAX_INFLIGHT": "0"},  # the baseline: no admission control, execution on the loop
    "on": {},  # the defaults (ZHENGAI_MAX_INFLIGHT 4, ZHENGAI_MAX_QUEUE 32, ZHENGAI_QUEUE_WAIT 0.5 s)
    "on-no-backoff": {},
}


def mode_env(mode: str) -> dict[str, str]:
    """The environment of a mode: one of MODES, with settings added, e.g. ``on+ZHENGAI_MAX_INFLIGHT=4``."""
    name, *settings = mode.split("+")
    return {**MODES[name], **dict(s.split("=", 1) for s in settings)}


@dataclass
class Run:
    """What one (operation, connections) run saw."""

    ok: list[float] = field(default_factory=list)  # seconds of each answered request
    refused: list[float] = field(default_factory=list)  # seconds until each 503
    errors: Counter[str] = field(default_factory=Counter)
    timeouts: int = 0
    health: list[float] = field(default_factory=list)  # seconds of each /healthz probe
    seconds: float = 0.0
    client_cpu: float = 0.0


class Requests:
    """The two operations with random arguments from the dataset (seeded)."""

    def __init__(self, metrics: list[str], goal_counts: dict[str, int], seed: int):
        ops = graphql_operations()
        self.trace, self.goals = ops["trace_impact"], ops["goals"]
        self.metrics, self.goal_counts = metrics, goal_counts
        self.seed = seed
        self.rng = random.Random(seed)

    def reseeded(self, offset: int) -> Requests:
        return Requests(self.metrics, self.goal_counts, self.seed * 1000 + offset)

    def body(self, operation: str) -> dict[str, Any]:
        if operation == "traceImpact":
            return {"query": self.trace, "variables": {"metricId": self.rng.choice(self.metrics),
                                                       "asOf": AS_OF}}
        level = self.rng.choice(LEVELS)
        offset = self.rng.randrange(max(1, min(self.goal_counts[level], 5000)))
        after = None if offset == 0 else _cursor(offset - 1)
        return {"query": self.goals,
                "variables": {"level": level, "asOf": AS_OF, "first": 20, "after": after}}


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"goal:{offset}".encode()).decode()


async def connections_of_one_process(url: str, requests: Requests, operation: str, connections: int,
                                     seconds: float, timeout: float, backoff: bool) -> Run:
    """``connections`` closed-loop connections (each its own httpx client and TCP connection)."""
    run = Run()
    tls = ssl.create_default_context()  # one for all the clients (plain HTTP here; httpx wants one)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout, verify=tls)
               for _ in range(connections)]

    async def connection(client: httpx.AsyncClient) -> None:
        while time.monotonic() < deadline:
            body = requests.body(operation)
            started = time.perf_counter()
            try:
                response = await client.post("/graphql", json=body)
            except httpx.TimeoutException:
                run.timeouts += 1
                continue
            except httpx.TransportError as exc:
                run.errors[type(exc).__name__] += 1
                continue
            elapsed = time.perf_counter() - started
            if response.status_code == 503:
                run.refused.append(elapsed)
                if backoff:
                    await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
            elif response.status_code != 200:
                run.errors[f"HTTP {response.status_code}"] += 1
            elif "errors" in (answer := response.json()):
                run.errors[answer["errors"][0].get("extensions", {}).get("code", "error")] += 1
            else:
                run.ok.append(elapsed)

    await asyncio.gather(*(c.get("/healthz") for c in clients))  # connected before the clock starts
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(connection(c) for c in clients))
    after = resource.getrusage(resource.RUSAGE_SELF)
    run.client_cpu = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    for client in clients:
        await client.aclose()
    return run


def client_process(url: str, requests: Requests, operation: str, connections: int, seconds: float,
                   timeout: float, backoff: bool) -> Run:
    return asyncio.run(connections_of_one_process(url, requests, operation, connections, seconds, timeout,
                                                  backoff))


def drive(url: str, requests: Requests, operation: str, connections: int, seconds: float, timeout: float,
          backoff: bool, processes: int = 2) -> Run:
    """The load of ``connections`` spread over ``processes`` client processes, and the /healthz probe."""
    processes = min(processes, connections)
    shares = [connections // processes + (i < connections % processes) for i in range(processes)]
    started = time.perf_counter()
    with ProcessPoolExecutor(processes + 1) as pool:
        health = pool.submit(probe, url, seconds, timeout)
        parts = [pool.submit(client_process, url, requests.reseeded(i), operation, n, seconds, timeout,
                             backoff) for i, n in enumerate(shares)]
        run = Run(health=health.result())
        for part in parts:
            done = part.result()
            run.ok += done.ok
            run.refused += done.refused
            run.errors += done.errors
            run.timeouts += done.timeouts
            run.client_cpu += done.client_cpu
    run.seconds = time.perf_counter() - started
    run.client_cpu /= run.seconds
    return run


def probe(url: str, seconds: float, timeout: float) -> list[float]:
    """Seconds of each /healthz read, every 100 ms for ``seconds`` (run in a process of its own)."""
    out = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=url, timeout=timeout) as client:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                client.get("/healthz")
                out.append(time.perf_counter() - started)
            except httpx.HTTPError:
                out.append(timeout)
            time.sleep(0.1)
    return out


def serve(folder: Path, state: Path, port: int, env: dict[str, str]) -> subprocess.Popen:
    """``zhengai serve`` on ``folder``, started (see :func:`wait_ready`); its output in state/serve.log."""
    state.mkdir(parents=True)
    log = (state / "serve.log").open("w")
    return subprocess.Popen([sys.executable, "-m", "zhengai.cli", "serve", "--data", str(folder), "--state",
                             str(state), "--port", str(port)], env={**os.environ, **env},
                            stdout=log, stderr=subprocess.STDOUT)


def wait_ready(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            httpx.get(f"{url}/healthz", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"the server did not start: {log.read_text()[-2000:]}")


def ms(seconds: list[float], q: float) -> str:
    return f"{pct(seconds, q) * 1000:8.1f}" if seconds else "       –"


WIDTH = 30  # of the mode column


def line(mode: str, operation: str, connections: int, run: Run) -> str:
    errors = sum(run.errors.values())
    detail = f"  {dict(run.errors)}" if errors else ""
    return (f"{mode:<{WIDTH}}{operation:<12}{connections:>5}{len(run.ok) / run.seconds:>9.1f}"
            f"{ms(run.ok, 50)}{ms(run.ok, 99)}{len(run.refused):>7}{ms(run.refused, 99)}"
            f"{errors:>7}{run.timeouts:>9}{ms(run.health, 99)}{run.client_cpu * 100:>6.0f}%{detail}")


HEADER = (f"{'mode':<{WIDTH}}{'operation':<12}{'conn':>5}{'ok/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'503s':>7}"
          f"{'503 p99':>8}{'errors':>7}{'timeouts':>9}{'healthz p99':>8}{'client':>7}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--connections", default="1,8,32,128")
    ap.add_argument("--operations", default="traceImpact,goals")
    ap.add_argument("--modes", default="off,on")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=10, help="client timeout per request (seconds)")
    ap.add_argument("--port", type=int, default=18731)
    ap.add_argument("--client-processes", type=int, default=2, help="load generator processes")
    args = ap.parse_args()
    levels = [int(c) for c in args.connections.split(",")]
    operations = args.operations.split(",")

    folder = dataset("college", args.seed)
    say(f"dataset {folder}; load average {os.getloadavg()} ({os.cpu_count()} CPUs)")
    with (folder / "metrics.csv").open(encoding="utf-8") as f:  # the ids only: no need to load it all
        metrics = random.Random(args.seed).sample(sorted(r["id"] for r in csv.DictReader(f)), 500)
    with (folder / "goals.csv").open(encoding="utf-8") as f:
        goal_counts = Counter(r["level"] for r in csv.DictReader(f))
    modes = args.modes.split(",")
    rows = []
    with tempfile.TemporaryDirectory(prefix="zhengai-load-") as state:
        servers = {}
        try:
            for i, mode in enumerate(modes):  # one server per mode, all up at once: runs interleave
                say(f"[{mode}] starting zhengai serve --data {folder.name} {mode_env(mode)} …")
                servers[mode] = (serve(folder, Path(state) / mode, args.port + i, mode_env(mode)),
                                 f"http://127.0.0.1:{args.port + i}")
                wait_ready(*servers[mode], Path(state) / mode / "serve.log")  # one start at a time: memory
            requests = Requests(metrics, goal_counts, args.seed)
            for _, url in servers.values():  # warm-up: the evaluation at AS_OF, caches
                for operation in operations:
                    drive(url, requests, operation, 4, 3, 60, True)
            for operation in operations:
                for connections in levels:
                    for mode, (_, url) in servers.items():
                        run = drive(url, requests, operation, connections, args.seconds, args.timeout,
                                    backoff=not mode.startswith("on-no-backoff"),
                                    processes=args.client_processes)
                        rows.append(line(mode, operation, connections, run))
                        say(rows[-1])
        finally:
            for proc, _ in servers.values():
                proc.terminate()
                proc.wait(timeout=30)
    print(f"college (seed {args.seed}); {args.seconds:g} s per run; client timeout {args.timeout:g} s; "
          f"load average at the end {os.getloadavg()}")
    print(HEADER)
    print("\n".join(rows))


if __name__ == "__main__":
    main()

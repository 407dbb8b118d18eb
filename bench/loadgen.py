"""A small closed-loop HTTP/1.1 load generator for the throughput benchmarks: N keep-alive connections,
each sending the next prepared request as soon as the previous answer is in (requests are encoded once,
so the client costs a few tens of µs per request and leaves the cores to the servers it measures)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench.common import ROOT, pct


@dataclass
class Run:
    """What one closed-loop run measured."""

    connections: int
    seconds: float
    latencies: list[float]
    failures: int
    failed: list[bytes] = field(default_factory=list)  # the first few failed answers (head and body)

    @property
    def rate(self) -> float:
        """Answered requests per second."""
        return len(self.latencies) / self.seconds

    @property
    def p50(self) -> float:
        return pct(self.latencies, 50)

    @property
    def p99(self) -> float:
        return pct(self.latencies, 99)


def graphql_requests(url: str, bodies: Sequence[dict[str, Any]]) -> list[bytes]:
    """Each GraphQL body as a whole HTTP/1.1 POST to ``url`` (keep-alive)."""
    parts = urlsplit(url)
    out = []
    for body in bodies:
        payload = json.dumps(body, ensure_ascii=False).encode()
        head = (f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n")
        out.append(head.encode() + payload)
    return out


async def _connection(host: str, port: int, requests: Sequence[bytes], start: int, deadline: float,
                      latencies: list[float], failures: list[int], check: bytes | None,
                      failed: list[bytes]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = start
    try:
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            writer.write(requests[i % len(requests)])
            i += 1
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            body = await reader.readexactly(length)
            ok = head.startswith(b"HTTP/1.1 200") and (check is None or check not in body)
            if ok:
                latencies.append(time.perf_counter() - began)
            else:
                failures[0] += 1
                if len(failed) < 3:
                    failed.append(head + body)
    finally:
        writer.close()


async def _run(url: str, requests: Sequence[bytes], connections: int, seconds: float,
               check: bytes | None) -> Run:
    parts = urlsplit(url)
    latencies: list[float] = []
    failures = [0]
    failed: list[bytes] = []
    started = time.perf_counter()
    deadline = started + seconds
    step = max(1, len(requests) // connections)
    await asyncio.gather(*(_connection(parts.hostname or "127.0.0.1", parts.port or 80, requests, c * step,
                                       deadline, latencies, failures, check, failed)
                           for c in range(connections)))
    return Run(connections, time.perf_counter() - started, latencies, failures[0], failed)


def closed_loop(url: str, requests: Sequence[bytes], connections: int, seconds: float,
                check: bytes | None = b'"errors"') -> Run:
    """``connections`` connections sending ``requests`` round robin for ``seconds``; a request whose
    answer is not 200 or contains ``check`` counts as failed."""
    return asyncio.run(_run(url, requests, connections, seconds, check))


@contextmanager
def process(cmd: Sequence[str], ready_url: str, timeout: float = 600, env: dict[str, str] | None = None,
            cwd: Path = ROOT) -> Iterator[subprocess.Popen]:
    """A server process, once ``ready_url`` answers; stopped (its process group) afterwards."""
    proc = subprocess.Popen(list(cmd), cwd=cwd, env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                httpx.get(ready_url, timeout=2)
                break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{cmd[0]} did not start: {proc.communicate()[1][-3000:]}")
            time.sleep(0.2)
        yield proc
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def zhengai(*args: str) -> list[str]:
    """The command line of ``zhengai ARGS`` with this interpreter."""
    return [sys.executable, "-m", "zhengai.cli", *args]


def rss_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of a process and its children, in MB (PSS splits shared pages between sharers)."""
    pids = [pid, *_children(pid)]
    rss = pss = 0.0
    for p in pids:
        try:
            text = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1]) / 1024
            elif line.startswith("Pss:"):
                pss += int(line.split()[1]) / 1024
    return rss, pss


def _children(pid: int) -> list[int]:
    try:
        found = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return found + [g for c in found for g in _children(c)]

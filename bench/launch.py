"""A server as a process of its own, for the benchmarks and the tests: started, awaited, stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StartFailed(RuntimeError):
    """A launched process exited, or did not become ready in time; the message ends with its log."""


def healthy(url: str) -> Callable[[], bool]:
    """A readiness probe: ``url``/healthz answers 200."""
    return lambda: httpx.get(f"{url}/healthz", timeout=2).status_code == 200


def zhengai_serve(*args: str) -> list[str]:
    """The command line of ``zhengai serve ARGS`` in this interpreter."""
    return [sys.executable, "-m", "zhengai.cli", "serve", *args]


@contextmanager
def launched(cmd: list[str], ready: Callable[[], bool], *, env: dict[str, str] | None = None,
             cwd: Path = ROOT, timeout: float = 90, grace: float = 30) -> Iterator[subprocess.Popen[str]]:
    """``cmd`` in its own session with ``env`` added (its output to a temporary file: a chatty server
    never blocks on a pipe), yielded once ``ready()`` holds (a transport error counts as not yet);
    stopped afterwards with SIGTERM, then SIGKILL to its process group after ``grace`` seconds."""
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=log,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    if ready():
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise StartFailed(f"{Path(cmd[0]).name} {' '.join(cmd[1:4])} … did not start "
                                      f"(exit {proc.poll()}): {log.read()[-3000:]}")
                time.sleep(0.1)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)

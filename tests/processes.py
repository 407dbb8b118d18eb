"""Real `zhengai serve` processes for the tests of several workers and replicas."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def serving(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Iterator[str]:
    """``zhengai serve ARGS`` on a free loopback port; yields its URL once /healthz answers, and stops it
    (SIGTERM, then SIGKILL) afterwards."""
    port = free_port()
    cmd = [sys.executable, "-m", "zhengai.cli", "serve", "--port", str(port), *args]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the server did not start: {proc.communicate()[0][-3000:]}")
            time.sleep(0.1)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=10)


def post(client: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    """A GraphQL request that must succeed; its data."""
    body = client.post("/graphql", json={"query": query, "variables": variables}, timeout=30).json()
    assert not body.get("errors"), body
    return body["data"]


def wait_for(check: Any, within: float, every: float = 0.02) -> float:
    """Seconds until ``check()`` is true; fails after ``within`` seconds."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > within:
            pytest.fail(f"not within {within} s")
        time.sleep(every)
    return time.monotonic() - started

"""Real `zhengai serve` processes for the tests of several workers and replicas."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.servers import serving

__all__ = ["post", "serving", "wait_for"]


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

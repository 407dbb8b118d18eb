"""``/healthz`` (liveness: answers at once, touches nothing) and ``/readyz`` (readiness: each dependency
checked within a short timeout; 200 when all are ready, else 503).

Readiness checks: ``store`` — the embedded store is ready once served, a Neo4j store must accept a
connection; ``identityProvider`` — with ZHENGAI_JWKS as a URL, the key set must be fetchable;
``state`` — the embedded store's state folder (journals) must be writable. Details stay generic
(no addresses or paths): the probes answer anonymous callers.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse

from zhengai.domain.errors import StoreUnavailableError
from zhengai.server.admission import Admission
from zhengai.stores.base import GraphStore

#: Seconds each readiness check may take.
CHECK_TIMEOUT = 2.0
#: Seconds a readiness answer is reused.
REUSE = 1.0


@dataclass
class Health:
    """The two probes of one service."""

    store: GraphStore
    store_name: str
    admission: Admission
    state: Path | None = None  # the embedded store's state folder (None: nothing written locally)
    jwks_url: str | None = None  # the identity provider's key set, when it is a URL
    timeout: float = CHECK_TIMEOUT
    _checking: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    _last: tuple[float, tuple[bool, dict[str, object]]] | None = field(default=None, init=False)

    async def healthz(self, _: Request) -> JSONResponse:
        """Liveness: the process serves requests (no store access, so it answers during an outage)."""
        return JSONResponse({"status": "ok", "store": self.store_name, "running": self.admission.running,
                             "queued": self.admission.queued, "refused": self.admission.refused})

    async def readyz(self, _: Request) -> JSONResponse:
        """Readiness: every dependency answers; 503 naming the ones that do not. Checked at most once per
        REUSE seconds (callers in between get the last answer: probes cannot be turned into a flood of
        requests to the identity provider)."""
        async with self._checking:
            if self._last is None or time.monotonic() - self._last[0] > REUSE:
                self._last = (time.monotonic(), await self._check())
            ready, body = self._last[1]
        return JSONResponse(body, status_code=200 if ready else 503)

    async def _check(self) -> tuple[bool, dict[str, object]]:
        checks: dict[str, Callable[[], str]] = {"store": self._store}
        if self.jwks_url:
            checks["identityProvider"] = self._jwks
        if self.state is not None:
            checks["state"] = self._state
        results = await asyncio.gather(*(self._run(check) for check in checks.values()))
        ready = all(r["ok"] for r in results)
        return ready, {"status": "ready" if ready else "unavailable",
                       "checks": dict(zip(checks, results, strict=True))}

    async def _run(self, check: Callable[[], str]) -> dict[str, object]:
        try:
            detail = await asyncio.wait_for(asyncio.to_thread(check), self.timeout)
        except TimeoutError:
            return {"ok": False, "detail": f"no answer within {self.timeout:g} s"}
        except Exception as exc:
            return {"ok": False, "detail": _describe(exc)}
        return {"ok": True, "detail": detail}

    def _store(self) -> str:
        driver = getattr(self.store, "driver", None)
        if driver is None:
            return f"{self.store_name}: in memory"
        from zhengai.stores.outage import check_reachable

        check_reachable(driver)
        return f"{self.store_name}: reachable"

    def _jwks(self) -> str:
        assert self.jwks_url is not None
        with urllib.request.urlopen(self.jwks_url, timeout=self.timeout) as response:
            keys = json.loads(response.read(1_000_000)).get("keys")
        if not isinstance(keys, list) or not keys:
            raise ValueError("the key set has no keys")
        return f"key set reachable ({len(keys)} keys)"

    def _state(self) -> str:
        assert self.state is not None
        with tempfile.NamedTemporaryFile(dir=self.state, prefix=".ready-"):
            pass
        return "writable"


def _describe(exc: Exception) -> str:
    """One generic line: the kind of failure, without addresses or paths."""
    if isinstance(exc, StoreUnavailableError):
        return str(exc)
    reason = getattr(exc, "reason", None)  # urllib's URLError wraps the socket's error
    if isinstance(reason, str):
        return f"unavailable: {reason}"
    if isinstance(reason, Exception):
        exc = reason
    if isinstance(exc, OSError) and exc.strerror:
        return f"unavailable: {exc.strerror}"
    return f"unavailable: {type(exc).__name__}"

"""``/healthz`` (liveness: answers at once, touches nothing) and ``/readyz`` (readiness: each dependency
checked within a short timeout; 200 when all are ready, else 503).

Readiness checks: ``store`` — :meth:`GraphStore.health` (the embedded store's state folder writable, the
Neo4j store's database reachable); ``identityProvider`` — with ZHENGAI_JWKS as a URL, the key set must be
held or fetchable; ``following`` — the thread applying other processes' writes had its last look
succeed (else this replica serves data that may be stale). Details stay generic (no addresses or
paths): the probes answer anonymous callers.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.error import URLError

import jwt
from starlette.requests import Request
from starlette.responses import JSONResponse

from zhengai.security.tokens import AuthConfig
from zhengai.server.admission import Admission
from zhengai.stores.base import GraphStore

#: Seconds each readiness check may take.
CHECK_TIMEOUT = 2.0
#: Seconds a readiness answer is reused.
REUSE = 1.0


class Followed(Protocol):
    """What readiness asks of the thread following other processes' writes."""

    #: monotonic time of the first failed look in a row (None: the last look worked)
    failing_since: float | None


@dataclass
class Health:
    """The two probes of one service."""

    store: GraphStore
    admission: Admission
    auth: AuthConfig | None = None
    follower: Followed | None = None
    timeout: float = CHECK_TIMEOUT
    _checking: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    _last: tuple[float, tuple[bool, dict[str, object]]] | None = field(default=None, init=False)

    async def healthz(self, _: Request) -> JSONResponse:
        """Liveness: the process serves requests (no store access, so it answers during an outage);
        with the data version and the admission counters."""
        a = self.admission
        return JSONResponse({"status": "ok", "store": self.store.name, "version": self.store.version,
                             "pid": os.getpid(), "running": a.running, "queued": a.queued,
                             "refused": a.refused})

    async def readyz(self, _: Request) -> JSONResponse:
        """Readiness: every dependency answers; 503 naming the ones that do not. Checked at most once per
        REUSE seconds (callers in between get the last answer: probes cannot be turned into a flood of
        requests to the database or the identity provider)."""
        async with self._checking:
            if self._last is None or time.monotonic() - self._last[0] > REUSE:
                self._last = (time.monotonic(), await self._check())
            ready, body = self._last[1]
        return JSONResponse(body, status_code=200 if ready else 503)

    async def _check(self) -> tuple[bool, dict[str, object]]:
        checks: dict[str, Callable[[], str]] = {"store": self._store}
        remote = self.auth.remote if self.auth is not None else None
        if remote is not None:
            checks["identityProvider"] = lambda: f"key set held ({remote.check()} keys)"
        if self.follower is not None:
            checks["following"] = self._following
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
            return {"ok": False, "detail": describe(exc)}
        return {"ok": True, "detail": detail}

    def _store(self) -> str:
        report = self.store.health()
        name = self.store.name
        if not report.get("ok"):
            raise _NotReady(f"{name}: " + ("the state folder cannot be written" if "writable" in report
                                           else "the database cannot be reached now"))
        return f"{name}: " + ("reachable" if "uri" in report else "journal writable" if "journal" in report
                              else "in memory")

    def _following(self) -> str:
        assert self.follower is not None
        since = self.follower.failing_since
        if since is not None:
            seconds = time.monotonic() - since
            raise _NotReady(f"other processes' writes cannot be followed (for {seconds:.0f} s)")
        return "current"


class _NotReady(Exception):
    """A check's own generic explanation."""


def describe(exc: BaseException) -> str:
    """One generic line for a failed check: the kind of failure, without addresses or paths."""
    if isinstance(exc, _NotReady):
        return str(exc)
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 10:
        chain.append(seen.reason if isinstance(seen, URLError) and isinstance(seen.reason, OSError) else seen)
        seen = seen.__cause__ or seen.__context__
    for cause in chain:  # a refused or timed-out connection first …
        if isinstance(cause, TimeoutError):
            return "unavailable: no answer in time"
        if isinstance(cause, OSError) and cause.strerror:
            return f"unavailable: {cause.strerror}"
    if any(isinstance(c, ValueError | jwt.PyJWKSetError | jwt.PyJWKClientError) for c in chain[1:]):
        return "unavailable: not a usable key set"  # … else an answer that is not a key set
    return f"unavailable: {type(exc).__name__}"

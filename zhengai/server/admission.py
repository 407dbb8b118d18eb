"""Admission control: a bounded number of operations in flight and a short bounded queue; past it a
request is refused at once with HTTP 503, ``Retry-After`` and ``extensions.code: "OVERLOADED"``.

ZHENGAI_MAX_INFLIGHT (default 4): operations executing at once, on the worker threads of
:mod:`zhengai.server.offload` (the engine's work is Python and numpy under one interpreter lock, and
both stores answer reads from memory: more threads share the same cores rather than add any).
0 turns admission control off and runs operations on the event loop as before — for comparisons only.
ZHENGAI_MAX_QUEUE (default 32): requests waiting for a slot; one more is refused at once.
ZHENGAI_QUEUE_WAIT (default 0.5 s): the longest a request waits before it is refused.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send


def _env(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        return float(value) if value else default
    except ValueError:
        raise ValueError(f"{name} must be a number, got {value!r}") from None


@dataclass(frozen=True)
class AdmissionSettings:
    """How much work the service accepts at once (see the module docstring for the variables)."""

    max_inflight: int = field(default_factory=lambda: int(_env("ZHENGAI_MAX_INFLIGHT", 4)))
    max_queue: int = field(default_factory=lambda: int(_env("ZHENGAI_MAX_QUEUE", 32)))
    queue_wait: float = field(default_factory=lambda: _env("ZHENGAI_QUEUE_WAIT", 0.5))
    retry_after: int = 1  # seconds a refused caller is asked to wait

    def __post_init__(self) -> None:
        if self.max_inflight < 0 or self.max_queue < 0 or self.queue_wait < 0:
            raise ValueError("ZHENGAI_MAX_INFLIGHT, ZHENGAI_MAX_QUEUE and ZHENGAI_QUEUE_WAIT must not be "
                             f"negative (got {self.max_inflight}, {self.max_queue}, {self.queue_wait})")

    @property
    def enabled(self) -> bool:
        return self.max_inflight > 0


class OverloadedError(Exception):
    """No slot for this request now: the service is at capacity."""


class Admission:
    """Slots for operations on one event loop: first come, first served, bounded wait, bounded queue."""

    def __init__(self, settings: AdmissionSettings | None = None):
        self.settings = settings or AdmissionSettings()
        self.running = 0
        self.refused = 0
        self._waiting: deque[asyncio.Future[None]] = deque()

    @property
    def queued(self) -> int:
        return len(self._waiting)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot for the body of the ``async with``; OverloadedError when none comes in time."""
        await self.acquire()
        try:
            yield
        finally:
            self.release()

    async def acquire(self) -> None:
        """Take a slot, waiting in line at most ``queue_wait``; OverloadedError when none comes."""
        s = self.settings
        if not s.enabled:
            return
        if self.running < s.max_inflight and not self.queued:
            self.running += 1
            return
        if self.queued >= s.max_queue or s.queue_wait == 0:
            self.refused += 1
            raise OverloadedError(f"{self.running} operations running and {self.queued} waiting")
        ticket: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(ticket)
        try:
            await asyncio.wait({ticket}, timeout=s.queue_wait)
        except asyncio.CancelledError:  # the caller went away: give back a slot handed over meanwhile
            if ticket.done() and not ticket.cancelled():
                self.release()
            else:
                self._waiting.remove(ticket)
            raise
        if not ticket.done():  # no slot within queue_wait (nothing ran between the wait and here)
            self._waiting.remove(ticket)
            self.refused += 1
            raise OverloadedError(f"no slot within {s.queue_wait:g} s")
        # the slot was handed over by release (running was not decremented)

    def release(self) -> None:
        """Give the slot back: to the longest waiting request, if any."""
        if not self.settings.enabled:
            return
        while self._waiting:
            ticket = self._waiting.popleft()
            if not ticket.done():
                ticket.set_result(None)  # handed over: ``running`` stays as it is
                return
        self.running -= 1

    def refusal(self) -> Response:
        """The answer to a refused request: 503, Retry-After and a GraphQL error with code OVERLOADED."""
        wait = self.settings.retry_after
        message = (f"the service is at capacity ({self.settings.max_inflight} operations running, "
                   f"{self.settings.max_queue} waiting); retry after {wait} s")
        return JSONResponse({"errors": [{"message": message, "extensions": {"code": "OVERLOADED"}}]},
                            status_code=503, headers={"Retry-After": str(wait)})

    def asgi(self, app: ASGIApp) -> ASGIApp:
        """``app`` behind admission control for HTTP requests (websockets pass: their subscriptions are
        long-lived, and their operations stay on the event loop)."""
        return _Admitted(self, app)

    def endpoint(self, endpoint: Callable[[Request], Awaitable[Response]]
                 ) -> Callable[[Request], Awaitable[Response]]:
        """A plain starlette endpoint behind admission control."""

        async def admitted(request: Request) -> Response:
            try:
                await self.acquire()
            except OverloadedError:
                return self.refusal()
            try:
                return await endpoint(request)
            finally:
                self.release()

        return admitted


class _Admitted:
    """An ASGI app behind :class:`Admission` (a class, so that starlette's Route takes it as ASGI)."""

    def __init__(self, admission: Admission, app: ASGIApp):
        self.admission, self.app = admission, app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            await self.admission.acquire()
        except OverloadedError:
            await self.admission.refusal()(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.admission.release()

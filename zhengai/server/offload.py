"""GraphQL execution off the event loop: each HTTP query or mutation runs in a bounded pool of worker
threads, each thread with its own event loop for the request's DataLoaders.

The resolvers are synchronous where they compute (the engine's evaluations) or write (a journal record
and its fsync, a Neo4j transaction); run on the event loop they would hold every other request — and
``/healthz`` — until they finish.
Subscriptions and operations over websockets stay on the event loop (their DataLoaders belong to the
connection, and a subscription mostly waits).
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from strawberry.types import ExecutionResult

T = TypeVar("T")


class Offload:
    """A pool of ``workers`` threads that run coroutines, each thread on an event loop of its own."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="zhengai-operation")
        self._local = threading.local()

    async def run(self, make: Callable[[], Awaitable[T]]) -> T:
        """Await ``make()`` on a worker thread (the caller's context variables go along)."""
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._run, make, context)

    def _run(self, make: Callable[[], Awaitable[T]], context: contextvars.Context) -> T:
        runner: asyncio.Runner | None = getattr(self._local, "runner", None)
        if runner is None:
            runner = self._local.runner = asyncio.Runner()
        return runner.run(make(), context=context)  # type: ignore[arg-type]

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class OffloadedExecution:
    """Mixin for strawberry's ASGI view (before ``GraphQL`` in the bases): ``execute_single`` — one HTTP
    query or mutation — runs on :attr:`offload` (None: on the event loop), and an answer that could not
    reach the store gets HTTP 503 with ``Retry-After``."""

    offload: Offload | None = None
    retry_after: int = 1

    async def execute_single(self, request: Any, request_adapter: Any, sub_response: Any, context: Any,
                             root_value: Any, request_data: Any) -> ExecutionResult:
        def execute() -> Awaitable[ExecutionResult]:
            return super(OffloadedExecution, self).execute_single(  # type: ignore[misc]
                request=request, request_adapter=request_adapter, sub_response=sub_response,
                context=context, root_value=root_value, request_data=request_data)

        result = await (execute() if self.offload is None else self.offload.run(execute))
        if any((e.extensions or {}).get("code") == "STORE_UNAVAILABLE" for e in result.errors or ()):
            sub_response.status_code = 503
            sub_response.headers["Retry-After"] = str(self.retry_after)
        return result

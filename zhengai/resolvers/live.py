"""Live push of warnings (预警推送) to GraphQL subscribers, within one service process."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from zhengai.engine.monitoring import Warning

MAX_QUEUED = 1000


class WarningHub:
    """Fans the warnings raised by each write out to every open subscription (from any thread)."""

    def __init__(self) -> None:
        self._queues: dict[asyncio.Queue[Warning], asyncio.AbstractEventLoop] = {}

    def wants(self) -> bool:
        """Whether anyone is subscribed (writes compute the warnings they raise only then)."""
        return bool(self._queues)

    def publish(self, warnings: list[Warning]) -> None:
        """Hand ``warnings`` to every subscriber's queue, on its event loop's thread."""
        for queue, loop in list(self._queues.items()):
            if not loop.is_closed():  # a subscriber's loop may end while a write publishes
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(self._put, queue, list(warnings))

    @staticmethod
    def _put(queue: asyncio.Queue[Warning], warnings: list[Warning]) -> None:
        for w in warnings:
            if queue.qsize() < MAX_QUEUED:  # a stalled subscriber loses warnings, not memory
                queue.put_nowait(w)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[Warning]]:
        queue: asyncio.Queue[Warning] = asyncio.Queue()
        self._queues[queue] = asyncio.get_running_loop()
        try:
            yield queue
        finally:
            self._queues.pop(queue, None)

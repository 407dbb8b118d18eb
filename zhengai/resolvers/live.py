"""Live push of warnings (预警推送) to GraphQL subscribers, within one service process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from zhengai.engine.monitoring import Warning

MAX_QUEUED = 1000


class WarningHub:
    """Fans the warnings raised by each ingest out to every open subscription."""

    def __init__(self) -> None:
        self._queues: dict[asyncio.Queue[Warning], asyncio.AbstractEventLoop] = {}

    def publish(self, warnings: list[Warning]) -> None:
        """Called by the ingest that raised ``warnings``, on any thread (mutations run on worker
        threads): each subscriber's queue is filled on its own event loop."""
        for queue, loop in list(self._queues.items()):
            if loop.is_closed():
                continue
            loop.call_soon_threadsafe(_offer, queue, warnings)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[Warning]]:
        queue: asyncio.Queue[Warning] = asyncio.Queue()
        self._queues[queue] = asyncio.get_running_loop()
        try:
            yield queue
        finally:
            self._queues.pop(queue, None)


def _offer(queue: asyncio.Queue[Warning], warnings: list[Warning]) -> None:
    for w in warnings:
        if queue.qsize() < MAX_QUEUED:  # a stalled subscriber loses warnings, not memory
            queue.put_nowait(w)

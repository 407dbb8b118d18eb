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
        self._queues: set[asyncio.Queue[Warning]] = set()

    def publish(self, warnings: list[Warning]) -> None:
        """Called on the event loop's thread by the ingest that raised ``warnings``."""
        for queue in list(self._queues):
            for w in warnings:
                if queue.qsize() < MAX_QUEUED:  # a stalled subscriber loses warnings, not memory
                    queue.put_nowait(w)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[Warning]]:
        queue: asyncio.Queue[Warning] = asyncio.Queue()
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

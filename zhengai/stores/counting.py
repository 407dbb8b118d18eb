"""A store proxy that counts calls per method: round trips per request in tests and benchmarks."""

from __future__ import annotations

from collections import Counter
from typing import Any

from zhengai.stores.base import GraphStore

#: Reads that are served from the engine's per-version caches after their first call.
CACHED_READS = frozenset({"flow_graph", "latest_values", "latest_observations", "units", "tasks"})


class CountingStore:
    """Wraps a :class:`GraphStore`; ``calls`` counts every method call by name."""

    def __init__(self, inner: GraphStore):
        self.inner = inner
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attr(*args, **kwargs)

        return counted

    def round_trips(self, exclude: frozenset[str] = frozenset()) -> int:
        return sum(n for name, n in self.calls.items() if name not in exclude)

    def reset(self) -> None:
        self.calls.clear()


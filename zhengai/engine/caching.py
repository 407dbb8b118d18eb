"""A cache of values derived from one engine's store: kept per store version, the newest few by key.

Values are computed outside the lock (two callers may compute the same one; the first kept wins) and
dropped when the version they were computed for moves on.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from zhengai.engine.engine import Engine

V = TypeVar("V")


class VersionedLRU(Generic[V]):
    """Per engine: values by key for the current version, the ``size`` most recently used."""

    def __init__(self, size: int):
        self.size = size
        self._lock = threading.Lock()
        self._engines: weakref.WeakKeyDictionary[Engine, tuple[int, OrderedDict[Hashable, V]]] = \
            weakref.WeakKeyDictionary()

    def get(self, engine: Engine, version: int, key: Hashable, compute: Callable[[], V]) -> V:
        """The value of ``key`` for ``engine`` at ``version``, computed by ``compute`` when missing."""
        with self._lock:
            held = self._engines.get(engine)
            if held is None or held[0] != version:
                held = self._engines[engine] = (version, OrderedDict())
            found = held[1]
            if key in found:
                found.move_to_end(key)
                return found[key]
        value = compute()
        with self._lock:
            if self._engines.get(engine) is held:  # still the version it was computed for
                found[key] = value
                while len(found) > self.size:
                    found.popitem(last=False)
        return value

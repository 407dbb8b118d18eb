"""Building a college's hundreds of thousands of objects at once without the cyclic collector.

While a dataset is validated or a graph built, every few hundred new objects trigger a collection that
rescans all objects made so far, though almost none of them is garbage: on ``college`` that was a third
of validation and half of the store build (9.2 → 6.4 s and 4.4 → 2.2 s). :func:`collector_paused`
pauses it for such a build (nesting and threads share one pause) and restores it afterwards.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]

_lock = threading.Lock()
_holders = 0
_resume = False  # whether the collector was enabled when the first holder paused it


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (reference counting still frees objects)."""
    global _holders, _resume
    with _lock:
        if _holders == 0:
            _resume = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _resume:
                gc.enable()

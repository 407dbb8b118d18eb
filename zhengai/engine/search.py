"""Goal search (目标检索) by id and name: exact id first, then ids and names that begin with the text, then
those that contain it anywhere — Chinese included (no word segmentation is needed for a substring).

The index is built once per structure version and date epoch (the goals in force then) and rebuilt on the
first search after a write changed the graph, so every search answers from the graph as it stands. It holds
the goals in (level, id) order — 学校 first — as one case-folded text, ``\\x00id\\x01name`` per goal, which
``str.find`` scans in C; prefixes are two bisections over sorted keys. On ``college`` (32,390 goals) a
search takes well under a millisecond to a few (bench/dashboards.py).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from zhengai.domain.enums import LEVEL_RANK
from zhengai.domain.errors import InvalidArgumentError
from zhengai.domain.models import Goal
from zhengai.engine.caching import VersionedLRU
from zhengai.engine.engine import Engine

__all__ = ["MAX_RESULTS", "GoalIndex", "search_goals"]

#: At most this many goals in one answer.
MAX_RESULTS = 100
#: The longest text searched for.
MAX_TEXT = 100
#: A scoped caller seeing fewer goals than this share of the index is searched through their own goals.
_OWN_SHARE = 0.25
_ID, _NAME = "\x00", "\x01"


def _key(text: str) -> str:
    """What is compared: case-folded, without separators or surrounding blanks."""
    return text.replace(_ID, "").replace(_NAME, "").strip().casefold()


@dataclass
class GoalIndex:
    """The goals in force on a date, searchable by id and name."""

    goals: list[Goal]  # in (level, id) order
    text: str  # "\x00id\x01name" per goal, case-folded
    starts: list[int]  # where each goal's entry begins in ``text``
    ids: list[tuple[str, int]]  # (case-folded id, position), sorted
    names: list[tuple[str, int]]  # (case-folded name, position), sorted
    position: dict[str, int]  # goal id → position

    @classmethod
    def of(cls, goals: dict[str, Goal]) -> GoalIndex:
        """The index of ``goals`` (id → goal)."""
        ordered = sorted(goals.values(), key=lambda g: (LEVEL_RANK[g.level], g.id))
        entries = [f"{_ID}{_key(g.id)}{_NAME}{_key(g.name)}" for g in ordered]
        starts, at = [], 0
        for e in entries:
            starts.append(at)
            at += len(e)
        return cls(ordered, "".join(entries), starts, sorted((_key(g.id), i) for i, g in enumerate(ordered)),
                   sorted((_key(g.name), i) for i, g in enumerate(ordered)),
                   {g.id: i for i, g in enumerate(ordered)})

    def _prefixed(self, keys: list[tuple[str, int]], needle: str) -> range:
        lo = bisect_left(keys, (needle,))
        hi = bisect_right(keys, (needle + "\U0010ffff",))
        return range(lo, hi)

    def _containing(self) -> Callable[[str], Iterator[int]]:
        text, starts = self.text, self.starts

        def scan(needle: str) -> Iterator[int]:
            at, last = text.find(needle), -1
            while at >= 0:
                i = bisect_right(starts, at) - 1
                if i != last:
                    yield i
                    last = i
                at = text.find(needle, starts[i + 1] if i + 1 < len(starts) else len(text))
        return scan

    def search(self, text: str, first: int, visible: Callable[[str], bool] | None = None,
               own: list[str] | None = None) -> list[Goal]:
        """At most ``first`` goals matching ``text``: the exact id, then ids or names beginning with it,
        then ids or names containing it, each group in (level, id) order; only goals ``visible`` allows
        (``own``: the ids a scoped caller sees, when few — searched directly)."""
        needle = _key(text)
        if not needle or first <= 0:
            return []
        if own is not None:
            return self._search_own(needle, first, own)
        ok = visible or (lambda _: True)
        goals = self.goals
        out: list[int] = []
        seen: set[int] = set()

        def take(i: int) -> bool:
            if i not in seen:
                seen.add(i)
                if ok(goals[i].id):
                    out.append(i)
            return len(out) >= first

        exact = self._exact(needle)
        if exact is not None and take(exact):
            return [goals[i] for i in out]
        candidates = {self.ids[k][1] for k in self._prefixed(self.ids, needle)}
        candidates |= {self.names[k][1] for k in self._prefixed(self.names, needle)}
        # unscoped, the best ``first`` by (level, id) will do; a scoped caller may need to look further
        ranked = heapq.nsmallest(first + 1, candidates) if visible is None else sorted(candidates)
        for i in ranked:
            if take(i):
                return [goals[i] for i in out]
        for i in self._containing()(needle):
            if take(i):
                break
        return [goals[i] for i in out]

    def _exact(self, needle: str) -> int | None:
        k = bisect_left(self.ids, (needle,))
        return self.ids[k][1] if k < len(self.ids) and self.ids[k][0] == needle else None

    def _search_own(self, needle: str, first: int, own: list[str]) -> list[Goal]:
        goals, position = self.goals, self.position
        mine = sorted(position[g] for g in own if g in position)
        keyed = [(i, _key(goals[i].id), _key(goals[i].name)) for i in mine]
        exact = [i for i, k, _ in keyed if k == needle]
        prefix = [i for i, k, n in keyed if (k.startswith(needle) or n.startswith(needle)) and i not in exact]
        rest = [i for i, k, n in keyed if (needle in k or needle in n) and i not in exact and i not in prefix]
        return [goals[i] for i in (exact + prefix + rest)[:first]]


_indexes: VersionedLRU[GoalIndex] = VersionedLRU(4)


def goal_index(engine: Engine, as_of: date | None = None) -> GoalIndex:
    """The index of every goal in force on ``as_of``, kept until the structure changes."""
    when = engine.day(as_of)
    state = engine.state
    return _indexes.get(engine.base, state.structure_version, state.epoch(when),
                        lambda: GoalIndex.of(state.goals(when)))


def search_goals(engine: Engine, text: str, first: int = 20, as_of: date | None = None) -> list[Goal]:
    """目标检索: at most ``first`` (≤ 100) goals the caller may see whose id or name holds ``text``."""
    if not 0 <= first <= MAX_RESULTS:
        raise InvalidArgumentError(f"first must be between 0 and {MAX_RESULTS}")
    if len(text) > MAX_TEXT:
        raise InvalidArgumentError(f"text is longer than {MAX_TEXT} characters")
    when = engine.day(as_of)
    index = goal_index(engine, when)
    scope = engine.scope(when)
    if scope is None:
        return index.search(text, first)
    if len(scope.goals) < _OWN_SHARE * len(index.goals):
        return index.search(text, first, own=list(scope.goals))
    return index.search(text, first, visible=scope.goals.__contains__)

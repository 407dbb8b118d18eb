"""Operations execute on worker threads (zhengai.server.offload): a read running while a write lands must
see each metric's series whole — the old one or the new one, never half of each — and a new date asked
by many requests at once is evaluated once, by one of them, while the others wait for it."""

from __future__ import annotations

import random
import sys
import threading
from datetime import date, timedelta

import pytest

from tests.conftest import WORKED
from zhengai.domain.models import ObservedValue
from zhengai.engine import Engine
from zhengai.engine.ingest import plan_observations
from zhengai.graph_loader import load_dataset
from zhengai.stores import EmbeddedStore, observations

BASE = date(2000, 1, 1)
DAYS = 3000
METRICS = ["m1", "m2", "m3"]


def _value(day: date) -> float:
    return float((day - BASE).days)  # each written value names its own date


def _often() -> object:
    """Switch threads very often for the body of a ``with``, so that a reader meets a writer mid-write."""
    class Often:
        def __enter__(self) -> None:
            self.interval = sys.getswitchinterval()
            sys.setswitchinterval(1e-5)

        def __exit__(self, *exc: object) -> None:
            sys.setswitchinterval(self.interval)

    return Often()


@pytest.mark.parametrize("fold_after", [observations.FOLD_AFTER, 2], ids=["changed-series", "folding"])
def test_reads_during_writes_see_whole_series(monkeypatch, fold_after):
    """Writes go through the store's commit (as WriteService's do); with ``fold_after`` 2 the changed
    series are folded into the arrays again and again while the reader reads."""
    monkeypatch.setattr(observations, "FOLD_AFTER", fold_after)
    store = EmbeddedStore(load_dataset(WORKED))
    state = store.state
    days = list(range(DAYS))
    random.Random(1).shuffle(days)  # inserts land in the middle of the series, not only at its end
    done = threading.Event()
    torn: list[object] = []

    def write() -> None:
        try:
            for start in range(0, len(days), 30):
                rows = [ObservedValue(m, BASE + timedelta(d), _value(BASE + timedelta(d)))
                        for m in METRICS for d in days[start:start + 30]]
                store.commit(lambda s, rows=rows: plan_observations(s, rows, None))
        finally:
            done.set()

    def read() -> None:
        rng = random.Random(2)
        while not done.is_set():
            as_of = BASE + timedelta(rng.randrange(DAYS))
            try:
                latest = state.latest_observations(as_of, METRICS)
                history = state.observation_history(METRICS, as_of, as_of + timedelta(40))
            except (IndexError, RuntimeError, KeyError) as exc:
                torn.append(exc)
                continue
            seen = [latest[m] for m in METRICS if m in latest] + [p for h in history.values() for p in h]
            torn.extend((at, v) for at, v in seen if BASE <= at < BASE + timedelta(DAYS) and v != _value(at))

    with _often():
        threads = [threading.Thread(target=write), threading.Thread(target=read)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    assert not torn, torn[:5]
    last = BASE + timedelta(DAYS - 1)
    assert state.latest_observations(last, METRICS) == {m: (last, _value(last)) for m in METRICS}


def test_a_new_date_asked_by_many_threads_at_once_is_evaluated_once(demo_dataset, monkeypatch):
    engine = Engine(EmbeddedStore(demo_dataset))
    engine.snapshot(date(2026, 11, 20))
    from zhengai.engine import engine as engine_module

    evaluations: list[date] = []
    evaluate = engine_module.Snapshot.evaluate

    def counted(structure, compiled):  # the real evaluation, counted
        evaluations.append(structure.when)
        return evaluate(structure, compiled)

    monkeypatch.setattr(engine_module.Snapshot, "evaluate", staticmethod(counted))
    start = threading.Barrier(8)
    snapshots = []

    def ask() -> None:
        start.wait()
        snapshots.append(engine.snapshot(date(2026, 6, 1)))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    with _often():  # the threads interleave within the evaluation
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert evaluations == [date(2026, 6, 1)]  # one evaluation; the other seven waited for it
    assert len(snapshots) == 8 and all(s is snapshots[0] for s in snapshots)


def test_a_failed_evaluation_leaves_nothing_behind(demo_dataset, monkeypatch):
    """The thread that evaluates fails: the ones waiting for it ask again (and may succeed), and the
    key is not left marked as being evaluated."""
    engine = Engine(EmbeddedStore(demo_dataset))
    from zhengai.engine import engine as engine_module

    evaluate = engine_module.Snapshot.evaluate
    calls: list[int] = []

    def first_fails(structure, compiled):
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError("the first evaluation fails")
        return evaluate(structure, compiled)

    monkeypatch.setattr(engine_module.Snapshot, "evaluate", staticmethod(first_fails))
    with pytest.raises(MemoryError):
        engine.snapshot(date(2026, 6, 1))
    assert engine._caches.evaluating == {}
    assert engine.snapshot(date(2026, 6, 1)).as_of == date(2026, 6, 1)

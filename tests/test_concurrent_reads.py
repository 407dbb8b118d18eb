"""Operations execute on worker threads (zhengai.server.offload): a read running while an ingest writes
must see each metric's series whole — the old one or the new one, never half of each — and a new date
asked by many requests at once is evaluated once, not by each of them."""

from __future__ import annotations

import random
import sys
import threading
from datetime import date, timedelta

from tests.conftest import WORKED
from zhengai.domain.models import Observation
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset
from zhengai.stores import EmbeddedStore
from zhengai.stores.counting import CountingStore

BASE = date(2000, 1, 1)


def _value(day: date) -> float:
    return float(day.toordinal())  # each written value names its own date


def test_reads_during_ingests_see_whole_series():
    store = EmbeddedStore(load_dataset(WORKED))
    metrics = sorted(store.latest_observations(date(2100, 1, 1)))[:3]
    days = list(range(6000))
    random.Random(1).shuffle(days)  # inserts land in the middle of the series, not only at its end
    done = threading.Event()
    torn: list[object] = []

    def write() -> None:
        try:
            for start in range(0, len(days), 30):
                store.add_observations([Observation(metric=m, at=BASE + timedelta(d), value=_value(
                    BASE + timedelta(d))) for m in metrics for d in days[start:start + 30]])
        finally:
            done.set()

    def read() -> None:
        rng = random.Random(2)
        while not done.is_set():
            as_of = BASE + timedelta(rng.randrange(6000))
            try:
                latest = store.latest_observations(as_of, metrics)
                history = store.observation_history(metrics, as_of, as_of + timedelta(40))
            except (IndexError, RuntimeError) as exc:
                torn.append(exc)
                continue
            seen = [latest[m] for m in metrics if m in latest] + [p for h in history.values() for p in h]
            torn.extend((at, v) for at, v in seen if BASE <= at < date(2026, 1, 1) and v != _value(at))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so that a reader meets the writer mid-batch
    try:
        threads = [threading.Thread(target=write), threading.Thread(target=read)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        sys.setswitchinterval(interval)
    assert not torn, torn[:5]
    assert store.latest_observations(BASE + timedelta(5999), metrics) == {
        m: (BASE + timedelta(5999), _value(BASE + timedelta(5999))) for m in metrics}


def test_a_new_date_asked_by_many_threads_at_once_is_evaluated_once(demo_dataset):
    store = CountingStore(EmbeddedStore(demo_dataset))
    engine = Engine(store)
    engine.snapshot(date(2026, 11, 20))
    store.reset()
    start = threading.Barrier(8)
    snapshots = []

    def ask() -> None:
        start.wait()
        snapshots.append(engine.snapshot(date(2026, 6, 1)))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # the threads interleave within the evaluation
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        sys.setswitchinterval(interval)
    assert store.calls["latest_observations"] == 1  # one evaluation; the other seven waited for it
    assert len(snapshots) == 8 and all(s is snapshots[0] for s in snapshots)

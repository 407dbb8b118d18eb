"""监测预警 after an ingest: the held warnings are kept and only the observed metrics and the goals above them
are re-evaluated; the answer equals a full recompute on a fresh engine, on both stores, on the demo and on
random goal DAGs, and the warnings each write raised equal the plain before/after difference."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_properties import AS_OF as DAG_AS_OF
from tests.test_properties import goal_dags
from zhengai.domain.changes import Upsert
from zhengai.domain.enums import Frequency
from zhengai.domain.models import (
    Dataset,
    Goal,
    Metric,
    Observation,
    ObservedValue,
    Period,
    Thresholds,
    WeightedLink,
)
from zhengai.engine import Engine
from zhengai.engine.engine import DueWarnings
from zhengai.engine.ingest import plan_observations
from zhengai.engine.monitoring import Warning
from zhengai.engine.writes import WriteService
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.stores import EmbeddedStore


@pytest.fixture
def fresh_demo(request, store_kind):
    """A demo engine of its own (the test writes to it)."""
    if store_kind == "neo4j":
        datasets = request.getfixturevalue("neo4j_datasets")
        datasets.forget()
        yield datasets.engine(demo_path())
        datasets.forget()
    else:
        yield Engine(EmbeddedStore(load_dataset(demo_path())))


def full(engine: Engine, when: date) -> list[Warning]:
    """The warnings due at ``when`` computed afresh (a new engine over the same state)."""
    return Engine(engine.store).warnings(when)


def ingest(engine: Engine, rows: list[ObservedValue], today: date) -> list[Warning]:
    """Record ``rows`` as a serving process does with a subscriber listening; the warnings it pushed."""
    pushed: list[Warning] = []
    writes = WriteService(engine, today=lambda: today)
    writes.listeners.append(pushed.extend)
    writes.record_observations(rows)
    return pushed


def test_after_ingests_the_kept_warnings_equal_a_full_recompute(fresh_demo):
    engine = fresh_demo
    today = date.today()
    dates = [today, today - timedelta(days=60)]
    for d in dates:
        engine.warnings(d)  # held, as a running service holds them
    rng = random.Random(17)
    metrics = sorted(engine.state.ids("Metric"))
    for batch in range(3):
        before = {d: {w.id for w in engine.warnings(d)} for d in dates}
        version = engine.data_version
        rows = [ObservedValue(m, today - timedelta(days=rng.randrange(0, 90)), round(rng.uniform(0, 120), 1))
                for m in rng.sample(metrics, 25)]
        pushed = ingest(engine, rows, today)
        for d in dates:
            due = engine.due_warnings(d)
            assert due.raised is not None and due.raised[0] == version, "not brought up incrementally"
            assert engine.warnings(d) == full(engine, d), (batch, d)
        assert [w.id for w in pushed] == [w.id for w in engine.warnings(today) if w.id not in before[today]]
    # a structural edit in force: the held warnings are dropped and computed afresh — still equal
    metric = engine.metric(metrics[0], today)
    WriteService(engine, today=lambda: today).apply_changes(
        [Upsert("Metric", metric.id, {"target": metric.target * 2 + 1})], today)
    for d in dates:
        assert engine.warnings(d) == full(engine, d)


def chain() -> Dataset:
    """TOP ← MID ← M (and a sibling metric S under TOP): M's value decides MID's and TOP's status."""
    ds = Dataset()
    ds.goals["TOP"] = Goal(id="TOP", name="学校目标", level="SCHOOL")
    ds.goals["MID"] = Goal(id="MID", name="专业目标", level="MAJOR",
                           supports=[WeightedLink(goal="TOP", weight=1)])
    ds.metrics["M"] = Metric(id="M", name="指标", target=100, frequency="ANNUAL",
                             measures=[WeightedLink(goal="MID", weight=1)])
    ds.metrics["S"] = Metric(id="S", name="旁支指标", target=100, frequency="ANNUAL",
                             measures=[WeightedLink(goal="TOP", weight=0.01)])
    ds.observations += [Observation(metric="M", at=DAG_AS_OF, value=100),
                        Observation(metric="S", at=DAG_AS_OF, value=40)]
    return ds


def test_an_ingest_re_evaluates_the_ancestors_and_keeps_the_rest():
    engine = Engine(EmbeddedStore(chain()))
    before = engine.warnings(DAG_AS_OF)
    assert not any(w.node_id in ("TOP", "MID") for w in before)  # M is on target: both goals GREEN
    untouched = next(w for w in before if w.node_id == "S")
    pushed = ingest(engine, [ObservedValue("M", DAG_AS_OF, 10)], DAG_AS_OF)
    after = engine.warnings(DAG_AS_OF)
    # the parent and the grandparent too
    assert {("STATUS", "MID"), ("STATUS", "TOP")} <= {(w.type, w.node_id) for w in after}
    assert after == full(engine, DAG_AS_OF)
    assert {w.node_id for w in pushed} >= {"M", "MID", "TOP"}
    assert next(w for w in after if w.node_id == "S") is untouched  # kept, not evaluated again


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(goal_dags(allow_min=True), st.data())
def test_kept_warnings_equal_a_full_recompute_on_random_dags(ds, data):
    engine = Engine(EmbeddedStore(ds))
    dates = [DAG_AS_OF, DAG_AS_OF + timedelta(days=40)]
    for d in dates:
        engine.warnings(d)
    metrics = sorted(ds.metrics)
    for _ in range(data.draw(st.integers(1, 4))):
        before = {w.id for w in engine.warnings(DAG_AS_OF)}
        batch = data.draw(st.lists(st.tuples(st.sampled_from(metrics), st.integers(-400, 45),
                                             st.floats(0, 120, allow_nan=False)), min_size=1, max_size=6,
                                   unique_by=lambda t: (t[0], t[1])))
        pushed = ingest(engine, [ObservedValue(m, DAG_AS_OF + timedelta(days=d), v) for m, d, v in batch],
                        DAG_AS_OF)
        for d in dates:
            assert engine.warnings(d) == full(engine, d), d
        assert pushed == [w for w in engine.warnings(DAG_AS_OF) if w.id not in before]


@st.composite
def rich_dags(draw) -> Dataset:
    """A random goal DAG whose metrics have floors, both directions, 年度累计 and frequencies, and whose
    goals have thresholds and periods (every rule of 监测预警 can fire)."""
    ds = draw(goal_dags(allow_min=True))
    for gid, goal in list(ds.goals.items()):
        update: dict = {}
        if draw(st.booleans()):
            yellow = draw(st.floats(0.3, 0.8))
            update["thresholds"] = Thresholds(yellow=yellow, green=draw(st.floats(yellow, 0.95)))
        if draw(st.booleans()):
            start = DAG_AS_OF - timedelta(days=draw(st.integers(-30, 300)))
            update["period"] = Period(start=start, end=start + timedelta(days=draw(st.integers(30, 700))))
        ds.goals[gid] = goal.model_copy(update=update)
    for mid, metric in list(ds.metrics.items()):
        lower = draw(st.booleans())
        ds.metrics[mid] = Metric(
            id=mid, name=mid, target=50 if lower else 100, measures=metric.measures,
            direction="LOWER" if lower else "HIGHER", frequency=draw(st.sampled_from(list(Frequency))),
            floor=draw(st.one_of(st.none(), st.floats(20, 80))), cumulative=draw(st.booleans()))
    return ds


def held(engine: Engine, when: date) -> DueWarnings:
    """The warnings the engine holds for ``when``."""
    with engine._caches.lock:
        return engine._caches.warnings[when]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rich_dags(), st.data())
def test_the_arrays_judge_every_rule_as_the_rules_do(ds, data):
    engine = Engine(EmbeddedStore(ds))
    dates = [DAG_AS_OF, DAG_AS_OF + timedelta(days=40), DAG_AS_OF + timedelta(days=400)]
    for d in dates:
        engine.warnings(d)
    metrics = sorted(ds.metrics)
    for _ in range(data.draw(st.integers(1, 3))):
        for _ in range(data.draw(st.integers(1, 3))):  # maybe several ingests before the next read
            batch = data.draw(st.lists(st.tuples(st.sampled_from(metrics), st.integers(-400, 45),
                                                 st.floats(0, 120, allow_nan=False)), min_size=1, max_size=6,
                                       unique_by=lambda t: (t[0], t[1])))
            rows = [ObservedValue(m, DAG_AS_OF + timedelta(days=d), v) for m, d, v in batch]
            ingest(engine, rows, DAG_AS_OF)
        for d in dates:
            assert engine.warnings(d) == full(engine, d), d
            assert held(engine, d).table is not None, "brought up node by node, not over the arrays"


def test_the_warnings_brought_up_are_built_when_read():
    engine = Engine(EmbeddedStore(chain()))
    engine.warnings(DAG_AS_OF)
    rows = [ObservedValue("M", DAG_AS_OF, 10)]  # nobody listening: the raised warnings are not read
    engine.absorb(engine.store.commit(lambda state: plan_observations(state, rows, None, "test")))
    after = engine.warnings(DAG_AS_OF)
    table = held(engine, DAG_AS_OF).table
    assert table is not None and sum(w is None for w in table.objs) == 3  # M's, MID's, TOP's: not built yet
    assert [w.node_id for w in after] == [w.node_id for w in full(engine, DAG_AS_OF)]
    assert all(w is not None for w in table.objs) and after[0] is after[0]  # built once, then kept
    assert engine.node_warnings(["MID"], DAG_AS_OF) == [w for w in after if w.node_id == "MID"]


def test_a_node_made_after_the_arrays_brings_them_up_node_by_node():
    engine = Engine(EmbeddedStore(chain()))
    engine.warnings(DAG_AS_OF)
    later = DAG_AS_OF + timedelta(days=30)  # a new metric under MID, in force only from ``later``
    WriteService(engine, today=lambda: DAG_AS_OF).apply_changes(
        [Upsert("Metric", "N", {"name": "新指标", "target": 100, "frequency": "ANNUAL",
                                "measures": [{"goal": "MID", "weight": 1}]})], later)
    ingest(engine, [ObservedValue("M", DAG_AS_OF, 10)], DAG_AS_OF)
    assert engine.warnings(DAG_AS_OF) == full(engine, DAG_AS_OF)
    ingest(engine, [ObservedValue("N", DAG_AS_OF, 10), ObservedValue("M", DAG_AS_OF, 95)], DAG_AS_OF)
    assert engine.warnings(DAG_AS_OF) == full(engine, DAG_AS_OF)

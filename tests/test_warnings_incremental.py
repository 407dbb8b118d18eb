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
from zhengai.domain.models import Dataset, Goal, Metric, Observation, ObservedValue, WeightedLink
from zhengai.engine import Engine
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

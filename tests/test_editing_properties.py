"""Property: whatever batch of edits is sent, a refused one leaves the graph exactly as it was (in memory
and, on Neo4j, in the database); an accepted one is what a fresh reader of the store sees."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import WORKED
from zhengai.domain.changes import Link, LinkKind, Retire, Unlink, Upsert
from zhengai.domain.errors import ConflictError, InvalidArgumentError
from zhengai.domain.timeline import to_json
from zhengai.engine import Engine
from zhengai.engine.writes import WriteService
from zhengai.graph_loader import load_dataset
from zhengai.stores import EmbeddedStore
from zhengai.stores.base import GraphStore
from zhengai.stores.memory import GraphState
from zhengai.stores.neo4j_store import Neo4jStore

GOALS = ["S", "P1", "P2", "G-NEW", "GHOST"]
METRICS = ["m1", "m2", "m3", "M-NEW"]
LEVELS = ["SCHOOL", "MAJOR", "COURSE"]
DAYS = [date(2026, 1, 1), date(2026, 1, 20), date(2026, 3, 1)]

weights = st.one_of(st.floats(0.1, 5), st.sampled_from([0.0, -1.0]))
goal_upserts = st.builds(
    lambda i, level, parents, name: Upsert("Goal", i, {k: v for k, v in {
        "name": name, "level": level, "supports": [{"goal": p, "weight": w} for p, w in parents]}.items()
        if v is not None}),
    st.sampled_from(GOALS), st.one_of(st.none(), st.sampled_from(LEVELS)),
    st.lists(st.tuples(st.sampled_from(GOALS), weights), max_size=2), st.one_of(st.none(), st.just("目标")))
metric_upserts = st.builds(
    lambda i, target, baseline, goals: Upsert("Metric", i, {k: v for k, v in {
        "name": "指标", "target": target, "baseline": baseline,
        "measures": [{"goal": g, "weight": 1} for g in goals]}.items() if v is not None}),
    st.sampled_from(METRICS), st.one_of(st.none(), st.sampled_from([0.0, 50.0, 100.0])),
    st.one_of(st.none(), st.sampled_from([20.0, 50.0, 80.0])), st.lists(st.sampled_from(GOALS), max_size=2))
links = st.builds(Link, st.sampled_from([LinkKind.SUPPORTS, LinkKind.MEASURES]),
                  st.sampled_from(GOALS + METRICS), st.sampled_from(GOALS), st.one_of(st.none(), weights))
unlinks = st.builds(Unlink, st.sampled_from([LinkKind.SUPPORTS, LinkKind.MEASURES]),
                    st.sampled_from(GOALS + METRICS), st.sampled_from(GOALS))
retires = st.builds(Retire, st.sampled_from(GOALS + METRICS), st.booleans())
batches = st.lists(st.one_of(goal_upserts, metric_upserts, links, unlinks, retires), min_size=1, max_size=4)


def fingerprint(state: GraphState) -> tuple:
    """Everything a write can change: every node's versions, the data version, the audit log's length."""
    nodes = tuple((i, json.dumps(to_json(t), sort_keys=True)) for i, t in state.snapshot_rows())
    return nodes, state.version, state.audit_count()


def check(store: GraphStore, reread: Callable[[], tuple], batch: list, when: date, stale: bool) -> None:
    """Apply ``batch``; ``reread`` fingerprints what a fresh reader of the store of record sees."""
    writes = WriteService(Engine(store))
    before = fingerprint(store.state)
    expected = store.state.version - 1 if stale else None
    try:
        writes.apply_changes(batch, when, expected)
    except (InvalidArgumentError, ConflictError):
        assert fingerprint(store.state) == before
        assert reread() == before  # nothing reached the store of record either
        return
    assert not stale
    assert reread() == fingerprint(store.state)


def reread_neo4j(store: Neo4jStore) -> tuple:
    fresh = Neo4jStore(store.settings)
    try:
        return fingerprint(fresh.state)
    finally:
        fresh.close()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(batch=batches, when=st.sampled_from(DAYS), stale=st.booleans())
def test_embedded_refused_batches_change_nothing(tmp_path_factory, batch, when, stale):
    folder = tmp_path_factory.mktemp("state")
    store = EmbeddedStore(load_dataset(WORKED), folder)
    WriteService(Engine(store)).apply_changes([Upsert("Goal", "P2", {"name": "专业目标二"})], DAYS[0])
    check(store, lambda: fingerprint(EmbeddedStore(load_dataset(WORKED), folder).state), batch, when, stale)


@pytest.fixture(scope="module")
def neo4j_worked(neo4j_datasets):
    neo4j_datasets.forget()
    store = neo4j_datasets.engine(WORKED).store
    yield store
    neo4j_datasets.forget()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(batch=batches, when=st.sampled_from(DAYS), stale=st.booleans())
def test_neo4j_refused_batches_change_nothing(neo4j_worked, batch, when, stale):
    store: Neo4jStore = neo4j_worked
    store.poll()
    check(store, lambda: reread_neo4j(store), batch, when, stale)

"""The request time limit is enforced inside Neo4j too (issue 17, point 5): the statements run for requests
carry it as their transaction timeout, so the server stops one past it — a slow read, or a write waiting
behind another transaction's lock — and the caller gets TIMEOUT instead of a query left running."""

from __future__ import annotations

import time
from datetime import date

import neo4j
import pytest

from tests.conftest import WORKED
from zhengai.app import create_app
from zhengai.domain.errors import StoreTimeoutError
from zhengai.domain.models import ObservedValue
from zhengai.engine import Engine
from zhengai.engine.ingest import plan_observations
from zhengai.schema.errors import USER_ERRORS
from zhengai.schema.limits import Limits
from zhengai.stores.cypher import statement
from zhengai.stores.outage import unavailable_as_store_error

#: Minutes of work for the server: only its transaction timeout ends it early.
SLOW = "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 99 RETURN count(x) AS n"


@pytest.fixture
def limited(neo4j_store):
    neo4j_store.limit_transactions(1.0)
    yield neo4j_store
    neo4j_store.limit_transactions(None)


def running(store, text: str) -> list[str]:
    """The statements the server is running now that contain ``text``."""
    records, _, _ = store.driver.execute_query("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery",
                                               database_=store.settings.database)
    return [r["currentQuery"] for r in records if text in (r["currentQuery"] or "") and "SHOW" not in
            r["currentQuery"]]


def test_a_slow_statement_is_stopped_by_neo4j_at_the_request_limit(limited):
    started = time.monotonic()
    with pytest.raises(StoreTimeoutError), unavailable_as_store_error():
        limited.driver.execute_query(limited._query(SLOW), routing_=neo4j.RoutingControl.READ,
                                     database_=limited.settings.database)
    assert time.monotonic() - started < 15  # stopped at ≈ 1 s (plus the server's check interval)
    assert running(limited, "2000000000") == []  # and not left running on the server


def test_a_write_waiting_behind_a_lock_is_stopped_at_the_request_limit(limited, neo4j_datasets):
    engine = neo4j_datasets.engine(WORKED)
    metric = sorted(engine.state.ids("Metric"))[0]
    version = limited.state.version
    with limited.driver.session(database=limited.settings.database) as holder:
        tx = holder.begin_transaction()  # another writer holds the graph's lock and does not let go
        tx.run(statement("mirror_lock")).consume()
        started = time.monotonic()
        try:
            with pytest.raises(StoreTimeoutError):
                limited.commit(lambda state: plan_observations(
                    state, [ObservedValue(metric, date(2026, 10, 1), 50.0)], None, "test"))
            waited = time.monotonic() - started
        finally:
            tx.rollback()
    assert waited < 15
    assert limited.state.version == version  # nothing applied
    [meta] = limited._read("meta_version")
    assert meta["version"] == version  # nothing written


def test_the_service_gives_the_store_its_request_limit(neo4j_store):
    try:
        create_app(Engine(neo4j_store), follow_every=None)
        assert neo4j_store.transaction_timeout == Limits().request_timeout
    finally:
        neo4j_store.limit_transactions(None)
    assert USER_ERRORS[StoreTimeoutError] == "TIMEOUT"

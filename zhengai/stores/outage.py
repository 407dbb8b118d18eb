"""Neo4j outages fail fast and heal by themselves: driver timeouts, and the driver's connection errors
turned into :class:`~zhengai.domain.errors.StoreUnavailableError` (HTTP 503, ``STORE_UNAVAILABLE``).

Reads never touch Neo4j (the graph is held in memory); writes, the follower's polls, reloads and the
readiness check do. While Neo4j is down each of them fails within about a second (connection refused)
to two (a host that does not answer) instead of the driver's defaults of 30 s of retries and 30–60 s
connection waits; the connection pool reconnects on its own once the server is back. Tunable by
environment: ZHENGAI_NEO4J_CONNECT_TIMEOUT (seconds to open one connection, default 1),
ZHENGAI_NEO4J_RETRY_TIME (seconds a transaction is retried on transient errors, default 0.5),
ZHENGAI_NEO4J_ACQUIRE_TIMEOUT (seconds to get a connection from the pool, default 2).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from neo4j.exceptions import (
    ClientError,
    ConnectionAcquisitionTimeoutError,
    DatabaseUnavailable,
    ServiceUnavailable,
    SessionExpired,
)

from zhengai.domain.errors import StoreTimeoutError, StoreUnavailableError

#: The driver errors that mean "the database cannot be reached now" (not a bad query or bad data).
OUTAGE_ERRORS = (ServiceUnavailable, SessionExpired, ConnectionAcquisitionTimeoutError, DatabaseUnavailable)


def _seconds(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        seconds = float(value) if value else default
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 600:
        raise ValueError(f"{name} must be a number of seconds in (0, 600], got {value!r}")
    return seconds


def driver_options() -> dict[str, Any]:
    """Keyword arguments of ``GraphDatabase.driver`` that bound the time an outage can cost a request."""
    connect = _seconds("ZHENGAI_NEO4J_CONNECT_TIMEOUT", 1.0)
    return {
        "connection_timeout": connect,
        "connection_acquisition_timeout": max(_seconds("ZHENGAI_NEO4J_ACQUIRE_TIMEOUT", 2.0), connect),
        "max_transaction_retry_time": _seconds("ZHENGAI_NEO4J_RETRY_TIME", 0.5),
        "initial_retry_delay": 0.1,  # the driver's 1 s first back-off alone would exceed the budget
    }


#: The server's codes of a transaction stopped at the timeout its client gave it (while running, or while
#: waiting for a lock: LockClientStopped, which an operator's termination also gives).
TIMED_OUT = frozenset({"Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
                       "Neo.ClientError.Transaction.TransactionTimedOut",
                       "Neo.ClientError.Transaction.LockClientStopped"})


@contextmanager
def unavailable_as_store_error() -> Iterator[None]:
    """Re-raises the driver's connection errors as StoreUnavailableError and a transaction the server
    stopped at its timeout as StoreTimeoutError (other errors pass)."""
    try:
        yield
    except OUTAGE_ERRORS as exc:  # the driver's message (addresses) stays in the cause, not the answer
        raise StoreUnavailableError("the database cannot be reached now; retry shortly") from exc
    except ClientError as exc:
        if exc.code not in TIMED_OUT:
            raise
        raise StoreTimeoutError("the database stopped the request's statement at the request's time limit "
                                "(ZHENGAI_REQUEST_TIMEOUT)") from exc


def check_reachable(driver: Any) -> None:
    """Raise StoreUnavailableError unless the driver can open a connection to its server now."""
    with unavailable_as_store_error():
        driver.verify_connectivity()

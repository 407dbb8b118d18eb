"""Errors every layer may raise and the API maps to a code (here so no layer needs another's)."""

from __future__ import annotations


class StoreUnavailableError(ConnectionError):
    """The store of record cannot be reached now (e.g. Neo4j down or restarting); retry later.

    The API answers it with HTTP 503 and ``extensions.code: "STORE_UNAVAILABLE"``."""

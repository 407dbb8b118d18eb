"""Benchmark: what a repeated GraphQL document costs against a new one, through the ASGI app, with the
limits built once per schema (now) and with strawberry's limit extensions built per request (before:
their new rule classes were part of the validation cache's key, so it never hit) — both in the same run.

    .venv/bin/python -m bench.document_cache [--rounds 300]

The request is the saved traceImpact operation (zhengai/queries/graphql/trace_impact.graphql) on the
bundled demo, posted through the whole ASGI app (middleware, token-free development mode, strawberry's
view) with httpx's in-process transport, so the client's own cost stays small; a "new" document differs
by an operation name never sent before, so it is parsed and validated again. Rounds alternate repeated
and new requests; the figure is the median time of each.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

import httpx
from starlette.routing import Route

from bench.common import say
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.queries import graphql_operations
from zhengai.stores import EmbeddedStore

VARIABLES = {"metricId": "M-MAJ-MECH-EMP", "asOf": "2026-11-20", "toLevel": "SCHOOL"}


def legacy_schema() -> Any:
    """The schema as built before: limit extensions (and their rule classes) made per request."""
    from strawberry.extensions import (
        MaxAliasesLimiter,
        MaxTokensLimiter,
        ParserCache,
        QueryDepthLimiter,
        ValidationCache,
    )

    from zhengai.resolvers.mutation import Mutation, Subscription
    from zhengai.resolvers.query import Query
    from zhengai.schema import Schema
    from zhengai.schema.errors import ErrorCodes
    from zhengai.security.policy import Authorize

    extensions = [lambda: MaxTokensLimiter(max_token_count=5000), lambda: QueryDepthLimiter(max_depth=12),
                  lambda: MaxAliasesLimiter(max_alias_count=50), lambda: ParserCache(maxsize=256),
                  lambda: ValidationCache(maxsize=256), Authorize, ErrorCodes]
    return Schema(query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions)


def app_for(engine: Engine, legacy: bool) -> Any:
    app = create_app(engine)
    if legacy:
        view = next(r.app for r in app.routes if isinstance(r, Route) and r.path == "/graphql")
        view.schema = legacy_schema()
    return app


async def measure(app: Any, document: str, rounds: int) -> tuple[float, float]:
    """Median seconds of a repeated and of a new document, alternating."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
        async def post(text: str) -> float:
            started = time.perf_counter()
            response = await http.post("/graphql", json={"query": text, "variables": VARIABLES})
            elapsed = time.perf_counter() - started
            assert "errors" not in response.json(), response.text
            return elapsed

        for _ in range(20):  # warm: the evaluation at asOf, the repeated document's parse and validation
            await post(document)
        repeated, new = [], []
        for i in range(rounds):
            repeated.append(await post(document))
            new.append(await post(document.replace("query TraceImpact", f"query TraceImpact{i}x", 1)))
    return statistics.median(repeated), statistics.median(new)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=300)
    args = ap.parse_args()
    document = graphql_operations()["trace_impact"]
    assert "query TraceImpact" in document, document[:200]
    engine = Engine(EmbeddedStore(load_dataset(demo_path())))
    say(f"traceImpact through the ASGI app on the demo, {args.rounds} rounds of a repeated and a new "
        "document")
    print(f"{'schema':<44} {'repeated':>10} {'new':>10} {'repeated/new':>13}")
    for label, legacy in (("limits built once per schema (now)", False),
                          ("limit extensions built per request (before)", True)):
        repeated, new = asyncio.run(measure(app_for(engine, legacy), document, args.rounds))
        print(f"{label:<44} {repeated * 1000:>8.2f}ms {new * 1000:>8.2f}ms {repeated / new:>12.2f}×")


if __name__ == "__main__":
    main()

"""The ASGI application: GraphQL (with GraphiQL) at /graphql and /healthz, on starlette."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL

from zhengai.engine import Engine
from zhengai.resolvers.context import Context
from zhengai.schema import build_schema


class ZhengaiGraphQL(GraphQL):
    """strawberry's ASGI app with a per-request :class:`Context` (fresh DataLoaders)."""

    def __init__(self, engine: Engine, **kwargs: Any):
        super().__init__(build_schema(), **kwargs)
        self.engine = engine

    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
        return {"request": request, "response": response, "zhengai": Context(self.engine)}


def create_app(engine: Engine, *, store_name: str = "embedded") -> Starlette:
    """The service over ``engine``; ``store_name`` is reported by /healthz."""
    graphql = ZhengaiGraphQL(engine)

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "store": store_name, "version": engine.store.version})

    async def root(_: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    return Starlette(routes=[
        Route("/healthz", healthz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/", root),
    ])

"""The ASGI application on starlette: the explorer at /, GraphQL (with an offline GraphiQL) at /graphql,
/healthz, and the UI's static files under /static (zhengai.web)."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from cross_web import HTTPException  # what strawberry's ASGI view turns into a plain response
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError

from zhengai import web
from zhengai.engine import Engine
from zhengai.engine.writes import WriteService
from zhengai.queries import graphql_operations
from zhengai.resolvers.context import Context
from zhengai.resolvers.live import WarningHub
from zhengai.resolvers.reporting import report_endpoint
from zhengai.schema import build_schema
from zhengai.schema.limits import Cors, Limits
from zhengai.security.tokens import AuthConfig, AuthError, Principal, Role, bearer

log = logging.getLogger("zhengai.app")


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413 and a clear message, before they are read
    whole (declared by Content-Length or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"request body too large: the limit is {self.max_bytes} bytes (ZHENGAI_MAX_BODY_BYTES)"
        body = {"errors": [{"message": message, "extensions": {"code": "PAYLOAD_TOO_LARGE"}}]}
        await JSONResponse(body, status_code=413)(scope, receive, send)


class _TooLarge(Exception):
    pass


FOLLOW_EVERY = 0.25  # seconds between looks at what other processes wrote


class Follower:
    """A background thread applying other processes' writes to this one (journal or change log)."""

    def __init__(self, writes: WriteService, every: float):
        self.writes, self.every = writes, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="zhengai-follow", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.writes.follow()
            except Exception:
                log.warning("following other processes' writes failed; trying again", exc_info=True)


def _guarded(endpoint: Callable[[Request], Awaitable[Response]],
             auth: AuthConfig | None) -> Callable[[Request], Awaitable[Response]]:
    """With authentication configured, a plain-HTTP endpoint needs a valid token of a reading role; the
    principal is left in ``request.state.principal`` for the endpoint to read through its scope."""
    if auth is None:
        return endpoint

    async def guarded(request: Request) -> Response:
        try:
            principal = auth.verify(bearer(request.headers.get("authorization")) or "")
        except AuthError as exc:
            return PlainTextResponse(f"authentication required: {exc}", status_code=401)
        if not principal.roles - {Role.DATA_SERVICE}:
            return PlainTextResponse("forbidden: reports need a reading role (not DATA_SERVICE alone)",
                                     status_code=403)
        request.state.principal = principal
        return await endpoint(request)

    return guarded


class ZhengaiGraphQL(GraphQL):
    """strawberry's ASGI app with a per-request :class:`Context` (fresh DataLoaders) and a GraphiQL
    page served from the package's own files, with the saved operations as tabs (no CDN)."""

    def __init__(self, engine: Engine, writes: WriteService, hub: WarningHub,
                 auth: AuthConfig | None = None, **kwargs: Any):
        super().__init__(build_schema(), **kwargs)
        self.engine, self.writes, self.hub = engine, writes, hub
        self.auth = auth
        self.timeout = Limits().request_timeout or None
        self.playground_html = web.graphiql_html(graphql_operations())

    async def render_graphql_ide(self, request: Any) -> HTMLResponse:
        return web.graphiql_page(self.playground_html)

    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
        principal: Principal | None = Principal.developer() if self.auth is None else None
        # HTTP: the bearer token now; GraphiQL's own page (static HTML, no data) is served without one
        if (self.auth is not None and isinstance(request, Request)
                and not self.should_render_graphql_ide(self.request_adapter_class(request))):
            try:
                principal = self.auth.verify(bearer(request.headers.get("authorization")) or "")
            except AuthError as exc:
                raise HTTPException(401, f"authentication required: {exc}") from exc
        return {"request": request, "response": response,
                "zhengai": Context(self.engine, self.writes, self.hub, principal,
                                   self.timeout if isinstance(request, Request) else None)}

    async def on_ws_connect(self, context: dict[str, Any]) -> Any:
        """Websockets authenticate with connection_init's payload {"Authorization": "Bearer …"}."""
        if self.auth is not None:
            params = context.get("connection_params") or {}
            token = bearer(params.get("Authorization") or params.get("authorization")) if isinstance(
                params, dict) else None
            try:
                context["zhengai"].principal = self.auth.verify(token or "")
            except AuthError as exc:
                raise ConnectionRejectionError({"reason": str(exc)}) from exc
        return await super().on_ws_connect(context)


def create_app(engine: Engine, *, writes: WriteService | None = None, auth: AuthConfig | None = None,
               cors: Cors | None = None, follow_every: float | None = FOLLOW_EVERY) -> Starlette:
    """The service over ``engine``. ``writes`` is its one write path (default: a new one over the
    engine); the warnings a write raises are pushed to subscribers. While the app runs, what other
    processes write to the same store (a CLI ingest, another replica) is followed every ``follow_every``
    seconds (None: not followed). ``cors`` (default: ZHENGAI_CORS_ORIGINS) lists the origins allowed
    cross-origin access (HTTP and websockets); CorsError for ``*`` with authentication configured."""
    origins = (cors or Cors()).allowed(authenticated=auth is not None)  # a refused setting fails here
    writes = writes or WriteService(engine)
    hub = WarningHub()
    writes.listeners.append(hub)
    graphql = ZhengaiGraphQL(engine, writes, hub, auth, allowed_origins=origins)
    store = engine.store

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "store": store.name, "version": store.version})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        follower = Follower(writes, follow_every) if follow_every else None
        if follower is not None:
            follower.start()
        try:
            yield
        finally:
            if follower is not None:
                follower.stop()

    async def explorer(_: Request) -> Response:
        return web.explorer_page()

    middleware = [Cors.middleware(origins), Middleware(BodyLimit, max_bytes=Limits().max_body_bytes)]
    return Starlette(middleware=middleware, lifespan=lifespan, routes=[
        Route("/healthz", healthz),
        Route("/reports/{subject_id}.md", _guarded(report_endpoint(engine), auth), methods=["GET"]),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/", explorer),
        Mount("/static", app=web.static_files(), name="static"),
    ])

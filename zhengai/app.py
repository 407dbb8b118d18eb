"""The ASGI application on starlette: the explorer at /, GraphQL (with an offline GraphiQL) at /graphql,
/healthz and /readyz (zhengai.server.health), and the UI's static files under /static (zhengai.web).
Queries and mutations over HTTP pass admission control and execute off the event loop
(zhengai.server)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
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
from zhengai.domain.errors import StoreUnavailableError
from zhengai.engine import Engine
from zhengai.engine.ingest import Ingestor
from zhengai.engine.spiral import SpiralService
from zhengai.queries import graphql_operations
from zhengai.resolvers.context import Context
from zhengai.resolvers.live import WarningHub
from zhengai.resolvers.reporting import report_endpoint
from zhengai.schema import build_schema
from zhengai.schema.limits import Cors, Limits
from zhengai.security.tokens import AuthConfig, AuthError, Principal, Role, bearer
from zhengai.server.admission import Admission, AdmissionSettings
from zhengai.server.health import Health
from zhengai.server.offload import Offload, OffloadedExecution


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


class ZhengaiGraphQL(OffloadedExecution, GraphQL):
    """strawberry's ASGI app with a per-request :class:`Context` (fresh DataLoaders) and a GraphiQL
    page served from the package's own files, with the saved operations as tabs (no CDN); HTTP
    operations execute on the worker threads of ``offload`` (zhengai.server.offload)."""

    def __init__(self, engine: Engine, ingestor: Ingestor, hub: WarningHub, spiral: SpiralService,
                 auth: AuthConfig | None = None, **kwargs: Any):
        super().__init__(build_schema(), **kwargs)
        self.engine, self.ingestor, self.hub, self.spiral = engine, ingestor, hub, spiral
        self.auth = auth
        self.timeout = Limits().request_timeout or None
        self.playground_html = web.graphiql_html(graphql_operations())
        self.offload: Offload | None = None  # set by create_app with admission control on

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
                "zhengai": Context(self.engine, self.ingestor, self.hub, self.spiral, principal,
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


def create_app(engine: Engine, *, store_name: str = "embedded", ingestor: Ingestor | None = None,
               spiral: SpiralService | None = None, auth: AuthConfig | None = None,
               cors: Cors | None = None, state: Path | None = None,
               admission: AdmissionSettings | None = None) -> Starlette:
    """The service over ``engine``; ``store_name`` is reported by /healthz. ``ingestor`` records
    observations and ``spiral`` the 8字螺旋 events (default: without journals); the warnings an
    ingest raises are pushed to subscribers. ``cors`` (default: ZHENGAI_CORS_ORIGINS) lists the
    origins allowed cross-origin access (HTTP and websockets); CorsError for ``*`` with authentication
    configured. ``state``: the folder the service writes (checked by /readyz); ``admission`` (default:
    ZHENGAI_MAX_INFLIGHT, ZHENGAI_MAX_QUEUE, ZHENGAI_QUEUE_WAIT) bounds the work accepted at once."""
    origins = (cors or Cors()).allowed(authenticated=auth is not None)  # a refused setting fails here
    ingestor = ingestor or Ingestor(engine)
    hub = WarningHub()
    ingestor.listeners.append(hub.publish)
    graphql = ZhengaiGraphQL(engine, ingestor, hub, spiral or SpiralService(engine), auth,
                             allowed_origins=origins)
    gate = Admission(admission)
    if gate.settings.enabled:
        graphql.offload = Offload(gate.settings.max_inflight)
    health = Health(engine.store, store_name, gate, state, _jwks_url(auth))

    async def explorer(_: Request) -> Response:
        return web.explorer_page()

    middleware = [Cors.middleware(origins), Middleware(BodyLimit, max_bytes=Limits().max_body_bytes)]
    routes = [
        Route("/healthz", health.healthz),
        Route("/readyz", health.readyz),
        Route("/reports/{subject_id}.md", gate.endpoint(_guarded(report_endpoint(engine), auth)),
              methods=["GET"]),
        Route("/graphql", gate.asgi(graphql), methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/", explorer),
        Mount("/static", app=web.static_files(), name="static"),
    ]
    return Starlette(middleware=middleware, routes=routes,
                     exception_handlers={StoreUnavailableError: _store_unavailable})


def _jwks_url(auth: AuthConfig | None) -> str | None:
    """The identity provider's key set URL, if ZHENGAI_JWKS names one (readiness checks it)."""
    jwks = getattr(auth, "jwks", None)
    return jwks if isinstance(jwks, str) and jwks.startswith(("https://", "http://")) else None


async def _store_unavailable(_: Request, exc: Exception) -> Response:
    """Plain-HTTP endpoints (reports) during a store outage: 503 with Retry-After."""
    return PlainTextResponse(f"{exc}\n", status_code=503, headers={"Retry-After": "1"})

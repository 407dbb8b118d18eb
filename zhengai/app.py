"""The ASGI application on starlette: the explorer at /, GraphQL (with an offline GraphiQL) at /graphql,
/healthz and /readyz (zhengai.server.health), and the UI's static files under /static (zhengai.web).
Queries and mutations over HTTP pass admission control and execute off the event loop (zhengai.server)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from cross_web import HTTPException  # what strawberry's ASGI view turns into a plain response
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketState
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UNSET

from zhengai import web
from zhengai.domain.errors import StoreUnavailableError
from zhengai.engine import Engine
from zhengai.engine.writes import WriteService
from zhengai.files.settings import AttachmentSettings
from zhengai.notify.service import Notifier
from zhengai.notify.settings import NotifySettings
from zhengai.notify.web import ack_endpoint
from zhengai.queries import graphql_operations
from zhengai.resolvers.annual_report import annual_endpoint
from zhengai.resolvers.attachments import attachment_endpoints, default_folder
from zhengai.resolvers.context import Context
from zhengai.resolvers.live import WarningHub
from zhengai.resolvers.reporting import report_endpoint
from zhengai.resolvers.workbooks import workbook_endpoints
from zhengai.schema import build_schema
from zhengai.schema.limits import MAX_JSON_DEPTH, Limits, json_depth
from zhengai.security.tokens import AuthConfig, AuthError, AuthUnavailableError, Principal, Role, token_of
from zhengai.server.admission import Admission, AdmissionSettings
from zhengai.server.health import Health
from zhengai.server.offload import Offload, OffloadedExecution
from zhengai.web.cors import Cors

#: Close code of a websocket whose token expired (4400–4499: the graphql-transport-ws client errors).
WS_TOKEN_EXPIRED = 4401

log = logging.getLogger("zhengai.app")


#: Paths of workbook uploads: their bodies may be larger (ZHENGAI_MAX_UPLOAD_BYTES, default 64 MB).
UPLOAD_PATHS = ("/import/", "/forms/", "/attachments/")
MAX_UPLOAD_BYTES = 64 * 1024 * 1024


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` (``upload_bytes`` for a workbook upload) with 413 and a
    clear message, before they are read whole (declared by Content-Length or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_bytes: int | None = None):
        self.app, self.max_bytes = app, max_bytes
        self.upload_bytes = upload_bytes or int(os.environ.get("ZHENGAI_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if str(scope.get("path", "")).startswith(UPLOAD_PATHS) else self.max_bytes
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        setting = "ZHENGAI_MAX_UPLOAD_BYTES" if limit == self.upload_bytes and limit != self.max_bytes \
            else "ZHENGAI_MAX_BODY_BYTES"
        message = f"request body too large: the limit is {limit} bytes ({setting})"
        body = {"errors": [{"message": message, "extensions": {"code": "PAYLOAD_TOO_LARGE"}}]}
        await JSONResponse(body, status_code=413)(scope, receive, send)


class _TooLarge(Exception):
    pass


#: Seconds between looks at what other processes wrote (ZHENGAI_FOLLOW_EVERY; default 0.25).
FOLLOW_EVERY = float(os.environ.get("ZHENGAI_FOLLOW_EVERY", "0.25"))
FOLLOW_BACKOFF = 2.0  # the longest wait between looks while they fail (e.g. Neo4j down)


class Follower:
    """A background thread applying other processes' writes to this one (journal or change log). It
    outlives outages: while looks fail it waits longer between them (up to FOLLOW_BACKOFF), logs the
    outage once and its end once, and ``failing_since`` tells readiness checks."""

    def __init__(self, writes: WriteService, every: float):
        self.writes, self.every = writes, every
        self.failing_since: float | None = None  # monotonic time of the first failed look in a row
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="zhengai-follow", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        wait = self.every
        while not self._stop.wait(wait):
            try:
                self.writes.follow()
            except Exception as exc:
                wait = min(max(wait, self.every) * 2, max(FOLLOW_BACKOFF, self.every))
                if self.failing_since is None:
                    self.failing_since = time.monotonic()
                    log.warning("following other processes' writes failed (%s); trying again every %g s "
                                "at most", exc, FOLLOW_BACKOFF,
                                exc_info=not isinstance(exc, StoreUnavailableError))
                continue
            if self.failing_since is not None:
                log.warning("following other processes' writes again after %.1f s",
                            time.monotonic() - self.failing_since)
                self.failing_since = None
            wait = self.every


def refusal_response(status: int, code: str, message: str, **headers: str) -> JSONResponse:
    """A GraphQL-shaped refusal: ``{"errors": [{"message", "extensions": {"code"}}]}``."""
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status,
                        headers=headers or None)


def auth_unavailable(exc: AuthUnavailableError) -> JSONResponse:
    """503: tokens cannot be verified now (the identity provider is down or hangs)."""
    return refusal_response(503, "AUTH_UNAVAILABLE", f"authentication unavailable: {exc}",
                            **{"Retry-After": "5"})


class _BadRequest(Exception):
    """A request body the service refuses before GraphQL sees it (400, with a code)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


async def _close_when_expired(ws: WebSocket, principal: Principal) -> None:
    """Close a websocket session when its token expires (no pushes or operations after ``exp``)."""
    assert principal.expires_at is not None
    await asyncio.sleep(max(0.0, principal.expires_at - time.time()))
    if ws.application_state == WebSocketState.CONNECTED:
        with contextlib.suppress(RuntimeError, OSError):
            await ws.close(WS_TOKEN_EXPIRED, "token expired: reconnect with a new token")


def _guarded(endpoint: Callable[[Request], Awaitable[Response]],
             auth: AuthConfig | None) -> Callable[[Request], Awaitable[Response]]:
    """With authentication configured, a plain-HTTP endpoint needs a valid token of a reading role; the
    principal is left in ``request.state.principal`` for the endpoint to read through its scope."""
    if auth is None:
        return endpoint

    async def guarded(request: Request) -> Response:
        try:
            principal = await auth.verify_async(token_of(request.headers.get("authorization")))
        except AuthError as exc:
            return PlainTextResponse(f"authentication required: {exc}", status_code=401)
        except AuthUnavailableError as exc:
            return auth_unavailable(exc)
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

    def __init__(self, engine: Engine, writes: WriteService, hub: WarningHub,
                 auth: AuthConfig | None = None, **kwargs: Any):
        super().__init__(build_schema(), **kwargs)
        self.engine, self.writes, self.hub = engine, writes, hub
        self.auth = auth
        self.timeout = Limits().request_timeout or None
        self.playground_html = web.graphiql_html(graphql_operations())
        self.offload: Offload | None = None  # set by create_app with admission control on

    async def render_graphql_ide(self, request: Any) -> HTMLResponse:
        return web.graphiql_page(self.playground_html)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """strawberry's, with the identity provider's outage a 503 and a refused body a 400 (both JSON,
        with a code); a websocket's expiry timer ends with its session."""
        try:
            return await super().run(request, context, root_value)
        except AuthUnavailableError as exc:
            return auth_unavailable(exc)
        except _BadRequest as exc:
            return refusal_response(400, exc.code, str(exc))
        finally:
            timer = getattr(request.state, "expiry", None)
            if timer is not None:
                timer.cancel()

    def decode_json(self, data: str | bytes) -> object:
        """JSON bodies nested deeper than MAX_JSON_DEPTH are refused (400), never a RecursionError."""
        try:
            value = json.loads(data)
        except RecursionError as exc:
            raise _BadRequest("JSON_TOO_DEEP", f"request body nests too deeply: at most {MAX_JSON_DEPTH} "
                                               "levels of arrays and objects") from exc
        depth = json_depth(value, MAX_JSON_DEPTH + 2)  # the body and its variables object
        if depth > MAX_JSON_DEPTH + 2:
            raise _BadRequest("JSON_TOO_DEEP", f"request body nests too deeply: at most {MAX_JSON_DEPTH} "
                                               "levels of arrays and objects in variables")
        return value

    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
        if self.engine.store.behind():  # another worker wrote: read it (a caller reads its own writes)
            self.writes.follow()
        principal: Principal | None = Principal.developer() if self.auth is None else None
        # HTTP: the bearer token now; GraphiQL's own page (static HTML, no data) is served without one
        if (self.auth is not None and isinstance(request, Request)
                and not self.should_render_graphql_ide(self.request_adapter_class(request))):
            try:
                principal = await self.auth.verify_async(token_of(request.headers.get("authorization")))
            except AuthError as exc:
                raise HTTPException(401, f"authentication required: {exc}") from exc
        return {"request": request, "response": response,
                "zhengai": Context(self.engine, self.writes, self.hub, principal,
                                   self.timeout if isinstance(request, Request) else None)}

    async def on_ws_connect(self, context: dict[str, Any]) -> Any:
        """Websockets authenticate with connection_init's payload {"Authorization": "Bearer …"}; the
        session is closed (code 4401) when the token expires."""
        if self.auth is not None:
            params = context.get("connection_params") or {}
            header = params.get("Authorization") or params.get("authorization") if isinstance(params, dict) \
                else None
            try:
                principal = await self.auth.verify_async(token_of(header if isinstance(header, str)
                                                                  else None))
            except AuthError as exc:
                raise ConnectionRejectionError({"reason": str(exc)}) from exc
            except AuthUnavailableError as exc:
                raise ConnectionRejectionError({"reason": f"authentication unavailable: {exc}",
                                                "code": "AUTH_UNAVAILABLE"}) from exc
            context["zhengai"].principal = principal
            ws = context.get("request")
            if principal.expires_at is not None and isinstance(ws, WebSocket):
                earlier = getattr(ws.state, "expiry", None)
                if earlier is not None:  # a second connection_init (legacy graphql-ws): its token rules
                    earlier.cancel()
                ws.state.expiry = asyncio.create_task(_close_when_expired(ws, principal))
        return await super().on_ws_connect(context)


def create_app(engine: Engine, *, writes: WriteService | None = None, auth: AuthConfig | None = None,
               cors: Cors | None = None, follow_every: float | None = FOLLOW_EVERY,
               admission: AdmissionSettings | None = None, notify: NotifySettings | None = None,
               notify_schedule: bool = True, attachments: AttachmentSettings | None = None,
               annual_mapping: Path | None = None) -> Starlette:
    """The service over ``engine``. ``writes`` is its one write path (default: a new one over the
    engine); the warnings a write raises are pushed to subscribers. While the app runs, what other
    processes write to the same store (a CLI ingest, another replica) is followed every ``follow_every``
    seconds (None: not followed). ``cors`` (default: ZHENGAI_CORS_ORIGINS) lists the origins allowed
    cross-origin access (HTTP and websockets); CorsError for ``*`` with authentication configured.
    ``admission`` (default: ZHENGAI_MAX_INFLIGHT, ZHENGAI_MAX_QUEUE, ZHENGAI_QUEUE_WAIT) bounds the work
    accepted at once; ValueError for a setting out of range. ``notify`` turns 预警推送 on (its
    acknowledgement link; with ``notify_schedule`` and ``notify.enabled`` its scheduler runs with the
    app); the notifier is ``app.state.notifier``. ``attachments`` (default:
    the bucket of ZHENGAI_ATTACHMENTS_S3_*, else ZHENGAI_ATTACHMENTS_DIR, else ``attachments/`` beside the
    embedded store's journal) keeps 佐证材料.
    ``annual_mapping`` (default: ZHENGAI_ANNUAL_MAPPING, else the demo's) maps the 质量年报's rows."""
    origins = (cors or Cors()).allowed(authenticated=auth is not None)  # a refused setting fails here
    gate = Admission(admission)
    writes = writes or WriteService(engine)
    hub = WarningHub()
    writes.listeners.append(hub)
    graphql = ZhengaiGraphQL(engine, writes, hub, auth, allowed_origins=origins)
    engine.store.limit_transactions(graphql.timeout)  # Neo4j stops a request's statement at its limit too
    if gate.settings.enabled:
        graphql.offload = Offload(gate.settings.max_inflight)
    follower = Follower(writes, follow_every) if follow_every else None
    health = Health(engine.store, gate, auth, follower)
    notifier = Notifier(engine, writes, notify) if notify is not None else None
    scheduled = notifier is not None and notify_schedule and notify.enabled  # type: ignore[union-attr]

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if follower is not None:
            follower.start()
        if scheduled:
            notifier.start()  # type: ignore[union-attr]
        try:
            yield
        finally:
            if scheduled:
                notifier.stop()  # type: ignore[union-attr]
            if follower is not None:
                follower.stop()
            if graphql.offload is not None:
                graphql.offload.close()
            writes.flush()  # the values kept on Neo4j nodes reach it before the store closes

    async def explorer(_: Request) -> Response:
        return web.explorer_page()

    async def filling_page(_: Request) -> Response:
        return web.filling_page()

    books = workbook_endpoints(engine, writes, auth is not None)
    journal = getattr(engine.store, "journal", None)
    kept = attachments or AttachmentSettings.from_env(default_folder(getattr(journal, "folder", None)))
    files = attachment_endpoints(
        engine, writes, kept,
        lambda: writes.follow() if engine.store.behind() else 0,
        temporary=engine.store.name == "embedded" and journal is None)

    middleware = [Cors.middleware(origins), Middleware(BodyLimit, max_bytes=Limits().max_body_bytes)]
    extra = [] if notifier is None else [
        Route("/notify/ack", ack_endpoint(notifier), methods=["GET", "POST"])]
    app = Starlette(middleware=middleware, lifespan=lifespan, routes=[*extra,
        Route("/healthz", health.healthz),
        Route("/readyz", health.readyz),
        Route("/reports/annual/{year}.{format}",  # 质量年报 (annual_mapping: its annual_report.yaml)
              gate.endpoint(_guarded(annual_endpoint(engine, annual_mapping), auth)), methods=["GET"]),
        Route("/reports/{subject_id}.{format}", gate.endpoint(_guarded(report_endpoint(engine), auth)),
              methods=["GET"]),
        Route("/export/plan.xlsx", gate.endpoint(_guarded(books["export"], auth)), methods=["GET"]),
        Route("/import/plan.xlsx", gate.endpoint(_guarded(books["import"], auth)), methods=["POST"]),
        Route("/forms/{unit_id}.xlsx", gate.endpoint(_guarded(books["form"], auth)), methods=["GET"]),
        Route("/forms/{unit_id}.xlsx", gate.endpoint(_guarded(books["submit_form"], auth)), methods=["POST"]),
        Route("/attachments/{attachment_id}", gate.endpoint(_guarded(files["download"], auth)),
              methods=["GET"]),
        Route("/attachments/{kind}/{parent_id:path}", gate.endpoint(_guarded(files["upload"], auth)),
              methods=["POST"]),
        Route("/filling", filling_page),
        Route("/evidence", lambda _: web.evidence_page()),
        Route("/report", lambda _: web.report_page()),
        Route("/graphql", gate.asgi(graphql), methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/", explorer),
        Route("/dashboard", lambda _: web.dashboard_page()),
        Route("/assessment", lambda _: web.assessment_page()),
        Route("/texts.json", web.texts_json),
        Mount("/static", app=web.static_files(), name="static"),
    ])
    app.state.notifier = notifier
    return app

"""HTTP endpoints of the workbooks: ``GET /export/plan.xlsx`` (the plan as the caller sees it), ``POST
/import/plan.xlsx`` (a dry run by default: what the workbook would change, or its located problems;
``?apply=1`` applies it), ``GET /forms/{unitId}.xlsx`` (a unit's 填报表) and ``POST /forms/{unitId}.xlsx``
(its filled values submitted for review). Reads go through ``engine.for_principal``, writes through the
one write path with the caller's rights."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from zhengai import texts
from zhengai.engine import Engine, InvalidArgumentError, NotFoundError
from zhengai.engine.writes import WriteService
from zhengai.security.tokens import Principal
from zhengai.workbooks.forms import export_form, submit_form
from zhengai.workbooks.plan_export import export_plan
from zhengai.workbooks.plan_import import ImportResult, import_plan, message

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Endpoint = Callable[[Request], Awaitable[Response]]


def _caller(request: Request, auth_on: bool) -> Principal:
    principal = getattr(request.state, "principal", None)
    return principal if principal is not None or auth_on else Principal.developer()


def _day(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise InvalidArgumentError(f"{name} must be an ISO date (YYYY-MM-DD), got {raw!r}") from None


def _download(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type=XLSX,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )


def _refused(exc: Exception) -> Response:
    if isinstance(exc, NotFoundError):
        return PlainTextResponse(
            texts.say("http.report_not_found", id=exc.node_id, reason=exc) + "\n", status_code=404
        )
    return PlainTextResponse(texts.say("http.bad_parameter", reason=exc) + "\n", status_code=400)


def _result_json(result: ImportResult) -> dict[str, Any]:
    return {
        "dryRun": result.dry_run,
        "applied": result.applied,
        "version": result.version,
        "effectiveFrom": result.effective.isoformat() if result.effective else None,
        "counts": result.counts(),
        "changes": [
            {
                "kind": type(c).__name__,
                "id": getattr(c, "id", None) or getattr(c, "source", None),
                "target": getattr(c, "target", None),
                "sheet": o.sheet,
                "row": o.row,
                "fields": sorted(getattr(c, "fields", {}) or {}),
            }
            for c, o in result.changes[:2000]
        ],
        "changed": [{"id": c.id, "kind": c.kind, "op": c.op.value} for c in result.changed[:2000]],
        "problems": [
            {"sheet": p.sheet, "cell": p.cell, "code": p.code, "message": message(p)}
            for p in result.problems[:1000]
        ],
        "problemCount": len(result.problems),
    }


def workbook_endpoints(engine: Engine, writes: WriteService, auth_on: bool) -> dict[str, Endpoint]:
    """The endpoints by name: export, import, form, submit_form."""

    async def export(request: Request) -> Response:
        try:
            view = engine.for_principal(_caller(request, auth_on))
            as_of = _day(request, "asOf")
            buffer = io.BytesIO()
            await run_in_threadpool(export_plan, view, buffer, as_of)
        except (InvalidArgumentError, NotFoundError) as exc:
            return _refused(exc)
        return _download(buffer.getvalue(), f"诊改图谱-{(as_of or date.today()).isoformat()}.xlsx")

    async def upload(request: Request) -> Response:
        try:
            principal = _caller(request, auth_on)
            effective = _day(request, "effectiveFrom")
            apply = request.query_params.get("apply") in ("1", "true")
            body = await request.body()
            view = engine.for_principal(principal)
            result = await run_in_threadpool(import_plan, writes, view, body, principal, effective, not apply)
        except (InvalidArgumentError, NotFoundError) as exc:
            return _refused(exc)
        return JSONResponse(_result_json(result), status_code=422 if result.problems else 200)

    async def form(request: Request) -> Response:
        unit_id = request.path_params["unit_id"]
        try:
            view = engine.for_principal(_caller(request, auth_on))
            buffer = io.BytesIO()
            await run_in_threadpool(export_form, view, unit_id, buffer, _day(request, "asOf"))
        except (InvalidArgumentError, NotFoundError) as exc:
            return _refused(exc)
        return _download(buffer.getvalue(), f"填报表-{unit_id}-{date.today().isoformat()}.xlsx")

    async def submit(request: Request) -> Response:
        try:
            principal = _caller(request, auth_on)
            body = await request.body()
            view = engine.for_principal(principal)
            result = await run_in_threadpool(submit_form, writes, view, body, principal)
        except (InvalidArgumentError, NotFoundError) as exc:
            return _refused(exc)
        return JSONResponse(
            {
                "submitted": [s.id for s in result.submitted],
                "values": len(result.values),
                "problems": [
                    {"sheet": p.sheet, "cell": p.cell, "code": p.code, "message": message(p)}
                    for p in result.problems
                ],
            },
            status_code=422 if result.problems else 200,
        )

    return {"export": export, "import": upload, "form": form, "submit_form": submit}

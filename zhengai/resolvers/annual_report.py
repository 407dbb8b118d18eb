"""The 质量年报 download, ``GET /reports/annual/{year}.{docx|pdf|md}[?asOf=YYYY-MM-DD]``, for 管理员 (质管办)
and 校领导 only, and :func:`render_annual_report` shared with ``zhengai annual-report``: thin calls into
:mod:`zhengai.engine.reports.annual`, worded by :mod:`zhengai.reports.annual`."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from zhengai import texts
from zhengai.engine import Engine, InvalidArgumentError, NotFoundError
from zhengai.engine.reports.annual import annual_report, mapping_for
from zhengai.engine.reports.annual_mapping import FILE_NAME, AnnualMapping, AnnualMappingError
from zhengai.graph_loader import demo_path
from zhengai.reports import annual
from zhengai.reports.document import Document
from zhengai.resolvers.reporting import FORMATS
from zhengai.security.tokens import Principal, Role

__all__ = ["ANNUAL_FORMATS", "READERS", "annual_endpoint", "default_mapping_path", "may_read",
           "render_annual_report"]

#: The formats of the 质量年报.
ANNUAL_FORMATS = ("docx", "pdf", "md")
#: Who may download it: the 质管办 (ADMIN) and the school's leaders (LEADER).
READERS = frozenset({Role.ADMIN, Role.LEADER})


def default_mapping_path(data: str | Path | None = None) -> Path:
    """The mapping file: ZHENGAI_ANNUAL_MAPPING, else ``annual_report.yaml`` of the dataset folder
    ``data`` (default: the bundled demo)."""
    configured = os.environ.get("ZHENGAI_ANNUAL_MAPPING")
    if configured:
        return Path(configured)
    return (Path(data) if data else demo_path()) / FILE_NAME


def render_annual_report(engine: Engine, year: int, mapping: AnnualMapping, fmt: str,
                         as_of: date | None = None) -> tuple[str | bytes, Document]:
    """The 质量年报 of ``year`` in ``fmt`` (docx, pdf or md) and its document."""
    if fmt not in ANNUAL_FORMATS:
        raise InvalidArgumentError(texts.say("annual_report.http.bad_format", format=fmt))
    doc = annual.document(annual_report(engine, year, mapping, as_of))
    return FORMATS[fmt][0](doc), doc


def may_read(principal: Principal | None) -> bool:
    """Whether ``principal`` may download the 质量年报 (no principal: authentication is off)."""
    return principal is None or bool(principal.roles & READERS)


def annual_endpoint(engine: Engine, mapping_path: Path | None = None) -> Callable[[Request],
                                                                                 Awaitable[Response]]:
    """``GET /reports/annual/{year}.{format}``: the 质量年报 as Word, PDF or Markdown; 403 unless the
    caller is ADMIN or LEADER."""
    path = mapping_path or default_mapping_path()

    async def endpoint(request: Request) -> Response:
        raw, fmt = request.path_params["year"], request.path_params["format"]
        if fmt not in ANNUAL_FORMATS or not (raw.isdigit() and len(raw) == 4):
            return PlainTextResponse(texts.say("annual_report.http.bad_format", format=f"{raw}.{fmt}") + "\n",
                                     status_code=404)
        principal = getattr(request.state, "principal", None)  # set when authentication is on
        if not may_read(principal):
            return PlainTextResponse(texts.say("annual_report.http.forbidden") + "\n", status_code=403)
        scoped = engine.for_principal(principal) if principal is not None else engine
        try:
            raw_as_of = request.query_params.get("asOf")
            as_of = date.fromisoformat(raw_as_of) if raw_as_of else None
        except ValueError:
            return PlainTextResponse(texts.say("http.bad_parameter", reason=f"asOf: {raw_as_of!r}") + "\n",
                                     status_code=400)
        try:
            mapping = await run_in_threadpool(mapping_for, engine, path)
            body, _ = await run_in_threadpool(render_annual_report, scoped, int(raw), mapping, fmt, as_of)
        except AnnualMappingError as e:
            return PlainTextResponse(f"{e}\n", status_code=500)
        except NotFoundError as e:
            return PlainTextResponse(texts.say("http.report_not_found", id=e.node_id, reason=e) + "\n",
                                     status_code=404)
        except InvalidArgumentError as e:
            return PlainTextResponse(texts.say("http.bad_parameter", reason=e) + "\n", status_code=400)
        headers = {} if fmt == "md" else {
            "Content-Disposition": f"attachment; filename=annual-report-{raw}.{fmt}"}
        return Response(body, media_type=FORMATS[fmt][1], headers=headers)

    return endpoint

"""The browser UI: the 五纵五横 explorer page and an offline GraphiQL, served from package files only.

Every page and asset comes from ``static/`` and ``templates/`` in this package (the third-party
libraries are vendored under ``static/vendor/`` by ``scripts/ui-assets``); the pages talk to the
service only through POSTs to the public GraphQL endpoint. A Content-Security-Policy on every page
keeps the browser from loading anything from another host.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.resources import files
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

from zhengai import texts

WEB = Path(str(files("zhengai.web")))
STATIC = WEB / "static"
TEMPLATES = WEB / "templates"

# Only the service's own origin; inline styles for GraphiQL's and cytoscape's runtime styling, data:
# URLs for GraphiQL's inlined fonts and icons.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
])
PAGE_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-cache"}

# The playground's tabs follow the README's tour; operations not named here come after, by name.
TAB_ORDER = ["quality_network", "goals", "explain_gap", "trace_impact", "simulate", "goal_chain", "graph",
             "goal", "metric"]


def static_files() -> StaticFiles:
    """The package's static folder (explorer script and style, vendored libraries)."""
    return StaticFiles(directory=STATIC)


@cache
def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _json_for_script(value: object) -> str:
    """JSON safe inside a ``<script type="application/json">`` block."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def with_texts(html: str) -> str:
    """A page template with the catalogue of texts in its ``{{ TEXTS }}`` block (read by static/texts.js)."""
    return html.replace("{{ TEXTS }}", _json_for_script(texts.as_json_value()))


@cache
def _explorer_html() -> str:
    return with_texts(_template("explorer.html"))


def explorer_page() -> HTMLResponse:
    """The explorer at ``/``, with the catalogue of texts in the page (``static/texts.js`` reads it)."""
    return HTMLResponse(_explorer_html(), headers=PAGE_HEADERS)


@cache
def _dashboard_html() -> str:
    return with_texts(_template("dashboard.html"))


def dashboard_page() -> HTMLResponse:
    """驾驶舱 and 画像 at ``/dashboard`` (the role's landing board, ``?subject=`` a portrait, ``?screen=big``
    the 大屏), with the catalogue of texts in the page."""
    return HTMLResponse(_dashboard_html(), headers=PAGE_HEADERS)


@cache
def _filling_html() -> str:
    return with_texts(_template("filling.html"))


def filling_page() -> HTMLResponse:
    """The 数据填报 page at ``/filling``: the plan workbook (download, upload with its dry run), a unit's
    填报表 and the values waiting for review."""
    return HTMLResponse(_filling_html(), headers=PAGE_HEADERS)


@cache
def _evidence_html() -> str:
    return with_texts(_template("evidence.html"))


def evidence_page() -> HTMLResponse:
    """The 佐证材料 page at ``/evidence`` (``?parent=REPORT:STU-001@2026``): list, upload, download."""
    return HTMLResponse(_evidence_html(), headers=PAGE_HEADERS)


@cache
def _report_html() -> str:
    return with_texts(_template("report.html"))


def report_page() -> HTMLResponse:
    """The 诊改报告 page at ``/report`` (``?subject=STU-001&period=2026``): write, submit, review, attach,
    download."""
    return HTMLResponse(_report_html(), headers=PAGE_HEADERS)


@cache
def _assessment_html() -> str:
    return with_texts(_template("assessment.html"))


def assessment_page() -> HTMLResponse:
    """The 考核 page at ``/assessment``: a scheme's ranking with its components, and 黄牌/红牌."""
    return HTMLResponse(_assessment_html(), headers=PAGE_HEADERS)


async def texts_json(request: Request) -> Response:
    """``GET /texts.json``: the catalogue of texts (zhengai/texts/zh.yaml) for the explorer and the editor,
    revalidated by its ETag (no personal data: served without a token)."""
    body, etag = texts.as_json()
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json; charset=utf-8", headers=headers)


def graphiql_html(operations: dict[str, str]) -> str:
    """The GraphiQL page with ``operations`` ({name: text}) preloaded as its default tabs."""
    order = {name: i for i, name in enumerate(TAB_ORDER)}
    names = sorted(operations, key=lambda n: (order.get(n, len(order)), n))
    tabs = [{"name": n, "query": operations[n]} for n in names]
    # The tab storage is namespaced by the operations' digest: edited saved operations show up again.
    digest = hashlib.sha256(json.dumps(tabs, sort_keys=True).encode()).hexdigest()[:12]
    payload = {"storageNamespace": f"zhengai-graphiql-{digest}", "tabs": tabs}
    return _template("graphiql.html").replace("{{ PLAYGROUND_CONFIG }}", _json_for_script(payload))


def graphiql_page(html: str) -> HTMLResponse:
    """``html`` (from :func:`graphiql_html`) with the page headers."""
    return HTMLResponse(html, headers=PAGE_HEADERS)

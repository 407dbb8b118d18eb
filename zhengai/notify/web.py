"""The acknowledgement link of a 预警简报: ``GET /notify/ack?c=…&s=…`` shows the bulletin's warnings with a
button, ``POST`` (the button) acknowledges them. A GET never writes: chat apps fetch links to preview them.
"""

from __future__ import annotations

from html import escape

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from zhengai import texts
from zhengai.domain.errors import ForbiddenError, NotFoundError
from zhengai.notify.service import Notifier
from zhengai.web import PAGE_HEADERS


def _page(body: str, status: int = 200) -> HTMLResponse:
    title = escape(texts.say("notify.ack_page.title"))
    html = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{title}</title></head>'
            f"<body><h1>{title}</h1>{body}</body></html>")
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


def ack_endpoint(notifier: Notifier):
    """The endpoint of the acknowledgement link."""

    async def endpoint(request: Request) -> Response:
        claim_id, signature = request.query_params.get("c", ""), request.query_params.get("s", "")
        try:
            claim = await run_in_threadpool(notifier.claim_of_link, claim_id, signature)
            if request.method == "POST":
                done = await run_in_threadpool(notifier.acknowledge_link, claim_id, signature)
                key = "notify.ack_page.done" if done else "notify.ack_page.already"
                return _page(f"<p>{escape(texts.say(key, count=len(done)))}</p>")
        except (ForbiddenError, NotFoundError):
            return _page(f"<p>{escape(texts.say('notify.ack_page.bad_link'))}</p>", 403)
        names = "".join(f"<li>{escape(w)}</li>" for w in claim.warnings)
        prompt = texts.say("notify.ack_page.prompt", count=len(claim.warnings), title=claim.id)
        return _page(f"<p>{escape(prompt)}</p><ul>{names}</ul>"
                     f'<form method="post" action="{escape(request.url.path)}?{escape(request.url.query)}">'
                     f'<button type="submit">{escape(texts.say("notify.ack_page.button"))}</button></form>')

    return endpoint

"""A 预警简报 in the words of each channel: Markdown (企业微信, 钉钉), plain text (mail), JSON."""

from __future__ import annotations

from typing import Any

from zhengai import texts
from zhengai.notify.bulletin import Bulletin
from zhengai.notify.periods import period_name

#: 企业微信 markdown content is limited to 4096 bytes: the list stops short of it.
WECOM_MAX_BYTES = 4000

_MARK = {"RED": "🔴", "YELLOW": "🟡", "INFO": "🔵"}


def _line(w: Any, markdown: bool) -> str:
    sev = texts.label("severity", w.severity)
    kind = texts.label("warning_type", w.type)
    if markdown:
        return f"- {_MARK[w.severity]} **{sev}** · {kind} · {w.node_name}：{w.message}"
    return f"- [{sev}] {kind} · {w.node_name}：{w.message}"


def lines(bulletin: Bulletin, ack_url: str, markdown: bool, limit: int | None,
          max_bytes: int | None = None) -> list[str]:
    """The bulletin's lines: heading, counts, up to ``limit`` warnings (and how many more), the link."""
    head = [f"### {bulletin.title}" if markdown else bulletin.title,
            texts.say("notify.summary", unit=bulletin.unit_name, period=period_name(bulletin.period),
                      counts=bulletin.counts())]
    if bulletin.escalation:
        head.append(texts.say("notify.escalation_note"))
    link = (texts.say("notify.ack_markdown", url=ack_url) if markdown
            else texts.say("notify.ack_text", url=ack_url))
    body: list[str] = []
    size = len("\n".join([*head, link]).encode()) + 200
    shown = bulletin.warnings if limit is None else bulletin.warnings[:limit]
    for w in shown:
        line = _line(w, markdown)
        size += len(line.encode()) + 1
        if max_bytes is not None and size > max_bytes:
            break
        body.append(line)
    rest = len(bulletin.warnings) - len(body)
    if rest:
        body.append(texts.say("notify.more", count=rest))
    return [*head, "", *body, "", link]


def wecom(bulletin: Bulletin, ack_url: str, fmt: str, limit: int) -> dict[str, Any]:
    """企业微信群机器人: ``{"msgtype": "markdown", "markdown": {"content": …}}`` (or text)."""
    content = "\n".join(lines(bulletin, ack_url, fmt == "markdown", limit, WECOM_MAX_BYTES))
    return {"msgtype": fmt, fmt: {"content": content}}


def dingtalk(bulletin: Bulletin, ack_url: str, limit: int) -> dict[str, Any]:
    """钉钉群机器人: ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``."""
    text = "\n".join(lines(bulletin, ack_url, True, limit, 18000))
    return {"msgtype": "markdown", "markdown": {"title": bulletin.title, "text": text}}


def generic(bulletin: Bulletin, ack_url: str) -> dict[str, Any]:
    """The generic JSON webhook: the bulletin as data, every warning listed."""
    return {
        "type": "zhengai.bulletin",
        "title": bulletin.title,
        "unit": {"id": bulletin.unit_id, "name": bulletin.unit_name},
        "job": bulletin.job,
        "period": bulletin.period,
        "periodName": period_name(bulletin.period),
        "escalation": bulletin.escalation,
        "acknowledgeUrl": ack_url,
        "warnings": [{"id": w.id, "type": w.type.value, "severity": w.severity.value, "nodeId": w.node_id,
                      "nodeName": w.node_name, "kind": w.kind, "level": w.level.value if w.level else None,
                      "unitId": w.unit_id, "unitName": w.unit_name, "leader": w.leader, "message": w.message}
                     for w in bulletin.warnings],
    }


def mail_text(bulletin: Bulletin, ack_url: str) -> str:
    """The mail body (plain text, every warning)."""
    return "\n".join([*lines(bulletin, ack_url, False, None), "", texts.say("notify.mail_footer")])

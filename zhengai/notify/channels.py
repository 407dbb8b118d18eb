"""Sending a 预警简报: webhooks (企业微信, 钉钉 with its 加签, generic JSON) over HTTP and mail over SMTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from zhengai.notify import render
from zhengai.notify.bulletin import Bulletin
from zhengai.notify.settings import Channels, DingTalk, NotifySettings

#: Seconds a webhook may take to answer.
HTTP_TIMEOUT = 15.0


class SendError(RuntimeError):
    """A channel refused or could not take a message (the reason is in the text)."""


def post_json(url: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """POST ``body`` as UTF-8 JSON; the answer's JSON (None when it is not JSON); SendError on HTTP errors."""
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as answer:
            raw = answer.read()
    except OSError as exc:  # URLError, HTTPError, timeouts
        raise SendError(f"{_safe(url)}: {exc}") from exc
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _safe(url: str) -> str:
    """The URL without its query (robot keys and signatures stay out of logs and events)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _robot_answer(url: str, answer: dict[str, Any] | None) -> None:
    """企业微信 and 钉钉 answer HTTP 200 with ``errcode`` ≠ 0 on a refusal."""
    if answer is not None and answer.get("errcode", 0) != 0:
        raise SendError(f"{_safe(url)}: errcode {answer.get('errcode')}: {answer.get('errmsg')}")


def dingtalk_url(robot: DingTalk, now_ms: int | None = None) -> str:
    """The robot's URL, signed when it has a secret: ``timestamp`` and ``sign`` = Base64(HMAC-SHA256(secret,
    "timestamp\\nsecret")), URL-encoded (钉钉 加签)."""
    if not robot.secret:
        return robot.url
    stamp = now_ms if now_ms is not None else int(time.time() * 1000)
    digest = hmac.new(robot.secret.encode(), f"{stamp}\n{robot.secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if "?" in robot.url else "?"
    return f"{robot.url}{joiner}timestamp={stamp}&sign={sign}"


def send_mail(settings: NotifySettings, to: list[str], subject: str, body: str) -> None:
    """One UTF-8 mail to ``to`` through the configured SMTP server; SendError on refusal."""
    smtp = settings.smtp
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = smtp.sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2] or None)
    message.set_content(body, charset="utf-8")
    try:
        client: smtplib.SMTP = (smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout,
                                                 context=smtp.tls())
                                if smtp.security == "ssl" else smtplib.SMTP(smtp.host, smtp.port,
                                                                            timeout=smtp.timeout))
        with client:
            if smtp.security == "starttls":
                client.starttls(context=smtp.tls())
            if smtp.user:
                password = settings.smtp_password() or ""
                if not password.isascii():  # smtplib's AUTH encodes ASCII only
                    raise SendError(f"smtp {smtp.host}:{smtp.port}: the password of {smtp.user} must be "
                                    "ASCII (ZHENGAI_SMTP_PASSWORD)")
                client.login(smtp.user, password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(f"smtp {smtp.host}:{smtp.port}: {exc}") from exc


def sender(settings: NotifySettings, channels: Channels, channel: str) -> Callable[[Bulletin, str], None]:
    """The function sending a bulletin (with its acknowledgement link) over one channel of a recipient."""
    limit = settings.max_listed

    def wecom(b: Bulletin, ack: str) -> None:
        for url in channels.wecom:
            _robot_answer(url, post_json(url, render.wecom(b, ack, channels.wecom_format, limit)))

    def dingtalk(b: Bulletin, ack: str) -> None:
        for robot in channels.dingtalk:
            url = dingtalk_url(robot)
            _robot_answer(url, post_json(url, render.dingtalk(b, ack, limit)))

    def webhook(b: Bulletin, ack: str) -> None:
        for url in channels.webhook:
            post_json(url, render.generic(b, ack))

    def mail(b: Bulletin, ack: str) -> None:
        send_mail(settings, channels.mail, b.title, render.mail_text(b, ack))

    return {"wecom": wecom, "dingtalk": dingtalk, "webhook": webhook, "mail": mail}[channel]

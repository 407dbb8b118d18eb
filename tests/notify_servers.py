"""Real receivers for the 预警推送 tests: an HTTP server taking the webhook posts (企业微信, 钉钉, generic)
and an SMTP server (aiosmtpd) taking the mails."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

from tests.servers import free_port


@dataclass(frozen=True)
class Post:
    """One webhook post as received."""

    path: str
    query: dict[str, str]
    content_type: str
    body: dict[str, Any]


class WebhookReceiver:
    """An http.server in a thread recording every POST; paths in ``failing`` answer 500, paths under
    ``/refuse`` answer a robot's refusal (HTTP 200, errcode ≠ 0)."""

    def __init__(self) -> None:
        self.posts: list[Post] = []
        self.failing: set[str] = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                receiver.posts.append(Post(parts.path, query, self.headers.get("Content-Type", ""),
                                           json.loads(raw.decode("utf-8"))))
                if parts.path in receiver.failing:
                    self.send_response(500)
                    self.end_headers()
                    return
                answer = {"errcode": 310000, "errmsg": "keywords not in content"} \
                    if parts.path.startswith("/refuse") else {"errcode": 0, "errmsg": "ok"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def at(self, path: str) -> list[Post]:
        """The posts received at ``path``."""
        return [p for p in self.posts if p.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class MailReceiver:
    """aiosmtpd on a free local port, keeping every message (parsed) with its envelope recipients."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], EmailMessage]] = []
        receiver = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                message = message_from_bytes(envelope.original_content, policy=policy.default)
                receiver.mails.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
                return "250 Message accepted for delivery"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to ``address``."""
        return [m for rcpt, m in self.mails if address in rcpt]

    def close(self) -> None:
        self.controller.stop()

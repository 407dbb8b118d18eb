"""Real receivers for the 预警推送 tests: an HTTP server taking the webhook posts (企业微信, 钉钉, generic)
and an SMTP server (aiosmtpd) taking the mails."""

from __future__ import annotations

import ipaddress
import json
import ssl
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

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


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (PEM files in ``folder``): the private CA of a mail server."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class MailReceiver:
    """aiosmtpd on a free local port, keeping every message (parsed) with its envelope recipients. With
    ``tls`` (certificate, key) it requires STARTTLS and a login as ``login`` (user, password)."""

    def __init__(self, tls: tuple[Path, Path] | None = None, login: tuple[str, str] | None = None) -> None:
        self.mails: list[tuple[list[str], EmailMessage]] = []
        self.logins: list[str] = []
        receiver = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                message = message_from_bytes(envelope.original_content, policy=policy.default)
                receiver.mails.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
                return "250 Message accepted for delivery"

        def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = login is not None and (data.login.decode(), data.password.decode()) == login
            if ok:
                receiver.logins.append(data.login.decode())
            return AuthResult(success=ok, handled=False)  # aiosmtpd answers 235 or 535

        self.port = free_port()
        options: dict[str, Any] = {}
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*tls)
            options = {"tls_context": context, "require_starttls": True, "authenticator": authenticate,
                       "auth_required": True}
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to ``address``."""
        return [m for rcpt, m in self.mails if address in rcpt]

    def close(self) -> None:
        self.controller.stop()

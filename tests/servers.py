"""Real local servers for the tests: the service on uvicorn in a thread or as a ``zhengai serve`` process,
and an identity provider's JWKS endpoint (http.server) that counts its GETs and can hang or answer
garbage."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa

from bench.launch import StartFailed, free_port, healthy, launched, zhengai_serve

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def served(app: Any) -> Iterator[str]:
    """``app`` on a real uvicorn server in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                          lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def serving(*args: str, env: dict[str, str] | None = None, timeout: float = 90) -> Iterator[str]:
    """``zhengai serve ARGS`` as a process of its own (uvicorn, its worker processes or threads, its
    follower) on a free loopback port with ``env`` added; yields its URL once /healthz answers, and
    stops it after (SIGTERM, then SIGKILL)."""
    url = f"http://127.0.0.1:{free_port()}"
    try:
        with launched(zhengai_serve(*args, "--port", url.rsplit(":", 1)[1]), healthy(url), env=env,
                      timeout=timeout, grace=20):
            yield url
    except StartFailed as exc:
        pytest.fail(str(exc))


class SigningKey:
    """An RSA key pair with a ``kid``: signs tokens, and is published as a JWK."""

    def __init__(self, kid: str):
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        return {**public, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def sign(self, claims: dict[str, Any], **headers: Any) -> str:
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": self.kid, **headers})


class JwksServer:
    """A JWKS endpoint at ``url``; ``mode``: "keys" (serve ``keys``), "hang" (never answer until closed)
    or "garbage" (not JSON). ``gets`` counts the requests it received; ``requested`` is set on each."""

    def __init__(self, keys: list[SigningKey]):
        self.keys, self.mode, self.gets = list(keys), "keys", 0
        self.requested = threading.Event()
        self.release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.gets += 1
                outer.requested.set()
                if outer.mode == "hang":
                    outer.release.wait(30)
                    return
                body = (b"<html>503</html>" if outer.mode == "garbage"
                        else json.dumps({"keys": [k.jwk() for k in outer.keys]}).encode())
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/.well-known/jwks.json"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

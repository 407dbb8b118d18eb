"""Bearer JWTs: HS256 with ZHENGAI_JWT_SECRET (development, small installs; at least 32 bytes) or RS256
with a JWKS file or URL in ZHENGAI_JWKS (a campus 统一身份认证 provider, CAS/OIDC). Issuer
(ZHENGAI_JWT_ISSUER, when set), audience (ZHENGAI_JWT_AUDIENCE, default ``zhengai``), expiry and the
type of every claim are checked.

Claims: ``sub``, ``name``, ``roles`` (a list of role names), ``unit``, ``subject`` (the quality subject
the person is). A JWKS URL is fetched off the event loop with a short timeout (ZHENGAI_JWKS_TIMEOUT,
3 s), cached, refetched on an unknown ``kid`` (key rotation) at most once per cooldown; while the
provider is down or hangs, callers get :class:`AuthUnavailableError` fast (HTTP 503).
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import anyio
import jwt

#: The shortest HS256 secret accepted (RFC 7518 §3.2: a key of at least the hash size).
MIN_SECRET_BYTES = 32
#: The longest token accepted (a campus provider's tokens are 1–2 KB).
MAX_TOKEN_BYTES = 8192
#: The most roles a token may hold.
MAX_ROLES = 16
STRING_CLAIMS = ("sub", "name", "unit", "subject")


class Role(StrEnum):
    ADMIN = "ADMIN"  # 质管办: everything, loads and imports
    LEADER = "LEADER"  # reads everything
    UNIT_HEAD = "UNIT_HEAD"
    TEACHER = "TEACHER"
    STUDENT = "STUDENT"
    DATA_SERVICE = "DATA_SERVICE"  # 数据中心: recordObservations and ingest only
    DATA_ENTRY = "DATA_ENTRY"  # 数据填报员 of a unit (claim ``unit``): submits its values for review


class AuthError(Exception):
    """A missing, malformed, tampered or expired token."""


class AuthUnavailableError(Exception):
    """The identity provider's keys cannot be had now (down, hanging or answering garbage): HTTP 503."""


class AuthConfigError(ValueError):
    """An authentication setting the service refuses to start with."""


@dataclass(frozen=True)
class Principal:
    """Who is calling; ``expires_at``: the token's ``exp`` (seconds since the epoch), None for none."""

    sub: str
    name: str | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)
    unit: str | None = None
    subject: str | None = None
    expires_at: float | None = None

    @classmethod
    def developer(cls) -> Principal:
        """The caller of a service without authentication configured (development, loopback)."""
        return cls("developer", "开发模式", frozenset({Role.ADMIN}))

    def expired(self, now: float | None = None) -> bool:
        """Whether the token this principal came with has expired."""
        return self.expires_at is not None and (time.time() if now is None else now) >= self.expires_at


def principal_of(claims: dict[str, Any]) -> Principal:
    """The principal of verified ``claims``; AuthError naming the first claim of a wrong type."""
    for name in STRING_CLAIMS:
        value = claims.get(name)
        if value is not None and not isinstance(value, str):
            raise AuthError(f"invalid token: claim {name!r} must be a string, not {_kind(value)}")
    if not claims.get("sub"):
        raise AuthError("invalid token: claim 'sub' must not be empty")
    roles = claims.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise AuthError(f"invalid token: claim 'roles' must be a list of role names, not {_kind(roles)}")
    if len(roles) > MAX_ROLES:
        raise AuthError(f"invalid token: claim 'roles' holds {len(roles)} roles (at most {MAX_ROLES})")
    unknown = sorted({r for r in roles if r not in Role.__members__})
    if unknown:
        shown = ", ".join(repr(r[:40]) for r in unknown[:3])
        raise AuthError(f"invalid token: unknown role {shown} in 'roles' (known: {', '.join(Role)})")
    exp = claims.get("exp")
    return Principal(claims["sub"], claims.get("name"), frozenset(Role(r) for r in roles), claims.get("unit"),
                     claims.get("subject"), float(exp) if isinstance(exp, int | float) else None)


def _kind(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "a list of strings"
    return {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


class RemoteKeys:
    """The signing keys of a JWKS URL (PyJWKClient): the key set cached for ``lifespan`` seconds and
    refetched on an unknown ``kid`` (a rotation) at most once per ``cooldown``; each fetch has a short
    ``timeout``. After a failed fetch, callers are refused at once for ``retry`` seconds (unless the last
    good key set still holds their key) rather than each waiting for the provider in turn."""

    def __init__(self, url: str, timeout: float, lifespan: float = 300, cooldown: float = 30,
                 retry: float = 5):
        self.url, self.timeout, self.retry = url, timeout, retry
        self.client = jwt.PyJWKClient(url, cache_jwk_set=True, lifespan=lifespan, timeout=timeout,
                                      cooldown_duration=cooldown)
        self.limiter = anyio.CapacityLimiter(4)  # worker threads waiting on the provider, at most
        self._lock = threading.Lock()
        self._last_good: jwt.PyJWKSet | None = None
        self._down_until = 0.0
        self._down_reason = ""

    @staticmethod
    def _match(keys: jwt.PyJWKSet | None, kid: str) -> jwt.PyJWK | None:
        return next((k for k in (keys.keys if keys else []) if k.key_id == kid), None)

    def ready(self, kid: str) -> jwt.PyJWK | None:
        """The key without any network call: from the fresh cached set, or from the last good one while
        the provider is down; AuthUnavailableError while it is down and the key is not known."""
        cache = self.client.jwk_set_cache
        key = self._match(cache.get() if cache else None, kid)
        if key is None and time.monotonic() < self._down_until:
            key = self._match(self._last_good, kid)
            if key is None:
                raise AuthUnavailableError(self._down_reason)
        return key

    def key(self, kid: str) -> jwt.PyJWK:
        """The key of ``kid``, fetching the set if needed (blocking: call it in a worker thread)."""
        if not self._lock.acquire(timeout=self.timeout):
            raise AuthUnavailableError(f"the identity provider's key set ({self.url}) is still being fetched")
        try:
            key = self.ready(kid)
            if key is not None:
                return key
            try:
                key = self.client.get_signing_key(kid)
            except jwt.PyJWKClientConnectionError as exc:
                return self._failed(kid, f"cannot be fetched: {exc}")
            except (jwt.PyJWKSetError, ValueError) as exc:
                return self._failed(kid, f"is not a usable JWKS: {exc}")
            except jwt.PyJWKClientError as exc:
                raise AuthError(f"invalid token: no key {kid[:64]!r} in the identity provider's key set") \
                    from exc
            cache = self.client.jwk_set_cache
            self._last_good = (cache.get() if cache else None) or self._last_good
            return key
        finally:
            self._lock.release()

    def check(self) -> int:
        """How many keys the provider's set holds: from the cache while it is fresh, else fetched
        (blocking, within the timeout); AuthUnavailableError, caused by the fetch's error, when the set
        cannot be had (for readiness checks)."""
        cache = self.client.jwk_set_cache
        held = cache.get() if cache else None
        if held is not None:
            return len(held.keys)
        if not self._lock.acquire(timeout=self.timeout):
            raise AuthUnavailableError("the identity provider's key set is still being fetched")
        try:
            keys = self.client.get_jwk_set()
        except (jwt.PyJWKClientError, jwt.PyJWKSetError, ValueError) as exc:
            raise AuthUnavailableError("the identity provider's key set cannot be had") from exc
        finally:
            self._lock.release()
        self._last_good = keys
        return len(keys.keys)

    def _failed(self, kid: str, why: str) -> jwt.PyJWK:
        self._down_until = time.monotonic() + self.retry
        self._down_reason = (f"the identity provider's key set ({self.url}) {why}; retrying in "
                             f"{self.retry:g} s")
        key = self._match(self._last_good, kid)
        if key is None:
            raise AuthUnavailableError(self._down_reason)
        return key


@dataclass(frozen=True)
class AuthConfig:
    """How tokens are verified: an HS256 ``secret`` or a ``jwks`` file or URL (RS256)."""

    secret: str | None = None
    jwks: str | None = None
    issuer: str | None = None
    audience: str = "zhengai"
    jwks_timeout: float = 3.0
    jwks_lifespan: float = 300.0
    jwks_cooldown: float = 30.0
    remote: RemoteKeys | None = field(init=False, default=None, repr=False, compare=False)
    _file: list[Any] = field(init=False, default_factory=lambda: [None, None], repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.secret is not None and len(self.secret.encode()) < MIN_SECRET_BYTES:
            raise AuthConfigError(f"ZHENGAI_JWT_SECRET is {len(self.secret.encode())} bytes: it must be at "
                                  f"least {MIN_SECRET_BYTES} bytes of random (e.g. `openssl rand -hex 32`)")
        if self.jwks and self.jwks.startswith(("https://", "http://")):
            object.__setattr__(self, "remote", RemoteKeys(self.jwks, self.jwks_timeout, self.jwks_lifespan,
                                                          self.jwks_cooldown))

    @classmethod
    def from_env(cls) -> AuthConfig | None:
        """The configured authentication, or None (development mode); AuthConfigError for a weak one."""
        secret, jwks = os.environ.get("ZHENGAI_JWT_SECRET"), os.environ.get("ZHENGAI_JWKS")
        if not secret and not jwks:
            return None
        timeout = os.environ.get("ZHENGAI_JWKS_TIMEOUT") or "3"
        try:
            seconds = float(timeout)
        except ValueError:
            seconds = -1.0
        if not 0 < seconds <= 60:
            raise AuthConfigError(f"ZHENGAI_JWKS_TIMEOUT must be a number of seconds in (0, 60], "
                                  f"got {timeout!r}")
        return cls(secret or None, jwks or None, os.environ.get("ZHENGAI_JWT_ISSUER") or None,
                   os.environ.get("ZHENGAI_JWT_AUDIENCE", "zhengai"), jwks_timeout=seconds)

    def _file_keys(self) -> jwt.PyJWKSet:
        """The JWKS file's keys, read again only when the file changed."""
        path = Path(self.jwks or "")
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if self._file[0] != stamp:
            self._file[:] = [stamp, jwt.PyJWKSet.from_dict(json.loads(path.read_text(encoding="utf-8")))]
        return self._file[1]

    def _local_key(self, kid: str | None) -> Any:
        if self.jwks:
            found = [k for k in self._file_keys().keys if kid is None or k.key_id == kid]
            if not found:
                raise AuthError(f"invalid token: no key {kid!r} in the JWKS")
            return found[0].key
        return self.secret

    @staticmethod
    def _header(token: str) -> dict[str, Any]:
        if not token:
            raise AuthError("no bearer token: send the header 'Authorization: Bearer <token>'")
        if len(token) > MAX_TOKEN_BYTES:
            raise AuthError(f"invalid token: {len(token)} bytes (at most {MAX_TOKEN_BYTES})")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise AuthError(f"invalid token: {exc}") from exc
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise AuthError("invalid token: header 'kid' must be a string")
        return header

    def _decode(self, token: str, key: Any) -> Principal:
        algorithms = ["RS256"] if self.jwks else ["HS256"]
        try:
            claims = jwt.decode(token, key, algorithms=algorithms, audience=self.audience, issuer=self.issuer,
                                options={"require": ["exp", "sub"]})
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("token expired") from exc
        except (jwt.InvalidTokenError, jwt.PyJWKError, ValueError, TypeError, OSError) as exc:
            raise AuthError(f"invalid token: {exc}") from exc
        return principal_of(claims)

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; AuthError with the reason otherwise (blocking: a JWKS URL may
        be fetched; the service calls :meth:`verify_async`)."""
        kid = self._header(token).get("kid")
        if self.remote is not None:
            if not kid:
                raise AuthError("invalid token: the header names no key ('kid')")
            return self._decode(token, (self.remote.ready(kid) or self.remote.key(kid)).key)
        try:
            key = self._local_key(kid)
        except (OSError, ValueError, jwt.PyJWKError) as exc:
            raise AuthUnavailableError(f"the JWKS file {self.jwks} cannot be read: {exc}") from exc
        return self._decode(token, key)

    async def verify_async(self, token: str) -> Principal:
        """:meth:`verify`, with a JWKS URL fetched in a worker thread (the event loop never waits on the
        identity provider); AuthUnavailableError while it is down."""
        if self.remote is None:
            return self.verify(token)
        kid = self._header(token).get("kid")
        if not kid:
            raise AuthError("invalid token: the header names no key ('kid')")
        key = self.remote.ready(kid)
        if key is None:
            key = await anyio.to_thread.run_sync(self.remote.key, kid, limiter=self.remote.limiter)
        return self._decode(token, key.key)

    def issue(self, role: Role, sub: str, ttl_seconds: int, name: str | None = None, unit: str | None = None,
              subject: str | None = None) -> str:
        """A signed HS256 development token (needs ZHENGAI_JWT_SECRET)."""
        if not self.secret:
            raise AuthError("issuing tokens needs ZHENGAI_JWT_SECRET (HS256)")
        now = int(time.time())
        claims = {"sub": sub, "roles": [role.value], "aud": self.audience, "iat": now,
                  "exp": now + ttl_seconds}
        claims |= {k: v for k, v in {"name": name, "unit": unit, "subject": subject,
                                      "iss": self.issuer}.items() if v}
        return jwt.encode(claims, self.secret, algorithm="HS256")


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header."""
    if header and header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def token_of(header: str | None) -> str:
    """The bearer token of an Authorization header; AuthError saying what is missing."""
    token = bearer(header)
    if token:
        return token
    if header:
        raise AuthError("the Authorization header is not a bearer token: send "
                        "'Authorization: Bearer <token>'")
    raise AuthError("no bearer token: send the header 'Authorization: Bearer <token>'")

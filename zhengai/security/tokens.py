"""Bearer JWTs: HS256 with ZHENGAI_JWT_SECRET (development, small installs) or RS256 with a JWKS file
or URL in ZHENGAI_JWKS (a campus 统一身份认证 provider, CAS/OIDC). Issuer (ZHENGAI_JWT_ISSUER, when
set), audience (ZHENGAI_JWT_AUDIENCE, default ``zhengai``) and expiry are checked.

Claims: ``sub``, ``name``, ``roles``, ``unit``, ``subject`` (the quality subject the person is).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import jwt


class Role(StrEnum):
    ADMIN = "ADMIN"  # 质管办: everything, loads and imports
    LEADER = "LEADER"  # reads everything
    UNIT_HEAD = "UNIT_HEAD"
    TEACHER = "TEACHER"
    STUDENT = "STUDENT"
    DATA_SERVICE = "DATA_SERVICE"  # 数据中心: recordObservations and ingest only


class AuthError(Exception):
    """A missing, malformed, tampered or expired token."""


@dataclass(frozen=True)
class Principal:
    """Who is calling."""

    sub: str
    name: str | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)
    unit: str | None = None
    subject: str | None = None

    @classmethod
    def developer(cls) -> Principal:
        """The caller of a service without authentication configured (development, loopback)."""
        return cls("developer", "开发模式", frozenset({Role.ADMIN}))


@dataclass(frozen=True)
class AuthConfig:
    secret: str | None = None
    jwks: str | None = None
    issuer: str | None = None
    audience: str = "zhengai"

    @classmethod
    def from_env(cls) -> AuthConfig | None:
        """The configured authentication, or None (development mode)."""
        secret, jwks = os.environ.get("ZHENGAI_JWT_SECRET"), os.environ.get("ZHENGAI_JWKS")
        if not secret and not jwks:
            return None
        return cls(secret or None, jwks or None, os.environ.get("ZHENGAI_JWT_ISSUER") or None,
                   os.environ.get("ZHENGAI_JWT_AUDIENCE", "zhengai"))

    def _key(self, token: str) -> tuple[Any, list[str]]:
        if self.jwks:
            if self.jwks.startswith(("https://", "http://")):
                return jwt.PyJWKClient(self.jwks).get_signing_key_from_jwt(token).key, ["RS256"]
            keys = jwt.PyJWKSet.from_dict(json.loads(Path(self.jwks).read_text(encoding="utf-8")))
            kid = jwt.get_unverified_header(token).get("kid")
            found = [k for k in keys.keys if kid is None or k.key_id == kid]
            if not found:
                raise AuthError(f"no key {kid!r} in the JWKS")
            return found[0].key, ["RS256"]
        return self.secret, ["HS256"]

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; AuthError with the reason otherwise."""
        try:
            key, algorithms = self._key(token)
            claims = jwt.decode(token, key, algorithms=algorithms, audience=self.audience, issuer=self.issuer,
                                options={"require": ["exp", "sub"]})
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("token expired") from exc
        except (jwt.InvalidTokenError, jwt.PyJWKError, ValueError, OSError) as exc:
            raise AuthError(f"invalid token: {exc}") from exc
        try:
            roles = frozenset(Role(r) for r in claims.get("roles", []))
        except ValueError as exc:
            raise AuthError(f"invalid token: unknown role in {claims.get('roles')!r}") from exc
        return Principal(str(claims["sub"]), claims.get("name"), roles, claims.get("unit"),
                         claims.get("subject"))

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

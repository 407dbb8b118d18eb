"""GraphQL abuse limits (strawberry's own extensions), the request-body cap and the CORS allow-list.

Each limit comes from an environment variable so an installation can tune it:
ZHENGAI_MAX_DEPTH (default 12), ZHENGAI_MAX_ALIASES (50), ZHENGAI_MAX_TOKENS (5000),
ZHENGAI_MAX_BODY_BYTES (1 MB), ZHENGAI_INTROSPECTION (1: allowed; 0 disables it, and GraphiQL's
schema help with it), ZHENGAI_REQUEST_TIMEOUT (30 seconds per request, 0: none; past it, every field still to
resolve fails with the code TIMEOUT; one engine computation already running is not interrupted, the
other limits keep each one small).

ZHENGAI_CORS_ORIGINS: the exact origins (``https://host[:port]``, comma-separated) whose pages may
call the service from a browser (GET and POST, headers Authorization and Content-Type). Empty by
default: no cross-origin access at all. ``*`` (any site) is refused at start-up when authentication
is configured, so that a token cannot be used from any site.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.http.websocket_origin import normalize_allowed_origins

#: The deepest nesting of arrays and objects accepted in a request's variables.
MAX_JSON_DEPTH = 64


def json_depth(value: object, stop: int) -> int:
    """How deeply ``value`` nests lists and dicts (a scalar: 0), counting no further than ``stop + 1``."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > stop:
                return depth
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


@dataclass(frozen=True)
class Limits:
    max_depth: int = field(default_factory=lambda: _int("ZHENGAI_MAX_DEPTH", 12))
    max_aliases: int = field(default_factory=lambda: _int("ZHENGAI_MAX_ALIASES", 50))
    max_tokens: int = field(default_factory=lambda: _int("ZHENGAI_MAX_TOKENS", 5000))
    max_body_bytes: int = field(default_factory=lambda: _int("ZHENGAI_MAX_BODY_BYTES", 1_000_000))
    introspection: bool = field(default_factory=lambda: os.environ.get("ZHENGAI_INTROSPECTION", "1") != "0")
    request_timeout: float = field(default_factory=lambda: float(os.environ.get("ZHENGAI_REQUEST_TIMEOUT")
                                                                 or 30))

    def extensions(self) -> list[Callable[[], SchemaExtension]]:
        """Factories of the limiting extensions (a fresh instance per request)."""
        out: list[Callable[[], SchemaExtension]] = [
            lambda: MaxTokensLimiter(max_token_count=self.max_tokens),
            lambda: QueryDepthLimiter(max_depth=self.max_depth),
            lambda: MaxAliasesLimiter(max_alias_count=self.max_aliases),
        ]
        if not self.introspection:
            out.append(DisableIntrospection)
        return out


class CorsError(ValueError):
    """A ZHENGAI_CORS_ORIGINS the service refuses to start with."""


def _origins(value: str) -> tuple[str, ...]:
    return tuple(o.strip() for o in value.split(",") if o.strip())


@dataclass(frozen=True)
class Cors:
    """The cross-origin allow-list (ZHENGAI_CORS_ORIGINS), for HTTP (CORS) and websocket handshakes."""

    origins: tuple[str, ...] = field(
        default_factory=lambda: _origins(os.environ.get("ZHENGAI_CORS_ORIGINS", "")))

    def allowed(self, *, authenticated: bool) -> list[str]:
        """The origins as browsers send them (``https://example.com``); CorsError for one that is not an
        origin, and for ``*`` when authentication is configured."""
        bad = [o for o in self.origins if not _is_origin(o)]
        if bad:
            raise CorsError(f"ZHENGAI_CORS_ORIGINS: not an origin (scheme://host[:port], no path): "
                            f"{', '.join(bad)}")
        if "*" in self.origins and authenticated:
            raise CorsError("ZHENGAI_CORS_ORIGINS=* is refused while authentication is configured "
                            "(ZHENGAI_JWT_SECRET or ZHENGAI_JWKS): tokens must not be usable from any site; "
                            "list the exact origins of the pages that call the service")
        return sorted(normalize_allowed_origins(self.origins))

    @staticmethod
    def middleware(origins: list[str]) -> Middleware:
        """starlette's CORS middleware for ``origins``: GET and POST with Authorization and Content-Type."""
        return Middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                          allow_headers=["Authorization", "Content-Type"])


def _is_origin(value: str) -> bool:
    try:
        normalize_allowed_origins([value])
    except ValueError:
        return False
    return True

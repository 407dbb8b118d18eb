"""The cross-origin allow-list (CORS for HTTP, the Origin check of websocket handshakes).

ZHENGAI_CORS_ORIGINS: the exact origins (``https://host[:port]``, comma-separated) whose pages may
call the service from a browser (GET and POST, headers Authorization and Content-Type). Empty by
default: no cross-origin access at all. ``*`` (any site) is refused at start-up when authentication
is configured, so that a token cannot be used from any site.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from strawberry.http.websocket_origin import normalize_allowed_origins


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

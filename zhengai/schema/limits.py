"""GraphQL abuse limits (strawberry's own extensions) and the request-body cap.

Each limit comes from an environment variable so an installation can tune it:
ZHENGAI_MAX_DEPTH (default 12), ZHENGAI_MAX_ALIASES (50), ZHENGAI_MAX_TOKENS (5000),
ZHENGAI_MAX_BODY_BYTES (1 MB), ZHENGAI_INTROSPECTION (1: allowed; 0 disables it, and GraphiQL's
schema help with it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)


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

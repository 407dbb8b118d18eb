"""The root field of the 审计日志 (ADMIN only: the role gate refuses everyone else before resolving)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from zhengai.engine import ForbiddenError
from zhengai.resolvers.context import ctx
from zhengai.schema.types.audit import AuditEntry
from zhengai.security.tokens import Role


@strawberry.type
class AuditQuery:
    @strawberry.field(description="审计日志 (ADMIN only): mutations, ingests and loads, newest first; "
                                  "`before`: entries with a smaller seq (the next page); first ≤ 500")
    def audit_log(self, info: Info, first: int = 50, before: int | None = None, operation: str | None = None,
                  actor: str | None = None) -> list[AuditEntry]:
        c = ctx(info)
        if c.principal is None or Role.ADMIN not in c.principal.roles:  # the policy's gate, checked again
            raise ForbiddenError("auditLog is for the 质管办 (ADMIN) only")
        return [AuditEntry.from_model(e) for e in c.engine.audit_log(first, before, operation, actor)]

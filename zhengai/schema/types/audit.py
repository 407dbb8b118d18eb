"""GraphQL type of the 审计日志 (zhengai.domain.audit)."""

from __future__ import annotations

import json
from datetime import datetime

import strawberry

from zhengai.domain import audit


def _json(value: audit.Json) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


@strawberry.type(description="审计日志: one mutation, ingest or load, with its caller and the state before "
                             "and after")
class AuditEntry:
    seq: int = strawberry.field(description="1, 2, … in the order of the changes")
    at: datetime = strawberry.field(description="when (UTC)")
    actor: str = strawberry.field(description="the caller's id (token `sub`; `cli:<user>` for a command)")
    actor_name: str | None
    roles: list[str]
    operation: str = strawberry.field(description="recordObservations, advanceStage, recordImprovement, "
                                                  "ingest or load")
    summary: str
    before_json: str | None = strawberry.field(description="the state before, as JSON (null: nothing)")
    after_json: str | None = strawberry.field(description="the state after, as JSON; rows of a change are "
                                                          "listed up to 1,000 with their count")

    @classmethod
    def from_model(cls, e: audit.AuditEntry) -> AuditEntry:
        return cls(seq=e.seq, at=e.at, actor=e.actor, actor_name=e.actor_name, roles=list(e.roles),
                   operation=e.operation, summary=e.summary, before_json=_json(e.before),
                   after_json=_json(e.after))

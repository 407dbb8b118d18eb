"""The audit log (审计日志): who changed what, when, with the state before and after.

Every mutation (recordObservations, advanceStage, recordImprovement), every CLI ingest and every load
appends one :class:`AuditEntry` to the store after the change succeeded; ADMIN reads them newest
first. Entries are bounded: at most :data:`MAX_ROWS` rows of a change are listed, with their count.
"""

from __future__ import annotations

import getpass
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from zhengai.security.tokens import Principal, Role

if TYPE_CHECKING:
    from zhengai.stores.base import GraphStore

MAX_ROWS = 1000  # rows of a change listed in before/after (the count is always complete)
MAX_READ = 500  # entries per read
SYSTEM = "system"  # the actor of an in-process call without a caller (scripts, tests)

Json = dict[str, Any] | list[Any] | None


@dataclass(frozen=True, kw_only=True)
class AuditEntry:
    """One entry of the 审计日志; ``seq`` is assigned by the store (0: not stored yet)."""

    seq: int = 0
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    actor: str
    actor_name: str | None = None
    roles: list[str] = field(default_factory=list)
    operation: str
    summary: str
    before: Json = None
    after: Json = None

    @classmethod
    def of(cls, principal: Principal | None, operation: str, summary: str, before: Json = None,
           after: Json = None) -> AuditEntry:
        """An entry of ``principal`` (None: :data:`SYSTEM`)."""
        if principal is None:
            return cls(actor=SYSTEM, operation=operation, summary=summary, before=before, after=after)
        return cls(actor=principal.sub, actor_name=principal.name,
                   roles=sorted(str(r) for r in principal.roles), operation=operation, summary=summary,
                   before=before, after=after)

    def to_row(self) -> dict[str, Any]:
        """A JSON-able dict (``at`` as ISO text)."""
        return {**asdict(self), "at": self.at.isoformat()}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AuditEntry:
        return cls(**{**row, "at": datetime.fromisoformat(row["at"])})


def bounded(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """``rows`` cut to :data:`MAX_ROWS`, with the full count."""
    return {"count": len(rows), "rows": rows[:MAX_ROWS]}


def cli_principal() -> Principal:
    """The caller of a ``zhengai`` command: ``cli:<OS user>``, ADMIN."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        user = "unknown"
    return Principal(f"cli:{user}", None, frozenset({Role.ADMIN}))


def read(store: GraphStore, first: int = 50, before: int | None = None, operation: str | None = None,
         actor: str | None = None) -> list[AuditEntry]:
    """Entries newest first: at most ``first`` (≤ MAX_READ), with ``seq < before``, filtered."""
    from zhengai.engine.service import InvalidArgumentError

    if not 0 <= first <= MAX_READ:
        raise InvalidArgumentError(f"first must be between 0 and {MAX_READ}")
    return store.audit_entries(first, before, operation, actor)

"""The audit log (审计日志): who changed what, when, with the state before and after.

Every accepted write (a mutation, a CLI ingest, a load) carries exactly one :class:`AuditEntry`, stored
together with the change itself (one journal record on the embedded store, one transaction on Neo4j);
ADMIN reads them newest first. Entries are bounded: at most :data:`MAX_ROWS` rows of a change are
listed, with their count.
"""

from __future__ import annotations

import getpass
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from zhengai.security.tokens import Principal, Role

MAX_ROWS = 1000  # rows of a change listed in before/after (the count is always complete)
MAX_READ = 500  # entries per read
SYSTEM = "system"  # the actor of an in-process call without a caller (scripts, tests)

Json = dict[str, Any] | list[Any] | None


@dataclass(frozen=True, kw_only=True)
class AuditEntry:
    """One entry of the 审计日志; ``seq`` is the sequence number of its change set (0: not stored yet)."""

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
        """The entry of :meth:`to_row`'s dict."""
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

"""The sent-log of 预警推送: claims, outcomes and acknowledgements as events of the ``notify`` stream.

Each unit's events (the stream's key is the unit id) are written through the one write path, so they
are durable on both stores and shared by every replica. Before a bulletin goes out over a channel, a
CLAIM event names its warnings; the plan runs under the store's writers' lock against the state as it
stands, so a warning already claimed for the same unit, channel and period — by this process before a
restart, or by another replica — is never claimed (nor sent) again. The send's outcome follows as a
SENT event; a failed send frees its warnings for the next run. ACK records an acknowledgement (by link or
mutation); ESCALATION claims go to the unit's 分管领导.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from zhengai import texts
from zhengai.domain.audit import AuditEntry
from zhengai.domain.changes import ChangeSet, Event
from zhengai.notify.bulletin import Bulletin
from zhengai.security.tokens import Principal
from zhengai.stores.memory import GraphState

#: The event stream of 预警推送 (key: the unit id).
STREAM = "notify"


class NothingNew(Exception):
    """Every warning of the bulletin was already claimed (or acknowledged): nothing is written."""


@dataclass
class Claim:
    """One bulletin sent (or being sent) over one channel: its warnings with their severity."""

    id: str
    unit: str
    job: str
    period: str
    channel: str
    warnings: dict[str, str]
    at: datetime
    escalation: bool = False
    ok: bool | None = None  # None: not known (the process stopped while sending)
    error: str | None = None


@dataclass
class UnitLedger:
    """What was claimed, sent and acknowledged for a unit."""

    claims: dict[str, Claim] = field(default_factory=dict)
    acks: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # (warning, period) → who, when

    def taken(self, warning: str, period: str, channel: str, escalation: bool) -> bool:
        """Whether ``warning`` was claimed for ``period`` over ``channel`` by a send that did not fail."""
        return any(c.period == period and c.channel == channel and c.escalation == escalation
                   and warning in c.warnings and c.ok is not False for c in self.claims.values())

    def delivered_red(self) -> dict[tuple[str, str], tuple[datetime, str]]:
        """RED warnings delivered (not escalations): (warning, period) → (first delivery, job)."""
        out: dict[tuple[str, str], tuple[datetime, str]] = {}
        for c in self.claims.values():
            if c.escalation or c.ok is not True:
                continue
            for w, severity in c.warnings.items():
                key = (w, c.period)
                if severity == "RED" and (key not in out or c.at < out[key][0]):
                    out[key] = (c.at, c.job)
        return out


def read(state: GraphState, unit_id: str) -> UnitLedger:
    """The unit's ledger from its events, oldest first."""
    ledger = UnitLedger()
    for e in state.events(STREAM, unit_id):
        op = e.get("op")
        if op == "CLAIM":
            ledger.claims[e["id"]] = Claim(e["id"], unit_id, e["job"], e["period"], e["channel"],
                                           dict(e["warnings"]), datetime.fromisoformat(e["at"]),
                                           bool(e.get("escalation")))
        elif op == "SENT" and e["claim"] in ledger.claims:
            claim = ledger.claims[e["claim"]]
            claim.ok, claim.error = bool(e["ok"]), e.get("error")
        elif op == "ACK":
            ledger.acks.setdefault((e["warning"], e["period"]), {"by": e["by"], "at": e["at"]})
    return ledger


def plan_claim(bulletin: Bulletin, channel: str, now: datetime,
               claimed: list[Claim]) -> Callable[[GraphState], ChangeSet]:
    """The plan claiming the bulletin's warnings not yet taken over ``channel``; the claim is appended to
    ``claimed``. NothingNew when every one was taken."""

    def plan(state: GraphState) -> ChangeSet:
        ledger = read(state, bulletin.unit_id)
        fresh = {w.id: w.severity.value for w in bulletin.warnings
                 if not ledger.taken(w.id, bulletin.period, channel, bulletin.escalation)}
        if not fresh:
            raise NothingNew
        kind = "escalation" if bulletin.escalation else "bulletin"
        claim_id = (f"{bulletin.unit_id}/{bulletin.job}/{bulletin.period}/{channel}/{kind}/"
                    f"{len(ledger.claims) + 1}")
        claim = Claim(claim_id, bulletin.unit_id, bulletin.job, bulletin.period, channel, fresh, now,
                      bulletin.escalation)
        claimed.append(claim)
        payload = {"op": "CLAIM", "id": claim_id, "job": bulletin.job, "period": bulletin.period,
                   "channel": channel, "warnings": fresh, "at": now.isoformat(),
                   "escalation": bulletin.escalation}
        summary = texts.say("notify.audit_claim", title=bulletin.title, channel=channel, count=len(fresh))
        return ChangeSet(audit=AuditEntry.of(None, "notifyWarnings", summary),
                         events=[Event(STREAM, bulletin.unit_id, payload)])

    return plan


def plan_outcome(claim: Claim, ok: bool, error: str | None,
                 now: datetime) -> Callable[[GraphState], ChangeSet]:
    """The plan recording how a claimed send went."""

    def plan(_: GraphState) -> ChangeSet:
        key = "notify.audit_sent" if ok else "notify.audit_failed"
        summary = texts.say(key, claim=claim.id, error=error or "")
        return ChangeSet(audit=AuditEntry.of(None, "notifyWarnings", summary),
                         events=[Event(STREAM, claim.unit, {"op": "SENT", "claim": claim.id, "ok": ok,
                                                            "error": error, "at": now.isoformat()})])

    return plan


def plan_ack(unit_id: str, pairs: Iterable[tuple[str, str]], by: Principal | None, now: datetime,
             done: list[tuple[str, str]]) -> Callable[[GraphState], ChangeSet]:
    """The plan acknowledging (warning, period) pairs of a unit not acknowledged yet (appended to
    ``done``); NothingNew when all were."""
    wanted = list(dict.fromkeys(pairs))

    def plan(state: GraphState) -> ChangeSet:
        ledger = read(state, unit_id)
        fresh = [p for p in wanted if p not in ledger.acks]
        if not fresh:
            raise NothingNew
        done.extend(fresh)
        who = by.sub if by is not None else "link"
        events = [Event(STREAM, unit_id, {"op": "ACK", "warning": w, "period": p, "by": who,
                                          "at": now.isoformat()}) for w, p in fresh]
        summary = texts.say("notify.audit_ack", unit=unit_id, count=len(fresh))
        return ChangeSet(audit=AuditEntry.of(by, "acknowledgeWarning", summary), events=events)

    return plan


def sign(key: bytes, claim_id: str) -> str:
    """The signature of an acknowledgement link (HMAC-SHA256, URL-safe Base64, 128 bits)."""
    digest = hmac.new(key, f"ack\n{claim_id}".encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def verify(key: bytes, claim_id: str, signature: str) -> bool:
    """Whether ``signature`` is the link's (constant-time comparison)."""
    return hmac.compare_digest(sign(key, claim_id), signature)

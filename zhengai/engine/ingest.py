"""Recording observations (数据采集): validation and the change set of one call, all or nothing.

One call is one unit: every row is checked first and nothing is written when any row is bad. A row
whose (metric, at) already holds the same value is a no-op; a new value for the same date replaces
it (the journal and the audit log keep the replaced one). Every accepted call, even one that changed
nothing, is written to the 审计日志 with its caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from zhengai import texts
from zhengai.domain.audit import AuditEntry, bounded
from zhengai.domain.changes import ChangeSet
from zhengai.domain.errors import InvalidArgumentError
from zhengai.domain.models import Metric, ObservedValue
from zhengai.engine.monitoring import Warning
from zhengai.security.tokens import Principal
from zhengai.stores.memory import GraphState

MAX_ROWS = 100_000


@dataclass
class RecordResult:
    """What recording observations did: rows received, changed and unchanged, warnings raised."""

    received: int
    changed: int
    unchanged: int
    raised: list[Warning] = field(default_factory=list)


def problems(state: GraphState, rows: Sequence[ObservedValue]) -> list[str]:
    """Every reason to refuse ``rows`` (empty when they may be recorded)."""
    if len(rows) > MAX_ROWS:
        return [f"at most {MAX_ROWS} observations per call (got {len(rows)})"]
    out, seen = [], {}
    for i, r in enumerate(rows):
        if state.kind_of(r.metric) != "Metric":
            out.append(f"observations[{i}]: unknown metric {r.metric!r}")
        elif problem := metric_version(state, r.metric, r.at).value_problem(r.value):  # finite, its range
            out.append(f"observations[{i}]: value {problem} for metric {r.metric}")
        key = (r.metric, r.at)
        if key in seen and seen[key] != r.value:
            out.append(f"observations[{i}]: conflicting value {r.value} for {r.metric} at {r.at} "
                       f"(also {seen[key]} in this call)")
        seen[key] = r.value
    return out


def metric_version(state: GraphState, metric_id: str, when: date) -> Metric:
    """The metric's version in force on ``when`` (else its latest): the one whose range a value must fit."""
    found = state.node(metric_id, when)
    if not isinstance(found, Metric):
        found = next(v.record for v in reversed(state.timeline(metric_id)) if isinstance(v.record, Metric))
    return found


def plan_observations(state: GraphState, rows: Sequence[ObservedValue], actor: Principal | None,
                      operation: str = "recordObservations", origin: str | None = None) -> ChangeSet:
    """The change set recording ``rows`` (only those that change a value) with its audit entry; raises
    InvalidArgumentError naming every bad row."""
    found = problems(state, rows)
    if found:
        raise InvalidArgumentError("; ".join(found[:20]) + ("" if len(found) <= 20 else
                                                            f"; … {len(found) - 20} more"))
    metrics = sorted({r.metric for r in rows})
    current = (state.observation_history(metrics, min(r.at for r in rows), max(r.at for r in rows))
               if rows else {})
    held = {(m, d): v for m, series in current.items() for d, v in series}
    new = list({(r.metric, r.at): r for r in rows if held.get((r.metric, r.at)) != r.value}.values())
    return ChangeSet(audit=_audit_entry(actor, operation, origin, len(rows), new, held), observations=new)


def _audit_entry(actor: Principal | None, operation: str, origin: str | None, received: int,
                 new: list[ObservedValue], held: dict[tuple[str, date], float]) -> AuditEntry:
    """Before: the value each changed (metric, at) held (null when new); after: the recorded one."""
    said = "audit.ingest" if operation == "ingest" else "audit.record_observations"
    summary = texts.say(said, received=received, changed=len(new))
    summary += texts.say("audit.origin", origin=origin) if origin else ""
    before = [{"metric": o.metric, "at": o.at.isoformat(), "value": held.get((o.metric, o.at))} for o in new]
    after = [{"metric": o.metric, "at": o.at.isoformat(), "value": o.value, "source": o.source} for o in new]
    extra = {"received": received, **({"origin": origin} if origin else {})}
    return AuditEntry.of(actor, operation, summary, bounded(before), {**bounded(after), **extra})

"""Recording observations (监测数据采集): validated, all or nothing, durable, propagated incrementally.

One call is one unit: every row is checked first and nothing is written when any row is bad. A row
whose (metric, at) already holds the same value is a no-op; a new value for the same date replaces
it (the journal keeps the replaced one). After the write only the ancestors of the touched metrics
are recomputed, and the warnings that the write raised are returned (and pushed to subscribers).
Every accepted call, even one that changed nothing, is written to the 审计日志 with its caller.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from zhengai.domain.models import Metric, ObservedValue
from zhengai.engine.audit import AuditEntry, bounded
from zhengai.engine.monitoring import Warning
from zhengai.engine.service import Engine, InvalidArgumentError
from zhengai.security.tokens import Principal
from zhengai.stores.journal import ObservationJournal

MAX_ROWS = 100_000


@dataclass
class RecordResult:
    received: int
    changed: int
    unchanged: int
    raised: list[Warning] = field(default_factory=list)


class Ingestor:
    """Writes observations through the store, the journal (embedded store) and the engine's caches."""

    def __init__(self, engine: Engine, journal: ObservationJournal | None = None,
                 today: Callable[[], date] = date.today):
        self.engine = engine
        self.journal = journal
        self.today = today
        self._lock = threading.Lock()
        self.listeners: list[Callable[[list[Warning]], None]] = []

    def problems(self, rows: Sequence[ObservedValue]) -> list[str]:
        """Every reason to refuse ``rows`` (empty when they may be recorded)."""
        if len(rows) > MAX_ROWS:
            return [f"at most {MAX_ROWS} observations per call (got {len(rows)})"]
        found = self.engine.store.get_nodes(sorted({r.metric for r in rows}))
        out, seen = [], {}
        for i, r in enumerate(rows):
            metric = found.get(r.metric)
            if not isinstance(metric, Metric):
                out.append(f"observations[{i}]: unknown metric {r.metric!r}")
            elif problem := metric.value_problem(r.value):  # finite, within ±1e12 and the metric's range
                out.append(f"observations[{i}]: value {problem} for metric {r.metric}")
            key = (r.metric, r.at)
            if key in seen and seen[key] != r.value:
                out.append(f"observations[{i}]: conflicting value {r.value} for {r.metric} at {r.at} "
                           f"(also {seen[key]} in this call)")
            seen[key] = r.value
        return out

    def record(self, rows: Sequence[ObservedValue], actor: Principal | None = None,
               operation: str = "recordObservations", origin: str | None = None) -> RecordResult:
        """Record ``rows`` all or nothing; raises InvalidArgumentError naming every bad row. The call is
        audited as ``operation`` by ``actor`` (``origin``: the file it came from, if any)."""
        problems = self.problems(rows)
        if problems:
            raise InvalidArgumentError("; ".join(problems[:20]) + ("" if len(problems) <= 20 else
                                                                   f"; … {len(problems) - 20} more"))
        store = self.engine.store
        with self._lock:
            today = self.today()
            before = {w.id for w in self.engine.warnings(today)} if self.listeners else set()
            metrics = sorted({r.metric for r in rows})
            current = store.observation_history(metrics, min(r.at for r in rows),
                                                max(r.at for r in rows)) if rows else {}
            held = {(m, d): v for m, series in current.items() for d, v in series}
            new = list({(r.metric, r.at): r for r in rows if held.get((r.metric, r.at)) != r.value}.values())
            entry = _audit_entry(actor, operation, origin, len(rows), new, held)
            if new:
                self.engine.snapshot(today)  # cached before the write: refreshed incrementally below
                version = store.version
                if self.journal is not None:
                    self.journal.append(new)
                store.add_observations(new, entry)  # with its 审计日志 entry (one transaction on Neo4j)
                self.engine.refresh({r.metric for r in new}, version)
                self.engine.keep_current(self.engine.last_refreshed)
            else:
                store.append_audit(entry)
            raised = []
            if new and self.listeners:
                raised = [w for w in self.engine.warnings(today) if w.id not in before]
                for listener in self.listeners:
                    listener(raised)
        return RecordResult(len(rows), len(new), len(rows) - len(new), raised)


def _audit_entry(actor: Principal | None, operation: str, origin: str | None, received: int,
                 new: list[ObservedValue], held: dict[tuple[str, date], float]) -> AuditEntry:
    """Before: the value each changed (metric, at) held (null when new); after: the recorded one."""
    verb = "导入观测" if operation == "ingest" else "记录观测"
    summary = f"{verb} {received} 条（变更 {len(new)} 条）" + (f"：{origin}" if origin else "")
    before = [{"metric": o.metric, "at": o.at.isoformat(), "value": held.get((o.metric, o.at))} for o in new]
    after = [{"metric": o.metric, "at": o.at.isoformat(), "value": o.value, "source": o.source} for o in new]
    extra = {"received": received, **({"origin": origin} if origin else {})}
    return AuditEntry.of(actor, operation, summary, bounded(before), {**bounded(after), **extra})

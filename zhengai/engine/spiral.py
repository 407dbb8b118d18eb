"""The 8字质量改进螺旋 of a quality subject: its cycle, big-loop stage and small loop.

State (the current stage, the improvement measures) is a list of events per subject in the store;
on the embedded store the same events are journaled (fsync'd) under the state folder. Every stage
change and improvement is written to the 审计日志 with its caller and the state before and after.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from zhengai.domain.enums import Frequency
from zhengai.domain.models import Goal, Subject
from zhengai.domain.spiral import (
    DEFAULT_STAGE,
    STAGE_ZH,
    CycleRule,
    Stage,
    calendar_cycle,
    cycle_rule,
    next_stage,
)
from zhengai.engine.audit import AuditEntry
from zhengai.engine.monitoring import Warning
from zhengai.engine.reporting import subject_goals, subject_of
from zhengai.engine.service import Engine, InvalidArgumentError, NotFoundError
from zhengai.security.tokens import Principal
from zhengai.stores.journal import ObservationJournal

MAX_IMPROVEMENTS = 200


@dataclass
class ImprovementMeasure:
    """An improvement (改进措施) answering warnings, with an owner and a due date."""

    id: str
    measure: str
    owner: str | None
    due: date | None
    answers: list[str]
    done: bool
    recorded: str


@dataclass
class SpiralView:
    subject: Subject
    rule: CycleRule
    start: date
    end: date
    stage: Stage
    rounds: int  # completed big loops (改进 → 目标)
    latest_monitoring: date | None
    open_warnings: list[Warning] = field(default_factory=list)
    answered: set[str] = field(default_factory=set)
    improvements: list[ImprovementMeasure] = field(default_factory=list)

    @property
    def frequency(self) -> Frequency:
        return self.rule.frequency


def _cycle(rule: CycleRule, goals: list[Goal], as_of: date) -> tuple[date, date]:
    """The subject's current cycle: the period of its longest goal that contains ``as_of``, else the
    level's calendar cycle."""
    periods = sorted((g.period for g in goals if g.period and g.period.start <= as_of <= g.period.end),
                     key=lambda p: (p.end - p.start).days, reverse=True)
    return (periods[0].start, periods[0].end) if periods else calendar_cycle(rule, as_of)


class SpiralService:
    """Reads and advances subjects' spirals; records improvement measures."""

    def __init__(self, engine: Engine, journal: ObservationJournal | None = None):
        self.engine = engine
        self.journal = journal
        self._lock = threading.Lock()

    def replay(self) -> int:
        """Load the journaled events into the store (embedded store, at start)."""
        rows = self.journal.rows() if self.journal else []
        for row in rows:
            self.engine.store.add_spiral_event(row["subject"], row["event"])
        return len(rows)

    def _record(self, subject_id: str, event: dict, audit: AuditEntry) -> dict:
        """Journal and store ``event`` with its ``audit`` entry (the stored event as ``after`` unless it has
        one; on Neo4j in the same transaction)."""
        event = {**event, "recorded": datetime.now(UTC).isoformat(timespec="seconds")}
        with self._lock:
            if self.journal is not None:
                self.journal.append_rows([{"subject": subject_id, "event": event}])
            after = audit.after if audit.after is not None else {"subject": subject_id, **event}
            self.engine.store.add_spiral_event(subject_id, event, replace(audit, after=after))
        return event

    def view(self, subject_id: str, as_of: date | None = None, engine: Engine | None = None) -> SpiralView:
        """The subject's spiral as ``engine`` (default: the service's; a caller's scoped one) sees it."""
        engine = engine or self.engine
        subject = subject_of(engine, subject_id)
        snap = engine.snapshot(as_of)
        goals = subject_goals(snap, subject)
        rule = cycle_rule(subject.level, subject.category)
        start, end = _cycle(rule, goals, snap.as_of)
        stage, rounds, measures = DEFAULT_STAGE, 0, {}
        for event in engine.store.spiral_events(subject_id):
            if event["kind"] == "stage":
                if event["to"] == Stage.GOAL and event["from"] == Stage.IMPROVE:
                    rounds += 1
                stage = Stage(event["to"])
            elif event["kind"] == "improvement":
                due = date.fromisoformat(event["due"]) if event.get("due") else None
                measures[event["id"]] = ImprovementMeasure(event["id"], event["measure"], event.get("owner"),
                                                           due, list(event.get("answers", [])),
                                                           bool(event.get("done")), event["recorded"])
        structure = snap.structure
        goal_ids = {g.id for g in goals}
        metrics = {e.child for g in goals for e in structure.children.get(g.id, [])
                   if e.child in structure.graph.metrics}
        tasks = {t.id for t in engine.store.tasks().values() if goal_ids & set(t.advances)}
        mine = goal_ids | metrics | tasks
        seen = [snap.observed_at[m] for m in metrics if m in snap.observed_at]
        improvements = sorted(measures.values(), key=lambda m: m.recorded, reverse=True)[:MAX_IMPROVEMENTS]
        answered = {w for m in improvements for w in m.answers}
        return SpiralView(subject, rule, start, end, stage, rounds, max(seen, default=None),
                          [w for w in engine.warnings(snap.as_of) if w.node_id in mine], answered,
                          improvements)

    def advance(self, subject_id: str, to: Stage | None = None, actor: Principal | None = None,
                engine: Engine | None = None) -> SpiralView:
        """Move to ``to`` (default: the next stage; after 改进 a new round starts at 目标). ``engine``: the
        caller's (scoped) view, which must allow changing this subject's spiral."""
        engine = engine or self.engine
        engine.check_own_subject(subject_id)
        current = self.view(subject_id, engine=engine).stage
        target = to or next_stage(current)
        if target == current:
            raise InvalidArgumentError(f"{subject_id} is already at {STAGE_ZH[current]} ({current})")
        audit = AuditEntry.of(actor, "advanceStage",
                              f"推进螺旋阶段 {subject_id}：{STAGE_ZH[current]} → {STAGE_ZH[target]}",
                              {"subject": subject_id, "stage": current.value},
                              {"subject": subject_id, "stage": target.value})
        self._record(subject_id, {"kind": "stage", "from": current.value, "to": target.value}, audit)
        return self.view(subject_id, engine=engine)

    def improve(self, subject_id: str, measure: str, owner: str | None, due: date | None,
                answers: list[str], done: bool = False, improvement_id: str | None = None,
                actor: Principal | None = None, engine: Engine | None = None) -> ImprovementMeasure:
        """Record an improvement measure (or update one, by id) answering warnings; ``engine`` as in
        :meth:`advance`."""
        engine = engine or self.engine
        engine.check_own_subject(subject_id)
        subject_of(engine, subject_id)
        if not measure.strip():
            raise InvalidArgumentError("measure must not be empty")
        if owner is not None and owner not in self.engine.store.units():
            raise NotFoundError("unit", owner)
        if len(answers) > 100:
            raise InvalidArgumentError("at most 100 answered warnings per measure")
        event = {"kind": "improvement", "id": improvement_id or f"IMP-{uuid.uuid4().hex[:10]}",
                 "measure": measure.strip(), "owner": owner, "due": due.isoformat() if due else None,
                 "answers": answers, "done": done}
        old = None
        if improvement_id is not None:  # an update: the measure as it was (None: a new id)
            old = next((e for e in reversed(self.engine.store.spiral_events(subject_id))
                        if e["kind"] == "improvement" and e["id"] == improvement_id), None)
        verb = "更新改进措施" if old else "记录改进措施"
        text = event["measure"] if len(event["measure"]) <= 40 else event["measure"][:39] + "…"
        audit = AuditEntry.of(actor, "recordImprovement", f"{verb} {event['id']}（{subject_id}）：{text}",
                              None if old is None else {"subject": subject_id, **old})
        self._record(subject_id, event, audit)
        return next(m for m in self.view(subject_id, engine=engine).improvements if m.id == event["id"])


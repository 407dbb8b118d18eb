"""The 8字质量改进螺旋 of a quality subject: its cycle, big-loop stage and small loop.

State (the current stage, the improvement measures) is a stream of events per subject, written like
every other change (one change set with its 审计日志 entry, holding the state before and after).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from zhengai import texts
from zhengai.domain.audit import AuditEntry
from zhengai.domain.changes import ChangeSet, Event
from zhengai.domain.enums import Frequency, Level, SpiralKind
from zhengai.domain.errors import InvalidArgumentError, NotFoundError
from zhengai.domain.models import Semester, Subject
from zhengai.domain.spiral import (
    DEFAULT_STAGE,
    STREAM,
    CycleRule,
    Stage,
    in_spiral,
    kind_rule,
    next_stage,
    spiral_cycle,
    spiral_kinds,
)
from zhengai.engine.engine import Engine
from zhengai.engine.monitoring import Warning
from zhengai.security.tokens import Principal
from zhengai.stores.memory import GraphState

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
    """A subject's 8字螺旋 at a date: its cycle, stage, rounds, open warnings and improvements."""

    subject: Subject
    kind: SpiralKind
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
        """How often the subject's small loop monitors (its level's frequency)."""
        return self.rule.frequency


def college_calendar(engine: Engine, when: date) -> tuple[Semester, ...]:
    """The college calendar: the school subject's ``semesters`` (empty: the default calendar)."""
    school = next((s for s in engine.base.state.subjects(when).values()
                   if s.level is Level.SCHOOL and s.semesters), None)
    return tuple(school.semesters) if school else ()


def event_day(event: dict) -> date | None:
    """The day an event happened when it says so (``at``: the dataset's 螺旋 history); None for events
    recorded through the API, which hold from the moment they were written."""
    at = event.get("at")
    return date.fromisoformat(at) if at else None


def spiral_events(engine: Engine, subject: Subject, kind: SpiralKind, as_of: date) -> list[dict]:
    """The events of one of a subject's spirals that hold on ``as_of``, oldest first: an event names its
    spiral (``spiral``) or belongs to the subject's main one; a dated event counts from its day."""
    main = spiral_kinds(subject)[0]
    return [e for e in engine.events(STREAM, subject.id)
            if SpiralKind(e.get("spiral") or main) is kind and ((d := event_day(e)) is None or d <= as_of)]


def subject_kind(subject: Subject, kind: SpiralKind | None) -> SpiralKind:
    """``kind`` checked against the spirals the subject runs (None: its main one)."""
    kinds = spiral_kinds(subject)
    if kind is None:
        return kinds[0]
    if kind not in kinds:
        raise InvalidArgumentError(f"{subject.id} runs no {kind.value} spiral (it runs "
                                   f"{', '.join(k.value for k in kinds)})")
    return kind


def spiral_view(engine: Engine, subject_id: str, as_of: date | None = None,
                kind: SpiralKind | None = None) -> SpiralView:
    """The subject's spiral ``kind`` (default its main one) as ``engine`` (a caller's view) sees it."""
    subject = engine.subject(subject_id)
    kind = subject_kind(subject, kind)
    snap = engine.snapshot(as_of)
    goals = [g for g in engine.subject_goals(subject, snap.as_of) if in_spiral(g, kind)]
    rule = kind_rule(kind)
    start, end = spiral_cycle(kind, subject, goals, snap.as_of, college_calendar(engine, snap.as_of))
    stage, rounds, measures = DEFAULT_STAGE, 0, {}
    for event in spiral_events(engine, subject, kind, snap.as_of):
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
    tasks = {t.id for t in engine.tasks(snap.as_of).values() if goal_ids & set(t.advances)}
    mine = goal_ids | metrics | tasks
    seen = [d for m in metrics if (d := snap.seen(m)) is not None]
    improvements = sorted(measures.values(), key=lambda m: m.recorded, reverse=True)[:MAX_IMPROVEMENTS]
    answered = {w for m in improvements for w in m.answers}
    return SpiralView(subject, kind, rule, start, end, stage, rounds, max(seen, default=None),
                      engine.node_warnings(mine, snap.as_of), answered,
                      improvements)


def _event(subject_id: str, event: dict, audit: AuditEntry) -> ChangeSet:
    """The change set appending ``event`` to the subject's spiral (the event is the audit's ``after``
    unless it has one)."""
    event = {**event, "recorded": datetime.now(UTC).isoformat(timespec="seconds")}
    after = audit.after if audit.after is not None else {"subject": subject_id, **event}
    return ChangeSet(audit=replace(audit, after=after), events=[Event(STREAM, subject_id, event)])


def _named(engine: Engine, subject_id: str, kind: SpiralKind | None) -> tuple[SpiralKind, dict]:
    """The spiral a write goes to, and what its event says of it (a spiral other than the main one is
    named)."""
    subject = engine.subject(subject_id)
    chosen = subject_kind(subject, kind)
    return chosen, ({} if chosen is spiral_kinds(subject)[0] else {"spiral": chosen.value})


def plan_stage(engine: Engine, subject_id: str, to: Stage | None, actor: Principal | None,
               kind: SpiralKind | None = None) -> Callable[[GraphState], ChangeSet]:
    """The plan moving a subject's spiral ``kind`` (default its main one) to ``to`` (default: the next
    stage; after 改进 a new round starts at 目标); ``engine`` is the caller's view, which must allow changing
    this subject's spiral."""
    engine.check_own_subject(subject_id)
    kind, named = _named(engine, subject_id, kind)

    def plan(_: GraphState) -> ChangeSet:
        current = spiral_view(engine, subject_id, kind=kind).stage
        target = to or next_stage(current)
        if target == current:
            raise InvalidArgumentError(f"{subject_id} is already at {texts.label('stage', current)} "
                                       f"({current})")
        audit = AuditEntry.of(actor, "advanceStage",
                              texts.say("audit.advance_stage", subject=subject_id,
                                        **{"from": current, "to": target}),
                              {"subject": subject_id, "stage": current.value},
                              {"subject": subject_id, "stage": target.value})
        return _event(subject_id, {"kind": "stage", "from": current.value, "to": target.value, **named},
                      audit)

    return plan


def plan_improvement(engine: Engine, subject_id: str, measure: str, owner: str | None, due: date | None,
                     answers: list[str], done: bool, improvement_id: str | None,
                     actor: Principal | None, kind: SpiralKind | None = None
                     ) -> tuple[str, Callable[[GraphState], ChangeSet]]:
    """The plan recording an improvement measure (or updating one, by id) answering warnings in the
    subject's spiral ``kind``, with the measure's id; ``engine`` as in :func:`plan_stage`."""
    engine.check_own_subject(subject_id)
    _, named = _named(engine, subject_id, kind)
    if not measure.strip():
        raise InvalidArgumentError("measure must not be empty")
    if owner is not None and owner not in engine.units():
        raise NotFoundError("unit", owner)
    if len(answers) > 100:
        raise InvalidArgumentError("at most 100 answered warnings per measure")
    event = {"kind": "improvement", "id": improvement_id or f"IMP-{uuid.uuid4().hex[:10]}",
             "measure": measure.strip(), "owner": owner, "due": due.isoformat() if due else None,
             "answers": answers, "done": done, **named}

    def plan(state: GraphState) -> ChangeSet:
        old = None
        if improvement_id is not None:  # an update: the measure as it was (None: a new id)
            old = next((e for e in reversed(state.events(STREAM, subject_id))
                        if e["kind"] == "improvement" and e["id"] == improvement_id), None)
        said = "audit.update_improvement" if old else "audit.record_improvement"
        text = event["measure"] if len(event["measure"]) <= 40 else event["measure"][:39] + "…"
        audit = AuditEntry.of(actor, "recordImprovement", texts.say(said, id=event["id"], subject=subject_id,
                                                                    text=text),
                              None if old is None else {"subject": subject_id, **old})
        return _event(subject_id, event, audit)

    return event["id"], plan

"""The one write path: validate → the store's write with its 审计日志 entry → refresh → publish.

Every change of the graph goes through :class:`WriteService`: observations (recordObservations, ``zhengai
ingest``), structural edits (applyChanges), 8字螺旋 events. A *plan* validates the request against the
state as it stands once the store's writers' lock is held and returns the change set; the store records
it (one fsync'd journal record, or one Neo4j transaction) and applies it; the engine refreshes exactly
what changed; the warnings the write raised are pushed to listeners (subscriptions). Change sets other
processes wrote (a CLI ingest into a folder this server holds, another replica) arrive through
:meth:`WriteService.follow` and take the same refresh and publish steps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from zhengai.domain.changes import Change, ChangedNode, ChangeSet
from zhengai.domain.enums import SpiralKind
from zhengai.domain.errors import ForbiddenError
from zhengai.domain.models import ObservedValue
from zhengai.domain.spiral import Stage
from zhengai.engine.edits import plan_changes
from zhengai.engine.engine import DueWarnings, Engine
from zhengai.engine.filling import (
    Provenance,
    Submission,
    ValueInput,
    metric_submissions,
    plan_review,
    plan_submit,
)
from zhengai.engine.ingest import RecordResult, plan_observations
from zhengai.engine.monitoring import Warning
from zhengai.engine.permissions import EditRights, can_edit_graph
from zhengai.engine.spiral import ImprovementMeasure, SpiralView, plan_improvement, plan_stage, spiral_view
from zhengai.security.tokens import Principal, Role
from zhengai.stores.memory import GraphState


class Listener(Protocol):
    """Told about the warnings each write raised (a subscription hub)."""

    def wants(self) -> bool:
        """Whether anyone listens (writes compute the warnings they raise only then)."""

    def publish(self, warnings: list[Warning]) -> None:
        """Hand over the warnings a write raised."""


@dataclass(frozen=True)
class ChangeResult:
    """What an applyChanges batch did: the new data version and the changed nodes."""

    version: int
    dry_run: bool
    changed: list[ChangedNode]
    effective_from: date


class WriteService:
    """Writes through the engine's store; the engine's caches follow every applied change set."""

    def __init__(self, engine: Engine, today: Callable[[], date] = date.today):
        self.engine = engine.base
        self.today = today
        self.listeners: list[Listener | Callable[[list[Warning]], None]] = []
        self._lock = threading.Lock()
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zhengai-keep-current")
        self._pending: Future[int] | None = None

    # -- the path ---------------------------------------------------------------------------------
    def _wanted(self) -> bool:
        return any(getattr(listener, "wants", lambda: True)() for listener in self.listeners)

    def _write(self, plan: Callable[[GraphState], ChangeSet],
               report: bool = False) -> tuple[ChangeSet, list[Warning]]:
        """Record ``plan``'s change set; returns it with the warnings it raised (computed when asked
        for, or when someone listens)."""
        engine = self.engine
        with self._lock:
            today = self.today()
            watch = report or self._wanted()
            engine.snapshot(today)  # evaluated before the write: refreshed incrementally after it
            before = engine.due_warnings(today) if watch else None
            applied = engine.store.commit(plan)
            engine.absorb(applied)
            raised = self._raised(before, today)
            self._publish(raised)
            self._keep_current(applied)
        return applied[-1], raised

    def _raised(self, before: DueWarnings | None, today: date) -> list[Warning]:
        """The warnings due ``today`` that ``before`` (held before the write) did not have; only the written
        nodes and the goals above them are re-evaluated (none when nobody asked: ``before`` is None)."""
        if before is None:
            return []
        return list(self.engine.raised_warnings(before, self.engine.due_warnings(today)))  # built: pushed

    def _publish(self, raised: list[Warning]) -> None:
        if not raised:
            return
        for listener in self.listeners:
            publish = getattr(listener, "publish", listener)
            publish(raised)

    def _keep_current(self, applied: list[ChangeSet]) -> None:
        """Hand the store the refreshed nodes' current values to keep (Neo4j: for dashboards and Cypher
        users), in the background: derived data, not part of the write's answer."""
        changed = any(cs.observations or cs.nodes for cs in applied)
        if changed and getattr(self.engine.store, "keeps_current", False):
            self._pending = self._background.submit(self.engine.keep_current, set(self.engine.last_refreshed))

    def flush(self) -> None:
        """Wait for background work (the current values kept on Neo4j nodes) to finish."""
        if self._pending is not None:
            self._pending.result()

    def close(self) -> None:
        """Finish background work and stop its thread (call before closing the store)."""
        self.flush()
        self._background.shutdown(wait=True)

    def follow(self) -> int:
        """Apply what other processes wrote since the last look (refresh, publish); returns how many
        change sets."""
        engine = self.engine
        with self._lock:
            today = self.today()
            watch = self._wanted()
            before = engine.due_warnings(today) if watch else None
            applied = engine.store.poll()
            if not applied:
                return 0
            engine.absorb(applied)
            self._publish(self._raised(before, today))
        return len(applied)

    # -- operations -------------------------------------------------------------------------------
    def record_observations(self, rows: Sequence[ObservedValue], actor: Principal | None = None,
                            operation: str = "recordObservations", origin: str | None = None) -> RecordResult:
        """Record ``rows`` all or nothing; raises InvalidArgumentError naming every bad row. The call is
        audited as ``operation`` by ``actor`` (``origin``: the file it came from, if any)."""
        own, raised = self._write(lambda state: plan_observations(state, rows, actor, operation, origin),
                                  report=True)
        changed = len(own.observations)
        return RecordResult(len(rows), changed, len(rows) - changed, raised)

    def apply_changes(self, changes: Sequence[Change], effective_from: date | None = None,
                      expected_version: int | None = None, dry_run: bool = False,
                      actor: Principal | None = None, view: Engine | None = None,
                      also: Callable[[GraphState, ChangeSet], None] | None = None) -> ChangeResult:
        """Apply a batch of structural edits all or nothing, from ``effective_from`` (default today) on;
        ``view`` is the caller's view of the graph (their scope decides what they may change). ``also``
        may add to the planned change set (a workbook's submitted values: the same write) or refuse it."""
        today = self.today()
        effective = effective_from or today
        rights = None
        if actor is not None and Role.ADMIN not in actor.roles:
            if not can_edit_graph(actor):
                raise ForbiddenError("editing the graph is for the 质管办 (ADMIN), unit heads, teachers and "
                                     "students (their own part)", "NO_EDITING")
            rights = EditRights(view or self.engine.for_principal(actor), actor)
            rights.check_date(effective, today)

        def plan(state: GraphState) -> ChangeSet:
            planned = plan_changes(state, changes, effective, actor, expected_version,
                                   rights.allow() if rights else None, rights.check_batch if rights else None,
                                   rights.sees(effective) if rights else None)
            if also is not None:
                also(state, planned)
            return planned

        if dry_run:
            state = self.engine.state
            with state.lock:
                planned = plan(state)
                version = state.version + 1
            return ChangeResult(version, True, planned.changed, effective)
        own, _ = self._write(plan)
        return ChangeResult(own.seq, False, own.changed, effective)

    def submit_values(self, rows: Sequence[ValueInput], provenance: Provenance = Provenance.ENTERED,
                      source: str | None = None, actor: Principal | None = None, view: Engine | None = None,
                      operation: str = "submitValues") -> list[Submission]:
        """数据填报: submit values for review (pending until approved; a trusted source counts at once)."""
        view = view or self.engine
        own, _ = self._write(plan_submit(view, rows, provenance, source, actor, operation), report=True)
        ids = {e.payload["id"] for e in own.events if e.payload["op"] == "SUBMIT"}
        return [s for m in sorted({r.metric for r in rows}) for s in metric_submissions(self.engine, m)
                if s.id in ids]

    def review_values(self, ids: Sequence[str], approve: bool, comment: str | None = None,
                      actor: Principal | None = None, view: Engine | None = None) -> list[Submission]:
        """审核: approve (the values then count) or return (with a comment) pending submissions."""
        view = view or self.engine
        self._write(plan_review(view, ids, approve, comment, actor), report=True)
        wanted = set(ids)
        metrics = sorted({i.rpartition("#")[0] for i in ids})
        return [s for m in metrics for s in metric_submissions(self.engine, m) if s.id in wanted]

    def advance_stage(self, subject_id: str, to: Stage | None = None, actor: Principal | None = None,
                      view: Engine | None = None, kind: SpiralKind | None = None) -> SpiralView:
        """8字螺旋: move a subject's spiral ``kind`` (default its main one) to ``to`` (default: the next
        stage)."""
        view = view or self.engine
        self._write(plan_stage(view, subject_id, to, actor, kind))
        return spiral_view(view, subject_id, kind=kind)

    def commit_plan(self, plan: Callable[[GraphState], ChangeSet]) -> ChangeSet:
        """Record a change set planned elsewhere (its plan checks the caller's rights), e.g. the 状态数据
        import's submissions (:mod:`zhengai.workbooks.state_data`); returns it."""
        return self._write(plan, report=True)[0]

    def report_workflow(self, plan: Callable[[GraphState], ChangeSet]) -> None:
        """诊改报告 workflow: record a save, submission or review planned by
        :mod:`zhengai.engine.reports.workflow` (its plans check the caller's rights)."""
        self._write(plan)

    def notify(self, plan: Callable[[GraphState], ChangeSet]) -> ChangeSet:
        """预警推送: record a claim, a send's outcome or an acknowledgement planned by
        :mod:`zhengai.notify.ledger` (events of the ``notify`` stream)."""
        return self._write(plan)[0]

    def attachments(self, plan: Callable[[GraphState], ChangeSet]) -> None:
        """佐证材料: record a file attached or removed, planned by :mod:`zhengai.engine.attachments`."""
        self._write(plan)

    def record_improvement(self, subject_id: str, measure: str, owner: str | None, due: date | None,
                           answers: list[str], done: bool = False, improvement_id: str | None = None,
                           actor: Principal | None = None, view: Engine | None = None,
                           kind: SpiralKind | None = None) -> ImprovementMeasure:
        """改进措施: record (or, by id, update) an improvement answering warnings (in the subject's spiral
        ``kind``, default its main one)."""
        view = view or self.engine
        made, plan = plan_improvement(view, subject_id, measure, owner, due, answers, done, improvement_id,
                                      actor, kind)
        self._write(plan)
        return next(m for m in spiral_view(view, subject_id, kind=kind).improvements if m.id == made)

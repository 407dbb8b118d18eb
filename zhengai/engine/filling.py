"""数据填报 with 审核: values a unit submits stay *pending* until its head (or the 质管办) approves them.

Submissions and reviews are events of their own stream (``filling``, keyed by metric id) written through
the one write path, so they are journaled (embedded) or stored (Neo4j) with their 审计日志 entry and
survive restarts — but a pending value is never an observation: attainment, warnings and reports read
observations only. Approving writes the observation in the same change set as the approval event; a
return keeps the reviewer's comment. A source listed in ``ZHENGAI_TRUSTED_SOURCES`` (e.g. the data
centre's feed) counts at once: its submission is recorded already approved.

Every value keeps its provenance (填报 ENTERED, 导入 IMPORTED, 系统采集 INGESTED, 计算 COMPUTED): values
that came through a submission carry it in the submission; values recorded directly
(recordObservations, ``zhengai ingest``, the dataset) are INGESTED from the metric's source system.

Who may do what:
- submit: ADMIN; a unit's 数据填报员 (DATA_ENTRY) and head (UNIT_HEAD) for the metrics of their unit and
  its sub-units (the metric's owner, else the unit of the goals it measures).
- review: ADMIN; the head of the metric's unit (or of a unit above it) — never their own submission.
"""

from __future__ import annotations

import calendar
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from zhengai import texts
from zhengai.domain.audit import AuditEntry, bounded
from zhengai.domain.changes import ChangeSet, Event
from zhengai.domain.enums import Frequency
from zhengai.domain.errors import ForbiddenError, InvalidArgumentError, NotFoundError, Problem, ProblemsError
from zhengai.domain.models import Goal, Metric, ObservedValue
from zhengai.domain.timeline import record_at
from zhengai.domain.units import goal_unit, unit_and_below
from zhengai.engine.engine import Engine
from zhengai.engine.ingest import metric_version
from zhengai.security.tokens import Principal, Role
from zhengai.stores.memory import GraphState

STREAM = "filling"
MAX_VALUES = 10_000
MAX_COMMENT = 500
#: The trusted sources' setting (comma-separated names of sources whose values count at once).
TRUSTED_ENV = "ZHENGAI_TRUSTED_SOURCES"


class Provenance(StrEnum):
    """Where a value came from."""

    ENTERED = "ENTERED"  # 填报: typed in a form (the explorer's 填报表)
    IMPORTED = "IMPORTED"  # 导入: from a workbook (填报表, the plan's 观测 sheet, 状态数据)
    INGESTED = "INGESTED"  # 系统采集: the data centre's feed (recordObservations, zhengai ingest)
    COMPUTED = "COMPUTED"  # 计算: derived from other fields (a 状态数据 ratio)


class ReviewStatus(StrEnum):
    """Where a submission stands."""

    PENDING = "PENDING"
    APPROVED = "APPROVED"
    RETURNED = "RETURNED"
    SUPERSEDED = "SUPERSEDED"  # a later submission for the same metric and date replaced it


class DueStatus(StrEnum):
    """Whether a metric's value of the current period is still to come."""

    DUE = "DUE"
    OVERDUE = "OVERDUE"
    DONE = "DONE"


@dataclass(frozen=True)
class ValueInput:
    """One value to submit."""

    metric: str
    at: date
    value: float
    note: str | None = None


@dataclass
class Submission:
    """A submitted value with who entered it, from where, when, and its review."""

    id: str
    metric: str
    at: date
    value: float
    source: str | None
    provenance: Provenance
    by: str
    by_name: str | None
    submitted_at: datetime
    note: str | None = None
    status: ReviewStatus = ReviewStatus.PENDING
    reviewer: str | None = None
    reviewer_name: str | None = None
    reviewed_at: datetime | None = None
    comment: str | None = None
    trusted: bool = False


def trusted_sources() -> frozenset[str]:
    """The sources whose values count without review (``ZHENGAI_TRUSTED_SOURCES``)."""
    return frozenset(s.strip() for s in os.environ.get(TRUSTED_ENV, "").split(",") if s.strip())


def _now() -> str:
    return datetime.now(UTC).isoformat()


def submissions(events: Iterable[Mapping[str, Any]]) -> list[Submission]:
    """The submissions of one metric's events, oldest first, with their review folded in."""
    found: dict[str, Submission] = {}
    for e in events:
        if e["op"] == "SUBMIT":
            for s in found.values():
                if s.at.isoformat() == e["at"] and s.status is ReviewStatus.PENDING:
                    s.status = ReviewStatus.SUPERSEDED
            found[e["id"]] = Submission(
                e["id"],
                e["metric"],
                date.fromisoformat(e["at"]),
                float(e["value"]),
                e.get("source"),
                Provenance(e["provenance"]),
                e["by"],
                e.get("byName"),
                datetime.fromisoformat(e["when"]),
                e.get("note"),
            )
        elif e["id"] in found:
            s = found[e["id"]]
            s.status = ReviewStatus.APPROVED if e["op"] == "APPROVE" else ReviewStatus.RETURNED
            s.reviewer, s.reviewer_name = e["by"], e.get("byName")
            s.reviewed_at, s.comment = datetime.fromisoformat(e["when"]), e.get("comment")
            s.trusted = bool(e.get("trusted"))
    return list(found.values())


def metric_submissions(view: Engine, metric_id: str) -> list[Submission]:
    """The submissions of a metric the caller sees (none when hidden)."""
    return submissions(view.events(STREAM, metric_id))


# -- whose metric ---------------------------------------------------------------------------------
def metric_unit(metric: Metric, state: GraphState, when: date) -> str | None:
    """The unit a metric's values belong to: its owner, else the one unit of the goals it measures."""
    if metric.owner:
        return metric.owner
    subjects = state.subjects(when)
    units = {
        goal_unit(g, subjects)
        for link in metric.measures
        if isinstance(g := state.node(link.goal, when), Goal)
    }
    return units.pop() if len(units) == 1 else None


def _unit_roles(principal: Principal, roles: set[Role]) -> set[str]:
    """The units a principal answers for in ``roles`` (their unit and below is checked by the caller)."""
    return {principal.unit} if principal.unit and principal.roles & roles else set()


def may_submit(principal: Principal | None, unit: str | None, state: GraphState, when: date) -> bool:
    """Whether ``principal`` submits values of a metric of ``unit``."""
    if principal is None or (
        Role.ADMIN in principal.roles
        and not principal.roles & {Role.UNIT_HEAD, Role.DATA_ENTRY, Role.TEACHER, Role.STUDENT}
    ):
        return True
    mine = _unit_roles(principal, {Role.UNIT_HEAD, Role.DATA_ENTRY})
    units = state.units(when)
    return unit is not None and any(unit in unit_and_below(units, u) for u in mine)


def may_review(principal: Principal | None, unit: str | None, state: GraphState, when: date) -> bool:
    """Whether ``principal`` approves or returns values of a metric of ``unit``."""
    if principal is None or (
        Role.ADMIN in principal.roles
        and not principal.roles & {Role.UNIT_HEAD, Role.DATA_ENTRY, Role.TEACHER, Role.STUDENT}
    ):
        return True
    mine = _unit_roles(principal, {Role.UNIT_HEAD})
    units = state.units(when)
    return unit is not None and any(unit in unit_and_below(units, u) for u in mine)


def _check_role(principal: Principal | None) -> None:
    if principal is not None and not principal.roles & {Role.ADMIN, Role.UNIT_HEAD, Role.DATA_ENTRY}:
        raise ForbiddenError(texts.say("filling.no_role"), "NO_FILLING")


# -- submitting -----------------------------------------------------------------------------------
def value_problems(
    state: GraphState, rows: Sequence[ValueInput], new_metrics: Mapping[str, Metric] | None = None
) -> list[Problem]:
    """Why ``rows`` cannot be submitted, each at its index (``value`` or ``metric``)."""
    out: list[Problem] = []
    seen: dict[tuple[str, date], float] = {}
    for i, r in enumerate(rows):
        metric = (new_metrics or {}).get(r.metric)
        if metric is None and state.kind_of(r.metric) == "Metric":
            metric = metric_version(state, r.metric, r.at)
        if metric is None:
            out.append(
                Problem(
                    i,
                    "metric",
                    f"unknown metric id {r.metric!r}",
                    "UNKNOWN_ID",
                    {"kind": "Metric", "id": r.metric},
                )
            )
            continue
        why = metric.value_problem(r.value)
        if why:
            out.append(Problem(i, "value", why, "INVALID", {"message": why}))
        previous = seen.setdefault((r.metric, r.at), r.value)
        if previous != r.value:
            out.append(
                Problem(
                    i,
                    "value",
                    f"conflicting value {r.value} for {r.metric} at {r.at}",
                    "INVALID",
                    {"message": f"{r.metric} {r.at}: {previous} / {r.value}"},
                )
            )
    return out


def submission_events(
    state: GraphState,
    rows: Sequence[ValueInput],
    provenance: Provenance,
    source: str | None,
    actor: Principal | None,
    seq: int,
    trusted: frozenset[str] | None = None,
) -> tuple[list[Event], list[ObservedValue]]:
    """The events of submitting ``rows`` (ids ``<metric>#<seq>.<n>``) and the observations of those that
    count at once (a trusted source)."""
    trusted = trusted_sources() if trusted is None else trusted
    counts = source is not None and source in trusted
    who = actor.sub if actor is not None else "system"
    name = actor.name if actor is not None else None
    events, observations = [], []
    for n, r in enumerate(rows):
        sid = f"{r.metric}#{seq}.{n}"
        when = _now()
        events.append(
            Event(
                STREAM,
                r.metric,
                {
                    "op": "SUBMIT",
                    "id": sid,
                    "metric": r.metric,
                    "at": r.at.isoformat(),
                    "value": r.value,
                    "source": source,
                    "provenance": provenance.value,
                    "by": who,
                    "byName": name,
                    "when": when,
                    "note": r.note,
                },
            )
        )
        if counts:
            events.append(
                Event(
                    STREAM,
                    r.metric,
                    {
                        "op": "APPROVE",
                        "id": sid,
                        "by": "trusted-source",
                        "byName": source,
                        "when": when,
                        "trusted": True,
                    },
                )
            )
            observations.append(ObservedValue(r.metric, r.at, r.value, source))
    return events, observations


def plan_submit(
    view: Engine,
    rows: Sequence[ValueInput],
    provenance: Provenance,
    source: str | None,
    actor: Principal | None,
    operation: str = "submitValues",
) -> Callable[[GraphState], ChangeSet]:
    """The plan recording a submission of ``rows`` (pending unless the source is trusted); refuses hidden
    metrics as unknown, another unit's metrics as FORBIDDEN and bad values with located problems."""
    _check_role(actor)
    if not rows:
        raise InvalidArgumentError("values must not be empty")
    if len(rows) > MAX_VALUES:
        raise InvalidArgumentError(f"at most {MAX_VALUES} values per call (got {len(rows)})")
    for r in rows:  # a hidden metric reads as an unknown one
        view.metric(r.metric)
    trusted = trusted_sources()

    def plan(state: GraphState) -> ChangeSet:
        problems = value_problems(state, rows)
        if problems:
            raise ProblemsError(problems)
        today = date.today()
        for r in rows:
            metric = metric_version(state, r.metric, r.at)
            if not may_submit(actor, metric_unit(metric, state, today), state, today):
                raise ForbiddenError(
                    texts.say("filling.not_yours", id=metric.id, name=metric.name),
                    "NOT_YOUR_METRIC",
                    id=metric.id,
                    name=metric.name,
                )
        events, observations = submission_events(
            state, rows, provenance, source, actor, state.version + 1, trusted
        )
        counts = bool(observations)
        summary = (
            texts.say("filling.submit_trusted", count=len(rows), source=source)
            if counts
            else texts.say(
                "filling.submit", count=len(rows), provenance=provenance.value, source=source or "—"
            )
        )
        after = [
            {
                "id": e.payload["id"],
                "metric": e.payload["metric"],
                "at": e.payload["at"],
                "value": e.payload["value"],
            }
            for e in events
            if e.payload["op"] == "SUBMIT"
        ]
        audit = AuditEntry.of(
            actor,
            operation,
            summary,
            None,
            {**bounded(after), "provenance": provenance.value, "source": source, "counted": counts},
        )
        return ChangeSet(audit=audit, events=events, observations=observations)

    return plan


# -- reviewing ------------------------------------------------------------------------------------
def _split(submission_id: str) -> str:
    metric, sep, _ = submission_id.rpartition("#")
    if not sep or not metric:
        raise InvalidArgumentError(texts.say("filling.unknown_submission", id=submission_id))
    return metric


def plan_review(
    view: Engine, ids: Sequence[str], approve: bool, comment: str | None, actor: Principal | None
) -> Callable[[GraphState], ChangeSet]:
    """The plan approving (the observations written with the approval) or returning (with the reviewer's
    comment) pending submissions."""
    _check_role(actor)
    if actor is not None and actor.roles & {Role.ADMIN, Role.UNIT_HEAD} == set():
        raise ForbiddenError(texts.say("filling.no_role"), "NO_FILLING")
    if not ids:
        raise InvalidArgumentError("ids must not be empty")
    comment = (comment or "").strip() or None
    if not approve and comment is None:
        raise InvalidArgumentError(texts.say("filling.comment_required"))
    if comment is not None and len(comment) > MAX_COMMENT:
        raise InvalidArgumentError(f"comment: at most {MAX_COMMENT} characters")
    metrics = {i: _split(i) for i in ids}
    for m in set(metrics.values()):
        view.metric(m)  # hidden: unknown

    def plan(state: GraphState) -> ChangeSet:
        today = date.today()
        events, observations, rows = [], [], []
        for sid, metric_id in metrics.items():
            found = {s.id: s for s in submissions(state.events(STREAM, metric_id))}.get(sid)
            if found is None:
                raise NotFoundError("submission", sid)
            if found.status is not ReviewStatus.PENDING:
                raise InvalidArgumentError(
                    texts.say("filling.not_pending", id=sid, status=found.status.value)
                )
            metric = metric_version(state, metric_id, found.at)
            if not may_review(actor, metric_unit(metric, state, today), state, today):
                raise ForbiddenError(
                    texts.say("filling.not_reviewer", id=metric.id, name=metric.name),
                    "NOT_REVIEWER",
                    id=metric.id,
                    name=metric.name,
                )
            if actor is not None and found.by == actor.sub and Role.ADMIN not in actor.roles:
                raise ForbiddenError(texts.say("filling.own_submission"), "OWN_SUBMISSION")
            if approve and (why := metric.value_problem(found.value)):
                raise InvalidArgumentError(f"{sid}: {why}")
            events.append(
                Event(
                    STREAM,
                    metric_id,
                    {
                        "op": "APPROVE" if approve else "RETURN",
                        "id": sid,
                        "by": actor.sub if actor else "system",
                        "byName": actor.name if actor else None,
                        "when": _now(),
                        "comment": comment,
                    },
                )
            )
            if approve:
                observations.append(ObservedValue(metric_id, found.at, found.value, found.source))
            rows.append(
                {
                    "id": sid,
                    "metric": metric_id,
                    "at": found.at.isoformat(),
                    "value": found.value,
                    "by": found.by,
                }
            )
        summary = (
            texts.say("filling.approve", count=len(rows))
            if approve
            else texts.say("filling.return", count=len(rows), comment=comment or "")
        )
        audit = AuditEntry.of(
            actor,
            "reviewValues",
            summary,
            bounded(rows),
            {"decision": "APPROVE" if approve else "RETURN", "comment": comment},
        )
        return ChangeSet(audit=audit, events=events, observations=observations)

    return plan


# -- reading --------------------------------------------------------------------------------------
def period_end(frequency: Frequency, d: date) -> date:
    """The last day of the monitoring period holding ``d`` (semesters: Feb–Jul and Aug–Jan)."""
    last = calendar.monthrange(d.year, d.month)[1]
    if frequency is Frequency.HALF_MONTHLY:
        return date(d.year, d.month, 15) if d.day <= 15 else date(d.year, d.month, last)
    if frequency is Frequency.MONTHLY:
        return date(d.year, d.month, last)
    if frequency is Frequency.QUARTERLY:
        month = (d.month - 1) // 3 * 3 + 3
        return date(d.year, month, calendar.monthrange(d.year, month)[1])
    if frequency is Frequency.SEMESTER:
        if 2 <= d.month <= 7:
            return date(d.year, 7, 31)
        return date(d.year + (d.month >= 8), 1, 31)
    return date(d.year, 12, 31)


def next_due(frequency: Frequency, last: date | None, as_of: date) -> date:
    """When the next value is due: the end of the period after the last value's (none yet: this one's)."""
    if last is None:
        return period_end(frequency, as_of)
    return period_end(frequency, period_end(frequency, last) + timedelta(days=1))


@dataclass
class FormRow:
    """One line of a unit's 填报表."""

    metric: Metric
    last: tuple[date, float] | None
    due: date
    status: DueStatus
    pending: Submission | None = None
    returned: Submission | None = None


@dataclass
class Form:
    """A unit's 填报表 on a date."""

    unit_id: str
    unit_name: str
    as_of: date
    rows: list[FormRow] = field(default_factory=list)


def fill_form(view: Engine, unit_id: str, as_of: date | None = None, include_all: bool = False) -> Form:
    """The metrics of ``unit_id`` (and its sub-units) the caller sees that are due by their frequency (or
    all of them), with the last value, the due date, a pending submission and the last returned one."""
    when = view.day(as_of)
    units = view.units(when)
    if unit_id not in units:
        raise NotFoundError("unit", unit_id)
    mine = unit_and_below(units, unit_id)
    state = view.state
    metrics = [
        m
        for m in view.records("Metric", when).values()
        if isinstance(m, Metric) and metric_unit(m, state, when) in mine
    ]
    latest = state.latest_observations(when, [m.id for m in metrics])
    form = Form(unit_id, units[unit_id].name, when)
    for m in sorted(metrics, key=lambda m: m.id):
        last = latest.get(m.id)
        due = next_due(m.frequency, last[0] if last else None, when)
        status = (
            DueStatus.DONE
            if due > period_end(m.frequency, when)
            else DueStatus.OVERDUE
            if due < when
            else DueStatus.DUE
        )
        found = submissions(state.events(STREAM, m.id))
        pending = next((s for s in reversed(found) if s.status is ReviewStatus.PENDING), None)
        returned = next((s for s in reversed(found) if s.status is ReviewStatus.RETURNED), None)
        if include_all or status is not DueStatus.DONE or pending is not None:
            form.rows.append(FormRow(m, last, due, status, pending, returned))
    return form


def pending_submissions(view: Engine, unit_id: str | None = None, limit: int = 500) -> list[Submission]:
    """Pending submissions of the metrics the caller sees (of ``unit_id`` and below when given), oldest
    first, at most ``limit``."""
    state = view.state
    today = date.today()
    mine = unit_and_below(view.units(today), unit_id) if unit_id else None
    out: list[Submission] = []
    for key in state.event_keys(STREAM):
        metric = view.node(key)
        if not isinstance(metric, Metric) or (
            mine is not None and metric_unit(metric, state, today) not in mine
        ):
            continue
        out += [s for s in submissions(state.events(STREAM, key)) if s.status is ReviewStatus.PENDING]
    return sorted(out, key=lambda s: s.submitted_at)[:limit]


def value_provenance(view: Engine, metric_id: str) -> dict[date, Submission]:
    """The approved submission behind each observed value of a metric (by date); a date without one holds
    a value recorded directly (INGESTED)."""
    found = [s for s in metric_submissions(view, metric_id) if s.status is ReviewStatus.APPROVED]
    history = dict(view.history([metric_id]).get(metric_id, []))
    out: dict[date, Submission] = {}
    for s in found:
        if history.get(s.at) == s.value:
            out[s.at] = s
    return out


__all__ = [
    "STREAM",
    "DueStatus",
    "Form",
    "FormRow",
    "Provenance",
    "ReviewStatus",
    "Submission",
    "ValueInput",
    "fill_form",
    "metric_submissions",
    "pending_submissions",
    "plan_review",
    "plan_submit",
    "record_at",
    "submission_events",
    "value_problems",
    "value_provenance",
]

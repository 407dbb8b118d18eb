"""The 诊改报告 workflow: draft → submitted → returned (with comments) / accepted, per subject and period.

The responsible person writes the report's written parts (自我诊断, 原因分析, 改进措施); every save is a
new *version*, and versions are kept. Submitting freezes the current version for review; a reviewer
returns it with a comment (it can be edited and submitted again) or accepts it — which completes the
subject's 8字螺旋 诊断 stage (the spiral moves on to 激励 in the same write).

Who does what follows the scopes (数据权限):

- write and submit: the subject's own people (a teacher their own and their courses', a student their
  own), the head of the subject's unit, and the 质管办 (ADMIN) — :meth:`Engine.check_own_subject`;
- review: the 质管办 (ADMIN) for every report, and the head of the subject's unit for the 专业, 课程,
  教师 and 学生 of their unit — but the school's and the departments' reports only the 质管办;
  nobody but the 质管办 reviews a version they submitted themselves.

State is a stream of events (``report``, keyed ``SUBJECT@PERIOD``) written through the one write path
(:class:`~zhengai.engine.writes.WriteService`), each with its 审计日志 entry, on both stores.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from zhengai import texts
from zhengai.domain.audit import AuditEntry
from zhengai.domain.changes import ChangeSet, Event
from zhengai.domain.errors import (
    ConflictError,
    ForbiddenError,
    InvalidArgumentError,
    Problem,
    ProblemsError,
)
from zhengai.domain.models import Subject
from zhengai.domain.spiral import Stage
from zhengai.engine.engine import Engine
from zhengai.engine.reports.data import report_kind
from zhengai.engine.spiral import STREAM as SPIRAL
from zhengai.engine.spiral import spiral_view
from zhengai.security.tokens import Principal, Role
from zhengai.stores.memory import GraphState

__all__ = ["PARTS", "Decision", "ReportPeriodKey", "ReportRecord", "ReportStatus", "ReportVersion",
           "can_review", "can_write", "parse_period", "plan_review", "plan_save", "plan_submit",
           "report_record", "reports_to_review"]

STREAM = "report"
#: The written parts, in the order a report shows them.
PARTS = ("self_diagnosis", "cause_analysis", "measures")
#: The longest text of one written part.
MAX_PART = 20_000
#: The longest review comment.
MAX_COMMENT = 4_000
#: The levels whose reports only the 质管办 reviews (besides the departments').
ADMIN_REVIEWED = frozenset({"SCHOOL", "DEPARTMENT"})
PERIOD = re.compile(r"^(\d{4})$|^(\d{4}-\d{2}-\d{2})~(\d{4}-\d{2}-\d{2})$")


class ReportStatus(StrEnum):
    """Where a report stands (草稿, 已提交待审核, 已退回修改, 已审核通过)."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    RETURNED = "RETURNED"
    ACCEPTED = "ACCEPTED"


class Action(StrEnum):
    """What a workflow event did (保存, 提交, 退回, 通过)."""

    SAVE = "SAVE"
    SUBMIT = "SUBMIT"
    RETURN = "RETURN"
    ACCEPT = "ACCEPT"


@dataclass(frozen=True)
class ReportPeriodKey:
    """A report's period: a calendar year (``2026``) or an explicit range (``2026-09-01~2027-01-31``)."""

    key: str
    start: date
    end: date


def parse_period(text: str | None, as_of: date | None = None) -> ReportPeriodKey:
    """The period ``text`` names; None: the calendar year of ``as_of`` (default today)."""
    if text is None or not text.strip():
        year = (as_of or date.today()).year
        return ReportPeriodKey(str(year), date(year, 1, 1), date(year, 12, 31))
    m = PERIOD.match(text.strip())
    if m is None:
        raise InvalidArgumentError(f"period must be a year (2026) or a range (2026-09-01~2027-01-31), got "
                                   f"{text!r}")
    if m.group(1):
        year = int(m.group(1))
        if not 1900 <= year <= 2199:
            raise InvalidArgumentError(f"period {text!r} is outside 1900 … 2199")
        return ReportPeriodKey(m.group(1), date(year, 1, 1), date(year, 12, 31))
    try:
        start, end = date.fromisoformat(m.group(2)), date.fromisoformat(m.group(3))
    except ValueError as exc:
        raise InvalidArgumentError(f"period {text!r}: {exc}") from None
    if end < start or (end - start).days > 3 * 366:
        raise InvalidArgumentError(f"period {text!r}: the end must follow the start, at most three years on")
    if start.month == 1 and start.day == 1 and end == date(start.year, 12, 31):
        return ReportPeriodKey(str(start.year), start, end)
    return ReportPeriodKey(f"{start}~{end}", start, end)


@dataclass(frozen=True)
class ReportVersion:
    """One saved version of the written parts, with who saved it and when."""

    version: int
    parts: Mapping[str, str]
    author: str
    author_name: str | None
    at: datetime


@dataclass(frozen=True)
class Decision:
    """A submission or a review decision on a version, with its comment."""

    action: Action
    version: int
    by: str
    by_name: str | None
    at: datetime
    comment: str | None = None


@dataclass
class ReportRecord:
    """A subject's report for a period: its status, every version and every decision, oldest first."""

    subject: Subject
    period: ReportPeriodKey
    status: ReportStatus = ReportStatus.DRAFT
    versions: list[ReportVersion] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The stream key: ``SUBJECT@PERIOD``."""
        return key_of(self.subject.id, self.period.key)

    @property
    def version(self) -> int:
        """The current version (0: nothing written yet)."""
        return self.versions[-1].version if self.versions else 0

    @property
    def current(self) -> ReportVersion | None:
        """The latest version, if any."""
        return self.versions[-1] if self.versions else None

    @property
    def parts(self) -> Mapping[str, str]:
        """The written parts of the current version (empty before the first save)."""
        return self.versions[-1].parts if self.versions else {}

    @property
    def submitted_by(self) -> str | None:
        """Who submitted the version under review (None unless SUBMITTED)."""
        if self.status is not ReportStatus.SUBMITTED:
            return None
        return next(d.by for d in reversed(self.decisions) if d.action is Action.SUBMIT)


def key_of(subject_id: str, period: str) -> str:
    """The stream key of a subject's report for a period."""
    return f"{subject_id}@{period}"


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _fold(record: ReportRecord, events: list[dict[str, Any]]) -> ReportRecord:
    for e in events:
        at = _when(e["at"])
        if e["kind"] == "version":
            record.versions.append(ReportVersion(int(e["version"]), dict(e["parts"]), e["by"], e.get("name"),
                                                 at))
            record.status = ReportStatus.DRAFT
            continue
        action = Action(e["kind"].upper())
        record.decisions.append(Decision(action, int(e["version"]), e["by"], e.get("name"), at,
                                         e.get("comment")))
        record.status = {Action.SUBMIT: ReportStatus.SUBMITTED, Action.RETURN: ReportStatus.RETURNED,
                         Action.ACCEPT: ReportStatus.ACCEPTED}[action]
    return record


def report_record(engine: Engine, subject_id: str, period: str | None = None,
                  as_of: date | None = None) -> ReportRecord:
    """The report of a subject the caller sees (NotFoundError otherwise) for ``period`` (default: the
    calendar year of ``as_of``)."""
    subject = engine.subject(subject_id)
    when = parse_period(period, as_of)
    return _fold(ReportRecord(subject, when), engine.events(STREAM, key_of(subject.id, when.key), subject.id))


def _stamp(actor: Principal | None) -> dict[str, Any]:
    return {"by": actor.sub if actor else "system", "name": actor.name if actor else None,
            "at": datetime.now(UTC).isoformat(timespec="seconds")}


# -- rights ------------------------------------------------------------------------------------------
def _roles(actor: Principal | None) -> frozenset[Role]:
    return frozenset({Role.ADMIN}) if actor is None else actor.roles


def can_write(view: Engine, actor: Principal | None, subject_id: str) -> bool:
    """Whether the caller may write and submit the subject's report."""
    try:
        check_writer(view, actor, subject_id)
    except ForbiddenError:
        return False
    return True


def check_writer(view: Engine, actor: Principal | None, subject_id: str) -> Subject:
    """The subject, when the caller may write its report (NotFoundError when hidden, FORBIDDEN when not
    theirs)."""
    subject = view.subject(subject_id)
    roles = _roles(actor)
    if not roles & {Role.ADMIN, Role.UNIT_HEAD, Role.TEACHER, Role.STUDENT}:
        raise ForbiddenError("诊改报告 are written by the subject's own people, its unit head or the 质管办",
                             "REPORT_WRITER", id=subject.id, name=subject.name)
    try:
        view.check_own_subject(subject.id)
    except ForbiddenError:
        raise ForbiddenError(f"{subject.id} ({subject.name}) is not yours to report on", "REPORT_WRITER",
                             id=subject.id, name=subject.name) from None
    return subject


def can_review(view: Engine, actor: Principal | None, subject: Subject) -> bool:
    """Whether the caller may return or accept the subject's report: the 质管办 always; the head of the
    subject's unit for its 专业, 课程, 教师 and 学生 (never the school's or a department's)."""
    roles = _roles(actor)
    scope = view.scope()
    if scope is None:
        return Role.ADMIN in roles
    if Role.UNIT_HEAD not in roles or report_kind(subject) in ADMIN_REVIEWED:
        return False
    return subject.unit in scope.units


def reports_to_review(view: Engine, actor: Principal | None) -> list[ReportRecord]:
    """The submitted reports the caller may review, oldest submission first."""
    out = []
    for key in view.event_keys(STREAM):
        subject_id, _, period = key.rpartition("@")
        if view.node(subject_id) is None:
            continue
        record = report_record(view, subject_id, period)
        if record.status is ReportStatus.SUBMITTED and can_review(view, actor, record.subject):
            out.append(record)
    return sorted(out, key=lambda r: r.decisions[-1].at)


# -- plans -------------------------------------------------------------------------------------------
Plan = Callable[[GraphState], ChangeSet]


def _change(record: ReportRecord, actor: Principal | None, operation: str, summary: str,
            event: dict[str, Any], before: ReportStatus, extra: list[Event] | None = None) -> ChangeSet:
    audit = AuditEntry.of(actor, operation, summary,
                          {"subject": record.subject.id, "period": record.period.key, "status": before.value,
                           "version": record.version},
                          {"subject": record.subject.id, "period": record.period.key, **event})
    return ChangeSet(audit=audit, events=[Event(STREAM, record.key, event), *(extra or [])])


def _expect(record: ReportRecord, expected: int | None) -> None:
    if expected is not None and expected != record.version:
        raise ConflictError(expected, record.version)


def _state_problem(record: ReportRecord, action: Action, allowed: set[ReportStatus]) -> None:
    if record.status not in allowed:
        raise ProblemsError([Problem(None, "status", f"cannot {action.value.lower()} a report that is "
                                     f"{record.status.value}", "REPORT_STATE",
                                     {"status": record.status.value, "action": action.value})])


def clean_parts(parts: Mapping[str, str | None]) -> dict[str, str]:
    """The written parts, stripped and checked (known names, at most :data:`MAX_PART` characters)."""
    problems = [Problem(None, f"parts.{name}", f"unknown written part {name!r}", "UNKNOWN_FIELD")
                for name in parts if name not in PARTS]
    problems += [Problem(None, f"parts.{name}", f"at most {MAX_PART} characters", "AT_MOST",
                         {"limit": MAX_PART})
                 for name, text in parts.items() if text and len(text) > MAX_PART]
    if problems:
        raise ProblemsError(problems)
    return {name: (parts.get(name) or "").strip() for name in PARTS}


def plan_save(view: Engine, actor: Principal | None, subject_id: str, period: str | None,
              parts: Mapping[str, str | None], expected: int | None = None) -> Plan:
    """The plan saving a new version of the written parts (a draft, or a returned report edited)."""
    check_writer(view, actor, subject_id)
    cleaned = clean_parts(parts)

    def plan(_: GraphState) -> ChangeSet:
        record = report_record(view, subject_id, period)
        _expect(record, expected)
        _state_problem(record, Action.SAVE, {ReportStatus.DRAFT, ReportStatus.RETURNED})
        merged = {**record.parts, **{k: v for k, v in cleaned.items() if parts.get(k) is not None}}
        event = {"kind": "version", "version": record.version + 1, "parts": merged, **_stamp(actor)}
        summary = texts.say("audit.save_report", subject=subject_id, period=record.period.key,
                            version=event["version"])
        return _change(record, actor, "saveReport", summary, event, record.status)

    return plan


def plan_submit(view: Engine, actor: Principal | None, subject_id: str, period: str | None,
                expected: int | None = None) -> Plan:
    """The plan submitting the current version for review (every written part filled in)."""
    check_writer(view, actor, subject_id)

    def plan(_: GraphState) -> ChangeSet:
        record = report_record(view, subject_id, period)
        _expect(record, expected)
        _state_problem(record, Action.SUBMIT, {ReportStatus.DRAFT, ReportStatus.RETURNED})
        missing = [p for p in PARTS if not record.parts.get(p)]
        if missing:
            raise ProblemsError([Problem(None, f"parts.{p}", "must be written before submitting", "EMPTY")
                                 for p in missing])
        if record.decisions and record.decisions[-1].action is Action.RETURN \
                and record.decisions[-1].version == record.version:
            raise ProblemsError([Problem(None, "version", "edit the returned version before submitting it "
                                         "again", "REPORT_UNCHANGED", {"version": record.version})])
        event = {"kind": "submit", "version": record.version, **_stamp(actor)}
        summary = texts.say("audit.submit_report", subject=subject_id, period=record.period.key,
                            version=record.version)
        return _change(record, actor, "submitReport", summary, event, record.status)

    return plan


def _spiral_moves(view: Engine, record: ReportRecord, event: dict[str, Any]) -> list[Event]:
    """诊断 completes with the accepted report: a subject at or before 诊断 moves on to 激励."""
    order = list(Stage)
    stage = spiral_view(view, record.subject.id).stage
    if order.index(stage) > order.index(Stage.DIAGNOSE):
        return []
    moved = {"kind": "stage", "from": stage.value, "to": Stage.MOTIVATE.value, "reason": "report_accepted",
             "report": record.key, "recorded": event["at"]}
    return [Event(SPIRAL, record.subject.id, moved)]


def plan_review(view: Engine, actor: Principal | None, subject_id: str, period: str | None, accept: bool,
                comment: str | None, expected: int | None = None) -> Plan:
    """The plan returning (with a comment) or accepting the submitted version."""
    subject = view.subject(subject_id)
    if not can_review(view, actor, subject):
        who = "the 质管办 (ADMIN)" if report_kind(subject) in ADMIN_REVIEWED else \
            "the head of its unit or the 质管办 (ADMIN)"
        raise ForbiddenError(f"the report of {subject.id} ({subject.name}) is reviewed by {who}",
                             "REPORT_REVIEWER", id=subject.id, name=subject.name)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ProblemsError([Problem(None, "comment", f"at most {MAX_COMMENT} characters", "AT_MOST",
                                     {"limit": MAX_COMMENT})])
    if not accept and not comment:
        raise ProblemsError([Problem(None, "comment", "a returned report needs a comment", "EMPTY")])
    action = Action.ACCEPT if accept else Action.RETURN

    def plan(_: GraphState) -> ChangeSet:
        record = report_record(view, subject_id, period)
        _expect(record, expected)
        _state_problem(record, action, {ReportStatus.SUBMITTED})
        if actor is not None and Role.ADMIN not in actor.roles and record.submitted_by == actor.sub:
            raise ForbiddenError("nobody but the 质管办 reviews a report they submitted", "SELF_REVIEW",
                                 id=subject.id, name=subject.name)
        event = {"kind": action.value.lower(), "version": record.version, "comment": comment or None,
                 **_stamp(actor)}
        summary = texts.say("audit.review_report", action=action, subject=subject_id,
                            period=record.period.key, version=record.version)
        extra = _spiral_moves(view, record, event) if accept else []
        return _change(record, actor, "reviewReport", summary, event, record.status, extra)

    return plan

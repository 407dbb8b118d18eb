"""佐证材料 (attachments): evidence files on a 诊改报告, an 改进措施 (8字螺旋 improvement) or a 一页纸 task.

A file's bytes are kept by their sha256 (zhengai.files.blobs); its metadata — parent, name, type, size,
sha256, uploader and time — is an event of the ``attachment`` stream, keyed by the parent, written through
the one write path with its 审计日志 entry (journal record or Neo4j transaction), so listings survive a
restart on both stores.

Parents are named by a kind and an id:

- ``REPORT``: ``SUBJECT@PERIOD`` (the report's key, e.g. ``STU-001@2026``);
- ``IMPROVEMENT``: ``SUBJECT/IMP-…`` (the subject and the improvement's id);
- ``TASK``: the task's id.

Rights follow the parent: whoever sees the parent lists and downloads its files (a hidden parent is
unknown); attaching and removing need the right to write it — the report's writers while it is a draft or
returned, the subject's own people and unit head for an improvement, the 质管办 and the head of a task's
lead or undertaking unit for a task.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from zhengai import texts
from zhengai.domain.audit import AuditEntry
from zhengai.domain.changes import ChangeSet, Event
from zhengai.domain.errors import (
    ForbiddenError,
    InvalidArgumentError,
    NotFoundError,
    Problem,
    ProblemsError,
)
from zhengai.domain.models import Task
from zhengai.domain.units import unit_and_below
from zhengai.engine.engine import Engine
from zhengai.engine.reports import workflow
from zhengai.engine.spiral import STREAM as SPIRAL
from zhengai.security.tokens import Principal, Role
from zhengai.stores.memory import GraphState

STREAM = "attachment"
#: Roles that may attach files at all (each within its scope).
WRITERS = frozenset({Role.ADMIN, Role.UNIT_HEAD, Role.TEACHER, Role.STUDENT})
MAX_NAME = 200
#: The most files one parent holds.
MAX_PER_PARENT = 200


class ParentKind(StrEnum):
    """What a file is attached to (诊改报告, 改进措施, 任务)."""

    REPORT = "REPORT"
    IMPROVEMENT = "IMPROVEMENT"
    TASK = "TASK"


@dataclass(frozen=True)
class Parent:
    """A parent the caller sees: its kind, canonical id, and the node whose visibility it follows."""

    kind: ParentKind
    id: str
    owner: str  # the subject (report, improvement) or the task

    @property
    def key(self) -> str:
        """The stream key of its files."""
        return f"{self.kind.value}:{self.id}"


@dataclass(frozen=True)
class Attachment:
    """One attached file's metadata."""

    id: str
    parent_kind: ParentKind
    parent_id: str
    name: str
    media_type: str
    extension: str
    size: int
    sha256: str
    by: str
    by_name: str | None
    at: datetime


def parse_kind(text: str) -> ParentKind:
    """The parent kind ``text`` names (case-insensitive); InvalidArgumentError otherwise."""
    try:
        return ParentKind(text.upper())
    except ValueError:
        raise InvalidArgumentError(f"attachments belong to a report, an improvement or a task (REPORT, "
                                   f"IMPROVEMENT, TASK), got {text!r}") from None


def parent_of(view: Engine, kind: ParentKind, parent_id: str) -> Parent:
    """The parent as the caller's ``view`` sees it: NotFoundError when unknown or hidden."""
    if kind is ParentKind.REPORT:
        subject, at, period = parent_id.rpartition("@")
        if not at or not subject:
            raise InvalidArgumentError(f"a report is named SUBJECT@PERIOD (STU-001@2026), got {parent_id!r}")
        record = workflow.report_record(view, subject, period)
        return Parent(kind, record.key, record.subject.id)
    if kind is ParentKind.IMPROVEMENT:
        subject, slash, measure = parent_id.partition("/")
        if not slash or not subject or not measure:
            raise InvalidArgumentError(f"an improvement is named SUBJECT/IMP-… (STU-001/IMP-1a2b), got "
                                       f"{parent_id!r}")
        view.subject(subject)
        if not any(e.get("kind") == "improvement" and e.get("id") == measure
                   for e in view.events(SPIRAL, subject)):
            raise NotFoundError("improvement", parent_id)
        return Parent(kind, f"{subject}/{measure}", subject)
    task = view.tasks().get(parent_id)
    if task is None:
        raise NotFoundError("task", parent_id)
    return Parent(kind, task.id, task.id)


def check_writer(view: Engine, actor: Principal | None, parent: Parent) -> None:
    """ForbiddenError (or a REPORT_STATE problem) unless the caller may attach to or remove from
    ``parent``."""
    if actor is not None and not actor.roles & WRITERS:
        raise ForbiddenError("佐证材料 are attached by the 质管办, unit heads, teachers and students",
                             "ROLE")
    if parent.kind is ParentKind.REPORT:
        workflow.check_writer(view, actor, parent.owner)
        subject, _, period = parent.id.rpartition("@")
        record = workflow.report_record(view, subject, period)
        if record.status not in (workflow.ReportStatus.DRAFT, workflow.ReportStatus.RETURNED):
            raise ProblemsError([Problem(None, "status", f"the report is {record.status.value}: its files "
                                         "change only while it is a draft or returned", "REPORT_STATE",
                                         {"status": record.status.value, "action": "ATTACH"})])
    elif parent.kind is ParentKind.IMPROVEMENT:
        view.check_own_subject(parent.owner)
    elif actor is not None and Role.ADMIN not in actor.roles:
        task = view.tasks()[parent.owner]
        if not _heads_task(view, actor, task):
            raise ForbiddenError(f"{task.id} ({task.name}) is not yours: a task's files are attached by the "
                                 "质管办 or the head of its lead or undertaking unit", "NOT_YOURS",
                                 id=task.id, name=task.name)


def _heads_task(view: Engine, actor: Principal, task: Task) -> bool:
    if Role.UNIT_HEAD not in actor.roles or not actor.unit:
        return False
    units = unit_and_below(view.units(), actor.unit)
    return task.lead_unit in units or bool(units & set(task.units))


def _fold(parent: Parent, events: list[dict[str, Any]]) -> list[Attachment]:
    files: dict[str, Attachment] = {}
    for e in events:
        if e["kind"] == "removed":
            files.pop(e["id"], None)
            continue
        files[e["id"]] = Attachment(e["id"], parent.kind, parent.id, e["name"], e["type"], e["ext"],
                                    int(e["size"]), e["sha256"], e["by"], e.get("by_name"),
                                    datetime.fromisoformat(e["at"]))
    return sorted(files.values(), key=lambda a: (a.at, a.id))


def attachments(view: Engine, kind: ParentKind, parent_id: str) -> list[Attachment]:
    """The files of a parent the caller sees, oldest first (NotFoundError for a hidden parent)."""
    parent = parent_of(view, kind, parent_id)
    return _fold(parent, view.events(STREAM, parent.key, parent.owner))


def find(view: Engine, attachment_id: str) -> Attachment:
    """An attached file by id, when the caller sees its parent (NotFoundError otherwise, alike)."""
    if not attachment_id.startswith("ATT-"):
        raise NotFoundError("attachment", attachment_id)
    for key in view.event_keys(STREAM):
        kind, _, parent_id = key.partition(":")
        raw = view.base.events(STREAM, key)  # ids only: the parent's rights decide below
        if not any(e["id"] == attachment_id for e in raw):
            continue
        try:
            found = attachments(view, ParentKind(kind), parent_id)
        except NotFoundError:
            break
        for a in found:
            if a.id == attachment_id:
                return a
        break
    raise NotFoundError("attachment", attachment_id)


def clean_name(name: str | None, extension: str) -> str:
    """The file name kept: its last path part, without control characters, at most :data:`MAX_NAME`
    characters (``佐证材料.EXT`` when none is given)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '"<>|:*?').strip().strip(".")
    if not base:
        base = f"{texts.say('attachments.default_name')}.{extension}"
    if len(base) > MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) < 10 else base[:MAX_NAME]
    return base


Plan = Callable[[GraphState], ChangeSet]


def _stamp(actor: Principal | None) -> dict[str, Any]:
    return {"by": actor.sub if actor else "system", "by_name": actor.name if actor else None,
            "at": datetime.now(UTC).isoformat(timespec="seconds")}


def plan_attach(view: Engine, actor: Principal | None, parent: Parent, name: str, media_type: str,
                extension: str, size: int, sha256: str) -> tuple[str, Plan]:
    """The id of the new attachment and the plan recording it (the caller's rights checked now and again
    when the plan runs)."""
    check_writer(view, actor, parent)
    made = f"ATT-{uuid.uuid4().hex[:12]}"
    event = {"kind": "added", "id": made, "name": name, "type": media_type, "ext": extension, "size": size,
             "sha256": sha256, **_stamp(actor)}

    def plan(_: GraphState) -> ChangeSet:
        check_writer(view, actor, parent)
        if len(attachments(view, parent.kind, parent.id)) >= MAX_PER_PARENT:
            raise ProblemsError([Problem(None, "parent", f"at most {MAX_PER_PARENT} files per parent",
                                         "AT_MOST", {"limit": MAX_PER_PARENT})])
        summary = texts.say("attachments.audit_add", name=name, parent=parent.id, size=size,
                            kind=texts.label("attachments.parent", parent.kind))
        audit = AuditEntry.of(actor, "attachFile", summary, None,
                              {"parent": parent.key, **{k: v for k, v in event.items() if k != "kind"}})
        return ChangeSet(audit=audit, events=[Event(STREAM, parent.key, event)])

    return made, plan


def plan_remove(view: Engine, actor: Principal | None, attachment_id: str) -> Plan:
    """The plan removing an attached file from its parent's list (its bytes stay, content-addressed)."""
    found = find(view, attachment_id)
    parent = parent_of(view, found.parent_kind, found.parent_id)
    check_writer(view, actor, parent)

    def plan(_: GraphState) -> ChangeSet:
        if all(a.id != attachment_id for a in attachments(view, parent.kind, parent.id)):
            raise NotFoundError("attachment", attachment_id)
        event = {"kind": "removed", "id": attachment_id, **_stamp(actor)}
        summary = texts.say("attachments.audit_remove", name=found.name,
                            kind=texts.label("attachments.parent", parent.kind),
                            parent=parent.id)
        audit = AuditEntry.of(actor, "removeAttachment", summary,
                              {"parent": parent.key, "id": found.id, "name": found.name,
                               "sha256": found.sha256}, None)
        return ChangeSet(audit=audit, events=[Event(STREAM, parent.key, event)])

    return plan

"""Who may edit what (数据权限 for writes), checked for every change of a batch.

- ADMIN (质管办): everything, on any effective date.
- UNIT_HEAD: the subjects, goals, metrics and tasks of their unit and its sub-units.
- TEACHER and STUDENT: their own subject's goals (at their own level) and the metrics measuring only
  those, linked only under goals they can see (a student's 年度成长目标 under their three-year goal).
- LEADER reads only; DATA_SERVICE records observations only.

A change that names a node the caller cannot see is refused exactly as if the id did not exist; a
visible node the caller may not change is FORBIDDEN. New ids of a scoped editor begin with their own
subject id (教师, 学生) or unit id (部门负责人) and a hyphen, so they never meet another's hidden nodes.
Scoped editors cannot date a change before today.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from zhengai.domain.changes import LINK_FIELDS, Change, Link, Unlink, Upsert
from zhengai.domain.enums import Level
from zhengai.domain.errors import ForbiddenError
from zhengai.domain.models import Goal, Metric, Record, Subject, Task
from zhengai.domain.timeline import record_at
from zhengai.domain.units import goal_unit, unit_and_below
from zhengai.engine.edits import Allow, Batch, iter_ids, unknown
from zhengai.engine.engine import Engine
from zhengai.security.tokens import Principal, Role
from zhengai.stores.memory import GraphState

EDITABLE = {Role.UNIT_HEAD: {"Subject", "Goal", "Metric", "Task"}, Role.TEACHER: {"Goal", "Metric"},
            Role.STUDENT: {"Goal", "Metric"}}
OWN_LEVEL = {Role.TEACHER: Level.TEACHER, Role.STUDENT: Level.STUDENT}


def can_edit_graph(principal: Principal | None) -> bool:
    """Whether the caller may run applyChanges at all."""
    return principal is None or bool(principal.roles & {Role.ADMIN, *EDITABLE})


class EditRights:
    """The checks of one caller's batch (None for ADMIN and in-process callers: no checks)."""

    def __init__(self, view: Engine, principal: Principal):
        self.view, self.principal = view, principal
        self.roles = principal.roles & set(EDITABLE)
        self.prefixes = tuple(f"{p}-" for p in (principal.subject, principal.unit) if p)

    def sees(self, when: date) -> Callable[[str], bool]:
        """Whether the caller sees a node on ``when`` (refusals name only those)."""
        return lambda node_id: self.view.node(node_id, when) is not None

    def check_date(self, effective: date, today: date) -> None:
        """Scoped editors date changes from today on (FORBIDDEN before)."""
        if effective < today:
            raise ForbiddenError(f"only the 质管办 (ADMIN) dates a change before today ({today}); "
                                 f"effectiveFrom was {effective}", "BACKDATED", today=today.isoformat(),
                                 effective=effective.isoformat())

    def allow(self) -> Allow:
        """The per-change check: every named id visible (or new, in the caller's own id space). A hidden
        id is answered exactly as the planner answers a missing one, so nothing hidden shows."""
        editable = set().union(*(EDITABLE[r] for r in self.roles))

        def allow(index: int, change: Change, state: GraphState, batch: Batch) -> None:
            for where, node_id in iter_ids(change):
                if node_id in batch.timelines and batch.origin.get(node_id, -1) < index:
                    continue  # made earlier in this batch by the same caller
                exists = batch.kind_of(node_id) is not None
                if exists and self.view.node(node_id, batch.effective) is not None:
                    continue
                if isinstance(change, Upsert):  # a missing or hidden id: this would create it
                    self._new_id(node_id)
                elif exists:
                    raise unknown(where, _expected_kind(change, where), node_id)
            if isinstance(change, Upsert) and change.kind not in editable:
                raise ForbiddenError(f"{change.kind} nodes are changed by the 质管办 (ADMIN) only",
                                     "ADMIN_KIND", kind=change.kind)

        return allow

    def _new_id(self, node_id: str) -> None:
        if not node_id.startswith(self.prefixes):
            own = " or ".join(f"{p}…" for p in self.prefixes) or "(none: your token names no subject or unit)"
            raise ForbiddenError(f"new ids you create begin with {own}; got {node_id!r}", "NEW_ID_PREFIX",
                                 prefixes=list(self.prefixes), id=node_id)

    def check_batch(self, batch: Batch) -> None:
        """Every node the batch changes is the caller's, before and after (FORBIDDEN otherwise)."""
        when = batch.effective

        def before(node_id: str) -> Record | None:
            return batch.state.node(node_id, when)

        def after(node_id: str) -> Record | None:
            return batch.record(node_id, when)

        for node_id, timeline in batch.timelines.items():
            was, now = before(node_id), record_at(timeline, when)
            if was is not None and isinstance(now, Metric) and not now.owner and not now.measures:
                now = None  # its goal retired with cascade: judged by what it was
            for record, read in ((was, before), (now, after)):
                if record is not None and not self._owns(record, read, when, batch.state):
                    raise ForbiddenError(f"{node_id}（{record.name}）is not yours to change: "
                                         + self._whose(), "NOT_YOURS", id=node_id, name=record.name)

    def _whose(self) -> str:
        if Role.UNIT_HEAD in self.roles:
            return (f"a unit head changes the subjects, goals, metrics and tasks of {self.principal.unit} "
                    "and below")
        return "you change the goals of your own subject and the metrics that measure only them"

    def _owns(self, record: Record, read: Read, when: date, state: GraphState) -> bool:
        """Whether ``record`` is the caller's; ``read`` looks up the nodes it names (before or after)."""
        if Role.UNIT_HEAD in self.roles and self.principal.unit:
            units = unit_and_below(state.units(when), self.principal.unit)
            subjects = _Subjects(read)
            if isinstance(record, Goal) and goal_unit(record, subjects) in units:
                return True
            if isinstance(record, Subject) and record.unit in units:
                return True
            if isinstance(record, Task) and record.lead_unit in units:
                return True
            if isinstance(record, Metric) and (record.owner in units or (
                    record.owner is None and record.measures and all(
                        isinstance(g := read(link.goal), Goal) and goal_unit(g, subjects) in units
                        for link in record.measures))):
                return True
        for role, level in OWN_LEVEL.items():
            if role not in self.roles or not self.principal.subject:
                continue
            if isinstance(record, Goal) and self._personal(record, level):
                return True
            if isinstance(record, Metric) and record.owner is None and record.measures and all(
                    isinstance(g := read(link.goal), Goal) and self._personal(g, level)
                    for link in record.measures):
                return True
        return False

    def _personal(self, goal: Goal, level: Level) -> bool:
        """Whether a goal is the caller's own at their level."""
        return goal.subject == self.principal.subject and goal.level is level


Read = Callable[[str], "Record | None"]


def _expected_kind(change: Change, where: str) -> str:
    """The kind a change expects at one of its fields, as the planner names it for a missing id."""
    if isinstance(change, Link | Unlink):
        source, _, target, _ = LINK_FIELDS[change.kind]
        return (source if where.endswith("source") else target).lower()
    return "node"


class _Subjects:
    """Subjects as a read sees them (a mapping for :func:`goal_unit`)."""

    def __init__(self, read: Read):
        self.read = read

    def get(self, key: str, default: object = None) -> object:
        found = self.read(key)
        return found if found is not None else default

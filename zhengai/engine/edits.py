"""Planning a batch of structural edits (applyChanges): validate every change against the graph as it
stands, apply it to the affected nodes' timelines from the effective date on, and say what changed.

The rules are those of ``zhengai validate`` (:mod:`zhengai.domain.rules`), located by the change's index
in the batch and its field. A batch with any problem plans nothing. Retiring a node that others still
name is refused, naming them, unless the change says ``cascade`` (then their references to it end on
the same date). Who may change what is checked against the caller's view of the graph
(:func:`check_permission`): a change that names a node the caller cannot see reads as an unknown id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from zhengai import texts
from zhengai.domain.audit import AuditEntry, bounded
from zhengai.domain.changes import (
    LINK_FIELDS,
    Change,
    ChangedNode,
    ChangeSet,
    Link,
    LinkKind,
    Op,
    Retire,
    Unlink,
    Upsert,
)
from zhengai.domain.errors import ConflictError, ForbiddenError, InvalidArgumentError, Problem, ProblemsError
from zhengai.domain.models import Goal, Record, WeightedLink
from zhengai.domain.rules import (
    Finding,
    cycle_message,
    cycle_path,
    duplicate_link_findings,
    find_cycle,
    level_findings,
    reference_findings,
    references,
)
from zhengai.domain.timeline import MODELS, Timeline, apply_from, record_at, retire_from, starts, to_json
from zhengai.security.tokens import Principal
from zhengai.stores.memory import GraphState

MAX_CHANGES = 5000
#: How many dependants a refusal to retire names.
SHOWN_DEPENDANTS = 20

Allow = Callable[[int, Change, GraphState, "Batch"], None]


@dataclass
class Batch:
    """The nodes a batch changes, as timelines, over the state (which it never changes)."""

    state: GraphState
    effective: date
    timelines: dict[str, Timeline] = field(default_factory=dict)
    origin: dict[str, int] = field(default_factory=dict)  # node id → index of the change that last touched it
    changed: dict[tuple[str, Op], ChangedNode] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    changes: Sequence[Change] = ()
    sees: Callable[[str], bool] | None = None  # the caller's view (None: sees everything)
    new_links: list[tuple[int, str, str]] = field(default_factory=list)  # (change, child, parent) SUPPORTS

    def timeline(self, node_id: str) -> Timeline:
        """The node's versions as the batch has them (its own edits, else the state's)."""
        return self.timelines[node_id] if node_id in self.timelines else self.state.timeline(node_id)

    def record(self, node_id: str, when: date | None = None) -> Record | None:
        """The node's record in force on ``when`` (default: the effective date), None if none."""
        return record_at(self.timeline(node_id), when or self.effective)

    def kind_of(self, node_id: str) -> str | None:
        """The node's kind in any of its versions, None for an unknown id."""
        found = next((v.record.kind for v in self.timeline(node_id) if v.record is not None), None)
        return found or self.state.kind_of(node_id)

    def put(self, index: int, node_id: str, timeline: Timeline, kind: str, op: Op) -> None:
        """Record the node's new versions, made by change ``index``."""
        self.timelines[node_id] = timeline
        self.origin[node_id] = index
        self.changed.setdefault((node_id, op), ChangedNode(node_id, kind, op))

    def problem(self, index: int | None, where: str | None, message: str, code: str = "INVALID",
                **params: object) -> None:
        """Record one reason to refuse the batch, with its stable code and the values its words need."""
        self.problems.append(Problem(index, where, message, code, params))


#: pydantic's error types → the problem codes clients translate (the catalogue's ``problem`` table).
PYDANTIC_CODES = {"missing": "REQUIRED", "extra_forbidden": "UNKNOWN_FIELD", "greater_than_equal": "AT_LEAST",
                  "greater_than": "ABOVE", "less_than_equal": "AT_MOST", "less_than": "BELOW",
                  "finite_number": "FINITE", "float_parsing": "NUMBER", "float_type": "NUMBER",
                  "int_parsing": "NUMBER", "int_type": "NUMBER", "string_too_short": "EMPTY"}
#: pydantic's context keys that hold a bound.
_LIMITS = ("ge", "gt", "le", "lt")


def _problem_code(err: Any) -> tuple[str, dict[str, object]]:
    """The code and params of one pydantic error: a rule's own code (``rule_error``), pydantic's type
    mapped to ours, else INVALID with the message."""
    ctx = {k: v for k, v in (err.get("ctx") or {}).items() if not isinstance(v, Exception)}
    if err["type"].isupper():
        return err["type"], {k: str(v) for k, v in ctx.items()}
    if err["type"] in PYDANTIC_CODES:
        limit = next((ctx[k] for k in _LIMITS if k in ctx), None)
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)  # 须大于 0, not 0.0
        return PYDANTIC_CODES[err["type"]], ({} if limit is None else {"limit": str(limit)})
    return "INVALID", {"message": err["msg"].removeprefix("Value error, ")}


def _field_name(kind: str, path: Sequence[Any]) -> str:
    """``upsertGoal.supports.0.weight`` from a record field path."""
    name = "".join(p.capitalize() if i else p for i, p in enumerate(str(kind).split("_")))
    parts = [_camel(str(p)) for p in path]
    return ".".join([f"upsert{name}", *parts])


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(p.capitalize() for p in rest)


def _validated(kind: str, data: dict[str, Any], batch: Batch, index: int,
               where: str | None = None) -> Record | None:
    """The record of ``data`` checked by its model; problems located at the fields (or at ``where``,
    the change's own field, for a link)."""
    try:
        return MODELS[kind].model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown field"
            elif err["type"] == "missing":
                message = "required for a new node"
            located = _field_name(kind, err["loc"])
            if where is not None:
                located = f"{where}.weight" if "weight" in err["loc"] else where
            code, params = _problem_code(err)
            batch.problem(index, located, message, code, **params)
        return None


def _upsert(index: int, change: Upsert, batch: Batch) -> None:
    kind = change.kind
    if kind not in MODELS:
        batch.problem(index, None, f"unknown kind {kind!r}", "UNKNOWN_KIND", kind=kind)
        return
    if not change.id:
        batch.problem(index, _field_name(kind, ["id"]), "must not be empty", "EMPTY")
        return
    known = batch.kind_of(change.id)
    if known is not None and known != kind:
        batch.problem(index, _field_name(kind, ["id"]), f"{change.id!r} is a {known}, not a {kind}",
                      "ID_TAKEN", id=change.id, kind=known)
        return
    fields = {k: v for k, v in change.fields.items() if k != "id"}
    current = batch.record(change.id)
    failed = False

    def merged(record: Record | None) -> Record | None:
        nonlocal failed
        base = {} if record is None else record.model_dump(exclude_defaults=True)
        if record is None and current is not None:
            return None  # retired later: stays retired
        out = _validated(kind, {**base, **fields, "id": change.id}, batch, index) if not failed else None
        failed = failed or out is None
        return out

    timeline = apply_from(batch.timeline(change.id), batch.effective, merged)
    if not failed:
        batch.put(index, change.id, timeline, kind, Op.UPDATED if current is not None else Op.CREATED)


def _link_field(kind: LinkKind) -> tuple[str, str, str, bool]:
    return LINK_FIELDS[kind]


def _link(index: int, change: Link | Unlink, batch: Batch) -> None:
    source_kind, field_name, target_kind, weighted = _link_field(change.kind)
    adding = isinstance(change, Link)
    where = "link" if adding else "unlink"
    source = batch.record(change.source)
    if source is None or source.kind != source_kind:
        batch.problem(index, f"{where}.source", f"unknown {source_kind.lower()} id {change.source!r}",
                      "UNKNOWN_ID", kind=source_kind, id=change.source)
        return
    target = batch.record(change.target)
    if target is None or target.kind != target_kind:
        batch.problem(index, f"{where}.target", f"unknown {target_kind.lower()} id {change.target!r}",
                      "UNKNOWN_ID", kind=target_kind, id=change.target)
        return
    weight = change.weight if isinstance(change, Link) else None
    if adding and weight is not None and not weighted:
        batch.problem(index, "link.weight", f"{change.kind} links carry no weight", "UNWEIGHTED_LINK",
                      relation=change.kind)
        return
    present = _linked(source, field_name, change.target)
    if not adding and not present:
        batch.problem(index, "unlink", f"{change.source} has no {change.kind} link to {change.target}",
                      "NO_SUCH_LINK", source=change.source, relation=change.kind, target=change.target)
        return

    def edit(record: Record | None) -> Record | None:
        if record is None:
            return None
        data = record.model_dump(exclude_defaults=True)
        items = list(data.get(field_name, []))
        ids = [i["goal"] if isinstance(i, dict) else i for i in items]
        if change.target in ids:
            pos = ids.index(change.target)
            if not adding:
                del items[pos]
            elif weighted and weight is not None:
                items[pos] = {"goal": change.target, "weight": weight}
        elif adding:
            items.append({"goal": change.target, "weight": 1.0 if weight is None else weight}
                         if weighted else change.target)
        return _validated(record.kind, {**data, field_name: items}, batch, index, where)

    timeline = apply_from(batch.timeline(change.source), batch.effective, edit)
    if adding and change.kind is LinkKind.SUPPORTS and not present:
        batch.new_links.append((index, change.source, change.target))
    batch.put(index, change.source, timeline, source_kind, Op.LINKED if adding else Op.UNLINKED)


def _linked(record: Record, field_name: str, target: str) -> bool:
    return any((i.goal if isinstance(i, WeightedLink) else i) == target for i in getattr(record, field_name))


def _without(record: Record, target: str) -> Record:
    """``record`` with every reference to ``target`` removed (a cascade)."""
    update: dict[str, Any] = {}
    for ref in references(record):
        if ref.target != target:
            continue
        value = getattr(record, ref.field)
        if ref.position is None:
            update[ref.field] = None
        else:
            update[ref.field] = [i for i in value if (i.goal if isinstance(i, WeightedLink) else i) != target]
    return record.model_copy(update=update)


def dependants(batch: Batch, node_id: str) -> list[str]:
    """The nodes whose own records name ``node_id`` on the effective date or later."""
    candidates = set(batch.timelines)
    for rel in batch.state.touching(node_id, batch.effective):
        candidates.add(rel.target if rel.kind == "MEASURED_BY" else rel.source)
    candidates.discard(node_id)
    return sorted(c for c in candidates if _still_names(batch, c, node_id))


def _still_names(batch: Batch, holder: str, node_id: str) -> bool:
    """Whether a version of ``holder`` in force on the effective date or later names ``node_id``."""
    timeline = batch.timeline(holder)
    for i, v in enumerate(timeline):
        end = timeline[i + 1].start if i + 1 < len(timeline) else None
        if v.record is None or (end is not None and end <= batch.effective):
            continue
        if any(ref.target == node_id for ref in references(v.record)):
            return True
    return False


def _retire(index: int, change: Retire, batch: Batch) -> None:
    current = batch.record(change.id)
    if current is None:
        kind = batch.kind_of(change.id)
        batch.problem(index, "retire.id", f"unknown {(kind or 'node').lower()} id {change.id!r}",
                      "UNKNOWN_ID", kind=kind or "Node", id=change.id)
        return
    found = dependants(batch, change.id)
    if batch.sees is not None and not all(batch.sees(d) or d in batch.timelines for d in found):
        raise ForbiddenError(f"{change.id} is still named by nodes outside your part of the graph: only the "
                             "质管办 (ADMIN) can retire it", "HIDDEN_DEPENDANTS", id=change.id)
    if found and not change.cascade:
        more = f" … ({len(found)} in all)" if len(found) > SHOWN_DEPENDANTS else ""
        shown = ", ".join(found[:SHOWN_DEPENDANTS]) + more
        batch.problem(index, "retire.cascade",
                      f"{change.id} is still named by {shown}; "
                      "retire with cascade: true to end those links too",
                      "DEPENDANTS", id=change.id, dependants=found[:SHOWN_DEPENDANTS], count=len(found))
        return
    for holder in found:
        kind = batch.kind_of(holder) or "Node"
        timeline = apply_from(batch.timeline(holder), batch.effective,
                              lambda r: None if r is None else _without(r, change.id))
        batch.put(index, holder, timeline, kind, Op.UNLINKED)
    retired = retire_from(batch.timeline(change.id), batch.effective)
    batch.put(index, change.id, retired, current.kind, Op.RETIRED)


def _cross_check(batch: Batch) -> None:
    """The rules of ``zhengai validate`` over every version the batch wrote, on each date it starts."""
    dates = sorted({batch.effective, *(d for t in batch.timelines.values() for d in starts(t)
                                       if d >= batch.effective)})
    for node_id, timeline in batch.timelines.items():
        index = batch.origin[node_id]
        for when in dates:
            record = record_at(timeline, when)
            if record is None:
                continue

            def exists(kind: str, ref: str, when: date = when) -> bool:
                found = batch.record(ref, when)
                return found is not None and found.kind == kind

            def goal_of(ref: str, when: date = when) -> Goal | None:
                found = batch.record(ref, when)
                return found if isinstance(found, Goal) else None

            findings: list[Finding] = [*reference_findings(record, exists), *duplicate_link_findings(record)]
            if isinstance(record, Goal):
                findings += level_findings(record, goal_of)
            change = batch.changes[index] if index < len(batch.changes) else None
            for f in findings:
                where = (_field_name(record.kind, f.path) if isinstance(change, Upsert) or change is None
                         else type(change).__name__.lower())
                batch.problem(index, where, f.message.split(": ", 1)[-1], f.code, **f.params)
            if findings:
                break
    _check_cycles(batch)


def _check_cycles(batch: Batch) -> None:
    """No SUPPORTS cycle on any date (edges of every version count), nor in unit or plan parents."""
    def goal_parents(node: str) -> list[str]:
        if node in batch.timelines:
            return sorted({link.goal for v in batch.timelines[node] if isinstance(v.record, Goal)
                           for link in v.record.supports})
        return sorted({e.parent for e in batch.state.all_parents(node) if e.kind == "SUPPORTS"})

    changed_goals = [n for n in batch.timelines if batch.kind_of(n) == "Goal"]
    cycle = find_cycle(changed_goals, goal_parents)
    if cycle is not None:
        _cycle_problem(batch, cycle, "SUPPORTS", "supports")
    for kind in ("Unit", "Plan"):
        def parent_of(node: str) -> list[str]:
            ids = {getattr(v.record, "parent", None) for v in batch.timeline(node) if v.record is not None}
            return sorted(i for i in ids if i)

        changed = [n for n in batch.timelines if batch.kind_of(n) == kind]
        cycle = find_cycle(changed, parent_of)
        if cycle is not None:
            _cycle_problem(batch, cycle, f"{kind.lower()} parents", "parent")


def _cycle_problem(batch: Batch, cycle: list[str], name: str, field_name: str) -> None:
    """A cycle, reported at the change that closed it (the last of the batch to touch one of its nodes)."""
    index = max(batch.origin[n] for n in cycle if n in batch.origin)
    change = batch.changes[index]
    where = (_field_name(change.kind, [field_name]) if isinstance(change, Upsert)
             else type(change).__name__.lower())
    batch.problem(index, where, cycle_message(name, cycle), "CYCLE", relation=name, cycle=cycle_path(cycle))


def plan_changes(state: GraphState, changes: Sequence[Change], effective: date, actor: Principal | None,
                 expected_version: int | None = None, allow: Allow | None = None,
                 check: Callable[[Batch], None] | None = None,
                 sees: Callable[[str], bool] | None = None) -> ChangeSet:
    """The change set of a batch, all or nothing: raises ConflictError (a stale ``expected_version``),
    ForbiddenError (``allow`` or ``check`` refused a change) or ProblemsError (every problem, located).
    ``allow`` sees each change before it is planned, ``check`` the whole valid batch; ``sees`` is the
    caller's view, so a refusal never names a node they cannot see."""
    if expected_version is not None and expected_version != state.version:
        raise ConflictError(expected_version, state.version)
    if not changes:
        raise InvalidArgumentError("changes must not be empty")
    if len(changes) > MAX_CHANGES:
        raise InvalidArgumentError(f"at most {MAX_CHANGES} changes per batch (got {len(changes)})")
    batch = Batch(state, effective, changes=changes, sees=sees)
    for index, change in enumerate(changes):
        if allow is not None:
            try:
                allow(index, change, state, batch)
            except _Unknown as exc:
                batch.problem(index, exc.where, exc.message, "UNKNOWN_ID", kind=exc.kind, id=exc.node_id)
                continue
        if isinstance(change, Upsert):
            _upsert(index, change, batch)
        elif isinstance(change, Link | Unlink):
            _link(index, change, batch)
        elif isinstance(change, Retire):
            _retire(index, change, batch)
    if not batch.problems:
        _cross_check(batch)
    if batch.problems:
        unique = list(dict.fromkeys(batch.problems))
        raise ProblemsError(sorted(unique, key=lambda p: (p.index is None, p.index or 0)))
    if check is not None:
        check(batch)
    before = {i: to_json(state.timeline(i)) for i in sorted(batch.timelines)}
    after = {i: to_json(t) for i, t in sorted(batch.timelines.items())}
    summary = texts.say("audit.apply_changes", changes=len(changes), nodes=len(batch.timelines),
                        effective=effective)
    audit = AuditEntry.of(actor, "applyChanges", summary,
                          bounded([{"id": i, "versions": t} for i, t in before.items()]),
                          {**bounded([{"id": i, "versions": t} for i, t in after.items()]),
                           "effectiveFrom": effective.isoformat()})
    return ChangeSet(audit=audit, nodes=dict(batch.timelines), changed=list(batch.changed.values()),
                     effective_from=effective)


class _Unknown(Exception):
    """A change naming a node the caller cannot see: reported exactly like an unknown id."""

    def __init__(self, where: str, kind: str, node_id: str):
        self.where, self.node_id = where, node_id
        self.kind = kind[:1].upper() + kind[1:]  # "goal" → "Goal", as a record's kind
        self.message = f"unknown {kind} id {node_id!r}"


def unknown(where: str, kind: str, node_id: str) -> _Unknown:
    """The problem of a hidden id: worded as for an id that does not exist."""
    return _Unknown(where, kind, node_id)


def iter_ids(change: Change) -> Iterable[tuple[str, str]]:
    """(field, id) of every node a change names."""
    if isinstance(change, Upsert):
        yield f"upsert{change.kind}.id", change.id
    elif isinstance(change, Link | Unlink):
        where = "link" if isinstance(change, Link) else "unlink"
        yield f"{where}.source", change.source
        yield f"{where}.target", change.target
    else:
        yield "retire.id", change.id

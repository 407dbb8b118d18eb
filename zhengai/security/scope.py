"""What a scoped principal may see (数据权限): their own part of the graph plus the aggregates above it.

- STUDENT: the goals of their own subject (学生个人成长目标) and the metrics measuring them.
- TEACHER: their own goals and those of their courses (the COURSE goals their goals SUPPORT).
- UNIT_HEAD: the goals of their unit and its sub-units (owner, else the subject's unit).
- DATA_ENTRY (数据填报员, claim ``unit``): reads what the unit head of that unit reads; it only submits
  the unit's values for review (zhengai.engine.filling) and changes nothing else.

Above those *own* goals, every ancestor goal is visible as an aggregate, except another person's
(TEACHER or STUDENT level) goal. Metrics are visible when they measure a visible goal; subjects, plans,
standards and tasks when they belong to, derive, hold or advance something visible. Units (the
organisation chart) are always visible. Everything else is hidden: it cannot be named or counted,
only folded into "其他 N 项" aggregates (zhengai.engine.engine).

Roles compose as an intersection (least privilege wins for reads of personal data): a token holding a
scoped role reads through that scope whatever else it holds (ADMIN, LEADER, DATA_SERVICE widen nothing),
and a token holding several scoped roles sees what every one of them sees.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from zhengai.domain.enums import Level
from zhengai.domain.models import Goal, Metric, Node, Plan, Standard, Subject, Task, Unit
from zhengai.domain.units import goal_unit, unit_and_below
from zhengai.security.tokens import Principal, Role

if TYPE_CHECKING:
    from zhengai.stores.memory import GraphState

#: Levels whose goals are personal data (教师, 学生).
PERSONAL = frozenset({Level.TEACHER, Level.STUDENT})
#: Roles that read through a scope of their own (数据权限).
SCOPED_ROLES = frozenset({Role.UNIT_HEAD, Role.TEACHER, Role.STUDENT, Role.DATA_ENTRY})
#: Roles whose scope is a unit and its sub-units (claim ``unit``).
UNIT_ROLES = frozenset({Role.UNIT_HEAD, Role.DATA_ENTRY})
#: Roles that read unscoped — unless the token also holds a scoped role. DATA_SERVICE reads nothing (the
#: role gate lets it only record observations, and what that answers holds ids and counts only).
UNRESTRICTED = frozenset({Role.ADMIN, Role.LEADER, Role.DATA_SERVICE})


def needs_scope(principal: Principal | None) -> bool:
    """Whether the principal reads through a scope: it holds a scoped role (whatever else it holds), or no
    unrestricted one."""
    return principal is None or bool(principal.roles & SCOPED_ROLES) or not principal.roles & UNRESTRICTED


def scope_key(principal: Principal | None) -> tuple:
    """What a principal's scope depends on: its scoped roles and the claims they read."""
    if principal is None:
        return ()
    roles = principal.roles & SCOPED_ROLES
    unit = principal.unit if roles & UNIT_ROLES else None
    subject = principal.subject if roles & {Role.TEACHER, Role.STUDENT} else None
    return (tuple(sorted(roles)), unit, subject)


@dataclass(frozen=True)
class Scope:
    """Visible ids by kind; ``own_*`` are the principal's own part (the rest is aggregates above)."""

    own_goals: frozenset[str]
    goals: frozenset[str]
    metrics: frozenset[str]
    own_subjects: frozenset[str]
    subjects: frozenset[str]
    plans: frozenset[str]
    tasks: frozenset[str]
    standards: frozenset[str]  # held by visible goals (HELD_TO); those specifying visible metrics too
    units: frozenset[str]  # the principal's units (UNIT_HEAD): their subjects are visible too

    def sees(self, node_id: str) -> bool:
        """Whether a goal or metric id is visible."""
        return node_id in self.goals or node_id in self.metrics

    def allows(self, node: Node) -> bool:
        """Whether ``node`` (of any kind) is visible."""
        if isinstance(node, Goal):
            return node.id in self.goals
        if isinstance(node, Metric):
            return node.id in self.metrics
        if isinstance(node, Subject):
            return node.id in self.subjects or node.unit in self.units
        if isinstance(node, Unit):
            return True
        if isinstance(node, Task):
            return node.id in self.tasks
        if isinstance(node, Plan):
            return node.id in self.plans
        if isinstance(node, Standard):
            return node.id in self.standards or not self.metrics.isdisjoint(node.specifies)
        return False


def own_goals(principal: Principal, state: GraphState,
              when: date) -> tuple[set[str], set[str], frozenset[str]]:
    """(own goal ids, own subject ids, the principal's units) by role, on ``when``."""
    goals_in_force = state.goals(when)
    goals: set[str] = set()
    own_subjects: set[str] = set()
    my_units: frozenset[str] = frozenset()
    if principal.subject and principal.roles & {Role.STUDENT, Role.TEACHER}:
        own_subjects.add(principal.subject)
        goals |= {g.id for g in goals_in_force.values() if g.subject == principal.subject}
    if Role.TEACHER in principal.roles:  # their courses: the COURSE goals their own goals SUPPORT
        supported = {e.parent for g in goals for e in state.parents(g, when) if e.kind == "SUPPORTS"}
        courses = {goals_in_force[p].subject for p in supported
                   if p in goals_in_force and goals_in_force[p].level is Level.COURSE}
        own_subjects |= {c for c in courses if c}
        goals |= {g.id for g in goals_in_force.values() if g.subject in courses}
    units = state.units(when)
    if principal.roles & UNIT_ROLES and principal.unit and principal.unit in units:
        my_units = frozenset(unit_and_below(units, principal.unit))
        subjects = state.subjects(when)
        goals |= {g.id for g in goals_in_force.values() if goal_unit(g, subjects) in my_units}
    return goals, own_subjects, my_units


def build_scope(principal: Principal, state: GraphState, when: date) -> Scope:
    """The scope of a UNIT_HEAD, TEACHER or STUDENT over the graph in force on ``when``. It walks only
    the principal's part of the graph. Several scoped roles: the intersection of their scopes (least
    privilege)."""
    scoped = sorted(principal.roles & SCOPED_ROLES)
    if len(scoped) > 1:
        parts = [build_scope(replace(principal, roles=frozenset({r})), state, when) for r in scoped]
        return Scope(*(frozenset.intersection(*(getattr(p, f) for p in parts))
                       for f in Scope.__dataclass_fields__))
    goals_in_force = state.goals(when)
    own, own_subjects, my_units = own_goals(principal, state, when)
    visible, stack, seen = set(own), list(own), set(own)
    while stack:  # ancestors: aggregates above, except other people's goals (walked through, not shown)
        for e in state.parents(stack.pop(), when):
            if e.parent not in seen and e.parent in goals_in_force:
                seen.add(e.parent)
                stack.append(e.parent)
                if goals_in_force[e.parent].level not in PERSONAL:
                    visible.add(e.parent)
    metrics = {e.child for g in visible for e in state.children(g, when) if e.kind == "MEASURED_BY"}
    subject_ids = own_subjects | {goals_in_force[g].subject for g in visible if goals_in_force[g].subject}
    plan_ids: set[str] = set()
    frontier = sorted({p for g in visible for p in goals_in_force[g].derived_from})
    while frontier:
        plan_ids |= set(frontier)
        found = state.get_nodes(frontier, when)
        frontier = sorted({p.parent for p in found.values()
                           if isinstance(p, Plan) and p.parent and p.parent not in plan_ids})
    task_ids = {t.id for t in state.tasks(when).values() if visible.intersection(t.advances)}
    held = frozenset(s for g in visible for s in goals_in_force[g].standards)
    return Scope(frozenset(own), frozenset(visible), frozenset(metrics), frozenset(own_subjects),
                 frozenset(s for s in subject_ids if s), frozenset(plan_ids), frozenset(task_ids), held,
                 my_units)

"""考核 (the incentive engine, seed §四(三), §六): a scheme's score of each subject it assesses, with its
rank, the components that made it and the previous period's score (docs/semantics.md, 考核).

Each component gives ``points × share`` with the share in [0, 1] of its measure, computed exactly (as
fractions). The score is that sum rounded half-up to 0.01; the components' points are rounded to 0.01 by
largest remainder so that they add up to the score exactly. Ranks are competition ranks (1, 2, 2, 4) by
score.

Scores are computed over the whole graph (the same numbers for every caller); a scoped caller sees the
rows of their own subjects (a teacher or student their own, a unit head their unit's) and the aggregate:
how many were assessed and their mean score — withheld when it would reveal fewer than
:data:`~zhengai.engine.portraits.MIN_PEERS` hidden scores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from zhengai.domain.enums import AssessmentPeriod, ComponentMeasure, Level
from zhengai.domain.errors import NotFoundError
from zhengai.domain.models import Goal, Scheme, SchemeComponent, Semester, Subject, Task, Unit
from zhengai.domain.units import unit_and_below
from zhengai.engine.portraits import MIN_PEERS
from zhengai.engine.reports.workflow import STREAM as REPORTS
from zhengai.engine.reports.workflow import ReportStatus, key_of
from zhengai.engine.spiral import STREAM as SPIRAL
from zhengai.engine.spiral import event_day

if TYPE_CHECKING:
    from zhengai.engine.engine import Engine
    from zhengai.engine.snapshot import Snapshot

__all__ = [
    "DEFAULT_SEMESTERS",
    "Assessment",
    "ComponentScore",
    "Previous",
    "SchemePeriod",
    "SubjectScore",
    "assess",
    "scheme_period",
    "schemes",
]

CENT = Decimal("0.01")
#: The college calendar when the school gives none: 秋季学期 09-01 … 01-31, 春季学期 02-01 … 07-31.
DEFAULT_SEMESTERS = (Semester(name="秋季学期", start="09-01", end="01-31"),
                     Semester(name="春季学期", start="02-01", end="07-31"))
#: A report's status → the share of REPORTS_SUBMITTED it earns.
REPORT_SHARES = {ReportStatus.ACCEPTED: Fraction(1), ReportStatus.SUBMITTED: Fraction(1, 2)}


@dataclass(frozen=True)
class SchemePeriod:
    """The period a scheme scores: its key (``2026``, or ``2026-09-01~2027-01-31`` as reports name it) and
    its first and last day."""

    key: str
    start: date
    end: date


@dataclass(frozen=True)
class ComponentScore:
    """One component of a subject's score: its share in [0, 1] of ``full`` points and the points it gave
    (rounded so that a subject's components add up to its score); ``met`` of ``counted`` for counting
    measures (tasks on time, warnings answered, goals attained)."""

    key: str
    name: str
    measure: ComponentMeasure
    full: Decimal
    share: Fraction
    points: Decimal
    counted: int | None = None
    met: int | None = None


@dataclass(frozen=True)
class Previous:
    """The subject's score and rank in the previous period, and how its score moved since."""

    score: Decimal
    rank: int
    delta: Decimal


@dataclass(frozen=True)
class SubjectScore:
    """A subject's score under a scheme, its rank (1: best) and its components."""

    subject_id: str
    name: str
    level: Level | None
    unit_id: str | None
    score: Decimal
    rank: int
    components: tuple[ComponentScore, ...]
    previous: Previous | None = None


@dataclass
class Assessment:
    """A scheme's scores on a date as a caller sees them: the visible rows (by rank) and the aggregate."""

    scheme: Scheme
    as_of: date
    period: SchemePeriod
    previous_period: SchemePeriod
    full_marks: Decimal
    count: int
    mean: Decimal | None
    rows: list[SubjectScore] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        """How many assessed subjects the caller may not see."""
        return self.count - len(self.rows)


# -- periods ----------------------------------------------------------------------------------------
def _semester_span(s: Semester, year: int) -> tuple[date, date]:
    sm, sd = map(int, s.start.split("-"))
    em, ed = map(int, s.end.split("-"))
    start = date(year, sm, min(sd, 28) if (sm, sd) == (2, 29) else sd)
    end_year = year + 1 if (em, ed) < (sm, sd) else year
    end = date(end_year, em, 28 if (em, ed) == (2, 29) else ed)
    return start, end


def _calendar(subjects: Iterable[Subject]) -> tuple[Semester, ...]:
    school = next((s for s in subjects if s.level is Level.SCHOOL and s.semesters), None)
    return tuple(school.semesters) if school else DEFAULT_SEMESTERS


def scheme_period(period: AssessmentPeriod, when: date, semesters: Iterable[Semester] = DEFAULT_SEMESTERS
                  ) -> SchemePeriod:
    """The period holding ``when``: its calendar year, or the latest semester begun by then."""
    if period is AssessmentPeriod.ANNUAL:
        return SchemePeriod(str(when.year), date(when.year, 1, 1), date(when.year, 12, 31))
    spans = [_semester_span(s, y) for s in semesters for y in (when.year - 1, when.year)]
    start, end = max((sp for sp in spans if sp[0] <= when), key=lambda sp: sp[0])
    return SchemePeriod(f"{start}~{end}", start, end)


def previous_period(period: AssessmentPeriod, current: SchemePeriod,
                    semesters: Iterable[Semester] = DEFAULT_SEMESTERS) -> SchemePeriod:
    """The period before ``current``."""
    return scheme_period(period, current.start - timedelta(days=1), semesters)


# -- whom a scheme assesses ----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Assessed:
    id: str
    name: str
    level: Level | None
    unit_id: str | None
    subject: Subject | None  # None: a unit (部门, 二级学院) assessed as a quality subject


def _assessed(scheme: Scheme, subjects: dict[str, Subject], units: dict[str, Unit]) -> list[_Assessed]:
    within: set[str] | None = None
    if scheme.units:
        within = set()
        for u in scheme.units:
            within |= unit_and_below(units, u) if u in units else set()
    if scheme.level is not None:
        return [_Assessed(s.id, s.name, s.level, s.unit, s) for s in subjects.values()
                if s.level is scheme.level and (within is None or s.unit in within)]
    types = set(scheme.unit_types)
    return [_Assessed(u.id, u.name, None, u.id, None) for u in units.values()
            if u.type in types and (within is None or u.id in within)]


# -- measures ----------------------------------------------------------------------------------------
@dataclass
class _Facts:
    """What the measures read on one date, gathered once for every subject."""

    snap: Snapshot
    period: SchemePeriod
    goals: dict[str, list[Goal]]  # subject id → its goals (a unit's: subject or, without one, owner)
    tasks: dict[str, Task]
    warnings: dict[str, list[str]]  # node id → warning ids due
    engine: Engine

    def top_goals(self, sid: str) -> list[Goal]:
        mine = self.goals.get(sid, [])
        ids = {g.id for g in mine}
        parents = self.snap.structure.parents
        return [g for g in mine if not any(e.parent in ids for e in parents.get(g.id, []))]

    def nodes_of(self, sid: str) -> set[str]:
        goal_ids = {g.id for g in self.goals.get(sid, [])}
        children = self.snap.structure.children
        metrics = {e.child for g in goal_ids for e in children.get(g, [])
                   if e.child in self.snap.structure.graph.metrics}
        return goal_ids | metrics | {t.id for t in self.tasks_of(sid, goal_ids)}

    def tasks_of(self, sid: str, goal_ids: set[str]) -> list[Task]:
        return [t for t in self.tasks.values() if t.lead_unit == sid or goal_ids.intersection(t.advances)]


def _facts(engine: Engine, period: SchemePeriod, when: date) -> _Facts:
    snap = engine.snapshot(when)
    goals: dict[str, list[Goal]] = defaultdict(list)
    for g in snap.structure.graph.goals.values():
        holder = g.subject or g.owner
        if holder:
            goals[holder].append(g)
    warnings: dict[str, list[str]] = defaultdict(list)
    for w in engine.warnings(when):
        warnings[w.node_id].append(w.id)
    return _Facts(snap, period, dict(goals), engine.tasks(when), dict(warnings), engine)


def _goal_attainment(facts: _Facts, who: _Assessed) -> tuple[Fraction, int | None, int | None]:
    """Mean attainment (each capped to [0, 1]) of the subject's top goals; 0 without any."""
    values = [a for g in facts.top_goals(who.id) if (a := facts.snap.attainment(g.id)) is not None]
    if not values:
        return Fraction(0), 0, 0
    shares = [min(Fraction(1), max(Fraction(0), Fraction(repr(a)))) for a in values]  # 0.9 as 9/10
    return sum(shares, Fraction(0)) / len(shares), len(shares), sum(1 for s in shares if s >= 1)


def _tasks_on_time(facts: _Facts, who: _Assessed) -> tuple[Fraction, int | None, int | None]:
    """Of the tasks falling due in the period by the date, the share done (progress 1) on their due date;
    1 when none fell due."""
    goal_ids = {g.id for g in facts.goals.get(who.id, [])}
    due: list[tuple[str, date]] = []
    for t in facts.tasks_of(who.id, goal_ids):
        _, day = t.occurrence(facts.snap.as_of)
        if day is not None and facts.period.start <= day <= facts.snap.as_of:
            due.append((t.id, day))
    if not due:
        return Fraction(1), 0, 0
    on_time = 0
    for task_id, day in due:
        then = facts.engine.node(task_id, day)
        if isinstance(then, Task) and then.progress >= 1:
            on_time += 1
    return Fraction(on_time, len(due)), len(due), on_time


def _report(facts: _Facts, who: _Assessed) -> tuple[Fraction, int | None, int | None]:
    """The period's 诊改报告: accepted 1, submitted and awaiting review ½, else 0."""
    status = None
    for e in facts.engine.events(REPORTS, key_of(who.id, facts.period.key), who.id):
        status = {"version": None, "submit": ReportStatus.SUBMITTED, "return": None,
                  "accept": ReportStatus.ACCEPTED}.get(e["kind"], status)
    return REPORT_SHARES.get(status, Fraction(0)) if status else Fraction(0), None, None


def _warnings_answered(facts: _Facts, who: _Assessed) -> tuple[Fraction, int | None, int | None]:
    """Of the warnings due on the subject's goals, metrics and tasks, the share an improvement (改进措施)
    answers; 1 when none is due."""
    due = {w for n in facts.nodes_of(who.id) for w in facts.warnings.get(n, [])}
    if not due:
        return Fraction(1), 0, 0
    answered = {w for e in facts.engine.events(SPIRAL, who.id) if e.get("kind") == "improvement"
                and ((day := event_day(e)) is None or day <= facts.snap.as_of)  # history: from its day
                for w in e.get("answers", [])}
    met = len(due & answered)
    return Fraction(met, len(due)), len(due), met


def _attribute(component: SchemeComponent, who: _Assessed) -> Fraction:
    value = getattr(who.subject, component.field or "", None) if who.subject else None
    share = component.values.get(value, 0.0) if value is not None else 0.0
    return Fraction(repr(float(share)))


_MEASURES = {ComponentMeasure.GOAL_ATTAINMENT: _goal_attainment,
             ComponentMeasure.TASKS_ON_TIME: _tasks_on_time,
             ComponentMeasure.REPORTS_SUBMITTED: _report,
             ComponentMeasure.WARNINGS_ANSWERED: _warnings_answered}


# -- scores ----------------------------------------------------------------------------------------
def _money(cents: int) -> Decimal:
    """An amount of cents as points with two decimals."""
    return (Decimal(cents) / 100).quantize(CENT)


def _exact_cents(x: Fraction) -> int:
    q = x * 100
    n = q.numerator // q.denominator
    return n + (1 if 2 * (q - n) >= 1 else 0)


def apportion(exact: list[Fraction]) -> tuple[int, list[int]]:
    """The total of ``exact`` rounded half-up to cents, and each part in cents (largest remainder) adding
    up to it exactly."""
    total = _exact_cents(sum(exact, Fraction(0)))
    floors = [(x * 100).numerator // (x * 100).denominator for x in exact]
    short = total - sum(floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] * 100 - floors[i]), i))
    for i in by_remainder[:short]:
        floors[i] += 1
    return total, floors


def _score(scheme: Scheme, facts: _Facts, who: _Assessed) -> tuple[int, list[ComponentScore]]:
    exact, parts = [], []
    for c in scheme.components:
        if c.measure is ComponentMeasure.ATTRIBUTE:
            share, counted, met = _attribute(c, who), None, None
        else:
            share, counted, met = _MEASURES[c.measure](facts, who)
        exact.append(Fraction(c.points) * share)
        parts.append((c, share, counted, met))
    total, cents = apportion(exact)
    return total, [ComponentScore(c.key, c.name, c.measure, Decimal(str(c.points)).quantize(CENT), share,
                                  _money(n), counted, met)
                   for (c, share, counted, met), n in zip(parts, cents, strict=True)]


def _ranks(totals: dict[str, int]) -> dict[str, int]:
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    ranks: dict[str, int] = {}
    for i, (sid, cents) in enumerate(ordered):
        ranks[sid] = ranks[ordered[i - 1][0]] if i and ordered[i - 1][1] == cents else i + 1
    return ranks


def _scores(engine: Engine, scheme: Scheme, period: SchemePeriod, when: date,
            subjects: dict[str, Subject], units: dict[str, Unit]
            ) -> tuple[dict[str, int], dict[str, list[ComponentScore]], list[_Assessed]]:
    facts = _facts(engine, period, when)
    who = _assessed(scheme, subjects, units)
    totals, parts = {}, {}
    for w in who:
        totals[w.id], parts[w.id] = _score(scheme, facts, w)
    return totals, parts, who


def _scheme(engine: Engine, scheme_id: str, when: date) -> Scheme:
    found = engine.state.records("Scheme", when).get(scheme_id)
    if not isinstance(found, Scheme):
        raise NotFoundError("scheme", scheme_id)
    return found


def schemes(engine: Engine, as_of: date | None = None) -> list[Scheme]:
    """The 考核方案 in force on ``as_of`` (the rules are public: every caller sees them), by id."""
    found = engine.state.records("Scheme", engine.day(as_of))
    return [found[k] for k in sorted(found) if isinstance(found[k], Scheme)]


def _visible(engine: Engine, rows: list[SubjectScore]) -> list[SubjectScore]:
    scope = engine.scope()
    if scope is None:
        return rows
    return [r for r in rows if r.subject_id in scope.own_subjects or (r.unit_id in scope.units)]


def assess(engine: Engine, scheme_id: str, as_of: date | None = None) -> Assessment:
    """The scheme's scores at ``as_of`` as ``engine``'s caller sees them (the scores themselves are the
    whole graph's, the same for every caller)."""
    when = engine.day(as_of)
    base = engine.base
    scheme = _scheme(base, scheme_id, when)
    state = base.state
    semesters = _calendar(state.subjects(when).values())
    period = scheme_period(scheme.period, when, semesters)
    before = previous_period(scheme.period, period, semesters)
    totals, parts, who = _scores(base, scheme, period, min(when, period.end), state.subjects(when),
                                 state.units(when))
    old_totals, _, _ = _scores(base, scheme, before, before.end, state.subjects(before.end),
                               state.units(before.end))
    ranks, old_ranks = _ranks(totals), _ranks(old_totals)
    rows = []
    for w in who:
        previous = None
        if w.id in old_totals:
            previous = Previous(_money(old_totals[w.id]), old_ranks[w.id],
                                _money(totals[w.id] - old_totals[w.id]))
        rows.append(SubjectScore(w.id, w.name, w.level, w.unit_id, _money(totals[w.id]), ranks[w.id],
                                 tuple(parts[w.id]), previous))
    rows.sort(key=lambda r: (r.rank, r.subject_id))
    shown = _visible(engine, rows)
    hidden = len(rows) - len(shown)
    mean = None
    if rows and not 0 < hidden < MIN_PEERS:
        mean = (Decimal(sum(totals.values())) / 100 / len(rows)).quantize(CENT, ROUND_HALF_UP)
    full = sum((Decimal(str(c.points)) for c in scheme.components), Decimal(0)).quantize(CENT)
    return Assessment(scheme, when, period, before, full, len(rows), mean, shown)

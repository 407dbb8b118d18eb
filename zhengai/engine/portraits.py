"""画像 (portraits) of a quality subject — a 专业, 课程, 教师 or 学生: its score, the dimensions its
indicators measure, where it stands among its peers and against its previous cycle, and its 8字螺旋 stage.

- **Score**: the mean attainment of the subject's top goals (those no other goal of the subject gathers).
- **Dimensions** (the radar's axes): the indicators the subject's standards define, each the subject's own
  metrics named alike — a metric's name with the subject's name taken out ("{专业}专业就业率" → 专业就业率,
  "《{课程}》课程合格率" → 课程合格率), so the same dimension of every peer is compared. A dimension's value
  is the mean attainment of its metrics; its standard is the 标准 that SPECIFIES them, when one does.
- **Peers** (同类比较): subjects of the same level and the same 专业层次 (tier) or 课程类别 (category); a
  teacher's are those of their 二级学院, a student's those of their 专业 (then 二级学院, then all students,
  the first group with at least :data:`MIN_PEERS` others; a 专业's or 课程's the first with
  :data:`MIN_COMPARED`). Peers are compared through aggregates only —
  how many, mean, median, quartiles, the subject's percentile and rank — computed over every peer whoever
  asks, never naming one; for 教师 and 学生 (personal data) no statistic is given over fewer than
  :data:`MIN_PEERS` values, so that no other person's value can be worked out.
- **Previous cycle** (上一周期): the score and dimensions at the end of the level's previous 诊改 cycle
  (学生 and 课程教学 a semester, 专业 and 教师 three school years …: ``zhengai.domain.spiral``).

The subject itself is looked up through the caller's view: a hidden subject reads as unknown.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from zhengai.domain.enums import Level, Status
from zhengai.domain.errors import InvalidArgumentError, NotFoundError
from zhengai.domain.models import Goal, Metric, Standard, Subject
from zhengai.domain.spiral import calendar_cycle, cycle_rule
from zhengai.domain.units import unit_and_below
from zhengai.engine.caching import VersionedLRU
from zhengai.engine.engine import DATES, Engine
from zhengai.engine.propagation import status_of
from zhengai.engine.snapshot import Snapshot
from zhengai.engine.spiral import SpiralView, spiral_view
from zhengai.security.scope import PERSONAL
from zhengai.stores.memory import MEASURED_BY, GraphState

__all__ = ["MIN_PEERS", "Dimension", "PeerBasis", "PeerGroup", "PeerStats", "Portrait", "PreviousCycle",
           "Standing", "dimension_key", "portrait", "standings"]

#: The fewest other people a statistic over 教师 or 学生 may cover.
MIN_PEERS = 5
#: The fewest others a 专业's or 课程's peer group holds before a wider one is taken (one peer is no
#: comparison, and would give that one's score away).
MIN_COMPARED = 3
#: Levels with a portrait.
PORTRAIT_LEVELS = (Level.MAJOR, Level.COURSE, Level.TEACHER, Level.STUDENT)
_TRIM = " 　-—·:：、"


def dimension_key(metric_name: str, subject_name: str) -> str:
    """The dimension a subject's metric measures: its name without the subject's own name (and the 《》
    around a course's).

    >>> dimension_key("机械制造及自动化专业就业率", "机械制造及自动化")
    '专业就业率'
    >>> dimension_key("《数控加工技术》课程合格率", "数控加工技术")
    '课程合格率'
    >>> dimension_key("学生体质健康测试合格率", "张子涵")
    '学生体质健康测试合格率'
    """
    key = metric_name.replace(f"《{subject_name}》", "", 1)
    if key == metric_name:
        key = metric_name.replace(subject_name, "", 1)
    return key.strip(_TRIM) or metric_name


@dataclass(frozen=True)
class PeerStats:
    """Aggregates over peers' values (the subject excluded): how many, where they lie and where the subject
    stands — ``percentile``: the share of peers below it (ties count half), 0–100; ``rank``: 1 + how many
    are above it."""

    count: int
    mean: float | None = None
    median: float | None = None
    p25: float | None = None
    p75: float | None = None
    percentile: float | None = None
    rank: int | None = None


@dataclass(frozen=True)
class Dimension:
    """One axis of the radar: the subject's metrics of a dimension, their mean attainment now and at the end
    of the previous cycle, and the peers' aggregates on it."""

    key: str
    standard: Standard | None
    metrics: list[Metric]
    value: float | None
    previous: float | None
    peers: PeerStats | None


class PeerBasis(StrEnum):
    """What a subject's peers share with it."""

    TIER = "TIER"  # 专业层次
    CATEGORY = "CATEGORY"  # 课程类别
    MAJOR = "MAJOR"  # the same 专业 (students)
    UNIT = "UNIT"  # the same 二级学院 (teachers, students)
    LEVEL = "LEVEL"  # every subject of the level


@dataclass(frozen=True)
class PeerGroup:
    """Who the subject is compared with: ``basis`` and its value (the tier, the category, the unit's or
    专业's id), how many others it holds, and the score's aggregates (None when ``withheld``: too few people
    to show any statistic)."""

    basis: PeerBasis
    value: str | None
    size: int
    withheld: bool
    score: PeerStats | None


@dataclass(frozen=True)
class PreviousCycle:
    """The subject at the end of its previous cycle (``end``; ``start`` of the current one − 1 day)."""

    end: date
    score: float | None
    status: Status


@dataclass
class Portrait:
    """A subject's 画像 at ``as_of``."""

    subject: Subject
    as_of: date
    goals: list[Goal]
    score: float | None
    status: Status
    dimensions: list[Dimension]
    peers: PeerGroup | None
    previous: PreviousCycle | None
    spiral: SpiralView
    unit_name: str | None = None
    major_name: str | None = None


# -- the subjects' goals and metrics, per structure version and date epoch -------------------------------
@dataclass
class _Index:
    """Every subject's goals (top goals first) and metrics by dimension, built once per structure epoch."""

    state: GraphState
    when: date
    subjects: dict[str, Subject]
    goals_of: dict[str, list[str]]
    standard_of: dict[str, Standard]  # metric id → the standard specifying it
    _profiles: dict[str, tuple[list[str], dict[str, list[str]]]] = field(default_factory=dict)
    _tops: dict[str, list[str]] | None = None
    _groups: dict[tuple[Level, str | None, str | None], list[str]] | None = None

    @classmethod
    def build(cls, state: GraphState, when: date) -> _Index:
        goals_of: dict[str, list[str]] = {}
        for g in state.goals(when).values():
            if g.subject:
                goals_of.setdefault(g.subject, []).append(g.id)
        standards = state.records("Standard", when)
        standard_of: dict[str, Standard] = {}
        for s in sorted(standards.values(), key=lambda s: s.id):
            for m in s.specifies:
                standard_of.setdefault(m, s)
        return cls(state, when, state.subjects(when), goals_of, standard_of)

    def profile(self, subject_id: str) -> tuple[list[str], dict[str, list[str]]]:
        """(top goal ids, dimension key → metric ids) of a subject."""
        held = self._profiles.get(subject_id)
        if held is None:
            state, when = self.state, self.when
            subject = self.subjects[subject_id]
            mine = sorted(self.goals_of.get(subject_id, []))
            ids = set(mine)
            top = [g for g in mine if not any(e.parent in ids for e in state.parents(g, when))]
            dims: dict[str, list[str]] = {}
            metrics = state.metrics(when)
            for g in mine:
                for e in state.children(g, when):
                    if e.kind == MEASURED_BY and e.child in metrics:
                        key = dimension_key(metrics[e.child].name, subject.name)
                        if e.child not in dims.setdefault(key, []):
                            dims[key].append(e.child)
            held = self._profiles[subject_id] = (top, dims)
        return held

    def tops(self) -> dict[str, list[str]]:
        """Every 专业's, 课程's, 教师's and 学生's top goal ids (as :meth:`profile` gives them), found in one
        pass."""
        held = self._tops
        if held is None:
            state, when = self.state, self.when
            held = {}
            for subject_id, goals in self.goals_of.items():
                subject = self.subjects.get(subject_id)
                if subject is None or subject.level not in PORTRAIT_LEVELS:
                    continue
                ids = set(goals)
                held[subject_id] = [g for g in sorted(goals)
                                    if not any(e.parent in ids for e in state.parents(g, when))]
            self._tops = held
        return held

    def members(self, level: Level, attribute: str | None, value: str | None) -> list[str]:
        """The ids of the subjects of ``level`` whose ``attribute`` (tier, category, major, unit; None: any)
        is ``value``, grouped once per structure epoch."""
        groups = self._groups
        if groups is None:
            groups = {}
            for s in self.subjects.values():
                groups.setdefault((s.level, None, None), []).append(s.id)
                for attr in ("tier", "category", "major", "unit"):
                    groups.setdefault((s.level, attr, getattr(s, attr)), []).append(s.id)
            self._groups = groups
        return groups.get((level, attribute, value), [])

    def peers(self, subject: Subject) -> list[tuple[PeerBasis, str | None, list[str]]]:
        """The candidate peer groups of a subject, narrowest first: (basis, value, members' ids — the
        subject among them)."""
        level = subject.level
        groups: list[tuple[PeerBasis, str | None, list[str]]] = []
        if level is Level.MAJOR and subject.tier:
            groups.append((PeerBasis.TIER, subject.tier, self.members(level, "tier", subject.tier)))
        if level is Level.COURSE and subject.category:
            groups.append((PeerBasis.CATEGORY, subject.category,
                           self.members(level, "category", subject.category)))
        if level is Level.STUDENT and subject.major:
            groups.append((PeerBasis.MAJOR, subject.major, self.members(level, "major", subject.major)))
        if level in PERSONAL and subject.unit:
            groups.append((PeerBasis.UNIT, subject.unit, self.members(level, "unit", subject.unit)))
        groups.append((PeerBasis.LEVEL, None, self.members(level, None, None)))
        return groups


_indexes: VersionedLRU[_Index] = VersionedLRU(4)


def _index(engine: Engine, when: date) -> _Index:
    state = engine.state
    return _indexes.get(engine.base, state.structure_version, state.epoch(when),
                        lambda: _Index.build(state, when))


def _mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _scores(index: _Index, snap: Snapshot, subject_id: str) -> tuple[float | None, dict[str, float | None]]:
    """A subject's score and dimension values in ``snap``."""
    top, dims = index.profile(subject_id)
    return (_mean(snap.attainment(g) for g in top),
            {k: _mean(snap.attainment(m) for m in ms) for k, ms in dims.items()})


_all_scores: VersionedLRU[dict[str, float | None]] = VersionedLRU(8)


def _scores_of_all(engine: Engine, index: _Index, snap: Snapshot) -> dict[str, float | None]:
    """Every 专业's, 课程's, 教师's and 学生's score in the full snapshot (subjects without goals absent),
    kept per data version and date: a 驾驶舱's standings are asked for on every visit."""

    def compute() -> dict[str, float | None]:
        attained = snap.goal_attainments()
        return {s: _mean(attained.get(g) for g in top) for s, top in index.tops().items()}

    return _all_scores.get(engine.base, engine.data_version, snap.as_of, compute)


def _stats(own: float | None, values: list[float], personal: bool) -> PeerStats:
    """Aggregates of ``values`` and where ``own`` stands among them (none over too few people)."""
    n = len(values)
    if n == 0 or (personal and n < MIN_PEERS):
        return PeerStats(n)
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=4, method="inclusive") if n > 1 else [ordered[0]] * 3
    percentile = rank = None
    if own is not None:
        below = sum(1 for v in ordered if v < own)
        ties = sum(1 for v in ordered if v == own)
        percentile = 100 * (below + ties / 2) / n
        rank = 1 + sum(1 for v in ordered if v > own)
    return PeerStats(n, sum(ordered) / n, statistics.median(ordered), q[0], q[2], percentile, rank)


_peer_values: VersionedLRU[dict[str, tuple[float | None, dict[str, float | None]]]] = VersionedLRU(64)


def _group_values(engine: Engine, index: _Index, snap: Snapshot, key: Hashable,
                  members: list[str]) -> dict[str, tuple[float | None, dict[str, float | None]]]:
    """Every member's score and dimensions in the full snapshot, kept per data version (a group is asked
    for by each of its members)."""
    return _peer_values.get(engine.base, engine.data_version, (snap.as_of, key),
                            lambda: {s: _scores(index, snap, s) for s in members})


def _peer_group(engine: Engine, index: _Index, subject: Subject, score: float | None,
                ) -> tuple[PeerGroup, dict[str, tuple[float | None, dict[str, float | None]]]]:
    """The narrowest peer group with enough people (personal levels), its values and the score's stats."""
    snap = engine.base.snapshot(index.when)
    personal = subject.level in PERSONAL
    groups = index.peers(subject)
    chosen = groups[-1]
    need = MIN_PEERS if personal else MIN_COMPARED
    for g in groups:
        if len(g[2]) - 1 >= need:
            chosen = g
            break
    basis, value, members = chosen
    group = _group_values(engine, index, snap, (subject.level, basis, value), members)
    values = {k: v for k, v in group.items() if k != subject.id}
    known = [v[0] for v in values.values() if v[0] is not None]
    withheld = personal and len(known) < MIN_PEERS
    stats = None if withheld else _stats(score, known, personal)
    return PeerGroup(basis, value, len(values), withheld, stats), values


#: The evaluations at previous cycles' ends, kept per data version apart from the engine's few cached dates
#: (which the explorer's dates and trends move through): each portrait reads one.
_previous: VersionedLRU[Snapshot] = VersionedLRU(4)


def portrait(engine: Engine, subject_id: str, as_of: date | None = None) -> Portrait:
    """画像 of a 专业, 课程, 教师 or 学生 the caller may see (NotFoundError otherwise)."""
    when = engine.day(as_of)
    subject = engine.subject(subject_id, when)
    if subject.level not in PORTRAIT_LEVELS:
        raise InvalidArgumentError(f"{subject_id} is a {subject.level.value} subject: portraits are of 专业, "
                                   "课程, 教师 and 学生 (the school's picture is the 驾驶舱)")
    index = _index(engine, when)
    snap = engine.snapshot(when)
    top, dims = index.profile(subject.id)
    score, values = _scores(index, snap, subject.id)
    spiral = spiral_view(engine, subject.id, when)
    previous = None
    end = calendar_cycle(cycle_rule(subject.level, subject.category), when)[0] - timedelta(days=1)
    before: dict[str, float | None] = {}
    if end >= DATES[0]:
        prev_index = _index(engine, end)
        if subject.id in prev_index.subjects:
            prev_snap = _previous.get(engine.base, engine.data_version, end,
                                      lambda: engine.base.snapshot(end))
            prev_score, before = _scores(prev_index, prev_snap, subject.id)
            previous = PreviousCycle(end, prev_score, status_of(prev_score))
    group, peer_values = _peer_group(engine, index, subject, score)
    personal = subject.level in PERSONAL
    metrics = snap.structure.graph.metrics
    dimensions = []
    for key, ids in dims.items():
        mine = [metrics[m] for m in ids if m in metrics and engine.sees(m, when)]
        if not mine:
            continue
        peer_dim = None
        if not group.withheld:
            known = [v[1][key] for v in peer_values.values() if v[1].get(key) is not None]
            peer_dim = _stats(values[key], known, personal)  # type: ignore[arg-type]
        dimensions.append(Dimension(key, index.standard_of.get(ids[0]), mine, values[key], before.get(key),
                                    peer_dim))
    goals = [g for g in (engine.state.node(i, when) for i in top) if isinstance(g, Goal)
             and engine.sees(g.id, when)]
    units = engine.units(when)
    major = index.subjects.get(subject.major or "")
    return Portrait(subject, when, goals, score, status_of(score), dimensions, group, previous, spiral,
                    units[subject.unit].name if subject.unit in units else None,
                    major.name if major is not None and engine.node(major.id, when) is not None else None)


@dataclass(frozen=True)
class Standing:
    """A subject's score and status (a row of a unit's 质量主体 on its 驾驶舱)."""

    subject: Subject
    score: float | None
    status: Status


#: At most this many subjects in one list of standings.
MAX_STANDINGS = 200


def standings(engine: Engine, as_of: date | None = None, unit_id: str | None = None,
              level: Level | None = None, first: int = 50) -> tuple[int, dict[Status, int], list[Standing]]:
    """The visible 专业, 课程, 教师 and 学生 (of a unit and its sub-units, at a level): how many, how many per
    status, and the ``first`` (≤ 200) lowest scores first (no data last)."""
    if not 0 <= first <= MAX_STANDINGS:
        raise InvalidArgumentError(f"first must be between 0 and {MAX_STANDINGS}")
    when = engine.day(as_of)
    units = engine.units(when)
    if unit_id is not None and unit_id not in units:
        raise NotFoundError("unit", unit_id)
    within = unit_and_below(units, unit_id) if unit_id is not None else None
    index = _index(engine, when)
    snap = engine.base.snapshot(when)
    found = [s for s in index.subjects.values() if s.level in PORTRAIT_LEVELS
             and (level is None or s.level is level) and (within is None or s.unit in within)]
    visible = engine.nodes([s.id for s in found], when)
    scores = _scores_of_all(engine, index, snap)
    rows = []
    for s in found:
        if s.id in visible:
            score = scores.get(s.id)
            rows.append(Standing(s, score, status_of(score)))
    counts = Counter(r.status for r in rows)
    rows.sort(key=lambda r: (r.score is None, r.score if r.score is not None else 0, r.subject.id))
    return len(rows), {s: counts[s] for s in Status}, rows[:first]

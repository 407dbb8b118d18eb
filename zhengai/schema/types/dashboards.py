"""驾驶舱 and 画像: warning and goal totals, task progress, subjects' standings and portraits with their peer
comparison (aggregates only) — built from zhengai.engine.dashboards and zhengai.engine.portraits."""

from __future__ import annotations

from datetime import date

import strawberry

from zhengai import texts
from zhengai.domain.enums import Status as StatusModel
from zhengai.engine import dashboards, portraits
from zhengai.schema.types.common import Level, Status
from zhengai.schema.types.graph import Goal, Metric
from zhengai.schema.types.monitoring import WarningType
from zhengai.schema.types.reports import OnePageTask, Subject, TaskStatus
from zhengai.schema.types.spiral import Spiral


def _level_name(level: str | None) -> str | None:
    return texts.label("level", level) if level else None


@strawberry.type(description="Warnings of one level by severity (level null: tasks advancing no goal)")
class LevelWarningCount:
    level: Level | None
    level_name: str | None
    total: int
    red: int
    yellow: int
    info: int


@strawberry.type(description="Warnings of one unit by severity (unitId null: warnings of no unit)")
class UnitWarningCount:
    unit_id: strawberry.ID | None
    unit_name: str | None
    total: int
    red: int
    yellow: int
    info: int


@strawberry.type(description="Warnings of one 监测预警 rule by severity")
class TypeWarningCount:
    type: WarningType
    type_name: str
    total: int
    red: int
    yellow: int
    info: int


@strawberry.type(description="监测预警 totals over every warning the caller may see, counted by the service: "
                             "each list's rows add up to `total`")
class WarningSummary:
    as_of: date
    total: int
    red: int
    yellow: int
    info: int
    by_level: list[LevelWarningCount] = strawberry.field(description="学校 … 学生, then warnings of no level")
    by_unit: list[UnitWarningCount] = strawberry.field(description="Most red first, then most yellow")
    by_type: list[TypeWarningCount]

    @classmethod
    def from_model(cls, s: dashboards.WarningSummary) -> WarningSummary:
        def counts(c: dashboards.WarningCount) -> dict[str, int]:
            return {"total": c.total, "red": c.red, "yellow": c.yellow, "info": c.info}

        return cls(as_of=s.as_of, total=s.total, red=s.red, yellow=s.yellow, info=s.info,
                   by_level=[LevelWarningCount(level=c.key, level_name=_level_name(c.key), **counts(c))
                             for c in s.by_level],  # type: ignore[arg-type]
                   by_unit=[UnitWarningCount(unit_id=strawberry.ID(c.key) if c.key else None,
                                             unit_name=c.name, **counts(c)) for c in s.by_unit],
                   by_type=[TypeWarningCount(type=c.key, type_name=texts.label("warning_type", c.key or ""),
                                             **counts(c)) for c in s.by_type])  # type: ignore[arg-type]


@strawberry.type(description="Goals of one level (null: all of them) by status")
class GoalStatusCount:
    level: Level | None
    level_name: str | None
    total: int
    green: int
    yellow: int
    red: int
    unknown: int

    @classmethod
    def from_model(cls, c: dashboards.StatusCount) -> GoalStatusCount:
        return cls(level=c.level, level_name=_level_name(c.level), total=c.total, green=c.green,
                   yellow=c.yellow, red=c.red, unknown=c.unknown)


@strawberry.type(description="How many 一页纸 tasks have one status")
class TaskStatusCount:
    status: TaskStatus
    status_name: str
    count: int


@strawberry.type(description="Progress of the 一页纸 tasks the caller may see: counts by status, the mean "
                             "progress, budget and spending, and the rows needing attention first")
class TaskProgress:
    as_of: date
    total: int
    by_status: list[TaskStatusCount]
    mean_progress: float | None
    budget: float
    spent: float
    tasks: list[OnePageTask]

    @classmethod
    def from_model(cls, p: dashboards.TaskProgress) -> TaskProgress:
        return cls(as_of=p.as_of, total=p.total, mean_progress=p.mean_progress, budget=p.budget,
                   spent=p.spent,
                   by_status=[TaskStatusCount(status=s, status_name=texts.label("task_status", s), count=n)
                              for s, n in p.by_status.items()],
                   tasks=[OnePageTask.from_model(r) for r in p.rows])


@strawberry.type(description="How many subjects have one status")
class SubjectStatusCount:
    status: Status
    status_name: str
    count: int


@strawberry.type(description="A subject's score (mean attainment of its top goals) and status")
class SubjectStanding:
    subject: Subject
    score: float | None
    status: Status


@strawberry.type(description="The 专业, 课程, 教师 and 学生 the caller may see (of a unit, at a level): "
                             "how many per status and the lowest scores first")
class SubjectStandings:
    as_of: date
    total: int
    by_status: list[SubjectStatusCount]
    subjects: list[SubjectStanding]


def subject_standings(as_of: date, total: int, counts: dict[StatusModel, int],
                      rows: list[portraits.Standing], units: dict) -> SubjectStandings:
    """The schema's standings from the engine's (``units``: id → unit, for the subjects' units)."""
    return SubjectStandings(
        as_of=as_of, total=total,
        by_status=[SubjectStatusCount(status=s, status_name=texts.label("status", s), count=n)
                   for s, n in counts.items()],
        subjects=[SubjectStanding(subject=Subject.from_model(r.subject, units.get(r.subject.unit or "")),
                                  score=r.score, status=r.status) for r in rows])


@strawberry.type(description="Aggregates over peers' values (the subject excluded, no peer named): how "
                             "many, mean, median, quartiles; percentile: the share of peers below the "
                             "subject (ties half), 0–100; rank: 1 + how many are above. Null statistics: too "
                             "few people (教师, 学生: fewer than 5) or no data")
class PeerStats:
    count: int
    mean: float | None
    median: float | None
    p25: float | None
    p75: float | None
    percentile: float | None
    rank: int | None

    @classmethod
    def maybe(cls, s: portraits.PeerStats | None) -> PeerStats | None:
        if s is None:
            return None
        return cls(count=s.count, mean=s.mean, median=s.median, p25=s.p25, p75=s.p75, percentile=s.percentile,
                   rank=s.rank)


PeerBasis = strawberry.enum(
    portraits.PeerBasis, description="Who a subject is compared with: the same 专业层次 (tier), 课程类别 "
                                     "(category), 专业, 二级学院, or the whole level")


@strawberry.type(description="The peers a subject is compared with and the score's aggregates over them")
class PeerGroup:
    basis: PeerBasis
    value: str | None = strawberry.field(description="The tier, the category, or the 专业's or unit's id")
    value_name: str | None = strawberry.field(description="The tier or category, or the 专业's or unit's "
                                                          "name")
    size: int = strawberry.field(description="Other subjects in the group")
    withheld: bool = strawberry.field(description="Too few people (教师, 学生) to show any statistic")
    score: PeerStats | None


@strawberry.type(description="One axis of a portrait's radar: the subject's metrics of one dimension")
class PortraitDimension:
    key: str = strawberry.field(description="The dimension: its metrics' name without the subject's own")
    standard_id: strawberry.ID | None = strawberry.field(description="The 标准 specifying its metrics")
    standard_name: str | None
    metrics: list[Metric]
    value: float | None = strawberry.field(description="Mean attainment of its metrics")
    previous: float | None = strawberry.field(description="The same at the end of the previous cycle")
    peers: PeerStats | None


@strawberry.type(description="The subject at the end of its previous cycle")
class PreviousCycle:
    end: date
    score: float | None
    status: Status


@strawberry.type(description="画像 of a 专业, 课程, 教师 or 学生: score, dimensions (radar), peers "
                             "(aggregates only), the previous cycle and its 8字螺旋")
class Portrait:
    subject: Subject
    as_of: date
    major_name: str | None = strawberry.field(description="The 专业 a course, teacher or student belongs to")
    tier: str | None = strawberry.field(description="专业层次 (标杆, 品牌, 骨干, 其他)")
    category: str | None = strawberry.field(description="课程类别")
    goals: list[Goal] = strawberry.field(description="Its top goals (the score's)")
    score: float | None = strawberry.field(description="Mean attainment of its top goals")
    status: Status
    dimensions: list[PortraitDimension]
    peers: PeerGroup | None
    previous: PreviousCycle | None
    spiral: Spiral

    @classmethod
    def from_model(cls, p: portraits.Portrait, units: dict) -> Portrait:
        s = p.subject
        group = p.peers
        peers = None
        if group is not None:
            named = {portraits.PeerBasis.TIER: group.value, portraits.PeerBasis.CATEGORY: group.value,
                     portraits.PeerBasis.MAJOR: p.major_name, portraits.PeerBasis.UNIT: p.unit_name}
            name = named.get(group.basis)
            peers = PeerGroup(basis=group.basis, value=group.value, value_name=name,
                              size=group.size, withheld=group.withheld, score=PeerStats.maybe(group.score))
        previous = (PreviousCycle(end=p.previous.end, score=p.previous.score, status=p.previous.status)
                    if p.previous else None)
        return cls(subject=Subject.from_model(s, units.get(s.unit or "")), as_of=p.as_of,
                   major_name=p.major_name, tier=s.tier, category=s.category,
                   goals=[Goal.from_model(g, p.as_of) for g in p.goals], score=p.score, status=p.status,
                   dimensions=[PortraitDimension(
                       key=d.key, standard_id=strawberry.ID(d.standard.id) if d.standard else None,
                       standard_name=d.standard.name if d.standard else None,
                       metrics=[Metric.from_model(m, p.as_of) for m in d.metrics], value=d.value,
                       previous=d.previous, peers=PeerStats.maybe(d.peers)) for d in p.dimensions],
                   peers=peers, previous=previous, spiral=Spiral.from_model(p.spiral))


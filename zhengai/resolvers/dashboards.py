"""Root fields of the 驾驶舱 and 画像 pages: totals counted by the service, goal search, standings and
portraits — thin calls into zhengai.engine.dashboards, .search and .portraits through the caller's view."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from zhengai.engine import dashboards, portraits, search
from zhengai.resolvers.context import ctx
from zhengai.schema.types.common import AsOf, Level
from zhengai.schema.types.dashboards import (
    GoalStatusCount,
    Portrait,
    SubjectStandings,
    TaskProgress,
    WarningSummary,
    subject_standings,
)
from zhengai.schema.types.graph import Goal


@strawberry.type
class DashboardQuery:
    @strawberry.field(description="监测预警 totals over every warning the caller may see at asOf (of "
                                  "`level`, of `unitId` and its sub-units): by severity, level, unit (with "
                                  "its name) and rule — counted by the service, not capped")
    def warning_summary(self, info: Info, as_of: AsOf = None, level: Level | None = None,
                        unit_id: strawberry.ID | None = None) -> WarningSummary:
        return WarningSummary.from_model(dashboards.warning_summary(ctx(info).engine, as_of, level, unit_id))

    @strawberry.field(description="The visible goals (of a unit and its sub-units, or of a subject) by level "
                                  "and status; the last row (level null) is the whole")
    def goal_summary(self, info: Info, as_of: AsOf = None, unit_id: strawberry.ID | None = None,
                     subject_id: strawberry.ID | None = None) -> list[GoalStatusCount]:
        rows = dashboards.goal_summary(ctx(info).engine, as_of, unit_id, subject_id)
        return [GoalStatusCount.from_model(r) for r in rows]

    @strawberry.field(description="Progress of the visible 一页纸 tasks (of a unit and its sub-units, or "
                                  "all): counts by status, mean progress, budget and spending; `first` "
                                  "(≤ 200) rows, overdue and over budget first")
    def task_progress(self, info: Info, as_of: AsOf = None, unit_id: strawberry.ID | None = None,
                      first: int = 50) -> TaskProgress:
        return TaskProgress.from_model(dashboards.task_progress(ctx(info).engine, as_of, unit_id, first))

    @strawberry.field(description="目标检索: goals whose id or name holds `text` (Chinese included) — the "
                                  "exact id, then those beginning with it, then those containing it, each by "
                                  "level and id; at most `first` (≤ 100)")
    def search_goals(self, info: Info, text: str, first: int = 20, as_of: AsOf = None) -> list[Goal]:
        return [Goal.from_model(g, as_of) for g in search.search_goals(ctx(info).engine, text, first, as_of)]

    @strawberry.field(description="The visible 专业, 课程, 教师 and 学生 (of a unit and its sub-units, at a "
                                  "level) with their scores: how many per status, the lowest `first` (≤ 200) "
                                  "first")
    def subject_standings(self, info: Info, as_of: AsOf = None, unit_id: strawberry.ID | None = None,
                          level: Level | None = None, first: int = 50) -> SubjectStandings:
        engine = ctx(info).engine
        total, counts, rows = portraits.standings(engine, as_of, unit_id, level, first)
        return subject_standings(engine.day(as_of), total, counts, rows, engine.units(as_of))

    @strawberry.field(description="画像 of a 专业, 课程, 教师 or 学生: score, radar dimensions, comparison "
                                  "with peers of the same tier/category (aggregates only) and with the "
                                  "previous cycle, and its 8字螺旋")
    def portrait(self, info: Info, subject_id: strawberry.ID, as_of: AsOf = None) -> Portrait:
        engine = ctx(info).engine
        return Portrait.from_model(portraits.portrait(engine, subject_id, as_of), engine.units(as_of))

"""Enums and arguments shared by every area of the schema."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from zhengai.domain import enums

Level = strawberry.enum(enums.Level, description="五横: 学校, 专业, 课程, 教师, 学生")
System = strawberry.enum(enums.System, description="五纵: 决策指挥, 质量生成, 资源建设, 支持服务, 监督控制")
Status = strawberry.enum(enums.Status, description="GREEN ≥ 0.9, YELLOW ≥ 0.7, RED below; UNKNOWN: no data")
Direction = strawberry.enum(enums.Direction, description="UP towards the school, DOWN towards indicators")
Aggregate = strawberry.enum(enums.Aggregate)

AsOf = Annotated[date | None, strawberry.argument(name="asOf", description="default: today")]
From = Annotated[date | None, strawberry.argument(name="from")]
To = Annotated[date | None, strawberry.argument(name="to")]

#: Default length of a nested list (a goal's children, metrics …).
DEFAULT_LIST = 100

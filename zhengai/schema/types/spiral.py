"""The 8字质量改进螺旋 of a quality subject: its cycle, stage, small loop and improvement measures."""

from __future__ import annotations

from datetime import date

import strawberry

from zhengai import texts
from zhengai.domain import enums
from zhengai.domain import spiral as spiral_domain
from zhengai.engine import spiral as spiral_engine
from zhengai.schema.types.common import Level
from zhengai.schema.types.monitoring import Warning

_BIG_LOOP = "8字螺旋 big loop: 目标 标准 设计 组织 实施 诊断 激励 学习 创新 改进"
SpiralStage = strawberry.enum(spiral_domain.Stage, description=_BIG_LOOP)
SpiralKind = strawberry.enum(enums.SpiralKind,
                             description="Which 8字螺旋 (a course runs 课程建设 and 课程教学)")


@strawberry.type(description="A stage of the big loop")
class SpiralStageView:
    stage: SpiralStage
    name: str
    current: bool
    done: bool = strawberry.field(description="Passed in the current round")


@strawberry.type(description="改进措施: an improvement answering warnings")
class ImprovementMeasure:
    id: strawberry.ID
    measure: str
    owner_unit_id: strawberry.ID | None
    due: date | None
    answers: list[strawberry.ID] = strawberry.field(description="Ids of the warnings it answers")
    done: bool
    recorded: str

    @classmethod
    def from_model(cls, m: spiral_engine.ImprovementMeasure) -> ImprovementMeasure:
        return cls(id=strawberry.ID(m.id), measure=m.measure,
                   owner_unit_id=strawberry.ID(m.owner) if m.owner else None, due=m.due,
                   answers=[strawberry.ID(a) for a in m.answers], done=m.done, recorded=m.recorded)


@strawberry.type(description="8字质量改进螺旋 of a quality subject: its cycle, stage and small loop")
class Spiral:
    subject_id: strawberry.ID
    subject_name: str
    level: Level
    kind: SpiralKind = strawberry.field(description="This spiral (the subject's main one unless asked)")
    kinds: list[SpiralKind] = strawberry.field(description="Every spiral the subject runs, main one first")
    cycle_name: str
    cycle_start: date
    cycle_end: date
    monitoring_frequency: str
    stage: SpiralStage
    stage_name: str
    rounds: int = strawberry.field(description="Completed big loops")
    stages: list[SpiralStageView]
    small_loop: list[str] = strawberry.field(description="实施 → 监测 → 预警 → 改进")
    latest_monitoring: date | None = strawberry.field(description="Latest observation of its metrics")
    open_warnings: list[Warning]
    unanswered_warnings: int = strawberry.field(description="Open warnings no improvement answers yet")
    improvements: list[ImprovementMeasure]

    @classmethod
    def from_model(cls, v: spiral_engine.SpiralView) -> Spiral:
        order = list(spiral_domain.Stage)
        here = order.index(v.stage)
        return cls(subject_id=strawberry.ID(v.subject.id), subject_name=v.subject.name, level=v.subject.level,
                   kind=v.kind, kinds=list(spiral_domain.spiral_kinds(v.subject)),
                   cycle_name=v.rule.name, cycle_start=v.start, cycle_end=v.end,
                   monitoring_frequency=v.frequency.value, stage=v.stage,
                   stage_name=texts.label("stage", v.stage), rounds=v.rounds,
                   stages=[SpiralStageView(stage=s, name=texts.label("stage", s), current=s == v.stage,
                                           done=i < here) for i, s in enumerate(order)],
                   small_loop=[texts.label("small_loop", s) for s in spiral_domain.SMALL_LOOP],
                   latest_monitoring=v.latest_monitoring,
                   open_warnings=[Warning.from_model(w) for w in v.open_warnings],
                   unanswered_warnings=sum(1 for w in v.open_warnings if w.id not in v.answered),
                   improvements=[ImprovementMeasure.from_model(m) for m in v.improvements])

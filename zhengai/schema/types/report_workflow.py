"""The 诊改报告 workflow: a subject's report for a period, its written parts, versions and decisions."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from zhengai.engine.reports import workflow

ReportStatus = strawberry.enum(workflow.ReportStatus,
                               description="草稿, 已提交待审核, 已退回修改, 已审核通过")
ReportAction = strawberry.enum(workflow.Action, description="保存, 提交, 退回, 通过")


@strawberry.type(description="The written parts of a report (自我诊断, 原因分析, 改进措施)")
class ReportParts:
    self_diagnosis: str
    cause_analysis: str
    measures: str

    @classmethod
    def from_model(cls, parts: dict[str, str]) -> ReportParts:
        return cls(**{name: parts.get(name, "") for name in workflow.PARTS})


@strawberry.input(description="The written parts to save; a part left out keeps its saved text")
class ReportPartsInput:
    self_diagnosis: str | None = None
    cause_analysis: str | None = None
    measures: str | None = None


@strawberry.type(description="One saved version of the written parts")
class ReportVersion:
    version: int
    parts: ReportParts
    author: str
    author_name: str | None
    at: datetime


@strawberry.type(description="A submission, return (with its comment) or acceptance")
class ReportDecision:
    action: ReportAction
    version: int
    by: str
    by_name: str | None
    at: datetime
    comment: str | None


@strawberry.type(description="诊改报告 of a subject for a period: status, every version and decision")
class ReportRecord:
    subject_id: strawberry.ID
    subject_name: str
    period: str = strawberry.field(description="2026, or 2026-09-01~2027-01-31")
    period_start: date
    period_end: date
    status: ReportStatus
    version: int = strawberry.field(description="The current version (0: nothing written yet)")
    parts: ReportParts
    versions: list[ReportVersion]
    decisions: list[ReportDecision]
    can_write: bool = strawberry.field(description="Whether the caller may save and submit it")
    can_review: bool = strawberry.field(description="Whether the caller may return or accept it")

    @classmethod
    def from_model(cls, r: workflow.ReportRecord, can_write: bool, can_review: bool) -> ReportRecord:
        return cls(subject_id=strawberry.ID(r.subject.id), subject_name=r.subject.name, period=r.period.key,
                   period_start=r.period.start, period_end=r.period.end, status=r.status, version=r.version,
                   parts=ReportParts.from_model(dict(r.parts)),
                   versions=[ReportVersion(version=v.version, parts=ReportParts.from_model(dict(v.parts)),
                                           author=v.author, author_name=v.author_name, at=v.at)
                             for v in r.versions],
                   decisions=[ReportDecision(action=d.action, version=d.version, by=d.by, by_name=d.by_name,
                                             at=d.at, comment=d.comment) for d in r.decisions],
                   can_write=can_write, can_review=can_review)

"""Root fields of 诊改报告 and the 一页纸 view, and the /reports/{subjectId}.md|.docx|.pdf endpoint: thin
calls into zhengai.engine.reports.data / onepage, rendered by zhengai.reports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Annotated
from urllib.parse import quote

import strawberry
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from strawberry.types import Info

from zhengai import texts
from zhengai.engine import Engine, InvalidArgumentError, NotFoundError, onepage
from zhengai.engine.reports import workflow
from zhengai.engine.reports.data import diagnosis_report
from zhengai.engine.reports.workflow import report_record
from zhengai.reports.render import FORMATS, render_subject
from zhengai.resolvers.context import ctx
from zhengai.schema.types.common import AsOf
from zhengai.schema.types.report_workflow import ReportPartsInput, ReportRecord
from zhengai.schema.types.reports import DiagnosisReport, OnePage

From = Annotated[date | None, strawberry.argument(name="from",
                                                  description="start of the period (default: 1 January)")]


@strawberry.type
class ReportingQuery:
    @strawberry.field(description="诊改报告 of a quality subject (SCH, a 专业, 课程, 教师 or 学生) for the "
                                  "period [from, asOf]: goals, standards, warnings, gap causes, tasks, "
                                  "improvements, conclusion and Markdown")
    def diagnosis_report(self, info: Info, subject_id: strawberry.ID, as_of: AsOf = None,
                         from_: From = None) -> DiagnosisReport:
        return DiagnosisReport.from_model(diagnosis_report(ctx(info).engine, subject_id, as_of, from_))

    @strawberry.field(description="一页纸项目管理 view of exactly one unit (its tasks and its sub-units') or "
                                  "one goal (tasks advancing it or a goal below it)")
    def one_page(self, info: Info, unit_id: strawberry.ID | None = None, goal_id: strawberry.ID | None = None,
                 as_of: AsOf = None) -> OnePage:
        return OnePage.from_model(onepage.one_page(ctx(info).engine, unit_id, goal_id, as_of))


def _record(info: Info, subject_id: str, period: str | None) -> ReportRecord:
    c = ctx(info)
    record = report_record(c.engine, subject_id, period)
    return ReportRecord.from_model(record, workflow.can_write(c.engine, c.principal, subject_id),
                                   workflow.can_review(c.engine, c.principal, record.subject))


@strawberry.type
class ReportWorkflowQuery:
    @strawberry.field(description="诊改报告 workflow: a subject's report for a period (a year such as "
                                  "2026, or 2026-09-01~2027-01-31; default this year) — status, versions, "
                                  "decisions")
    def report_record(self, info: Info, subject_id: strawberry.ID, period: str | None = None) -> ReportRecord:
        return _record(info, subject_id, period)

    @strawberry.field(description="诊改报告 submitted and waiting for the caller's review")
    def reports_to_review(self, info: Info) -> list[ReportRecord]:
        c = ctx(info)
        return [ReportRecord.from_model(r, workflow.can_write(c.engine, c.principal, r.subject.id), True)
                for r in workflow.reports_to_review(c.engine, c.principal)]


def _write(info: Info, plan: workflow.Plan, subject_id: str, period: str | None) -> ReportRecord:
    service = ctx(info).writes
    if service is None:
        raise InvalidArgumentError("this service accepts no writes")
    service.report_workflow(plan)
    return _record(info, subject_id, period)


@strawberry.type
class ReportWorkflowMutation:
    @strawberry.mutation(description="诊改报告: save a new version of the written parts (a draft or a "
                                     "returned report); CONFLICT when expectedVersion is not the current one")
    def save_report(self, info: Info, subject_id: strawberry.ID, parts: ReportPartsInput,
                    period: str | None = None, expected_version: int | None = None) -> ReportRecord:
        c = ctx(info)
        given = {name: getattr(parts, name) for name in workflow.PARTS}
        plan = workflow.plan_save(c.engine, c.principal, subject_id, period, given, expected_version)
        return _write(info, plan, subject_id, period)

    @strawberry.mutation(description="诊改报告: submit the current version for review")
    def submit_report(self, info: Info, subject_id: strawberry.ID, period: str | None = None,
                      expected_version: int | None = None) -> ReportRecord:
        c = ctx(info)
        plan = workflow.plan_submit(c.engine, c.principal, subject_id, period, expected_version)
        return _write(info, plan, subject_id, period)

    @strawberry.mutation(description="诊改报告: accept the submitted version (the 8字螺旋's 诊断 "
                                     "completes) or return it with a comment")
    def review_report(self, info: Info, subject_id: strawberry.ID, accept: bool, comment: str | None = None,
                      period: str | None = None, expected_version: int | None = None) -> ReportRecord:
        c = ctx(info)
        plan = workflow.plan_review(c.engine, c.principal, subject_id, period, accept, comment,
                                    expected_version)
        return _write(info, plan, subject_id, period)


def _date_param(params: Mapping[str, str], name: str) -> date | None:
    raw = params.get(name)
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise InvalidArgumentError(f"{name} must be an ISO date (YYYY-MM-DD), got {raw!r}") from None


def render_report(engine: Engine, subject_id: str, params: Mapping[str, str], fmt: str = "md") -> str | bytes:
    """The 诊改报告 of ``subject_id`` in ``fmt`` as the caller's view sees it, with the written parts of
    the period's report (the workflow's current version)."""
    return render_subject(engine, subject_id, fmt, _date_param(params, "asOf"), _date_param(params, "from"),
                          params.get("period"))


def report_endpoint(engine: Engine) -> Callable[[Request], Awaitable[Response]]:
    """``GET /reports/{subjectId}.{md|docx|pdf}[?asOf=YYYY-MM-DD][&from=YYYY-MM-DD][&period=YYYY]``: the
    诊改报告 as Markdown, Word or PDF; ``period=YYYY`` reports on that year (asOf: its last day, or today if
    earlier)."""

    async def endpoint(request: Request) -> Response:
        subject_id, fmt = request.path_params["subject_id"], request.path_params["format"]
        if fmt not in FORMATS:
            return PlainTextResponse(texts.say("http.bad_parameter", reason=f"no report format {fmt!r} "
                                               f"(md, docx, pdf)") + "\n", status_code=404)
        try:
            principal = getattr(request.state, "principal", None)  # set when authentication is on
            scoped = engine.for_principal(principal) if principal is not None else engine
            body = await run_in_threadpool(render_report, scoped, subject_id, request.query_params, fmt)
        except NotFoundError as e:
            return PlainTextResponse(texts.say("http.report_not_found", id=e.node_id, reason=e) + "\n",
                                     status_code=404)
        except InvalidArgumentError as e:
            return PlainTextResponse(texts.say("http.bad_parameter", reason=e) + "\n", status_code=400)
        headers = {} if fmt == "md" else {
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(subject_id)}.{fmt}"}
        return Response(body, media_type=FORMATS[fmt][1], headers=headers)

    return endpoint

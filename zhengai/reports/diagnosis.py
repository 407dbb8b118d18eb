"""The 诊改报告 as a document: the six sections a 质管办 circulates, worded from the catalogue of texts.

``document(report)`` turns the report's data (:mod:`zhengai.engine.reports.data`) into a
:class:`~zhengai.reports.document.Document`; ``conclusion(report)`` is its 诊断结论, a short paragraph
generated from the numbers. Every renderer shows this same document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta, timezone

from zhengai import texts
from zhengai.domain.enums import Status
from zhengai.domain.models import Goal, Unit
from zhengai.engine.monitoring import Severity
from zhengai.engine.onepage import TaskStatus
from zhengai.engine.reports.data import DiagnosisReport, GapCause, GoalLine, MetricLine, plain_message
from zhengai.engine.reports.workflow import ReportRecord
from zhengai.engine.trends import TrendDirection, TrendSummary
from zhengai.reports.document import Block, Bullets, Chart, Document, Note, Section, Series, Table, paragraph
from zhengai.reports.templates import template

__all__ = ["conclusion", "document", "num", "numbered", "pct", "points", "written"]

#: What a cell shows for a missing value.
DASH = "—"


def pct(x: float | None) -> str:
    """A share as a percentage with one decimal (``0.916`` → ``91.6%``)."""
    return DASH if x is None else f"{x * 100:.1f}%"


def points(x: float) -> str:
    """A change in attainment as signed 百分点 (``0.499`` → ``+49.9 个百分点``)."""
    return texts.say("report.points", value=f"{x * 100:+.1f}")


def num(x: float | None, unit: str | None = None) -> str:
    """A value with thousands separators and its unit (``18.4 生/师``, ``78%``)."""
    if x is None:
        return DASH
    text = f"{x:,.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x):,}"
    return f"{text}{unit or ''}" if unit in (None, "%") else f"{text} {unit}"


def _say(path: str, **params: object) -> str:
    return texts.say(f"report.{path}", **params)


def _header(path: str) -> tuple[str, ...]:
    return texts.words(f"report.{path}")


def _trend_text(s: TrendSummary) -> str:
    if s.change is None:
        return texts.label("trend", TrendDirection.NONE)
    if s.direction is TrendDirection.FLAT:
        return _say("trend_flat", direction=s.direction, last=pct(s.last))
    return _say("trend_move", direction=s.direction, change=points(s.change), first=pct(s.first),
                last=pct(s.last))


def _goal_name(g: Goal) -> str:
    return f"{g.id} {g.name}"


def _unit_name(u: Unit | None) -> str:
    return u.name if u else DASH


def _count(items: Iterable[object], attribute: str, value: object) -> int:
    return sum(1 for item in items if getattr(item, attribute) is value)


# -- 诊断结论 ------------------------------------------------------------------------------------
def _goal_counts(r: DiagnosisReport) -> str:
    known = [ln.attainment for ln in r.goals if ln.attainment is not None]
    mean = _say("conclusion.mean", mean=pct(sum(known) / len(known))) if known else ""
    text = _say("conclusion.goals", as_of=r.as_of, name=r.subject.name, count=len(r.goals), mean=mean,
                green=_count(r.goals, "status", Status.GREEN),
                yellow=_count(r.goals, "status", Status.YELLOW), red=_count(r.goals, "status", Status.RED))
    unknown = _count(r.goals, "status", Status.UNKNOWN)
    text += _say("conclusion.unknown", unknown=unknown) if unknown else _say("conclusion.end")
    moves = {d: sum(1 for ln in r.goals if ln.summary.direction is d) for d in TrendDirection}
    return text + _say("conclusion.moves", start=r.period.start, up=moves[TrendDirection.UP],
                       down=moves[TrendDirection.DOWN], flat=moves[TrendDirection.FLAT])


def _red_goals(r: DiagnosisReport, red: Sequence[GoalLine]) -> str:
    text = _say("conclusion.red_goals", goals=[_say("conclusion.red_goal", name=ln.goal.name,
                                                    attainment=pct(ln.attainment)) for ln in red[:5]])
    text += _say("conclusion.more_red", count=len(red)) if len(red) > 5 else ""
    red_ids = {ln.goal.id for ln in red}
    top: dict[str, GapCause] = {}
    for c in sorted((c for c in r.gap_causes if c.goal.id in red_ids), key=lambda c: -c.contribution):
        top.setdefault(c.metric.id, c)
    if top:
        text += _say("conclusion.causes", causes=[
            _say("conclusion.cause", metric=c.metric.name, goal=c.goal.name,
                 points=f"{c.contribution * 100:.1f}")
            for c in list(top.values())[:3]])
    return text + _say("conclusion.end")


def _tasks_and_advice(r: DiagnosisReport, any_red: bool) -> str:
    red_warnings = _count(r.warnings, "severity", Severity.RED)
    yellow_warnings = _count(r.warnings, "severity", Severity.YELLOW)
    text = _say("conclusion.warnings", count=len(r.warnings), red=red_warnings, yellow=yellow_warnings)
    if r.tasks:
        running = _count(r.tasks, "status", TaskStatus.IN_PROGRESS) + _count(r.tasks, "status",
                                                                              TaskStatus.NOT_STARTED)
        text += _say("conclusion.tasks", count=len(r.tasks), done=_count(r.tasks, "status", TaskStatus.DONE),
                     running=running, overdue=_count(r.tasks, "status", TaskStatus.OVERDUE),
                     over_budget=_count(r.tasks, "status", TaskStatus.OVER_BUDGET))
    if any_red or red_warnings:
        return text + _say("conclusion.advice_red")
    if _count(r.goals, "status", Status.YELLOW) or yellow_warnings:
        return text + _say("conclusion.advice_yellow")
    return text + _say("conclusion.advice_green")


def conclusion(r: DiagnosisReport) -> str:
    """诊断结论: a short paragraph generated from the report's numbers."""
    if not r.goals:
        return _say("conclusion.no_goals", as_of=r.as_of, name=r.subject.name)
    red = [ln for ln in r.goals if ln.status is Status.RED]
    text = _goal_counts(r) + (_red_goals(r, red) if red else "")
    return text + _tasks_and_advice(r, bool(red))


# -- the sections ---------------------------------------------------------------------------------
def _metric_table(lines: Sequence[MetricLine]) -> Table:
    return Table(_header("goals.metric_header"),
                 tuple((m.metric.name, num(m.value, m.metric.unit), num(m.metric.target, m.metric.unit),
                        num(m.metric.floor, m.metric.unit), pct(m.attainment),
                        texts.label("status", m.status)) for m in lines), frozenset({1, 2, 3, 4}))


def _attainment(r: DiagnosisReport) -> Section:
    blocks: list[Block] = []
    if r.goals:
        blocks.append(Table(_header("goals.header"),
                            tuple((_goal_name(ln.goal), texts.label("level", ln.goal.level),
                                   pct(ln.attainment), pct(ln.coverage), texts.label("status", ln.status),
                                   _trend_text(ln.summary)) for ln in r.goals), frozenset({2, 3})))
        blocks.append(Chart(_say("goals.chart"), "line",
                            tuple(Series(_goal_name(ln.goal), tuple((p.at, p.attainment) for p in ln.trend))
                                  for ln in r.goals)))
    else:
        blocks.append(paragraph(_say("goals.none")))
    return Section(_say("goals.attainment"), blocks)


def _standards(r: DiagnosisReport) -> Section:
    blocks: list[Block] = []
    if not r.standards and not r.unstandardised:
        blocks.append(paragraph(_say("goals.no_standards")))
    for s in r.standards:
        how = _say("goals.held_to") if s.held_to else _say("goals.specifies")
        blocks.append(paragraph(_say("goals.standard", id=s.standard.id, how=how, goals=s.goal_ids or [DASH]),
                                strong=s.standard.name))
        blocks.append(_metric_table(s.metrics))
    if r.unstandardised:
        blocks += [paragraph("", strong=_say("goals.unstandardised")), _metric_table(r.unstandardised)]
    return Section(_say("goals.standards"), blocks)


def _warnings(r: DiagnosisReport) -> Section:
    if not r.warnings:
        return Section(_say("warnings.heading"), [paragraph(_say("warnings.none"))])
    rows = tuple((texts.label("severity", w.severity), texts.label("warning_type", w.type), w.node_name,
                  r.unit_names.get(w.unit_id or "", w.unit_id or DASH), plain_message(w.message))
                 for w in r.warnings)
    return Section(_say("warnings.heading"), [Table(_header("warnings.header"), rows)])


def _gaps(r: DiagnosisReport) -> Section:
    behind = r.behind()
    blocks: list[Block] = [] if behind else [paragraph(_say("gaps.none"))]
    for ln in behind:
        gap = 1 - (ln.attainment or 0)
        blocks.append(paragraph(_say("gaps.goal", status=ln.status, attainment=pct(ln.attainment),
                                     gap=f"{gap * 100:.1f}"), strong=_goal_name(ln.goal)))
        causes = r.causes_of(ln.goal.id)
        if causes:
            blocks.append(Table(_header("gaps.header"), tuple(
                (c.metric.name, num(c.value, c.metric.unit), num(c.metric.target, c.metric.unit),
                 num(c.metric.floor, c.metric.unit), pct(c.attainment), f"{c.sensitivity:.3f}",
                 _say("points", value=f"{c.contribution * 100:.1f}")) for c in causes),
                frozenset({1, 2, 3, 4, 5, 6})))
        else:
            blocks.append(paragraph(_say("gaps.no_data")))
        if (others := r.folded_causes.get(ln.goal.id)) is not None:
            blocks.append(paragraph(_say("gaps.folded", label=others.label,
                                         contribution=f"{(others.contribution or 0) * 100:.1f}")))
    return Section(_say("gaps.causes"), blocks)


def _tasks(r: DiagnosisReport) -> Section:
    if not r.tasks:
        return Section(_say("tasks.heading"), [paragraph(_say("tasks.none"))])
    rows = tuple((f"{t.task.id} {t.task.name}", _unit_name(t.lead_unit), t.task.leader or DASH,
                  f"{t.task.start or DASH} ~ {t.task.due or _say('ongoing')}", pct(t.elapsed),
                  pct(t.task.progress), f"{num(t.task.budget)} / {num(t.task.spent)}", t.status_name)
                 for t in r.tasks)
    return Section(_say("tasks.heading"), [Table(_header("tasks.header"), rows, frozenset({4, 5}))])


def _improvement_list(r: DiagnosisReport) -> Section:
    blocks: list[Block] = []
    if r.improvements:
        rows = tuple((str(i), m.issue, m.measure, _unit_name(m.unit), m.leader or DASH, m.status)
                     for i, m in enumerate(r.improvements, 1))
        blocks += [paragraph(_say("improvements.proposed")), Table(_header("improvements.header"), rows)]
    else:
        blocks.append(paragraph(_say("improvements.none")))
    return Section(_say("improvements.listed"), blocks)


# -- the written parts and the templates ----------------------------------------------------------
def written(part: str, record: ReportRecord | None) -> Section:
    """A written part (自我诊断, 原因分析, 改进措施) as the responsible person wrote it in the record's
    current version: one paragraph per line; its prompt while it is empty."""
    text = (record.parts.get(part) if record is not None else None) or ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    blocks: list[Block] = [paragraph(line) for line in lines] or [paragraph(_say(f"written.{part}.prompt"))]
    return Section(_say(f"written.{part}.heading"), blocks)


def _state(record: ReportRecord | None) -> str:
    current = record.current if record is not None else None
    if record is None or current is None:
        return _say("state_new")
    return _say("state", status=record.status, version=current.version, author=current.author_name
                or current.author, at=current.at.astimezone(SHOWN_ZONE).strftime("%Y-%m-%d %H:%M"))


#: Times in documents are shown in China Standard Time.
SHOWN_ZONE = timezone(timedelta(hours=8))


def _sections(r: DiagnosisReport, record: ReportRecord | None) -> dict[str, Callable[[], Section]]:
    """Each section a template may name, built on demand."""
    return {
        "goals": lambda: Section(_say("goals.heading"), sections=[_attainment(r), _standards(r)]),
        "growth": lambda: Section(_say("goals.growth"), sections=[_attainment(r), _standards(r)]),
        "warnings": lambda: _warnings(r),
        "self_diagnosis": lambda: written("self_diagnosis", record),
        "gaps": lambda: Section(_say("gaps.heading"), sections=[_gaps(r), written("cause_analysis", record)]),
        "tasks": lambda: _tasks(r),
        "department_tasks": lambda: Section(_say("tasks.department"), _tasks(r).blocks),
        "improvements": lambda: Section(_say("improvements.heading"),
                                        sections=[written("measures", record), _improvement_list(r)]),
        "conclusion": lambda: Section(_say("conclusion.heading"),
                                      [paragraph(conclusion(r)), Note(_say("footer", as_of=r.as_of))]),
    }


def numbered(sections: list[Section]) -> list[Section]:
    """Sections numbered 一、二、… and their subsections （一）（二）… (as the catalogue words them)."""
    numerals = texts.words("report.numerals")
    for i, section in enumerate(sections):
        section.heading = _say("heading", numeral=numerals[i], text=section.heading)
        for j, sub in enumerate(section.sections):
            sub.heading = _say("subheading", numeral=numerals[j], text=sub.heading)
    return sections


def document(r: DiagnosisReport, record: ReportRecord | None = None) -> Document:
    """The report as a document, laid out by the template of the subject's kind (学校, 专业, 课程, 教师,
    学生 or a department): front matter, then the generated sections (目标与标准, 监测预警, 差距原因, 一页纸
    任务, 改进措施, 诊断结论, trends as charts) and the written ones (自我诊断, 原因分析, 改进措施) as the
    responsible person wrote them in ``record``'s current version."""
    owner = _say("facts.owner", unit=r.unit.name) if r.unit else ""
    front: list[Block] = [Bullets((
        _say("facts.subject", name=r.subject.name, level=r.subject.level, owner=owner),
        _say("facts.period", start=r.period.start, end=r.period.end, as_of=r.as_of),
        _say("facts.counts", goals=len(r.goals), warnings=len(r.warnings), tasks=len(r.tasks)),
        _state(record)))]
    build = _sections(r, record)
    return Document(r.title, front, numbered([build[key]() for key in template(r.subject)]))

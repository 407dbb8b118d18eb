"""诊改报告: a quality subject's diagnosis-and-improvement report, as data and as Markdown (Chinese).

A subject (the school, a 专业, 课程, 教师 or 学生) reports on its goals — the goals whose ``subject``
is it; for the school, its SCHOOL-level goals — over a period ending at ``as_of``: attainment, status
and monthly trend of each goal, the standards they are held to (HELD_TO, and those that SPECIFY their
metrics), the open warnings on its goals, metrics and tasks, the top gap causes of its RED and YELLOW
goals, the 一页纸 tasks advancing its goals, the improvement measures, and a conclusion.

改进措施 are not recorded yet (no improvement API): the report lists one measure to be assigned per RED
warning, with the warning's unit and leader as owners, ``recorded=False``; ``recordImprovement`` can
later fill them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from zhengai.domain.enums import LEVEL_ZH, Direction, Level, Status
from zhengai.domain.errors import InvalidArgumentError
from zhengai.domain.models import Goal, Metric, Standard, Subject, Unit
from zhengai.engine import monitoring
from zhengai.engine.engine import Engine
from zhengai.engine.impact import Folded
from zhengai.engine.monitoring import Severity, WarningType
from zhengai.engine.onepage import TaskRow, TaskStatus, task_rows
from zhengai.engine.snapshot import Snapshot
from zhengai.engine.trends import TrendPoint, TrendSummary, goal_trends, summarise

#: Bounds of the report's lists.
MAX_WARNINGS = 200
MAX_GAP_GOALS = 20
GAP_TOP = 3
MAX_TASKS = 100
MAX_METRICS_PER_STANDARD = 100

STATUS_ZH = {Status.GREEN: "绿色", Status.YELLOW: "黄色", Status.RED: "红色", Status.UNKNOWN: "无数据"}
WARNING_TYPE_ZH = {
    WarningType.STATUS: "达成度预警", WarningType.FLOOR: "底线预警", WarningType.STALE: "数据更新预警",
    WarningType.BEHIND_PACE: "进度滞后", WarningType.OVERDUE: "任务逾期", WarningType.OVER_BUDGET: "任务超支",
}
PENDING = "待落实"


@dataclass
class ReportPeriod:
    start: date
    end: date


@dataclass
class MetricLine:
    metric: Metric
    value: float | None
    attainment: float | None
    status: Status


@dataclass
class StandardSection:
    """A standard the subject's goals are held to (``held_to``) or that SPECIFIES their metrics."""

    standard: Standard
    held_to: bool
    goal_ids: list[str]
    metrics: list[MetricLine]


@dataclass
class GoalLine:
    goal: Goal
    attainment: float | None
    coverage: float
    status: Status
    trend: list[TrendPoint]
    summary: TrendSummary


@dataclass
class GapCause:
    goal: Goal
    metric: Metric
    value: float | None
    attainment: float
    sensitivity: float
    contribution: float


@dataclass
class Improvement:
    """改进措施: proposed from a RED warning until one is recorded (``recorded``)."""

    id: str
    warning_id: str
    node_id: str
    node_name: str
    issue: str
    measure: str
    unit: Unit | None
    leader: str | None
    status: str = PENDING
    recorded: bool = False


@dataclass
class DiagnosisReport:
    subject: Subject
    unit: Unit | None
    title: str
    period: ReportPeriod
    as_of: date
    goals: list[GoalLine]
    standards: list[StandardSection]
    unstandardised: list[MetricLine]  # the goals' metrics that no standard specifies
    warnings: list[monitoring.Warning]
    gap_causes: list[GapCause]
    tasks: list[TaskRow]
    improvements: list[Improvement]
    conclusion: str
    markdown: str = field(default="", repr=False)
    unit_names: dict[str, str] = field(default_factory=dict, repr=False)
    folded_causes: dict[str, Folded] = field(default_factory=dict)  # goal id → causes outside the scope


# -- data ----------------------------------------------------------------------------------------
def title_of(subject: Subject, as_of: date) -> str:
    year = as_of.year
    match subject.level:
        case Level.SCHOOL:
            return f"{subject.name} {year} 年度诊改报告"
        case Level.MAJOR:
            return f"{subject.name}专业 {year} 年度诊改报告"
        case Level.COURSE:
            return f"《{subject.name}》课程 {year} 年度诊改报告"
        case Level.TEACHER:
            return f"{subject.name} 教师个人发展诊改报告"
        case _:
            return f"{subject.name} 个人成长诊改报告"


def _metric_line(snap: Snapshot, m: Metric) -> MetricLine:
    return MetricLine(m, snap.value(m.id), snap.attainment(m.id), snap.metric_status(m))


def _standards(engine: Engine, snap: Snapshot, goals: Sequence[Goal],
               metrics: dict[str, list[str]]) -> tuple[list[StandardSection], list[MetricLine]]:
    """Standards HELD_TO by the goals, then those SPECIFYING their metrics (found over the graph)."""
    graph = snap.structure.graph
    metric_ids = sorted({m for ms in metrics.values() for m in ms})
    specified: dict[str, list[str]] = {}  # standard → metric ids
    for m in metric_ids:
        hood = engine.neighbourhood(m, Direction.BOTH, 1, 50, as_of=snap.as_of)
        for e in hood.edges:
            if e.kind == "SPECIFIES" and e.target == m:
                specified.setdefault(e.source, []).append(m)
    held = {s: [g.id for g in goals if s in g.standards] for g in goals for s in g.standards}
    nodes = engine.nodes(sorted({*held, *specified}), snap.as_of)
    sections = []
    for st_id in [*sorted(held), *sorted(set(specified) - set(held))]:
        st = nodes.get(st_id)
        if not isinstance(st, Standard):
            continue
        ms = specified.get(st_id) or [m for m in st.specifies if m in graph.metrics]
        goal_ids = held.get(st_id) or [g.id for g in goals if set(metrics[g.id]) & set(ms)]
        lines = [_metric_line(snap, graph.metrics[m]) for m in ms if m in graph.metrics]
        sections.append(StandardSection(st, st_id in held, goal_ids, lines[:MAX_METRICS_PER_STANDARD]))
    covered = {m for ms in specified.values() for m in ms}
    rest = [_metric_line(snap, graph.metrics[m]) for m in metric_ids if m not in covered]
    return sections, rest


def _measure(w: monitoring.Warning) -> str:
    """A proposed 改进措施 for a RED warning."""
    match w.type:
        case WarningType.FLOOR:
            return f"指标「{w.node_name}」突破底线：查明原因，制定限期整改方案，确保回到底线以内"
        case WarningType.OVERDUE:
            return f"督办任务「{w.node_name}」：明确剩余工作、责任人和完成时限，按周报告进展"
        case WarningType.OVER_BUDGET:
            return f"核查任务「{w.node_name}」经费支出：说明超支原因，履行预算调整程序或压缩后续支出"
        case WarningType.BEHIND_PACE:
            return f"目标「{w.node_name}」进度滞后：按剩余周期倒排工期，加密监测频次"
        case _ if w.kind == "Metric":
            return f"围绕指标「{w.node_name}」对标找差，制定专项提升措施并跟踪监测"
        case _:
            return f"对目标「{w.node_name}」开展专项诊断，分解差距到责任单位，制定改进方案"


def _improvements(warnings: Iterable[monitoring.Warning], units: dict[str, Unit]) -> list[Improvement]:
    return [Improvement(f"IMP:{w.id}", w.id, w.node_id, w.node_name, _plain(w.message), _measure(w),
                        units.get(w.unit_id or ""), w.leader)
            for w in warnings if w.severity is Severity.RED]


def _plain(message: str) -> str:
    """A warning's message without its 【…预警】 prefix."""
    return message.split("】", 1)[1] if message.startswith("【") and "】" in message else message


def _active(row: TaskRow, period: ReportPeriod) -> bool:
    """Tasks running in the period, plus earlier ones still open."""
    t = row.task
    started = t.start is None or t.start <= period.end
    return started and (t.due is None or t.due >= period.start or t.progress < 1)


def diagnosis_report(engine: Engine, subject_id: str, as_of: date | None = None,
                     start: date | None = None) -> DiagnosisReport:
    """The 诊改报告 of a subject for the period [start, as_of] (default: 1 January of as_of's year)."""
    subject = engine.subject(subject_id, as_of)
    snap = engine.snapshot(as_of)
    as_of = snap.as_of
    start = start or date(as_of.year, 1, 1)
    if start > as_of:
        raise InvalidArgumentError(f"from ({start}) is after asOf ({as_of})")
    period = ReportPeriod(start, as_of)
    units = engine.units(as_of)
    structure = snap.structure
    goals = engine.subject_goals(subject, as_of)
    trends = goal_trends(engine, [g.id for g in goals], start, as_of)
    snap = engine.snapshot(as_of)  # the trend evaluated other dates
    lines = [GoalLine(g, snap.attainment(g.id), snap.goal_value(g.id).coverage, snap.goal_status(g),
                      trends[g.id], summarise(trends[g.id])) for g in goals]
    metrics = {g.id: [e.child for e in structure.children.get(g.id, []) if e.child in structure.graph.metrics]
               for g in goals}
    standards, unstandardised = _standards(engine, snap, goals, metrics)

    goal_ids = {g.id for g in goals}
    rows = task_rows([t for t in engine.tasks(as_of).values() if goal_ids & set(t.advances)], units,
                     as_of, goal_ids)
    tasks = [r for r in rows if _active(r, period)][:MAX_TASKS]
    mine = goal_ids | {m for ms in metrics.values() for m in ms} | {r.task.id for r in tasks}
    warnings = [w for w in engine.warnings(as_of) if w.node_id in mine][:MAX_WARNINGS]

    causes, folded = [], {}
    behind = [ln.goal for ln in lines if ln.status in (Status.RED, Status.YELLOW)][:MAX_GAP_GOALS]
    for g in behind:
        explained = engine.explain_gap(g.id, as_of, GAP_TOP)
        for c in explained.contributors:
            causes.append(GapCause(g, c.metric, snap.value(c.metric.id), c.attainment, c.sensitivity,
                                   c.contribution))
        if explained.others is not None:
            folded[g.id] = explained.others

    report = DiagnosisReport(subject, units.get(subject.unit or ""), title_of(subject, as_of), period, as_of,
                             lines, standards, unstandardised, warnings, causes, tasks,
                             _improvements(warnings, units), "",
                             unit_names={u.id: u.name for u in units.values()}, folded_causes=folded)
    report.conclusion = conclusion(report)
    report.markdown = render_markdown(report)
    return report


# -- text --------------------------------------------------------------------------------------
def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def points(x: float) -> str:
    """A change in attainment as 百分点."""
    return f"{x * 100:+.1f} 个百分点"


def num(x: float | None, unit: str | None = None) -> str:
    if x is None:
        return "—"
    text = f"{x:,.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x):,}"
    return f"{text}{unit or ''}" if unit in (None, "%") else f"{text} {unit}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _trend_text(s: TrendSummary) -> str:
    if s.change is None:
        return "无数据"
    if s.direction == "持平":
        return f"持平（{pct(s.last)}）"
    return f"{s.direction} {points(s.change)}（{pct(s.first)} → {pct(s.last)}）"


def _goal_name(g: Goal) -> str:
    return f"{g.id} {g.name}"


def _unit_name(u: Unit | None) -> str:
    return u.name if u else "—"


def conclusion(r: DiagnosisReport) -> str:
    """诊断结论: a short paragraph generated from the report's numbers."""
    n = len(r.goals)
    if not n:
        return (f"截至 {r.as_of}，{r.subject.name}尚未设定目标，无法开展诊断。"
                "建议依据相关规划与标准尽快建立目标链。")
    counts = {s: sum(1 for ln in r.goals if ln.status is s) for s in Status}
    known = [ln.attainment for ln in r.goals if ln.attainment is not None]
    mean = f"，平均达成度 {pct(sum(known) / len(known))}" if known else ""
    text = (f"截至 {r.as_of}，{r.subject.name}共有目标 {n} 项{mean}：绿色（达成）{counts[Status.GREEN]} 项、"
            f"黄色（基本达成）{counts[Status.YELLOW]} 项、红色（未达成）{counts[Status.RED]} 项")
    text += f"、暂无数据 {counts[Status.UNKNOWN]} 项。" if counts[Status.UNKNOWN] else "。"
    moves = {d: sum(1 for ln in r.goals if ln.summary.direction == d) for d in ("上升", "下降", "持平")}
    text += (f"与 {r.period.start} 相比，{moves['上升']} 项目标达成度上升、{moves['下降']} 项下降、"
             f"{moves['持平']} 项持平。")
    red = [ln for ln in r.goals if ln.status is Status.RED]
    if red:
        text += "未达成的目标为" + "、".join(f"「{ln.goal.name}」（{pct(ln.attainment)}）" for ln in red[:5])
        text += f"等 {len(red)} 项" if len(red) > 5 else ""
        red_ids = {ln.goal.id for ln in red}
        top: dict[str, GapCause] = {}
        for c in sorted((c for c in r.gap_causes if c.goal.id in red_ids), key=lambda c: -c.contribution):
            top.setdefault(c.metric.id, c)
        if top:
            text += "；差距主要来自" + "、".join(
                f"「{c.metric.name}」（拉低「{c.goal.name}」{c.contribution * 100:.1f} 个百分点）"
                for c in list(top.values())[:3])
        text += "。"
    by_sev = {s: sum(1 for w in r.warnings if w.severity is s) for s in Severity}
    text += (f"本期监测预警 {len(r.warnings)} 条，其中红色预警 {by_sev[Severity.RED]} 条、"
             f"黄色预警 {by_sev[Severity.YELLOW]} 条。")
    if r.tasks:
        ts = {s: sum(1 for t in r.tasks if t.status is s) for s in TaskStatus}
        running = ts[TaskStatus.IN_PROGRESS] + ts[TaskStatus.NOT_STARTED]
        text += (f"一页纸任务 {len(r.tasks)} 项：已完成 {ts[TaskStatus.DONE]} 项、进行中 {running} 项、"
                 f"逾期 {ts[TaskStatus.OVERDUE]} 项、超支 {ts[TaskStatus.OVER_BUDGET]} 项。")
    if red or by_sev[Severity.RED]:
        text += ("建议针对红色预警事项逐项明确责任单位、责任人和整改时限，纳入下一轮“8”字质量改进螺旋，"
                 "并在后续监测中跟踪改进成效。")
    elif counts[Status.YELLOW] or by_sev[Severity.YELLOW]:
        text += "总体运行基本平稳，建议对黄色预警事项加强监测，防止滑入红色区间。"
    else:
        text += "各项目标运行良好，建议保持常态监测，巩固改进成果。"
    return text


def render_markdown(r: DiagnosisReport) -> str:
    """The report as Markdown, with the six sections a 质管办 circulates."""
    level = LEVEL_ZH[r.subject.level]
    out = [f"# {r.title}", ""]
    owner = f"；所属单位：{r.unit.name}" if r.unit else ""
    out += [f"- 质量主体：{r.subject.name}（{level}层面{owner}）",
            f"- 报告期：{r.period.start} 至 {r.period.end}（数据截至 {r.as_of}）",
            f"- 目标 {len(r.goals)} 项，监测预警 {len(r.warnings)} 条，一页纸任务 {len(r.tasks)} 项", ""]

    out += ["## 一、目标与标准达成情况", "", "### （一）目标达成情况", ""]
    if r.goals:
        out += _table(["目标", "层面", "达成度", "数据覆盖率", "状态", "期内趋势（月末达成度）"],
                      [[_goal_name(ln.goal), LEVEL_ZH[ln.goal.level], pct(ln.attainment), pct(ln.coverage),
                        STATUS_ZH[ln.status], _trend_text(ln.summary)] for ln in r.goals])
    else:
        out.append("尚未设定目标。")
    out += ["", "### （二）标准与指标", ""]
    if not r.standards and not r.unstandardised:
        out.append("目标尚未关联标准与指标。")
    for s in r.standards:
        how = "目标对标" if s.held_to else "规定指标"
        goals = "、".join(s.goal_ids) or "—"
        out += [f"**{s.standard.name}**（{s.standard.id}，{how}；关联目标：{goals}）", ""]
        out += [*_metric_table(s.metrics), ""]
    if r.unstandardised:
        out += ["**未纳入标准的监测指标**", "", *_metric_table(r.unstandardised), ""]

    out += ["## 二、监测预警", ""]
    if r.warnings:
        out += _table(["级别", "类型", "对象", "责任单位", "预警内容"],
                      [[monitoring.SEVERITY_ZH[w.severity], WARNING_TYPE_ZH[w.type], w.node_name,
                        r.unit_names.get(w.unit_id or "", w.unit_id or "—"), _plain(w.message)]
                       for w in r.warnings])
    else:
        out.append("本期无预警。")

    out += ["", "## 三、问题诊断（差距原因）", ""]
    behind = [ln for ln in r.goals if ln.status in (Status.RED, Status.YELLOW)]
    if not behind:
        out += ["各目标均已达成或暂无数据，无需差距分析。", ""]
    for ln in behind:
        causes = [c for c in r.gap_causes if c.goal.id == ln.goal.id]
        gap = 1 - (ln.attainment or 0)
        out += [f"**{_goal_name(ln.goal)}**：{STATUS_ZH[ln.status]}，达成度 {pct(ln.attainment)}，"
                f"差距 {gap * 100:.1f} 个百分点。", ""]
        if causes:
            out += _table(["指标", "最新值", "目标值（标尺）", "底线", "达成度", "灵敏度", "对差距的贡献"],
                          [[c.metric.name, num(c.value, c.metric.unit), num(c.metric.target, c.metric.unit),
                            num(c.metric.floor, c.metric.unit), pct(c.attainment), f"{c.sensitivity:.3f}",
                            f"{c.contribution * 100:.1f} 个百分点"] for c in causes])
        else:
            out.append("下属指标尚无数据，无法分解差距。")
        if (others := r.folded_causes.get(ln.goal.id)) is not None:
            out += ["", f"另有{others.label}指标在您的权限范围之外，已合并为匿名汇总：合计贡献 "
                        f"{(others.contribution or 0) * 100:.1f} 个百分点。"]
        out.append("")

    out += ["## 四、一页纸任务进展", ""]
    if r.tasks:
        header = ["任务", "牵头单位", "主管领导", "起止时间", "时间进度", "完成进度", "预算/支出（万元）",
                  "状态"]
        out += _table(header, [[f"{t.task.id} {t.task.name}", _unit_name(t.lead_unit), t.task.leader or "—",
                                f"{t.task.start or '—'} ~ {t.task.due or '持续'}", pct(t.elapsed),
                                pct(t.task.progress), f"{num(t.task.budget)} / {num(t.task.spent)}",
                                t.status_name] for t in r.tasks])
    else:
        out.append("本期无推进本主体目标的一页纸任务。")

    out += ["", "## 五、改进措施", "", "改进措施：（待记录）", ""]
    if r.improvements:
        out += ["以下措施由红色预警生成，待责任单位确认、指定责任人后登记：", ""]
        out += _table(["序号", "问题", "建议措施", "责任单位", "责任领导", "状态"],
                      [[str(i), m.issue, m.measure, _unit_name(m.unit), m.leader or "—", m.status]
                       for i, m in enumerate(r.improvements, 1)])
    else:
        out.append("本期无红色预警，暂无需要指定责任人的改进事项。")

    out += ["", "## 六、诊断结论", "", r.conclusion, "",
            f"> 本报告依据诊改知识图谱数据自动生成（数据截至 {r.as_of}）；"
            "达成度、预警与差距贡献的口径见 design.md §2、§4。",
            ""]
    return "\n".join(out)


def _metric_table(lines: Sequence[MetricLine]) -> list[str]:
    return _table(["指标", "最新值", "目标值（标尺）", "底线", "达成度", "状态"],
                  [[m.metric.name, num(m.value, m.metric.unit), num(m.metric.target, m.metric.unit),
                    num(m.metric.floor, m.metric.unit), pct(m.attainment), STATUS_ZH[m.status]]
                   for m in lines])

"""The 质量年报 as a document: the narrative sections of the national layout (学校概况, 人才培养, 服务贡献,
政策保障, 面临挑战) generated from the school's goals, the warnings of the year and the improvement
measures, then the five national tables (计分卡, 资源表, 服务贡献表, 落实政策表, 国际影响表) and the list of
their rows no metric fills (未映射). Worded from the catalogue of texts (``annual_report.*``); every
renderer (Word, PDF, Markdown) shows this same document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from zhengai import texts
from zhengai.domain.enums import Level, Status
from zhengai.engine.monitoring import Severity
from zhengai.engine.reports.annual import AnnualReport, AnnualTable, YearWarning
from zhengai.engine.reports.annual_mapping import layout
from zhengai.engine.reports.data import GoalLine, MetricLine, plain_message, proposed_measure
from zhengai.engine.trends import TrendDirection
from zhengai.reports.diagnosis import DASH, num, numbered, pct, points
from zhengai.reports.document import Block, Bullets, Chart, Document, Note, Section, Series, Table, paragraph

__all__ = ["document"]

#: At most this many rows in the table of school-level RED warnings.
MAX_RED_ROWS = 60


def _say(path: str, **params: object) -> str:
    return texts.say(f"annual_report.{path}", **params)


def _words(path: str, **params: object) -> tuple[str, ...]:
    return tuple(texts.fill(w, params) for w in texts.words(f"annual_report.{path}"))


def _count(lines: Sequence[GoalLine], status: Status) -> int:
    return sum(1 for ln in lines if ln.status is status)


def _mean(lines: Sequence[GoalLine]) -> str:
    known = [ln.attainment for ln in lines if ln.attainment is not None]
    return pct(sum(known) / len(known)) if known else DASH


def _change(ln: GoalLine) -> str:
    s = ln.summary
    if s.change is None or s.first is None or s.last is None:
        return texts.label("trend", TrendDirection.NONE)
    return _say("change", first=pct(s.first), last=pct(s.last), points=points(s.change))


def _goal_table(lines: Sequence[GoalLine]) -> Table:
    return Table(_words("goal_header"), tuple(
        (f"{ln.goal.id} {ln.goal.name}", pct(ln.attainment), texts.label("status", ln.status), _change(ln))
        for ln in lines), frozenset({1}))


def _metric_table(lines: Sequence[MetricLine]) -> Table:
    return Table(_words("metric_header"), tuple(
        (m.metric.name, num(m.value, m.metric.unit), num(m.metric.target, m.metric.unit),
         num(m.metric.floor, m.metric.unit), pct(m.attainment), texts.label("status", m.status))
        for m in lines), frozenset({1, 2, 3, 4}))


# -- 学校概况 -------------------------------------------------------------------------------------
def _overview(r: AnnualReport) -> Section:
    counted = [_say("overview.subject", level=lv, count=r.subjects[str(lv)]) for lv in Level
               if lv is not Level.SCHOOL and r.subjects.get(str(lv))]
    blocks: list[Block] = [paragraph(_say("overview.units", departments=r.departments,
                                          subjects=counted or [DASH]))]
    if not r.goals:
        return Section(layout().sections[0], [*blocks, paragraph(_say("overview.no_goals"))])
    unknown = _count(r.goals, Status.UNKNOWN)
    moves = {d: sum(1 for ln in r.goals if ln.summary.direction is d) for d in TrendDirection}
    blocks.append(paragraph(
        _say("overview.goals", as_of=r.as_of, count=len(r.goals), mean=_mean(r.goals),
             green=_count(r.goals, Status.GREEN), yellow=_count(r.goals, Status.YELLOW),
             red=_count(r.goals, Status.RED),
             unknown=_say("overview.unknown", count=unknown) if unknown else "")
        + _say("overview.moves", up=moves[TrendDirection.UP], down=moves[TrendDirection.DOWN],
               flat=moves[TrendDirection.FLAT])))
    blocks.append(_goal_table(r.goals))
    blocks.append(Chart(_say("overview.chart"), "line", tuple(
        Series(ln.goal.name, tuple((p.at, p.attainment) for p in ln.trend)) for ln in r.goals)))
    return Section(layout().sections[0], blocks)


# -- 人才培养, 服务贡献, 政策保障 ------------------------------------------------------------------------
def _goal_section(r: AnnualReport, name: str) -> Section:
    lines = r.sections.get(name, [])
    if not lines:
        return Section(name, [paragraph(_say("section.none"))])
    text = _say("section.summary", section=name, count=len(lines), mean=_mean(lines),
                green=_count(lines, Status.GREEN), yellow=_count(lines, Status.YELLOW),
                red=_count(lines, Status.RED))
    known = sorted((ln for ln in lines if ln.attainment is not None), key=lambda ln: -(ln.attainment or 0))
    if len(known) > 1:
        text += _say("section.best", best=known[0].goal.name, best_value=pct(known[0].attainment),
                     worst=known[-1].goal.name, worst_value=pct(known[-1].attainment))
    subs = [Section(_say("section.goals"), [_goal_table(lines)])]
    if metrics := r.section_metrics.get(name):
        subs.append(Section(_say("section.metrics"), [_metric_table(metrics)]))
    return Section(name, [paragraph(text)], subs)


# -- 面临挑战 ------------------------------------------------------------------------------------
def _by_level(r: AnnualReport) -> Section:
    counts = r.warning_counts()
    opened = Counter(str(w.warning.level or Level.SCHOOL) for w in r.warnings if w.open)
    rows = tuple((texts.label("level", lv), str(c[Severity.RED]), str(c[Severity.YELLOW]),
                  str(c[Severity.INFO]), str(sum(c.values())), str(opened[lv])) for lv, c in counts.items())
    total = sum(sum(c.values()) for c in counts.values())
    red = sum(c[Severity.RED] for c in counts.values())
    yellow = sum(c[Severity.YELLOW] for c in counts.values())
    summary = _say("challenges.summary", total=total, red=red, yellow=yellow, as_of=r.as_of,
                   open=sum(1 for w in r.warnings if w.open))
    return Section(_say("challenges.by_level"), [paragraph(summary),
                                                  Table(_words("challenges.level_header"), rows,
                                                        frozenset({1, 2, 3, 4, 5}))])


def _unit_name(r: AnnualReport, w: YearWarning) -> str:
    unit = r.units.get(w.warning.unit_id or "")
    return w.warning.unit_name or (unit.name if unit else DASH)


def _red(r: AnnualReport) -> Section:
    red = [w for w in r.school_warnings if w.warning.severity is Severity.RED]
    yellow = sum(1 for w in r.school_warnings if w.warning.severity is Severity.YELLOW)
    blocks: list[Block] = []
    if red:
        blocks.append(Table(_words("challenges.warning_header"), tuple(
            (texts.label("warning_type", w.warning.type), w.warning.node_name, _unit_name(r, w),
             w.first_seen.isoformat(), _say("challenges.open" if w.open else "challenges.closed"),
             plain_message(w.warning.message)) for w in red[:MAX_RED_ROWS])))
    else:
        blocks.append(paragraph(_say("challenges.red_none")))
    if yellow:
        blocks.append(paragraph(_say("challenges.red_more", count=yellow)))
    behind = [ln for ln in r.goals if ln.status in (Status.RED, Status.YELLOW)]
    if behind:
        blocks.append(paragraph(_say("challenges.behind", goals=[
            _say("challenges.behind_goal", name=ln.goal.name, attainment=pct(ln.attainment))
            for ln in behind])))
    return Section(_say("challenges.red"), blocks)


def _improvements(r: AnnualReport) -> Section:
    if r.improvements:
        rows = tuple((i.subject, i.measure.measure, i.owner.name if i.owner else DASH,
                      i.measure.due.isoformat() if i.measure.due else DASH,
                      _say("challenges.done" if i.measure.done else "challenges.doing"))
                     for i in r.improvements)
        header = _words("challenges.improvement_header")
        return Section(_say("challenges.improvements"), [Table(header, rows)])
    red = [w for w in r.school_warnings if w.open and w.warning.severity is Severity.RED]
    if not red:
        return Section(_say("challenges.improvements"), [paragraph(_say("challenges.none"))])
    rows = tuple((str(i), plain_message(w.warning.message), proposed_measure(w.warning), _unit_name(r, w))
                 for i, w in enumerate(red[:MAX_RED_ROWS], 1))
    return Section(_say("challenges.improvements"), [paragraph(_say("challenges.proposed")),
                                                    Table(_words("challenges.proposed_header"), rows)])


def _challenges(r: AnnualReport) -> Section:
    return Section(layout().sections[-1], sections=[_by_level(r), _red(r), _improvements(r)])


# -- 附表 ---------------------------------------------------------------------------------------
def _table(r: AnnualReport, t: AnnualTable) -> Section:
    unmapped = _say("appendix.unmapped")
    rows = tuple((str(i), row.name, row.unit,
                  num(row.previous) if row.metric else unmapped, num(row.current) if row.metric else unmapped,
                  _say("appendix.source", id=row.metric.id, name=row.metric.name) if row.metric else unmapped)
                 for i, row in enumerate(t.rows, 1))
    return Section(t.name, [Table(_words("appendix.header", previous=r.year - 1, year=r.year), rows,
                                  frozenset({3, 4}))])


def _unmapped(r: AnnualReport) -> Section:
    listed = [_say("appendix.unmapped_table", table=t.name, rows=t.unmapped())
              for t in r.tables if t.unmapped()]
    if not listed:
        return Section(_say("appendix.unmapped_heading"), [paragraph(_say("appendix.unmapped_none"))])
    return Section(_say("appendix.unmapped_heading"), [paragraph(_say("appendix.unmapped_intro")),
                                                        Bullets(tuple(listed))])


def _appendix(r: AnnualReport) -> Section:
    return Section(_say("appendix.heading"), [Note(_say("footer", as_of=r.as_of))],
                   [*(_table(r, t) for t in r.tables), _unmapped(r)])


def document(r: AnnualReport) -> Document:
    """The 质量年报 of ``r`` as a document: front matter, the five narrative sections, then the tables."""
    rows = sum(len(t.rows) for t in r.tables)
    unmapped = len(r.unmapped())
    front: list[Block] = [Bullets((
        _say("front.year", year=r.year, as_of=r.as_of, previous=r.year - 1),
        _say("front.school", name=r.school.name),
        _say("front.source"),
        _say("front.mapping", rows=rows, mapped=rows - unmapped, unmapped=unmapped)))]
    sections = [_overview(r), *(_goal_section(r, name) for name in layout().goal_sections), _challenges(r),
                _appendix(r)]
    return Document(_say("title", name=r.school.name, year=r.year), front, numbered(sections))

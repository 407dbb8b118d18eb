"""质量年报 data: what the college's annual quality report says for a year, over the caller's view.

The report's date is the year's last day (or, for the current year, ``as_of`` when earlier). It holds:

- the national tables (:mod:`zhengai.engine.reports.annual_mapping`): each row's metric value at the end
  of the year before and at the report's date, or none when the dataset maps no metric to the row (未映射);
- the school's goals (学校发展目标 and their annual goals): attainment, status and monthly trend over the
  year, grouped by the narrative section the mapping assigns them to, with the metrics that measure them;
- the warnings of the year: every warning due at a month end of the year (by its id, first seen, still
  open at the report's date or not), counted by level and severity; the school-level ones listed;
- the improvement measures (改进措施) recorded or due in the year for the school, its departments and the
  专业 and 课程.

No personal data: teachers and students appear only as counts (subjects and warnings by level).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from zhengai import texts
from zhengai.domain.enums import Level
from zhengai.domain.errors import InvalidArgumentError
from zhengai.domain.models import Goal, Metric, Subject, Unit
from zhengai.engine import monitoring
from zhengai.engine.engine import Engine
from zhengai.engine.monitoring import SEVERITY_RANK
from zhengai.engine.reports.annual_mapping import AnnualMapping, AnnualMappingError, layout, load_mapping
from zhengai.engine.reports.data import GoalLine, MetricLine
from zhengai.engine.spiral import STREAM, ImprovementMeasure, spiral_view
from zhengai.engine.trends import goal_trends, month_ends, summarise

__all__ = ["AnnualReport", "AnnualTable", "ImprovementLine", "TableRow", "YearWarning", "annual_report",
           "mapping_for", "report_date"]

#: Bounds of the report's lists.
MAX_SCHOOL_WARNINGS = 200
MAX_IMPROVEMENTS = 200
#: The subjects whose improvement measures the report lists (teachers and students are personal).
PUBLIC_LEVELS = (Level.SCHOOL, Level.MAJOR, Level.COURSE)
#: The unit types that are quality subjects of their own (职能部门, 二级学院).
DEPARTMENTS = ("OFFICE", "COLLEGE")


@dataclass
class TableRow:
    """A row of a national table: the mapped metric's value (× scale) at the end of the year before and at
    the report's date; ``metric`` None when no metric is mapped (未映射)."""

    name: str
    unit: str
    metric: Metric | None
    previous: float | None = None
    current: float | None = None


@dataclass
class AnnualTable:
    """A national table (计分卡 …) with its rows in the layout's order."""

    name: str
    rows: list[TableRow]

    def unmapped(self) -> list[str]:
        """The names of the rows no metric fills."""
        return [r.name for r in self.rows if r.metric is None]


@dataclass
class YearWarning:
    """A warning of the year: as last seen, the month end it was first seen, and whether it is still
    due at the report's date."""

    warning: monitoring.Warning
    first_seen: date
    open: bool


@dataclass
class ImprovementLine:
    """An improvement measure of the year and the subject (school, department, 专业, 课程) it belongs to."""

    measure: ImprovementMeasure
    subject: str
    owner: Unit | None


@dataclass
class AnnualReport:
    """Everything the 质量年报 says, as data."""

    year: int
    as_of: date
    school: Subject
    units: dict[str, Unit]
    subjects: dict[str, int]  # level → number of quality subjects
    departments: int
    goals: list[GoalLine]  # the school's top goals
    sections: dict[str, list[GoalLine]]  # narrative section → its goals and their annual goals
    section_metrics: dict[str, list[MetricLine]]
    tables: list[AnnualTable]
    warnings: list[YearWarning]  # every warning of the year (by id)
    school_warnings: list[YearWarning]  # the SCHOOL-level ones, RED first
    improvements: list[ImprovementLine] = field(default_factory=list)

    def warning_counts(self) -> dict[str, Counter]:
        """Warnings of the year by level, then by severity."""
        out: dict[str, Counter] = {str(lv): Counter() for lv in Level}
        for w in self.warnings:
            out.setdefault(str(w.warning.level or Level.SCHOOL), Counter())[w.warning.severity] += 1
        return out

    def unmapped(self) -> list[tuple[str, str]]:
        """(table, row) of every row no metric fills."""
        return [(t.name, row) for t in self.tables for row in t.unmapped()]


def mapping_for(engine: Engine, path: Path) -> AnnualMapping:
    """The mapping at ``path`` checked against the metrics, goals and subjects the graph has or had
    (AnnualMappingError with ``file:line`` messages)."""
    if not path.is_file():
        raise AnnualMappingError([f"{path}:1: {texts.say('annual_report.mapping.missing')}"])
    state = engine.state
    return load_mapping(path, state.ids("Metric"), state.ids("Goal"), state.ids("Subject"))


def report_date(year: int, as_of: date | None = None) -> date:
    """The report's date: the year's last day, or ``as_of`` when it falls inside the year."""
    if not 1900 <= year <= 9999:
        raise InvalidArgumentError(f"year must be a four-digit year, got {year}")
    end = date(year, 12, 31)
    if as_of is None:
        return min(end, date.today()) if date.today().year == year else end
    if as_of.year != year:
        raise InvalidArgumentError(f"asOf ({as_of}) is not in {year}")
    return as_of


def _school(engine: Engine, mapping: AnnualMapping, as_of: date) -> Subject:
    if mapping.school:
        return engine.subject(mapping.school, as_of)
    found = sorted((s for s in engine.records("Subject", as_of).values()
                    if isinstance(s, Subject) and s.level is Level.SCHOOL), key=lambda s: s.id)
    if not found:
        raise InvalidArgumentError("the graph has no SCHOOL-level subject: name one with school: in "
                                   "annual_report.yaml")
    return found[0]


def _tables(engine: Engine, mapping: AnnualMapping, year: int, as_of: date) -> list[AnnualTable]:
    now, before = engine.snapshot(as_of), engine.snapshot(date(year - 1, 12, 31))
    metrics = now.structure.graph.metrics

    def scaled(value: float | None, scale: float) -> float | None:
        return None if value is None else value * scale

    tables = []
    for t in layout().tables:
        rows = []
        for r in t.rows:
            m = mapping.rows.get((t.name, r.name))
            metric = metrics.get(m.metric) if m is not None else None
            if m is None or metric is None:
                rows.append(TableRow(r.name, r.unit, None))
                continue
            rows.append(TableRow(r.name, r.unit, metric, scaled(before.value(metric.id), m.scale),
                                 scaled(now.value(metric.id), m.scale)))
        tables.append(AnnualTable(t.name, rows))
    return tables


def _goal_lines(engine: Engine, goals: list[Goal], start: date, as_of: date) -> dict[str, GoalLine]:
    trends = goal_trends(engine, [g.id for g in goals], start, as_of)
    snap = engine.snapshot(as_of)
    return {g.id: GoalLine(g, snap.attainment(g.id), snap.goal_value(g.id).coverage, snap.goal_status(g),
                           trends[g.id], summarise(trends[g.id])) for g in goals}


def _year_warnings(engine: Engine, start: date, as_of: date) -> list[YearWarning]:
    """Every warning due at a month end of the year (and at ``as_of``), by id, as last seen."""
    seen: dict[str, YearWarning] = {}
    dates = month_ends(start, as_of)
    for when in dates:
        for w in engine.warnings(when):
            held = seen.get(w.id)
            seen[w.id] = YearWarning(w, held.first_seen if held else when, False)
    for w in engine.warnings(as_of):
        seen[w.id].open = True
    return sorted(seen.values(), key=lambda y: (-SEVERITY_RANK[y.warning.severity], not y.open,
                                                y.warning.id))


def _improvements(engine: Engine, year: int, units: dict[str, Unit], as_of: date) -> list[ImprovementLine]:
    out = []
    for key in sorted(engine.event_keys(STREAM)):
        unit = units.get(key)
        if unit is not None and str(unit.type) not in DEPARTMENTS:
            continue
        subject = engine.node(key, as_of)
        if unit is None and not (isinstance(subject, Subject) and subject.level in PUBLIC_LEVELS):
            continue
        if not engine.events(STREAM, key):
            continue
        name = unit.name if unit is not None else subject.name  # type: ignore[union-attr]
        for m in spiral_view(engine, key, as_of).improvements:
            if m.recorded[:4] == str(year) or (m.due is not None and m.due.year == year):
                out.append(ImprovementLine(m, name, units.get(m.owner or "")))
    return sorted(out, key=lambda i: i.measure.recorded)[:MAX_IMPROVEMENTS]


def annual_report(engine: Engine, year: int, mapping: AnnualMapping,
                  as_of: date | None = None) -> AnnualReport:
    """The 质量年报 data of ``year`` (at its last day, or at ``as_of`` inside it) with ``mapping``."""
    as_of = report_date(year, as_of)
    start = date(year, 1, 1)
    school = _school(engine, mapping, as_of)
    units = engine.units(as_of)
    subjects = Counter(str(s.level) for s in engine.records("Subject", as_of).values()
                       if isinstance(s, Subject))
    structure = engine.snapshot(as_of).structure
    goals = engine.subject_goals(school, as_of)
    ids = {g.id for g in goals}
    top = [g for g in goals if not any(e.parent in ids for e in structure.parents.get(g.id, []))]
    children = {g.id: [e.child for e in structure.children.get(g.id, [])] for g in goals}
    lines = _goal_lines(engine, goals, start, as_of)
    sections: dict[str, list[GoalLine]] = {}
    section_metrics: dict[str, list[MetricLine]] = {}
    snap = engine.snapshot(as_of)
    for name in layout().goal_sections:
        chosen = [g for g in mapping.sections.get(name, ()) if g in lines]
        annual = [c for g in chosen for c in children.get(g, []) if c in lines and c not in chosen]
        members = list(dict.fromkeys([*chosen, *annual]))
        sections[name] = [lines[g] for g in members]
        metric_ids = dict.fromkeys(c for g in members for c in children.get(g, [])
                                   if c in structure.graph.metrics)
        found = [structure.graph.metrics[m] for m in metric_ids]
        section_metrics[name] = [MetricLine(m, snap.value(m.id), snap.attainment(m.id), snap.metric_status(m))
                                 for m in found]
    warnings = _year_warnings(engine, start, as_of)
    school_warnings = [w for w in warnings if w.warning.level in (Level.SCHOOL, None)][:MAX_SCHOOL_WARNINGS]
    return AnnualReport(year, as_of, school, units, dict(subjects),
                        sum(1 for u in units.values() if str(u.type) in DEPARTMENTS),
                        [lines[g.id] for g in top], sections, section_metrics,
                        _tables(engine, mapping, year, as_of), warnings, school_warnings,
                        _improvements(engine, year, units, as_of))

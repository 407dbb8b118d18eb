"""预警简报: the warnings of one unit, one job and one period, as its head may see them, in words.

A unit's bulletin is read through ``engine.for_principal`` with the unit head's principal (UNIT_HEAD of
that unit): a warning the head may not read — a student of another college, a teacher of another
department — never reaches the unit's channels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from zhengai import texts
from zhengai.domain.enums import Level
from zhengai.domain.models import Goal, Metric, Subject
from zhengai.engine.engine import Engine
from zhengai.engine.monitoring import SEVERITY_RANK, Severity, Warning
from zhengai.notify.periods import job_of, period_name
from zhengai.security.tokens import Principal, Role


def unit_head(unit_id: str, unit_name: str | None = None) -> Principal:
    """The principal a unit's bulletin is read as: the head (负责人) of that unit."""
    return Principal(f"notify:{unit_id}", texts.say("notify.head", unit=unit_name or unit_id),
                     frozenset({Role.UNIT_HEAD}), unit=unit_id)


@dataclass(frozen=True)
class Bulletin:
    """One 预警简报: the unit, the job and period, the warnings (most severe first)."""

    unit_id: str
    unit_name: str
    job: str
    period: str
    warnings: tuple[Warning, ...]
    escalation: bool = False  # sent to the 分管领导: unacknowledged RED warnings

    @property
    def title(self) -> str:
        """The subject line: 【预警简报】教务处 · 学校层面 · 2026年11月."""
        key = "notify.escalation_title" if self.escalation else "notify.title"
        return texts.say(key, unit=self.unit_name, job=texts.label("notify.job", self.job),
                         period=period_name(self.period))

    def counts(self) -> str:
        """红色预警 2 条、黄色预警 5 条."""
        parts = []
        for sev in (Severity.RED, Severity.YELLOW, Severity.INFO):
            n = sum(1 for w in self.warnings if w.severity is sev)
            if n:
                parts.append(texts.say("notify.count", severity=texts.label("severity", sev), count=n))
        return "、".join(parts)


def _course_category(engine: Engine, warning: Warning, when: date) -> str | None:
    """The category of the course a COURSE warning is about (课程建设 or 课程教学)."""
    state = engine.base.state
    node = state.node(warning.node_id, when)
    subject_id = None
    if isinstance(node, Goal):
        subject_id = node.subject
    elif isinstance(node, Metric) and node.measures:
        goal = state.node(node.measures[0].goal, when)
        subject_id = goal.subject if isinstance(goal, Goal) else None
    subject = state.node(subject_id, when) if subject_id else None
    return subject.category if isinstance(subject, Subject) else None


def unit_warnings(engine: Engine, unit_id: str, when: date, min_severity: Severity) -> Sequence[Warning]:
    """The warnings of a unit and its sub-units at ``when`` that the unit's head may read."""
    unit = engine.base.state.units(when).get(unit_id)
    view = engine.for_principal(unit_head(unit_id, unit.name if unit else None))
    return view.warnings(when, unit_id=unit_id, min_severity=min_severity)


def bulletins(engine: Engine, unit_id: str, when: date, jobs: set[str], periods: dict[str, str],
              min_severity: Severity) -> list[Bulletin]:
    """The unit's bulletins of ``jobs`` at ``when`` (``periods``: each job's current period); a job
    without warnings gives none."""
    unit = engine.base.state.units(when).get(unit_id)
    if unit is None:
        return []
    by_job: dict[str, list[Warning]] = {}
    for w in unit_warnings(engine, unit_id, when, min_severity):
        category = _course_category(engine, w, when) if w.level is Level.COURSE else None
        job = job_of(w.level, category)
        if job in jobs:
            by_job.setdefault(job, []).append(w)
    return [Bulletin(unit_id, unit.name, job, periods[job], tuple(sorted(
        found, key=lambda w: (-SEVERITY_RANK[w.severity], w.id)))) for job, found in by_job.items()]

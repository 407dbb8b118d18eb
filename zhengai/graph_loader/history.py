"""The 8字螺旋 history a dataset ships (``history`` of dataset.yaml), turned into spiral events.

Each entry is one cycle of one subject's spiral: the big-loop stages it reached, each with the day it
began, and the improvements (改进措施) recorded in it, each answering warnings by id (``TYPE:NODE``, as
``warnings`` names them). The loader checks every entry (located errors: the line of the field) and emits,
per subject, a stage event for each stage reached (``from`` the stage before; a subject starts at 实施)
and an improvement event for each measure, all dated (``at``) so that a spiral read on an earlier day
sees only what had happened by then::

    history:
      - subject: SCH
        cycle: 2025年度
        stages:
          - {stage: DIAGNOSE, at: 2025-12-20}
          - {stage: IMPROVE, at: 2026-01-12}
          - {stage: GOAL, at: 2026-01-20}     # 改进 → 目标: the round is complete, the next cycle begins
        improvements:
          - {id: IMP-SCH-2025-1, measure: …, owner: RSC, at: 2026-01-10, due: 2026-06-30,
             answers: ["BELOW_FLOOR:M-SSR"], done: true}
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zhengai.domain.enums import Level, SpiralKind, UnitType
from zhengai.domain.models import Dataset, Id, Subject
from zhengai.domain.spiral import DEFAULT_STAGE, Stage, spiral_kinds

SECTION = "history"
#: Entries a dataset may ship (a college's whole history of cycles fits easily).
MAX_ENTRIES = 100_000


class HistoryStage(BaseModel):
    """A big-loop stage a cycle reached, and the day it began."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    stage: Stage
    at: date


class HistoryImprovement(BaseModel):
    """改进措施 recorded in a cycle, answering warnings (``TYPE:NODE``) of that cycle."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    id: Id = Field(min_length=1, max_length=100)
    measure: str = Field(min_length=1, max_length=2000)
    owner: Id | None = None
    at: date
    due: date | None = None
    answers: list[str] = Field(default_factory=list, max_length=100)
    done: bool = False


class HistoryCycle(BaseModel):
    """One cycle of a subject's spiral (``spiral``: which one, for a course; default its main one)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    subject: Id
    spiral: SpiralKind | None = None
    cycle: str | None = None  # a label: 2025年度, 2025–2026学年第一学期 …
    stages: list[HistoryStage] = Field(default_factory=list)
    improvements: list[HistoryImprovement] = Field(default_factory=list)


Report = Callable[[tuple[str | int, ...], str], None]  # (path under the section, message)


def _subject(ds: Dataset, subject_id: str) -> Subject | None:
    """The subject an entry names: a quality subject, or a 职能部门/二级学院 by its unit id."""
    found = ds.subjects.get(subject_id)
    unit = ds.units.get(subject_id)
    if found is None and unit is not None and unit.type in (UnitType.OFFICE, UnitType.COLLEGE):
        found = Subject(id=unit.id, name=unit.name, level=Level.SCHOOL, unit=unit.id)
    return found


def _answer_problem(answer: str, nodes: set[str]) -> str | None:
    kind, colon, node = answer.partition(":")
    if not colon or not kind or not node:
        return f"a warning id is TYPE:NODE (e.g. BELOW_FLOOR:M-SSR), got {answer!r}"
    if node not in nodes:
        return f"the warning {answer!r} names no goal, metric or task of the dataset"
    return None


Problems = list[tuple[tuple[str | int, ...], str]]


def _stage_events(entry: HistoryCycle, i: int, stage: Stage, last: date | None, problems: Problems
                  ) -> tuple[list[dict[str, Any]], Stage, date | None]:
    """The stage events of an entry from ``stage`` (reached on ``last``), and where they leave it."""
    made = []
    for j, step in enumerate(entry.stages):
        where = (i, "stages", j)
        if step.stage is stage:
            problems.append(((*where, "stage"), f"already at {step.stage.value} by then"))
        if last is not None and step.at < last:
            problems.append(((*where, "at"), f"{step.at} comes before the stage recorded before it "
                                             f"({last}): list a spiral's stages in the order they came"))
        made.append({"kind": "stage", "from": stage.value, "to": step.stage.value, "at": step.at.isoformat()})
        stage, last = step.stage, step.at
    return made, stage, last


def _improvement_events(entry: HistoryCycle, i: int, subject_id: str, ds: Dataset, nodes: set[str],
                        ids: dict[tuple[str, str], int], problems: Problems) -> list[dict[str, Any]]:
    """The improvement events of an entry (ids unique per subject, owners known, answers well-formed)."""
    made = []
    for j, m in enumerate(entry.improvements):
        where = (i, "improvements", j)
        first = ids.setdefault((subject_id, m.id), i)
        if first != i or sum(1 for other in entry.improvements if other.id == m.id) > 1:
            problems.append(((*where, "id"), f"improvement id {m.id!r} of {subject_id} is given twice"))
        if m.owner is not None and m.owner not in ds.units:
            problems.append(((*where, "owner"), f"unknown unit id {m.owner!r}"))
        if m.due is not None and m.due < m.at:
            problems.append(((*where, "due"), f"due {m.due} comes before it was recorded ({m.at})"))
        for k, answer in enumerate(m.answers):
            if (problem := _answer_problem(answer, nodes)) is not None:
                problems.append(((*where, "answers", k), problem))
        made.append({"kind": "improvement", "id": m.id, "measure": m.measure, "owner": m.owner,
                     "due": m.due.isoformat() if m.due else None, "answers": list(m.answers), "done": m.done,
                     "at": m.at.isoformat()})
    return made


def _entry(item: Any, i: int, ds: Dataset, report: Report) -> tuple[HistoryCycle, Subject, SpiralKind] | None:
    """An entry read and its subject and spiral checked (None after reporting why not)."""
    if not isinstance(item, dict):
        report((i,), f"{SECTION}[{i}] must be a mapping")
        return None
    label = f"{SECTION}[{i}]" + (f" ({item['subject']})" if "subject" in item else "")
    try:
        entry = HistoryCycle.model_validate(item)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "enum":
                msg = f"bad value {err['input']!r}; expected {err['ctx']['expected']}"
            elif err["type"] == "extra_forbidden":
                msg = "unknown field"
            report((i, *loc), f"{label}: {'.'.join(map(str, loc))}: {msg}")
        return None
    subject = _subject(ds, entry.subject)
    if subject is None:
        report((i, "subject"), f"{label}: subject: unknown subject id {entry.subject!r} (a quality subject, "
                               "or a 职能部门/二级学院 by its unit id)")
        return None
    kinds = spiral_kinds(subject)
    kind = entry.spiral or kinds[0]
    if kind not in kinds:
        report((i, "spiral"), f"{label}: spiral: {entry.subject} runs no {kind.value} spiral (it runs "
                              f"{', '.join(k.value for k in kinds)})")
        return None
    return entry, subject, kind


def read_history(items: Any, ds: Dataset, report: Report) -> list[tuple[str, dict[str, Any]]]:
    """The spiral events of the ``history`` section (after the records are read), reporting each problem
    at its path; entries with problems give no events."""
    if items is None:
        return []
    if not isinstance(items, list):
        report((), f"{SECTION} must be a list")
        return []
    if len(items) > MAX_ENTRIES:
        report((), f"{SECTION} holds {len(items):,} entries; at most {MAX_ENTRIES:,}")
        return []
    nodes = set(ds.goals) | set(ds.metrics) | set(ds.tasks)
    current: dict[tuple[str, SpiralKind], tuple[Stage, date | None]] = {}
    ids: dict[tuple[str, str], int] = {}
    events: list[tuple[str, dict[str, Any]]] = []
    for i, item in enumerate(items):
        read = _entry(item, i, ds, report)
        if read is None:
            continue
        entry, subject, kind = read
        problems: Problems = []
        stage, last = current.get((subject.id, kind), (DEFAULT_STAGE, None))
        made, stage, last = _stage_events(entry, i, stage, last, problems)
        made += _improvement_events(entry, i, subject.id, ds, nodes, ids, problems)
        for path, message in problems:
            report(path, f"{SECTION}[{i}] ({entry.subject}): {'.'.join(map(str, path[1:]))}: {message}")
        if problems:
            continue
        current[(subject.id, kind)] = (stage, last)
        made.sort(key=lambda e: e["at"])  # stable: stages keep their order
        named = {k: v for k, v in (("spiral", entry.spiral and entry.spiral.value), ("cycle", entry.cycle))
                 if v}
        events += [(subject.id, {**e, **named, "recorded": e["at"], "source": "dataset"}) for e in made]
    return events

"""The plan workbook's layout: one sheet per section of the dataset (单位, 质量主体, 规划, 目标, 指标, 标准,
任务), the relationships (关联), the observations (观测) and a 说明 sheet. Headers and sheet names are the
catalogue's words (``workbook.sheet``, ``workbook.column``); choices are written as their Chinese words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhengai import texts
from zhengai.domain.changes import LINK_FIELDS, LinkKind
from zhengai.domain.models import Goal, Metric, Period, Plan, Record, Task, Thresholds

#: Rows of one observations sheet (Excel holds 1,048,576; later ones go on 观测2, 观测3 …).
OBSERVATION_ROWS = 1_000_000


@dataclass(frozen=True)
class Column:
    """One column: the record field it holds (``key``: its header in the catalogue), how it is read."""

    key: str
    type: str = "text"  # text, id, number, date, choice, ref
    choices: str | None = None  # a label table of the catalogue (level, system …)
    ref: str | None = None  # the kind a ref column names (drop-down of that sheet's ids)
    required: bool = False
    percent: str | None = None  # what 85% means: "points", "fraction" or None (refused)
    field: str | None = None  # the record field (default: key)

    @property
    def header(self) -> str:
        """The column's Chinese header."""
        return texts.say(f"workbook.column.{self.key}")

    @property
    def name(self) -> str:
        """The record field it holds."""
        return self.field or self.key


@dataclass(frozen=True)
class Sheet:
    """One sheet: its key (a node kind, ``links`` or ``observations``) and its columns."""

    key: str
    columns: tuple[Column, ...]

    @property
    def title(self) -> str:
        """The sheet's Chinese name."""
        return texts.say(f"workbook.sheet.{self.key}")

    def choices(self, column: Column) -> Mapping[str, str]:
        """Code → word of a choice column."""
        return texts.labels(column.choices or "")


ID = Column("id", "id", required=True)
NAME = Column("name", required=True)
NODE_SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "Unit",
        (
            ID,
            NAME,
            Column("system", "choice", "system", required=True),
            Column("parent", "ref", ref="Unit"),
            Column("leader"),
        ),
    ),
    Sheet(
        "Subject",
        (
            ID,
            NAME,
            Column("level", "choice", "level", required=True),
            Column("unit", "ref", ref="Unit"),
            Column("tier"),
            Column("category"),
            Column("major", "ref", ref="Subject"),
        ),
    ),
    Sheet(
        "Plan",
        (
            ID,
            NAME,
            Column("parent", "ref", ref="Plan"),
            Column("period_start", "date"),
            Column("period_end", "date"),
        ),
    ),
    Sheet(
        "Goal",
        (
            ID,
            NAME,
            Column("level", "choice", "level", required=True),
            Column("aggregate", "choice", "aggregate"),
            Column("period_start", "date"),
            Column("period_end", "date"),
            Column("subject", "ref", ref="Subject"),
            Column("owner", "ref", ref="Unit"),
            Column("thresholds_green", "number", percent="fraction"),
            Column("thresholds_yellow", "number", percent="fraction"),
            Column("description"),
        ),
    ),
    Sheet(
        "Metric",
        (
            ID,
            NAME,
            Column("measure_unit", field="unit"),
            Column("direction", "choice", "direction"),
            Column("baseline", "number", percent="points"),
            Column("target", "number", required=True, percent="points"),
            Column("floor", "number", percent="points"),
            Column("min_value", "number", percent="points"),
            Column("max_value", "number", percent="points"),
            Column("frequency", "choice", "frequency"),
            Column("source"),
            Column("owner", "ref", ref="Unit"),
        ),
    ),
    Sheet("Standard", (ID, NAME, Column("level", "choice", "level"))),
    Sheet(
        "Task",
        (
            ID,
            NAME,
            Column("lead_unit", "ref", ref="Unit"),
            Column("leader"),
            Column("content"),
            Column("start", "date"),
            Column("due", "date"),
            Column("budget", "number"),
            Column("spent", "number"),
            Column("deliverable"),
            Column("progress", "number", percent="fraction"),
        ),
    ),
)
LINKS = Sheet(
    "links",
    (
        Column("relation", "choice", "link_kind", required=True),
        Column("source_id", "id", required=True, field="source"),
        Column("target_id", "id", required=True, field="target"),
        Column("weight", "number"),
    ),
)
OBSERVATIONS = Sheet(
    "observations",
    (
        Column("metric", "ref", ref="Metric", required=True),
        Column("at", "date", required=True),
        Column("value", "number", required=True, percent="points"),
        Column("source"),
    ),
)
BY_KIND = {s.key: s for s in NODE_SHEETS}


def row_of(record: Record) -> list[Any]:
    """A record's cells in its sheet's column order (choices as their words, blanks as None)."""
    sheet = BY_KIND[record.kind]
    data = scalar_fields(record)
    out: list[Any] = []
    for column in sheet.columns:
        value = data.get(column.name)
        if column.type == "choice" and value is not None:
            value = texts.label(column.choices or "", value)
        out.append(value)
    return out


def scalar_fields(record: Record) -> dict[str, Any]:
    """The fields a node sheet holds (periods and thresholds as two columns each), by record field."""
    data = {
        k: v
        for k, v in record.model_dump().items()
        if not isinstance(v, list | dict) or k in ("period", "thresholds")
    }
    period = data.pop("period", None)
    if isinstance(record, Goal | Plan):
        data["period_start"] = period["start"] if period else None
        data["period_end"] = period["end"] if period else None
    thresholds = data.pop("thresholds", None)
    if isinstance(record, Goal):
        data["thresholds_green"] = thresholds["green"] if thresholds else None
        data["thresholds_yellow"] = thresholds["yellow"] if thresholds else None
    return {
        k: (v.value if hasattr(v, "value") and not isinstance(v, int | float) else v) for k, v in data.items()
    }


def record_fields(kind: str, cells: Mapping[str, Any]) -> dict[str, Any]:
    """The record fields of a sheet row's parsed cells (two-column periods and thresholds joined; blank
    choices and amounts take the model's default)."""
    out = dict(cells)
    if kind in ("Goal", "Plan"):
        start, end = out.pop("period_start", None), out.pop("period_end", None)
        out["period"] = None if start is None and end is None else {"start": start, "end": end}
    if kind == "Goal":
        green, yellow = out.pop("thresholds_green", None), out.pop("thresholds_yellow", None)
        defaults = Thresholds()
        out["thresholds"] = (
            None
            if green is None and yellow is None
            else {
                "green": defaults.green if green is None else green,
                "yellow": defaults.yellow if yellow is None else yellow,
            }
        )
    model = {"Goal": Goal, "Metric": Metric, "Task": Task}.get(kind)
    if model is not None:
        for name, info in model.model_fields.items():
            if (
                name in out
                and out[name] is None
                and info.default is not None
                and not info.is_required()
                and not callable(info.default)
            ):
                out[name] = info.default
    return out


def comparable(kind: str, record: Record) -> dict[str, Any]:
    """A record's sheet fields as :func:`record_fields` gives them, to compare a row with the graph."""
    data = scalar_fields(record)
    return record_fields(kind, {k: data.get(k) for k in (c.name for c in BY_KIND[kind].columns)})


#: link kind → (source kind, record field, target kind, weighted), as applyChanges has them.
LINK_KINDS: dict[LinkKind, tuple[str, str, str, bool]] = dict(LINK_FIELDS)


def links_of(record: Record) -> list[tuple[LinkKind, str, str, float | None]]:
    """The relationships a record holds, as 关联 rows (kind, source, target, weight)."""
    out = []
    for kind, (source_kind, name, _, weighted) in LINK_KINDS.items():
        if record.kind != source_kind:
            continue
        for item in getattr(record, name):
            if weighted:
                out.append((kind, record.id, item.goal, item.weight))
            else:
                out.append((kind, record.id, item, None))
    return out


__all__ = [
    "BY_KIND",
    "LINKS",
    "NODE_SHEETS",
    "OBSERVATIONS",
    "OBSERVATION_ROWS",
    "Column",
    "Period",
    "Sheet",
    "comparable",
    "links_of",
    "record_fields",
    "row_of",
    "scalar_fields",
]

"""The 质量年报 mapping: which metric fills which row of the national layout's five tables (计分卡,
资源表, 服务贡献表, 落实政策表, 国际影响表), and which school goals each narrative section tells of. A
dataset file (``annual_report.yaml`` next to ``dataset.yaml``), checked by ``zhengai validate`` with
``file:line`` errors::

    school: SCH                         # the school subject (default: the dataset's SCHOOL subject)
    sections:                           # 叙述部分: the school goals of 人才培养, 服务贡献, 政策保障
      人才培养: [S-EMP, S-MAJOR]
    rows:
      - {table: 计分卡, row: 就业率, metric: M-EMP-RATE}
      - {table: 资源表, row: 教学科研仪器设备值, metric: M-EQUIP-TOTAL, scale: 0.0001}   # 元 → 万元

The layout itself (tables, rows and their units, the narrative sections) is national, not the
dataset's: ``annual_layout.yaml`` beside this module. Rows no entry names are 未映射 in the report.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

import yaml

from zhengai import texts
from zhengai.graph_loader.yaml_source import read_located_yaml

__all__ = ["FILE_NAME", "AnnualMapping", "AnnualMappingError", "Layout", "LayoutRow", "LayoutTable", "RowMap",
           "layout", "load_mapping", "parse_mapping"]

FILE_NAME = "annual_report.yaml"
_TOP = {"school", "sections", "rows"}
_ROW_KEYS = {"table", "row", "metric", "scale"}


@dataclass(frozen=True)
class LayoutRow:
    """A row of a national table: its name and unit."""

    name: str
    unit: str


@dataclass(frozen=True)
class LayoutTable:
    """A national table (计分卡 …) and its rows in order."""

    name: str
    rows: tuple[LayoutRow, ...]


@dataclass(frozen=True)
class Layout:
    """The national layout of the 质量年报: its narrative sections and its tables."""

    sections: tuple[str, ...]
    goal_sections: tuple[str, ...]
    tables: tuple[LayoutTable, ...]

    def table(self, name: str) -> LayoutTable | None:
        """The table of that name, if the layout has it."""
        return next((t for t in self.tables if t.name == name), None)


@cache
def layout() -> Layout:
    """The national layout (``annual_layout.yaml``), read once."""
    raw = yaml.safe_load(files("zhengai.engine.reports").joinpath("annual_layout.yaml").read_text("utf-8"))
    tables = tuple(LayoutTable(t["name"], tuple(LayoutRow(r["name"], str(r["unit"])) for r in t["rows"]))
                   for t in raw["tables"])
    return Layout(tuple(raw["sections"]), tuple(raw["goal_sections"]), tables)


@dataclass(frozen=True)
class RowMap:
    """One row's metric: the value shown is the metric's × ``scale``; ``line`` in the mapping file."""

    table: str
    row: str
    metric: str
    scale: float = 1.0
    line: int = 0


@dataclass
class AnnualMapping:
    """The mapping file: rows by (table, row), goals by narrative section, the school subject."""

    rows: dict[tuple[str, str], RowMap] = field(default_factory=dict)
    sections: dict[str, tuple[str, ...]] = field(default_factory=dict)
    school: str | None = None
    path: Path | None = None


class AnnualMappingError(ValueError):
    """A mapping file that cannot be used: its ``file:line: reason`` messages."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


def _say(key: str, /, **params: object) -> str:
    return texts.say(f"annual_report.mapping.{key}", **params)


def _row(raw: object, line: int, where: str,
         known: Collection[str] | None) -> tuple[RowMap | None, list[str]]:
    if not isinstance(raw, dict):
        return None, [f"{where}:{line}: {_say('not_entry')}"]
    errors = [f"{where}:{line}: {_say('unknown_key', key=k, allowed=sorted(_ROW_KEYS))}"
              for k in raw if k not in _ROW_KEYS]
    table, row, metric = (str(raw.get(k) or "").strip() for k in ("table", "row", "metric"))
    found = layout().table(table)
    if found is None:
        names = [t.name for t in layout().tables]
        errors.append(f"{where}:{line}: {_say('unknown_table', table=table, tables=names)}")
    elif row not in {r.name for r in found.rows}:
        errors.append(f"{where}:{line}: {_say('unknown_row', table=table, row=row)}")
    if not metric:
        errors.append(f"{where}:{line}: {_say('no_metric')}")
    elif known is not None and metric not in known:
        errors.append(f"{where}:{line}: {_say('unknown_metric', id=metric)}")
    scale = raw.get("scale", 1)
    if isinstance(scale, bool) or not isinstance(scale, int | float) or scale == 0:
        errors.append(f"{where}:{line}: {_say('bad_scale')}")
    if errors:
        return None, errors
    return RowMap(table, row, metric, float(scale), line), []


def _sections(raw: object, doc, where: str, goal_ids: Collection[str] | None) -> tuple[dict, list[str]]:
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return {}, [f"{where}:{doc.line_of(('sections',))}: {_say('sections_shape')}"]
    out, errors, seen = {}, [], {}
    allowed = layout().goal_sections
    for name, goals in raw.items():
        line = doc.line_of(("sections", name))
        if name not in allowed:
            errors.append(f"{where}:{line}: {_say('unknown_section', section=name, sections=list(allowed))}")
            continue
        if not isinstance(goals, list) or not all(isinstance(g, str) and g.strip() for g in goals):
            errors.append(f"{where}:{line}: {_say('section_goals', section=name)}")
            continue
        for i, g in enumerate(goals):
            at = doc.line_of(("sections", name, i))
            if goal_ids is not None and g not in goal_ids:
                errors.append(f"{where}:{at}: {_say('unknown_goal', id=g)}")
            elif g in seen:
                errors.append(f"{where}:{at}: {_say('goal_twice', id=g, section=seen[g])}")
            seen.setdefault(g, name)
        out[name] = tuple(g.strip() for g in goals)
    return out, errors


def parse_mapping(text: str, where: str, metric_ids: Collection[str] | None = None,
                  goal_ids: Collection[str] | None = None,
                  subject_ids: Collection[str] | None = None) -> AnnualMapping:
    """The mapping in ``text`` (``where`` names it in messages); AnnualMappingError lists every problem,
    with unknown metric, goal and subject ids when their collections are given."""
    try:
        doc = read_located_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = getattr(exc, "line", None) or (mark.line + 1 if mark else 1)
        reason = getattr(exc, "problem", None) or exc
        raise AnnualMappingError([f"{where}:{line}: {_say('not_yaml', reason=reason)}"]) from None
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise AnnualMappingError([f"{where}:1: {_say('shape')}"])
    errors = [f"{where}:{doc.line_of((k,))}: {_say('unknown_key', key=k, allowed=sorted(_TOP))}"
              for k in data if k not in _TOP]
    out = AnnualMapping()
    school = data.get("school")
    if school is not None:
        out.school = str(school).strip()
        if subject_ids is not None and out.school not in subject_ids:
            errors.append(f"{where}:{doc.line_of(('school',))}: {_say('unknown_school', id=out.school)}")
    out.sections, problems = _sections(data.get("sections"), doc, where, goal_ids)
    errors += problems
    for i, raw in enumerate(data["rows"]):
        line = doc.line_of(("rows", i))
        entry, problems = _row(raw, line, where, metric_ids)
        errors += problems
        if entry is None:
            continue
        key = (entry.table, entry.row)
        if key in out.rows:
            again = _say("row_twice", table=entry.table, row=entry.row, line=out.rows[key].line)
            errors.append(f"{where}:{line}: {again}")
            continue
        out.rows[key] = entry
    if errors:
        raise AnnualMappingError(errors)
    return out


def load_mapping(path: Path, metric_ids: Collection[str] | None = None,
                 goal_ids: Collection[str] | None = None,
                 subject_ids: Collection[str] | None = None) -> AnnualMapping:
    """The mapping file at ``path`` (AnnualMappingError with ``file:line`` messages)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnnualMappingError([f"{path}:1: {_say('unreadable', reason=exc)}"]) from None
    mapping = parse_mapping(text, str(path), metric_ids, goal_ids, subject_ids)
    mapping.path = path
    return mapping

"""The builder: records of a dataset (design.md §3) and the writers of a dataset folder.

Both generators make every record with the functions below and hand it to a writer:
:class:`DatasetWriter` keeps all records in ``dataset.yaml`` (the bundled demo);
:class:`CsvDatasetWriter` streams subjects, goals and metrics with their links into the CSV tables of
:mod:`zhengai.graph_loader.csv_tables` and keeps the rest for ``dataset.yaml`` (the synthetic
datasets). Either writes ``observations.csv`` row by row. A record is a dict in the key order of the
YAML format without its empty fields; numbers stay as given (an int is written ``3``, a float ``3.0``).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

import yaml

from zhengai.domain.models import SECTIONS
from zhengai.graph_loader.csv_tables import LINK_TABLES, OBSERVATION_COLUMNS, RECORD_TABLES
from zhengai.graph_loader.generators.names import MetricTemplate, Period

Record = dict[str, Any]
Links = Sequence[tuple[str, float]]  # (goal id, weight)

#: the dataset sections, in the order of dataset.yaml
NODE_KINDS: tuple[str, ...] = tuple(SECTIONS)
#: the rows of the link and observation tables
LINK_KINDS: tuple[str, ...] = ("supports", "measures", "observations")
#: CSV file (without .csv) → its columns, as the loader reads them
CSV_TABLES: dict[str, tuple[str, ...]] = {
    "subjects": RECORD_TABLES["subjects.csv"][1],
    "goals": RECORD_TABLES["goals.csv"][1],
    "supports": (*LINK_TABLES["supports.csv"][1:3], "weight"),
    "metrics": RECORD_TABLES["metrics.csv"][1],
    "measures": (*LINK_TABLES["measures.csv"][1:3], "weight"),
    "observations": OBSERVATION_COLUMNS,
}
_LINKS = {"goals": "supports", "metrics": "measures"}  # section → its link field (and link table)


def _compact(**fields: Any) -> Record:
    """The fields that are set: None and empty lists left out."""
    return {k: v for k, v in fields.items() if v is not None and (type(v) is not list or v)}


def _period(period: Period | None) -> dict[str, date] | None:
    return None if period is None else {"start": period.start, "end": period.end}


def _links(pairs: Links) -> list[dict[str, Any]]:
    return [{"goal": goal, "weight": weight} for goal, weight in pairs]


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


def unit(uid: str, name: str, system: str, *, parent: str | None = None, leader: str | None = None) -> Record:
    """A 组织单位 of one of the 五纵 systems."""
    return _compact(id=uid, name=name, system=system, parent=parent, leader=leader)


def plan(pid: str, name: str, *, parent: str | None = None, period: Period | None = None) -> Record:
    """A plan of the 规划链."""
    return _compact(id=pid, name=name, parent=parent, period=_period(period))


def subject(sid: str, name: str, level: str, unit: str | None, *, tier: str | None = None,
            category: str | None = None, major: str | None = None) -> Record:
    """A quality subject (学校, 专业, 课程, 教师 or 学生)."""
    return _compact(id=sid, name=name, level=level, unit=unit, tier=tier, category=category, major=major)


def standard(sid: str, name: str, level: str, specifies: Sequence[str]) -> Record:
    """A standard of the 标准链 and the metrics it specifies."""
    return _compact(id=sid, name=name, level=level, specifies=list(specifies))


def goal(gid: str, name: str, level: str, *, period: Period, owner: str, subject: str | None = None,
         supports: Links = (), derived_from: Sequence[str] = (), aggregate: str | None = None,
         description: str | None = None) -> Record:
    """A goal of the 目标链 with the parent goals it supports and the plans it comes from."""
    return _compact(id=gid, name=name, level=level, aggregate=aggregate, period=_period(period),
                    supports=_links(supports), subject=subject, owner=owner, derived_from=list(derived_from),
                    description=description)


def metric(mid: str, name: str, template: MetricTemplate, *, owner: str, goal: str) -> Record:
    """A metric made from ``template`` that measures ``goal`` with the template's weight."""
    t = template
    return _compact(id=mid, name=name, unit=t.unit, direction=t.direction, baseline=t.baseline,
                    target=t.target, floor=t.floor, frequency=t.frequency, source=t.source, owner=owner,
                    measures=_links([(goal, t.weight)]))


def task(tid: str, name: str, *, advances: Sequence[str], lead_unit: str, leader: str, start: date,
         budget: float, spent: float, progress: float, units: Sequence[str] = (), content: str | None = None,
         due: date | None = None, deliverable: str | None = None) -> Record:
    """A task (一页纸项目) with its units, dates, budget in 万元 and progress."""
    return _compact(id=tid, name=name, advances=list(advances), lead_unit=lead_unit, units=list(units),
                    leader=leader, content=content, start=start, due=due, budget=budget, spent=spent,
                    deliverable=deliverable, progress=progress)


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------


def number_text(value: float | None) -> str:
    """A number as CSV text: integral values without a decimal point, None as an empty cell."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # no &anchors / *aliases: every record stands alone
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:  # indent lists
        return super().increase_indent(flow, False)


def yaml_text(header: str, sections: dict[str, list[Record]], titles: dict[str, str] | None = None) -> str:
    """``dataset.yaml``: the header comment, then each section (after a ``# title`` line if given)."""
    parts = [header]
    for name, section in sections.items():
        if not section:  # a kind the dataset does not use (e.g. no 考核 schemes) is left out
            continue
        if titles:
            parts.append(f"\n# {titles[name]}\n")
        parts.append(yaml.dump({name: section}, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                               default_flow_style=False, width=120))
    return "".join(parts)


class DatasetWriter:
    """Writes a dataset folder: every record in ``dataset.yaml``, observations in ``observations.csv``.

    It counts what it wrote. Use it as a context manager: each file is written as ``<name>.part`` and
    replaces ``<name>`` when the block ends without an error (after an error the folder keeps its
    files and the parts are removed).
    """

    yaml_sections: tuple[str, ...] = NODE_KINDS  # the sections kept for dataset.yaml

    def __init__(self, out: Path, header: str, titles: dict[str, str] | None = None) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.header = header
        self.titles = titles
        self.counts: dict[str, int] = dict.fromkeys((*NODE_KINDS, *LINK_KINDS), 0)
        self.sections: dict[str, list[Record]] = {k: [] for k in self.yaml_sections}
        self._handles: list[TextIO] = []
        self._parts: list[Path] = []
        self._observations = self._table("observations")

    def _part(self, name: str) -> Path:
        """The file ``name`` is written as until the dataset is complete."""
        part = self.out / f"{name}.part"
        self._parts.append(part)
        return part

    def _table(self, kind: str) -> Any:
        """The row writer of ``<kind>.csv``, its header written."""
        handle = self._part(f"{kind}.csv").open("w", encoding="utf-8", newline="")
        self._handles.append(handle)
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_TABLES[kind])
        return writer.writerow

    def add(self, section: str, record: Record) -> None:
        """Write one record of ``section`` (one of :data:`NODE_KINDS`)."""
        self.sections[section].append(record)
        self.counts[section] += 1
        link = _LINKS.get(section)
        if link:
            self.counts[link] += len(record.get(link, ()))

    def add_history(self, entry: Record) -> None:
        """Write one entry of the 8字螺旋 ``history`` (after every record section)."""
        self.sections.setdefault("history", []).append(entry)

    def observe(self, metric: str, at: str, value: float, source: str | None = None) -> None:
        """Write one reading of ``metric`` on the ISO date ``at``."""
        self._observations([metric, at, number_text(value), source])
        self.counts["observations"] += 1

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, error_type: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for handle in self._handles:
            handle.close()
        if error_type is None:
            text = yaml_text(self.header, self.sections, self.titles)
            self._part("dataset.yaml").write_text(text, encoding="utf-8")
            for part in self._parts:
                part.replace(part.with_suffix(""))
        else:
            for part in self._parts:
                part.unlink(missing_ok=True)


class CsvDatasetWriter(DatasetWriter):
    """Subjects, goals and metrics with their links streamed into CSV tables; the rest in ``dataset.yaml``."""

    yaml_sections = tuple(k for k in NODE_KINDS if k not in ("subjects", "goals", "metrics"))

    def __init__(self, out: Path, header: str, titles: dict[str, str] | None = None) -> None:
        super().__init__(out, header, titles)
        self._rows = {kind: self._table(kind) for kind in CSV_TABLES if kind != "observations"}
        self._layouts = {kind: _RowLayout(CSV_TABLES[kind]) for kind in ("subjects", "goals", "metrics")}

    def add(self, section: str, record: Record) -> None:
        if section in self.yaml_sections:
            super().add(section, record)
            return
        self._rows[section](self._layouts[section].row(record))
        self.counts[section] += 1
        link = _LINKS.get(section)
        if link:
            write = self._rows[link]
            for item in record.get(link, ()):
                write([record["id"], item["goal"], number_text(item["weight"])])
            self.counts[link] += len(record.get(link, ()))


class _RowLayout:
    """How a record becomes a CSV row (the inverse of :func:`csv_tables.record_fields`): numbers as
    :func:`number_text`, a period as ``period_start``/``period_end``, a list joined with ``;``."""

    NUMBERS = frozenset({"baseline", "target", "floor"})
    LISTS = frozenset({"derived_from"})

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self.numbers = [i for i, c in enumerate(columns) if c in self.NUMBERS]
        self.lists = [i for i, c in enumerate(columns) if c in self.LISTS]
        self.period = [(i, c.split("_", 1)[1]) for i, c in enumerate(columns) if c.startswith("period_")]

    def row(self, record: Record) -> list[Any]:
        """The cells of ``record`` in the table's columns."""
        get = record.get
        row = [get(c) for c in self.columns]
        for i in self.numbers:
            row[i] = number_text(row[i])
        for i in self.lists:
            row[i] = ";".join(row[i] or ())
        if self.period:
            period = get("period")
            for i, end in self.period:
                row[i] = period[end].isoformat() if period else None
        return row

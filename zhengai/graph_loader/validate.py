"""Validate a dataset folder (design.md §3) and report every error in one run.

A dataset is ``dataset.yaml`` plus an optional ``observations.csv``. Records are checked one by
one with the pydantic models, then across records: duplicate ids, unknown references, cycles
(SUPPORTS, unit and plan parents) and the direction of SUPPORTS across the 五横 levels. An empty
``dataset.yaml``, or a dataset with neither goals nor metrics, is an error: loading it with
``--replace`` would wipe a graph. Files are decoded as :mod:`zhengai.graph_loader.text_files` says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import yaml
from pydantic import ValidationError

from zhengai.domain.allocation import collector_paused
from zhengai.domain.models import SECTIONS, Dataset, Metric, Record, WeightedLink
from zhengai.domain.rules import (
    Finding,
    cycle_findings,
    duplicate_link_findings,
    level_findings,
    reference_findings,
)
from zhengai.graph_loader.compact import Compactor
from zhengai.graph_loader.csv_tables import (
    LINK_TABLES,
    RECORD_TABLES,
    read_rows,
    record_fields,
)
from zhengai.graph_loader.errors import DatasetError, LocatedError
from zhengai.graph_loader.history import SECTION as HISTORY
from zhengai.graph_loader.history import read_history
from zhengai.graph_loader.observations_csv import read_observation_table
from zhengai.graph_loader.text_files import EncodingProblem, read_text
from zhengai.graph_loader.yaml_source import LocatedYaml, YamlLimitError, read_located_yaml

DATASET_FILE = "dataset.yaml"
OBSERVATIONS_FILE = "observations.csv"


@dataclass
class _Collector:
    """Accumulates errors and remembers where each record came from."""

    errors: list[LocatedError] = field(default_factory=list)
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)
    unparsed: dict[str, set[str]] = field(default_factory=dict)  # section → ids of broken records
    doc: LocatedYaml | None = None
    index: dict[str, tuple[str, int]] = field(default_factory=dict)  # id → (section, position)
    compact: Compactor = field(default_factory=Compactor)

    def add(self, file: str, line: int, message: str) -> None:
        self.errors.append(LocatedError(file, line, message))

    def at(self, record_id: str, message: str, *path: str | int) -> None:
        """Report at the record's field ``path`` (or at the record when the path is unknown)."""
        file, line = self.origin.get(record_id, (DATASET_FILE, 1))
        if self.doc is not None and record_id in self.index:
            line = self.doc.line_of((*self.index[record_id], *path))
        self.add(file, line, message)


def _pydantic_messages(exc: ValidationError) -> Iterable[tuple[tuple[str | int, ...], str]]:
    for err in exc.errors():
        loc = tuple(err["loc"])
        where = ".".join(str(p) for p in loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "enum":
            msg = f"bad value {err['input']!r}; expected {err['ctx']['expected']}"
        elif err["type"].startswith(("date_", "datetime_")):
            msg = f"invalid date {err['input']!r} ({msg.split(', ', 1)[-1]})"
        elif err["type"] in ("extra_forbidden",):
            msg = "unknown field"
        yield loc, f"{where}: {msg}" if where else msg


def _parse_records(doc: LocatedYaml, ds: Dataset, col: _Collector) -> None:
    if doc.data is None:
        return
    if not isinstance(doc.data, dict):
        col.add(DATASET_FILE, 1, "top level must be a mapping of lists (units, goals, metrics …)")
        return
    for section in doc.data:
        if section not in SECTIONS and section != HISTORY:
            col.add(DATASET_FILE, doc.line_of((section,)),
                    f"unknown section {section!r}; expected one of {', '.join((*SECTIONS, HISTORY))}")
    for section, model in SECTIONS.items():
        items = doc.data.get(section) or []
        if not isinstance(items, list):
            col.add(DATASET_FILE, doc.line_of((section,)), f"{section} must be a list")
            continue
        target = ds.section(section)
        for i, item in enumerate(items):
            line = doc.line_of((section, i))
            if not isinstance(item, dict):
                col.add(DATASET_FILE, line, f"{section}[{i}] must be a mapping")
                continue
            label = f"{section}[{i}]" + (f" ({item['id']})" if "id" in item else "")
            try:
                record = model.model_validate(item)
            except ValidationError as exc:
                for loc, msg in _pydantic_messages(exc):
                    col.add(DATASET_FILE, doc.line_of((section, i, *loc)), f"{label}: {msg}")
                partial = _without_bad_fields(model, item, exc)
                if partial is None:
                    _register_broken(section, item, line, col)
                    continue
                record = partial
            if record.id in col.origin:
                file, first = col.origin[record.id]
                col.add(DATASET_FILE, line, f"{label}: duplicate id {record.id!r} (first at {file}:{first})")
                continue
            col.origin[record.id] = (DATASET_FILE, line)
            col.index[record.id] = (section, i)
            target[record.id] = col.compact(record)


def _without_bad_fields(model: type[Record], item: dict, exc: ValidationError) -> Record | None:
    """The record without its invalid fields, so cross-record checks still see the rest."""
    bad = {err["loc"][0] for err in exc.errors() if err["loc"]}
    if not bad or "id" in bad:
        return None
    try:
        return model.model_validate({k: v for k, v in item.items() if k not in bad})
    except ValidationError:
        return None


def _register_broken(section: str, item: dict, line: int, col: _Collector,
                     file: str = DATASET_FILE) -> None:
    """Remember the id of a record that could not be read, so it is neither unknown nor lost."""
    rid = item.get("id")
    if isinstance(rid, (str, int)) and not isinstance(rid, bool):
        rid = str(rid)
        if rid in col.origin:
            first_file, first = col.origin[rid]
            col.add(file, line, f"{section}: duplicate id {rid!r} (first at {first_file}:{first})")
        else:
            col.origin[rid] = (file, line)
            col.unparsed.setdefault(section, set()).add(rid)


def _report(col: _Collector, findings: Iterable[Finding]) -> None:
    for f in findings:
        col.at(f.record_id, f.message, *f.path)


def _check_references(ds: Dataset, col: _Collector) -> None:
    kinds = {SECTIONS[name].kind: (ds.section(name), col.unparsed.get(name, set())) for name in SECTIONS}

    def exists(kind: str, ref: str) -> bool:
        records, broken = kinds[kind]
        return ref in records or ref in broken

    for record in ds.records():
        _report(col, reference_findings(record, exists))


def _check_goal_levels(ds: Dataset, col: _Collector) -> None:
    for g in ds.goals.values():
        _report(col, level_findings(g, ds.goals.get))


def _check_cycles(name: str, edges: Iterable[tuple[str, str]], col: _Collector) -> None:
    after: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        after[a].append(b)
    _report(col, cycle_findings(name, list(after), lambda n: after.get(n, ()),
                                order=lambda n: col.origin.get(n, ("", 0))))


def _read_csv_records(folder: Path, ds: Dataset, col: _Collector) -> None:
    for file, (section, columns) in RECORD_TABLES.items():
        path = folder / file
        if not path.exists():
            continue
        model, target = SECTIONS[section], ds.section(section)
        for line, row in read_rows(path, columns, ("id", "name"), partial(col.add, file)):
            label = f"{section[:-1]} {row.get('id', '?')}"
            fields = record_fields(section, row)
            try:
                record = model.model_validate(fields)
            except ValidationError as exc:
                for _, msg in _pydantic_messages(exc):
                    col.add(file, line, f"{label}: {msg}")
                record = _without_bad_fields(model, fields, exc)
                if record is None:
                    _register_broken(section, fields, line, col, file)
                    continue
            if record.id in col.origin:
                first_file, first = col.origin[record.id]
                col.add(file, line, f"{label}: duplicate id {record.id!r} (first at {first_file}:{first})")
                continue
            col.origin[record.id] = (file, line)
            target[record.id] = col.compact(record)


def _read_csv_links(folder: Path, ds: Dataset, col: _Collector) -> None:
    goals_known = set(ds.goals) | col.unparsed.get("goals", set())
    for file, (section, child_col, parent_col, link_field) in LINK_TABLES.items():
        path = folder / file
        if not path.exists():
            continue
        records = ds.section(section)
        known = set(records) | col.unparsed.get(section, set())
        links: dict[str, list[WeightedLink]] = defaultdict(list)
        cols = (child_col, parent_col, "weight")
        for line, row in read_rows(path, cols, (child_col, parent_col), partial(col.add, file)):
            child, parent = row.get(child_col), row.get(parent_col)
            if child not in known:
                col.add(file, line, f"{child_col} names unknown {section[:-1]} {child!r}")
                continue
            if parent not in goals_known:
                col.add(file, line, f"{parent_col} names unknown goal {parent!r}")
                continue
            try:
                link = WeightedLink.model_validate({"goal": parent, "weight": row.get("weight", 1)})
            except ValidationError as exc:
                for loc, msg in _pydantic_messages(exc):
                    col.add(file, line, msg if loc else f"{child} → {parent}: {msg}")
                continue
            if child in records:
                links[child].append(link)
        for child, extra in links.items():
            col.compact.extended(records[child], link_field, extra)


def _check_duplicate_links(ds: Dataset, col: _Collector) -> None:
    for record in ds.records():
        _report(col, duplicate_link_findings(record))


def _read_observations(folder: Path, ds: Dataset, col: _Collector, check_metrics: bool) -> None:
    path = folder / OBSERVATIONS_FILE
    if path.exists():
        known: dict[str, Metric | None] | None = None
        if check_metrics:
            known = {**dict.fromkeys(col.unparsed.get("metrics", set())), **ds.metrics}
        ds.observations = read_observation_table(path, partial(col.add, OBSERVATIONS_FILE), known)


def _read_history(ds: Dataset, col: _Collector) -> None:
    """The 8字螺旋 history (``history`` of dataset.yaml) as spiral events, each problem at its line."""
    doc = col.doc
    if doc is None or not isinstance(doc.data, dict):
        return

    def report(path: tuple[str | int, ...], message: str) -> None:
        col.add(DATASET_FILE, doc.line_of((HISTORY, *path)), message)

    ds.history = read_history(doc.data.get(HISTORY), ds, report)


def _read_yaml(path: Path, col: _Collector) -> LocatedYaml | None:
    """The parsed dataset.yaml, or None after reporting why it cannot be read."""
    try:
        doc = read_located_yaml(read_text(path))
    except EncodingProblem as exc:
        col.add(DATASET_FILE, exc.line, exc.message)
    except YamlLimitError as exc:
        col.add(DATASET_FILE, exc.line, exc.message)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col.add(DATASET_FILE, line, f"YAML syntax error: {exc.problem or exc}")
    except (yaml.YAMLError, OSError) as exc:
        col.add(DATASET_FILE, 1, f"cannot parse: {exc}")
    else:
        for line, key, first in doc.duplicates:
            col.add(DATASET_FILE, line, f"duplicate key {key!r} (first at line {first}): YAML would "
                                        "silently keep only this one")
        if doc.data is not None:
            return doc
        col.add(DATASET_FILE, 1, "empty: it must list the dataset's units, goals and metrics "
                                 "(nothing else of the folder is checked against it)")
    return None


def _check_not_empty(ds: Dataset, col: _Collector) -> None:
    """A dataset with neither goals nor metrics is refused (it would replace a whole graph by nothing; a
    dataset of goals only, or metrics only, may still be merged into a graph)."""
    if not any(ds.section(s) or col.unparsed.get(s) for s in ("goals", "metrics")):
        col.add(DATASET_FILE, 1, f"the dataset has no goals and no metrics (in {DATASET_FILE}, goals.csv "
                                 "or metrics.csv): nothing to load")


def validate_folder(folder: str | Path) -> tuple[Dataset, list[LocatedError]]:
    """Read and check a dataset folder; returns the dataset and every error found."""
    with collector_paused():
        return _validate_folder(Path(folder))


def _validate_folder(folder: Path) -> tuple[Dataset, list[LocatedError]]:
    ds, col = Dataset(), _Collector()
    yaml_path = folder / DATASET_FILE
    if not folder.is_dir():
        col.add(str(folder), 0, "not a folder")
        return ds, col.errors
    parsed = False
    if not yaml_path.exists():
        col.add(DATASET_FILE, 0, f"missing: a dataset folder holds {DATASET_FILE}")
    else:
        doc = _read_yaml(yaml_path, col)
        if doc is not None:
            parsed = True
            col.doc = doc
            _parse_records(doc, ds, col)
    _read_csv_records(folder, ds, col)
    _read_csv_links(folder, ds, col)
    if parsed:
        if col.doc is not None and isinstance(col.doc.data, dict):  # (other shapes are refused already)
            _check_not_empty(ds, col)
        _check_references(ds, col)
        _check_duplicate_links(ds, col)
        _check_goal_levels(ds, col)
        _check_cycles("SUPPORTS", ((g.id, s.goal) for g in ds.goals.values() for s in g.supports), col)
        _check_cycles("unit parents", ((u.id, u.parent) for u in ds.units.values() if u.parent), col)
        _check_cycles("plan parents", ((p.id, p.parent) for p in ds.plans.values() if p.parent), col)
        _read_history(ds, col)
    has_metrics = bool(ds.metrics or col.unparsed.get("metrics"))
    _read_observations(folder, ds, col, check_metrics=parsed and has_metrics)
    if parsed and not has_metrics and ds.observations:  # one error, not one per observation
        col.add(OBSERVATIONS_FILE, 1, f"{len(ds.observations)} observations, but the dataset has no metrics")
    return ds, sorted(col.errors)


def load_dataset(folder: str | Path) -> Dataset:
    """The validated dataset of ``folder``; raises :class:`DatasetError` listing every error."""
    ds, errors = validate_folder(folder)
    if errors:
        raise DatasetError(errors)
    return ds

"""The 状态数据 mapping: which field of which table of the 高等职业院校人才培养工作状态数据采集平台 feeds
which metric. A dataset file (``state_data.yaml`` next to ``dataset.yaml``), checked by ``zhengai validate``
with ``file:line`` errors::

    source: 状态数据采集平台        # the values' source (trusted: named in ZHENGAI_TRUSTED_SOURCES)
    fields:
      - metric: M-SSR               # a field as it stands
        table: "1.1"
        field: 生师比
      - metric: M-MAJ-MECH-EMP      # a ratio of two fields (provenance COMPUTED), ×100 for a %
        table: "7.1"
        row: {专业代码: "460104"}   # which row of a table of many rows
        ratio: [就业人数, 毕业生数]
        scale: 100
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from zhengai import texts
from zhengai.graph_loader.yaml_source import read_located_yaml

FILE_NAME = "state_data.yaml"
_KEYS = {"metric", "table", "field", "ratio", "row", "scale"}


@dataclass(frozen=True)
class FieldMap:
    """One metric's place in the platform's tables: a field, or a ratio of two (×scale)."""

    metric: str
    table: str
    fields: tuple[str, ...]
    row: tuple[str, str] | None = None
    scale: float = 1.0
    line: int = 0

    @property
    def computed(self) -> bool:
        """Whether the value is a ratio of two fields (provenance COMPUTED)."""
        return len(self.fields) == 2


@dataclass
class StateMapping:
    """The mapping file: its entries and the source name its values carry."""

    fields: list[FieldMap] = field(default_factory=list)
    source: str = ""
    path: Path | None = None

    def tables(self) -> dict[str, list[FieldMap]]:
        """Entries by table number."""
        out: dict[str, list[FieldMap]] = {}
        for f in self.fields:
            out.setdefault(f.table, []).append(f)
        return out


class MappingError(ValueError):
    """A mapping file that cannot be used: its ``file:line: reason`` messages."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


def _entry(raw: object, line: int, where: str) -> tuple[FieldMap | None, list[str]]:
    if not isinstance(raw, dict):
        return None, [f"{where}:{line}: a mapping entry is a mapping (metric, table, field or ratio)"]
    errors = [
        f"{where}:{line}: unknown key {k!r} (allowed: {', '.join(sorted(_KEYS))})"
        for k in raw
        if k not in _KEYS
    ]
    metric, table = raw.get("metric"), raw.get("table")
    if not isinstance(metric, str) or not metric.strip():
        errors.append(f"{where}:{line}: metric: a metric id is required")
    if not isinstance(table, str | int | float) or not str(table).strip():
        errors.append(f'{where}:{line}: table: the table number (e.g. "6.1") is required')
    one, ratio = raw.get("field"), raw.get("ratio")
    if (one is None) == (ratio is None):
        errors.append(f"{where}:{line}: give either field or ratio: [numerator, denominator]")
    elif ratio is not None and not (
        isinstance(ratio, list) and len(ratio) == 2 and all(isinstance(x, str) and x.strip() for x in ratio)
    ):
        errors.append(f"{where}:{line}: ratio: two field names [numerator, denominator]")
    elif one is not None and not (isinstance(one, str) and one.strip()):
        errors.append(f"{where}:{line}: field: a field name")
    row = raw.get("row")
    if row is not None and not (isinstance(row, dict) and len(row) == 1):
        errors.append(f'{where}:{line}: row: one key column and its value, e.g. {{专业代码: "460104"}}')
    scale = raw.get("scale", 1)
    if isinstance(scale, bool) or not isinstance(scale, int | float) or scale == 0:
        errors.append(f"{where}:{line}: scale: a non-zero number")
    if errors:
        return None, errors
    fields = (one.strip(),) if one is not None else tuple(x.strip() for x in ratio)
    key = next(iter(row.items())) if row else None
    return FieldMap(
        metric.strip(),
        str(table).strip(),
        fields,
        (str(key[0]).strip(), str(key[1]).strip()) if key else None,
        float(scale),
        line,
    ), []


def parse_mapping(text: str, where: str, metric_ids: Collection[str] | None = None) -> StateMapping:
    """The mapping in ``text`` (``where`` names it in messages); MappingError lists every problem, with
    unknown metric ids when ``metric_ids`` is given."""
    try:
        doc = read_located_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = getattr(exc, "line", None) or (mark.line + 1 if mark else 1)
        raise MappingError(
            [f"{where}:{line}: not readable YAML: {getattr(exc, 'problem', None) or exc}"]
        ) from None
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("fields"), list):
        raise MappingError([f"{where}:1: expected a mapping with a list of fields"])
    out = StateMapping(source=str(data.get("source") or texts.say("platform.source")))
    errors: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(data["fields"]):
        line = doc.line_of(("fields", i))
        entry, problems = _entry(raw, line, where)
        errors += problems
        if entry is None:
            continue
        if metric_ids is not None and entry.metric not in metric_ids:
            errors.append(f"{where}:{line}: {texts.say('platform.unknown_metric', id=entry.metric)}")
        if entry.metric in seen:
            again = texts.say("platform.duplicate_metric", metric=entry.metric, line=seen[entry.metric])
            errors.append(f"{where}:{line}: {again}")
        seen.setdefault(entry.metric, line)
        out.fields.append(entry)
    if errors:
        raise MappingError(errors)
    return out


def load_mapping(path: Path, metric_ids: Collection[str] | None = None) -> StateMapping:
    """The mapping file at ``path`` (MappingError with ``file:line`` messages)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError([f"{path}:1: cannot read the mapping: {exc}"]) from None
    mapping = parse_mapping(text, str(path), metric_ids)
    mapping.path = path
    return mapping


__all__ = ["FILE_NAME", "FieldMap", "MappingError", "StateMapping", "load_mapping", "parse_mapping"]

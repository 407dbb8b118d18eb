"""Reading one cell as a person means it: numbers typed as text (full-width digits, thousands separators,
``85%``), dates typed as text (2026-09-01, 2026/9/1, 2026年9月1日, full-width) or kept as Excel serial
numbers, choices written as their Chinese word or their code. Each refusal is a :class:`CellProblem`
with a stable code (the catalogue's ``workbook.problem`` table) and the values its words need.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

#: Excel's day zero for serial numbers (the 1900 system, with its leap-year bug: serials ≥ 61).
_EPOCH = date(1899, 12, 30)
#: Serial numbers taken as dates: 1900-01-01 … 2199-12-31.
_SERIALS = (1, 109_572)
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MONTH_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
#: Excel's error values (a formula that failed).
EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA"}
)


@dataclass(frozen=True)
class CellProblem(ValueError):
    """Why a cell cannot be read: a code of the catalogue's ``workbook.problem`` table and its params."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)


def normal_text(value: object) -> str:
    """A cell's text with full-width characters made half-width (NFKC) and the spaces around cut."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def text(value: object) -> str | None:
    """A text cell (None when empty); numbers that are whole are written without ``.0`` (an id typed as
    a number stays ``460301``)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return to_date(value, "").isoformat()
    out = str(value).strip()
    return out or None


def number(value: object, column: str, percent: str | None = None, percent_format: bool = False) -> float:
    """A number. ``percent`` says what ``85%`` means in this column: "points" (85, a % metric's value),
    "fraction" (0.85: progress, thresholds) or None (refused). ``percent_format``: the cell is formatted
    as a percentage (it holds 0.85 and shows 85%)."""
    if isinstance(value, bool):
        raise CellProblem("NOT_A_NUMBER", {"column": column, "text": str(value)})
    if isinstance(value, int | float):
        out = float(value)
        if percent_format:
            if percent is None:
                raise CellProblem("PERCENT_NOT_ALLOWED", {"column": column, "text": f"{out:.4g}"})
            out = out * 100 if percent == "points" else out
        if not math.isfinite(out):
            raise CellProblem("NOT_A_NUMBER", {"column": column, "text": str(value)})
        return out
    raw = normal_text(value)
    cleaned = raw.replace(",", "").replace(" ", "")
    is_percent = cleaned.endswith("%")
    if is_percent:
        cleaned = cleaned[:-1]
    if not _NUMBER.match(cleaned):
        raise CellProblem("NOT_A_NUMBER", {"column": column, "text": raw})
    out = float(cleaned)
    if is_percent:
        if percent is None:
            raise CellProblem("PERCENT_NOT_ALLOWED", {"column": column, "text": raw})
        out = out if percent == "points" else out / 100
    return out


def to_date(value: object, column: str) -> date:
    """A date: a date cell, an Excel serial number, or text (ISO, 2026/9/1, 2026年9月1日, 2026.9.1)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and _SERIALS[0] <= value <= _SERIALS[1]:
            return _EPOCH + timedelta(days=int(value))
        shown = str(int(value)) if float(value).is_integer() else str(value)
        raise CellProblem("NOT_A_DATE", {"column": column, "text": shown})
    raw = normal_text(value)
    m = _DATE_TEXT.match(raw)
    if m is None and raw.isdigit() and len(raw) == 8:  # 20260901
        m = re.match(r"^(\d{4})(\d{2})(\d{2})$", raw)
    if m is not None:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    elif raw.isdigit():
        return to_date(int(raw), column)
    raise CellProblem("NOT_A_DATE", {"column": column, "text": raw})


def choice(value: object, column: str, words: Mapping[str, str]) -> str:
    """One of a table's codes, written as the code or its word (``学校`` or ``SCHOOL``)."""
    raw = normal_text(value)
    if raw in words:
        return raw
    if raw.upper() in words:
        return raw.upper()
    for code, word in words.items():
        if raw == normal_text(word):
            return code
    raise CellProblem("BAD_CHOICE", {"column": column, "text": raw, "choices": "、".join(words.values())})

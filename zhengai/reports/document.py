"""A report as a renderer-neutral document: a title, front matter and numbered sections of blocks.

The wording is settled when a document is built (:mod:`zhengai.reports.diagnosis`, from the catalogue of
texts); a renderer only lays it out — Markdown (:mod:`zhengai.reports.markdown`) now, Word and PDF later —
so every format says the same thing. Blocks:

- :class:`Paragraph` — runs of text, some strong (bold);
- :class:`Bullets` — a list of short facts;
- :class:`Table` — a header and rows of cells, already formatted (``"91.6%"``); ``numeric`` marks the
  columns a renderer may right-align;
- :class:`Chart` — data series (a goal's monthly attainment …) for renderers that draw; a text
  renderer may leave it out;
- :class:`Note` — a closing remark (a quote in Markdown, small print in print).

A renderer is a function ``Document → bytes | str`` that handles every block type; adding a block type
means teaching every renderer (``tests/test_report_renderers.py`` checks Markdown handles them all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["Block", "Bullets", "Chart", "Document", "Note", "Paragraph", "Run", "Section", "Series", "Table",
           "paragraph"]


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph's text, strong (bold) or not."""

    text: str
    strong: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: its runs in order."""

    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        """The paragraph's plain text."""
        return "".join(r.text for r in self.runs)


def paragraph(text: str, strong: str = "") -> Paragraph:
    """A paragraph of ``text``, after a strong lead ``strong`` when given."""
    runs = ((Run(strong, True),) if strong else ()) + ((Run(text),) if text else ())
    return Paragraph(runs)


@dataclass(frozen=True)
class Bullets:
    """A list of short facts."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table of formatted cells; ``numeric``: the indexes of number columns."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Series:
    """One line of a chart: its name and (x, y) points; y None where there is no data."""

    name: str
    points: tuple[tuple[date, float | None], ...]


@dataclass(frozen=True)
class Chart:
    """Data series to draw (``kind``: "line"); ``unit`` of the y values ("%" for shares 0–1)."""

    title: str
    kind: str
    series: tuple[Series, ...]
    unit: str = "%"


@dataclass(frozen=True)
class Note:
    """A closing remark (sources, definitions)."""

    text: str


Block = Paragraph | Bullets | Table | Chart | Note


@dataclass
class Section:
    """A numbered section: its heading, its blocks, then its subsections (one level deeper)."""

    heading: str
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


@dataclass
class Document:
    """A whole report: title, front matter blocks and top-level sections."""

    title: str
    front: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

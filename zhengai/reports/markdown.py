"""Markdown renderer of report documents: ``#`` title, ``##``/``###`` sections, pipe tables.

Blocks are separated by one blank line; charts are left out (Markdown has no drawing; the numbers are in
the tables). The output ends with one newline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from zhengai.reports.document import Block, Bullets, Chart, Document, Note, Paragraph, Section, Table

__all__ = ["render"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _paragraph(p: Paragraph) -> str:
    return "".join(f"**{r.text}**" if r.strong else r.text for r in p.runs)


def _block(block: Block) -> list[str]:
    """The block's lines (none for a chart)."""
    match block:
        case Paragraph():
            return [_paragraph(block)]
        case Bullets():
            return [f"- {item}" for item in block.items]
        case Table():
            return _table(block.header, block.rows)
        case Note():
            return [f"> {block.text}"]
        case Chart():
            return []
    raise TypeError(f"no Markdown for {type(block).__name__}")


def _blocks(blocks: Iterable[Block]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        lines = _block(block)
        if lines:
            out += [*lines, ""]
    return out


def _section(section: Section, depth: int) -> list[str]:
    out = [f"{'#' * depth} {section.heading}", "", *_blocks(section.blocks)]
    for sub in section.sections:
        out += _section(sub, depth + 1)
    return out


def render(doc: Document) -> str:
    """The document as Markdown."""
    out = [f"# {doc.title}", "", *_blocks(doc.front)]
    for section in doc.sections:
        out += _section(section, 2)
    return "\n".join(out)

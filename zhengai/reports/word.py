"""Word renderer of report documents (python-docx): the title, numbered headings, paragraphs with bold
runs, bulleted facts, grid tables (header row repeated on each page, number columns right-aligned),
charts as pictures with their title, and notes in small grey print.

Word does not embed fonts; the text is set in a Chinese face every Chinese Windows and Office has
(``EAST_ASIAN``), Latin text in Calibri.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document as Docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from zhengai.reports import charts
from zhengai.reports.document import Block, Bullets, Chart, Document, Note, Paragraph, Section, Table

__all__ = ["EAST_ASIAN", "render"]

#: The face of Chinese text (微软雅黑, present on every Chinese Windows and Office).
EAST_ASIAN = "Microsoft YaHei"
LATIN = "Calibri"


def _fonts(element, size: float | None = None) -> None:  # a style's or a run's rPr holder
    font = element.font
    font.name = LATIN
    if size is not None:
        font.size = Pt(size)
    rpr = element.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), EAST_ASIAN if attribute == "w:eastAsia" else LATIN)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)


def _styles(doc) -> None:
    _fonts(doc.styles["Normal"], 10.5)
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 12.5)):
        style = doc.styles[name]
        _fonts(style, size)
        style.font.color.rgb = RGBColor(0x1F, 0x2D, 0x3D)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.0)


def _paragraph(doc, p: Paragraph) -> None:
    para = doc.add_paragraph()
    for run in p.runs:
        r = para.add_run(run.text)
        r.bold = run.strong


def _repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def _table(doc, t: Table) -> None:
    table = doc.add_table(rows=1, cols=len(t.header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _repeat_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, t.header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(9)
    for row in t.rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            para = cell.paragraphs[0]
            para.add_run(text).font.size = Pt(9)
            if i in t.numeric:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph()


def _chart(doc, c: Chart) -> None:
    if not any(p for s in c.series for p in s.points):
        return
    doc.add_picture(io.BytesIO(charts.png(c)), width=Cm(16))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _note(doc, n: Note) -> None:
    run = doc.add_paragraph().add_run(n.text)
    run.font.size = Pt(8.5)
    run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)


def _block(doc, block: Block) -> None:
    match block:
        case Paragraph():
            _paragraph(doc, block)
        case Bullets():
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        case Table():
            _table(doc, block)
        case Chart():
            _chart(doc, block)
        case Note():
            _note(doc, block)
        case _:
            raise TypeError(f"no Word layout for {type(block).__name__}")


def _blocks(doc, blocks: Iterable[Block]) -> None:
    for block in blocks:
        _block(doc, block)


def _section(doc, section: Section, level: int) -> None:
    doc.add_heading(section.heading, level=min(level, 3))
    _blocks(doc, section.blocks)
    for sub in section.sections:
        _section(doc, sub, level + 1)


def render(document: Document) -> bytes:
    """The document as a Word file (.docx)."""
    doc = Docx()
    _styles(doc)
    doc.core_properties.title = document.title
    doc.core_properties.author = "zhengai"
    doc.add_heading(document.title, level=0)
    _blocks(doc, document.front)
    for section in document.sections:
        _section(doc, section, 1)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

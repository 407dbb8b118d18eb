"""PDF renderer of report documents (reportlab): A4 pages with the Chinese font embedded (the glyphs used,
:mod:`zhengai.reports.fonts`), numbered headings kept with what follows, paragraphs wrapped the Chinese
way, bulleted facts, tables whose header row repeats on every page, charts as vector drawings, notes in
small grey print, and the page number at the foot of each page.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as Para
from reportlab.platypus import Table as Grid

from zhengai import texts
from zhengai.reports import charts
from zhengai.reports.document import Block, Bullets, Chart, Document, Note, Paragraph, Section, Table
from zhengai.reports.fonts import pdf_font

__all__ = ["render"]

MARGIN = 2 * cm
WIDTH = A4[0] - 2 * MARGIN
CHART_HEIGHT = 7.2 * cm


@cache
def _styles() -> dict[str, ParagraphStyle]:
    font = pdf_font()
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK", spaceAfter=4)
    return {
        "title": ParagraphStyle("title", base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=12),
        "h1": ParagraphStyle("h1", base, fontSize=14, leading=20, spaceBefore=10, spaceAfter=6,
                             textColor=colors.HexColor("#1F2D3D")),
        "h2": ParagraphStyle("h2", base, fontSize=12, leading=18, spaceBefore=6, spaceAfter=4,
                             textColor=colors.HexColor("#1F2D3D")),
        "body": base,
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=11.5, spaceAfter=0),
        "number": ParagraphStyle("number", base, fontSize=8.5, leading=11.5, spaceAfter=0,
                                 alignment=TA_RIGHT),
        "head": ParagraphStyle("head", base, fontSize=8.5, leading=11.5, spaceAfter=0,
                               textColor=colors.HexColor("#1F2D3D")),
        "note": ParagraphStyle("note", base, fontSize=8.5, leading=12, textColor=colors.HexColor("#666666")),
    }


def _text(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def _paragraph(p: Paragraph) -> Para:
    markup = "".join(f"<b>{_text(r.text)}</b>" if r.strong else _text(r.text) for r in p.runs)
    return Para(markup or "&nbsp;", _styles()["body"])


def _widths(t: Table) -> list[float]:
    """Column widths by the length of their longest cells (header included), within the page."""
    longest = [max([len(t.header[i]), *(len(row[i]) for row in t.rows)]) for i in range(len(t.header))]
    weights = [min(max(n, 4), 40) for n in longest]
    total = sum(weights)
    return [WIDTH * w / total for w in weights]


def _table(t: Table) -> Grid:
    s = _styles()
    rows = [[Para(_text(h), s["head"]) for h in t.header]]
    rows += [[Para(_text(c), s["number"] if i in t.numeric else s["cell"]) for i, c in enumerate(row)]
             for row in t.rows]
    grid = Grid(rows, colWidths=_widths(t), repeatRows=1, hAlign="LEFT")
    grid.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA5B1")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return grid


def _block(block: Block) -> list[Flowable]:
    s = _styles()
    match block:
        case Paragraph():
            return [_paragraph(block)]
        case Bullets():
            return [ListFlowable([ListItem(Para(_text(i), s["body"]), leftIndent=12) for i in block.items],
                                 bulletType="bullet", start="•", leftIndent=12,
                                 bulletFontName=s["body"].fontName)]
        case Table():
            return [_table(block), Spacer(1, 6)]
        case Chart():
            if not any(p for series in block.series for p in series.points):
                return []
            return [charts.drawing(block, WIDTH, CHART_HEIGHT), Spacer(1, 6)]
        case Note():
            return [Para(_text(block.text), s["note"])]
    raise TypeError(f"no PDF layout for {type(block).__name__}")


def _blocks(blocks: Iterable[Block]) -> list[Flowable]:
    return [f for block in blocks for f in _block(block)]


def _section(section: Section, depth: int) -> list[Flowable]:
    heading = Para(_text(section.heading), _styles()["h1" if depth == 1 else "h2"])
    body = _blocks(section.blocks)
    out: list[Flowable] = [KeepTogether([heading, *body[:1]]), *body[1:]]
    for sub in section.sections:
        out += _section(sub, depth + 1)
    return out


def _footer(canvas, doc) -> None:  # reportlab's page callback
    canvas.saveState()
    canvas.setFont(pdf_font(), 8)
    canvas.setFillColor(colors.HexColor("#666666"))
    canvas.drawCentredString(A4[0] / 2, 1.2 * cm, texts.say("report.page", page=doc.page))
    canvas.restoreState()


def render(document: Document) -> bytes:
    """The document as a PDF (A4, the Chinese font embedded)."""
    out = io.BytesIO()
    pdf = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=document.title, author="zhengai",
                            creator="zhengai", subject=document.title,
                            invariant=True)  # the same document, the same bytes
    story: list[Flowable] = [Para(_text(document.title), _styles()["title"]), *_blocks(document.front)]
    for section in document.sections:
        story += _section(section, 1)
    pdf.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()

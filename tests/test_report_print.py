"""诊改报告 in print: Word (python-docx) and PDF (reportlab) of the demo's reports, checked by reading them
back — the .docx opened with python-docx, the PDF's pages rendered to PNG by poppler's ``pdftoppm`` (none
blank), its text extracted by ``pdftotext`` (the Chinese is there) and its fonts listed by ``pdffonts``
(embedded). The saved examples under docs/examples/ are regenerated and compared by their text; to refresh
them after a deliberate change: ``.venv/bin/python -m tests.test_report_print``.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from PIL import Image
from starlette.testclient import TestClient

from tests.conftest import DEMO_AS_OF, engine_for
from tests.test_scopes import AUTH, token
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.engine.reports.data import diagnosis_report
from zhengai.graph_loader import demo_path
from zhengai.reports import diagnosis, pdf, word
from zhengai.reports.document import Chart, Document, Note, Section, Series, paragraph

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
SAVED = {"school-report": "SCH", "student-report": "STU-007"}
AS_OF = DEMO_AS_OF.isoformat()
POPPLER = all(shutil.which(tool) for tool in ("pdftoppm", "pdftotext", "pdffonts"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftoppm) missing: scripts/"
                                   "browser-deps installs it with ZHENGAI_INSTALL_BROWSER=1 or CI=true")


def _run(*args: str, data: bytes) -> bytes:
    return subprocess.run(args, input=data, capture_output=True, check=True, timeout=120).stdout


def pdf_text(data: bytes) -> str:
    """The PDF's text as poppler extracts it (whitespace removed: table cells wrap)."""
    return "".join(_run("pdftotext", "-enc", "UTF-8", "-", "-", data=data).decode("utf-8").split())


def pdf_pages(data: bytes, tmp: Path, dpi: int = 40) -> list[Image.Image]:
    """Every page rendered to a PNG by pdftoppm."""
    (tmp / "in.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(tmp / "in.pdf"), str(tmp / "page")], check=True,
                   timeout=120)
    return [Image.open(p).convert("L") for p in sorted(tmp.glob("page*.png"))]


def ink(page: Image.Image) -> float:
    """The share of a page's pixels that are not (near) white."""
    histogram = page.histogram()
    return sum(histogram[:200]) / (page.width * page.height)


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, whitespace removed."""
    d = docx.Document(io.BytesIO(data))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "".join("".join([*(p.text for p in d.paragraphs), *cells]).split())


def _document(engine: Engine, subject: str) -> Document:
    return diagnosis.document(diagnosis_report(engine, subject, DEMO_AS_OF))


def render_examples(engine: Engine) -> dict[str, bytes]:
    out = {}
    for name, subject in SAVED.items():
        doc = _document(engine, subject)
        out[f"{name}.docx"], out[f"{name}.pdf"] = word.render(doc), pdf.render(doc)
    return out


@pytest.fixture(scope="module")
def examples() -> dict[str, bytes]:
    files = [f"{name}.{fmt}" for name in SAVED for fmt in ("docx", "pdf")]
    return {file: (EXAMPLES / file).read_bytes() for file in files}


@needs_poppler
@pytest.mark.parametrize("name", SAVED)
def test_saved_pdf_pages_render_with_their_chinese_text(examples, name, tmp_path):
    data = examples[f"{name}.pdf"]
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for needle in ("诊改报告", "一、", "目标达成情况", "监测预警", "自我诊断", "诊断结论", "第1页"):
        assert needle in text, needle
    pages = pdf_pages(data, tmp_path)
    assert pages and all(ink(p) > 0.005 for p in pages), [round(ink(p), 4) for p in pages]


@needs_poppler
@pytest.mark.parametrize("name", SAVED)
def test_saved_pdf_embeds_its_chinese_font(examples, name, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(examples[f"{name}.pdf"])
    listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True, timeout=60)
    lines = listed.stdout.splitlines()
    fonts = [line for line in lines[2:] if line.strip()]
    chinese = [line for line in fonts if "WenQuanYi" in line or "zhengai" in line.lower()]
    assert chinese and all(" yes yes " in line for line in chinese), lines  # embedded, subset
    base14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")  # a reader's own, never embedded
    assert all(line.startswith(base14) for line in fonts if " yes " not in line), lines


@pytest.mark.parametrize("name", SAVED)
def test_saved_word_report_reads_back(examples, name):
    d = docx.Document(io.BytesIO(examples[f"{name}.docx"]))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0].startswith("一、") and any(h.endswith("自我诊断") for h in headings), headings
    assert d.paragraphs[0].text.endswith("诊改报告") and d.paragraphs[0].style.name == "Title"
    assert d.tables and all(t.rows[0].cells[0].text for t in d.tables)
    assert d.core_properties.title == d.paragraphs[0].text
    assert d.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == word.EAST_ASIAN
    if name == "school-report":  # the school's goal trends: one chart, as a picture
        assert len(d.inline_shapes) == 1


@needs_poppler
def test_saved_examples_are_current(demo_engine, examples):
    """The saved Word and PDF say what the engine says now (compared by their text: the files carry dates)."""
    for file, data in render_examples(demo_engine).items():
        read = pdf_text if file.endswith(".pdf") else docx_text
        assert read(data) == read(examples[file]), \
            f"docs/examples/{file} is stale: run `.venv/bin/python -m tests.test_report_print`"


def test_every_block_type_is_laid_out_in_print():
    """Word and PDF lay out every block type (the Markdown test's document), and refuse one they do not
    know."""
    from tests.test_report_renderers import EVERY_BLOCK

    assert word.render(EVERY_BLOCK)[:2] == b"PK" and pdf.render(EVERY_BLOCK)[:5] == b"%PDF-"
    unknown = Document("t", sections=[Section("s", [object()])])  # type: ignore[list-item]
    for renderer in (word, pdf):
        with pytest.raises(TypeError, match=r"no (Word|PDF) layout for object"):
            renderer.render(unknown)


@needs_poppler
def test_a_chart_is_drawn_on_the_pdf_page(tmp_path):
    """A page with a chart holds more ink than the same page without it (the drawing is really there)."""
    series = (Series("目标甲", tuple((d, 0.3 + i / 20) for i, d in enumerate(_month_ends()))),)
    bare = Document("图表", sections=[Section("一、趋势", [paragraph("说明"), Note("注")])])
    drawn = Document("图表", sections=[Section("一、趋势", [paragraph("说明"),
                                                       Chart("达成度", "line", series), Note("注")])])
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with_chart = ink(pdf_pages(pdf.render(drawn), tmp_path / "a")[0])
    assert with_chart > 3 * ink(pdf_pages(pdf.render(bare), tmp_path / "b")[0])


def _month_ends():
    from datetime import date

    return [date(2026, m + 1, 1) for m in range(11)]


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def served(request) -> Iterator[TestClient]:
    """The demo college served with authentication, on both stores."""
    if request.param == "embedded":
        from zhengai.graph_loader import load_dataset
        from zhengai.stores import EmbeddedStore

        yield TestClient(create_app(Engine(EmbeddedStore(load_dataset(demo_path()))), auth=AUTH))
        return
    yield TestClient(create_app(engine_for(request, "neo4j", demo_path()), auth=AUTH))


@needs_poppler
def test_print_downloads_follow_the_scope(served, tmp_path):
    """/reports/{id}.docx and .pdf: the caller's own report; a classmate's is unknown (404), as for .md;
    a data service account reads no reports (403)."""
    def get(who: str, path: str):
        return served.get(f"{path}?asOf={AS_OF}", headers={"Authorization": f"Bearer {token(who)}"})

    own = get("student", "/reports/STU-001.pdf")
    assert own.status_code == 200 and own.headers["content-type"] == "application/pdf"
    assert "attachment" in own.headers["content-disposition"]
    assert "张子涵" in pdf_text(own.content)
    assert "STU-002" not in pdf_text(own.content)
    word_file = get("student", "/reports/STU-001.docx")
    assert word_file.status_code == 200 and "张子涵" in docx_text(word_file.content)
    for fmt in ("md", "docx", "pdf"):
        assert get("student", f"/reports/STU-002.{fmt}").status_code == 404, fmt
        assert get("data", f"/reports/SCH.{fmt}").status_code == 403, fmt
    assert get("leader", "/reports/STU-002.pdf").status_code == 200
    assert get("admin", "/reports/SCH.xls").status_code == 404


if __name__ == "__main__":
    from zhengai.graph_loader import load_dataset
    from zhengai.stores import EmbeddedStore

    EXAMPLES.mkdir(parents=True, exist_ok=True)
    for file, data in render_examples(Engine(EmbeddedStore(load_dataset(demo_path())))).items():
        (EXAMPLES / file).write_bytes(data)
        print(f"wrote docs/examples/{file}")

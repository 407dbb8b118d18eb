"""Reports as data, then a document, then renderers: the Markdown renderer lays out every block type of
the document model, and a real report's document carries its numbers as data (tables of formatted cells,
charts as series) for renderers that draw."""

from __future__ import annotations

import typing
from datetime import date

import pytest

from tests.conftest import DEMO_AS_OF
from zhengai.engine.reports.data import diagnosis_report
from zhengai.reports import diagnosis, markdown
from zhengai.reports.document import (
    Block,
    Bullets,
    Chart,
    Document,
    Note,
    Section,
    Series,
    Table,
    paragraph,
)

EVERY_BLOCK = Document("标题", [Bullets(("甲", "乙"))], [
    Section("一、节", [paragraph("正文", strong="加粗"), Table(("列 | 一", "列二"), (("a|b", "c\nd"),)),
                     Chart("趋势", "line", (Series("目标", ((date(2026, 1, 31), 0.5),
                                                           (date(2026, 2, 28), None))),)),
                     Note("注")],
            [Section("（一）小节", [paragraph("", strong="只有加粗")])]),
])


def test_markdown_lays_out_every_block_type():
    assert markdown.render(EVERY_BLOCK) == "\n".join([
        "# 标题", "", "- 甲", "- 乙", "",
        "## 一、节", "", "**加粗**正文", "",
        "| 列 | 一 | 列二 |", "| --- | --- |", "| a\\|b | c d |", "",
        "> 注", "",
        "### （一）小节", "", "**只有加粗**", ""])


def _blocks(sections: list[Section]) -> list[Block]:
    return [b for s in sections for b in [*s.blocks, *_blocks(s.sections)]]


def test_markdown_knows_every_block_the_model_defines():
    """The document above holds one block of each type the model defines (a new type must be added there
    and taught to the renderers); Markdown refuses a block it does not know."""
    used = {type(b) for b in [*EVERY_BLOCK.front, *_blocks(EVERY_BLOCK.sections)]}
    assert used == set(typing.get_args(Block))

    class Unknown:
        pass

    with pytest.raises(TypeError, match="no Markdown for Unknown"):
        markdown.render(Document("t", [Unknown()]))  # type: ignore[list-item]


def test_a_reports_document_carries_its_numbers_as_data(demo_engine):
    data = diagnosis_report(demo_engine, "SCH", DEMO_AS_OF)
    doc = diagnosis.document(data)
    assert doc.title == data.title and doc.sections[0].heading == "一、目标与标准达成情况"
    goals = doc.sections[0].sections[0]
    [table] = [b for b in goals.blocks if isinstance(b, Table)]
    assert len(table.rows) == len(data.goals) and table.header[4] == "状态"
    [chart] = [b for b in goals.blocks if isinstance(b, Chart)]
    assert [s.name for s in chart.series] == [f"{ln.goal.id} {ln.goal.name}" for ln in data.goals]
    first = data.goals[0]
    assert chart.series[0].points == tuple((p.at, p.attainment) for p in first.trend)
    assert chart.series[0].points[-1] == (DEMO_AS_OF, pytest.approx(first.attainment))
    assert chart.title not in markdown.render(doc)  # Markdown leaves charts out: the table has the numbers

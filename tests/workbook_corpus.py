"""The broken-workbook corpus (tests/data/workbooks/broken): each file is the worked example's plan
workbook with one kind of mistake a person makes in Excel, and ``expected.yaml`` lists the located
messages (``sheet!cell: reason (CODE)``) its import must give, all of them, in one pass.

Regenerate the files (after a change of the workbook layout) with ``python -m tests.workbook_corpus``;
the expected messages are written by hand and are not regenerated.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tests.conftest import WORKED, WORKED_AS_OF
from tests.workbook_helpers import column_of, edited, exported, row_of_id, set_cell

CORPUS = Path(__file__).parent / "data" / "workbooks" / "broken"


def _drop_column(sheet: str, header: str) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        ws = wb[sheet]
        ws.delete_cols(column_of(ws, header))
    return edit


def _header(sheet: str, col: int, text: str) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        wb[sheet].cell(1, col, text)
    return edit


def _cell(sheet: str, node_id: str, header: str, value: Any) -> Callable[[Workbook], None]:
    return lambda wb: set_cell(wb, sheet, node_id, header, value)


def _append(sheet: str, *rows: list[Any]) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        for row in rows:
            wb[sheet].append(row)
    return edit


def _all(*edits: Callable[[Workbook], None]) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        for one in edits:
            one(wb)
    return edit


def _delete_sheet(name: str) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        del wb[name]
    return edit


def _error_cell(wb: Workbook) -> None:
    ws = wb["指标"]
    cell = ws.cell(row_of_id(ws, "m2"), column_of(ws, "目标值"), "#DIV/0!")
    cell.data_type = "e"


#: file stem → the edit that breaks the worked example's workbook
CASES: dict[str, Callable[[Workbook], None]] = {
    "01-missing-sheet": _delete_sheet("指标"),
    "02-unknown-sheet": lambda wb: wb.create_sheet("草稿"),
    "03-missing-column": _drop_column("指标", "目标值"),
    "04-unknown-column": _header("单位", 6, "备用"),
    "05-duplicate-column": _header("单位", 6, "名称"),
    "06-target-not-a-number": _cell("指标", "m1", "目标值", "很高"),
    "07-date-not-a-date": _cell("目标", "P1", "开始日期", "明年春天"),
    "08-bad-choice": _cell("目标", "P2", "层面", "宇宙"),
    "09-percent-weight": lambda wb: wb["关联"].cell(2, 4, "50%"),
    "10-formula-without-value": _cell("指标", "m1", "目标值", "=E2*1.25"),
    "11-formula-error": _error_cell,
    "12-required-name": _cell("指标", "m3", "名称", None),
    "13-duplicate-id": _append("目标", ["m1", "与指标同编号的目标", "专业"]),
    "14-duplicate-link": _append("关联", ["支撑", "P1", "S", 2]),
    "15-id-too-long": _append("目标", ["G" * 201, "过长编号的目标", "专业"]),
    "16-unknown-metric": _append("观测", ["m9", "2026-01-15", 10]),
    "17-conflicting-values": _append("观测", ["m1", "2026-02-01", 91], ["m1", "2026/2/1", 92]),
    "18-link-to-unknown-goal": _append("关联", ["支撑", "P1", "NOPE", 1]),
    "19-cycle": _append("关联", ["支撑", "S", "P1", 1]),
    "20-negative-weight": _append("关联", ["支撑", "P2", "P1", -1]),
    "21-end-before-start": _all(_cell("目标", "P1", "开始日期", "2026-09-01"),
                                _cell("目标", "P1", "结束日期", "2026-01-31")),
    "22-many-mistakes": _all(_cell("指标", "m1", "目标值", "一百"), _cell("指标", "m2", "方向", "向上"),
                             _cell("目标", "S", "开始日期", "2026-13-01"),
                             _append("观测", ["m2", "昨天", "45"])),
    "23-serial-out-of-range": _cell("目标", "P2", "结束日期", 9_999_999),
    "24-system-not-a-choice": _cell("单位", "ZGB", "五纵体系", "监督"),
}

NOT_A_WORKBOOK = "00-not-a-workbook"


def build(engine: Any = None) -> dict[str, bytes]:
    """The corpus's files by name."""
    from zhengai.engine import Engine
    from zhengai.graph_loader import load_dataset
    from zhengai.stores import EmbeddedStore

    engine = engine or Engine(EmbeddedStore(load_dataset(WORKED)))
    base = exported(engine, WORKED_AS_OF)
    out = {f"{NOT_A_WORKBOOK}.xlsx": "编号,名称\nm1,指标一\n".encode()}
    for name, edit in CASES.items():
        out[f"{name}.xlsx"] = edited(base, edit)
    return out


if __name__ == "__main__":
    CORPUS.mkdir(parents=True, exist_ok=True)
    for name, body in build().items():
        (CORPUS / name).write_bytes(body)
    print(f"{len(CASES) + 1} workbooks in {CORPUS}")

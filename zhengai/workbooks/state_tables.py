"""The tables of the 状态数据采集平台 (高等职业院校人才培养工作状态数据采集平台) the bridge reads and writes,
in the layout of the platform's export workbooks: one sheet per table named ``表<number> <title>``, the
table's title in row 1, field names in row 2, records from row 3. A table of many records (专业, 学生)
names the key column that tells its rows apart.

The fields follow the platform's public indicator definitions (表1 学校基本信息, 表6 专业, 表7 学生); the
sample workbook (:func:`write_sample`) holds fictional values of a fictional college.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3


@dataclass(frozen=True)
class StateTable:
    """One table: its number (``6.1``), title, field names and key column (None: one record)."""

    number: str
    title: str
    fields: tuple[str, ...]
    key: str | None = None

    @property
    def sheet(self) -> str:
        """The sheet's name, e.g. ``表6.1 专业设置``."""
        return f"表{self.number} {self.title}"


TABLES = (
    StateTable(
        "1.1",
        "学校概况",
        (
            "学校名称",
            "学校代码",
            "举办者",
            "全日制在校生数",
            "专任教师数",
            "双师素质专任教师数",
            "生师比",
            "平均教学班额",
        ),
    ),
    StateTable(
        "6.1",
        "专业设置",
        (
            "专业代码",
            "专业名称",
            "所属院系",
            "在校生数",
            "职业技能等级证书获取人数",
            "职业技能等级证书获取率",
        ),
        key="专业代码",
    ),
    StateTable(
        "7.1",
        "毕业生就业",
        ("专业代码", "专业名称", "毕业生数", "就业人数", "专业对口就业人数", "专业对口率"),
        key="专业代码",
    ),
)
BY_NUMBER = {t.number: t for t in TABLES}
#: The row of a table of many records that sums them up (its key column reads 合计).
TOTAL = "合计"

# Fictional majors (codes of the public 高职专科 catalogue) and values of the sample workbook.
_MAJORS = (
    ("460104", "机械制造及自动化", "机械工程学院", 612, 488, 312, 286, 241),
    ("460113", "模具设计与制造", "机械工程学院", 398, 301, 129, 118, 96),
    ("460306", "电气自动化技术", "电子信息工程学院", 540, 433, 176, 163, 139),
    ("510203", "软件技术", "电子信息工程学院", 705, 512, 232, 209, 158),
    ("470201", "应用化工技术", "化学工程学院", 455, 380, 148, 139, 121),
    ("530302", "大数据与会计", "经济管理学院", 668, 505, 221, 201, 150),
    ("530701", "电子商务", "经济管理学院", 476, 322, 158, 142, 97),
    ("440301", "建筑工程技术", "建筑工程学院", 391, 290, 127, 113, 92),
)


def sample_records() -> dict[str, list[list[object]]]:
    """The sample workbook's records by table number (fictional values)."""
    students = sum(m[3] for m in _MAJORS)
    teachers = 236
    school = [
        "扬州工业职业技术学院（虚构示例）",
        "10000",
        "江苏省（示例）",
        students,
        teachers,
        182,
        round(students / teachers, 2),
        42,
    ]
    majors = [
        [code, name, dept, n, certified, round(certified * 100 / n, 1)]
        for code, name, dept, n, certified, *_ in _MAJORS
    ]
    jobs = [
        [code, name, grads, employed, matched, round(matched * 100 / employed, 1)]
        for code, name, _, _, _, grads, employed, matched in _MAJORS
    ]
    total = [sum(r[i] for r in jobs) for i in (2, 3, 4)]
    jobs.append([TOTAL, None, *total, round(total[2] * 100 / total[1], 1)])
    return {"1.1": [school], "6.1": majors, "7.1": jobs}


def write_tables(out: str | Path | IO[bytes], records: dict[str, list[list[object]]]) -> None:
    """Write the platform's tables with ``records`` by table number (write-only: rows streamed)."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in TABLES:
        ws = wb.create_sheet(table.sheet)
        title = WriteOnlyCell(ws, value=table.sheet)
        title.font = Font(bold=True, size=13)
        ws.append([title])
        head = []
        for name in table.fields:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            head.append(cell)
        ws.append(head)
        ws.freeze_panes = f"A{FIRST_ROW}"
        for record in records.get(table.number, []):
            ws.append(record)
    wb.save(out)


def write_sample(out: str | Path | IO[bytes]) -> None:
    """The sample 状态数据 export workbook (fictional values)."""
    write_tables(out, sample_records())


if __name__ == "__main__":  # python -m zhengai.workbooks.state_tables OUT.xlsx
    write_sample(sys.argv[1])

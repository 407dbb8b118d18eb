"""The tables of the 状态数据采集平台 (高等职业院校人才培养工作状态数据采集平台) the bridge reads and writes,
in the layout of the platform's export workbooks: one sheet per table named ``表<number> <title>``, the
table's title in row 1, field names in row 2, records from row 3. A table of many records (专业, 学生)
names the key column that tells its rows apart.

The tables (``state_tables.yaml``) follow the platform's public indicator definitions (表1 学校基本信息,
表6 专业, 表7 学生).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO

import yaml
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


TABLES = tuple(
    StateTable(str(t["number"]), t["title"], tuple(t["fields"]), t.get("key"))
    for t in yaml.safe_load((Path(__file__).with_name("state_tables.yaml")).read_text(encoding="utf-8"))
)
BY_NUMBER = {t.number: t for t in TABLES}
#: The row of a table of many records that sums them up (its key column reads 合计).
TOTAL = "合计"

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



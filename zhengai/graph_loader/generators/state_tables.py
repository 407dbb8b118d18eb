"""The sample 状态数据 export workbook of the demo (``zhengai/graph_loader/demo/state_data_sample.xlsx``):
fictional values of a fictional college in the platform's table layout.
``python -m zhengai.graph_loader.generators.state_tables OUT.xlsx`` writes it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

from zhengai.workbooks.state_tables import TOTAL, write_tables

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


def write_sample(out: str | Path | IO[bytes]) -> None:
    """The sample 状态数据 export workbook (fictional values)."""
    write_tables(out, sample_records())


if __name__ == "__main__":  # python -m zhengai.graph_loader.generators.state_tables OUT.xlsx
    write_sample(sys.argv[1])

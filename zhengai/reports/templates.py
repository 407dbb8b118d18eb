"""The 诊改报告 templates: which sections a subject's report has, in which order, by its kind.

Each kind of quality subject — 学校, 专业, 课程, 教师, 学生 and the departments (职能部门, 二级学院: any
subject whose level is not one of the five, :func:`zhengai.engine.reports.data.report_kind`) — has a
template: a tuple of section keys that :func:`zhengai.reports.diagnosis.document` builds and numbers.
Generated sections: ``goals`` (目标与标准, with the trend chart), ``growth`` (the same for a student's
成长目标), ``warnings``, ``gaps`` (差距原因 with the written 原因分析), ``tasks`` (一页纸),
``department_tasks`` (a department's 年度工作任务, first), ``improvements`` (the written 改进措施 with the
registered and proposed measures) and ``conclusion``; written: ``self_diagnosis`` (自我诊断). The words
of every heading are the catalogue's (``report.*``).
"""

from __future__ import annotations

from zhengai.domain.models import Subject
from zhengai.engine.reports.data import report_kind

__all__ = ["TEMPLATES", "template"]

_UNIT = ("goals", "warnings", "self_diagnosis", "gaps", "tasks", "improvements", "conclusion")

#: Report kind → its sections in order.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "SCHOOL": _UNIT,
    "MAJOR": _UNIT,
    "COURSE": _UNIT,
    "TEACHER": _UNIT,
    "STUDENT": ("growth", "warnings", "self_diagnosis", "gaps", "improvements", "conclusion"),
    "DEPARTMENT": ("department_tasks", "goals", "warnings", "self_diagnosis", "gaps", "improvements",
                   "conclusion"),
}


def template(subject: Subject) -> tuple[str, ...]:
    """The sections of ``subject``'s report."""
    return TEMPLATES[report_kind(subject)]

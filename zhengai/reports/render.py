"""One subject's 诊改报告 in a format: the report's data over the caller's view, worded into a document with
the written parts of the period's workflow record, rendered as Markdown, Word or PDF. The HTTP download
(/reports/{subjectId}.{format}) and the batch job (:mod:`zhengai.reports.batch`) both call it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from zhengai.domain.errors import InvalidArgumentError
from zhengai.engine.engine import Engine
from zhengai.engine.reports.data import diagnosis_report
from zhengai.engine.reports.workflow import report_record
from zhengai.reports import diagnosis, markdown, pdf, word
from zhengai.reports.document import Document

__all__ = ["FORMATS", "period_dates", "render_subject"]

#: The formats a report renders in: renderer and media type.
FORMATS: dict[str, tuple[Callable[[Document], str | bytes], str]] = {
    "md": (markdown.render, "text/markdown; charset=utf-8"),
    "docx": (word.render, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": (pdf.render, "application/pdf"),
}


def period_dates(period: str | None, as_of: date | None,
                 start: date | None) -> tuple[date | None, date | None]:
    """``(as_of, start)`` with a year ``period`` (YYYY) filling what is not given: from 1 January, to 31
    December or today if earlier."""
    if period:
        if not (period.isdigit() and len(period) == 4):
            raise InvalidArgumentError(f"period must be a year (YYYY), got {period!r}")
        start = start or date(int(period), 1, 1)
        as_of = as_of or min(date.today(), date(int(period), 12, 31))
    return as_of, start


def render_subject(engine: Engine, subject_id: str, fmt: str = "md", as_of: date | None = None,
                   start: date | None = None, period: str | None = None) -> str | bytes:
    """The 诊改报告 of ``subject_id`` in ``fmt`` (md, docx, pdf) as ``engine``'s view sees it, with the
    written parts of the period's report (the workflow's current version)."""
    if fmt not in FORMATS:
        raise InvalidArgumentError(f"no report format {fmt!r} ({', '.join(FORMATS)})")
    as_of, start = period_dates(period, as_of, start)
    data = diagnosis_report(engine, subject_id, as_of, start)
    record = report_record(engine, subject_id, period, data.as_of)
    return FORMATS[fmt][0](diagnosis.document(data, record))

"""The data of reports (诊改报告): gathered here over the caller's view, rendered by :mod:`zhengai.reports`.

``data.py`` gathers a subject's report as plain dataclasses (numbers, statuses, dates, the records they
are about); it says nothing about layout. To report something new, add it to the data here and a
section for it in :mod:`zhengai.reports.diagnosis`: every renderer (Markdown now; Word and PDF later)
then shows it.
"""

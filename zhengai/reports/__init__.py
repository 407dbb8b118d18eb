"""Reports for people: documents built from the engine's report data, and their renderers.

The layers, one way only:

1. data — :mod:`zhengai.engine.reports.data` gathers what a report says (numbers, statuses, names)
   over the caller's view; no words, no layout;
2. document — :mod:`zhengai.reports.diagnosis` words it from the catalogue of texts
   (:mod:`zhengai.texts`) into a renderer-neutral :class:`~zhengai.reports.document.Document`: sections,
   paragraphs, tables of formatted cells and charts as data series;
3. renderers — :mod:`zhengai.reports.markdown` (``render(document) -> str``); a Word or PDF renderer is
   one more module with the same shape, handling every block type of ``document.py``.
"""

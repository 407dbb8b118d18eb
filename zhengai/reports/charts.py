"""Charts of report documents drawn for print: a vector drawing for PDF (reportlab's graphics) and a PNG
for Word (matplotlib), both from the same :class:`~zhengai.reports.document.Chart` — the x axis is the
series' dates (month ends), the y axis the values, in percent for shares (``unit == "%"``)."""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from datetime import date

from zhengai.reports.document import Chart, Series
from zhengai.reports.fonts import cjk_font, pdf_font

__all__ = ["MAX_SERIES", "PALETTE", "drawing", "png"]

#: Lines drawn per chart (the table beside it has every goal).
MAX_SERIES = 10
#: Line colours (colour-blind safe, Okabe–Ito), repeated as needed.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
           "#8C564B", "#7F7F7F")
_matplotlib = threading.Lock()  # pyplot-free figures, but the font manager is shared


def _dates(series: Sequence[Series]) -> list[date]:
    return sorted({at for s in series for at, _ in s.points})


def _scale(chart: Chart, y: float) -> float:
    return y * 100 if chart.unit == "%" else y


def _label(at: date) -> str:
    return f"{at.year}-{at.month:02d}"


def _shown(chart: Chart) -> tuple[Series, ...]:
    return chart.series[:MAX_SERIES]


def _legend_name(name: str, limit: int = 24) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"


def drawing(chart: Chart, width: float, height: float):  # -> reportlab.graphics.shapes.Drawing
    """The chart as a reportlab drawing of ``width`` × ``height`` points (vector, for PDF)."""
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    font = pdf_font()
    series = _shown(chart)
    dates = _dates(series)
    index = {at: i for i, at in enumerate(dates)}
    rows = (len(series) + 1) // 2
    legend_height = 12 * rows + 6
    d = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y = 36, legend_height + 18
    plot.width, plot.height = width - 48, height - legend_height - 40
    plot.data = [[(index[at], _scale(chart, y)) for at, y in s.points if y is not None] or [(0, 0)]
                 for s in series]
    values = [y for line in plot.data for _, y in line]
    plot.yValueAxis.valueMin = min(0, min(values, default=0))
    plot.yValueAxis.valueMax = max(100 if chart.unit == "%" else 1, max(values, default=0)) * 1.05
    plot.yValueAxis.labels.fontName = plot.xValueAxis.labels.fontName = font
    plot.yValueAxis.labels.fontSize = plot.xValueAxis.labels.fontSize = 7
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, max(len(dates) - 1, 1)
    step = max(1, len(dates) // 8)
    plot.xValueAxis.valueSteps = list(range(0, len(dates), step))
    plot.xValueAxis.labelTextFormat = lambda i: _label(dates[int(i)]) if 0 <= int(i) < len(dates) else ""
    for i in range(len(series)):
        plot.lines[i].strokeColor = colors.HexColor(PALETTE[i % len(PALETTE)])
        plot.lines[i].strokeWidth = 1.4
    d.add(plot)
    legend = Legend()
    legend.fontName, legend.fontSize = font, 7
    legend.x, legend.y = 36, legend_height
    legend.columnMaximum = rows
    legend.alignment = "right"
    legend.dx, legend.dy, legend.deltax = 8, 6, width / 2 - 30
    legend.colorNamePairs = [(colors.HexColor(PALETTE[i % len(PALETTE)]), _legend_name(s.name))
                             for i, s in enumerate(series)]
    d.add(legend)
    unit = "%" if chart.unit == "%" else chart.unit
    d.add(String(4, height - 10, f"{chart.title}（{unit}）" if unit else chart.title, fontName=font,
                 fontSize=8))
    return d


def png(chart: Chart, width: float = 6.3, height: float = 3.4, dpi: int = 130) -> bytes:
    """The chart as a PNG of ``width`` × ``height`` inches (matplotlib, for Word)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import DateFormatter
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    font = FontProperties(fname=str(cjk_font()), size=7)
    series = _shown(chart)
    with _matplotlib:
        fig = Figure(figsize=(width, height), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.07, 0.34, 0.9, 0.56))
        for i, s in enumerate(series):
            points = [(at, _scale(chart, y)) for at, y in s.points if y is not None]
            ax.plot([at for at, _ in points], [y for _, y in points], color=PALETTE[i % len(PALETTE)],
                    linewidth=1.4, marker="o", markersize=2.5, label=_legend_name(s.name))
        ax.set_title(chart.title, fontproperties=font)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_formatter(DateFormatter("%Y-%m"))
        if series:
            ax.legend(prop=font, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=dpi)
    return out.getvalue()

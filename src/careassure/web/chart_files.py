"""Charts and figures as files: a chart as a standalone SVG (the page's drawing with its styles
inside, since the stylesheet does not travel with it) or a PNG (drawn from the same Chart by
matplotlib), and a page's figures as an Excel workbook.

The Excel cells are the CSV's cells (``routes.measures.figure_rows``, already made safe by
``careassure.records.csvcells.safe_cell``), so a group name starting with "=" is text in both.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

from fastapi.responses import Response

from careassure.web import charts

STYLESHEET = Path(__file__).with_name("static") / "careassure.css"
NUMBER = re.compile(r"\d+(\.\d+)?")
PNG_SIZE_IN, PNG_DPI = (9.6, 3.9), 120
COLOURS = {
    "ca-chart__line": "#1d70b8",
    "ca-chart__group": "#6f777b",
    "ca-chart__median": "#0b0c0c",
    "ca-chart__target": "#d4351c",
    "ca-chart__baseline": "#505a5f",
    "ca-chart__band": "#1d70b8",
    "ca-chart__peak": "#0b0c0c",
}


def _chart_styles() -> str:
    """The stylesheet's chart rules (``.ca-chart...``), for a drawing outside the page."""
    css = STYLESHEET.read_text(encoding="utf-8")
    return "\n".join(re.findall(r"^\.ca-chart[^{]*\{[^}]*\}", css, flags=re.MULTILINE))


def svg_file(chart: charts.Chart) -> bytes:
    drawing = str(charts.render(chart, "chart"))
    drawing = drawing.replace(
        "<svg ", '<svg xmlns="http://www.w3.org/2000/svg" width="960" height="360" ', 1
    )
    drawing = drawing.replace(">", f"><style>{_chart_styles()}</style>", 1)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + drawing).encode("utf-8")


def png_file(chart: charts.Chart) -> bytes:
    """The chart drawn by matplotlib (Agg): the same lines, bands, rules and marks."""
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure

    figure = Figure(figsize=PNG_SIZE_IN, dpi=PNG_DPI)
    axes = figure.add_subplot()
    days = np.array(list(chart.x), dtype="datetime64[D]")

    def numbers(values: Sequence[float | None]) -> list[float]:
        return [float("nan") if v is None else v for v in values]

    for band in chart.bands:
        axes.fill_between(days, numbers(band.low), numbers(band.high), alpha=0.2,
                          color=COLOURS.get(band.css, "#1d70b8"), label=band.label, linewidth=0)
    for line in chart.lines:
        axes.plot(days, numbers(line.values), color=COLOURS.get(line.css, "#1d70b8"),
                  linewidth=2, marker="o", markersize=3, label=line.label)
    for rule in chart.rules:
        dotted = rule.css == "ca-chart__baseline"
        axes.axhline(rule.value, color=COLOURS.get(rule.css, "#d4351c"),
                     linestyle=":" if dotted else "--", linewidth=1.5, label=rule.label)
    for mark in chart.marks:
        axes.plot(days[mark.index], mark.value, marker="o", markersize=9, fillstyle="none",
                  color=COLOURS.get(mark.css, "#0b0c0c"))
        axes.annotate(mark.label, (days[mark.index], mark.value), textcoords="offset points",
                      xytext=(0, 8), ha="center", fontsize=8)
    axes.set_title(chart.title, fontsize=10, loc="left")
    axes.set_ylabel(chart.y_label, fontsize=9)
    axes.set_ylim(bottom=0)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    axes.tick_params(labelsize=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", linewidth=0.4, alpha=0.5)
    axes.legend(loc="upper left", fontsize=7, frameon=False)
    figure.subplots_adjust(left=0.07, right=0.98, top=0.9, bottom=0.1)
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Description": chart.description})
    return out.getvalue()


def xlsx_file(sheet: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """One sheet with a header row; strings stay strings (openpyxl would otherwise store a
    cell starting "=" as a formula, which ``safe_cell`` has already escaped)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    page = book.create_sheet(sheet[:31])
    page.append(list(columns))
    for row in rows:
        page.append([_number(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(cell: object) -> object:
    """A figure written as text ("18", "78.5") as the number it is, so the sheet can sum it."""
    if isinstance(cell, str) and NUMBER.fullmatch(cell):
        return float(cell) if "." in cell else int(cell)
    return cell


def file_response(content: bytes, media_type: str, filename: str) -> Response:
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{safe_name}"'},
    )

"""Charts for reports: PNG line charts drawn with matplotlib's Agg backend (no display needed),
each returned with alternative text that states what the chart shows in words, so a screen
reader user gets the same message as a sighted reader."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

WIDTH_IN, HEIGHT_IN, DPI = 6.4, 2.6, 130
LINE, TARGET = "#1d70b8", "#d4351c"


def line_chart(
    points: Sequence[tuple[date, float | None]],
    *,
    title: str,
    unit_label: str,
    target: float | None = None,
) -> bytes:
    """A line of ``points`` (None values leave a gap: empty populations and suppressed counts
    are not drawn), with the target as a dashed line when there is one."""
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    axes = figure.add_subplot()
    # datetime64 rather than date objects: the same date axis, in a type matplotlib declares.
    days = np.array([day for day, _ in points], dtype="datetime64[D]")
    values = [float("nan") if value is None else value for _, value in points]
    axes.plot(days, values, color=LINE, linewidth=1.8, marker="o", markersize=2.5)
    if target is not None:
        axes.axhline(target, color=TARGET, linestyle="--", linewidth=1.2,
                     label=f"target {target:g}")
        axes.legend(loc="upper right", fontsize=7, frameon=False)
    axes.set_title(title, fontsize=9, loc="left")
    axes.set_ylabel(unit_label, fontsize=8)
    axes.set_ylim(bottom=0)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %y"))
    axes.tick_params(labelsize=7)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", linewidth=0.4, alpha=0.5)
    # Fixed margins rather than tight_layout(), which draws the figure twice to measure it.
    figure.subplots_adjust(left=0.09, right=0.98, top=0.88, bottom=0.13)
    out = io.BytesIO()
    figure.savefig(out, format="png", pil_kwargs={"compress_level": 3})
    return out.getvalue()

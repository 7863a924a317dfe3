"""Measure values as the pages show them, and UK dates.

Formatting and small-number suppression are the measure package's (``careassure.measures.format``
and ``careassure.measures.publish``), so a figure reads the same on a page, in a CSV and in a
report. What this module adds is the rule of when to suppress: for a reader who sees only
published figures (the viewer role), every set of values is passed through ``suppress`` whole,
the whole-area row with its breakdown groups, so that secondary suppression can protect a group.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from careassure.measures.format import format_number, format_value
from careassure.measures.publish import SUPPRESSED, Nesting, PublishedValue, suppress
from careassure.measures.result import MeasureValue

Shown = MeasureValue | PublishedValue
UK_TIME = ZoneInfo("Europe/London")

__all__ = ["format_number"]  # re-exported: pages format bare numbers in a measure's unit


def for_reader(
    values: Sequence[MeasureValue], *, published: bool, nesting: Nesting | None = None
) -> list[Shown]:
    """The values a reader may see: suppressed as one set when ``published`` (``nesting``: how
    one breakdown's groups add up to another's, both being in ``values``)."""
    return list(suppress(values, nesting)) if published else list(values)


def show(value: Shown | None) -> str:
    """A value in its unit ("18 days", "78.0%", "*" when suppressed, "—" for no value)."""
    if value is None:
        return format_number(None, "count")
    return format_value(value)


def hidden(value: Shown) -> bool:
    return value.value == SUPPRESSED


def plottable(value: Shown) -> float | None:
    """The number to draw, or None for a gap (no value, or suppressed)."""
    return None if value.value is None or hidden(value) else float(value.value)


def csv_cell(value: Shown) -> str:
    """The bare figure for a CSV cell: no unit or separators, "*" when suppressed."""
    if value.value is None:
        return ""
    if isinstance(value.value, float):
        return f"{value.value:g}"
    return str(value.value)


def uk_date(day: date | datetime | None) -> str:
    """29/12/2025."""
    return day.strftime("%d/%m/%Y") if day is not None else ""


def long_date(day: date | datetime | None) -> str:
    """29 December 2025."""
    return f"{day.day} {day:%B %Y}" if day is not None else ""


def uk_datetime(moment: datetime | None) -> str:
    """29/12/2025 14:05, in UK time (stored timestamps are UTC)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(UK_TIME).strftime("%d/%m/%Y %H:%M")

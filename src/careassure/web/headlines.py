"""The overview's headline rows: latest value with its period, standing target, status with its
reason, change over a year and sparkline, all from the measure engine (the list of measures is
``careassure.measures.headlines.HEADLINE_MEASURES``). The latest value is the one ``compute`` gives
at the date, the last point of the same series the measure page draws."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from careassure.measures import CATALOGUE
from careassure.measures.filters import Filter
from careassure.measures.format import period_text
from careassure.measures.headlines import HEADLINE_MEASURES
from careassure.web import charts, display
from careassure.web.display import Shown
from careassure.web.figures import Figures
from careassure.web.targets import Judged, judged, target_words

TREND_MONTHS = 12


@dataclass(frozen=True)
class Headline:
    measure: str
    title: str
    value: str
    period: str
    target: str
    judged: Judged
    change: str
    sparkline: Markup


def month_end(day: date) -> date:
    return day + relativedelta(day=31)


def trend_start(as_of: date, months: int) -> date:
    """The month end ``months`` before ``as_of`` (the first point of a monthly series)."""
    return month_end(as_of - relativedelta(months=months))


def change_text(first: Shown | None, last: Shown) -> str:
    """"Down from 45 days on 30/09/2025 (better)", in words, with the direction judged."""
    if first is None or first.value is None or last.value is None:
        return "No earlier figure"
    if display.hidden(first) or display.hidden(last):
        return "Not shown (small numbers)"
    when = display.uk_date(first.as_of)
    if last.value == first.value:
        return f"No change from {when}"
    up = last.value > first.value  # type: ignore[operator]
    words = f"{'Up' if up else 'Down'} from {display.show(first)} on {when}"
    direction = CATALOGUE[last.measure].direction
    if direction is None:
        return words
    return f"{words} ({'better' if up == (direction == 'higher') else 'worse'})"


def headlines(
    figures: Figures,
    as_of: date,
    *,
    published: bool,
    standing: dict[str, Any],
    measures: tuple[str, ...] = tuple(HEADLINE_MEASURES),
    where: Filter | None = None,
) -> list[Headline]:
    """The rows; ``standing`` maps each measure to its standing target (or None); ``where``
    computes them for part of the area (every one of ``measures`` must be filterable by it)."""
    if not measures:
        return []
    now = display.for_reader(
        figures.values(measures, as_of, where=where) or [], published=published
    )
    trend = display.for_reader(
        figures.series(measures, trend_start(as_of, TREND_MONTHS), as_of, where=where) or [],
        published=published,
    )
    rows = []
    for value in now:
        if value.breakdown is not None:
            continue
        definition = CATALOGUE[value.measure]
        points = [v for v in trend if v.measure == value.measure and v.breakdown is None]
        target = standing[value.measure]
        rows.append(
            Headline(
                measure=value.measure,
                title=definition.title,
                value=display.show(value),
                period=period_text(value.period_start, value.as_of),
                target=target_words(target),
                judged=judged(value, target),
                change=change_text(points[0] if points else None, value),
                sparkline=charts.sparkline(
                    [display.plottable(p) for p in points],
                    target.target.value if target else None,
                ),
            )
        )
    return rows

"""The council beside England, its region and its neighbours, as the pages show it.

One builder for the comparison page and the panel on a measure page, so both quote the same
figures. The national figures come from the application database (``careassure compare
import``); the council's own figure for a measure with a national twin comes from the store, as on
every other page, with the period difference stated beside it. When the store's latest load is
marked synthetic (the demo's county), the pages say that the council's own figures are not real.
The council's code and the synthetic marker are read from the configuration when the app starts
(web/settings.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import Request
from markupsafe import Markup

from careassure.appdb import transaction
from careassure.compare.comparison import MeasureComparison
from careassure.compare.model import period_bounds
from careassure.compare.store import council_comparisons
from careassure.compare.twins import Twin, period_note, twin_of_code, twins
from careassure.compare.wording import direction, number, value_range
from careassure.measures import CATALOGUE
from careassure.web import charts, display
from careassure.web.auth import current_user
from careassure.web.roles import sees_unpublished


@dataclass(frozen=True)
class Local:
    """The council's own figure for a measure with a national twin, and how the periods differ."""

    measure_id: str
    title: str
    value: str
    as_of: date
    period_note: str
    definition_note: str


@dataclass(frozen=True)
class Shown:
    """One national measure on a page: its comparison, chart and the council's own figure."""

    comparison: MeasureComparison
    chart: Markup
    chart_id: str
    twin: Twin | None
    local: Local | None


def synthetic(request: Request) -> bool:
    """Whether the council's own figures are synthetic: the store's latest load is the one the
    demo marked as its synthetic county."""
    info = request.app.state.figures.info()
    marked = request.app.state.settings.synthetic_load
    return bool(info and marked and info.load_id == marked)


def comparisons(request: Request) -> tuple[str | None, list[MeasureComparison]]:
    """The configured council's code and its comparisons (empty when nothing is imported)."""
    code = request.app.state.settings.council_code
    if code is None:
        return None, []
    with transaction(request.app.state.engine) as session:
        return code, council_comparisons(session, code)


def _chart(comparison: MeasureComparison, chart_id: str) -> Markup:
    periods = comparison.periods
    ends = [b[1] for p in periods if (b := period_bounds(p.period))]
    chart = charts.Chart(
        title=f"{comparison.title}: {comparison.council_name} beside England",
        description=(
            f"{comparison.council_name}'s published value per period, England's median and the "
            "range of its nearest neighbours; the figures are in the table below."
        ),
        x=ends,
        lines=[
            charts.Line("England median", [p.england.median for p in periods],
                        "ca-chart__median"),
            charts.Line(comparison.council_name, [p.value for p in periods]),
        ],
        bands=[charts.Band(
            "Neighbours' range",
            [p.neighbours.low if p.neighbours else None for p in periods],
            [p.neighbours.high if p.neighbours else None for p in periods],
        )],
    )
    return charts.render(chart, chart_id)


def _local(request: Request, twin: Twin, comparison: MeasureComparison) -> Local | None:
    info = request.app.state.figures.info()
    if info is None or info.extract_date is None:
        return None
    as_of = info.extract_date
    definition = CATALOGUE[twin.measure]
    user = current_user(request)
    published = user is None or not sees_unpublished(user.role)
    values = display.for_reader(
        [v for v in request.app.state.figures.values((twin.measure,), as_of) or []
         if v.breakdown is None],
        published=published,
    )
    return Local(
        measure_id=twin.measure,
        title=definition.title,
        value=display.show(values[0] if values else None),
        as_of=as_of,
        period_note=period_note(twin, as_of, comparison.latest.period, definition.kind),
        definition_note=twin.definition,
    )


def shown(request: Request, comparison: MeasureComparison, index: int) -> Shown:
    twin = twin_of_code(comparison.code)
    chart_id = f"compare-{index}"
    return Shown(
        comparison=comparison,
        chart=_chart(comparison, chart_id),
        chart_id=chart_id,
        twin=twin,
        local=_local(request, twin, comparison) if twin else None,
    )


def panel(request: Request, measure_id: str) -> Shown | None:
    """The comparator panel of a measure page: None unless the measure has a national twin with
    imported figures for the configured council."""
    twin = twins().get(measure_id)
    if twin is None:
        return None
    _code, found = comparisons(request)
    comparison = next((c for c in found if c.code == twin.national_code), None)
    return shown(request, comparison, 0) if comparison else None


# What the templates call to word national figures (passed in each page's context).
WORDING = {"national": number, "better_words": direction, "value_range": value_range}


def panel_context(request: Request, measure_id: str) -> dict[str, object]:
    """What a measure page adds to its context for ``compare_panel.html`` (one hook)."""
    return {"comparator": panel(request, measure_id), "synthetic": synthetic(request), **WORDING}

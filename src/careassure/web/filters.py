"""The filters of the overview and the measure pages, read from (and written back to) the URL's
query string, so a filtered page can be bookmarked, shared and saved as a named view.

``?team=North+East&team=City&age_band=65%2B&as_of=31%2F03%2F2026&from=30%2F04%2F2025`` keeps the
episodes of two teams and the people aged 65+, with the figures as at 31/03/2026 and the trend
from 30/04/2025. The groups come from the data (the breakdown groups,
``careassure.measures.engine.filter_choices``); anything else in a filter parameter, a date that
is not a date or is after the extract, is a 400 naming the parameter and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import HTTPException, Request
from markupsafe import Markup

from careassure.measures.filters import DIMENSIONS, Filter
from careassure.measures.labels import BREAKDOWN_NAMES, group_label
from careassure.web import display
from careassure.web.figures import Figures

AS_OF, FROM = "as_of", "from"
EARLIEST_YEARS = 10  # a trend reaches back at most this many years before its as-of date


@dataclass(frozen=True)
class View:
    """What the reader asked to see: the filter, the as-of date (the extract date unless
    chosen) and the trend's first date (None: the page's period)."""

    where: Filter
    as_of: date
    start: date | None
    extract_date: date

    @property
    def dated(self) -> bool:
        return self.as_of != self.extract_date

    def params(self) -> list[tuple[str, str]]:
        """The query parameters that give this view back."""
        pairs = [(d, g) for d, groups in self.where.groups for g in groups]
        if self.dated:
            pairs.append((AS_OF, display.uk_date(self.as_of)))
        if self.start is not None:
            pairs.append((FROM, display.uk_date(self.start)))
        return pairs

    def query(self, *extra: tuple[str, str]) -> str:
        """``?...`` for a link to a page under this view ("" when nothing is chosen)."""
        pairs = self.params() + [pair for pair in extra if pair[1]]
        return "?" + urlencode(pairs) if pairs else ""

    def summary(self) -> list[str]:
        """The view in words, one line per choice ("Team: City or North East"), for the page
        and its printout."""
        lines = [
            f"{BREAKDOWN_NAMES[d]}: {' or '.join(group_label(d, g) for g in groups)}"
            for d, groups in self.where.groups
        ]
        lines.append(f"Figures as at {display.uk_date(self.as_of)}")
        if self.start is not None:
            lines.append(f"Trend from {display.uk_date(self.start)}")
        return lines


def choices(figures: Figures, at: date) -> dict[str, list[str]]:
    """The groups each filter can choose from, per data version (cached with the figures)."""
    from careassure.measures.engine import filter_choices

    return figures.cached(("filter-choices", at), lambda store: filter_choices(store, at)) or {}


def _bad(text: str) -> HTTPException:
    return HTTPException(status_code=400, detail=text)


def _day(text: str, name: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise _bad(f"The {name} “{text}” is not a date. Write it as day/month/year, e.g. 31/03/2026.")


def read_view(request: Request, extract_date: date, *, with_start: bool) -> View:
    """The view a request asks for, checked against the data (400 for anything else)."""
    params = request.query_params
    as_of = extract_date
    if params.get(AS_OF, "").strip():
        as_of = _day(params[AS_OF], "as-of date")
        if as_of > extract_date:
            raise _bad(
                f"The as-of date {display.uk_date(as_of)} is after the data, which runs to "
                f"{display.uk_date(extract_date)}. Choose a date on or before it."
            )
        if as_of.year < extract_date.year - EARLIEST_YEARS:
            raise _bad(f"The as-of date {display.uk_date(as_of)} is too far back.")
    start = None
    if with_start and params.get(FROM, "").strip():
        start = _day(params[FROM], "trend start date")
        if start >= as_of:
            raise _bad(
                f"The trend start date {display.uk_date(start)} must be before the as-of date "
                f"{display.uk_date(as_of)}."
            )
        if start.year < as_of.year - EARLIEST_YEARS:
            raise _bad(
                f"The trend start date {display.uk_date(start)} is more than {EARLIEST_YEARS} "
                "years before the as-of date."
            )
    chosen: dict[str, list[str]] = {}
    wanted = {d: [g for g in params.getlist(d) if g] for d in DIMENSIONS}
    known = choices(request.app.state.figures, as_of) if any(wanted.values()) else {}
    for dimension, groups in wanted.items():
        for group in groups:
            if group not in known.get(dimension, ()):
                raise _bad(
                    f"There is no {BREAKDOWN_NAMES[dimension].lower()} “{group[:60]}” in the "
                    "data. Choose from the list in the filters."
                )
        chosen[dimension] = groups
    return View(Filter.of(chosen, as_of), as_of, start, extract_date)


def form_context(request: Request, view: View) -> dict[str, Any]:
    """The filter form's checkboxes (one fieldset per dimension, the chosen groups ticked) and
    date fields."""
    return {
        "filter_grid": filter_grid(request, view),
        "filter_as_of": display.uk_date(view.as_of) if view.dated else "",
        "filter_from": display.uk_date(view.start) if view.start else "",
        "filter_summary": view.summary(),
        "filtered": bool(view.where) or view.dated or view.start is not None,
        "view": view,
    }


def filter_grid(request: Request, view: View) -> Markup:
    """The checkboxes of every dimension, rendered once per data version, date and choice.

    GOV.UK Frontend's checkbox macros render each of the few hundred groups (every team,
    locality, ethnicity...) through several nested macros: that was two thirds of the overview's
    and a measure page's time, the same markup for everyone who has not filtered. Kept with the
    cached figures, so a new load renders it afresh."""
    figures = request.app.state.figures
    template = request.app.state.jinja.get_template("filters_grid.html")

    def build(_store: Any) -> Markup:
        return Markup(template.render(filter_fields=_fields(figures, view)))

    return figures.cached(("filter-grid", view.as_of, view.where or None), build) or Markup("")


def _fields(figures: Figures, view: View) -> list[dict[str, Any]]:
    known = choices(figures, view.as_of)
    fields = []
    for dimension in DIMENSIONS:
        groups = known.get(dimension, [])
        if not groups:
            continue
        ticked = set(view.where.chosen(dimension))
        items = sorted(
            ({"value": g, "text": group_label(dimension, g), "checked": g in ticked}
             for g in groups),
            key=lambda item: str(item["text"]).lower(),
        )
        fields.append(
            {
                "name": dimension,
                "legend": BREAKDOWN_NAMES[dimension],
                "items": items,
                "open": bool(ticked),
                "chosen": len(ticked),
            }
        )
    return fields

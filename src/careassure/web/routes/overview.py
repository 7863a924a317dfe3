"""The overview: the plan's areas with their RAG, and headline measures with their targets,
status, change and trend.

The overview is the page everyone opens first, many at once after a committee paper goes out, so
its headline table is rendered once per data version and reader kind (published or not) and
kept with the cached figures; a request then costs a session lookup and the page around it.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from markupsafe import Markup

from careassure.measures import CATALOGUE
from careassure.measures.filters import Filter, filterable
from careassure.web.auth import Allow
from careassure.web.filters import form_context, read_view
from careassure.web.headlines import HEADLINE_MEASURES, TREND_MONTHS, headlines, trend_start
from careassure.web.roles import EVERYONE, sees_unpublished
from careassure.web.sessions import SignedIn
from careassure.web.targets import standing_all
from careassure.web.templating import render

router = APIRouter()
PLAN_RECHECK_SECONDS = 30


def headline_table(
    app: FastAPI, as_of: date, published: bool, where: Filter | None = None, query: str = ""
) -> Markup:
    """The headline table, kept per data version, reader kind, standing targets (a plan
    outcome can be a measure's standing target, so a change to the plan can change them) and
    filter. Under a filter, the measures it cannot apply to are named rather than shown with
    whole-area figures; ``query`` carries the filter to the measure pages linked."""
    figures = app.state.figures
    template = app.state.jinja.get_template("overview_headlines.html")

    standing_targets = standing_all(app, HEADLINE_MEASURES)
    shown = tuple(m for m in HEADLINE_MEASURES if filterable(m, where))
    left_out = [m for m in HEADLINE_MEASURES if m not in shown]

    def build(_store: Any) -> Markup:
        rows = headlines(figures, as_of, published=published, standing=standing_targets,
                         measures=shown, where=where)
        since = trend_start(as_of, TREND_MONTHS)
        return Markup(template.render(rows=rows, since=since, left_out=left_out, query=query,
                                      titles={m: CATALOGUE[m].title for m in left_out}))

    key = ("overview", as_of, published, tuple(standing_targets.items()), where or None, query)
    return figures.cached(key, build) or Markup("")


def plan_panel(request: Request, user: SignedIn) -> Markup:
    """The plan's areas with their RAG and reason, judged at the extract date; empty when no
    plan is stored (the overview still shows the figures; the plan page says how to import one).

    Loading, judging and rendering the plan takes about 10 ms, more than the rest of the page,
    so the panel is kept with the cached figures per version of the plan and kind of reader.
    Every change to the plan writes an audit row in the same transaction, so the newest audit id
    names the plan's version (read before the plan: a change committed in between shows on the
    next request). PostgreSQL can commit two writers' ids out of order, so an entry is also
    renewed every ``PLAN_RECHECK_SECONDS``: such a change shows within that time at worst."""
    from sqlalchemy import func, select

    from careassure.appdb import AuditEntry
    from careassure.plan.model import PlanError
    from careassure.web.routes.plan import judged_plan

    with request.app.state.engine.connect() as connection:
        version = connection.scalar(select(func.max(AuditEntry.id)))
    template = request.app.state.jinja.get_template("overview_plan.html")

    def build(_store: Any) -> Markup:
        try:
            status = judged_plan(request, user)[1]
        except PlanError:
            return Markup("")
        return Markup(template.render(plan_status=status, reported=reported_outcomes(status),
                                      titles={m: d.title for m, d in CATALOGUE.items()}))

    renewal = int(time.monotonic() // PLAN_RECHECK_SECONDS)
    key = ("overview-plan", version, not sees_unpublished(user.role), renewal)
    return request.app.state.figures.cached(key, build) or Markup("")


def reported_outcomes(status: Any) -> list[Any]:
    """The plan's outcomes judged on reported measures, in plan order: the overview's headline
    table is computed from the records only, so these are listed with the plan, each with the
    status and reason (its latest value against the outcome's target) the plan page shows."""
    from careassure.measures.reported import reported_ids

    declared = reported_ids()
    return [outcome for area in status.areas for action in area.actions
            for outcome in action.outcomes
            if outcome.spec.measured is not None and outcome.spec.measured.measure_id in declared]


@router.get("/")
def overview(request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))]) -> Response:
    info = request.app.state.figures.info()
    if info is None or info.extract_date is None:
        return render(request, "no_data.html", {"page_title": "Overview"})
    view = read_view(request, info.extract_date, with_start=False)
    table = headline_table(
        request.app, view.as_of, published=not sees_unpublished(user.role), where=view.where,
        query=view.query(),
    )
    return render(
        request,
        "overview.html",
        {
            "as_of": view.as_of,
            "headline_table": table,
            # The plan is judged at the extract date on the whole area: shown only unfiltered.
            "plan_panel": "" if view.params() else plan_panel(request, user),
            **form_context(request, view),
            "filter_action": "/",
            "filter_keep": [],
            "filter_with_start": False,
        },
    )


def warm(app: FastAPI) -> None:
    """Compute the overview for both kinds of reader, so that the first people to open it after
    the server starts do not wait for the measure engine."""
    try:
        info = app.state.figures.info()
        if info is not None and info.extract_date is not None:
            for published in (True, False):
                headline_table(app, info.extract_date, published)
    except Exception as exc:  # the pages will show the problem to whoever opens them
        logging.getLogger("careassure.web").warning("could not prepare the overview: %s", exc)

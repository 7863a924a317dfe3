"""Drill-down to the records behind a figure: the pseudonymised episodes a waiting-list figure
counts, for the whole area or one breakdown group, under the page's filters and date.

Person-level rows are for the roles in ``PERSON_LEVEL`` only (analysts, improvement managers,
administrators); everyone else is refused with the 403 page and keeps the (suppressed, for a
viewer) figures. Every list shown is logged with an audit row (careassure.web.record_views).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from careassure.appdb import transaction
from careassure.measures.drilldown import has_records, records_behind
from careassure.measures.labels import BREAKDOWN_NAMES, group_label
from careassure.web.auth import Allow
from careassure.web.filters import choices
from careassure.web.record_views import log_view
from careassure.web.roles import PERSON_LEVEL
from careassure.web.routes.measures import _selection, _view
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()
PSEUDONYM_SHOWN = 12  # characters of the pseudonym on the page, as the case-tracking list


@router.get("/measures/{measure_id}/records")
def records(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(PERSON_LEVEL))],
    measure_id: str,
    by: str | None = None,
    group: str | None = None,
) -> Response:
    definition, by, _, extract_date = _selection(request, measure_id, by, 24)
    if extract_date is None:
        raise HTTPException(status_code=404)
    if not has_records(measure_id):
        raise HTTPException(
            status_code=400,
            detail=f"{definition.title} is not a count of people waiting at a date, so it has "
            "no list of records behind it.",
        )
    if (by is None) != (not group):
        raise HTTPException(status_code=400, detail="Choose a breakdown and one of its groups.")
    view = _view(request, definition, extract_date)
    if by is not None and group not in choices(request.app.state.figures, view.as_of)[by]:
        raise HTTPException(
            status_code=400,
            detail=f"There is no {BREAKDOWN_NAMES[by].lower()} “{(group or '')[:60]}” in the data.",
        )
    info = request.app.state.figures.info()
    with request.app.state.figures.open(info.version) as (store, _fresh):
        found = records_behind(store, measure_id, view.as_of, where=view.where, by=by,
                               group=group or None)
    breakdown = f"{BREAKDOWN_NAMES[by]}: {group_label(by, group or '')}" if by else "whole area"
    with transaction(request.app.state.engine) as session:
        log_view(session, user.username, measure_id, view.as_of, breakdown,
                 view.query(), len(found))
    return render(
        request,
        "drilldown.html",
        {
            "definition": definition,
            "as_of": view.as_of,
            "breakdown": breakdown,
            "records": found,
            "shown": PSEUDONYM_SHOWN,
            "back": f"/measures/{measure_id}" + view.query(("by", by or "")),
            "filter_summary": view.summary(),
            "unit": "working days" if measure_id.startswith("financial_assessment.") else "days",
        },
    )

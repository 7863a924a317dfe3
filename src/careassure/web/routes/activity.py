"""DHSC's activity tables from the council's CLD load: a page of GOV.UK tables for the 12 months
to a chosen date, and the same tables as CSV and XLSX downloads. The viewer sees them published
(small counts suppressed across rows and columns), like every other figure."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from careassure.measures.activity import TOTAL, ActivityResult, activity
from careassure.measures.activity_files import period_words, table_rows, to_csv, to_xlsx
from careassure.measures.format import format_number
from careassure.web.auth import Allow
from careassure.web.downloads import csv_response
from careassure.web.roles import EVERYONE, sees_unpublished
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()
YEARS_OFFERED = 3  # financial years offered besides the 12 months to the data's end
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year_ends(latest: date) -> list[date]:
    """The 12 months to the data's end, then the last financial years (to 31 March) it covers."""
    last_march = date(latest.year if latest >= date(latest.year, 3, 31) else latest.year - 1,
                      3, 31)
    ends = [latest] + [date(last_march.year - k, 3, 31) for k in range(YEARS_OFFERED)]
    return list(dict.fromkeys(ends))


def _chosen(request: Request, as_of: date | None) -> tuple[date | None, list[date]]:
    info = request.app.state.figures.info()
    latest = info.extract_date if info else None
    if latest is None:
        return None, []
    offered = _year_ends(latest)
    if as_of is not None and as_of not in offered:
        raise HTTPException(status_code=400, detail="Choose one of the years offered.")
    return as_of or latest, offered


def _results(request: Request, as_of: date) -> list[ActivityResult]:
    found = request.app.state.figures.cached(("activity", as_of),
                                             lambda store: activity(store, as_of))
    return found or []


@router.get("/activity")
def activity_page(
    request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))],
    as_of: date | None = None,
) -> Response:
    when, offered = _chosen(request, as_of)
    if when is None:
        return render(request, "no_data.html", {"page_title": "Activity tables"})
    publish = not sees_unpublished(user.role)
    results = _results(request, when)
    tables = []
    for result in results:
        header, *rows = table_rows(result, publish=publish)
        tables.append({
            "id": result.table.id, "title": result.table.title,
            "definition": result.table.definition, "header": header,
            "rows": [[row[0], *(format_number(c, "count") for c in row[1:])] for row in rows],
        })
    options = [{"value": d.isoformat(), "text": ("12 months to " if i == 0 else "Year to ")
                + f"{d:%d/%m/%Y}", "selected": d == when} for i, d in enumerate(offered)]
    return render(request, "activity.html", {
        "as_of": when, "period": period_words(results[0]) if results else "",
        "tables": tables, "options": options, "published": publish,
        # Zero is shown to every reader, so saying "nothing at all" gives nothing away.
        "empty": all(r.count(TOTAL, TOTAL) == 0 for r in results),
    })


@router.get("/activity.{fmt}")
def activity_download(
    request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))], fmt: str,
    as_of: date | None = None,
) -> Response:
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(status_code=404)
    when, _ = _chosen(request, as_of)
    if when is None:
        raise HTTPException(status_code=404)
    publish = not sees_unpublished(user.role)
    results = _results(request, when)
    name = re.sub(r"[^0-9-]", "", when.isoformat())
    if fmt == "csv":
        return csv_response(to_csv(results, publish=publish), f"activity-{name}.csv")
    return Response(content=to_xlsx(results, publish=publish), media_type=XLSX,
                    headers={"Content-Disposition":
                             f'attachment; filename="activity-{name}.xlsx"'})

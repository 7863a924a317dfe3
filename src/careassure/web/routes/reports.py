"""Reports: a page listing what the reader may download, and the downloads themselves (the
committee update, the DHSC quarterly return and the self-assessment), written by
:mod:`careassure.reports` from the app's store and database at request time (a plan update shows
in the next download).

Everyone signed in may download the committee update and the DHSC return; the self-assessment is
for staff, like the CQC pages. Reports are published documents, so small numbers are suppressed
("*") by default; staff may ask for the internal version with ``?internal=1``, and the viewer
always gets the published one, whatever the address says.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from careassure.web.auth import Allow
from careassure.web.roles import EVERYONE, STAFF, sees_unpublished
from careassure.web.sessions import SignedIn
from careassure.web.templating import render as render_page

router = APIRouter()

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}
DOCUMENT_FORMATS = ("pdf", "docx", "html")
INTERNAL = Query(False, description="Staff only: show counts of 1 to 4.")
# How many quarters back the reports page offers DHSC returns for (the data may reach further).
QUARTERS_OFFERED = 6
REPORT_PAGE_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                      "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
AS_OF = Query(None, description="Report date, YYYY-MM-DD (default: the data's extract date).")


def _download(request: Request, user: SignedIn, kind: str, fmt: str, *, internal: bool,
              as_of: date | None = None, quarter: str | None = None) -> Response:
    from careassure.plan.model import PlanError
    from careassure.records.store import open_store
    from careassure.reports.dhsc import QuarterError, return_data
    from careassure.reports.generate import ReportError, build
    from careassure.reports.generate import Request as ReportRequest
    from careassure.reports.output import render

    allowed = DOCUMENT_FORMATS + (("json", "csv") if kind == "dhsc" else ())
    if fmt not in allowed:
        raise HTTPException(status_code=404)
    publish = not (internal and sees_unpublished(user.role))
    store_path = request.app.state.figures.store_path
    if not store_path.exists():
        raise HTTPException(status_code=400, detail="No data has been loaded yet.")
    try:
        with open_store(store_path) as store:
            document = build(ReportRequest(kind, as_of, quarter, publish), store,
                             request.app.state.engine)
    except (ReportError, PlanError, QuarterError) as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    content = render(document, fmt) if fmt in DOCUMENT_FORMATS else return_data(document, fmt)
    version = "published" if publish else "internal"
    name = re.sub(r"[^A-Za-z0-9._-]", "_",
                  f"{kind}{'-' + quarter if quarter else ''}-{document.meta.as_of.isoformat()}-"
                  f"{version}.{fmt}")
    if fmt != "html":
        return Response(content=content, media_type=MEDIA_TYPES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    # A web page opens in the browser. Its styles are inline, so it gets its own policy: inline
    # styles and embedded images only, no script, no requests elsewhere.
    return Response(content=content, media_type=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'inline; filename="{name}"',
        "Content-Security-Policy": REPORT_PAGE_POLICY,
    })


def complete_quarters(extract_date: date, count: int) -> list[str]:
    """The last ``count`` quarters the data covers in full, newest first (labels like 2026Q1):
    a return for a quarter the data only partly covers would quote figures that are not final."""
    from careassure.reports.dhsc import Quarter

    quarter = Quarter(extract_date.year, (extract_date.month - 1) // 3 + 1)
    if quarter.end > extract_date:
        quarter = quarter.previous
    labels = []
    for _ in range(count):
        labels.append(quarter.label)
        quarter = quarter.previous
    return labels


@router.get("/reports")
def reports_page(request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))]) -> Response:
    from careassure.reports.dhsc import parse_quarter

    info = request.app.state.figures.info()
    if info is None or info.extract_date is None:
        return render_page(request, "no_data.html", {"page_title": "Reports"})
    return render_page(request, "reports.html", {
        "as_of": info.extract_date,
        "quarters": [(label, parse_quarter(label).words)
                     for label in complete_quarters(info.extract_date, QUARTERS_OFFERED)],
        "staff": user.role in STAFF,
    })


@router.get("/reports/committee.{fmt}")
def committee_report(
    request: Request, fmt: str, user: Annotated[SignedIn, Depends(Allow(EVERYONE))],
    internal: bool = INTERNAL, as_of: date | None = AS_OF,
) -> Response:
    return _download(request, user, "committee", fmt, internal=internal, as_of=as_of)


@router.get("/reports/dhsc-{quarter}.{fmt}")
def dhsc_return(
    request: Request, quarter: str, fmt: str,
    user: Annotated[SignedIn, Depends(Allow(EVERYONE))], internal: bool = INTERNAL,
) -> Response:
    return _download(request, user, "dhsc", fmt, internal=internal, quarter=quarter)


@router.get("/reports/preparation.{fmt}")
def preparation_report(
    request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))], fmt: str,
    internal: bool = INTERNAL, as_of: date | None = AS_OF,
) -> Response:
    """The preparation-for-assessment document (staff: it quotes the self-assessment)."""
    return _download(request, user, "preparation", fmt, internal=internal, as_of=as_of)


@router.get("/reports/self-assessment.{fmt}")
def self_assessment_report(
    request: Request, fmt: str, user: Annotated[SignedIn, Depends(Allow(STAFF))],
    internal: bool = INTERNAL, as_of: date | None = AS_OF,
) -> Response:
    return _download(request, user, "self-assessment", fmt, internal=internal, as_of=as_of)

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
import threading
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from careassure.appdb import transaction
from careassure.reports.cache import ReportCache
from careassure.reports.document import Document
from careassure.web.auth import Allow
from careassure.web.roles import EVERYONE, STAFF, sees_unpublished
from careassure.web.routes.plan import PLAN_MANAGERS
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
MEETING = Query(None, description="The meeting the committee paper goes to.")
MEETING_DATE = Query(None, description="The meeting's date, YYYY-MM-DD.")


_CACHE_LOCK = threading.Lock()


def report_cache(request: Request) -> ReportCache:
    """The app's report cache, made on first use."""
    with _CACHE_LOCK:
        cache = getattr(request.app.state, "report_cache", None)
        if cache is None:
            cache = request.app.state.report_cache = ReportCache()
    return cache


def _download(request: Request, user: SignedIn, kind: str, fmt: str, *, internal: bool,
              as_of: date | None = None, quarter: str | None = None,
              meeting: str | None = None, meeting_date: date | None = None) -> Response:
    """A report file. This is a plain (not async) route, so Starlette runs it in its thread
    pool, off the event loop: other pages are served while a report is made. The file comes
    from the app's report cache, made once per request and data version, and a second request
    for a file being made waits for the first (:mod:`careassure.reports.cache`)."""
    from careassure.plan.model import PlanError
    from careassure.records.store import open_store
    from careassure.reports.cache import data_version
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
    engine = request.app.state.engine
    wanted = ReportRequest(kind, as_of, quarter, publish, (meeting or "").strip() or None,
                           meeting_date)

    def make_document() -> Document:
        with open_store(store_path) as store:
            return build(wanted, store, engine)

    def make_file(document: Document) -> bytes:
        return render(document, fmt) if fmt in DOCUMENT_FORMATS else return_data(document, fmt)

    try:
        document, content = report_cache(request).file(
            (wanted, data_version(store_path, engine)), fmt, make_document, make_file)
    except (ReportError, PlanError, QuarterError) as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
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


def _paper_text(request: Request) -> list[dict[str, object]]:
    """Each standing section of the committee paper with the text in force and where it comes
    from (the settings file, or its latest version edited here)."""
    from careassure.reports.papertext import latest
    from careassure.reports.settings import PAPER_TEXT, load_settings

    with transaction(request.app.state.engine) as session:
        edited = latest(session)
    settings = load_settings().with_paper_text(edited)
    return [{"key": key, "title": title, "text": "\n\n".join(settings.paper.get(key, ())),
             "version": settings.paper_versions.get(key)} for key, title in PAPER_TEXT.items()]


@router.get("/reports")
def reports_page(request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))]) -> Response:
    from careassure.reports.dhsc import parse_quarter

    info = request.app.state.figures.info()
    if info is None or info.extract_date is None:
        return render_page(request, "no_data.html", {"page_title": "Reports"})
    may_edit = user.role in PLAN_MANAGERS
    return render_page(request, "reports.html", {
        "as_of": info.extract_date,
        "quarters": [(label, parse_quarter(label).words)
                     for label in complete_quarters(info.extract_date, QUARTERS_OFFERED)],
        "staff": user.role in STAFF,
        "may_edit": may_edit,
        "paper_text": _paper_text(request) if may_edit else [],
    })


@router.post("/reports/paper-text")
async def save_paper_text(
    request: Request, user: Annotated[SignedIn, Depends(Allow(PLAN_MANAGERS))],
) -> Response:
    """Save the committee paper's standing text: each changed section becomes a new version,
    recorded in the audit trail; unchanged sections are left alone."""
    from careassure.reports.papertext import paragraphs_of, save_section
    from careassure.reports.settings import PAPER_TEXT, ReportSettingsError

    form = await request.form()
    current = {str(item["key"]): str(item["text"]) for item in _paper_text(request)}
    try:
        with transaction(request.app.state.engine) as session:
            for key in PAPER_TEXT:
                text = form.get(f"text-{key}")
                if isinstance(text, str):
                    save_section(session, user.username, key, text,
                                 paragraphs_of(current[key]))
    except ReportSettingsError as exc:
        return render_page(request, "error.html", {"title": "The paper text was not saved",
                                                   "detail": str(exc)}, status_code=400)
    return RedirectResponse("/reports#paper-text", status_code=303)


@router.get("/reports/committee.{fmt}")
def committee_report(
    request: Request, fmt: str, user: Annotated[SignedIn, Depends(Allow(EVERYONE))],
    internal: bool = INTERNAL, as_of: date | None = AS_OF, meeting: str | None = MEETING,
    meeting_date: date | None = MEETING_DATE,
) -> Response:
    return _download(request, user, "committee", fmt, internal=internal, as_of=as_of,
                     meeting=meeting, meeting_date=meeting_date)


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

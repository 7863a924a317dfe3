"""Preparation for the next CQC assessment (seed 000, "Looking ahead"): the next assessment
window, what could trigger a focused assessment, the recorded assessments and assurance meetings
(with forms to record them) and each meeting's data pack, and the characteristics coverage.

Everything comes from ``careassure.framework.assessments`` and the readiness functions; the live
measures are the same cached readings as the CQC pages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from careassure.appdb import record_event, transaction
from careassure.web.auth import Allow
from careassure.web.forms import error_context, settle
from careassure.web.roles import STAFF
from careassure.web.routes.cqc import _framework, _live, reading
from careassure.web.routes.plan import PLAN_MANAGERS
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()
PAGE = "/cqc/preparation"


def _day(text: str, label: str, errors: dict[str, str], field: str, *,
         required: bool = True) -> date | None:
    text = text.strip()
    if not text:
        if required:
            errors[field] = f"Enter {label}"
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    errors[field] = _sentence(f"{label} must be a real date, for example 05/01/2026")
    return None


def _sentence(message: object) -> str:
    """An error raised in the domain's lower case, as the first word of a GOV.UK message."""
    text = str(message)
    return text[:1].upper() + text[1:]


def _answer(request: Request, user: SignedIn, errors: dict[str, str], form: dict[str, str],
            save: Callable[[], object], changed: str, *,
            refused: type[Exception] | tuple[type[Exception], ...] = (), field: str = "",
            words: Callable[[Exception], str] = _sentence) -> Response:
    """Every form here ends as every editing form does (:func:`careassure.web.forms.settle`):
    the page again with its errors, or back to the section that changed (post/redirect/get),
    so a refresh never resubmits."""
    return settle(errors, lambda errors: _page(request, user, errors=errors, form=form), save,
                  f"{PAGE}?changed={changed}", refused=refused, field=field, words=words)


def _extract_date(request: Request) -> date | None:
    info = request.app.state.figures.info()
    return None if info is None else info.extract_date


def _history(request: Request, framework: Any, as_of: date | None, quarters: int) -> list[Any]:
    """Live readings of the statements' measures at the last ``quarters`` quarter ends."""
    from careassure.framework.assessments import quarter_ends
    from careassure.framework.live import live_values

    if as_of is None:
        return []
    figures = request.app.state.figures
    ids = tuple(sorted({m for qs in framework.statements for m in qs.measures}))
    return [
        figures.cached(("live", ids, day), lambda _store, d=day: live_values(
            ids, figures.store_path, d))
        for day in quarter_ends(as_of, quarters)
    ]


def _next(framework: Any, recorded: list[Any], today: date) -> tuple[Any, str]:
    """The next comprehensive assessment, from the recorded assessments or, when none is
    recorded, from the last assessment in the report settings."""
    from careassure.framework.assessments import next_comprehensive
    from careassure.framework.timeline import NextAssessment
    from careassure.reports.settings import ReportSettingsError, load_settings

    found = next_comprehensive(framework, recorded, today)
    if found is not None:
        return found, "the last comprehensive assessment recorded here"
    try:
        last = load_settings().last_assessment
    except ReportSettingsError:
        return None, ""
    if last is None:
        return None, ""
    from dateutil.relativedelta import relativedelta

    rules = framework.timeline
    rating = framework.band(last.rating).rating
    years = rules.comprehensive_interval_years[rating]
    due = last.published + relativedelta(years=years)
    opens = due - relativedelta(months=rules.next_assessment_window_months)
    return NextAssessment(last.published, rating, years, opens, due, today), (
        "the last assessment in the report settings")


def _page(request: Request, user: SignedIn, *, errors: dict[str, str] | None = None,
          form: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    from careassure.framework.assessments import (
        AGENDA,
        ATTENDEE_ROLES,
        DEFAULT_TRIGGER_QUARTERS,
        assessments,
        focused_triggers,
        meetings,
    )
    from careassure.framework.evidence import list_evidence
    from careassure.framework.readiness import assess_readiness

    framework = _framework()
    today = date.today()
    as_of = _extract_date(request)
    from careassure.framework.ratingtext import coverage

    with transaction(request.app.state.engine) as session:
        recorded = assessments(session)
        held = meetings(session)
        evidence = list_evidence(session, today)
        levels = coverage(session, framework)
    nxt, basis = _next(framework, recorded, today)
    history = _history(request, framework, as_of, DEFAULT_TRIGGER_QUARTERS)
    ids = [m for c in framework.characteristics for m in c.measures]
    readiness = assess_readiness(framework, evidence, _live(request, ids))
    context = {
        "framework": framework,
        "next": nxt,
        "next_basis": basis,
        "triggers": focused_triggers(framework, history),
        "trigger_quarters": [h.as_of for h in history],
        "recorded": recorded,
        "meetings": held,
        "agenda": AGENDA,
        "roles_items": [{"value": r, "text": r} for r in ATTENDEE_ROLES],
        "agenda_items": [{"value": k, "text": t} for k, t in AGENDA.items()],
        "readiness": readiness,
        "levels": levels,
        "score_levels": framework.score_levels,
        "statement_items": [{"value": qs.id, "text": f"{qs.code} {qs.name}"}
                            for qs in framework.statements],
        "level_items": [{"value": str(k), "text": f"{k}: {v}"}
                        for k, v in framework.score_levels.items()],
        "statement_names": {qs.id: qs.code for qs in framework.statements},
        "may_record": user.role in PLAN_MANAGERS,
        "form": form or {},
    } | error_context(errors)
    return render(request, "cqc_preparation.html", context, status_code=status_code)


@router.get(PAGE)
def preparation(request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))]) -> Response:
    return _page(request, user)


@router.post(f"{PAGE}/assessments")
async def add_assessment(
    request: Request, user: Annotated[SignedIn, Depends(Allow(PLAN_MANAGERS))]
) -> Response:
    from careassure.framework.assessments import CycleError, record_assessment

    data = await request.form()
    form = {k: str(data.get(k, "")) for k in ("kind", "assessment_date", "outcome",
                                               "published_on", "report_link")}
    scope = [str(v) for v in data.getlist("scope")]
    errors: dict[str, str] = {}
    when = _day(form["assessment_date"], "the assessment date", errors, "assessment_date")
    published = _day(form["published_on"], "the publication date", errors, "published_on",
                     required=False)

    def save() -> None:
        assert when is not None  # _day gave an error otherwise
        with transaction(request.app.state.engine) as session:
            record_assessment(session, _framework(), user.username, kind=form["kind"],
                              assessment_date=when, outcome=form["outcome"], scope=scope,
                              published_on=published, report_link=form["report_link"])

    return _answer(request, user, errors, form, save, "assessment#assessments",
                   refused=CycleError, field="kind")


@router.post(f"{PAGE}/meetings")
async def add_meeting(
    request: Request, user: Annotated[SignedIn, Depends(Allow(PLAN_MANAGERS))]
) -> Response:
    from careassure.framework.assessments import (
        CycleError,
        data_pack,
        record_meeting,
        self_assessment_version,
    )
    from careassure.framework.live import live_values, no_values

    data = await request.form()
    form = {"meeting_date": str(data.get("meeting_date", "")),
            "actions": str(data.get("actions", ""))}
    errors: dict[str, str] = {}
    when = _day(form["meeting_date"], "the meeting date", errors, "meeting_date")
    actions = []
    for line in form["actions"].splitlines():
        if line.strip():
            text, _, path = line.partition("|")
            actions.append({"text": text, "plan_action": path.strip() or None})

    def save() -> None:
        assert when is not None  # _day gave an error otherwise
        framework = _framework()
        extract = _extract_date(request)
        ids = sorted({m for qs in framework.statements for m in qs.measures})
        figures = request.app.state.figures
        live = (no_values("no data has been loaded", when) if extract is None
                else live_values(ids, figures.store_path, min(when, extract)))
        with transaction(request.app.state.engine) as session:
            pack = data_pack(framework, self_assessment_version(session), live)
            record_meeting(session, user.username, meeting_date=when,
                           attendees=[str(v) for v in data.getlist("attendees")],
                           agenda=[str(v) for v in data.getlist("agenda")],
                           actions=actions, pack=pack)

    return _answer(request, user, errors, form, save, "meeting#meetings", refused=CycleError,
                   field="attendees")


@router.post(f"{PAGE}/characteristics")
async def edit_characteristic(
    request: Request, user: Annotated[SignedIn, Depends(Allow(PLAN_MANAGERS))]
) -> Response:
    """Write the council's rating characteristic text for one statement and level."""
    from careassure.framework.ratingtext import RatingTextError, set_characteristic

    data = await request.form()
    form = {k: str(data.get(k, "")) for k in ("statement", "level", "text")}

    def save() -> None:
        with transaction(request.app.state.engine) as session:
            set_characteristic(session, _framework(), user.username, form["statement"],
                               int(form["level"] or 0), form["text"])

    return _answer(request, user, {}, form, save, "characteristic#levels",
                   refused=(RatingTextError, ValueError), field="statement")


@router.post(f"{PAGE}/levels")
async def edit_supported_level(
    request: Request, user: Annotated[SignedIn, Depends(Allow(PLAN_MANAGERS))]
) -> Response:
    """Record the level the evidence supports for one statement, with its evidence ids."""
    from careassure.framework.ratingtext import RatingTextError, set_supported_level

    data = await request.form()
    form = {k: str(data.get(k, "")) for k in ("level_statement", "supported", "evidence")}

    def save() -> None:
        ids = [int(part) for part in form["evidence"].replace(",", " ").split()]
        with transaction(request.app.state.engine) as session:
            set_supported_level(session, _framework(), user.username, form["level_statement"],
                                int(form["supported"] or 0), ids)

    def words(exc: Exception) -> str:
        return _sentence(exc if isinstance(exc, RatingTextError)
                         else "evidence items are numbers, for example 3, 7")

    return _answer(request, user, {}, form, save, "level#levels",
                   refused=(RatingTextError, ValueError), field="level_statement", words=words)


@router.get(PAGE + "/meetings/{meeting_id}/pack")
def meeting_pack(
    request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))], meeting_id: int
) -> Response:
    """The data pack prepared for one meeting, as a document to print or save."""
    from careassure.framework.assessments import AGENDA
    from careassure.framework.live import LiveMeasure
    from careassure.framework.tables import AssuranceMeeting

    with transaction(request.app.state.engine) as session:
        meeting = session.get(AssuranceMeeting, meeting_id)
        if meeting is None:
            raise HTTPException(status_code=404)
        pack = dict(meeting.pack)
        context = {
            "meeting": {"date": meeting.meeting_date, "attendees": list(meeting.attendees),
                        "agenda": [AGENDA[k] for k in meeting.agenda],
                        "actions": list(meeting.actions)},
        }
    statements = [
        {"code": s["code"], "name": s["name"],
         "readings": [reading(LiveMeasure(**m)) for m in s["measures"]]}
        for s in pack.get("statements", [])
    ]
    return render(request, "cqc_pack.html", context | {
        "pack": pack, "statements": statements,
        "as_of": date.fromisoformat(pack["as_of"]) if pack.get("as_of") else None,
    })


def _whole(text: str, default: int, low: int, high: int) -> int | None:
    text = text.strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


@router.get("/cqc/case-tracking")
def case_tracking(
    request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))]
) -> Response:
    """The case-tracking list and the case sample, drawn from the records at the extract date;
    ``?format=csv`` (with ``list=sample`` for the case sample) downloads the same rows."""
    from careassure.framework.casetracking import (
        DEFAULT_LIST_SIZE,
        DEFAULT_PER_TEAM,
        PATHWAYS,
        CaseListError,
        case_sample,
        case_tracking_list,
        to_csv,
    )

    params = request.query_params
    fields = {k: params.get(k, "") for k in ("size", "seed", "per_team")}
    errors: dict[str, str] = {}
    size = _whole(fields["size"], DEFAULT_LIST_SIZE, 1, 500)
    seed = _whole(fields["seed"], 0, 0, 2**31 - 1)
    per_team = _whole(fields["per_team"], DEFAULT_PER_TEAM, 1, 50)
    for name, value, text in (("size", size, "People on the list must be a whole number "
                               "from 1 to 500"), ("seed", seed, "The seed must be a whole "
                               "number, 0 or more"), ("per_team", per_team, "Cases a team must "
                               "be a whole number from 1 to 50")):
        if value is None:
            errors[name] = text
    as_of = _extract_date(request)
    if as_of is None:
        return render(request, "no_data.html", {"page_title": "Case tracking"})
    tracked: list[Any] = []
    sampled: list[Any] = []
    if not errors:
        assert size is not None and seed is not None and per_team is not None
        key = ("case-tracking", as_of, size, seed, per_team)

        def draw(store: Any) -> tuple[list[Any], list[Any]] | str:
            try:
                return (case_tracking_list(store, as_of, size=size, seed=seed),
                        case_sample(store, as_of, per_team=per_team, seed=seed))
            except CaseListError as exc:
                return str(exc)

        drawn = request.app.state.figures.cached(key, draw)
        if isinstance(drawn, str):
            errors["size"] = _sentence(drawn)
        else:
            tracked, sampled = drawn
    if params.get("format") == "csv" and not errors:
        rows = sampled if params.get("list") == "sample" else tracked
        name = "case-sample" if params.get("list") == "sample" else "case-tracking"
        # A list of people by pseudonym is personal-level data: every download is on the trail.
        with transaction(request.app.state.engine) as session:
            record_event(session, user.username, "read", "case_tracking", name, {
                "event": "download", "list": name, "as_of": as_of, "size": size, "seed": seed,
                "per_team": per_team, "people": len(rows)})
        return Response(to_csv(rows), media_type="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{name}-{as_of.isoformat()}.csv"'})
    query = f"size={size}&seed={seed}&per_team={per_team}" if not errors else ""
    return render(request, "cqc_cases.html", { "as_of": as_of, "fields": fields | {
            "size": fields["size"] or str(DEFAULT_LIST_SIZE), "seed": fields["seed"] or "0",
            "per_team": fields["per_team"] or str(DEFAULT_PER_TEAM)},
        **error_context(errors),
        "tracked": tracked, "sampled": sampled, "pathways": PATHWAYS, "query": query,
    }, status_code=400 if errors else 200)

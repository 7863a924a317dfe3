"""The measure catalogue: an index with today's values, a page per measure (trend chart with its
data table, breakdown by a chosen column, definition and target source) and a CSV download."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from careassure.measures import BREAKDOWNS, CATALOGUE
from careassure.measures.calendar import FLOW_PERIOD_MONTHS
from careassure.measures.catalogue import COUNCIL, MeasureDef
from careassure.measures.drilldown import has_records
from careassure.measures.filters import filterable
from careassure.measures.format import period_text
from careassure.measures.labels import BREAKDOWN_NAMES
from careassure.measures.publish import team_nesting
from careassure.plan.targets import TargetInForce
from careassure.records.csvcells import safe_cell
from careassure.web import charts, comparators, display, trends
from careassure.web.auth import Allow
from careassure.web.downloads import csv_response
from careassure.web.filters import View, form_context, read_view
from careassure.web.headlines import trend_start
from careassure.web.roles import EVERYONE, PERSON_LEVEL, sees_unpublished
from careassure.web.sessions import SignedIn
from careassure.web.targets import all_targets, judged, standing, standing_all, target_words
from careassure.web.templating import render

router = APIRouter()
PERIODS = {12: "12 months", 24: "2 years", 36: "3 years"}
KIND_NAMES = {
    "care_act_assessment": "Care Act assessments",
    "carer_assessment": "Carer assessments",
    "ot_assessment": "Occupational therapy assessments",
    "financial_assessment": "Financial assessments",
    "review": "Reviews",
    "safeguarding_concern": "Safeguarding concerns",
    "s42_enquiry": "Section 42 enquiries",
    "equipment_delivery": "Equipment and adaptations",
    "minor_adaptation": "Equipment and adaptations",
    "major_adaptation": "Equipment and adaptations",
    "direct_payments": "Direct payments and personal budgets",
    "personal_budgets": "Direct payments and personal budgets",
    "long_term_support": "Long-term support",
    "reablement": "Reablement",
    "contacts": "Contacts",
    "data_quality": "Data quality",
    "dhsc": "National comparators (DHSC)",
    "ascof": "Adult Social Care Outcomes Framework (from CLD)",
}


def _definition(measure_id: str) -> MeasureDef:
    definition = CATALOGUE.get(measure_id)
    if definition is None:
        raise HTTPException(status_code=404)
    return definition


def _breakdown(definition: MeasureDef, by: str | None) -> str | None:
    if not by:
        return None
    if by not in BREAKDOWNS or by not in definition.breakdowns:
        raise HTTPException(status_code=400, detail=f"This measure cannot be broken down by {by}.")
    return by


def _as_of(request: Request) -> date | None:
    info = request.app.state.figures.info()
    return info.extract_date if info else None


@router.get("/measures")
def measures_index(
    request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))]
) -> Response:
    as_of = _as_of(request)
    if as_of is None:
        return render(request, "no_data.html", {"page_title": "Measures"})
    ids = tuple(CATALOGUE)
    values = display.for_reader(
        [v for v in request.app.state.figures.values(ids, as_of) or [] if v.breakdown is None],
        published=not sees_unpublished(user.role),
    )
    by_id = {v.measure: v for v in values}
    groups: dict[str, list[dict[str, object]]] = {}
    targets = standing_all(request.app, CATALOGUE)
    for measure_id, definition in CATALOGUE.items():
        kind = KIND_NAMES.get(measure_id.split(".")[0], "Other measures")
        value = by_id.get(measure_id)
        target = targets[measure_id]
        groups.setdefault(kind, []).append(
            {
                "id": measure_id,
                "title": definition.title,
                "value": display.show(value),
                "period": period_text(value.period_start, value.as_of) if value else "",
                "target": target_words(target),
                "judged": judged(value, target),
            }
        )
    return render(request, "measures_index.html", {"as_of": as_of, "groups": groups})


def _series(
    request: Request, measure_id: str, view: View, months: int, by: str | None, published: bool
) -> list[display.Shown]:
    figures = request.app.state.figures
    start = view.start or trend_start(view.as_of, months)
    values = figures.series((measure_id,), start, view.as_of, by, view.where) or []
    partner = {"team": "team_type", "team_type": "team"}.get(by or "")
    if not published or partner is None:
        return display.for_reader(values, published=published)
    # Teams add up to their team types: a reader of both pages could subtract one from the
    # other, so both breakdowns are suppressed together and this page shows its own rows.
    beside = [v for v in figures.series((measure_id,), start, view.as_of, partner, view.where)
              or [] if v.breakdown is not None]
    nesting = team_nesting(figures.team_types() or {})
    return display.for_reader([*values, *beside], published=True, nesting=nesting)[: len(values)]


def listed(role: str, measure_id: str) -> bool:
    """Whether the page links its figures to the records behind them for this reader."""
    return role in PERSON_LEVEL and has_records(measure_id)


def _view(request: Request, definition: MeasureDef, extract_date: date) -> View:
    """The page's filters and dates (filters.read_view), refused when the measure cannot be
    filtered that way rather than shown for the whole area under a filtered heading."""
    view = read_view(request, extract_date, with_start=True)
    if not filterable(definition.id, view.where):
        names = ", ".join(BREAKDOWN_NAMES[d].lower() for d in sorted(view.where.dimensions))
        raise HTTPException(
            status_code=400,
            detail=f"{definition.title} cannot be filtered by {names}: it cannot be split that "
            "way (see the measure's definition). Remove those filters to see it.",
        )
    return view


def _months(months: int) -> int:
    if months not in PERIODS:
        raise HTTPException(status_code=400, detail="Choose a period of 12, 24 or 36 months.")
    return months


def _selection(
    request: Request, measure_id: str, by: str | None, months: int
) -> tuple[MeasureDef, str | None, int, date | None]:
    """A measure page's (and its CSV's) query checked: the measure, the breakdown, the period
    and the data's extract date (None before any load)."""
    definition = _definition(measure_id)
    return definition, _breakdown(definition, by), _months(months), _as_of(request)


@router.get("/measures/{measure_id}")
def measure_page(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(EVERYONE))],
    measure_id: str,
    by: str | None = None,
    months: int = 24,
    spc: bool = False,
) -> Response:
    definition, by, months, extract_date = _selection(request, measure_id, by, months)
    if extract_date is None:
        return render(request, "no_data.html", {"page_title": definition.title})
    view = _view(request, definition, extract_date)
    as_of = view.as_of
    published = not sees_unpublished(user.role)
    values = _series(request, measure_id, view, months, by, published)
    whole = [v for v in values if v.breakdown is None]
    groups, nobody = trends.by_group(values, by) if by else ([], [])
    target = standing(request.app, measure_id)
    chart = _trend_chart(definition, whole, target)
    control = trends.with_control_limits(chart, whole) if spc else None
    top = trends.peak(whole)
    options = [{"value": "", "text": "Whole area only", "selected": by is None}] + [
        {"value": b, "text": BREAKDOWN_NAMES[b], "selected": b == by}
        for b in BREAKDOWNS
        # A council's own app: the council breakdown is for stores of many (careassure national).
        if b in definition.breakdowns and b != COUNCIL
    ]
    files = view.query(("months", str(months)), ("by", by or ""), ("spc", "1" if spc else ""))
    lists = f"/measures/{measure_id}/records" if listed(user.role, measure_id) else ""
    return render(
        request,
        "measure.html",
        {
            "definition": definition,
            "as_of": as_of,
            "by": by,
            "by_name": BREAKDOWN_NAMES.get(by or "", ""),
            "months": months,
            "periods": [
                {"value": str(k), "text": v, "selected": k == months} for k, v in PERIODS.items()
            ],
            "options": options,
            # Drawn twice: for wide screens and print, and narrow for a phone (legible text).
            "chart": charts.render(chart, "trend", css="ca-chart--wide")
            + charts.render(chart, "trend-narrow", size=NARROW, css="ca-chart--narrow"),
            "rows": [(v, judged(v, target)) for v in whole],
            "groups": [(g.name, g.last, judged(g.last, target)) for g in groups],
            "nobody": nobody,
            "multiples": trends.small_multiples(
                definition.title, groups, [v.as_of for v in whole],
                target.target.value if target else None, target_words(target) if target else "",
                UNIT_LABELS[definition.unit],
            ),
            "group_trends": groups,
            "spc": spc,
            "control": control,
            # The records behind each figure (drill-down), for the roles allowed to see them.
            "records_href": lists + view.query() if lists else "",
            "record_links": [
                lists + view.query(("by", by or ""), ("group", g.code)) if lists else ""
                for g in groups
            ],
            "peak": top,
            "files": files,
            "show": display.show,
            "period": period_text,
            "target": target_words(target),
            "targets": all_targets(request.app, measure_id),
            "kind": f"Flow: over the {FLOW_PERIOD_MONTHS} months to each date"
            if definition.kind == "flow"
            else "Snapshot: on each date",
            "direction": {"lower": "Lower is better", "higher": "Higher is better"}.get(
                definition.direction or "", "Neither higher nor lower is better"
            ),
            **comparators.panel_context(request, measure_id),
            **form_context(request, view),
            "filter_action": f"/measures/{measure_id}",
            "filter_keep": [(k, v) for k, v in (("by", by or ""), ("months", str(months))) if v],
            "filter_with_start": True,
        },
    )


NARROW = (360, 300)  # the trend chart as a phone shows it, 375 px wide

UNIT_LABELS = {
    "count": "number",
    "days": "days",
    "working_days": "working days",
    "percent": "%",
    "ratio": "ratio",
    "seconds": "seconds",
    "per_100k": "per 100,000",
    "pounds": "£ a week",
    "per_50k": "per 50,000",
    "fte": "full-time equivalent posts",
}


def _trend_chart(
    definition: MeasureDef, whole: list[display.Shown], target: TargetInForce | None
) -> charts.Chart:
    """The whole area's trend with the standing target and the first month shown as the
    baseline."""
    rules = []
    if target is not None:
        rules.append(charts.Rule(f"Target {target_words(target)}", target.target.value))
    first = whole[0] if whole else None
    baseline = display.plottable(first) if first is not None else None
    if first is not None and baseline is not None:
        rules.append(
            charts.Rule(
                f"Baseline {display.show(first)} ({display.uk_date(first.as_of)})",
                baseline,
                "ca-chart__baseline",
                label_at_start=True,
            )
        )
    title = definition.title
    if whole:
        title += (
            f", month ends {display.uk_date(whole[0].as_of)} to {display.uk_date(whole[-1].as_of)}"
        )
    mark = trends.peak_mark(whole)
    return charts.Chart(
        title=title,
        description=_describe(whole, target),
        x=[v.as_of for v in whole],
        lines=[charts.Line("Whole area", [display.plottable(v) for v in whole])],
        rules=rules,
        y_label=UNIT_LABELS[definition.unit],
        marks=[mark] if mark is not None else [],
    )


def _describe(whole: list[display.Shown], target: TargetInForce | None) -> str:
    shown = [v for v in whole if display.plottable(v) is not None]
    if not shown:
        return "No values to plot in this period."
    first, last = shown[0], shown[-1]
    text = (
        f"From {display.show(first)} at {display.uk_date(first.as_of)} to "
        f"{display.show(last)} at {display.uk_date(last.as_of)}."
    )
    if target is not None:
        text += f" Target {target_words(target)}."
    return text + " The table below the chart gives every value."


FIGURE_COLUMNS = (
    "measure",
    "as_of",
    "period_start",
    "period",
    "breakdown",
    "group",
    "value",
    "numerator",
    "denominator",
    "target",
    "target_from",
    "status",
    "reason",
)


def figure_rows(
    values: list[display.Shown], target: TargetInForce | None
) -> list[list[object]]:
    """The page's figures as rows under ``FIGURE_COLUMNS``, each cell safe to open in a
    spreadsheet (the CSV and the Excel download write the same rows)."""
    rows = []
    for v in values:
        column, group = next(iter(v.breakdown.items())) if v.breakdown else ("", "")
        verdict = judged(v, target)
        rows.append(
            [
                safe_cell(cell)
                for cell in (
                    v.measure,
                    v.as_of.isoformat(),
                    v.period_start.isoformat() if v.period_start else "",
                    period_text(v.period_start, v.as_of),
                    column,
                    group,
                    display.csv_cell(v),
                    "" if v.numerator is None else v.numerator,
                    "" if v.denominator is None else v.denominator,
                    "" if target is None else f"{target.target.value:g}",
                    "" if target is None else target.origin,
                    verdict.status or "",
                    verdict.reason,
                )
            ]
        )
    return rows


def download_name(measure_id: str, by: str | None, view: View, suffix: str) -> str:
    filtered = "-filtered" if view.where else ""
    return f"{measure_id}{'-by-' + by if by else ''}{filtered}-{view.as_of.isoformat()}.{suffix}"


def download_rows(
    request: Request, user: SignedIn, measure_id: str, by: str | None, months: int, suffix: str
) -> tuple[list[list[object]], str]:
    """The rows of a measure page's figures download (CSV or Excel: the same rows, suppressed
    for the reader) and the file's name; 404 before any data is loaded."""
    definition, by, months, extract_date = _selection(request, measure_id, by, months)
    if extract_date is None:
        raise HTTPException(status_code=404)
    view = _view(request, definition, extract_date)
    values = _series(request, measure_id, view, months, by, not sees_unpublished(user.role))
    rows = figure_rows(values, standing(request.app, measure_id))
    return rows, download_name(measure_id, by, view, suffix)


@router.get("/measures/{measure_id}/data.csv")
def measure_csv(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(EVERYONE))],
    measure_id: str,
    by: str | None = None,
    months: int = 24,
) -> Response:
    rows, name = download_rows(request, user, measure_id, by, months, "csv")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIGURE_COLUMNS)
    writer.writerows(rows)
    return csv_response(out.getvalue(), name)

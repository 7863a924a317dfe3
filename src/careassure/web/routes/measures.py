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
from careassure.measures.format import period_text
from careassure.measures.labels import BREAKDOWN_NAMES, group_label
from careassure.plan.targets import TargetInForce
from careassure.records.csvcells import safe_cell
from careassure.web import charts, comparators, display
from careassure.web.auth import Allow
from careassure.web.downloads import csv_response
from careassure.web.headlines import trend_start
from careassure.web.roles import EVERYONE, sees_unpublished
from careassure.web.sessions import SignedIn
from careassure.web.targets import all_targets, judged, standing, target_words
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
    "direct_payments": "Direct payments",
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
    for measure_id, definition in CATALOGUE.items():
        kind = KIND_NAMES.get(measure_id.split(".")[0], "Other measures")
        value = by_id.get(measure_id)
        target = standing(request.app, measure_id)
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
    request: Request, measure_id: str, as_of: date, months: int, by: str | None, published: bool
) -> list[display.Shown]:
    values = (
        request.app.state.figures.series((measure_id,), trend_start(as_of, months), as_of, by) or []
    )
    return display.for_reader(values, published=published)


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
) -> Response:
    definition, by, months, as_of = _selection(request, measure_id, by, months)
    if as_of is None:
        return render(request, "no_data.html", {"page_title": definition.title})
    published = not sees_unpublished(user.role)
    values = _series(request, measure_id, as_of, months, by, published)
    whole = [v for v in values if v.breakdown is None]
    at_end = [v for v in values if v.breakdown is not None and whole and v.as_of == whole[-1].as_of]
    named = [  # (readable group name, value)
        (group_label(*next(iter(v.breakdown.items()))), v)  # type: ignore[union-attr]
        for v in at_end
        if not _empty(v)
    ]
    groups = sorted(named, key=lambda pair: pair[0])
    target = standing(request.app, measure_id)
    chart = _trend_chart(definition, whole, target)
    options = [{"value": "", "text": "Whole area only", "selected": by is None}] + [
        {"value": b, "text": BREAKDOWN_NAMES[b], "selected": b == by}
        for b in BREAKDOWNS
        # A council's own app: the council breakdown is for stores of many (careassure national).
        if b in definition.breakdowns and b != COUNCIL
    ]
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
            "chart": charts.render(chart, "trend"),
            "rows": [(v, judged(v, target)) for v in whole],
            "groups": [(name, v, judged(v, target)) for name, v in groups],
            "empty_groups": len(at_end) - len(groups),
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
        },
    )


UNIT_LABELS = {
    "count": "number",
    "days": "days",
    "working_days": "working days",
    "percent": "%",
    "ratio": "ratio",
    "seconds": "seconds",
    "per_100k": "per 100,000",
}


def _empty(value: display.Shown) -> bool:
    """A group with nobody in the measure (no value, and nothing counted)."""
    return value.value is None and not value.numerator and not value.denominator


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
    return charts.Chart(
        title=title,
        description=_describe(whole, target),
        x=[v.as_of for v in whole],
        lines=[charts.Line("Whole area", [display.plottable(v) for v in whole])],
        rules=rules,
        y_label=UNIT_LABELS[definition.unit],
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


@router.get("/measures/{measure_id}/data.csv")
def measure_csv(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(EVERYONE))],
    measure_id: str,
    by: str | None = None,
    months: int = 24,
) -> Response:
    definition, by, months, as_of = _selection(request, measure_id, by, months)
    if as_of is None:
        raise HTTPException(status_code=404)
    values = _series(request, measure_id, as_of, months, by, not sees_unpublished(user.role))
    target = standing(request.app, measure_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
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
        ]
    )
    for v in values:
        column, group = next(iter(v.breakdown.items())) if v.breakdown else ("", "")
        verdict = judged(v, target)
        writer.writerow(
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
    name = f"{measure_id}{'-by-' + by if by else ''}-{as_of.isoformat()}.csv"
    return csv_response(out.getvalue(), name)

"""The budget page: the MTFS as the committee's appendices, the roll-forward, savings delivery RAG,
plan links, and demand from the records as a chart with its table.

Everyone reads the page; the viewer sees demand counts with small numbers hidden, like every other
published figure. Improvement managers and administrators record a saving's delivery status
(form with CSRF; the change and its audit row in one transaction, then a redirect).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from careassure.appdb import transaction
from careassure.budget.checks import findings, roll_forward
from careassure.budget.demand import ALL, GROUP_LABELS, demand_series, month_ends
from careassure.budget.model import CLIENT_GROUPS as MTFS_GROUPS
from careassure.budget.model import STAR_MEANINGS, BudgetError
from careassure.budget.projection import growth_periods
from careassure.budget.service import links, load_version, set_delivery, stars, version_keys
from careassure.budget.views import appendix_totals, demand_table, rag_summary, savings_rag
from careassure.web import charts
from careassure.web.auth import Allow
from careassure.web.roles import EVERYONE, sees_unpublished
from careassure.web.routes.plan import PLAN_MANAGERS
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()
# The Fair Outcomes Panel (September 2023): where the paper breaks the growth trend.
POLICY_DATE = date(2023, 9, 1)
DEMAND_YEARS = 4


def _against_mtfs(series: Any, version: Any, published: bool) -> list[dict[str, Any]]:
    """Per client group: the annualised growth since the policy date beside the MTFS growth
    lines for that group. Published, a rate built on 1-4 people is hidden with them."""
    rows = []
    for group in MTFS_GROUPS:
        since = [p for p in growth_periods(series.people(ALL, group), POLICY_DATE)
                 if p.label == "since"]
        rate: float | str | None = since[0].annual_rate if since else None
        if published and since and any(1 <= n <= 4 for n in (since[0].first, since[0].last)):
            rate = "*"
        lines = [line for line in version.lines_of("growth") if line.client_group == group]
        rows.append({
            "label": GROUP_LABELS[group],
            "rate": rate,
            "references": ", ".join(line.reference for line in lines),
            "amounts": [sum(line.amounts[i] for line in lines) if lines else None
                        for i in range(version.years)],
        })
    return rows


def _demand(request: Request, published: bool, version: Any) -> dict[str, Any] | None:
    info = request.app.state.figures.info()
    if info is None or info.extract_date is None:
        return None
    last = info.extract_date
    dates = month_ends(date(last.year - DEMAND_YEARS, last.month, 1), last)
    if len(dates) < 2:
        return None
    series = request.app.state.figures.cached(("budget-demand", tuple(dates)),
                                              lambda store: demand_series(store, dates))
    if series is None:
        return None
    totals = series.people()
    rows = [(d, totals[d]) for d in series.dates]
    chart = charts.Chart(
        title="Service users in long-term support at each month end",
        description=(f"People in residential and nursing care, home care, supported living, "
                     f"cash payments and community life choices, "
                     f"{dates[0]:%d/%m/%Y} to {dates[-1]:%d/%m/%Y}."),
        x=list(series.dates),
        lines=[charts.Line("Service users", [float(n) for _, n in rows])],
        y_label="people",
    )
    by_setting = demand_table(series, series.dates[-1], "setting", publish=published)
    by_group = demand_table(series, series.dates[-1], "client_group", publish=published)
    # Published, a monthly total of 1-4 people is hidden like every other count (and with it
    # the chart, which would show it).
    series_rows: list[tuple[date, int | str]] = [
        (d, "*" if published and 1 <= n <= 4 else n) for d, n in rows
    ]
    hidden = any(n == "*" for _, n in series_rows)
    return {
        "chart": None if hidden else charts.render(chart, "demand"),
        "series": series_rows,
        "by_setting": by_setting,
        "by_group": by_group,
        "as_of": series.dates[-1],
        "growth": growth_periods(totals, POLICY_DATE),
        "policy_date": POLICY_DATE,
        "against_mtfs": _against_mtfs(series, version, published),
        "all_key": ALL,
    }


@router.get("/budget")
def budget(request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))]) -> Response:
    published = not sees_unpublished(user.role)
    with transaction(request.app.state.engine) as session:
        if not version_keys(session):
            return render(request, "budget_none.html", {"page_title": "Budget"})
        version = load_version(session)
        computed_stars = stars(session, version)
        plan_links = links(session)
    context = {
        "version": version,
        "labels": version.year_labels,
        "rollforward": roll_forward(version),
        "totals": appendix_totals(version),
        "rounding": [f for f in findings(version) if f.rounding],
        "growth": version.lines_of("growth"),
        "savings": savings_rag(version),
        "rag_summary": rag_summary(version),
        "stars": computed_stars,
        "star_meanings": STAR_MEANINGS,
        "links": plan_links,
        "may_record": user.role in PLAN_MANAGERS,
        "demand": _demand(request, published, version),
    }
    return render(request, "budget.html", context)


@router.post("/budget/delivery")
def delivery(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(PLAN_MANAGERS))],
    reference: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    try:
        with transaction(request.app.state.engine) as session:
            set_delivery(session, user.username, reference, status or None, reason)
    except BudgetError as exc:
        return render(request, "error.html", {"title": "The delivery status was not saved",
                                              "detail": str(exc)}, status_code=400)
    return RedirectResponse(f"/budget#saving-{reference}", status_code=303)

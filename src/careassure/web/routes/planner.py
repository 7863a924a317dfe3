"""The capacity planner: the question as a GET form (a plan can be bookmarked and shared), the
answer from ``careassure.forecast`` (the same ``CapacityPlan.to_json()`` as ``careassure capacity
--format json``) as figures, a trajectory chart per scenario with 10-90% bands, and a table."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from careassure.forecast.assumptions import DEFAULT_CASES_PER_FTE_WEEK
from careassure.records.schema import QUEUE_KINDS
from careassure.web import charts, display
from careassure.web.auth import Allow
from careassure.web.roles import STAFF
from careassure.web.routes.measures import KIND_NAMES
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()
MAX_RUNS = 2000
MAX_HORIZON_WEEKS = 156


@dataclass
class Question:
    """The form's fields as typed, and the errors found in them (field id -> message)."""

    fields: dict[str, str]
    errors: dict[str, str]

    def number(
        self,
        name: str,
        label: str,
        *,
        minimum: float = 0.0,
        maximum: float | None = None,
        positive: bool = False,
    ) -> float:
        text = self.fields[name].strip().removesuffix("%")
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):  # "nan", "inf" and "1e999" parse as floats
            self.errors[name] = f"{label} must be a number"
            return 0.0
        if (
            (positive and value <= 0)
            or value < minimum
            or (maximum is not None and value > maximum)
        ):
            low = "more than 0" if positive else f"{minimum:g} or more"
            high = f" and at most {maximum:g}" if maximum is not None else ""
            self.errors[name] = f"{label} must be {low}{high}"
        return value

    def day(self, name: str, label: str) -> date | None:
        text = self.fields[name].strip()
        if not text:
            return None
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        self.errors[name] = f"{label} must be a real date, for example 05/01/2026"
        return None


DEFAULTS = {
    "queue": "care_act_assessment",
    "team": "",
    "target_median": "14",
    "target_max": "56",
    "extra_fte": "0",
    "extra_from": "",
    "extra_until": "",
    "horizon": "52",
    "growth": "0",
    "cases_per_fte": f"{DEFAULT_CASES_PER_FTE_WEEK:g}",
    "runs": "500",
}


def _teams(request: Request) -> list[str]:
    def read(store: Any) -> list[str]:
        rows = store.connection.execute("SELECT DISTINCT team FROM teams ORDER BY team").fetchall()
        return [r[0] for r in rows if r[0]]

    return request.app.state.figures.cached(("teams",), read) or []


@router.get("/planner")
def planner(request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))]) -> Response:
    params = request.query_params
    asked = "queue" in params
    question = Question({k: params.get(k, v) for k, v in DEFAULTS.items()}, {})
    teams = _teams(request)
    context: dict[str, Any] = {
        "fields": question.fields,
        "queues": [
            {"value": q, "text": KIND_NAMES[q], "selected": q == question.fields["queue"]}
            for q in QUEUE_KINDS
        ],
        "teams": [{"value": "", "text": "All teams", "selected": not question.fields["team"]}]
        + [{"value": t, "text": t, "selected": t == question.fields["team"]} for t in teams],
        "errors": {},
    }
    if request.app.state.figures.info() is None:
        return render(request, "no_data.html", {"page_title": "Capacity planner"})
    if not asked:
        return render(request, "planner.html", context)
    answer = _answer(request, question, teams)
    context["errors"] = question.errors
    context["error_list"] = [
        {"text": message, "href": f"#{name}"} for name, message in question.errors.items()
    ]
    if question.errors:
        return render(request, "planner.html", context, status_code=400)
    context |= _present(answer)
    return render(request, "planner.html", context)


def _answer(request: Request, question: Question, teams: list[str]) -> dict[str, Any] | None:
    from careassure.forecast.observed import ForecastInputError, observe_queue
    from careassure.forecast.planner import PlanRequest, Targets, plan

    f = question.fields
    if f["queue"] not in QUEUE_KINDS:
        question.errors["queue"] = "Choose a waiting list"
    if f["team"] and f["team"] not in teams:
        question.errors["team"] = "Choose a team from the list"
    median = question.number("target_median", "Target median wait", positive=True)
    maximum = question.number("target_max", "Target maximum wait", positive=True)
    extra = question.number("extra_fte", "Extra staff", maximum=1000)
    start = question.day("extra_from", "The first day of the extra staff")
    until = question.day("extra_until", "The last day of the extra staff")
    horizon = question.number("horizon", "Horizon", positive=True, maximum=MAX_HORIZON_WEEKS)
    growth = question.number("growth", "Demand growth", minimum=-99, maximum=100)
    per_fte = question.number("cases_per_fte", "Cases per FTE a week", positive=True, maximum=1000)
    runs = question.number("runs", "Runs", minimum=1, maximum=MAX_RUNS)
    if start and until and until < start:
        question.errors["extra_until"] = "The last day must be on or after the first day"
    if question.errors:
        return None
    try:
        plan_request = PlanRequest(
            targets=Targets(median, maximum),
            extra_fte=extra,
            extra_from=start,
            extra_until=until,
            horizon_weeks=int(horizon + 0.999),
            runs=int(runs),
            cases_per_fte_week=per_fte,
            demand_growth=growth / 100,
        )
    except ForecastInputError as exc:
        question.errors["target_median"] = str(exc)
        return None
    key = ("planner", f["queue"], f["team"] or None, plan_request)

    def compute(store: Any) -> dict[str, Any] | str:
        try:
            observation = observe_queue(store, f["queue"], f["team"] or None)
            return plan(observation, plan_request).to_json()
        except ForecastInputError as exc:
            return str(exc)

    result = request.app.state.figures.cached(key, compute)
    if isinstance(result, str):
        question.errors["queue"] = result
        return None
    return result


def _when(bands: dict[str, str | None]) -> str:
    """ "21/10/2026 (10-90%: 20/10/2026 to 22/10/2026)" or "not within the horizon"."""
    middle = bands.get("p50")
    if middle is None:
        return "Not within the horizon in most runs"
    low, high = bands.get("p10"), bands.get("p90")
    spread = (
        f" (8 runs in 10 between {_uk(low)} and {_uk(high) if high else 'after the horizon'})"
        if low != high
        else ""
    )
    return f"{_uk(middle)}{spread}"


def _uk(iso: str | None) -> str:
    return display.uk_date(date.fromisoformat(iso)) if iso else ""


def _present(answer: dict[str, Any] | None) -> dict[str, Any]:
    if answer is None:
        return {}
    unit = "working days" if answer["wait_unit"] == "working_days" else "days"
    scenarios = []
    for n, scenario in enumerate(answer["scenarios"]):
        weeks = [date.fromisoformat(row["week_ending"]) for row in scenario["trajectory"]]
        size = [row["queue_size"] for row in scenario["trajectory"]]
        chart = charts.Chart(
            title=f"Projected number waiting: {scenario['description']}",
            description=(
                f"Median projection from {size[0]['p50']:,.0f} in the week ending "
                f"{display.uk_date(weeks[0])} to {size[-1]['p50']:,.0f} in the week ending "
                f"{display.uk_date(weeks[-1])}; the shaded band holds 8 runs in 10. The table "
                "below gives every week."
            ),
            x=weeks,
            bands=[
                charts.Band(
                    "10% to 90% of runs", [s["p10"] for s in size], [s["p90"] for s in size]
                )
            ],
            lines=[charts.Line("Median run", [s["p50"] for s in size], "ca-chart__median")],
            rules=[
                charts.Rule(
                    f"Target list size {answer['formulas']['target_queue_size']:,.0f}",
                    answer["formulas"]["target_queue_size"],
                )
            ]
            if answer["formulas"].get("target_queue_size") is not None
            else [],
            y_label="people waiting",
        )
        scenarios.append(
            {
                "scenario": scenario,
                "chart": charts.render(chart, f"scenario-{n}"),
                "temporary": "; ".join(
                    f"{t['fte']:.1f} FTE from {_uk(t['from'])} to {_uk(t['until'])}"
                    for t in scenario["temporary"]
                )
                or "None",
                "cleared": _when(scenario["backlog_cleared"]),
                "met": _when(scenario["targets_first_met"]),
                "weeks": list(zip(weeks, scenario["trajectory"], strict=True)),
            }
        )
    return {
        "answer": answer,
        "queue_name": KIND_NAMES[answer["queue"]],
        "unit": unit,
        "scenarios": scenarios,
        "uk": _uk,
    }

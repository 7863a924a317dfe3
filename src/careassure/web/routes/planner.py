"""The capacity planner: the question as a GET form (a plan can be bookmarked and shared), the
answer from ``careassure.forecast.answer`` (the same JSON as ``careassure capacity --format json``)
as figures, the scenarios side by side, a trajectory chart per scenario with 10-90% bands and its
table, the least extra capacity by a date, and the back-test. Targets left blank are the targets in
force: the stored improvement plan's measured outcomes, else the council's targets file."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from careassure.appdb import transaction
from careassure.forecast.assumptions import DEFAULT_CASES_PER_FTE_WEEK
from careassure.forecast.planner import ORDERS
from careassure.records.schema import QUEUE_KINDS
from careassure.web import charts, display
from careassure.web.auth import Allow
from careassure.web.forms import error_context
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
    "target_median": "",
    "target_max": "",
    "order": "fcfs",
    "permanent_fte": "0",
    "outsourced": "0",
    "outsourced_weeks": "0",
    "by": "",
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
        "orders": [
            {"value": k, "text": text[:1].upper() + text[1:],
             "selected": k == question.fields["order"]}
            for k, text in ORDERS.items()
        ],
        "errors": {},
    }
    if request.app.state.figures.info() is None:
        return render(request, "no_data.html", {"page_title": "Capacity planner"})
    if not asked:
        return render(request, "planner.html", context)
    answer = _answer(request, question, teams)
    context |= error_context(question.errors)
    if question.errors:
        return render(request, "planner.html", context, status_code=400)
    context |= _present(answer)
    return render(request, "planner.html", context)


def _plan_targets(request: Request) -> dict[str, float]:
    """The stored improvement plan's whole-area "at most" targets, by measure id (none when no
    single plan is stored)."""
    from careassure.plan.model import PlanError
    from careassure.plan.service import load_plan

    try:
        with transaction(request.app.state.engine) as session:
            stored = load_plan(session)
    except PlanError:
        return {}
    return {
        o.measured.measure_id: o.measured.target
        for area in stored.areas
        for action in area.actions
        for o in action.outcomes
        if o.measured is not None and o.measured.breakdown is None
        and o.measured.comparator == "<="
    }


def _targets(request: Request, question: Question) -> Any:
    """The targets: as typed, else the targets in force for the queue."""
    from careassure.forecast.observed import ForecastInputError
    from careassure.forecast.planner import Targets
    from careassure.forecast.targets import queue_targets

    f = question.fields
    try:
        in_force = queue_targets(f["queue"], _plan_targets(request))
    except ForecastInputError as exc:
        question.errors["queue"] = str(exc)
        return None
    chosen: dict[str, float | None] = {}
    sources: list[tuple[str, str]] = []
    for figure, name, label in (("median", "target_median", "Target median wait"),
                                ("maximum", "target_max", "Target longest wait")):
        if f[name].strip():
            chosen[figure] = question.number(name, label, positive=True)
            sources.append((figure, "typed into the planner"))
        elif getattr(in_force, figure) is None:
            question.errors[name] = f"{label}: this list has no target in force, so give one"
        else:
            chosen[figure] = getattr(in_force, figure)
            sources.append((figure, in_force.sources[figure]))
    if in_force.waiting is not None:
        sources.append(("waiting", in_force.sources["waiting"]))
    if question.errors:
        return None
    try:
        return Targets(chosen["median"] or 0, chosen["maximum"] or 0,
                       waiting=in_force.waiting, sources=tuple(sources))
    except ForecastInputError as exc:
        question.errors["target_median"] = str(exc)
        return None


def _answer(request: Request, question: Question, teams: list[str]) -> dict[str, Any] | None:
    from careassure.forecast.answer import answer
    from careassure.forecast.observed import DEFAULT_HISTORY_WEEKS, ForecastInputError
    from careassure.forecast.planner import PlanRequest

    f = question.fields
    if f["queue"] not in QUEUE_KINDS:
        question.errors["queue"] = "Choose a waiting list"
        return None
    if f["team"] and f["team"] not in teams:
        question.errors["team"] = "Choose a team from the list"
    if f["order"] not in ORDERS:
        question.errors["order"] = "Choose how the list is worked"
    targets = _targets(request, question)
    permanent = question.number("permanent_fte", "More permanent staff", maximum=1000)
    outsourced = question.number("outsourced", "Outsourced cases", maximum=10000)
    outsourced_weeks = question.number("outsourced_weeks", "Weeks of outsourcing",
                                       maximum=MAX_HORIZON_WEEKS)
    by = question.day("by", "The date to meet the targets by")
    extra = question.number("extra_fte", "Extra staff", maximum=1000)
    start = question.day("extra_from", "The first day of the extra staff")
    until = question.day("extra_until", "The last day of the extra staff")
    horizon = question.number("horizon", "Horizon", positive=True, maximum=MAX_HORIZON_WEEKS)
    growth = question.number("growth", "Demand growth", minimum=-99, maximum=100)
    per_fte = question.number("cases_per_fte", "Cases per FTE a week", positive=True, maximum=1000)
    runs = question.number("runs", "Runs", minimum=1, maximum=MAX_RUNS)
    if start and until and until < start:
        question.errors["extra_until"] = "The last day must be on or after the first day"
    if question.errors or targets is None:
        return None
    try:
        plan_request = PlanRequest(
            targets=targets,
            permanent_fte=permanent,
            outsourced_per_week=outsourced,
            outsourced_weeks=outsourced_weeks,
            by=by,
            order=f["order"],  # type: ignore[arg-type]
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
            return answer(store, f["queue"], f["team"] or None, plan_request,
                          history_weeks=DEFAULT_HISTORY_WEEKS)
        except ForecastInputError as exc:
            return str(exc)

    result = request.app.state.figures.cached(key, compute)
    if isinstance(result, str):
        field = "by" if "to meet the targets by" in result else "queue"
        question.errors[field] = result[:1].upper() + result[1:]
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
    from careassure.forecast.words import least_text, met_text, when_text

    if answer is None:
        return {}
    unit = "working days" if answer["wait_unit"] == "working_days" else "days"
    targets = answer["targets"]
    scenarios = []
    for n, scenario in enumerate(answer["scenarios"]):
        weeks = [date.fromisoformat(row["week_ending"]) for row in scenario["trajectory"]]
        size = [row["queue_size"] for row in scenario["trajectory"]]
        longest = [row["max_wait"] for row in scenario["trajectory"]]
        span = f"from the week ending {display.uk_date(weeks[0])} to {display.uk_date(weeks[-1])}"
        size_chart = charts.Chart(
            title=f"Projected number waiting: {scenario['description']}",
            description=(
                f"Median projection {span}: {size[0]['p50']:,.0f} to {size[-1]['p50']:,.0f}; "
                "the shaded band holds 8 runs in 10. The table below gives every week."
            ),
            x=weeks,
            bands=[charts.Band("10% to 90% of runs", [s["p10"] for s in size],
                               [s["p90"] for s in size])],
            lines=[charts.Line("Median run", [s["p50"] for s in size], "ca-chart__median")],
            rules=[charts.Rule(f"Target {targets['waiting']:,.0f} waiting", targets["waiting"])]
            if targets["waiting"] is not None
            else [],
            y_label="people waiting",
        )
        wait_chart = charts.Chart(
            title=f"Projected longest wait: {scenario['description']}",
            description=(
                f"Median projection {span}: {longest[0]['p50']:,.0f} to "
                f"{longest[-1]['p50']:,.0f} {unit}; the shaded band holds 8 runs in 10."
            ),
            x=weeks,
            bands=[charts.Band("10% to 90% of runs", [s["p10"] for s in longest],
                               [s["p90"] for s in longest])],
            lines=[charts.Line("Median run", [s["p50"] for s in longest], "ca-chart__median")],
            rules=[charts.Rule(f"Target longest wait {targets['maximum']:g} {unit}",
                               targets["maximum"])],
            y_label=unit,
        )
        scenarios.append(
            {
                "scenario": scenario,
                "charts": [charts.render(size_chart, f"scenario-{n}"),
                           charts.render(wait_chart, f"scenario-{n}-wait")],
                "temporary": "; ".join(
                    f"{t['fte']:.1f} FTE ({t['cases_per_week']:.1f} cases a week) from "
                    f"{_uk(t['from'])} to {_uk(t['until'])}"
                    for t in scenario["temporary"]
                )
                or "None",
                "cleared": _when(scenario["backlog_cleared"]),
                "met": when_text(scenario),
                "weeks": list(zip(weeks, scenario["trajectory"], strict=True)),
                "end": scenario["trajectory"][-1],
            }
        )
    least = answer["least_extra_capacity"]
    return {
        "answer": answer,
        "queue_name": KIND_NAMES[answer["queue"]],
        "unit": unit,
        "met_text": met_text(targets, unit),
        "least_text": least_text(least) if least is not None else None,
        "scenarios": scenarios,
        "backtest": answer["backtest"],
        "backtest_figures": [("queue_size", "Waiting"), ("median_wait", f"Median wait ({unit})"),
                             ("max_wait", f"Longest wait ({unit})")],
        "uk": _uk,
    }

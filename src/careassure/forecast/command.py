"""``careassure capacity``: the capacity planner on the command line.

NumPy, DuckDB and the planner are imported inside the command so that ``careassure --help``
stays instant.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer

from careassure.cliargs import fail as _fail
from careassure.cliargs import parse_day as _day
from careassure.forecast.assumptions import DEFAULT_CASES_PER_FTE_WEEK

if TYPE_CHECKING:
    from rich.console import Console

    from careassure.forecast.planner import CapacityPlan



class OutputFormat(StrEnum):
    table = "table"
    json = "json"


class DemandChoice(StrEnum):
    poisson = "poisson"
    bootstrap = "bootstrap"


DEMAND = typer.Option(
    DemandChoice.poisson, "--demand", help="poisson, or bootstrap of observed daily counts."
)
FORMAT = typer.Option(OutputFormat.table, "--format", "-f", help="table (for people) or json.")




def _weeks(text: str, option: str) -> float:
    """A duration: "52w", "26" (weeks) or "90d" (days, as a fraction of weeks)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([wd]?)\s*", text.lower())
    if not match or float(match.group(1)) <= 0:
        _fail(f"{option} {text!r} is not a duration: write e.g. 52w, 26 (weeks) or 90d")
    value = float(match.group(1))
    return value / 7 if match.group(2) == "d" else value


def _growth(text: str) -> float:
    """Annual growth: "2.1%" or the fraction "0.021"."""
    match = re.fullmatch(r"\s*([+-]?\d+(?:\.\d+)?)\s*(%?)\s*", text)
    if not match:
        _fail(f"--demand-growth {text!r} is not a rate: write e.g. 2.1% (a year) or 0.021")
    value = float(match.group(1)) / (100 if match.group(2) else 1)
    if value <= -1:
        _fail(f"--demand-growth {text!r} would remove all demand: it must be above -100%")
    return value


def capacity(
    queue: str = typer.Option(
        ...,
        "--queue",
        "-q",
        help="care_act_assessment, carer_assessment, ot_assessment or financial_assessment.",
    ),
    target_median: float = typer.Option(
        ..., "--target-median", help="Target median wait of those waiting, in days "
        "(working days for financial_assessment)."
    ),
    target_max: float = typer.Option(
        ..., "--target-max", help="Target maximum wait, same unit; read as a proportion within "
        "it (see --max-factor)."
    ),
    team: str | None = typer.Option(None, "--team", help="One team's list (default: all teams)."),
    extra_fte: float = typer.Option(0.0, "--extra-fte", help="Temporary extra staff (FTE)."),
    extra_from: str | None = typer.Option(
        None, "--from", help="First day of the extra staff (default: the simulation start)."
    ),
    extra_until: str | None = typer.Option(
        None, "--until", help="Last day of the extra staff (default: the horizon's end)."
    ),
    horizon: str = typer.Option(
        "52w", "--horizon", help="How far to project: 52w, 26 (weeks) or 90d (rounded up)."
    ),
    runs: int = typer.Option(1000, "--runs", min=1, help="Simulation runs."),
    cases_per_fte: float = typer.Option(
        DEFAULT_CASES_PER_FTE_WEEK,
        "--cases-per-fte",
        help="Cases one full-time worker removes from the list in an average week. The records "
        "hold no staffing data: the default is an assumption, set it from your own data.",
    ),
    demand_growth: str = typer.Option(
        "0%", "--demand-growth", help="Annual growth of referrals, e.g. 2.1% (or 0.021)."
    ),
    max_factor: float = typer.Option(
        4.0,
        "--max-factor",
        help="Factor f for the maximum: a share 1 - e^-f waits less than it (4: 98.2%).",
    ),
    clear_within: str = typer.Option(
        "26w", "--clear-within", help="Time allowed to bring the list to its target size."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Plan from this date (default: the latest date in the data)."
    ),
    history: str = typer.Option("26w", "--history", help="Weeks of data to learn from."),
    demand: DemandChoice = DEMAND,
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same answer)."),
    db: str | None = typer.Option(
        None, "--db", "--store", help="Analytical store (default $CAREASSURE_STORE)."
    ),
    output_format: OutputFormat = FORMAT,
) -> None:
    """What capacity holds the waits on target, and what a staffing plan does to the backlog.

    Reads the queue's referrals, removals and waiting list from the store, applies the
    waiting-list formulas of Fong et al. (required capacity in cases a week and FTE, time to
    clear) and simulates the plan day by day (bands across runs). See docs/forecast.md.

    Example: [bold]careassure capacity --queue care_act_assessment --target-median 14
    --target-max 56 --extra-fte 6 --from 2026-01-05 --until 2026-05-01 --demand-growth 2.1%[/bold]
    """
    import duckdb

    from careassure.forecast.observed import ForecastInputError, observe_queue
    from careassure.forecast.planner import PlanRequest, Targets, plan
    from careassure.records.store import open_store

    console = None
    if output_format is OutputFormat.table:
        from rich.console import Console

        console = Console()
    horizon_weeks = math.ceil(_weeks(horizon, "--horizon"))  # whole weeks: weekly snapshots
    history_weeks = math.floor(_weeks(history, "--history"))  # whole weeks observed
    try:
        request = PlanRequest(
            targets=Targets(target_median, target_max, max_factor),
            extra_fte=extra_fte,
            extra_from=_day(extra_from, "--from"),
            extra_until=_day(extra_until, "--until"),
            horizon_weeks=horizon_weeks,
            runs=runs,
            cases_per_fte_week=cases_per_fte,
            demand_growth=_growth(demand_growth),
            clear_within_weeks=_weeks(clear_within, "--clear-within"),
            demand_model=demand.value,
            seed=seed,
        )
        with open_store(db) as store:
            observation = observe_queue(
                store, queue, team, as_of=_day(as_of, "--as-of"), history_weeks=history_weeks
            )
        if console is None:
            result = plan(observation, request)
        else:
            with console.status("Simulating..."):
                result = plan(observation, request)
    except (FileNotFoundError, ForecastInputError) as exc:
        _fail(str(exc))
    except duckdb.Error as exc:
        _fail(f"cannot read the store: {str(exc).splitlines()[0]}")
    if console is None:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        _print_table(result, console)


def _uk(iso: str | None) -> str:
    return "-" if iso is None else date.fromisoformat(iso).strftime("%d/%m/%Y")


def _num(value: float | None, places: int = 1) -> str:
    return "-" if value is None else f"{value:,.{places}f}"


def _weeks_text(value: float | None) -> str:
    return "never: capacity does not exceed demand" if value is None else f"{value:.1f} weeks"


def _print_table(result: CapacityPlan, console: Console) -> None:
    from rich.table import Table

    data = result.to_json()
    obs, targets, rates = data["observed"], data["targets"], data["rates"]
    f, assume = data["formulas"], data["assumptions"]
    unit = "working days" if data["wait_unit"] == "working_days" else "days"
    who = f"team {data['team']}" if data["team"] else "all teams"
    console.print(
        f"[bold]{data['queue']}[/bold], {who}, as at {_uk(data['as_of'])} "
        f"(learnt from {obs['referrals']['per_week']['periods']} weeks from {_uk(obs['start'])})"
    )
    demand = obs["demand"]["per_week"]
    console.print(
        f"Waiting now: {obs['waiting']:,}; median wait {_num(obs['median_wait'])} {unit}, "
        f"mean {_num(obs['mean_wait'])}, maximum {_num(obs['max_wait'], 0)}."
    )
    console.print(
        f"Demand {_num(rates['demand_per_week'])} a week (referrals less "
        f"{obs['closed_same_day']:,} closed the day received; cv of weekly counts "
        f"{_num(demand['cv'], 2)}); removals {_num(rates['capacity_per_week'])} a week "
        f"(over {obs['busy_weeks']} weeks the list was never empty); withdrawals "
        f"{100 * obs['withdrawal_rate_per_day']:.2f}% of those waiting a day."
    )
    console.print(
        f"\n[bold]Targets[/bold]: median <= {targets['median']:g} {unit} means a mean wait <= "
        f"{targets['mean_wait_from_median']:.1f} (median = mean x ln 2 for exponential waits); "
        f"maximum <= {targets['maximum']:g} read as {100 * targets['max_proportion']:.1f}% within "
        f"it (factor {targets['max_factor']:g}) means a mean <= "
        f"{targets['mean_wait_from_maximum']:.1f}. Binding: the {targets['binding']}, target mean "
        f"wait {targets['target_mean_wait']:.1f} {unit}, target list size "
        f"{_num(f['target_queue_size'], 0)} (now {obs['waiting']:,}"
        f"{', too big' if f['too_big'] else ''})."
    )
    cpf = assume["cases_per_fte_week"]
    table = Table(title="Capacity (cases a week and FTE)", title_justify="left")
    for column in ("", "cases/week", "FTE"):
        table.add_column(column, justify="left" if not column else "right")
    rows = [
        ("observed now", rates["capacity_per_week"], rates["current_fte_equivalent"]),
        ("to hold the targets (now)", f["target_capacity_per_week"], f["target_capacity_fte"]),
        (
            "to hold the targets (horizon's end)",
            f["target_capacity_per_week_at_horizon"],
            f["target_capacity_fte_at_horizon"],
        ),
    ]
    if f["relief_needed"]:
        rows.append(
            (
                f"to reach target size within {assume['clear_within_weeks']:g} weeks",
                f["relief_capacity_per_week"],
                f["relief_capacity_fte"],
            )
        )
    for label, cases, fte in rows:
        table.add_row(label, _num(cases), _num(fte))
    console.print(table)
    if not f["relief_needed"]:
        console.print("The list is already within its target size.")
    else:
        extra = (
            f"; with {result.request.extra_fte:g} extra FTE throughout "
            f"{_weeks_text(f['time_to_clear_weeks_with_extra'])}"
            if result.request.extra_fte
            else ""
        )
        console.print(
            "Time to reach target size (formula): at the observed capacity "
            f"{_weeks_text(f['time_to_clear_weeks_current'])}{extra}."
        )
    for scenario in data["scenarios"]:
        _print_scenario(scenario, unit, console)
    defaulted = " (default assumption)" if assume["cases_per_fte_week_is_default"] else ""
    console.print(
        "\n[bold]Assumptions[/bold]: "
        f"{cpf:g} cases per FTE per week{defaulted}; demand growth "
        f"{100 * assume['demand_growth_per_year']:.1f}% a year ({assume['demand_model']} "
        f"referrals with the observed weekday and bank holiday pattern); capacity on working days "
        f"only, Poisson day to day; first come, first served (where a list is not worked in "
        f"referral order, real maximum waits run above the projection); "
        f"{assume['runs']} runs, seed {assume['seed']}; cv demand {assume['cv_demand']:.2f}, "
        f"cv capacity {assume['cv_capacity']:.2f}"
        + (f" (assumed 1 for {', '.join(assume['cv_assumed'])})" if assume["cv_assumed"] else "")
        + "."
    )
    for note in data["notes"]:
        console.print(f"Note: {note}")


def _print_scenario(scenario: dict[str, Any], unit: str, console: Console) -> None:
    from rich.table import Table

    cleared, met = scenario["backlog_cleared"], scenario["targets_first_met"]
    console.print(
        f"\n[bold]Scenario {scenario['name']}[/bold]: {scenario['description']}; base "
        f"{_num(scenario['capacity_per_week'])} cases a week ({_num(scenario['fte'])} FTE)"
        + "".join(
            f", +{_num(t['fte'])} FTE {_uk(t['from'])} to {_uk(t['until'])}"
            for t in scenario["temporary"]
        )
        + "."
    )
    console.print(
        f"Everyone waiting now has left the list by {_uk(cleared['p50'])} in half the runs "
        f"(10%-90%: {_uk(cleared['p10'])} to {_uk(cleared['p90'])}; '-' = not within the "
        f"horizon). Targets first met in the week ending {_uk(met['p50'])} (10%-90%: "
        f"{_uk(met['p10'])} to {_uk(met['p90'])}); met in the final week in "
        f"{100 * scenario['share_meeting_targets_final_week']:.0f}% of runs."
    )
    table = Table(title=f"Projection, {scenario['name']} (median of runs, 10%-90%)")
    for column in ("week ending", "waiting", f"median wait ({unit})", f"max wait ({unit})"):
        table.add_column(column, justify="right")
    trajectory = scenario["trajectory"]
    shown = [*range(0, len(trajectory), 4)]
    if shown[-1] != len(trajectory) - 1:
        shown.append(len(trajectory) - 1)

    def cell(band: dict[str, float | None]) -> str:
        return f"{_num(band['p50'], 0)} ({_num(band['p10'], 0)}-{_num(band['p90'], 0)})"

    for w in shown:
        week = trajectory[w]
        table.add_row(
            _uk(week["week_ending"]),
            cell(week["queue_size"]),
            cell(week["median_wait"]),
            cell(week["max_wait"]),
        )
    console.print(table)

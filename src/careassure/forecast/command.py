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
from careassure.forecast.words import least_text, met_text, when_text

if TYPE_CHECKING:
    from rich.console import Console




class OutputFormat(StrEnum):
    table = "table"
    json = "json"


class DemandChoice(StrEnum):
    poisson = "poisson"
    bootstrap = "bootstrap"


DEMAND = typer.Option(
    DemandChoice.poisson, "--demand", help="poisson, or bootstrap of observed daily counts."
)
class OrderChoice(StrEnum):
    fcfs = "fcfs"
    priority = "priority"
    random = "random"


ORDER = typer.Option(
    OrderChoice.fcfs, "--order",
    help="How the list is worked: fcfs (longest waiting first), priority (classes from the "
    "records) or random (no set order).",
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
    target_median: float | None = typer.Option(
        None, "--target-median", help="Target median wait of those waiting, in days "
        "(working days for financial_assessment). Default: the target in force."
    ),
    target_max: float | None = typer.Option(
        None, "--target-max", help="Target longest wait of anyone waiting, same unit. Default: "
        "the target in force."
    ),
    permanent_fte: float = typer.Option(
        0.0, "--permanent-fte", help="A scenario with this many more FTE from the start."
    ),
    outsource: float = typer.Option(
        0.0, "--outsource", help="A scenario with this many cases a week outsourced."
    ),
    outsource_weeks: float = typer.Option(
        0.0, "--outsource-weeks", help="Weeks the outsourcing lasts (default: the horizon)."
    ),
    by: str | None = typer.Option(
        None, "--by", help="Solve the least extra capacity meeting the targets by this date."
    ),
    order: OrderChoice = ORDER,
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
        help="Factor f the steady-state formulas read the maximum with (a share 1 - e^-f waits "
        "less than it; 4: 98.2%). The simulation judges the true longest wait.",
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

    from careassure.forecast.answer import answer
    from careassure.forecast.observed import ForecastInputError
    from careassure.forecast.planner import PlanRequest, Targets
    from careassure.forecast.targets import queue_targets
    from careassure.measures.targets import TargetsError
    from careassure.records.store import open_store

    console = None
    if output_format is OutputFormat.table:
        from rich.console import Console

        console = Console()
    horizon_weeks = math.ceil(_weeks(horizon, "--horizon"))  # whole weeks: weekly snapshots
    history_weeks = math.floor(_weeks(history, "--history"))  # whole weeks observed
    try:
        in_force = queue_targets(queue)
        median = target_median if target_median is not None else in_force.median
        maximum = target_max if target_max is not None else in_force.maximum
        if median is None or maximum is None:
            _fail(f"{queue} has no median and longest wait targets in force: give "
                  "--target-median and --target-max")
        sources = tuple(
            (figure, "given on the command line" if typed is not None else in_force.sources[figure])
            for figure, typed in (("median", target_median), ("maximum", target_max))
        )
        waiting = in_force.waiting
        if waiting is not None:
            sources += (("waiting", in_force.sources["waiting"]),)
        request = PlanRequest(
            targets=Targets(median, maximum, max_factor, waiting, sources),
            permanent_fte=permanent_fte,
            outsourced_per_week=outsource,
            outsourced_weeks=outsource_weeks,
            by=_day(by, "--by"),
            order=order.value,
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
            if console is None:
                result = answer(store, queue, team, request, as_of=_day(as_of, "--as-of"),
                                history_weeks=history_weeks)
            else:
                with console.status("Simulating..."):
                    result = answer(store, queue, team, request, as_of=_day(as_of, "--as-of"),
                                    history_weeks=history_weeks)
    except (FileNotFoundError, ForecastInputError, TargetsError) as exc:
        _fail(str(exc))
    except duckdb.Error as exc:
        _fail(f"cannot read the store: {str(exc).splitlines()[0]}")
    if console is None:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        _print_table(result, console)


def _uk(iso: str | None) -> str:
    return "-" if iso is None else date.fromisoformat(iso).strftime("%d/%m/%Y")


def _num(value: float | None, places: int = 1) -> str:
    return "-" if value is None else f"{value:,.{places}f}"


def _weeks_text(value: float | None) -> str:
    return "never: capacity does not exceed demand" if value is None else f"{value:.1f} weeks"


def _print_table(data: dict[str, Any], console: Console) -> None:
    from rich.table import Table

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
        f"mean {_num(obs['mean_wait'])}, longest {_num(obs['max_wait'], 0)}."
    )
    console.print(
        f"Demand {_num(rates['demand_per_week'])} a week (referrals less "
        f"{obs['closed_same_day']:,} closed the day received; cv of weekly counts "
        f"{_num(demand['cv'], 2)}); removals {_num(rates['capacity_per_week'])} a week "
        f"(over {obs['busy_weeks']} weeks the list was never empty); withdrawals "
        f"{100 * obs['withdrawal_rate_per_day']:.2f}% of those waiting a day."
    )
    console.print(f"\n[bold]Targets met[/bold] means {met_text(targets, unit)}.")
    for figure, source in targets["sources"].items():
        console.print(f"  {figure}: {source}")
    table = Table(title="Capacity to hold the targets once settled (steady-state formulas)",
                  title_justify="left")
    for column in ("", "cases/week", "FTE"):
        table.add_column(column, justify="left" if not column else "right")
    for label, cases, fte in (
        ("observed now", rates["capacity_per_week"], rates["current_fte_equivalent"]),
        ("to hold the targets (now)", f["target_capacity_per_week"], f["target_capacity_fte"]),
        ("to hold the targets (horizon's end)", f["target_capacity_per_week_at_horizon"],
         f["target_capacity_fte_at_horizon"]),
    ):
        table.add_row(label, _num(cases), _num(fte))
    console.print(table)
    console.print(scenario_table(data, unit))
    least = data["least_extra_capacity"]
    if least is not None:
        console.print(least_text(least))
    console.print(backtest_table(data["backtest"], unit))
    defaulted = " (default assumption)" if assume["cases_per_fte_week_is_default"] else ""
    console.print(
        "\n[bold]Assumptions[/bold]: "
        f"{assume['cases_per_fte_week']:g} cases per FTE per week{defaulted}; demand growth "
        f"{100 * assume['demand_growth_per_year']:.1f}% a year ({assume['demand_model']} "
        f"referrals with the observed weekday and bank holiday pattern); capacity on working days "
        f"only, Poisson day to day; order: {assume['order_text']}; "
        f"{assume['runs']} runs, seed {assume['seed']}; cv demand {assume['cv_demand']:.2f}, "
        f"cv capacity {assume['cv_capacity']:.2f}"
        + (f" (assumed 1 for {', '.join(assume['cv_assumed'])})" if assume["cv_assumed"] else "")
        + "."
    )
    for note in data["notes"]:
        console.print(f"Note: {note}")


def scenario_table(data: dict[str, Any], unit: str) -> Any:
    """The scenarios side by side: capacity, time to target (week ending, '-': not within the
    horizon), figures at the horizon's end; then each scenario in words."""
    from rich.console import Group
    from rich.table import Table

    console_lines: list[str] = []
    table = Table(title="Scenarios side by side (median run; same referrals in every scenario)",
                  title_justify="left")
    for column in ("scenario", "cases/week", "targets met", "runs meeting at end",
                   "waiting at end", f"median wait at end ({unit})",
                   f"longest wait at end ({unit})"):
        table.add_column(column, justify="left" if column == "scenario" else "right")
    for s in data["scenarios"]:
        console_lines.append(f"{s['name']}: {s['description']}; targets met {when_text(s)}.")
        extra = sum(t["cases_per_week"] or 0 for t in s["temporary"])
        end = s["trajectory"][-1]
        table.add_row(
            s["name"], _num((s["capacity_per_week"] or 0) + extra),
            _uk(s["time_to_target"]["week_ending"]),
            f"{100 * s['share_meeting_targets_final_week']:.0f}%",
            _num(end["queue_size"]["p50"], 0), _num(end["median_wait"]["p50"]),
            _num(end["max_wait"]["p50"]),
        )
    return Group(table, *console_lines)


def backtest_table(backtest: dict[str, Any], unit: str) -> Any:
    """The back-test: projected (median run, 10%-90%) against observed at each quarter end."""
    from rich.table import Table

    if "unavailable" in backtest:
        reason = backtest["unavailable"]
        return f"Back-test from {_uk(backtest['as_of'])}: not available ({reason})."
    table = Table(title=f"Back-test: projected from {_uk(backtest['as_of'])} at the capacity "
                  f"then ({_num(backtest['capacity_per_week'])} a week) against the records",
                  title_justify="left")
    for column in ("date", "figure", "projected (10%-90%)", "observed", "within the band"):
        table.add_column(column, justify="left" if column in ("date", "figure") else "right")
    names = {"queue_size": "waiting", "median_wait": f"median wait ({unit})",
             "max_wait": f"longest wait ({unit})"}
    for row in backtest["quarters"]:
        for key, name in names.items():
            cell = row[key]
            p = cell["projected"]
            table.add_row(_uk(row["date"]), name,
                          f"{_num(p['p50'])} ({_num(p['p10'])}-{_num(p['p90'])})",
                          _num(cell["observed"]),
                          "-" if cell["within_band"] is None else
                          ("yes" if cell["within_band"] else "no"))
    return table

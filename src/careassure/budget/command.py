"""``careassure budget``: import, export and check the MTFS ledger; demand from the records.

Heavy imports (SQLAlchemy, Ibis, openpyxl) happen inside each command so that ``careassure
--help`` stays instant. Expected problems print one line and exit with status 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from careassure.cliargs import app_database as _database
from careassure.cliargs import fail as _fail
from careassure.cliargs import parse_day as _day

app = typer.Typer(no_args_is_help=True)

ACTOR = typer.Option(None, "--actor", help="Who makes the change (default: your login name).")
VERSION = typer.Option(None, "--version", help="MTFS version key (default: the latest).")
TABLES = typer.Argument(None, help="A folder of template CSV files, or an .xlsx workbook.")
OUT = typer.Option(..., "--out", "-o", help="Folder for CSV files, or a .xlsx file.")
STORE = typer.Option(None, "--store", "--db", help="Analytical store (default $CAREASSURE_STORE).")
POPULATION = typer.Option(None, "--population", help="Population CSV (default: the demo's).")


class Basis(StrEnum):
    cumulative = "cumulative"
    incremental = "incremental"


class Format(StrEnum):
    table = "table"
    json = "json"


BASIS = typer.Option(Basis.cumulative, "--basis", help="cumulative or incremental.")
FORMAT = typer.Option(Format.table, "--format", "-f", help="table or json.")


@app.callback()
def _group() -> None:
    """The Medium Term Financial Strategy: growth, savings, roll-forward and demand.

    Example: [bold]careassure budget import --demo && careassure budget check[/bold]
    """


def _actor(actor: str | None) -> str:
    from careassure.appdb import default_actor

    return actor or default_actor()


@contextmanager
def _session() -> Iterator[Any]:
    """A transaction on the application database; a BudgetError ends the command (rolled back)."""
    from careassure.appdb import transaction
    from careassure.budget.model import BudgetError

    with _database() as engine:
        try:
            with transaction(engine) as session:
                yield session
        except BudgetError as exc:
            _fail(str(exc))


def _read(path: Path | None, demo: bool) -> Any:
    from careassure.budget.files import DEMO_TABLES, read_version
    from careassure.budget.model import BudgetError

    if demo == (path is not None):
        _fail("give a template folder or workbook, or --demo (exactly one)")
    try:
        return read_version(DEMO_TABLES if demo else path)  # type: ignore[arg-type]
    except BudgetError as exc:
        _fail(str(exc))


@app.command("import")
def import_(
    path: Path | None = TABLES,
    demo: bool = typer.Option(False, "--demo", help="Import the demo MTFS tables instead."),
    replace: bool = typer.Option(False, "--replace", help="Replace a stored version."),
    actor: str | None = ACTOR,
) -> None:
    """Check an MTFS version and store it; one that does not add up is refused whole.

    Example: [bold]careassure budget import mtfs-2026-30.xlsx[/bold]
    """
    from careassure.budget.service import import_version

    version = _read(path, demo)
    with _session() as session:
        import_version(session, version, _actor(actor), replace=replace)
    counts = {t: len(version.lines_of(t)) for t in ("growth", "saving", "transfer")}
    typer.echo(
        f"imported {version.key!r} ({version.title}, {version.status}): {counts['growth']} "
        f"growth, {counts['saving']} savings and {counts['transfer']} transfer lines, "
        f"{len(version.revenue)} revenue lines, {len(version.capital)} capital schemes"
    )


@app.command()
def export(
    out: Path = OUT,
    basis: Basis = BASIS,
    version_key: str | None = VERSION,
) -> None:
    """Write a stored version in the import template (CSV folder or workbook).

    Example: [bold]careassure budget export -o mtfs.xlsx[/bold]
    """
    from careassure.budget.files import write_version
    from careassure.budget.service import load_version

    with _session() as session:
        version = load_version(session, version_key)
    try:
        written = write_version(version, out, basis=basis.value)
    except OSError as exc:
        _fail(f"{out}: cannot write ({exc})")
    typer.echo(f"wrote {version.key} to {written}")


def _money(amount: int) -> str:
    return f"({-amount:,})" if amount < 0 else f"{amount:,}"


@app.command()
def check(
    path: Path | None = TABLES,
    version_key: str | None = VERSION,
    fmt: Format = FORMAT,
) -> None:
    """Check a template (or a stored version): roll-forward, appendix totals, revenue lines.

    Exits 2 naming every figure that does not add up; rounding differences are listed.
    Example: [bold]careassure budget check mtfs-2026-30/[/bold]
    """
    from careassure.budget.checks import findings, roll_forward

    if path is not None:
        version = _read(path, False)
    else:
        from careassure.budget.service import load_version

        with _session() as session:
            version = load_version(session, version_key)
    found = findings(version)
    rows = roll_forward(version)
    errors = [f for f in found if not f.rounding]
    if fmt is Format.json:
        typer.echo(json.dumps({
            "version": version.key,
            "rollforward": [r.__dict__ for r in rows],
            "findings": [{**f.__dict__, "difference": f.difference, "rounding": f.rounding}
                         for f in found],
        }, indent=2))
    else:
        typer.echo(f"{version.title} ({version.status}), £000")
        typer.echo(f"{'':34}" + "".join(f"{r.year:>12}" for r in rows))
        for label, column in (("Original prior year budget", "prior_year_budget"),
                              ("Budget transfers and adjustments", "transfers"),
                              ("Sub total", "subtotal"), ("Add proposed growth", "growth"),
                              ("Less proposed savings", "savings"),
                              ("Proposed/provisional net budget", "net_budget")):
            typer.echo(f"{label:34}" + "".join(f"{_money(getattr(r, column)):>12}"
                                               for r in rows))
        for finding in found:
            typer.echo(finding.message())
    if errors:
        _fail(f"{len(errors)} figure(s) of {version.key} do not add up: {errors[0].message()}")


@app.command()
def delivery(
    reference: str = typer.Argument(..., help="The saving's reference, e.g. AC19."),
    status: str = typer.Option(..., "--status", help="on_track, at_risk or not_delivered."),
    reason: str | None = typer.Option(None, "--reason", help="Why (required unless on track)."),
    version_key: str | None = VERSION,
    actor: str | None = ACTOR,
) -> None:
    """Record a saving's delivery status (the savings RAG).

    Example: [bold]careassure budget delivery AC19 --status at_risk --reason "..."[/bold]
    """
    from careassure.budget.service import set_delivery

    with _session() as session:
        set_delivery(session, _actor(actor), reference, status, reason, version_key=version_key)
    typer.echo(f"{reference}: {status.replace('_', ' ')}")


@app.command()
def link(
    reference: str = typer.Argument(..., help="Budget line reference, e.g. G15 or AC21."),
    item: str = typer.Option("", "--item", help="Plan area or area/action (default: the plan)."),
    role: str = typer.Option(..., "--role", help="funds (growth) or delivers (saving)."),
    plan: str | None = typer.Option(None, "--plan", help="Plan key, when more than one."),
    unlink: bool = typer.Option(False, "--remove", help="Remove the link instead."),
    actor: str | None = ACTOR,
) -> None:
    """Link a plan area or action to the growth line that funds it or a saving it delivers.

    Example: [bold]careassure budget link AC21 --item reablement-discharge --role delivers[/bold]
    """
    from careassure.budget.service import link_plan, unlink_plan

    with _session() as session:
        if unlink:
            unlink_plan(session, _actor(actor), item, reference, plan_key=plan)
        else:
            link_plan(session, _actor(actor), item, reference, role, plan_key=plan)
    typer.echo(f"{item or 'the plan'} {'unlinked from' if unlink else role} {reference}")


def _stored_version(key: str | None) -> Any:
    """The MTFS version to project against; None when the application database is not set up
    or holds none (the counts and growth rates need only the store)."""
    from sqlalchemy.exc import SQLAlchemyError

    from careassure.appdb import DatabaseNotReady, create_engine, error_reason, require_current
    from careassure.budget.service import load_version, version_keys

    try:
        engine = create_engine()
    except ValueError as exc:
        _fail(str(exc))
    try:
        require_current(engine)
    except DatabaseNotReady:
        return None
    except SQLAlchemyError as exc:
        reason = error_reason(exc)
        _fail(f"cannot open the application database: {reason}")
    finally:
        engine.dispose()
    with _session() as session:
        if key is None and not version_keys(session):
            return None
        return load_version(session, key)


@app.command()
def demand(
    store: Path | None = STORE,
    start: str | None = typer.Option(None, "--from", help="First month (default: 4 years back)."),
    end: str | None = typer.Option(None, "--to", help="Last month end (default: the data's)."),
    policy: str = typer.Option("2023-09-01", "--policy-date",
                               help="Growth break (default: Fair Outcomes Panel, 01/09/2023)."),
    population: Path | None = POPULATION,
    version_key: str | None = VERSION,
    fmt: Format = FORMAT,
    publish: bool = typer.Option(False, "--publish", help="Hide counts of 1-4."),
) -> None:
    """Service users and weekly cost by setting, growth before/since a policy date, projection.

    Example: [bold]careassure budget demand --population ons-snpp.csv[/bold]
    """
    from careassure.budget.demand import ALL, demand_series, month_ends
    from careassure.budget.model import BudgetError
    from careassure.budget.projection import (
        DEMO_POPULATION,
        growth_periods,
        project,
        read_population,
    )
    from careassure.budget.views import demand_table
    from careassure.records.store import data_end, open_store

    try:
        last = _day(end, "--to") or data_end(store)
    except (OSError, ValueError) as exc:
        _fail(f"cannot read the store: {exc}")
    if last is None:
        _fail("the store holds no data: load an extract first (careassure ingest)")
    first = _day(start, "--from") or date(last.year - 4, last.month, 1)
    policy_date = _day(policy, "--policy-date")
    assert policy_date is not None
    dates = month_ends(first, last)
    if len(dates) < 2:
        _fail(f"{first:%d/%m/%Y} to {last:%d/%m/%Y} holds fewer than two month ends")
    try:
        people = read_population(population or DEMO_POPULATION)
        with open_store(store) as opened:
            series = demand_series(opened, dates)
    except BudgetError as exc:
        _fail(str(exc))
    except (OSError, ValueError) as exc:
        _fail(f"cannot read the store: {exc}")
    periods = growth_periods(series.people(), policy_date)
    projection = None
    version = _stored_version(version_key)
    if version is not None:
        try:
            projection = project(series, version, people, policy_date)
        except BudgetError as exc:
            _fail(str(exc))
    base = dates[-1]
    table = demand_table(series, base, "setting", publish=publish)
    if fmt is Format.json:
        typer.echo(json.dumps({
            "as_of": base.isoformat(),
            "series": {d.isoformat(): n for d, n in series.people(ALL, ALL).items()},
            "by_setting": [row.__dict__ for row in table],
            "growth": [{"period": p.label, "from": p.start.isoformat(),
                        "to": p.end.isoformat(), "annual_rate": p.annual_rate}
                       for p in periods],
            "projection": [
                {"client_group": g.client_group, "base": g.base_people, "trend": g.trend,
                 "years": [y.__dict__ for y in g.years]} for g in projection or []
            ],
        }, indent=2, default=str))
        return
    typer.echo(f"Service users in long-term support at {base:%d/%m/%Y}")
    for row in table:
        cost = row.average_weekly_cost
        shown = cost if isinstance(cost, str) else ("—" if cost is None else f"£{cost:,.2f}")
        typer.echo(f"  {row.label:34}{row.people:>8}   average weekly cost {shown}")
    for p in periods:
        rate = "—" if p.annual_rate is None else f"{p.annual_rate:.1%}"
        typer.echo(f"Growth {p.label} {policy_date:%d/%m/%Y}: {rate} a year "
                   f"({p.start:%d/%m/%Y} to {p.end:%d/%m/%Y})")
    for group in projection or []:
        typer.echo(f"  {group.client_group}: " + ", ".join(
            f"{y.year} {y.people:,.0f} people (+£{y.extra_cost:,.0f}k; MTFS "
            f"{'—' if y.mtfs_growth is None else f'£{y.mtfs_growth:,}k'})" for y in group.years))

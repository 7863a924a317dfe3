"""``careassure demo``: the main job on a fresh machine, end to end on a synthetic county.

It exercises the real path a council's data takes (generate an extract in the record format,
validate and pseudonymise it on ingest, compute the catalogue's measures from the store, migrate
the application database, import the improvement plan, record a self-assessment) rather than a
shortcut, so the demo shows what a council will see and breaks when the product does.

Every step is skipped when its result is already there, so a second run starts the web app at
once with the same data, plan, self-assessment and logins as the first.
"""

from __future__ import annotations

import os
import secrets
import socket
import tempfile
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from careassure.config import council_code, mark_synthetic_load, set_council_code

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.engine import Engine

    from careassure.measures.result import MeasureValue
    from careassure.records.store import Store

# The seeds' baseline for the waiting-list story: the peak at the end of December 2024.
STORY_BASELINE = date(2024, 12, 1)
ACTOR = "demo"
DEMO_COUNCIL_CODE = "E10000018"  # Leicestershire: the council whose plan the demo uses
PASSWORD_FILE = "demo-password"
ASSESSMENT_FILE = Path(__file__).with_name("demo_assessment.yaml")


def demo(
    db: Annotated[Path | None, typer.Option(
        "--db", help="Store to use (default: CAREASSURE_HOME/store.duckdb).")] = None,
    scale: Annotated[float, typer.Option(
        "--scale", help="Size of the synthetic county (1 = ~560,000 adults).")] = 1.0,
    seed: Annotated[int, typer.Option(
        "--seed", help="Random seed for the synthetic county.")] = 2026,
    rebuild: Annotated[bool, typer.Option(
        "--rebuild", help="Regenerate and reload the county even if the store has data.")] = False,
    serve: Annotated[bool, typer.Option(
        "--serve/--no-serve", help="Start the web app (--no-serve: load and print only).")] = True,
    port: Annotated[int, typer.Option(
        "--port", min=1, max=65535, help="Port for the web app on 127.0.0.1.")] = 8000,
) -> None:
    """Load the synthetic county, the demo improvement plan, a self-assessment and one demo login
    per role (each only if absent), show the headline figures and start the web app on
    http://127.0.0.1:8000.

    The demo logins share one random password, made on the first run and kept (readable by you
    only) in CAREASSURE_HOME/demo-password, so every run prints the same.

    Example: [bold]careassure demo[/bold]   (or [bold]make demo[/bold] on a fresh machine)
    """
    from rich.console import Console

    from careassure.records.store import open_store, store_path

    console = Console()
    path = store_path(db)
    if serve:
        _check_port_free(port)
    needs_load = rebuild or not path.exists()
    if not needs_load:
        with open_store(path) as store:
            needs_load = store.is_empty()
    if needs_load:
        _load_synthetic_county(console, path, scale, seed)
    with open_store(path) as store:
        _print_headlines(console, store)
        as_of = store.extract_date() or date.today()
        loads = store.loads()
    if loads and loads[0].loaded_by == ACTOR:  # the demo's own synthetic county is the latest
        mark_synthetic_load(loads[0].load_id)
    console.print(f"\nStore: {path}")

    engine = _application_database(console)
    try:
        _ensure_reported_values(console, engine, as_of)
        _ensure_plan(console, engine, path, as_of)
        _ensure_budget(console, engine)
        _ensure_self_assessment(console, engine)
        _ensure_national_figures(console, engine)
        password = demo_password()
        logins = _ensure_demo_users(engine, password)
    finally:
        engine.dispose()
    if not serve:
        _print_logins(console, None, logins, password)
        return
    _serve(console, path, port, logins, password)


# --- the analytical store --------------------------------------------------------------------


def _load_synthetic_county(console: Console, path: Path, scale: float, seed: int) -> None:
    from careassure.records.load import ingest
    from careassure.synth import generate_county, write_county

    started = time.perf_counter()
    with console.status(f"Generating the synthetic county (scale {scale:g}, seed {seed})..."):
        county = generate_county(scale, seed)
    with tempfile.TemporaryDirectory(prefix="careassure-demo-") as folder:
        with console.status("Writing the extract in the record format..."):
            write_county(county, Path(folder), "csv")
        with console.status("Validating, pseudonymising and loading the extract..."):
            result = ingest(Path(folder), store=path, extract="local", loaded_by=ACTOR)
    if not result.ok:
        console.print(f"[red]The synthetic extract was rejected ({len(result.errors)} errors); "
                      f"see {result.error_report}[/red]")
        raise typer.Exit(1)
    rows = sum(result.row_counts.values())
    console.print(f"Loaded {rows:,} rows into {path} in {time.perf_counter() - started:.0f} s.")


def _keep_figures(store: Store, values: list[MeasureValue], as_of: date) -> None:
    """Keep the figures for the command line (careassure.measures.figure_cache), so that a
    first `careassure measures -m ...` after the demo answers at once. ``values`` hold no
    reported measure: their values live in the application database and are never kept."""
    from careassure.measures.figure_cache import figure_cache

    figure_cache(store.path).put(values, as_of, None, None, latest=as_of)


def _print_headlines(console: Console, store: Store) -> None:
    from careassure.measures import CATALOGUE, compute, series
    from careassure.measures.command import print_table
    from careassure.measures.headlines import HEADLINE_MEASURES
    from careassure.measures.narrative import facts
    from careassure.measures.reported import reported_ids

    as_of = store.extract_date()
    assert as_of is not None, "the demo's store holds the synthetic county"
    # Every computed measure at the extract date, kept for the command line (a few seconds
    # more than the headlines alone): `careassure measures -m <any id>` then answers at once.
    values = compute(store, as_of, measures=[m for m in CATALOGUE if m not in reported_ids()])
    order = {m: n for n, m in enumerate(HEADLINE_MEASURES)}
    headlines = sorted((v for v in values if v.measure in order), key=lambda v: order[v.measure])
    print_table(headlines, f"Shireham County (synthetic): headline figures at {as_of:%d/%m/%Y}")
    _keep_figures(store, values, as_of)

    story = series(store, STORY_BASELINE, as_of, "month",
                   measures=["care_act_assessment.waiting", "care_act_assessment.median_wait"])
    for measure in ("care_act_assessment.waiting", "care_act_assessment.median_wait"):
        points = [v for v in story if v.measure == measure]
        console.print(f"- {CATALOGUE[measure].title}: {facts(measure, points).sentence()}")


# --- the application database ----------------------------------------------------------------


def _application_database(console: Console) -> Engine:
    """The application database (CAREASSURE_DATABASE_URL or the home folder's SQLite file),
    migrated to this careassure's schema."""
    from sqlalchemy.exc import SQLAlchemyError

    from careassure.appdb import create_engine, database_url, display_url, error_reason, upgrade

    url = database_url()
    try:
        upgrade(url)
        return create_engine(url)
    except ValueError as exc:
        reason = str(exc)
    except SQLAlchemyError as exc:
        first = error_reason(exc)
        reason = f"cannot open the application database {display_url(url)}: {first}"
    typer.echo(f"error: {reason}", err=True)
    raise typer.Exit(2)


def _ensure_reported_values(console: Console, engine: Engine, as_of: date) -> None:
    """Enter the demo histories of the reported measures (careassure.reported.demo: seeded,
    through the seed papers' figures, marked "demo data") when none are stored."""
    from careassure.appdb import transaction
    from careassure.measures.reported import reported_measures
    from careassure.reported.demo import DEMO_SOURCE, demo_entries
    from careassure.reported.service import current_values, import_entries

    with transaction(engine) as session:
        if current_values(session):
            return
        rows = demo_entries(list(reported_measures()), as_of)
        import_entries(session, ACTOR, DEMO_SOURCE, rows)
    console.print(f"Entered {len(rows)} values of the reported measures ({DEMO_SOURCE}).")


def _ensure_plan(console: Console, engine: Engine, store: Path, as_of: date) -> None:
    """Import the demo plan when no plan is stored (its timeliness actions are owned by the demo
    workstream lead's login, ``lead``), and summarise the stored plan's status."""
    from careassure.appdb import transaction
    from careassure.plan import import_plan, load_demo_plan, load_plan, plan_keys, plan_status

    with transaction(engine) as session:
        if not plan_keys(session):
            plan = load_demo_plan()
            import_plan(session, plan, ACTOR)
            console.print(f"Imported the demo improvement plan: {plan.title}, {plan.council}.")
        if len(plan_keys(session)) != 1:  # a council's own plans: the demo leaves them alone
            return
        plan = load_plan(session)
    from careassure.reported.service import stored_values

    status = plan_status(plan, as_of, store=store, reported=stored_values(engine))
    counts: dict[str, int] = {}
    for area in status.areas:
        counts[area.rag.label] = counts.get(area.rag.label, 0) + 1
    summary = ", ".join(f"{n} {label.lower()}" for label, n in counts.items())
    console.print(f"Improvement plan ({plan.council}): {len(status.areas)} areas: {summary}.")


# The demo plan's budget links, as the committee paper gives them: the CQC improvement plan is
# funded by growth line G15; the reablement service action delivers the reablement savings.
DEMO_LINKS = (
    ("", "G15", "funds"),
    ("reablement-discharge/reablement-service", "AC19", "delivers"),
    ("reablement-discharge/reablement-service", "AC21", "delivers"),
)


def _ensure_budget(console: Console, engine: Engine) -> None:
    """Import the demo MTFS (the committee paper's tables) when no version is stored, and link
    it to the demo plan when that is the plan stored."""
    from careassure.appdb import transaction
    from careassure.budget.files import DEMO_TABLES, read_version
    from careassure.budget.service import import_version, link_plan, links, version_keys
    from careassure.plan import load_demo_plan, plan_keys

    with transaction(engine) as session:
        if version_keys(session):
            return
        version = read_version(DEMO_TABLES)
        import_version(session, version, ACTOR)
        if [key for key, _ in plan_keys(session)] == [load_demo_plan().key] and not links(session):
            for path, reference, role in DEMO_LINKS:
                link_plan(session, ACTOR, path, reference, role)
    console.print(f"Imported the demo budget: {version.title} ({version.status}).")


def _ensure_self_assessment(console: Console, engine: Engine) -> None:
    """Record the demo self-assessment and evidence when the database holds none."""
    import yaml
    from sqlalchemy import func, select

    from careassure.appdb import transaction
    from careassure.framework.evidence import add_evidence
    from careassure.framework.live import no_values
    from careassure.framework.model import load_framework
    from careassure.framework.selfassessment import build_self_assessment, set_statement
    from careassure.framework.tables import EvidenceItem, SelfAssessmentStatement

    framework = load_framework()
    content = yaml.safe_load(ASSESSMENT_FILE.read_text(encoding="utf-8"))
    today = date.today()
    with transaction(engine) as session:
        if not session.scalar(select(func.count()).select_from(SelfAssessmentStatement)):
            for statement, view in content["statements"].items():
                set_statement(
                    session, framework, ACTOR, statement,
                    own_score=view["score"],
                    strengths=view["strengths"],
                    areas_for_development=view["areas_for_development"],
                )
        if not session.scalar(select(func.count()).select_from(EvidenceItem)):
            for entry in content["evidence"]:
                item = dict(entry)
                dated = today - timedelta(days=item.pop("days_old"))
                review_by = dated + timedelta(days=item.pop("review_after_days"))
                add_evidence(session, framework, ACTOR, today=today, evidence_date=dated,
                             review_by=review_by, **item)
        live = no_values("not needed for the estimate", today)
        estimate = build_self_assessment(session, framework, today, live).estimate
    if estimate is not None:
        console.print(
            f"Self-assessment: {estimate.total} of {estimate.max} = {estimate.percent}%, "
            f"{estimate.rating}."
        )


# --- demo logins ------------------------------------------------------------------------------


def demo_password(home: Path | None = None) -> str:
    """The demo logins' password: made at random on first use and kept in a file only its owner
    can read, so that every later run prints (and resets the accounts to) the same one."""
    from careassure.config import home as careassure_home

    path = (home or careassure_home()) / PASSWORD_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another demo run made it first
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(12) + "\n")
    return path.read_text(encoding="utf-8").strip()


def _ensure_national_figures(console: Console, engine: Engine) -> None:
    """Set the council to Leicestershire (whose plan the demo uses) unless one is set, and import
    the shipped national figures and nearest neighbours (real published data,
    careassure/compare/demo/README.md) when none are stored."""
    from importlib import resources

    from careassure.appdb import transaction
    from careassure.compare.store import import_figures, import_neighbours, imports

    if council_code() is None:
        set_council_code(DEMO_COUNCIL_CODE)
        console.print(f"Set the council to Leicestershire ({DEMO_COUNCIL_CODE}) for comparisons.")
    shipped = resources.files("careassure.compare").joinpath("demo")
    with transaction(engine) as session:
        if imports(session):
            return
        with resources.as_file(shipped) as folder:
            result = import_figures(session, folder / "national-figures.csv.gz", ACTOR)
            import_neighbours(session, folder / "nearest-neighbours.json.gz", ACTOR)
    years = f"{result.periods[0]} to {result.periods[-1]}"
    console.print(f"Imported {result.figures:,} published national figures ({years}) and "
                  "nearest neighbours.")


def _ensure_demo_users(engine: Engine, password: str) -> list[tuple[str, str]]:
    """One account per role, all with ``password``. Accounts that already sign in with it, in
    their role, are left alone: re-seeding would add audit rows and end their sessions."""
    from careassure.appdb import transaction
    from careassure.web.accounts import DEMO_USERS, get_user, seed_demo_users, verify

    with transaction(engine) as session:
        ready = all(
            (user := get_user(session, username)) is not None
            and user.role == role
            and verify(user, password)
            for username, role in DEMO_USERS
        )
    return list(DEMO_USERS) if ready else seed_demo_users(engine, password)


def _print_logins(
    console: Console, url: str | None, logins: Sequence[tuple[str, str]], password: str
) -> None:
    from careassure.web.roles import ROLE_NAMES

    if url:
        console.print(f"\n[bold]careassure is running at {url}[/bold]  (Ctrl+C stops it)")
    from careassure.config import home

    console.print(f"Demo logins (the password is kept in {home() / PASSWORD_FILE}):")
    for username, role in logins:
        console.print(f"  {ROLE_NAMES[role]:<20} username [bold]{username:<8}[/bold] "
                      f"password [bold]{password}[/bold]")


# --- the web app ------------------------------------------------------------------------------


def _check_port_free(port: int) -> None:
    """Refuse early, in one line, when the port is taken (uvicorn would log a traceback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            typer.echo(f"error: port {port} on 127.0.0.1 is in use ({exc.strerror}): "
                       "stop what uses it or give --port", err=True)
            raise typer.Exit(2) from exc


def _serve(
    console: Console, store: Path, port: int, logins: Sequence[tuple[str, str]], password: str
) -> None:
    """Run the web app on loopback only. Cookies go without ``Secure`` because the demo is plain
    HTTP on this machine; ``careassure serve`` is the command for a shared server."""
    import threading

    import uvicorn

    from careassure.web import create_app
    from careassure.web.routes.overview import warm

    app: Any = create_app(store_path=store, secure_cookies=False)
    # As `careassure serve` does: the overview's figures are computed while the logins print.
    threading.Thread(target=warm, args=(app,), name="careassure-warm", daemon=True).start()
    _print_logins(console, f"http://127.0.0.1:{port}/", logins, password)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
                server_header=False)

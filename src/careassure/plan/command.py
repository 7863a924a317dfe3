"""``careassure plan``: import, export and judge the improvement plan, add progress updates and
overrides. Heavy imports (SQLAlchemy, YAML, DuckDB) happen inside each command so that
``careassure --help`` stays instant. Expected problems print one line and exit with status 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from careassure.cliargs import app_database as _database
from careassure.cliargs import fail as _fail
from careassure.cliargs import parse_day as _day

if TYPE_CHECKING:

    from careassure.plan.model import PlanSpec
    from careassure.plan.status import PlanStatus


class StatusFormat(StrEnum):
    table = "table"
    json = "json"


class ExportFormat(StrEnum):
    yaml = "yaml"
    tsv = "tsv"
    json = "json"


class ImportFormat(StrEnum):
    auto = "auto"
    yaml = "yaml"
    tsv = "tsv"


class Every(StrEnum):
    auto = "auto"
    week = "week"
    month = "month"


class OverrideStatus(StrEnum):
    met = "met"
    improving = "improving"
    not_met = "not_met"
    off_track = "off_track"


app = typer.Typer(no_args_is_help=True)

ACTOR = typer.Option(None, "--actor", help="Who makes the change (default: your login name).")
PLAN = typer.Option(None, "--plan", help="Plan key, when more than one plan is stored.")
STORE = typer.Option(
    None, "--store", "--db", help="Analytical store (DuckDB; default $CAREASSURE_STORE)."
)
AS_OF = typer.Option(
    None, "--as-of", help="Judge as at this date (default: the day the store's data runs to)."
)
TABLE_OR_JSON = typer.Option(StatusFormat.table, "--format", "-f", help="table or json.")
PLAN_FILE = typer.Argument(None, help="Plan file: YAML, or the seed table layout (tab-separated).")
IMPORT_FORMAT = typer.Option(
    ImportFormat.auto, "--format", help="auto (by extension: .tsv/.txt table, else YAML)."
)
EXPORT_FORMAT = typer.Option(ExportFormat.yaml, "--format", "-f", help="yaml, tsv or json.")
OUT = typer.Option(None, "--out", "-o", help="File to write (default stdout).")
OVERRIDE_STATUS = typer.Option(None, "--status", help="The RAG to show instead.")
EVERY = typer.Option(
    Every.auto, "--every", help="Series step: auto (month at a month end, else week), week, month."
)


@app.callback()
def _group() -> None:
    """The improvement plan: areas, actions, outcomes and targets, RAG from live measures.

    Example: [bold]careassure plan import --demo && careassure plan status --as-of 2025-12-28[/bold]
    """




def _actor(actor: str | None) -> str:
    from careassure.appdb import default_actor

    return actor or default_actor()


@contextmanager
def _session() -> Iterator[Any]:
    """A transaction on the application database; a PlanError ends the command with status 2
    (and rolls the transaction back)."""
    from careassure.appdb import transaction
    from careassure.plan.model import PlanError

    with _database() as engine:
        try:
            with transaction(engine) as session:
                yield session
        except PlanError as exc:
            _fail(str(exc))


def _judging_day(as_of: str | None, store: Path | None, fallback: date) -> date:
    """The day to judge at: the one given, else the data's end (else ``fallback``). A day after
    the data's end is refused: every open case would look as if it were still waiting."""
    from careassure.records.store import data_end

    day = _day(as_of, "--as-of")
    try:
        end = data_end(store)
    except (OSError, ValueError) as exc:
        _fail(f"cannot read the store: {exc}")
    if day is None:
        return end or fallback
    if end is not None and day > end:
        _fail(f"--as-of {day:%d/%m/%Y} is after the store's data end ({end:%d/%m/%Y}): "
              "figures after it would count every open case as still waiting")
    return day


def _status(
    plan: PlanSpec, store: Path | None, as_of: date, every: Every, publish: bool
) -> PlanStatus:
    from careassure.plan.live import plan_status
    from careassure.reported.command import stored_or_none

    try:
        return plan_status(plan, as_of, store=store, every=every.value, publish=publish,
                           reported=stored_or_none())
    except (OSError, ValueError) as exc:
        _fail(f"cannot compute the plan's measures: {exc}")


# --- import / export --------------------------------------------------------------------------


@app.command("import")
def import_(
    file: Path | None = PLAN_FILE,
    demo: bool = typer.Option(False, "--demo", help="Import the shipped demo plan instead."),
    fmt: ImportFormat = IMPORT_FORMAT,
    council: str | None = typer.Option(None, help="Council name (a seed table does not say)."),
    key: str | None = typer.Option(None, help="Plan key for a seed table (default from council)."),
    replace: bool = typer.Option(False, "--replace", help="Replace a stored plan with this key."),
    actor: str | None = ACTOR,
) -> None:
    """Store a plan from a YAML file or a seed-layout table, checking every entry first.

    Example: [bold]careassure plan import plan.yaml[/bold]  or
    [bold]careassure plan import appendix.tsv --council "Leicestershire County Council"[/bold]
    """
    from careassure.plan.model import PlanError
    from careassure.plan.seedtable import parse_table
    from careassure.plan.service import import_plan
    from careassure.plan.yamlfile import demo_plan_path, read_plan

    if demo == (file is not None):
        _fail("give a plan file or --demo (exactly one)")
    path = demo_plan_path() if demo else Path(file)  # type: ignore[arg-type]
    table = fmt is ImportFormat.tsv or (
        fmt is ImportFormat.auto and path.suffix.lower() in (".tsv", ".txt")
    )
    try:
        if table:
            if not council:
                _fail(f"{path}: a seed table does not name the council: give --council")
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                _fail(f"{path}: cannot read the table ({exc})")
            plan = parse_table(text, str(path), council=council, key=key, author=_actor(actor))
        else:
            plan = read_plan(path)
    except PlanError as exc:
        _fail(str(exc))
    with _session() as session:
        import_plan(session, plan, _actor(actor), replace=replace)
    counts = plan.counts()
    typer.echo(
        f"imported plan {plan.key!r} ({plan.title}, {plan.council}, updated "
        f"{plan.updated_on:%d/%m/%Y}): {counts['areas']} areas, {counts['actions']} actions, "
        f"{counts['outcomes']} outcomes ({counts['measured']} measured, {counts['milestones']} "
        f"milestones), {counts['progress_updates']} progress updates, {counts['risks']} risks"
    )


@app.command()
def remove(
    key: str = typer.Argument(..., help="The key of the plan to remove (see `plan export`)."),
    actor: str | None = ACTOR,
) -> None:
    """Remove a stored plan; each of its rows keeps its last state in the audit trail.

    Example: [bold]careassure plan remove leicestershire-cqc-2025[/bold]
    """
    from careassure.plan.service import remove_plan

    with _session() as session:
        remove_plan(session, _actor(actor), key)
    typer.echo(f"removed plan {key!r}; the audit trail keeps its rows")


@app.command()
def export(
    fmt: ExportFormat = EXPORT_FORMAT,
    out: Path | None = OUT,
    plan_key: str | None = PLAN,
) -> None:
    """Write the stored plan as YAML (importable), the seed's table layout, or JSON.

    Example: [bold]careassure plan export --format tsv --out appendix.tsv[/bold]
    """
    from careassure.plan.seedtable import table_text
    from careassure.plan.service import load_plan
    from careassure.plan.yamlfile import plan_json, plan_yaml

    with _session() as session:
        plan = load_plan(session, plan_key)
    if fmt is ExportFormat.yaml:
        text = plan_yaml(plan)
    elif fmt is ExportFormat.tsv:
        text = table_text(plan)
    else:
        text = json.dumps(plan_json(plan), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror}")
    typer.echo(f"wrote {out}")


# --- status -------------------------------------------------------------------------------------


def _print_status(status: PlanStatus) -> None:
    from rich.console import Console
    from rich.table import Table

    colours = {"green": "green", "amber": "yellow", "red": "red", "grey": "bright_black"}
    table = Table("Item", "RAG", "Why", show_lines=False)

    def rag_cell(rag: Any) -> str:
        mark = " (overridden)" if rag.override is not None else ""
        return f"[{colours[rag.colour]}]{rag.label}[/]{mark}"

    for area in status.areas:
        title = f"[bold]{area.spec.title}[/bold] ({area.path})"
        table.add_row(title, rag_cell(area.rag), area.rag.reason)
        for action in area.actions:
            title = f"  {action.spec.title} ({action.path})"
            table.add_row(title, rag_cell(action.rag), action.rag.reason)
            for outcome in action.outcomes:
                table.add_row(
                    f"    {outcome.spec.text} ({outcome.spec.key})",
                    rag_cell(outcome.rag),
                    outcome.rag.reason,
                )
    console = Console()
    plan = status.plan
    console.print(
        f"[bold]{plan.title}[/bold], {plan.council}, updated {plan.updated_on:%d/%m/%Y}: "
        f"RAG as at {status.as_of:%d/%m/%Y}"
    )
    console.print(table)
    console.print(f"Overall: {rag_cell(status.rag)} - {status.rag.reason}")
    console.print(f"[dim]{status.note}[/dim]")


@app.command()
def status(
    store: Path | None = STORE,
    as_of: str | None = AS_OF,
    every: Every = EVERY,
    output: StatusFormat = TABLE_OR_JSON,
    publish: bool = typer.Option(False, "--publish", help="Hide counts of 1-4 (published form)."),
    plan_key: str | None = PLAN,
) -> None:
    """Every area, action and outcome with its RAG and the reason, from live measures.

    Example: [bold]careassure plan status --store county.duckdb --as-of 2025-12-28[/bold]
    """
    from careassure.plan.service import load_plan

    day = _judging_day(as_of, store, date.today())
    with _session() as session:
        plan = load_plan(session, plan_key)
    judged = _status(plan, store, day, every, publish)
    if output is StatusFormat.json:
        typer.echo(json.dumps(judged.to_json(), indent=2, ensure_ascii=False))
        return
    _print_status(judged)


# --- changes ------------------------------------------------------------------------------------


@app.command()
def update(
    action: str = typer.Argument(..., help="The action, AREA/ACTION (keys as status shows)."),
    narrative: str = typer.Option(
        ..., help="What has happened since the last update (about services, not people)."
    ),
    written_on: str | None = typer.Option(
        None, "--date", help="Date of the update (default today)."
    ),
    store: Path | None = STORE,
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date of the quoted measure facts (default: the update's date or, "
        "when earlier, the day the store's data runs to)."
    ),
    no_facts: bool = typer.Option(False, "--no-facts", help="Quote no measure facts."),
    actor: str | None = ACTOR,
    plan_key: str | None = PLAN,
) -> None:
    """Add a progress update to an action, quoting (and freezing) its measures' current facts.

    Example: [bold]careassure plan update timeliness/care-act-assessment --narrative "New
    starters in post; waits falling." --store county.duckdb[/bold]
    """
    from careassure.plan.model import PlanError, parse_path
    from careassure.plan.service import add_progress, load_plan

    day = _day(written_on, "--date") or date.today()
    facts_day = day if no_facts else _judging_day(as_of, store, day)
    if as_of is None:  # an update written before the data's end quotes the figures of its day
        facts_day = min(facts_day, day)
    try:
        if len(parse_path(action)) != 2:
            _fail(f"{action!r} is not an action: write AREA/ACTION")
    except PlanError as exc:
        _fail(str(exc))
    facts: list[dict[str, Any]] = []
    with _session() as session:
        if not no_facts:
            plan = load_plan(session, plan_key)
            judged = _status(plan, store, facts_day, Every.auto, False)
            try:
                found = judged.find(action)
            except KeyError as exc:
                _fail(str(exc.args[0]))
            facts = found.facts()  # type: ignore[union-attr]
        add_progress(
            session,
            _actor(actor),
            action,
            narrative=narrative,
            written_on=day,
            facts=facts,
            plan_key=plan_key,
        )
    typer.echo(f"added the progress update of {day:%d/%m/%Y} to {action}")
    for fact in facts:
        typer.echo(f"  {fact['sentence']}")


@app.command()
def override(
    item: str = typer.Argument(..., help="AREA, AREA/ACTION or AREA/ACTION/OUTCOME."),
    rag: OverrideStatus | None = OVERRIDE_STATUS,
    reason: str | None = typer.Option(None, "--reason", help="Why (required to override)."),
    clear: bool = typer.Option(False, "--clear", help="Remove the override: back to computed."),
    actor: str | None = ACTOR,
    plan_key: str | None = PLAN,
) -> None:
    """Override an item's computed RAG, with a written reason (kept in the audit trail).

    Example: [bold]careassure plan override timeliness/care-act-assessment --status improving
    --reason "Six new assessors start on 2 February"[/bold]
    """
    from careassure.plan.service import clear_override, set_override

    if clear:
        if rag is not None:
            _fail("give --status or --clear, not both")
        with _session() as session:
            clear_override(session, _actor(actor), item, plan_key=plan_key)
        typer.echo(f"{item}: override removed; the computed RAG applies")
        return
    if rag is None:
        _fail("give --status (met, improving, not_met, off_track) and --reason, or --clear")
    if reason is None or not reason.strip():
        _fail("an override needs a written reason: give --reason")
    with _session() as session:
        set_override(
            session, _actor(actor), item, status=rag.value, reason=reason, plan_key=plan_key
        )
    typer.echo(f"{item}: RAG overridden to {rag.value}: {reason.strip()}")


class ActionState(StrEnum):
    not_started = "not_started"
    in_progress = "in_progress"
    complete = "complete"


ACTION_STATE = typer.Option(None, "--status", help="not_started, in_progress or complete.")


@app.command()
def action(
    item: str = typer.Argument(..., help="The action, AREA/ACTION."),
    state: ActionState | None = ACTION_STATE,
    owner: str | None = typer.Option(None, help="The owning post, as the plan prints it."),
    owner_account: str | None = typer.Option(
        None, help="Login of the workstream lead who may update it in the web app (\"\" clears)."
    ),
    actor: str | None = ACTOR,
    plan_key: str | None = PLAN,
) -> None:
    """Change an action's status or owner.

    Example: [bold]careassure plan action timeliness/waiting-well --status complete[/bold]
    """
    from careassure.plan.service import update_action

    if state is None and owner is None and owner_account is None:
        _fail("give --status, --owner or --owner-account")
    with _session() as session:
        update_action(
            session,
            _actor(actor),
            item,
            status=state.value if state else None,
            owner=owner,
            owner_account=owner_account,
            plan_key=plan_key,
        )
    typer.echo(f"{item}: saved")


@app.command()
def milestone(
    item: str = typer.Argument(..., help="The milestone outcome, AREA/ACTION/OUTCOME."),
    done: bool = typer.Option(..., "--done/--not-done", help="Whether it is done."),
    done_on: str | None = typer.Option(None, "--date", help="When (default today, if done)."),
    evidence: str | None = typer.Option(None, help="Link to the evidence (http:// or https://)."),
    actor: str | None = ACTOR,
    plan_key: str | None = PLAN,
) -> None:
    """Mark a milestone outcome done (with its evidence) or not done.

    Example: [bold]careassure plan milestone timeliness/waiting-well/monitoring-in-place --done
    --evidence https://intranet.example.gov.uk/waiting-well-audit[/bold]
    """
    from careassure.plan.service import set_milestone

    if done_on is not None and not done:
        _fail("--date is the day it was done: give it with --done")
    day = _day(done_on, "--date") or (date.today() if done else None)
    with _session() as session:
        set_milestone(
            session,
            _actor(actor),
            item,
            done=done,
            done_on=day if done else None,
            evidence_link=evidence,
            plan_key=plan_key,
        )
    typer.echo(f"{item}: {'done' if done else 'not done'}")


@app.command()
def history(
    item: str = typer.Argument(..., help="AREA, AREA/ACTION or AREA/ACTION/OUTCOME."),
    output: StatusFormat = TABLE_OR_JSON,
    plan_key: str | None = PLAN,
) -> None:
    """An item's progress updates and every audited change to it, newest first.

    Example: [bold]careassure plan history timeliness/care-act-assessment[/bold]
    """
    from careassure.plan.service import item_history

    with _session() as session:
        entries = item_history(session, item, plan_key=plan_key)
    if output is StatusFormat.json:
        typer.echo(json.dumps([e.to_json() for e in entries], indent=2, ensure_ascii=False))
        return
    for entry in entries:
        typer.echo(f"{entry.at:%d/%m/%Y %H:%M}  {entry.actor}  {entry.kind}: {entry.summary}")

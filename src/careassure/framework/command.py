"""``careassure cqc``: scoring, what-if, the assessment timeline, evidence, self-assessment and
readiness. Heavy imports (SQLAlchemy, YAML, DuckDB) happen inside each command."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from careassure.cliargs import app_database as _database
from careassure.cliargs import fail as _fail
from careassure.cliargs import parse_day as _day

if TYPE_CHECKING:
    from rich.console import Console

    from careassure.framework.live import LiveValues
    from careassure.framework.model import Framework


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


app = typer.Typer(help="The CQC assessment framework.", no_args_is_help=True)
evidence_app = typer.Typer(help="The evidence library.", no_args_is_help=True)
self_assessment_app = typer.Typer(help="The self-assessment.")
app.add_typer(evidence_app, name="evidence")
app.add_typer(self_assessment_app, name="self-assessment")

FORMAT = typer.Option(OutputFormat.table, "--format", "-f", help="table (for people) or json.")
ACTOR = typer.Option(None, "--actor", help="Who makes the change (default: your login name).")
STORE = typer.Option(None, "--store", help="Analytical store (default $CAREASSURE_STORE).")
AS_OF = typer.Option(
    None, "--as-of", help="Date for live measures (default: the day the store's data runs to)."
)


@app.callback()
def _group() -> None:
    """The CQC local authority assessment framework: scores, timeline, evidence, readiness.

    Example: [bold]careassure cqc score 2,2,2,2,3,2,2,2,3[/bold]
    """


def _console() -> Console:
    from rich.console import Console

    return Console()


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))




def _framework() -> Framework:
    from careassure.framework.model import FrameworkConfigError, load_framework

    try:
        return load_framework()
    except FrameworkConfigError as exc:
        _fail(str(exc))


def _actor(actor: str | None) -> str:
    from careassure.appdb import default_actor

    return actor or default_actor()


def _uk(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _live(measure_ids: list[str], store: Path | None, as_of: str | None) -> LiveValues:
    """Live readings at ``as_of`` (default: the day the store's data runs to, else today). A day
    after the data's end is refused: every open case would look as if it were still waiting."""
    from careassure.config import default_store_path
    from careassure.framework.live import live_values
    from careassure.records.store import data_end

    path = Path(store) if store else default_store_path()
    day = _day(as_of, "--as-of")
    try:
        end = data_end(path)
    except (OSError, ValueError):  # not a store: live_values explains it beside the measures
        end = None
    if day is not None and end is not None and day > end:
        _fail(f"--as-of {day:%d/%m/%Y} is after the store's data end ({end:%d/%m/%Y}): "
              "figures after it would count every open case as still waiting")
    return live_values(measure_ids, path, day or end or date.today())


# --- scoring -------------------------------------------------------------------------------


@app.command()
def score(
    scores: str = typer.Argument(
        ..., help="One score 1-4 per quality statement, QS1 to QS9, comma-separated; - if unscored."
    ),
    output: OutputFormat = FORMAT,
) -> None:
    """Overall percentage and rating from the quality-statement scores.

    Example: [bold]careassure cqc score 2,2,2,2,3,2,2,2,3 --format json[/bold]
    """
    from careassure.framework.scoring import ScoreError, parse_scores
    from careassure.framework.scoring import score as compute_score

    framework = _framework()
    try:
        result = compute_score(framework, parse_scores(framework, scores))
    except ScoreError as exc:
        _fail(str(exc))
    if output is OutputFormat.json:
        _print_json(result.to_json(framework))
        return
    from rich.table import Table

    table = Table("QS", "Quality statement", "Score", "Level")
    for qs, value in zip(framework.statements, result.scores, strict=True):
        level = framework.score_levels[value] if value is not None else "not scored"
        table.add_row(qs.code, qs.name, str(value) if value is not None else "-", level)
    console = _console()
    console.print(table)
    console.print(
        f"Total {result.total} of {result.max} = {result.percent}%: [bold]{result.rating}[/bold]"
    )
    if result.next_band:
        console.print(f"{result.points_to_next_band} more points reach {result.next_band}.")


@app.command()
def whatif(
    scores: str = typer.Argument(
        ..., help="One score 1-4 per quality statement, QS1 to QS9, comma-separated; - if unscored."
    ),
    target: str | None = typer.Option(None, "--target", help="Rating to reach (default: next)."),
    output: OutputFormat = FORMAT,
) -> None:
    """The smallest sets of statement improvements that reach the next (or a target) rating.

    Example: [bold]careassure cqc whatif 2,2,2,2,3,2,2,2,3 --target Good[/bold]
    """
    from careassure.framework.scoring import ScoreError, parse_scores
    from careassure.framework.whatif import what_if

    framework = _framework()
    try:
        answer = what_if(framework, parse_scores(framework, scores), target)
    except (ScoreError, LookupError) as exc:
        _fail(str(exc.args[0]))
    if output is OutputFormat.json:
        _print_json(answer.to_json())
        return
    console = _console()
    now = answer.current
    console.print(f"Now {now.total} of {now.max} = {now.percent}%: {now.rating}.")
    if answer.points_needed is None:
        console.print(f"{answer.target} cannot be reached with the statements scored.")
        return
    if answer.points_needed == 0:
        console.print(f"Already at or above {answer.target}.")
        return
    console.print(f"{answer.target} needs {answer.points_needed} more points; the minimal ways:")
    from rich.table import Table

    names = {qs.id: qs.code for qs in framework.statements}
    table = Table("Option", "Statements moved", "Ways", "For example")
    for option in answer.options:
        example = ", ".join(f"{names[s]} +{n}" for s, n in next(option.sets()).items())
        table.add_row(option.description, str(option.statements_moved), str(option.ways), example)
    console.print(table)


# --- timeline ------------------------------------------------------------------------------


@app.command()
def timeline(
    notified: str | None = typer.Option(None, help="Date CQC notified the assessment."),
    returned: str | None = typer.Option(None, help="Date the information return was sent."),
    site_visit_letter: str | None = typer.Option(None, help="Date of the site-visit letter."),
    site_visit: str | None = typer.Option(None, help="First day of the site visit."),
    draft_report: str | None = typer.Option(None, help="Date the draft report arrived."),
    published: str | None = typer.Option(None, help="Date the report was published."),
    rating: str | None = typer.Option(None, help="Rating published (plans the next assessment)."),
    today: str | None = typer.Option(None, help="Judge statuses as at this date (default today)."),
    output: OutputFormat = FORMAT,
) -> None:
    """Due dates of an assessment, and when the next comprehensive assessment is due.

    Dates as YYYY-MM-DD or DD/MM/YYYY.
    Example: [bold]careassure cqc timeline --notified 2024-09-09[/bold]  or
    [bold]careassure cqc timeline --published 2025-09-17 --rating "Requires improvement"[/bold]
    """
    from careassure.framework.timeline import TimelineError, plan_timeline

    framework = _framework()
    try:
        plan = plan_timeline(
            framework,
            today=_day(today, "--today") or date.today(),
            notified=_day(notified, "--notified"),
            returned=_day(returned, "--returned"),
            second_letter=_day(site_visit_letter, "--site-visit-letter"),
            site_visit=_day(site_visit, "--site-visit"),
            draft_report=_day(draft_report, "--draft-report"),
            published=_day(published, "--published"),
            rating=rating,
        )
    except (TimelineError, LookupError) as exc:
        _fail(str(exc.args[0]))
    if output is OutputFormat.json:
        _print_json(plan.to_json())
        return
    from rich.table import Table

    table = Table("#", "Milestone", "Window", "Actual", "Status")
    for column in table.columns[2:4]:
        column.no_wrap = True
    for number, m in enumerate(plan.milestones, start=1):
        window = " to ".join(_uk(d) for d in (m.earliest, m.due) if d)
        if m.earliest and not m.due:
            window = f"from {window}"
        elif m.due and not m.earliest:
            window = f"by {window}"
        if m.expected:
            window += f"\nexpected {_uk(m.expected)}"
        table.add_row(str(number), m.name, window, _uk(m.actual), m.status(plan.today))
    console = _console()
    console.print(table)
    notes: dict[str, list[int]] = {}
    for number, m in enumerate(plan.milestones, start=1):
        notes.setdefault(m.rule + (f" [dim]({m.source})[/dim]" if m.source else ""), []).append(
            number
        )
    for note, numbers in notes.items():
        label = str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"
        console.print(f"{label}. {note}")
    nxt = plan.next_assessment
    if nxt:
        where = (
            "overdue"
            if nxt.overdue
            else "inside the window now"
            if nxt.inside_window
            else "not yet in the window"
        )
        console.print(
            f"Next comprehensive assessment after {nxt.rating}: due by {_uk(nxt.due)} "
            f"(window from {_uk(nxt.window_opens)}): [bold]{where}[/bold]."
        )


# --- evidence ------------------------------------------------------------------------------


@evidence_app.callback()
def _evidence_group() -> None:
    """The evidence library: documents and links by quality statement and evidence category.

    Example: [bold]careassure cqc evidence completeness[/bold]
    """


@evidence_app.command("add")
def evidence_add(
    title: Annotated[str, typer.Option(help="What the item is.")],
    owner: Annotated[str, typer.Option(help="Who keeps it up to date (a role or team).")],
    statement: Annotated[
        list[str],
        typer.Option(
            "--statement", "-s", help="Quality statement (QS1, id or name); repeat for more."
        ),
    ],
    category: Annotated[str, typer.Option(help="Evidence category, e.g. peoples_experience.")],
    evidence_date: Annotated[str, typer.Option("--date", help="Date of the evidence.")],
    file: Annotated[
        Path | None, typer.Option(help="Document to store (pdf, docx, xlsx, ...).")
    ] = None,
    link: str | None = typer.Option(None, help="Address of the evidence instead of a file."),
    name: str | None = typer.Option(None, help="Name to show for the file (default its name)."),
    characteristic: Annotated[
        list[str] | None,
        typer.Option(
            "--characteristic", "-c", help="Characteristic of Good councils it shows; repeatable."
        ),
    ] = None,
    review_by: str | None = typer.Option(None, help="Date after which the item is stale."),
    actor: str | None = ACTOR,
) -> None:
    """Register an evidence item: a document (stored by its SHA-256) or a link.

    Example: [bold]careassure cqc evidence add --title "Carers survey 2025" --owner
    "Carers lead" -s QS1 -s QS2 --category peoples_experience --date 2025-11-01
    --review-by 2026-11-01 --file carers-survey.pdf -c carers[/bold]
    """
    from careassure.appdb import transaction
    from careassure.evidence_files import EvidenceFileError
    from careassure.framework.evidence import EvidenceError, add_evidence

    framework = _framework()
    day = _day(evidence_date, "--date")
    review = _day(review_by, "--review-by")
    if file is not None and file.is_dir():
        _fail(f"{file} is a folder: give one document (add a folder's files one at a time)")
    if file is not None and not file.is_file():
        _fail(f"{file}: no such file")
    with _database() as engine:
        try:
            with transaction(engine) as session:
                handle = file.open("rb") if file is not None else None
                try:
                    view = add_evidence(
                        session,
                        framework,
                        _actor(actor),
                        title=title,
                        owner=owner,
                        category=category,
                        statements=statement,
                        characteristics=characteristic or (),
                        evidence_date=day,
                        review_by=review,
                        link=link,
                        file=handle,
                        file_name=name or (file.name if file is not None else None),
                        today=date.today(),
                    )
                finally:
                    if handle is not None:
                        handle.close()
        except (EvidenceError, EvidenceFileError) as exc:
            _fail(str(exc))
    typer.echo(f"added evidence item {view.id}: {view.title}")


@evidence_app.command("update")
def evidence_update(
    item_id: int = typer.Argument(..., help="The item's number (see `evidence list`)."),
    title: str | None = typer.Option(None),
    owner: str | None = typer.Option(None),
    statement: Annotated[
        list[str] | None,
        typer.Option("--statement", "-s", help="Replace the quality statements; repeatable."),
    ] = None,
    category: str | None = typer.Option(None),
    characteristic: Annotated[
        list[str] | None,
        typer.Option("--characteristic", "-c", help="Replace the characteristics; repeatable."),
    ] = None,
    evidence_date: str | None = typer.Option(None, "--date"),
    review_by: str | None = typer.Option(None, help="New review-by date (e.g. after a review)."),
    actor: str | None = ACTOR,
) -> None:
    """Change an item's details; only the options given change.

    Example: [bold]careassure cqc evidence update 12 --review-by 2027-03-31[/bold]
    """
    from careassure.appdb import transaction
    from careassure.framework.evidence import EvidenceError, update_evidence

    framework = _framework()
    with _database() as engine:
        try:
            with transaction(engine) as session:
                view = update_evidence(
                    session,
                    framework,
                    _actor(actor),
                    item_id,
                    today=date.today(),
                    title=title,
                    owner=owner,
                    category=category,
                    statements=statement or None,
                    characteristics=characteristic,
                    evidence_date=_day(evidence_date, "--date"),
                    review_by=_day(review_by, "--review-by"),
                )
        except EvidenceError as exc:
            _fail(str(exc))
    typer.echo(f"updated evidence item {view.id}: {view.title}")


@evidence_app.command("remove")
def evidence_remove(
    item_id: int = typer.Argument(..., help="The item's number (see `evidence list`)."),
    actor: str | None = ACTOR,
) -> None:
    """Withdraw an item (the audit trail keeps what it was).

    Example: [bold]careassure cqc evidence remove 12[/bold]
    """
    from careassure.appdb import transaction
    from careassure.framework.evidence import EvidenceError, remove_evidence

    with _database() as engine:
        try:
            with transaction(engine) as session:
                remove_evidence(session, _actor(actor), item_id)
        except EvidenceError as exc:
            _fail(str(exc))
    typer.echo(f"removed evidence item {item_id}")


@evidence_app.command("list")
def evidence_list(
    statement: str | None = typer.Option(None, "--statement", "-s", help="Only this statement."),
    category: str | None = typer.Option(None, help="Only this evidence category."),
    characteristic: str | None = typer.Option(None, "--characteristic", "-c"),
    stale: bool = typer.Option(False, "--stale", help="Only items past their review-by date."),
    output: OutputFormat = FORMAT,
) -> None:
    """List evidence items, flagging stale ones.

    Example: [bold]careassure cqc evidence list --statement QS7 --stale[/bold]
    """
    from careassure.appdb import transaction
    from careassure.framework.evidence import list_evidence

    framework = _framework()
    try:
        statement_id = framework.statement(statement).id if statement else None
        category_id = framework.category(category).id if category else None
        characteristic_id = framework.characteristic(characteristic).id if characteristic else None
    except LookupError as exc:
        _fail(exc.args[0])
    with _database() as engine, transaction(engine) as session:
        items = list_evidence(
            session,
            date.today(),
            statement=statement_id,
            category=category_id,
            characteristic=characteristic_id,
            stale_only=stale,
        )
    if output is OutputFormat.json:
        _print_json([item.to_json() for item in items])
        return
    from rich.table import Table

    codes = {qs.id: qs.code for qs in framework.statements}
    table = Table("#", "Title", "Owner", "Category", "QS", "Date", "Review by", "File or link")
    for column in table.columns[5:7]:
        column.no_wrap = True
    for item in items:
        table.add_row(
            str(item.id),
            item.title,
            item.owner,
            item.category,
            " ".join(codes.get(s, s) for s in item.statements),
            _uk(item.evidence_date),
            _uk(item.review_by) + (" [red]stale[/red]" if item.stale else ""),
            item.file_name or item.link or "",
        )
    _console().print(table)


@evidence_app.command("completeness")
def evidence_completeness(output: OutputFormat = FORMAT) -> None:
    """Current evidence per quality statement and category; gaps and stale items.

    Example: [bold]careassure cqc evidence completeness --format json[/bold]
    """
    from careassure.appdb import transaction
    from careassure.framework.evidence import completeness

    framework = _framework()
    with _database() as engine, transaction(engine) as session:
        view = completeness(session, framework, date.today())
    if output is OutputFormat.json:
        _print_json(view.to_json())
        return
    from rich.table import Table

    table = Table("QS", "Quality statement", *(c.name for c in view.categories))
    for qs in view.statements:
        cells = []
        for c in view.categories:
            cell = view.cells[(qs.id, c.id)]
            text = str(cell.current) + (f" (+{cell.stale} stale)" if cell.stale else "")
            cells.append(f"[red]{text}[/red]" if cell.current == 0 else text)
        table.add_row(qs.code, qs.name, *cells)
    console = _console()
    console.print(table)
    for c in view.categories:
        lacking = view.lacking(c.id)
        if c.required_for_every_statement and lacking:
            codes = ", ".join(framework.statement(s).code for s in lacking)
            console.print(f"No current {c.name} evidence for: {codes}")
    if view.stale_items:
        stale = ", ".join(f"#{i.id} {i.title}" for i in view.stale_items)
        console.print(f"Stale (past review-by): {stale}")


# --- self-assessment and readiness ---------------------------------------------------------


@self_assessment_app.callback(invoke_without_command=True)
def self_assessment(
    ctx: typer.Context,
    output: OutputFormat = FORMAT,
    store: Path | None = STORE,
    as_of: str | None = AS_OF,
) -> None:
    """The self-assessment with evidence, live measures, estimated rating and priorities.

    Example: [bold]careassure cqc self-assessment --format json[/bold]
    """
    if ctx.invoked_subcommand is not None:
        return
    from careassure.appdb import transaction
    from careassure.framework.selfassessment import build_self_assessment

    framework = _framework()
    live = _live(sorted({m for qs in framework.statements for m in qs.measures}), store, as_of)
    with _database() as engine, transaction(engine) as session:
        assessment = build_self_assessment(session, framework, date.today(), live)
    if output is OutputFormat.json:
        _print_json(assessment.to_json(framework))
        return
    from rich.table import Table

    table = Table("QS", "Quality statement", "Score", "Evidence", "Missing", "Measures")
    for s in assessment.statements:
        judged = [m for m in s.measures if m.status]
        met = sum(m.status == "met" for m in judged)
        table.add_row(
            s.statement.code,
            s.statement.name,
            f"{s.score} ({s.score_source})" if s.score is not None else "-",
            f"{len(s.evidence)}" + (f" ({s.stale_evidence} stale)" if s.stale_evidence else ""),
            ", ".join(s.missing_categories),
            f"{met}/{len(judged)} met" if judged else f"{len(s.measures)} linked",
        )
    console = _console()
    console.print(table)
    console.print(f"Measures: {live.note}")
    estimate = assessment.estimate
    if estimate is None:
        console.print("No statement is scored yet: `careassure cqc self-assessment set`.")
        return
    console.print(
        f"Estimated from {estimate.statements_scored} of {len(framework.statements)} statements: "
        f"{estimate.total} of {estimate.max} = {estimate.percent}%: [bold]{estimate.rating}[/bold]"
    )
    for rank, p in enumerate(assessment.priorities[:3], start=1):
        console.print(f"{rank}. {p.statement.code} {p.statement.name}: {'; '.join(p.reasons)}")
    if assessment.what_if and assessment.what_if.options:
        option = assessment.what_if.options[0]
        console.print(f"To reach {assessment.what_if.target}: {option.description}.")


@self_assessment_app.command("set")
def self_assessment_set(
    statement: str = typer.Argument(..., help="Quality statement (QS1, id or name)."),
    own_score: int | None = typer.Option(None, "--score", help="The council's own score, 1-4."),
    clear_score: bool = typer.Option(False, "--clear-score", help="Remove the own score."),
    category: Annotated[
        list[str] | None,
        typer.Option("--category", help="A category-level score, CATEGORY=SCORE; repeatable."),
    ] = None,
    clear_categories: bool = typer.Option(False, "--clear-categories"),
    strength: Annotated[
        list[str] | None,
        typer.Option("--strength", help="A strength (replaces the list); repeatable."),
    ] = None,
    development: Annotated[
        list[str] | None,
        typer.Option(
            "--development", help="An area for development (replaces the list); repeatable."
        ),
    ] = None,
    actor: str | None = ACTOR,
) -> None:
    """Record the council's view of one quality statement.

    Example: [bold]careassure cqc self-assessment set QS1 --score 2 --strength "Strengths-based
    practice embedded" --development "Median Care Act assessment wait above 90 days"[/bold]
    """
    from careassure.appdb import transaction
    from careassure.framework.selfassessment import SelfAssessmentError, set_statement

    categories: dict[str, int] = {}
    for entry in category or []:
        name, _, value = entry.rpartition("=")
        if not name or not value.strip().isdigit():
            _fail(f"--category {entry!r}: write CATEGORY=SCORE, e.g. peoples_experience=2")
        categories[name.strip()] = int(value)
    given = (own_score, category, strength, development)
    if not clear_score and not clear_categories and all(v is None for v in given):
        _fail("nothing to set: give --score, --category, --strength or --development")
    if clear_score and own_score is not None:
        _fail("give --score or --clear-score, not both")
    if clear_categories and categories:
        _fail("give --category or --clear-categories, not both")
    framework = _framework()
    with _database() as engine:
        try:
            with transaction(engine) as session:
                set_statement(
                    session,
                    framework,
                    _actor(actor),
                    statement,
                    own_score=None if clear_score else own_score if own_score is not None else ...,
                    category_scores=None if clear_categories else categories or ...,
                    strengths=strength,
                    areas_for_development=development,
                )
        except SelfAssessmentError as exc:
            _fail(str(exc))
    typer.echo(f"self-assessment updated: {framework.statement(statement).name}")


@app.command()
def readiness(
    output: OutputFormat = FORMAT,
    store: Path | None = STORE,
    as_of: str | None = AS_OF,
) -> None:
    """Readiness against the 11 characteristics of Good and Outstanding councils.

    Example: [bold]careassure cqc readiness --format json[/bold]
    """
    from careassure.appdb import transaction
    from careassure.framework.evidence import list_evidence
    from careassure.framework.readiness import assess_readiness

    framework = _framework()
    live = _live(sorted({m for c in framework.characteristics for m in c.measures}), store, as_of)
    with _database() as engine, transaction(engine) as session:
        evidence = list_evidence(session, date.today())
    results = assess_readiness(framework, evidence, live)
    if output is OutputFormat.json:
        _print_json(
            {
                "as_of": live.as_of.isoformat(),
                "measures_note": live.note,
                "characteristics": [r.to_json() for r in results],
            }
        )
        return
    from rich.table import Table

    colours = {"ready": "green", "partly": "yellow", "not ready": "red"}
    table = Table("", "Characteristic", "Status", "Why")
    for r in results:
        colour = colours[r.status]
        table.add_row(
            r.characteristic.letter,
            r.characteristic.name,
            f"[{colour}]{r.status}[/{colour}]",
            r.reason,
        )
    console = _console()
    console.print(table)
    console.print(f"Measures: {live.note}")

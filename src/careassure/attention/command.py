"""``careassure digest``: what needs attention, sent by e-mail (or printed with ``--dry-run``).

Meant for a scheduler (cron, a systemd timer) once a week or each morning. The plan is judged on
the store's latest data in its published form (the mail leaves the application); evidence and
due dates are judged at today's date. Expected problems print one line and exit with status 2.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from careassure.cliargs import app_database, fail

STORE = typer.Option(
    None, "--store", help="The store to judge the plan's measures on (default: $CAREASSURE_STORE)."
)
DRY_RUN = typer.Option(False, "--dry-run", help="Print the message instead of sending it.")


def digest(store: Path | None = STORE, dry_run: bool = DRY_RUN) -> None:
    """Send the "needs attention" digest (outcomes slipping, actions past due, evidence going
    stale) to the addresses in $CAREASSURE_DIGEST_TO through $CAREASSURE_SMTP_HOST.

    Example: [bold]careassure digest --dry-run[/bold]
    """
    from careassure.appdb import transaction
    from careassure.attention.digest import DigestError, DigestSettings, body_text, compose, send
    from careassure.attention.providers import needs_attention, values_due
    from careassure.framework.evidence import list_evidence
    from careassure.measures.reported import due_values, reported_measures
    from careassure.plan.live import plan_status
    from careassure.plan.model import PlanError
    from careassure.plan.service import load_plan, plan_keys
    from careassure.records.store import data_end
    from careassure.reported.service import current_values

    try:
        settings = DigestSettings.from_env()
    except DigestError as exc:
        fail(str(exc))
    if settings is None and not dry_run:
        fail("no e-mail server is set: set CAREASSURE_SMTP_HOST (docs/settings.md), or use "
             "--dry-run to print the digest")
    today = date.today()
    with app_database() as engine, transaction(engine) as session:
        plan = None
        if plan_keys(session):
            try:
                plan = load_plan(session)
            except PlanError as exc:
                fail(str(exc))
        evidence = list_evidence(session, today)
        reported = current_values(session)
    declared = reported_measures()
    due = values_due(declared, due_values(declared, reported, today))
    try:
        as_of = data_end(store) or today
        status = (plan_status(plan, as_of, store=store, publish=True, reported=reported)
                  if plan else None)
    except (OSError, ValueError) as exc:
        fail(f"cannot compute the plan's measures: {exc}")
    items = needs_attention(status, evidence, today, due)
    council = plan.council if plan else "the council"
    if settings is None:
        typer.echo(body_text(items, council, today), nl=False)
        return
    message = compose(items, settings, council, today)
    if dry_run:
        typer.echo(message.as_string(), nl=False)
        return
    try:
        send(message, settings)
    except DigestError as exc:
        fail(str(exc))
    typer.echo(f"Sent {len(items)} item{'s' if len(items) != 1 else ''} to "
               f"{', '.join(settings.recipients)}.")

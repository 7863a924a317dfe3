"""``careassure report``: the committee update, the DHSC quarterly return and the
self-assessment, written from the stores. Heavy imports happen inside each command so that
``careassure --help`` stays instant."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from careassure.cliargs import fail as _fail
from careassure.cliargs import parse_day as _day

app = typer.Typer(no_args_is_help=True)

OUT = typer.Option(..., "--out", "-o", help="File to write; its ending (.docx, .pdf, .html) "
                   "chooses the format. A .trace.json side file lists every figure.")
STORE = typer.Option(None, "--store", help="Analytical store (default $CAREASSURE_STORE).")
QUARTER = typer.Option(..., "--quarter", help="Calendar quarter, e.g. 2026Q1 (January to March "
                       "2026).")
DATA_OUT = typer.Option(..., "--out", "-o", help="File to write: .docx, .pdf or .html for people, "
                        ".json or .csv for machines. A .trace.json side file lists every figure.")
INTERNAL = typer.Option(False, "--internal", help="Show counts of 1 to 4 (not for publication; "
                        "by default small numbers are suppressed as *).")


@app.callback()
def _group() -> None:
    """Write the committee update, the DHSC return or the self-assessment (Word, PDF, HTML).

    Example: [bold]careassure report committee --as-of 2026-03-31 --out update.docx[/bold]
    """




def _run(kind: str, out: Path, store: Path | None, *, as_of: date | None = None,
         quarter: str | None = None, internal: bool = False, meeting: str | None = None,
         meeting_date: date | None = None) -> None:
    import json

    from sqlalchemy.exc import SQLAlchemyError

    from careassure.appdb import DatabaseNotReady, error_reason
    from careassure.framework.model import FrameworkConfigError
    from careassure.plan.model import PlanError
    from careassure.reports.dhsc import DATA_FORMATS, QuarterError, write_return_data
    from careassure.reports.generate import ReportError, Request, build, opened
    from careassure.reports.output import (
        DOCUMENT_FORMATS,
        ReportOutputError,
        check_writable,
        format_of,
        write_report,
    )
    from careassure.reports.settings import ReportSettingsError

    allowed = DOCUMENT_FORMATS + (DATA_FORMATS if kind == "dhsc" else ())
    try:
        check_writable(out)
        fmt = format_of(out, allowed)
        with opened(store, None) as (opened_store, engine):
            document = build(Request(kind, as_of, quarter, not internal, meeting, meeting_date),
                             opened_store, engine)
        if fmt in DOCUMENT_FORMATS:
            trace = write_report(document, out, fmt)
        else:
            trace = write_return_data(document, out, fmt)
    except (ReportError, ReportOutputError, ReportSettingsError, FrameworkConfigError,
            PlanError, QuarterError, DatabaseNotReady, FileNotFoundError) as exc:
        _fail(str(exc))
    except SQLAlchemyError as exc:
        reason = error_reason(exc)
        _fail(f"cannot read the application database: {reason}")
    counts = json.loads(trace.read_text())["figures"]
    typer.echo(f"wrote {out} ({len(counts)} figures traced in {trace.name})")


@app.command("self-assessment")
def self_assessment(
    out: Path = OUT,
    store: Path | None = STORE,
    as_of: str | None = typer.Option(None, "--as-of", help="Date of the live measures "
                                     "(default: the store's extract date)."),
    internal: bool = INTERNAL,
) -> None:
    """The self-assessment: per quality statement the council's score, strengths, areas for
    development, evidence and live measures, with the estimated rating.

    Example: [bold]careassure report self-assessment --out self-assessment.pdf[/bold]
    """
    _run("self-assessment", out, store, as_of=_day(as_of, "--as-of"), internal=internal)


@app.command("preparation")
def preparation(
    out: Path = OUT,
    store: Path | None = STORE,
    as_of: str | None = typer.Option(None, "--as-of", help="Date of the document "
                                     "(default: the store's extract date)."),
    internal: bool = INTERNAL,
) -> None:
    """Preparation for the next CQC assessment: the assessment window, what could prompt a
    focused assessment, assurance meetings, rating characteristics and readiness.

    Example: [bold]careassure report preparation --out preparation.docx[/bold]
    """
    _run("preparation", out, store, as_of=_day(as_of, "--as-of"), internal=internal)


@app.command("committee")
def committee(
    out: Path = OUT,
    as_of: str | None = typer.Option(None, "--as-of", help="Date the update reports at "
                                     "(default: the store's extract date)."),
    store: Path | None = STORE,
    internal: bool = INTERNAL,
    meeting: str | None = typer.Option(None, "--meeting", help="The meeting the paper goes to "
                                       "(default: the committee in reports.yaml)."),
    meeting_date: str | None = typer.Option(None, "--meeting-date", help="The meeting's date, "
                                            "printed in the paper's heading."),
) -> None:
    """The committee paper "Improvement Plan Delivery Update": every standing section of a
    committee report (purpose, previous decisions, background, the CQC approach, a section per
    improvement area, looking ahead, risks, implications, background papers, officers to
    contact) and the appendix table with RAG.

    Example: [bold]careassure report committee --as-of 2026-03-31 --meeting-date 2026-06-01
    --out update.docx[/bold]
    """
    if meeting is not None and not meeting.strip():
        _fail("--meeting is empty: name the meeting, or leave the option out")
    _run("committee", out, store, as_of=_day(as_of, "--as-of"), internal=internal,
         meeting=meeting.strip() if meeting else None,
         meeting_date=_day(meeting_date, "--meeting-date"))


@app.command("dhsc")
def dhsc(
    quarter: str = QUARTER,
    out: Path = DATA_OUT,
    store: Path | None = STORE,
    internal: bool = INTERNAL,
) -> None:
    """The DHSC quarterly progress return: each area's RAG, measured outcomes against target
    with baseline and change since last quarter, milestones met and missed, risks and support.

    Example: [bold]careassure report dhsc --quarter 2026Q1 --out return.json[/bold]
    """
    _run("dhsc", out, store, quarter=quarter, internal=internal)

"""``careassure demo``: the main job on a fresh machine, end to end on a synthetic county.

It exercises the real path a council's data takes (generate an extract in the record format,
validate and pseudonymise it on ingest, compute the catalogue's measures from the store) rather
than a shortcut, so the demo shows what a council will see and breaks when the product does.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

import typer

# The figures a director asks for first: the seeds' progress narratives quote these.
HEADLINE_MEASURES = (
    "care_act_assessment.waiting",
    "care_act_assessment.median_wait",
    "care_act_assessment.max_wait",
    "care_act_assessment.pct_allocated_within_56",
    "carer_assessment.waiting",
    "financial_assessment.waiting",
    "ot_assessment.waiting",
    "review.overdue",
    "review.pct_reviewed_within_12_months",
    "safeguarding_concern.pct_decided_within_5_working_days",
    "s42_enquiry.pct_closed_within_3_months",
    "contacts.pct_answered",
    "direct_payments.pct",
)
# The seeds' baseline for the waiting-list story: the peak at the end of December 2024.
STORY_BASELINE = date(2024, 12, 1)


def demo(
    db: Path | None = typer.Option(
        None, "--db", help="Store to use (default: CAREASSURE_HOME/store.duckdb)."
    ),
    scale: float = typer.Option(1.0, "--scale", help="Size of the synthetic county."),
    seed: int = typer.Option(2026, "--seed", help="Random seed for the synthetic county."),
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Regenerate and reload the county even if the store has data."
    ),
) -> None:
    """Load the synthetic county into the embedded store (if absent) and show headline figures.

    Example: [bold]careassure demo[/bold]   (or [bold]make demo[/bold] on a fresh machine)
    """
    from rich.console import Console

    from careassure.records.store import open_store, store_path

    console = Console()
    path = store_path(db)
    needs_load = rebuild or not path.exists()
    if not needs_load:
        with open_store(path) as store:
            needs_load = store.is_empty()
    if needs_load:
        _load_synthetic_county(console, path, scale, seed)
    with open_store(path) as store:
        _print_headlines(console, store)
    console.print(f"\nStore: {path}")


def _load_synthetic_county(console, path: Path, scale: float, seed: int) -> None:
    from careassure.records.load import ingest
    from careassure.synth import generate_county, write_county

    started = time.perf_counter()
    with console.status(f"Generating the synthetic county (scale {scale:g}, seed {seed})..."):
        county = generate_county(scale, seed)
    with tempfile.TemporaryDirectory(prefix="careassure-demo-") as folder:
        with console.status("Writing the extract in the record format..."):
            write_county(county, Path(folder), "csv")
        with console.status("Validating, pseudonymising and loading the extract..."):
            result = ingest(Path(folder), store=path, extract="local", loaded_by="demo")
    if not result.ok:
        console.print(f"[red]The synthetic extract was rejected ({len(result.errors)} errors); "
                      f"see {result.error_report}[/red]")
        raise typer.Exit(1)
    rows = sum(result.row_counts.values())
    console.print(f"Loaded {rows:,} rows into {path} in {time.perf_counter() - started:.0f} s.")


def _print_headlines(console, store) -> None:
    from rich.table import Table

    from careassure.measures import CATALOGUE, compute, series
    from careassure.measures.format import format_value
    from careassure.measures.narrative import facts

    as_of = store.extract_date()
    values = compute(store, as_of, measures=list(HEADLINE_MEASURES))
    table = Table(title=f"Shireham County (synthetic): headline figures at {as_of:%d/%m/%Y}")
    for heading in ("Measure", "Value", "Target", "Status"):
        table.add_column(heading, justify="left" if heading == "Measure" else "right")
    for value in values:
        definition = CATALOGUE[value.measure]
        target = definition.target.describe() if definition.target else ""
        table.add_row(definition.title, format_value(value), target, value.status or "")
    console.print(table)

    story = series(store, STORY_BASELINE, as_of, "month",
                   measures=["care_act_assessment.waiting", "care_act_assessment.median_wait"])
    for measure in ("care_act_assessment.waiting", "care_act_assessment.median_wait"):
        points = [v for v in story if v.measure == measure]
        console.print(f"- {CATALOGUE[measure].title}: {facts(measure, points).sentence()}")

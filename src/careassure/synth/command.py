"""``careassure synth``: write the synthetic county Shireham in the record format."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from careassure.cliargs import fail as _fail

FORMAT_CHOICES = ("csv", "parquet", "xlsx", "cld")
CLD_FILE = "cld.csv"
POPULATION_FILE = "population.csv"


def synth(
    out: Annotated[Path, typer.Option(
        "--out", help="Folder to write the tables into (created).")],
    scale: Annotated[float, typer.Option(
        "--scale", help="Volume multiplier: 1 = ~560,000 adults; 10 = ~10 million rows.")] = 1.0,
    seed: Annotated[int, typer.Option(
        "--seed", help="Random seed; same seed, same county.")] = 2026,
    fmt: Annotated[str, typer.Option(
        "--format", help="csv (a file per table), parquet, xlsx (one workbook), or cld (the "
                         "county's national Client Level Data extract, cld.csv, Release 2, with "
                         "its population.csv for the ASCOF rates).")
        ] = "csv",
) -> None:
    """Generate the synthetic county "Shireham" (all six record tables) for demos and tests.

    Calibrated at scale 1 to the seed papers' story (waits peaking in December 2024).

    Example: [bold]careassure synth --out county/ --scale 0.1 --format parquet[/bold]

    Example: [bold]careassure synth --out cld/ --scale 0.1 --format cld && careassure ingest
    --format cld cld/cld.csv --population cld/population.csv[/bold]
    """
    if fmt not in FORMAT_CHOICES:
        _fail(f"unknown --format {fmt!r}: choose one of {', '.join(FORMAT_CHOICES)}")
    if not scale > 0:
        _fail(f"--scale must be a positive number, not {scale}")
    if out.exists() and not out.is_dir():
        _fail(f"--out {out} is a file, not a folder")

    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from careassure.records.schema import LOAD_ORDER
    from careassure.synth.county import STEPS, generate_county
    from careassure.synth.output import write_county

    console = Console(stderr=True)
    started = time.perf_counter()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("generating", total=len(STEPS) + 1)

        def on_step(name: str) -> None:
            progress.update(task, description=f"generating: {name}", advance=1)

        county = generate_county(scale, seed, on_step=on_step)
        progress.update(task, description=f"writing {fmt}", advance=1)
        try:
            if fmt == "cld":
                from careassure.synth.cld import to_cld, write_cld

                paths = [write_cld(to_cld(county), out / CLD_FILE)]
                # CLD carries no population: the county's goes beside it for the ASCOF rates.
                population = out / POPULATION_FILE
                county["population"].to_csv(population, index=False)
                paths.append(population)
            else:
                paths = write_county(county, out, fmt)
        except ValueError as exc:
            progress.stop()
            _fail(str(exc))
        except OSError as exc:
            progress.stop()
            _fail(f"cannot write to {exc.filename or out}: {exc.strerror or exc}")
        progress.update(task, completed=len(STEPS) + 1)
    elapsed = time.perf_counter() - started

    summary = Table(title=f"Shireham County, scale {scale:g}, seed {seed}")
    summary.add_column("table")
    summary.add_column("rows", justify="right")
    for name in LOAD_ORDER:
        summary.add_row(name, f"{len(county[name]):,}")
    summary.add_row("[bold]total[/bold]", f"[bold]{sum(len(f) for f in county.values()):,}[/bold]")
    Console().print(summary)
    Console().print(f"{len(paths)} {fmt} file(s) written to {out} in {elapsed:.1f} s")



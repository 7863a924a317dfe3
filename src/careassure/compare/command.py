"""``careassure compare``: import published national figures and show the council beside them.

Heavy imports (SQLAlchemy) happen inside each command so that ``careassure --help`` stays
instant. Expected problems print one line and exit with status 2; a file with problems lists
every one of them (file, row, column, reason) and imports nothing.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from careassure.cliargs import app_database as _database
from careassure.cliargs import fail as _fail

app = typer.Typer(no_args_is_help=True)
ACTOR = typer.Option(None, "--actor", help="Who makes the change (default: your login name).")
CODE = typer.Argument(..., help="The council's ONS code, e.g. E10000018.")
FIGURES = typer.Argument(None, help="Published figures: Oflog or long layout (.csv or .csv.gz).")
NEIGHBOURS = typer.Option(
    None, "--neighbours", help="Nearest-neighbours file (JSON: code -> similar councils)."
)
GROUP_NAME = typer.Argument(..., help="The group's name, e.g. 'CIPFA family'.")
MEMBERS = typer.Argument(..., help="Its councils' ONS codes.")
COUNCIL = typer.Option(None, "--council", help="ONS code (default: the configured council's).")


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


SHOW_FORMAT = typer.Option(ShowFormat.table, "--format", "-f", help="table or json.")


@app.callback()
def _group() -> None:
    """Published national figures (ASCOF, Oflog, CLD statistics) beside the council's own.

    Example: [bold]careassure compare council E10000018 && careassure compare import
    oflog.csv --neighbours nn.json && careassure compare show[/bold]
    """


def _actor(actor: str | None) -> str:
    from careassure.appdb import default_actor

    return actor or default_actor()


def _valid_code(code: str) -> str:
    from careassure.compare.model import COUNCIL_CODE

    if not COUNCIL_CODE.match(code):
        _fail(f"{code!r} is not a council's ONS code (E06, E07, E08, E09 or E10 and six digits)")
    return code


@app.command("council")
def council(code: str = CODE) -> None:
    """Set the council's own ONS code: the row of the national files that is "us".

    Example: [bold]careassure compare council E10000018[/bold]
    """
    from careassure.config import set_council_code

    path = set_council_code(_valid_code(code.strip()))
    typer.echo(f"council code {code.strip()} kept in {path}")


@app.command("import")
def import_(
    figures: Path | None = FIGURES,
    neighbours: Path | None = NEIGHBOURS,
    actor: str | None = ACTOR,
) -> None:
    """Import published figures (replacing the measure-years the file holds) and/or nearest
    neighbours, in one transaction: a file with any problem imports nothing.

    Example: [bold]careassure compare import oflog.csv --neighbours nn.json[/bold]
    """
    from careassure.appdb import transaction
    from careassure.compare.model import NationalFileError
    from careassure.compare.store import import_figures, import_neighbours

    if figures is None and neighbours is None:
        _fail("give a file of figures, --neighbours FILE, or both")
    with _database() as engine:
        try:
            with transaction(engine) as session:
                result = import_figures(session, figures, _actor(actor)) if figures else None
                groups = import_neighbours(session, neighbours, _actor(actor)) if neighbours \
                    else None
        except NationalFileError as exc:
            _fail(f"nothing imported: {exc}")
    if result is not None:
        typer.echo(
            f"imported {result.figures} figures ({result.layout} layout): "
            f"{len(result.measures)} measures, {', '.join(result.periods)}; "
            f"{result.replaced} earlier figures replaced"
        )
    if groups is not None:
        typer.echo(f"imported the nearest neighbours of {groups} councils")


@app.command("group")
def group(
    name: str = GROUP_NAME,
    members: list[str] = MEMBERS,
    actor: str | None = ACTOR,
) -> None:
    """Define (or replace) a comparator group of the council's own choosing.

    Example: [bold]careassure compare group "East Midlands counties" E10000007 E10000018[/bold]
    """
    from careassure.appdb import transaction
    from careassure.compare.model import NationalFileError
    from careassure.compare.store import define_group

    with _database() as engine:
        try:
            with transaction(engine) as session:
                define_group(session, name, members, _actor(actor))
        except NationalFileError as exc:
            _fail(str(exc))
    typer.echo(f"group {name.strip()!r}: {len(members)} councils")


@app.command("show")
def show(
    council_code: str | None = COUNCIL,
    output: ShowFormat = SHOW_FORMAT,
) -> None:
    """The council beside England, its region and its neighbours, latest period of each measure.

    Example: [bold]careassure compare show --council E06000016[/bold]
    """
    from careassure.appdb import transaction
    from careassure.compare.store import council_comparisons
    from careassure.compare.wording import COLUMNS, table_rows
    from careassure.config import council_code as configured

    code = council_code or configured()
    if code is None:
        _fail("no council code: run `careassure compare council CODE` or give --council")
    _valid_code(code)
    with _database() as engine, transaction(engine) as session:
        comparisons = council_comparisons(session, code)
    if not comparisons:
        _fail(f"no imported national figures for {code}: run `careassure compare import`")
    rows = table_rows(comparisons)
    if output == ShowFormat.json:
        typer.echo(json.dumps(
            {"council": code, "name": comparisons[0].council_name,
             "measures": [dict(zip(COLUMNS, r, strict=True)) | {"code": c.code}
                          for r, c in zip(rows, comparisons, strict=True)]},
            indent=2, ensure_ascii=False))
        return
    typer.echo(f"{comparisons[0].council_name} ({code})")
    typer.echo("\t".join(COLUMNS))
    for row in rows:
        typer.echo("\t".join(row))

"""``careassure activity`` on a tiny store file holding the activity spec tests' county: the
tables for people, as CSV and as an XLSX workbook, suppressed with --publish, and its mistakes
as one-line errors."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from measure_spec import insert_rows
from test_spec_activity import county
from typer.testing import CliRunner

from careassure.cli import app
from careassure.records.store import open_store

runner = CliRunner()


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("activity") / "store.duckdb"
    with open_store(path, read_only=False) as store:
        insert_rows(store.connection, county())
    return path


def run(*args: str):
    return runner.invoke(app, list(args))


def test_csv_of_one_table_exact_and_published(store_file: Path) -> None:
    # Reviews in 2024/25: one planned (65+), one of unknown reason (18-64).
    args = ["activity", "--db", str(store_file), "--as-of", "2025-03-31", "-t", "reviews",
            "-f", "csv"]
    exact = run(*args)
    assert exact.exit_code == 0, exact.output
    assert exact.output.splitlines() == [
        "\"Reviews of service users, by reason\",01/04/2024 to 31/03/2025",
        "Reviews,Aged 18-64,Aged 65 and over,Age not known,Total",
        "Planned,0,1,0,1", "Unplanned: Other reason,0,0,0,0", "Reason not known,1,0,0,1",
        "Total,1,1,0,2", ""]
    published = run(*args, "--publish").output.splitlines()
    assert published[2:6] == ["Planned,0,*,0,*", "Unplanned: Other reason,0,0,0,0",
                              "Reason not known,*,0,0,*", "Total,*,*,0,*"]


def test_tables_for_people_and_a_workbook(store_file: Path, tmp_path: Path) -> None:
    book = tmp_path / "activity.xlsx"
    result = run("activity", "--db", str(store_file), "--as-of", "2025-03-31", "--xlsx",
                 str(book))
    assert result.exit_code == 0, result.output
    assert "Carers supported during the year, by support" in result.output
    sheets = openpyxl.load_workbook(book)
    assert sheets.sheetnames[:2] == ["requests", "short_term"]
    carers = [[c.value for c in row] for row in sheets["carers"].iter_rows()]
    assert carers[0][0] == "Carers supported during the year, by support"
    assert carers[3] == ["Direct to the carer: direct payment", 0, 1, 0, 1]


@pytest.mark.parametrize(("args", "message"), [
    (["-t", "waiting"], "--table waiting is not an activity table"),
    (["--as-of", "2025-02-31"], "--as-of"),
])
def test_mistakes_are_one_line_errors(store_file: Path, args: list[str], message: str) -> None:
    result = run("activity", "--db", str(store_file), *args)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1

"""One spoilt extract per rule: each must give exactly the error expected, located and explained."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from records_samples import csv_text, tables, with_cell, write_folder

from careassure.records.load import ingest
from careassure.records.rules import RULES, ValidationError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "records.md"
NOT_A_CODE = ("is not a code: use letters, digits, _ or - only (no spaces or free text), at most "
              "64 characters")
NOT_A_MONTH = "is not a month: write YYYY-MM (e.g. 1948-07)"


def errors_of(folder: Path, tmp_path: Path) -> list[ValidationError]:
    result = ingest(folder, store=tmp_path / "store.duckdb")
    assert not result.ok
    assert not (tmp_path / "store.duckdb").exists(), "a rejected load must not create a store"
    assert result.error_count == len(result.errors)
    return result.errors


CELL_CASES = [
    # table, data row, column, new value, rule, reason
    ("people", 0, "client_type", "", "required", "is empty: a value is required"),
    ("episodes", 0, "outcome", "=1+1", "formula",
     "is a spreadsheet formula: careassure does not evaluate formulas, paste the values instead"),
    ("services", 0, "weekly_cost", "#N/A", "spreadsheet_error",
     "is a spreadsheet error, not a value"),
    ("episodes", 0, "received_date", "2024/04/02", "date",
     "is not a date: write YYYY-MM-DD or DD/MM/YYYY"),
    ("episodes", 0, "received_date", "2024-04-2x", "date",
     "is not a date: write YYYY-MM-DD or DD/MM/YYYY"),
    ("episodes", 0, "received_date", "2024-02-30", "date", "is not a real calendar date"),
    ("episodes", 0, "received_date", "31/04/2024", "date",
     "is not a real calendar date (UK dates are read day first, DD/MM/YYYY)"),
    ("episodes", 0, "received_date", "04/13/2024", "date",
     "is not a real calendar date (UK dates are read day first, DD/MM/YYYY)"),
    ("episodes", 3, "received_date", "12/06/0224", "date",
     "has a year outside 1850-2099: a typing slip?"),
    ("people", 1, "birth_month", "Feb 1960", "month", NOT_A_MONTH),
    ("people", 1, "birth_month", "1960-13", "month", NOT_A_MONTH),
    ("contacts", 1, "received_at", "2024-04-01 9:20", "datetime",
     "is not a date and time: write YYYY-MM-DDTHH:MM:SS"),
    ("contacts", 1, "received_at", "2024-04-01T25:20:10", "datetime",
     "is not a real date and time"),
    ("contacts", 0, "answered", "yes", "bool", "is not true or false"),
    ("contacts", 0, "queue_seconds", "12.5", "integer", "is not a whole number"),
    ("contacts", 0, "queue_seconds", "1e3", "integer", "is not a whole number"),
    ("services", 1, "weekly_cost", "nine hundred", "decimal",
     "is not a number: write pounds and pence, e.g. 412.50"),
    ("services", 1, "weekly_cost", "12345678901", "decimal",
     "is too large: at most 10 digits before the point"),
    ("people", 0, "gender", "femal", "allowed_value",
     "is not one of: female, male, other, unknown"),
    ("teams", 1, "team_type", "money", "allowed_value",
     "is not one of: locality, specialist, hospital, review, carers, ot, finance, safeguarding, "
     "other"),
    ("episodes", 0, "outcome", "not eligible", "code", NOT_A_CODE),
    ("contacts", 0, "category", "Mrs Smith called about her husband", "code", NOT_A_CODE),
    ("people", 2, "locality", "K" * 81, "max_length", "is longer than 80 characters"),
    ("episodes", 1, "episode_id", "E001", "unique", "appears more than once: first on row 2"),
    ("episodes", 0, "person_id", "P999", "reference", "is not a person_id in people.csv"),
    ("services", 1, "person_id", "p002", "reference", "is not a person_id in people.csv"),
    ("episodes", 3, "team", "South Team", "reference", "is not a team in teams.csv"),
    ("episodes", 1, "subtype", "residential", "subtype",
     "is not a subtype of review: use planned or unplanned"),
    ("episodes", 0, "subtype", "planned", "subtype",
     "must be empty: kind care_act_assessment takes no subtype"),
    ("episodes", 0, "allocated_date", "2024-03-01", "before_received",
     "is before received_date 2024-04-02"),
    ("episodes", 2, "closed_date", "06/05/2024", "before_received",
     "is before received_date 2024-05-07"),
    ("episodes", 0, "closed_date", "2024-05-02", "completed_and_closed",
     "the episode also has a completed_date (2024-05-01): it is either completed or closed, "
     "not both"),
    ("episodes", 0, "completed_date", "2024-04-05", "completed_before_allocated",
     "is before allocated_date 2024-04-10"),
    ("services", 1, "end_date", "2024-03-01", "service_end",
     "is not after start_date 2024-03-01: end_date is the first day without the service"),
    ("services", 0, "weekly_cost", "-1", "negative", "is negative"),
    ("contacts", 1, "queue_seconds", "-3", "negative", "is negative"),
    ("population", 2, "count", "-9000", "negative", "is negative"),
]


@pytest.mark.parametrize(("table", "row", "column", "value", "rule", "reason"), CELL_CASES,
                         ids=[f"{c[4]}-{c[3][:12]}" for c in CELL_CASES])
def test_cell_rule(tmp_path: Path, table: str, row: int, column: str, value: str, rule: str,
                   reason: str) -> None:
    folder = with_cell(tmp_path / "extract", table, row, column, value)
    expected = ValidationError(f"{table}.csv", table, row + 2, column, value or None, rule,
                               reason)
    assert errors_of(folder, tmp_path) == [expected]


def test_population_repeat_counts_case_insensitively(tmp_path: Path) -> None:
    folder = with_cell(tmp_path / "extract", "population", 1, "age_band", "18-64")
    data = tables()
    data["population"][1][1][1] = "White"  # the repeat differs only in case
    data["population"][1][1][2] = "18-64"
    write_folder(folder, data)
    assert errors_of(folder, tmp_path) == [ValidationError(
        "population.csv", "population", 3, "locality", "Elmsford", "population_duplicate",
        "repeats the locality, ethnicity, age_band and la_code of row 2")]


def test_every_error_in_an_extract_is_reported_in_file_and_row_order(tmp_path: Path) -> None:
    data = tables()
    data["people"][1][0][2] = "F"
    data["episodes"][1][3][5] = "yesterday"
    data["episodes"][1][1][2] = "assessment"
    result = ingest(write_folder(tmp_path / "extract", data), store=tmp_path / "s.duckdb")
    assert [(e.file, e.row, e.column, e.rule) for e in result.errors] == [
        ("people.csv", 2, "gender", "allowed_value"),
        ("episodes.csv", 3, "kind", "allowed_value"),
        ("episodes.csv", 5, "received_date", "date"),
    ]
    assert result.error_counts == {"allowed_value": 2, "date": 1}


# --- files and headers ---------------------------------------------------------------------------


def test_table_missing(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    (folder / "services.csv").unlink()
    assert errors_of(folder, tmp_path) == [ValidationError(
        "services.csv", "services", None, None, None, "table_missing",
        "table services is missing: expected services.csv or services.parquet")]


def test_table_given_twice(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    pq.write_table(pa.table({"team": ["x"], "team_type": ["other"]}), folder / "teams.parquet")
    assert errors_of(folder, tmp_path) == [ValidationError(
        "teams.csv", "teams", None, None, None, "table_duplicated",
        "table teams is given 2 times (teams.csv, teams.parquet): keep one")]


def test_file_not_utf8(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    (folder / "teams.csv").write_bytes("team,team_type\nCare £ Team,other\n".encode("cp1252"))
    assert errors_of(folder, tmp_path) == [ValidationError(
        "teams.csv", "teams", 2, None, None, "unreadable_row",
        "is not UTF-8 text: in Excel use Save As > CSV UTF-8")]


def test_header_not_utf8(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    (folder / "teams.csv").write_bytes("team £,team_type\n".encode("cp1252"))
    assert errors_of(folder, tmp_path) == [ValidationError(
        "teams.csv", "teams", 1, None, None, "unreadable_file",
        "is not UTF-8 text: in Excel use Save As > CSV UTF-8")]


def test_parquet_file_not_parquet(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    (folder / "teams.csv").unlink()
    (folder / "teams.parquet").write_bytes(b"not parquet at all")
    [error] = errors_of(folder, tmp_path)
    assert (error.file, error.table, error.rule) == ("teams.parquet", "teams", "unreadable_file")
    assert error.reason.startswith("cannot be read as Parquet")


def test_rows_with_the_wrong_number_of_fields(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    text = csv_text(*tables()["teams"]) + "Extra Team,other,surplus\nLone Team\n"
    (folder / "teams.csv").write_text(text)
    assert errors_of(folder, tmp_path) == [
        ValidationError("teams.csv", "teams", 4, None, None, "unreadable_row",
                        "has more fields than the header: a value holding a comma needs quotes"),
        ValidationError("teams.csv", "teams", 5, None, None, "unreadable_row",
                        "has fewer fields than the header"),
    ]


def test_required_column_missing(tmp_path: Path) -> None:
    data = tables()
    header, rows = data["people"]
    drop = header.index("client_type")
    data["people"] = ([h for i, h in enumerate(header) if i != drop],
                      [[v for i, v in enumerate(r) if i != drop] for r in rows])
    assert errors_of(write_folder(tmp_path / "extract", data), tmp_path) == [ValidationError(
        "people.csv", "people", 1, "client_type", None, "column_missing",
        "required column client_type is missing from the header")]


def test_semicolon_separated_file_is_explained(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    (folder / "teams.csv").write_text("team;team_type\nNorth Locality Team;locality\n")
    errors = errors_of(folder, tmp_path)
    assert {e.rule for e in errors} == {"column_missing"}
    assert all("uses ; between columns" in e.reason or "use ; between columns" in e.reason
               for e in errors)


def test_misspelled_column_is_an_error_not_an_extra_column(tmp_path: Path) -> None:
    data = tables()
    data["people"][0][1] = "Birth Month"
    assert errors_of(write_folder(tmp_path / "extract", data), tmp_path) == [ValidationError(
        "people.csv", "people", 1, "Birth Month", "Birth Month", "column_name",
        "should be named birth_month")]


def test_column_given_twice(tmp_path: Path) -> None:
    data = tables()
    header, rows = data["teams"]
    data["teams"] = ([*header, "team_type"], [[*r, r[1]] for r in rows])
    assert errors_of(write_folder(tmp_path / "extract", data), tmp_path) == [ValidationError(
        "teams.csv", "teams", 1, "team_type", "team_type", "column_duplicated",
        "appears 2 times in the header (columns B, C): keep one")]


# --- the rule catalogue and its documentation ----------------------------------------------------


def test_every_rule_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", DOCS.read_text(), flags=re.MULTILINE))
    missing = sorted(set(RULES) - documented)
    assert not missing, f"rules missing from docs/records.md: {', '.join(missing)}"
    assert not documented - set(RULES), "docs/records.md lists rules the code does not have"


def test_every_rule_is_exercised_by_a_test() -> None:
    tested = {case[4] for case in CELL_CASES} | {"population_duplicate", "table_missing",
                                                 "table_duplicated", "unreadable_file",
                                                 "unreadable_row", "column_missing", "too_large",
                                                 "column_name", "column_duplicated"}
    assert tested == set(RULES)


def test_error_report_escapes_formulas(tmp_path: Path) -> None:
    folder = with_cell(tmp_path / "extract", "episodes", 0, "outcome", "=HYPERLINK(\"x\")")
    report = tmp_path / "errors.csv"
    result = ingest(folder, store=tmp_path / "s.duckdb", error_report=report)
    assert result.error_report == report
    raw = report.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows == [{"file": "episodes.csv", "table": "episodes", "row": "2",
                     "column": "outcome", "value": "'=HYPERLINK(\"x\")", "rule": "formula",
                     "reason": result.errors[0].reason}]
    assert report.stat().st_mode & 0o077 == 0

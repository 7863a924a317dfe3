"""Readers: what spreadsheets and exports do to an extract (BOMs, padding, UK dates, Excel serial
dates, formulas, blank rows, multi-line values) and row numbers that match what Excel shows."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from records_samples import HEADERS, ROWS, csv_text, tables, write_folder

from careassure.records.load import ingest
from careassure.records.rules import ValidationError
from careassure.records.sources import IngestError
from careassure.records.store import open_store


def _loaded(path: Path, tmp_path: Path) -> Path:
    store = tmp_path / "store.duckdb"
    result = ingest(path, store=store)
    assert result.ok, result.errors
    return store


def _select(store: Path, sql: str) -> list[tuple]:
    with open_store(store) as opened:
        return opened.connection.execute(sql).fetchall()


def test_bom_padding_case_uk_dates_and_pounds_are_normalised(tmp_path: Path) -> None:
    data = tables()
    data["people"][1][0][2] = "  Female\u00a0"
    data["episodes"][1][0][2] = "Care_Act_Assessment"
    data["episodes"][1][0][5] = "02/04/2024"
    data["services"][1][0][7] = "£1,250.5"
    folder = write_folder(tmp_path / "extract", data)
    people = folder / "people.csv"
    people.write_bytes(b"\xef\xbb\xbf" + people.read_bytes())
    store = _loaded(folder, tmp_path)
    assert _select(store, "SELECT DISTINCT gender FROM people ORDER BY 1") == [
        ("female",), ("male",)]
    assert _select(store, "SELECT kind, received_date FROM episodes WHERE episode_id = 'E001'"
                   ) == [("care_act_assessment", date(2024, 4, 2))]
    assert _select(store, "SELECT weekly_cost FROM services WHERE service_id = 'S001'") == [
        (Decimal("1250.50"),)]


def test_text_leading_with_plus_minus_or_at_is_kept_as_text(tmp_path: Path) -> None:
    data = tables()
    data["people"][1][0][6] = "+Elmsford"
    data["teams"][1][0][0] = "@North Locality Team"
    for row in data["episodes"][1][:2]:
        row[3] = "@North Locality Team"
    store = _loaded(write_folder(tmp_path / "extract", data), tmp_path)
    assert ("+Elmsford",) in _select(store, "SELECT locality FROM people")
    assert ("@North Locality Team",) in _select(store, "SELECT team FROM teams")


def test_extra_columns_are_reported_and_not_stored(tmp_path: Path) -> None:
    data = tables()
    header, rows = data["people"]
    data["people"] = ([*header, "name"], [[*r, "Mrs Jane Smith"] for r in rows])
    store = tmp_path / "store.duckdb"
    result = ingest(write_folder(tmp_path / "extract", data), store=store)
    assert result.ok and result.extra_columns == {"people": ["name"]}
    assert b"Jane Smith" not in store.read_bytes()
    with open_store(store) as opened:
        assert opened.loads()[0].extra_columns == {"people": ["name"]}


def test_empty_lines_blank_rows_and_multi_line_values_keep_excel_row_numbers(
        tmp_path: Path) -> None:
    """teams.csv: row 3 is an empty line, row 4 a blank row (","), row 5 a value over two lines;
    episodes.csv (Windows line ends): rows 3 and 4 are empty lines. The bad date on episodes row
    7 must be reported on row 7, as Excel shows it, and nothing else is wrong."""
    folder = write_folder(tmp_path / "extract")
    header, rows = HEADERS["teams"], ROWS["teams"]
    (folder / "teams.csv").write_text(csv_text(header, rows[:1]) + "\n,\n"
                                      + '"Finance\nTeam",finance\n' + csv_text(header, rows[1:])
                                      .split("\n", 1)[1])
    lines = csv_text(HEADERS["episodes"], ROWS["episodes"]).splitlines()
    lines[2:2] = ["", ""]
    (folder / "episodes.csv").write_bytes(
        "\r\n".join(lines).replace("2024-06-12", "12-06-2024").encode() + b"\r\n")
    result = ingest(folder, store=tmp_path / "store.duckdb")
    assert [(e.file, e.row, e.column, e.rule) for e in result.errors] == [
        ("episodes.csv", 7, "received_date", "date")]


def test_mixed_line_endings_are_explained(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    (folder / "teams.csv").write_bytes(b"team,team_type\nNorth Locality Team,locality\r\n"
                                       b"Finance Team,finance\n")
    [error] = ingest(folder, store=tmp_path / "store.duckdb").errors
    assert (error.file, error.rule) == ("teams.csv", "unreadable_file")
    assert error.reason.startswith("cannot be read as CSV: its lines end in two ways")


def test_every_unreadable_row_is_reported_and_the_rest_still_checked(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    episodes = csv_text(HEADERS["episodes"], ROWS["episodes"]).splitlines()
    episodes.insert(2, "E010,P001,review,,planned")  # row 3: too few fields
    episodes[4] = episodes[4].replace("2024-05-07", "2024-13-07")  # row 5 (E003): a bad date
    episodes.append("E011,P001,review,,planned,2024-01-01,,,,,x")  # row 7: too many fields
    (folder / "episodes.csv").write_bytes(("\n".join(episodes) + "\n").encode())
    result = ingest(folder, store=tmp_path / "store.duckdb")
    assert [(e.row, e.column, e.rule) for e in result.errors] == [
        (3, None, "unreadable_row"), (5, "received_date", "date"), (7, None, "unreadable_row")]


def test_a_quote_never_closed_is_reported_on_its_row(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    (folder / "teams.csv").write_text('team,team_type\nNorth Locality Team,locality\n'
                                      '"Finance Team,finance\n')
    result = ingest(folder, store=tmp_path / "store.duckdb")
    assert result.errors == [ValidationError(
        "teams.csv", "teams", 3, None, None, "unreadable_row",
        'has a quote that is not closed, or a quote inside a value that is not doubled ("")')]


def test_parquet_with_typed_columns_loads_like_csv(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    (folder / "contacts.csv").unlink()
    pq.write_table(pa.table({
        "contact_id": ["C001", "C002"],
        "received_at": pa.array([datetime(2024, 4, 1, 9, 15), datetime(2024, 4, 1, 9, 20, 10)]),
        "answered": [True, False], "queue_seconds": pa.array([35, 600], pa.int32()),
        "category": ["new_request", "allocated_worker"]}), folder / "contacts.parquet")
    store = _loaded(folder, tmp_path)
    assert _select(store, "SELECT contact_id, received_at, answered, queue_seconds FROM contacts "
                   "ORDER BY 1") == [("C001", datetime(2024, 4, 1, 9, 15), True, 35),
                                     ("C002", datetime(2024, 4, 1, 9, 20, 10), False, 600)]


def test_a_zip_of_csv_files_loads(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    archive = tmp_path / "extract.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in folder.iterdir():
            zipped.write(path, f"export/{path.name}")
    store = _loaded(archive, tmp_path)
    assert _select(store, "SELECT count(*) FROM episodes") == [(4,)]


def _workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, (header, rows) in tables().items():
        sheet = workbook.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append([v if v != "" else None for v in row])
    workbook.save(path)
    return path


def test_a_workbook_with_serial_dates_and_date_cells_loads(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "extract.xlsx")
    workbook = openpyxl.load_workbook(path)
    episodes = workbook["episodes"]
    episodes["F2"] = 45384  # Excel's serial number for 2 April 2024
    episodes["G2"] = datetime(2024, 4, 10)
    episodes["G2"].number_format = "dd/mm/yyyy"
    workbook["contacts"]["C2"] = True
    workbook.save(path)
    store = _loaded(path, tmp_path)
    assert _select(store, "SELECT received_date, allocated_date FROM episodes "
                   "WHERE episode_id = 'E001'") == [(date(2024, 4, 2), date(2024, 4, 10))]


def test_a_workbook_formula_is_an_error_on_its_row_never_evaluated(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "extract.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["services"]["H3"] = "=SUM(1,2)"
    workbook.save(path)
    result = ingest(path, store=tmp_path / "store.duckdb")
    assert result.errors == [ValidationError(
        "extract.xlsx, sheet services", "services", 3, "weekly_cost", "=SUM(1,2)", "formula",
        "is a spreadsheet formula: careassure does not evaluate formulas, paste the values "
        "instead")]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("nothing-here", None, "does not exist"),
    ("people.csv", b"person_id\n", "is one file: give the folder"),
    ("extract.txt", b"hello", "is not a folder, an .xlsx workbook or a .zip"),
    ("extract.xlsx", b"not a workbook", "cannot be opened as an Excel workbook"),
    ("extract.zip", b"not a zip", "cannot be opened as a ZIP file"),
])
def test_a_source_that_cannot_be_read_at_all_is_explained(tmp_path: Path, name: str,
                                                          content: bytes | None,
                                                          message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(IngestError, match=message):
        ingest(path, store=tmp_path / "store.duckdb")


def test_a_header_one_column_short_reports_every_row_and_lists_them_all(tmp_path: Path) -> None:
    """The header lost a cell: every data row has a field too many. All are counted; the report
    file lists the first 1,000 (the default limit per rule) and counts the rest, and the result
    lists the first MAX_ERRORS_LISTED."""
    folder = write_folder(tmp_path / "extract")
    rows = "".join(f"C{n:05d},2024-04-01T09:15:00,true,35,new_request\n" for n in range(3000))
    (folder / "contacts.csv").write_text("contact_id,received_at,answered,queue_seconds\n" + rows)
    report = tmp_path / "errors.csv"
    result = ingest(folder, store=tmp_path / "store.duckdb", error_report=report)
    assert result.error_counts == {"unreadable_row": 3000}
    assert [e.row for e in result.errors[:3]] == [2, 3, 4]
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 1000 + 1
    assert lines[-1].endswith('"2000 more errors of this rule are not listed"')

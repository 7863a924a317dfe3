"""Writing a county (CSV, Parquet, one workbook) and the ``careassure synth`` command."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from careassure.cli import app
from careassure.records.schema import LOAD_ORDER
from careassure.synth import output, write_county

runner = CliRunner()


def test_csv_is_plain_iso_and_empty_for_null(tmp_path: Path,
                                             small_county: dict[str, pd.DataFrame]) -> None:
    paths = write_county(small_county, tmp_path, "csv")
    assert [p.name for p in paths] == [f"{name}.csv" for name in LOAD_ORDER]
    lines = (tmp_path / "episodes.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ("episode_id,person_id,kind,team,subtype,received_date,allocated_date,"
                        "completed_date,closed_date,outcome")
    first = lines[1].split(",")
    assert first[5][4] == "-" and len(first[5]) == 10  # ISO date
    assert any(line.split(",")[8] == "" for line in lines[1:])  # NULL closed_date
    contact = (tmp_path / "contacts.csv").read_text(encoding="utf-8").splitlines()[1].split(",")
    assert contact[1][10] == "T" and contact[2] in ("true", "false")
    # Read back, every table has the generated rows and values.
    for name in LOAD_ORDER:
        back = pd.read_csv(tmp_path / f"{name}.csv", keep_default_na=False, na_values=[""])
        assert len(back) == len(small_county[name]), name
    people = pd.read_csv(tmp_path / "people.csv", dtype=str, keep_default_na=False)
    assert people["person_id"].tolist() == small_county["people"]["person_id"].tolist()


def test_parquet_keeps_types(tmp_path: Path, small_county: dict[str, pd.DataFrame]) -> None:
    write_county(small_county, tmp_path, "parquet")
    types = dict(duckdb.sql(
        "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
        f"read_parquet('{tmp_path / 'episodes.parquet'}'))").fetchall())
    assert types["received_date"] == "DATE" and types["kind"] == "VARCHAR"
    contacts = pd.read_parquet(tmp_path / "contacts.parquet")
    assert contacts["received_at"].tolist() == small_county["contacts"]["received_at"].tolist()


def test_xlsx_is_one_workbook_and_refuses_what_excel_cannot_hold(
    tmp_path: Path, small_county: dict[str, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny = {name: frame.head(50) for name, frame in small_county.items()}
    (path,) = write_county(tiny, tmp_path, "xlsx")
    assert path.name == "county.xlsx"
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == list(LOAD_ORDER)
    assert len(sheets["episodes"]) == 50
    monkeypatch.setattr(output, "EXCEL_MAX_ROWS", 40)
    with pytest.raises(ValueError, match="too big for an Excel workbook"):
        write_county(tiny, tmp_path / "big", "xlsx")
    assert not (tmp_path / "big").exists()


def test_unknown_format(tmp_path: Path, small_county: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        write_county(small_county, tmp_path, "json")


def test_command_writes_and_summarises(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--out", str(tmp_path / "c"), "--scale", "0.01",
                                 "--format", "parquet"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == sorted(
        f"{name}.parquet" for name in LOAD_ORDER)
    assert "episodes" in result.output and "6 parquet file(s)" in result.output


def test_command_writes_the_county_as_a_cld_extract_the_reader_loads(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--out", str(tmp_path / "c"), "--scale", "0.01",
                                 "--format", "cld"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == ["cld.csv", "population.csv"]
    loaded = runner.invoke(app, ["ingest", "--format", "cld", str(tmp_path / "c" / "cld.csv"),
                                 "--population", str(tmp_path / "c" / "population.csv"),
                                 "--db", str(tmp_path / "store.duckdb")])
    assert loaded.exit_code == 0, loaded.output
    assert "Loaded extract 'cld'" in loaded.output
    # The population beside the extract gives the ASCOF admission rates their denominators.
    from careassure.measures import compute
    from careassure.records.store import open_store

    with open_store(tmp_path / "store.duckdb") as store:
        rates = compute(store, date(2025, 3, 31), measures=["ascof.2b", "ascof.2c"])
    adults = {v.measure: v.denominator for v in rates if v.breakdown is None}
    assert adults["ascof.2b"] > adults["ascof.2c"] > 0


@pytest.mark.parametrize("args, message", [
    (["--scale", "0"], "--scale must be a positive number"),
    (["--format", "json"], "unknown --format"),
    (["--scale", "0.01", "--format", "xlsx"], "too big for an Excel workbook"),
])
def test_command_refuses_bad_requests(tmp_path: Path, args: list[str], message: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # A lowered sheet limit makes the small county stand in for one too big for Excel.
    monkeypatch.setattr(output, "EXCEL_MAX_ROWS", 1_000)
    result = runner.invoke(app, ["synth", "--out", str(tmp_path / "c"), *args])
    assert result.exit_code == 2
    assert message in result.output

"""`careassure budget ...` from the command line: import, check, export, delivery, link, demand;
expected problems exit with status 2 and one clear line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from measure_spec import insert_rows, person, service
from typer.testing import CliRunner

from careassure.budget.files import DEMO_TABLES
from careassure.cli import app
from careassure.records.store import open_store

runner = CliRunner()


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


@pytest.fixture
def database(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", migrated_url)
    return migrated_url


def test_import_check_export_and_record(database: str, tmp_path: Path) -> None:
    imported = _run("budget", "import", "--demo", "--actor", "finance")
    assert imported.exit_code == 0, imported.output
    assert "9 growth, 22 savings and 1 transfer lines, 40 revenue lines" in imported.output
    checked = _run("budget", "check")
    assert checked.exit_code == 0, checked.output
    assert "Proposed/provisional net budget        255,513     257,563     261,613     266,803" \
        in checked.output
    assert "Less proposed savings                  (6,990)     (4,010)" in checked.output
    out = tmp_path / "export"
    assert _run("budget", "export", "-o", str(out), "--basis", "incremental").exit_code == 0
    again = _run("budget", "check", str(out), "-f", "json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["rollforward"][1]["growth"] == 6060
    recorded = _run("budget", "delivery", "AC19", "--status", "at_risk", "--reason", "Slow")
    assert recorded.exit_code == 0 and "AC19: at risk" in recorded.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["budget", "import"], "give a template folder or workbook, or --demo (exactly one)"),
        (["budget", "check"], "no MTFS version has been imported"),
        (["budget", "delivery", "AC19", "--status", "late"], "is not one of on_track"),
        (["budget", "import", "nowhere.txt"], "give a folder of CSV files"),
    ],
)
def test_expected_problems_exit_2_with_one_line(database: str, args: list[str],
                                                message: str) -> None:
    result = _run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_doctored_folder_is_refused_naming_the_figure(database: str, tmp_path: Path) -> None:
    folder = tmp_path / "mtfs"
    shutil.copytree(DEMO_TABLES, folder)
    lines = folder / "lines.csv"
    lines.write_text(lines.read_text().replace("-950,-1900", "-950,-1800"))
    result = _run("budget", "import", str(folder))
    assert result.exit_code == 2
    assert "saving lines: total of Adult Social Care, 2027/28: printed -11,000, computed " \
           "-10,900 (difference -100; does not add up)" in result.output
    assert _run("budget", "check").exit_code == 2  # nothing was stored


def _store(tmp_path: Path) -> Path:
    """Five people in residential care from 2024, two more from 31/01/2025."""
    store = tmp_path / "store.duckdb"
    with open_store(store, read_only=False) as opened:
        insert_rows(opened.connection, {
            "people": [person(f"P{n}", birth_month="1950-01") for n in range(1, 8)],
            "services": [service(f"P{n}", "2024-01-01", setting="residential", weekly_cost=700)
                         for n in range(1, 6)]
                        + [service(f"P{n}", "2025-01-31", setting="residential",
                                   weekly_cost=700) for n in (6, 7)],
        })
    return store


def test_demand_needs_no_application_database(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = _run("budget", "demand", "--store", str(_store(tmp_path)), "--from", "2024-01-01")
    assert result.exit_code == 0, result.output
    assert "Growth since 01/09/2023: 40.0% a year (31/01/2024 to 31/01/2025)" in result.output


def test_demand_from_a_store(database: str, tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert _run("budget", "import", "--demo").exit_code == 0
    result = _run("budget", "demand", "--store", str(store), "--from", "2024-01-01",
                  "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["as_of"] == "2025-01-31"
    residential = next(r for r in data["by_setting"] if r["key"] == "residential")
    assert (residential["people"], residential["average_weekly_cost"]) == (7, 700.0)
    # 5 people at 31/01/2024, 7 at 31/01/2025: 40% in twelve months; no month end before the
    # Fair Outcomes Panel in the period, so the only period is "since".
    assert [(g["period"], round(g["annual_rate"], 6)) for g in data["growth"]] == [
        ("since", 0.4)]
    published = _run("budget", "demand", "--store", str(store), "--from", "2024-01-01",
                     "--publish", "-f", "json")
    by_setting = json.loads(published.output)["by_setting"]
    assert next(r for r in by_setting if r["key"] == "residential")["people"] == 7

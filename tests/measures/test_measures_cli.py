"""``careassure measures`` and ``careassure series`` on a tiny store file: the documented JSON
shape, CSV that a spreadsheet cannot run, suppression, tables for people, and one-line errors
with exit status 2 for every expected mistake."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from measure_spec import call, episode, insert_rows, person, team
from typer.testing import CliRunner

from careassure.cli import app
from careassure.records.store import open_store

runner = CliRunner()
CARE = "care_act_assessment"
JSON_KEYS = ["measure", "value", "numerator", "denominator", "as_of", "period_start",
             "breakdown", "target", "status", "judged_against"]


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Waiting at 31/03/2025: North 6 (received 01/03 .. 06/03: waits 30 .. 25 days), and one
    # in "=HYPERLINK(...)" (a hostile team name) received 21/03 (10 days). Allocated on
    # 15/03/2025 after 14 days: one, in North. A call on 31/03/2025 takes the data to that day.
    path = tmp_path_factory.mktemp("cli") / "store.duckdb"
    with open_store(path, read_only=False) as store:
        insert_rows(store.connection, {
            "teams": [team("North", "locality"), team('=HYPERLINK("x")', "specialist")],
            "people": [person(f"P{i}", ethnicity="white") for i in range(8)],
            "episodes": [
                *(episode(CARE, f"2025-03-0{i}", person_id=f"P{i}", team="North")
                  for i in range(1, 7)),
                episode(CARE, "2025-03-21", person_id="P7", team='=HYPERLINK("x")'),
                episode(CARE, "2025-03-01", person_id="P0", team="North",
                        allocated="2025-03-15"),
            ],
            "contacts": [call("2025-03-31T09:00:00", True, 30)],
        })
    return path


def run(*args: str):
    return runner.invoke(app, list(args))


def test_json_is_the_documented_shape(store_file: Path) -> None:
    result = run("measures", "--db", str(store_file), "--as-of", "2025-03-31", "-m",
                 f"{CARE}.waiting", "-m", f"{CARE}.median_wait", "--by", "team",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert all(list(r) == JSON_KEYS for r in rows)
    assert rows[0] == {
        "measure": f"{CARE}.waiting", "value": 7, "numerator": 7, "denominator": None,
        "as_of": "2025-03-31", "period_start": None, "breakdown": None, "target": None,
        "status": None, "judged_against": None,
    }
    north = next(r for r in rows if r["breakdown"] == {"team": "North"}
                 and r["measure"] == f"{CARE}.waiting")
    assert north["value"] == 6
    # Waits 30, 29, 28, 27, 26, 25, 10: median 27 > 14.
    median = next(r for r in rows if r["measure"] == f"{CARE}.median_wait"
                  and r["breakdown"] is None)
    assert (median["value"], median["target"], median["status"]) == (27.0, 14.0, "not_met")
    # whose target that is, stated in full: the council's file, never a plan outcome's
    against = median["judged_against"]
    assert (against["set_by"], against["file"], against["comparator"], against["value"]) == (
        "council", "targets.yaml", "<=", 14.0)
    assert against["source"].startswith("Leicestershire improvement plan, 29 December 2025")


def test_flow_measures_carry_their_period(store_file: Path) -> None:
    result = run("measures", "--db", str(store_file), "--as-of", "2025-03-31",
                 "--period-start", "2025-02-28", "-m", f"{CARE}.median_wait_to_allocation",
                 "-f", "json")
    row = json.loads(result.output)[0]
    assert (row["period_start"], row["value"], row["denominator"]) == ("2025-02-28", 14.0, 1)


def test_the_as_of_date_defaults_to_the_store_s_latest_date(store_file: Path) -> None:
    result = run("measures", "--db", str(store_file), "-m", f"{CARE}.waiting", "-f", "json")
    assert json.loads(result.output)[0]["as_of"] == "2025-03-31"  # the call's day


def test_publish_suppresses_small_numbers(store_file: Path) -> None:
    result = run("measures", "--db", str(store_file), "--as-of", "2025-03-31", "-m",
                 f"{CARE}.waiting", "-m", f"{CARE}.median_wait", "--by", "team", "-f", "json",
                 "--publish")
    rows = json.loads(result.output)
    figures = {(r["measure"], (r["breakdown"] or {}).get("team")): r["value"] for r in rows}
    # One waiting in the second team: hidden, and North (6) with it, or 7 - 6 would give it.
    assert figures[(f"{CARE}.waiting", None)] == 7
    assert figures[(f"{CARE}.waiting", '=HYPERLINK("x")')] == "*"
    assert figures[(f"{CARE}.waiting", "North")] == "*"
    assert figures[(f"{CARE}.median_wait", '=HYPERLINK("x")')] == "*"


def test_csv_cannot_run_as_a_spreadsheet_formula(store_file: Path) -> None:
    result = run("measures", "--db", str(store_file), "--as-of", "2025-03-31", "-m",
                 f"{CARE}.waiting", "--by", "team", "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["measure", "value", "numerator", "denominator", "as_of",
                             "period_start", "by", "group", "target", "status"]
    groups = [r["group"] for r in rows]
    assert "'=HYPERLINK(\"x\")" in groups and '=HYPERLINK("x")' not in groups
    assert rows[0]["value"] == "7" and rows[0]["group"] == ""


def test_series_weekly_in_the_same_shapes(store_file: Path) -> None:
    result = run("series", "--db", str(store_file), "--from", "2025-03-02", "--to",
                 "2025-03-23", "--every", "week", "-m", f"{CARE}.waiting", "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert all(list(r) == JSON_KEYS for r in rows)
    # 02/03: received 01 and 02 (+ the one allocated 15/03) = 3; 09/03: 7; 16/03: 6 (one
    # allocated 15/03); 23/03: 7.
    assert [(r["as_of"], r["value"]) for r in rows] == [
        ("2025-03-02", 3), ("2025-03-09", 7), ("2025-03-16", 6), ("2025-03-23", 7)]


def test_tables_for_people(store_file: Path) -> None:
    result = run("measures", "--db", str(store_file), "--as-of", "31/03/2025", "-m",
                 f"{CARE}.median_wait")
    assert result.exit_code == 0, result.output
    assert "Measures at 31/03/2025" in result.output
    assert "27 days" in result.output and "at most 14 days" in result.output
    assert "not met" in result.output
    monthly = run("series", "--db", str(store_file), "--from", "2025-02-01", "--to",
                  "2025-03-31", "--every", "month", "-m", f"{CARE}.waiting")
    assert "28/02/2025" in monthly.output and "31/03/2025" in monthly.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["measures", "-m", "care_act_assesment.waiting"],
         "unknown measure 'care_act_assesment.waiting'; did you mean "
         "care_act_assessment.waiting"),
        (["measures", "-m", "nothing.*"], "matches no measure"),
        (["measures", "--as-of", "2025-02-30"], "--as-of '2025-02-30' is not a date"),
        (["measures", "--by", "gender"], "cannot break down by 'gender'"),
        (["measures", "--as-of", "2025-03-31", "--period-start", "2025-04-01"],
         "must be before --as-of"),
        (["series", "--from", "2025-03-01", "--to", "2025-02-01"], "is before --from"),
        (["series", "--from", "2025-03-02", "--to", "2025-03-20", "--every", "month"],
         "no month ends between"),
        (["series", "--from", "2026-01-01"], "before --from"),
        (["measures", "--as-of", "2030-01-01"], "is after the store's data end"),
        (["series", "--from", "2025-01-01", "--to", "2030-01-01"],
         "--to 01/01/2030 is after the store's data end"),
    ],
)
def test_mistakes_are_one_line_errors(store_file: Path, args: list[str], message: str) -> None:
    result = run(*args, "--db", str(store_file))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


def test_a_missing_store_is_an_error(tmp_path: Path) -> None:
    result = run("measures", "--db", str(tmp_path / "none.duckdb"))
    assert result.exit_code == 2
    assert "no store at" in result.output


def test_a_file_that_is_not_a_store_is_an_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    result = run("measures", "--db", str(junk))
    assert result.exit_code == 2
    assert "not a careassure store" in result.output or "cannot read the store" in result.output
    assert "Traceback" not in result.output


def test_reported_values_come_from_the_loader_the_caller_passes(store_file: Path) -> None:
    """The measures package reads no database: `careassure` passes the application database's
    loader (cli.py); any caller may pass its own, and with none there are no values."""
    import typer

    from careassure.measures.command import measures, no_reported_values, series, with_reported
    from careassure.measures.reported import ReportedValue

    measure = "reported.regulated_market_good_pct"
    entered = [ReportedValue(measure, date(2024, 12, 31), 71.5)]
    own = typer.Typer()
    own.command("measures")(with_reported(measures, lambda: entered))
    own.command("series")(with_reported(series, lambda: entered))
    shown = runner.invoke(own, ["measures", "--db", str(store_file), "--as-of", "2025-03-31",
                                "-m", measure, "-f", "json"])
    assert shown.exit_code == 0, shown.output
    assert [row["value"] for row in json.loads(shown.output)] == [71.5]
    weekly = runner.invoke(own, ["series", "--db", str(store_file), "--from", "2025-03-24",
                                 "--to", "2025-03-31", "-m", measure, "-f", "json"])
    assert [row["value"] for row in json.loads(weekly.output)] == [71.5, 71.5]
    plain = typer.Typer()
    plain.command("measures")(with_reported(measures, no_reported_values))
    plain.command("series")(with_reported(series, no_reported_values))
    none = runner.invoke(plain, ["measures", "--db", str(store_file), "--as-of", "2025-03-31",
                                 "-m", measure, "-f", "json"])
    assert [row["value"] for row in json.loads(none.output)] == [None]

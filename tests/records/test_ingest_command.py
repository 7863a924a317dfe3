"""``careassure ingest`` and ``careassure loads`` as an analyst meets them: a summary on success,
the errors and a report on rejection, one clear line (never a traceback) when nothing can be read;
exit status 0, 2 and 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from records_samples import with_cell, write_folder
from typer.testing import CliRunner

from careassure.appdb.testing import db_url, migrated_url  # noqa: F401
from careassure.cli import app

runner = CliRunner()


def test_a_valid_extract_prints_rows_per_table_and_the_loads_list_it(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    result = runner.invoke(app, ["ingest", str(write_folder(tmp_path / "extract")), "--db",
                                 str(store), "--by", "A Analyst"])
    assert result.exit_code == 0, result.output
    assert "episodes" in result.output and "rows/s" in result.output
    listed = runner.invoke(app, ["loads", "--db", str(store)])
    assert listed.exit_code == 0 and "A Analyst" in listed.output


def test_a_rejected_extract_lists_the_errors_and_writes_the_report(tmp_path: Path) -> None:
    folder = with_cell(tmp_path / "extract", "episodes", 0, "received_date", "02-04-2024")
    report = tmp_path / "errors.csv"
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "s.duckdb"),
                                 "--errors", str(report)])
    assert result.exit_code == 2
    assert "Rejected: 1 problem(s)" in result.output
    assert "is not a date" in result.output and "02-04-2024" in result.output
    assert "received_date" in report.read_text(encoding="utf-8-sig")
    assert not (tmp_path / "s.duckdb").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["ingest", "{tmp}/missing"], "does not exist"),
    (["ingest", "{tmp}/extract/people.csv"], "is one file: give the folder"),
    (["ingest", "{tmp}/extract", "--format", "xml"], "unknown --format 'xml'"),
    (["ingest", "{tmp}/extract", "--db", "{tmp}"], "is a folder"),
    (["ingest", "{tmp}/extract", "--db", "{tmp}/extract/teams.csv"], "is not a careassure store"),
    (["ingest", "{tmp}/extract", "--extract", "March 2026"], "is not a code"),
    (["ingest", "--format", "cld", "{tmp}/extract/people.csv"], "missing column"),
    (["loads", "--db", "{tmp}/none.duckdb"], "no store at"),
])
def test_input_that_cannot_be_loaded_gets_one_clear_message(tmp_path: Path, args: list[str],
                                                            message: str) -> None:
    write_folder(tmp_path / "extract")
    result = runner.invoke(app, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # typer.Exit(2), not an uncaught error


def test_a_refused_load_is_on_the_audit_trail(
    tmp_path: Path, migrated_url: str, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    """Uploads from the web are audited accepted or rejected; a load refused at the command line
    is the same event, so it is on the application's trail too (a good one is in the load log)."""
    from sqlalchemy import select

    from careassure.appdb import AuditEntry, create_engine, transaction

    monkeypatch.setenv("CAREASSURE_DATABASE_URL", migrated_url)
    folder = with_cell(tmp_path / "extract", "episodes", 0, "received_date", "02-04-2024")
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "s.duckdb"),
                                 "--by", "A Analyst"])
    assert result.exit_code == 2
    missing = runner.invoke(app, ["ingest", str(tmp_path / "nothing-here"), "--db",
                                  str(tmp_path / "s.duckdb"), "--by", "A Analyst"])
    assert missing.exit_code == 2 and len(missing.output.strip().splitlines()) == 1
    good = runner.invoke(app, ["ingest", str(write_folder(tmp_path / "good")), "--db",
                               str(tmp_path / "s.duckdb"), "--by", "A Analyst"])
    assert good.exit_code == 0, good.output
    engine = create_engine(migrated_url)
    with transaction(engine) as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(r.actor, r.action, r.entity_type, r.entity_id, r.after["format"]) for r in rows] \
            == [("A Analyst", "refuse", "store_load", "extract", "records"),
                ("A Analyst", "refuse", "store_load", "nothing-here", "records")]
    engine.dispose()


def test_without_an_application_database_a_refused_load_writes_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CAREASSURE_DATABASE_URL", raising=False)
    monkeypatch.setenv("CAREASSURE_HOME", str(tmp_path / "home"))
    folder = with_cell(tmp_path / "extract", "episodes", 0, "received_date", "02-04-2024")
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 2 and "warning" not in result.output
    assert not (tmp_path / "home" / "careassure.db").exists()

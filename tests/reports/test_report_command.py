"""``careassure report``: files written with their trace, expected problems as one-line errors
with exit status 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from careassure.cli import app

runner = CliRunner()


@pytest.fixture
def database(app_database: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", app_database)
    return app_database


def test_dhsc_json_and_trace_are_written(database, county_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "return.json"
    result = runner.invoke(app, ["report", "dhsc", "--quarter", "2026Q1", "--store",
                                 str(county_store), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["quarter"] == "2026Q1" and data["published"] is True
    trace = json.loads((tmp_path / "return.json.trace.json").read_text())
    assert f"({len(trace['figures'])} figures traced in return.json.trace.json)" in result.output


def test_internal_version_shows_small_numbers(database, county_store: Path,
                                              tmp_path: Path) -> None:
    published, internal = tmp_path / "p.html", tmp_path / "i.html"
    for out, extra in ((published, []), (internal, ["--internal"])):
        result = runner.invoke(app, ["report", "committee", "--store", str(county_store),
                                     "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
    hidden = [f for f in json.loads((tmp_path / "p.html.trace.json").read_text())["figures"]
              if f["suppressed"]]
    shown = json.loads((tmp_path / "i.html.trace.json").read_text())["figures"]
    assert hidden, "the small county has counts of 1-4 to suppress"
    assert all(f["shown"] == "*" and f["value"] is None for f in hidden)
    assert not any(f["suppressed"] for f in shown)
    assert "Internal version: not for publication" in internal.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["self-assessment", "--out", "{tmp}/a.txt"], "must end in .html, .pdf, .docx"),
        (["dhsc", "--quarter", "2026Q1", "--out", "{tmp}/a.xlsx"],
         "must end in .html, .pdf, .docx, .json, .csv"),
        (["committee", "--as-of", "31/13/2026", "--out", "{tmp}/a.pdf"], "is not a date"),
        (["dhsc", "--quarter", "26Q1", "--out", "{tmp}/a.csv"], "not written like 2026Q1"),
        (["committee", "--out", "{tmp}/missing/a.pdf"], "no such folder"),
        (["self-assessment", "--as-of", "2031-01-01", "--out", "{tmp}/a.pdf"],
         "is after the data's extract date"),
        (["committee", "--as-of", "2010-01-01", "--out", "{tmp}/a.pdf"],
         "is before the data starts on"),
        (["dhsc", "--quarter", "2010Q1", "--out", "{tmp}/a.csv"], "after 2010Q1 ends"),
        (["dhsc", "--quarter", "2031Q1", "--out", "{tmp}/a.csv"], "before 2031Q1 starts"),
        (["committee", "--out", "{tmp}"], "is a folder: give a file name"),
        (["committee", "--out", "{tmp}/folder.pdf"], "folder.pdf is a folder"),
        (["committee", "--out", "/proc/a.pdf"], "/proc: cannot write here"),
    ],
)
def test_bad_requests_exit_2_with_a_reason(database, county_store: Path, tmp_path: Path,
                                           args: list[str], message: str) -> None:
    (tmp_path / "folder.pdf").mkdir()
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(app, ["report", *args, "--store", str(county_store)])
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output


def test_bad_output_paths_are_refused_before_any_work(database, county_store: Path,
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder or unwritable output fails before the store is even opened."""
    import careassure.reports.generate as generate

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("the report was built before the output path was checked")

    monkeypatch.setattr(generate, "build", no_work)
    monkeypatch.setattr(generate, "opened", no_work)
    for out in (tmp_path, Path("/proc/a.docx")):
        result = runner.invoke(app, ["report", "committee", "--store", str(county_store),
                                     "--out", str(out)])
        assert result.exit_code == 2 and result.output.startswith("error: "), result.output
    (tmp_path / "a.pdf.trace.json").mkdir()
    result = runner.invoke(app, ["report", "committee", "--out", str(tmp_path / "a.pdf")])
    assert result.exit_code == 2 and "a.pdf.trace.json is a folder" in result.output


def test_missing_store_and_database_are_explained(database, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    result = runner.invoke(app, ["report", "committee", "--store", str(tmp_path / "none"),
                                 "--out", str(tmp_path / "a.pdf")])
    assert result.exit_code == 2 and "no store at" in result.output
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = runner.invoke(app, ["report", "committee", "--out", str(tmp_path / "a.pdf")])
    assert result.exit_code == 2 and "careassure db upgrade" in result.output


def test_every_help_ends_with_an_example() -> None:
    for command in ("self-assessment", "committee", "dhsc"):
        result = runner.invoke(app, ["report", command, "--help"])
        assert "Example: careassure report " + command in " ".join(result.output.split())


def test_without_a_plan_the_committee_update_says_how_to_import_one(
        county_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from careassure.appdb import upgrade

    url = f"sqlite:///{tmp_path / 'no-plan.db'}"
    upgrade(url)
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", url)
    result = runner.invoke(app, ["report", "committee", "--store", str(county_store),
                                 "--out", str(tmp_path / "a.html")])
    assert result.exit_code == 2
    assert "no improvement plan is stored: import one" in result.output
    result = runner.invoke(app, ["report", "self-assessment", "--store", str(county_store),
                                 "--out", str(tmp_path / "s.html")])
    assert result.exit_code == 0, result.output
    assert "Score: not scored yet." in (tmp_path / "s.html").read_text()

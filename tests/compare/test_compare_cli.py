"""``careassure compare``: set the council, import, show; a bad file is one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from careassure.cli import app

FIXTURES = Path(__file__).parents[1] / "fixtures" / "compare"
runner = CliRunner()


@pytest.fixture(autouse=True)
def database(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", migrated_url)


def test_import_and_show(tmp_path: Path) -> None:
    set_council = runner.invoke(app, ["compare", "council", "E10000018"])
    assert set_council.exit_code == 0, repr(set_council.exception)
    done = runner.invoke(app, ["compare", "import", str(FIXTURES / "oflog-asc-subset.csv"),
                               "--neighbours", str(FIXTURES / "oflog-nn-subset.json")])
    assert done.exit_code == 0, done.output
    assert "imported 2784 figures (oflog layout): 7 measures" in done.output
    assert "nearest neighbours of 32 councils" in done.output
    shown = runner.invoke(app, ["compare", "show"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[0] == "Leicestershire (E10000018)"
    assert ("Outcome, Ease of finding information about services : service users\t2022-23\t61.8\t"
            "67.5\t66.2\t67.6\t60.0 to 71.9 (15 councils)\t128th of 149\tHigher is better"
            ) in shown.output
    leicester = json.loads(runner.invoke(
        app, ["compare", "show", "--council", "E06000016", "--format", "json"]).output)
    asc5 = next(m for m in leicester["measures"] if m["code"] == "ASC5")
    assert (asc5["Council"], asc5["England median"], asc5["Neighbours median"],
            asc5["Rank"]) == ("73.8", "78.2", "75.0", "94th of 151")


def test_a_bad_file_is_one_line_and_imports_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Financial year,Local authority code\n2022-23,E10000018\n")
    result = runner.invoke(app, ["compare", "import", str(bad)])
    assert result.exit_code == 2
    assert result.output.startswith("error: nothing imported: bad.csv, row 1: is not a layout")
    assert len(result.output.strip().splitlines()) == 1
    assert runner.invoke(app, ["compare", "council", "Leicestershire"]).exit_code == 2
    shown = runner.invoke(app, ["compare", "show", "--council", "E10000018"])
    assert shown.exit_code == 2 and "no imported national figures" in shown.output

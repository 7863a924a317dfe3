"""Council by council (docs/national.md): ``careassure ingest --format cld --council CODE``
replaces one council's rows in a store holding others, atomically, logged like every load, with
the same pseudonymisation key; another council's rows in its file, a council already loaded in
another extract and a person already held for another council are refused with one line."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from careassure.cli import app
from careassure.measures import compute
from careassure.measures.catalogue import declared_measures
from careassure.records.schema import STORE_ORDER
from careassure.records.store import EXTRACT_COLUMN, open_store
from careassure.synth.national import write_national_cld

runner = CliRunner()
A, B = "E99000001", "E99000002"


@pytest.fixture(scope="module")
def councils(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two synthetic councils' CLD files and population files, and a changed file of A (A'):
    A without the rows of a fifth of its people."""
    work = tmp_path_factory.mktemp("councils")
    files = write_national_cld(work / "synthetic", councils=2, scale=0.01)
    population = pd.read_csv(files.population, dtype=str, keep_default_na=False)
    paths: dict[str, Any] = {"work": work}
    for code in (A, B):
        paths[code] = files.folder / f"cld_{code}.csv"
        own = population[population["la_code"] == code]
        paths[f"population {code}"] = work / f"population_{code}.csv"
        own.to_csv(paths[f"population {code}"], index=False)
    original = pd.read_csv(paths[A], dtype=str, keep_default_na=False)
    people = sorted(original["LA_Person_Unique_Identifier"].unique())
    dropped = set(people[::5])
    changed = original[~original["LA_Person_Unique_Identifier"].isin(dropped)]
    paths["changed"] = work / "changed" / f"cld_{A}.csv"
    paths["changed"].parent.mkdir()
    changed.to_csv(paths["changed"], index=False)
    paths["changed people"] = len(people) - len(dropped)
    return paths


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAREASSURE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CAREASSURE_PSEUDONYM_KEY", raising=False)
    return tmp_path


def _load(store: Path, path: Path, council: str | None, population: Path | None) -> Any:
    arguments = ["ingest", "--format", "cld", str(path), "--db", str(store)]
    if council:
        arguments += ["--council", council]
    if population:
        arguments += ["--population", str(population)]
    return runner.invoke(app, arguments)


def _rows(store: Path, extract: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of one extract, table by table, in a fixed order."""
    with open_store(store) as opened:
        return {name: opened.connection.execute(
            f'SELECT * FROM "{name}" WHERE "{EXTRACT_COLUMN}" = ? ORDER BY ALL',
            [extract]).fetchall() for name in STORE_ORDER}


def _national(store: Path) -> dict[tuple[str, str | None], tuple[Any, Any, Any]]:
    ids = [m.id for m in declared_measures() if m.id.startswith(("dhsc.", "ascof."))]
    with open_store(store) as opened:
        values = compute(opened, opened.extract_date(), measures=ids, by="la_code")
    return {(v.measure, v.breakdown["la_code"] if v.breakdown else None):
            (v.value, v.numerator, v.denominator) for v in values}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reloading_one_council_replaces_it_and_leaves_the_other(
        councils: dict[str, Any], home: Path) -> None:
    store = home / "region.duckdb"
    for code in (A, B):
        result = _load(store, councils[code], code, councils[f"population {code}"])
        assert result.exit_code == 0, result.output
    before = _rows(store, f"cld-{B.lower()}")
    first_a = _rows(store, f"cld-{A.lower()}")
    result = _load(store, councils["changed"], A, councils[f"population {A}"])
    assert result.exit_code == 0, result.output

    assert _rows(store, f"cld-{B.lower()}") == before  # B untouched, row for row
    after_a = _rows(store, f"cld-{A.lower()}")
    assert len(after_a["people"]) == councils["changed people"] < len(first_a["people"])
    with open_store(store) as opened:
        assert opened.extracts() == [f"cld-{A.lower()}", f"cld-{B.lower()}"]
        assert [(r.extract, r.notes) for r in opened.loads()] == [
            (f"cld-{A.lower()}", f"council {A}"), (f"cld-{B.lower()}", f"council {B}"),
            (f"cld-{A.lower()}", f"council {A}")]
    listed = runner.invoke(app, ["loads", "--db", str(store)])
    assert listed.output.count(f"extract cld-{A.lower()} (cld)") == 2
    assert listed.output.count(f"council {A}") == 2
    with open_store(store) as opened:
        # One person, one row: every person in people once, in their council's extract.
        assert opened.connection.execute(
            "SELECT count(*) - count(DISTINCT person_id) FROM people").fetchone() == (0,)

    # The national figures are those of one load of A' and B together.
    together = home / "together"
    together.mkdir()
    for path in (councils["changed"], councils[B]):
        (together / path.name).write_bytes(path.read_bytes())
    both = pd.concat([pd.read_csv(councils[f"population {c}"], dtype=str) for c in (A, B)])
    both.to_csv(home / "population.csv", index=False)
    single = home / "single.duckdb"
    result = _load(single, together, None, home / "population.csv")
    assert result.exit_code == 0, result.output
    figures = _national(store)
    assert figures == _national(single)
    assert figures[("ascof.2c", A)][2] > 0 and figures[("ascof.2c", B)][2] > 0


def test_a_row_of_another_council_is_refused_in_one_line(
        councils: dict[str, Any], home: Path) -> None:
    store = home / "region.duckdb"
    assert _load(store, councils[A], A, None).exit_code == 0
    unchanged = _digest(store)
    result = _load(store, councils[B], A, None)
    assert result.exit_code == 2
    message = result.output.strip()
    assert len(message.splitlines()) == 1
    assert message.startswith(f"error: {councils[B]}, row 2, column LA_Code: value '{B}' is not "
                              f"{A}, the council being loaded (--council)")
    assert _digest(store) == unchanged


def test_a_population_row_of_another_council_is_refused(
        councils: dict[str, Any], home: Path) -> None:
    result = _load(home / "region.duckdb", councils[A], A, councils[f"population {B}"])
    assert result.exit_code == 2
    assert f"column la_code: value '{B}' is not {A}" in result.output
    assert not (home / "region.duckdb").exists()


def test_population_rows_without_a_council_are_the_councils(
        councils: dict[str, Any], home: Path) -> None:
    plain = home / "population.csv"
    with councils[f"population {A}"].open() as source, plain.open("w", newline="") as out:
        rows = list(csv.DictReader(source))
        writer = csv.DictWriter(out, ["locality", "ethnicity", "age_band", "count"])
        writer.writeheader()
        writer.writerows({k: r[k] for k in writer.fieldnames} for r in rows)
    store = home / "region.duckdb"
    assert _load(store, councils[A], A, plain).exit_code == 0
    with open_store(store) as opened:
        assert opened.connection.execute(
            "SELECT DISTINCT la_code FROM population").fetchall() == [(A,)]


def _nhs_number(first_nine: str) -> str:
    """A valid NHS number (Modulus 11 check digit) from nine digits whose check is not 10."""
    check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(first_nine)) % 11
    assert check != 10
    return first_nine + str(check % 11)


def test_a_council_or_a_person_already_in_another_extract_is_refused(
        councils: dict[str, Any], home: Path) -> None:
    # A's file with an NHS number for its first person.
    frame = pd.read_csv(councils[A], dtype=str, keep_default_na=False)
    first = frame["LA_Person_Unique_Identifier"] == frame["LA_Person_Unique_Identifier"].iloc[0]
    frame.loc[first, "NHS_Number"] = _nhs_number("943476591")
    known = home / "a.csv"
    frame.to_csv(known, index=False)
    store = home / "region.duckdb"
    assert _load(store, known, A, None).exit_code == 0
    unchanged = _digest(store)
    result = _load(store, known, None, None)  # all councils together, the extract cld
    assert result.exit_code == 2
    assert f"council {A} is already in the store in the extract 'cld-{A.lower()}'" in \
        result.output
    # The same file as a third council's: the person with that NHS number is A's already.
    third = "E99000003"
    moved = home / "third.csv"
    frame.assign(LA_Code=third).to_csv(moved, index=False)
    result = _load(store, moved, third, None)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert f"1 person(s) of this file are already in the store for council {A}" in result.output
    assert _digest(store) == unchanged


@pytest.mark.parametrize(("arguments", "message"), [
    (["--council", "Leicestershire"], "is not an LA code"),
    (["--council", A, "--extract", "mine"], "give --council or --extract, not both"),
    (["--council", A, "--format", "records"], "--council is for --format cld"),
])
def test_council_option_mistakes_are_one_line(arguments: list[str], message: str,
                                              councils: dict[str, Any], home: Path) -> None:
    if "--format" not in arguments:
        arguments = ["--format", "cld", *arguments]
    result = runner.invoke(app, ["ingest", str(councils[A]), "--db",
                                 str(home / "region.duckdb"), *arguments])
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_a_council_without_adults_has_no_rate_and_is_told_why(
        councils: dict[str, Any], home: Path) -> None:
    store = home / "region.duckdb"
    assert _load(store, councils[A], A, councils[f"population {A}"]).exit_code == 0
    assert _load(store, councils[B], B, None).exit_code == 0
    result = runner.invoke(app, ["national", "--db", str(store), "-m", "ascof.2c", "-f", "csv"])
    assert result.exit_code == 0
    rows = {r["group"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows[A]["value"] != "" and rows[B]["value"] == ""
    assert result.stderr.strip() == (
        f"note: ascof.2c: no rate for council {B}: the population has no rows with la_code {B} "
        "of that age (careassure ingest --population; docs/national.md)")

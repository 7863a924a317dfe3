"""Several councils' CLD files loaded together (docs/national.md): each person keeps the council
that submitted them, ``careassure ingest --parquet`` writes the store as Parquet, ``careassure
national`` gives the national set for the whole set and each council, and (marked slow) the
two-worker Spark cluster reading that Parquet gives exactly DuckDB's figures."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from careassure.cli import app
from careassure.measures import compute
from careassure.records.store import open_store
from careassure.synth.national import write_national_cld

runner = CliRunner()
COUNCILS = ("E99000001", "E99000002")


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two small synthetic councils loaded together, with their Parquet files."""
    work = tmp_path_factory.mktemp("national")
    files = write_national_cld(work, councils=2, scale=0.01)
    store, parquet = work / "store.duckdb", work / "parquet"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CAREASSURE_HOME", str(work / "home"))
        patch.delenv("CAREASSURE_PSEUDONYM_KEY", raising=False)
        result = runner.invoke(app, ["ingest", "--format", "cld", str(files.folder), "--db",
                                     str(store), "--population", str(files.population),
                                     "--parquet", str(parquet)])
    assert result.exit_code == 0, result.output
    with open_store(store) as opened:
        as_of = opened.extract_date()
    return {"store": store, "parquet": parquet, "as_of": as_of, "files": files}


def _figures(values: list[Any]) -> dict[tuple[str, str | None], tuple[Any, Any, Any]]:
    return {(v.measure, v.breakdown["la_code"] if v.breakdown else None):
            (v.value, v.numerator, v.denominator) for v in values}


def test_each_person_keeps_their_council(national: dict[str, Any]) -> None:
    with open_store(national["store"]) as store:
        rows = store.connection.execute(
            "SELECT la_code, count(*) FROM cld_people GROUP BY la_code ORDER BY la_code"
        ).fetchall()
    assert [code for code, _ in rows] == list(COUNCILS)
    assert all(n > 0 for _, n in rows)
    assert sorted(p.name for p in national["parquet"].glob("*.parquet")) == [
        f"{name}.parquet" for name in sorted(
            ("people", "teams", "episodes", "services", "contacts", "population", "cld_events",
             "cld_people"))]


def test_councils_add_up_to_the_whole_set(national: dict[str, Any]) -> None:
    with open_store(national["store"]) as store:
        got = compute(store, national["as_of"], measures=_national_ids(), by="la_code")
    figures = _figures(got)
    whole = figures[("ascof.3d.1a", None)]
    parts = [figures[("ascof.3d.1a", code)] for code in COUNCILS]
    assert whole[2] > 0 and whole[1:] == (sum(p[1] for p in parts), sum(p[2] for p in parts))
    for measure in {v.measure for v in got if v.measure.startswith(("dhsc.", "ascof.3d"))}:
        assert figures[(measure, None)][2] == sum(figures[(measure, c)][2] for c in COUNCILS)
    for measure in ("ascof.2b", "ascof.2c"):  # rates per council, of its own adults
        assert figures[(measure, None)][1:] == tuple(
            sum(figures[(measure, c)][i] for c in COUNCILS) for i in (1, 2))
        assert all(figures[(measure, c)][2] > 0 for c in COUNCILS)


def test_national_command_prints_every_council_and_the_whole_set(
        national: dict[str, Any]) -> None:
    result = runner.invoke(app, ["national", "--db", str(national["store"]), "-m",
                                 "ascof.3d.2a", "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["by"], r["group"]) for r in rows] == [("", "")] + [
        ("la_code", code) for code in COUNCILS]
    assert {r["measure"] for r in rows} == {"ascof.3d.2a"}


def test_national_command_one_council_by_a_breakdown(national: dict[str, Any]) -> None:
    result = runner.invoke(app, ["national", "--db", str(national["store"]), "-m",
                                 "dhsc.wait_to_first_response.65_and_over", "--council",
                                 COUNCILS[1], "--by", "ethnicity", "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0]["group"] == "" and {r["by"] for r in rows[1:]} == {"ethnicity"}


@pytest.mark.parametrize(("arguments", "message"), [
    (["--by", "ethnicity"], "--by needs --council"),
    (["--spark-master", "spark://127.0.0.1:7077"], "--spark-master needs --parquet"),
    (["--parquet", "somewhere"], "give --as-of with --parquet"),
    (["--by", "shoe_size", "--council", "E1"], "cannot break down by 'shoe_size'"),
])
def test_national_command_mistakes_are_one_line(arguments: list[str], message: str,
                                                tmp_path: Path) -> None:
    result = runner.invoke(app, ["national", "--db", str(tmp_path / "none.duckdb"),
                                 *arguments])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.slow
@pytest.mark.cluster
@pytest.mark.xdist_group("spark-cluster")
def test_the_cluster_reading_parquet_gives_duckdbs_figures(
        national: dict[str, Any], spark_cluster: Any, spark_sessions: Any) -> None:
    from careassure.measures.spark import parquet_backend

    as_of: date = national["as_of"]
    with open_store(national["store"]) as store:
        on_duckdb = compute(store, as_of, measures=_national_ids(), by="la_code")
    session = spark_sessions.on(spark_cluster.master_url)
    on_cluster = compute(parquet_backend(session, national["parquet"]), as_of,
                         measures=_national_ids(), by="la_code")
    assert spark_cluster.status()["aliveworkers"] == 2
    assert _figures(on_cluster) == _figures(on_duckdb)
    assert any(v.value is not None for v in on_duckdb)  # figures were compared, not blanks


def _national_ids() -> list[str]:
    from careassure.measures.catalogue import declared_measures

    return [m.id for m in declared_measures() if m.id.startswith(("dhsc.", "ascof."))]

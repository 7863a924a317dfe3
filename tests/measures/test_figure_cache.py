"""Figures kept between command-line runs: the same answer again while nothing changed, never an
old answer once the store, the targets or a kept file changes, never a reported measure."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from measure_spec import call, episode, insert_rows, person, team
from typer.testing import CliRunner

from careassure.cli import app
from careassure.measures.figure_cache import FigureCache, figure_cache, inputs_version
from careassure.measures.result import MeasureValue
from careassure.records.store import open_store

runner = CliRunner()
WAIT = "care_act_assessment.median_wait"
WAITING = "care_act_assessment.waiting"


def _store(path: Path, waiting: int) -> Path:
    """``waiting`` people waiting for a Care Act assessment in North at 31/03/2025, received on
    01/03, 02/03, ... (so the median wait is known: 30 days for one person, 29.5 for two). A
    call on 31/03/2025 takes the data to that day."""
    with open_store(path, read_only=False) as store:
        insert_rows(store.connection, {
            "teams": [team("North", "locality")],
            "people": [person(f"P{i}") for i in range(waiting)],
            "episodes": [episode("care_act_assessment", f"2025-03-{i + 1:02d}",
                                 person_id=f"P{i}", team="North") for i in range(waiting)],
            "contacts": [call("2025-03-31T09:00:00", True, 30)],
        })
    return path


def _figures(store: Path, *measures: str, by: str | None = None) -> list[dict[str, object]]:
    args = ["measures", "--db", str(store), "--as-of", "2025-03-31", "-f", "json"]
    for measure in measures:
        args += ["-m", measure]
    if by:
        args += ["--by", by]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.output)
    return rows


def _kept_files(home: Path) -> list[Path]:
    return sorted((home / "cache" / "figures").glob("*.json"))


def test_a_second_run_is_answered_from_the_kept_figures(tmp_path: Path,
                                                        careassure_home: Path) -> None:
    store = _store(tmp_path / "store.duckdb", 2)
    first = _figures(store, WAITING, WAIT)
    assert [r["value"] for r in first] == [2, 29.5]
    kept = figure_cache(store).get([WAIT, WAITING], date(2025, 3, 31), None, None)
    assert kept is not None and [v.value for v in kept] == [29.5, 2]
    # One measure of the two is answered from them, the same figure and its status.
    assert _figures(store, WAIT) == first[1:]


def test_a_new_load_is_never_answered_with_the_old_figures(tmp_path: Path,
                                                           careassure_home: Path) -> None:
    store = _store(tmp_path / "store.duckdb", 2)
    assert _figures(store, WAITING)[0]["value"] == 2
    # A load writes a new file and renames it over the old one.
    replacement = _store(tmp_path / "next.duckdb", 3)
    os.replace(replacement, store)
    assert _figures(store, WAITING)[0]["value"] == 3


def test_a_store_changed_in_place_or_a_new_target_changes_the_answer(
        tmp_path: Path, careassure_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(tmp_path / "store.duckdb", 1)
    assert _figures(store, WAIT)[0]["status"] == "not_met"  # 30 days against at most 14
    with open_store(store, read_only=False) as opened:
        insert_rows(opened.connection, {
            "people": [person("Q1")],
            "episodes": [episode("care_act_assessment", "2025-03-30", person_id="Q1",
                                 team="North")],
        })
    assert _figures(store, WAIT)[0]["value"] == 15.5
    targets = tmp_path / "targets.yaml"
    targets.write_text("version: 1\ntargets:\n  care_act_assessment.median_wait:\n"
                       "    comparator: '<='\n    value: 20\n    source: test\n")
    monkeypatch.setenv("CAREASSURE_TARGETS", str(targets))
    again = _figures(store, WAIT)[0]
    assert (again["value"], again["target"], again["status"]) == (15.5, 20.0, "met")


def test_a_damaged_kept_file_is_a_miss(tmp_path: Path, careassure_home: Path) -> None:
    store = _store(tmp_path / "store.duckdb", 2)
    first = _figures(store, WAITING, by="team")
    (kept,) = _kept_files(careassure_home)
    kept.write_text('{"latest": "2025-03-31", "figures": {"' + WAITING + '|2025-03-31||team": '
                    '[{"measure": 1}]}}')
    assert _figures(store, WAITING, by="team") == first
    kept.write_text("not json")
    assert _figures(store, WAITING, by="team") == first


def test_reported_measures_are_never_kept(tmp_path: Path, careassure_home: Path) -> None:
    from careassure.measures.reported import reported_measures

    store = _store(tmp_path / "store.duckdb", 1)
    reported = reported_measures()[0].id
    _figures(store, reported)
    assert _kept_files(careassure_home) == []


def test_the_latest_date_is_known_only_once_computed(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path / "figures", "v1")
    day = date(2025, 3, 31)
    value = MeasureValue(WAIT, 12.5, None, 4, day, target=14.0, status="met")
    assert cache.get([WAIT], None, None, None) is None
    cache.put([value], day, None, None, latest=None)
    assert cache.get([WAIT], None, None, None) is None
    assert cache.get([WAIT], day, None, None) == [value]
    cache.put([value], day, None, None, latest=day)
    assert cache.get([WAIT], None, None, None) == [value]
    assert cache.get([WAIT], day, None, "team") is None
    assert cache.get([WAIT], day, date(2024, 12, 31), None) is None
    assert (tmp_path / "figures" / "v1.json").stat().st_mode & 0o077 == 0


def test_only_the_newest_versions_are_kept(tmp_path: Path) -> None:
    from careassure.measures import figure_cache as module

    day = date(2025, 3, 31)
    value = MeasureValue(WAIT, 1.0, None, 1, day)
    for n in range(module.VERSIONS_KEPT + 3):
        FigureCache(tmp_path, f"v{n:02d}").put([value], day, None, None, latest=day)
    assert len(list(tmp_path.glob("*.json"))) == module.VERSIONS_KEPT
    assert (tmp_path / f"v{module.VERSIONS_KEPT + 2:02d}.json").exists()


def test_the_version_follows_the_code_the_store_and_the_targets(tmp_path: Path) -> None:
    store, targets = tmp_path / "store.duckdb", tmp_path / "targets.yaml"
    store.write_bytes(b"one")
    targets.write_text("a")
    first = inputs_version(store, targets)
    assert inputs_version(store, targets) == first
    copy = tmp_path / "copy"
    shutil.copyfile(store, copy)
    os.replace(copy, store)
    assert inputs_version(store, targets) != first
    second = inputs_version(store, targets)
    (tmp_path / "store.duckdb.wal").write_bytes(b"pending")
    assert inputs_version(store, targets) != second
    third = inputs_version(store, targets)
    targets.write_text("bb")
    assert inputs_version(store, targets) != third

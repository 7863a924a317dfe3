"""Live measure values: used when the measure engine and a store exist, listed by id otherwise."""

from __future__ import annotations

import sys
import types
from datetime import date
from pathlib import Path

import pytest

from careassure.framework.live import live_values
from careassure.measures.result import MeasureValue
from careassure.records.store import open_store

AS_OF = date(2026, 3, 31)


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    with open_store(path, read_only=False):
        pass
    return path


def test_without_the_measure_engine_ids_are_listed_without_values(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "careassure.measures", None)
    live = live_values(["review.overdue"], _store(tmp_path), AS_OF)
    assert "not installed" in live.note
    reading = live.get("review.overdue")
    assert (reading.id, reading.value, reading.status) == ("review.overdue", None, None)


def test_without_a_store_the_note_says_how_to_load_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = types.ModuleType("careassure.measures")
    fake.CATALOGUE, fake.compute = {}, None
    monkeypatch.setitem(sys.modules, "careassure.measures", fake)
    live = live_values(["review.overdue"], tmp_path / "missing.duckdb", AS_OF)
    assert "careassure ingest" in live.note and live.get("review.overdue").value is None


def test_readings_from_the_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = []

    def compute(store, as_of, measures):
        calls.append((type(store).__name__, as_of, list(measures)))
        row = dict(numerator=None, denominator=None, as_of=as_of)
        return [
            MeasureValue("review.overdue", 120, target=100, status="not_met", **row),
            MeasureValue("review.overdue", 80, breakdown={"team": "North"}, **row),
            MeasureValue(
                "care_act_assessment.representation",
                0.8,
                breakdown={"ethnicity": "asian"},
                target=0.9,
                status="not_met",
                **row,
            ),
            MeasureValue(
                "care_act_assessment.representation",
                1.0,
                breakdown={"ethnicity": "white"},
                target=0.9,
                status="met",
                **row,
            ),
        ]

    fake = types.ModuleType("careassure.measures")
    fake.CATALOGUE = dict.fromkeys(
        ["review.overdue", "care_act_assessment.representation", "s42_enquiry.open"]
    )
    fake.compute = compute
    monkeypatch.setitem(sys.modules, "careassure.measures", fake)
    ids = ["review.overdue", "care_act_assessment.representation", "s42_enquiry.open", "made.up"]
    live = live_values(ids, _store(tmp_path), AS_OF)
    assert calls == [
        (
            "Store",
            AS_OF,
            ["care_act_assessment.representation", "review.overdue", "s42_enquiry.open"],
        )
    ]
    assert "as at 31/03/2026" in live.note
    overdue = live.get("review.overdue")
    assert (overdue.value, overdue.target, overdue.status) == (120, 100, "not_met")
    groups = live.get("care_act_assessment.representation")
    assert (groups.value, groups.status, groups.note) == (None, "not_met", "by group (2 groups)")
    assert live.get("s42_enquiry.open").note == "no value (empty population)"
    assert live.get("made.up").note == "not in the measure catalogue"


@pytest.mark.parametrize("make", ["folder", "csv"])
def test_a_path_that_is_not_a_store_is_explained_not_a_traceback(tmp_path: Path,
                                                                 make: str) -> None:
    path = tmp_path / "store.duckdb"
    if make == "folder":
        path.mkdir()
    else:
        path.write_text("person_id\nP001\n")
    live = live_values(["review.overdue"], path, AS_OF)
    assert str(path) in live.note and "listed without values" in live.note
    assert live.get("review.overdue").value is None

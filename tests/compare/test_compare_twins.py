"""Twins: every declared twin is a catalogue measure, and the period difference is stated from
the dates (same date only for a snapshot on the national year-end)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from careassure.compare.twins import period_note, twin_of_code, twins
from careassure.measures import CATALOGUE


def test_every_twin_is_a_catalogue_measure_with_its_differences_written() -> None:
    assert twins()
    for measure, twin in twins().items():
        assert measure in CATALOGUE
        assert twin.national_at in ("year_end", "period")
        assert twin.definition and twin.national_title
        assert twin_of_code(twin.national_code) == twin


def test_period_notes() -> None:
    twin = twins()["direct_payments.pct"]
    assert period_note(twin, date(2023, 3, 31), "2022-23", "snapshot") == (
        "Same date: both figures are at 31/03/2023.")
    assert period_note(twin, date(2026, 9, 30), "2022-23", "snapshot") == (
        "Different periods: careassure's figure is on 30/09/2026; the national figure is at "
        "31/03/2023, the end of 2022-23.")
    over_period = replace(twin, national_at="period")
    assert period_note(over_period, date(2023, 6, 30), "2023-24 Q1", "flow") == (
        "Different periods: careassure's figure covers the month to 30/06/2023; the national "
        "figure covers the quarter 2023-24 Q1 (01/04/2023 to 30/06/2023).")

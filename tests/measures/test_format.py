"""Formatting values in their units, as the demo, web app, reports and narratives print them."""

from __future__ import annotations

import pytest
from measure_spec import d

from careassure.measures import CATALOGUE, MeasureValue
from careassure.measures.format import format_number, format_target, format_value, uk_date


def value(measure: str, figure, numerator=None, denominator=None) -> MeasureValue:
    return MeasureValue(measure, figure, numerator, denominator, d("2025-12-28"))


@pytest.mark.parametrize(
    ("measure", "figure", "text"),
    [
        ("care_act_assessment.waiting", 1203, "1,203"),
        ("care_act_assessment.waiting", 0, "0"),
        ("care_act_assessment.median_wait", 18.0, "18 days"),
        ("care_act_assessment.median_wait", 17.5, "17.5 days"),
        ("care_act_assessment.max_wait", 1, "1 day"),
        ("care_act_assessment.max_wait", 1450, "1,450 days"),
        ("financial_assessment.median_wait", 14.0, "14 working days"),
        ("care_act_assessment.pct_over_28", 78.0, "78.0%"),
        ("care_act_assessment.pct_over_28", 33.3, "33.3%"),
        ("care_act_assessment.team_disparity", -10.0, "-10.0%"),
        ("care_act_assessment.representation.asian", 1.04, "1.04"),
        ("care_act_assessment.representation.asian", 0.9, "0.90"),
        ("contacts.mean_queue_seconds", 12.3, "12.3 seconds"),
        ("care_act_assessment.median_wait", None, "—"),
    ],
)
def test_values_read_in_their_units(measure: str, figure, text: str) -> None:
    assert format_value(value(measure, figure)) == text


def test_publish_hides_a_small_count_and_figures_built_on_few_people() -> None:
    assert format_value(value("care_act_assessment.waiting", 3, 3), publish=True) == "*"
    assert format_value(value("care_act_assessment.waiting", 3, 3)) == "3"
    assert format_value(value("care_act_assessment.waiting", 0, 0), publish=True) == "0"
    # A median of 4 people's waits.
    assert format_value(value("care_act_assessment.median_wait", 20.0, None, 4),
                        publish=True) == "*"
    assert format_value(value("care_act_assessment.median_wait", 20.0, None, 5),
                        publish=True) == "20 days"
    # A rate with 2 of 40: the numerator is small.
    assert format_value(value("care_act_assessment.pct_over_28", 5.0, 2, 40), publish=True) == "*"
    # Nobody to describe: no value, not a suppressed one.
    assert format_value(value("care_act_assessment.median_wait", None, None, 0),
                        publish=True) == "—"


def test_every_unit_in_the_catalogue_formats() -> None:
    for measure in CATALOGUE:
        assert format_value(value(measure, 2)) not in ("", "—")


@pytest.mark.parametrize(
    ("measure", "text"),
    [
        ("care_act_assessment.median_wait", "at most 14 days"),
        ("financial_assessment.median_wait", "at most 28 working days"),
        ("financial_assessment.waiting", "at most 220"),
        ("review.pct_reviewed_within_12_months", "at least 85%"),
        ("care_act_assessment.team_disparity", "a gap of less than 5% either way"),
        ("data_quality.pct_missing", "below 5%"),
    ],
)
def test_targets_read_as_a_plan_writes_them(measure: str, text: str) -> None:
    target = CATALOGUE[measure].target
    assert target is not None
    assert format_target(target, measure) == text


def test_dates_and_plain_numbers() -> None:
    assert uk_date(d("2024-12-29")) == "29/12/2024"
    assert format_number("*", "percent") == "*"
    assert format_number(None, "count") == "—"

"""Reported measures, the pure part: declarations, periods, value checks, values into figures
and the values due, each against hand-worked answers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from careassure.measures import CATALOGUE, compute, series
from careassure.measures.catalogue import Target
from careassure.measures.reported import (
    ReportedMeasure,
    ReportedMeasuresError,
    ReportedValue,
    ReportedValueError,
    check_period,
    due_values,
    figures,
    parse_declarations,
    parse_value,
    period_end_of,
    period_label,
    period_start_of,
    reported_ids,
    reported_measures,
    use_app_declarations,
)

QUARTERLY = ReportedMeasure(
    id="reported.things", title="Things", definition="Things counted.", unit="count",
    direction="higher", frequency="quarterly", owner_role="analyst", owner="Team A",
    source="A return", minimum=0, maximum=1000, first_period=date(2025, 3, 31), due_days=30)
PERCENT = ReportedMeasure(
    id="reported.share", title="Share", definition="A share.", unit="percent",
    direction="higher", frequency="annual", owner_role="workstream_lead", owner="Team B",
    source="A survey", minimum=0, maximum=100, first_period=date(2024, 3, 31), due_days=120)


def entry(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "reported.x", "title": "X", "definition": "X counted.", "unit": "count",
        "direction": "higher", "frequency": "quarterly", "owner_role": "analyst",
        "owner": "Team", "source": "Return", "minimum": 0, "maximum": 10,
        "first_period": date(2025, 6, 30)}
    return base | changes


@pytest.mark.parametrize(("frequency", "day", "end"), [
    ("monthly", date(2024, 2, 10), date(2024, 2, 29)),
    ("quarterly", date(2025, 5, 1), date(2025, 6, 30)),
    ("quarterly", date(2025, 12, 31), date(2025, 12, 31)),
    ("annual", date(2024, 3, 31), date(2024, 3, 31)),  # 2023/24
    ("annual", date(2024, 4, 1), date(2025, 3, 31)),  # 2024/25
])
def test_a_period_is_named_by_its_last_day(frequency: str, day: date, end: date) -> None:
    assert period_end_of(frequency, day) == end  # type: ignore[arg-type]


def test_periods_in_words_and_their_start() -> None:
    assert period_label("quarterly", date(2025, 6, 30)) == "2025 Q2 (April to June)"
    assert period_label("annual", date(2024, 3, 31)) == "2023/24"
    assert period_label("monthly", date(2025, 11, 30)) == "November 2025"
    assert period_start_of("quarterly", date(2025, 6, 30)) == date(2025, 3, 31)
    assert period_start_of("annual", date(2024, 3, 31)) == date(2023, 3, 31)


@pytest.mark.parametrize(("measure", "text", "value"), [
    (QUARTERLY, "12", 12.0), (QUARTERLY, " 1,000 ", 1000.0), (PERCENT, "18.52%", 18.52),
    (PERCENT, "0", 0.0), (PERCENT, "100", 100.0),
])
def test_values_typed_by_people_are_read_in_the_unit(measure: ReportedMeasure, text: str,
                                                     value: float) -> None:
    assert parse_value(measure, text) == value


@pytest.mark.parametrize(("measure", "text", "reason"), [
    (QUARTERLY, "", "Enter a value"),
    (QUARTERLY, "twelve", "must be a number"),
    (QUARTERLY, "nan", "must be a number"),
    (QUARTERLY, "2.5", "whole number"),
    (QUARTERLY, "-1", "between 0 and 1000"),
    (PERCENT, "100.1", "between 0 and 100"),
])
def test_bad_values_are_refused_with_the_reason(measure: ReportedMeasure, text: str,
                                                reason: str) -> None:
    with pytest.raises(ReportedValueError, match=reason) as caught:
        parse_value(measure, text)
    assert caught.value.field == "value"


def test_the_period_must_be_one_of_the_measure_s_and_over() -> None:
    check_period(QUARTERLY, date(2025, 9, 30), today=date(2025, 9, 30))
    with pytest.raises(ReportedValueError, match="must end on 30/09/2025"):
        check_period(QUARTERLY, date(2025, 8, 31), today=date(2025, 12, 1))
    with pytest.raises(ReportedValueError, match="has not ended yet") as caught:
        check_period(QUARTERLY, date(2025, 12, 31), today=date(2025, 12, 30))
    assert caught.value.field == "period"


def test_the_value_at_a_date_is_the_latest_period_s_judged_against_its_target() -> None:
    values = [ReportedValue("reported.things", date(2025, 3, 31), 3),
              ReportedValue("reported.things", date(2025, 6, 30), 12),
              ReportedValue("reported.other", date(2025, 6, 30), 99)]
    target = Target(">=", 10, "test")
    at = figures(QUARTERLY, values, [date(2025, 3, 30), date(2025, 5, 15), date(2025, 8, 1)],
                 target)
    assert [v.value for v in at] == [None, 3, 12]
    assert [v.status for v in at] == [None, "not_met", "met"]
    # a count's value is its numerator, so it can be suppressed
    assert at[1].period_start == date(2024, 12, 31) and at[1].numerator == 3
    assert at[2].target == 10 and at[2].denominator is None


def test_due_values_are_ended_periods_past_their_due_date_without_a_value() -> None:
    values = [ReportedValue("reported.things", date(2025, 6, 30), 12)]
    due = due_values([QUARTERLY, PERCENT], values, date(2025, 10, 30))
    # Things: Q1 due 30/04 (missing), Q2 entered, Q3 ends 30/09 and is due 30/10 (missing).
    # Share: 2023/24 due 29/07/2024 and 2024/25 due 29/07/2025, both missing.
    assert [(d.measure_id, d.period_end, d.due_on) for d in due] == [
        ("reported.share", date(2024, 3, 31), date(2024, 7, 29)),
        ("reported.things", date(2025, 3, 31), date(2025, 4, 30)),
        ("reported.share", date(2025, 3, 31), date(2025, 7, 29)),
        ("reported.things", date(2025, 9, 30), date(2025, 10, 30)),
    ]
    assert due[0].owner == "Team B" and due[0].owner_role == "workstream_lead"
    assert [d.period_end for d in due_values([QUARTERLY], values, date(2025, 10, 29))] == [
        date(2025, 3, 31)]


@pytest.mark.parametrize(("changes", "reason"), [
    ({"unit": "people"}, "unit must be one of"),
    ({"id": "fnc"}, "start with 'reported.'"),
    ({"frequency": "weekly"}, "frequency must be one of"),
    ({"owner_role": "viewer"}, "owner_role must be one of"),
    ({"minimum": 10, "maximum": 5}, "minimum below maximum"),
    ({"first_period": date(2025, 6, 29)}, "last day of a quarterly period"),
    ({"source": ""}, "missing source"),
    ({"definition": "No full stop"}, "ending in '.'"),
])
def test_a_bad_declaration_names_the_file_entry_and_reason(changes: dict[str, object],
                                                           reason: str) -> None:
    with pytest.raises(ReportedMeasuresError, match=reason) as caught:
        parse_declarations({"version": 1, "measures": [entry(**changes)]}, "council.yaml")
    assert str(caught.value).startswith("council.yaml: measure 1")


def test_an_id_declared_twice_is_refused() -> None:
    with pytest.raises(ReportedMeasuresError, match="declared twice: reported.x"):
        parse_declarations({"version": 1, "measures": [entry(), entry()]}, "council.yaml")


def test_a_council_file_is_read_from_the_setting(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "reported.yaml"
    path.write_text("version: 1\nmeasures:\n- id: reported.x\n  title: X\n  definition: X.\n"
                    "  unit: count\n  frequency: monthly\n  owner_role: analyst\n  owner: T\n"
                    "  source: S\n  minimum: 0\n  maximum: 9\n  first_period: 2025-01-31\n")
    monkeypatch.setenv("CAREASSURE_REPORTED_MEASURES", str(path))
    assert [m.id for m in reported_measures()] == ["reported.x"]


def test_the_reported_ids_follow_the_app_s_declarations() -> None:
    shipped = frozenset(m.id for m in reported_measures())
    assert reported_ids() == shipped and "reported.share" not in shipped
    try:
        use_app_declarations([PERCENT])
        assert reported_ids() == shipped | {"reported.share"}
    finally:
        use_app_declarations(())
    assert reported_ids() == shipped


def test_the_shipped_measures_are_in_the_catalogue_and_computed_from_values() -> None:
    shipped = reported_measures()
    assert len(shipped) == 10
    for measure in shipped:
        assert CATALOGUE[measure.id].breakdowns == frozenset()
    fnc = "reported.fnc_determinations_per_50k"
    values = [ReportedValue(fnc, date(2025, 6, 30), 32.6)]
    # No store is needed for reported measures alone.
    [at] = compute(None, date(2025, 12, 28), measures=[fnc], reported=values)
    assert (at.value, at.period_start, at.as_of) == (32.6, date(2025, 3, 31), date(2025, 12, 28))
    monthly = series(None, date(2025, 5, 1), date(2025, 7, 31), "month", measures=[fnc],
                     reported=values)
    assert [v.value for v in monthly] == [None, 32.6, 32.6]
    [dementia] = compute(None, date(2025, 12, 28), measures=["reported.dementia_diagnosis_rate"],
                         reported=[ReportedValue("reported.dementia_diagnosis_rate",
                                                 date(2025, 10, 31), 61.2)])
    assert (dementia.target, dementia.status) == (66.7, "not_met")  # the national ambition


def test_a_reported_count_of_1_to_4_is_suppressed_when_published() -> None:
    from careassure.measures.publish import suppress

    people = "reported.dementia_support_people_supported"
    values = [ReportedValue(people, date(2025, 6, 30), 3),
              ReportedValue(people, date(2025, 9, 30), 640)]
    small, large = compute(None, date(2025, 8, 1), measures=[people], reported=values) + \
        compute(None, date(2025, 10, 1), measures=[people], reported=values)
    assert suppress([small])[0].value == "*" and suppress([large])[0].value == 640


def test_narrative_facts_quote_a_reported_measure_like_any_other() -> None:
    from careassure.measures.narrative import facts

    fnc = "reported.fnc_determinations_per_50k"
    values = [ReportedValue(fnc, date(2024, 6, 30), 29.8),
              ReportedValue(fnc, date(2025, 6, 30), 32.6)]
    points = series(None, date(2024, 6, 30), date(2025, 12, 31), "month", measures=[fnc],
                    reported=values)
    found = facts(fnc, points, baseline=date(2024, 6, 30))
    assert found.current is not None and found.current.value == 32.6
    assert found.baseline is not None and found.baseline.value == 29.8
    assert found.direction == "up" and found.change == pytest.approx(2.8)

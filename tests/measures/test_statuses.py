"""Statuses written once: the reason beside a figure, periods in words and the council's
tolerance for 0% and 100% targets."""

from __future__ import annotations

from datetime import date

import pytest

from careassure.measures import MeasureValue, Target
from careassure.measures.format import period_text
from careassure.measures.publish import suppress
from careassure.measures.statuses import GLOSSARY, MET, NO_DATA, NOT_MET, reason, status_of
from careassure.measures.targets import TargetsError, parse_targets

SAFEGUARDING = "safeguarding_concern.pct_decided_within_5_working_days"
END = date(2026, 9, 30)


def test_periods_in_words() -> None:
    assert period_text(date(2026, 6, 30), END) == "3 months to 30/09/2026"
    assert period_text(date(2026, 7, 31), END) == "01/08/2026 to 30/09/2026"
    assert period_text(None, END) == "on 30/09/2026"
    assert period_text(date(2026, 8, 15), date(2026, 11, 15)) == "3 months to 15/11/2026"


def test_a_100_percent_target_is_judged_within_the_councils_tolerance() -> None:
    raw = {"version": 1, "tolerance_at_0_and_100_percent": 1,
           "targets": {SAFEGUARDING: {"comparator": ">=", "value": 100},
                       "review.pct_reviewed_within_12_months": {"comparator": ">=", "value": 85}}}
    targets = parse_targets(raw, "council.yaml")
    hundred = targets.for_measure(SAFEGUARDING)
    assert hundred is not None and hundred.tolerance == 1
    assert hundred.met(99.0) and not hundred.met(98.9)
    # Only a 0% or 100% percentage target takes the tolerance.
    assert targets.for_measure("review.pct_reviewed_within_12_months").tolerance == 0
    value = MeasureValue(SAFEGUARDING, 99.2, 124, 125, END, date(2026, 6, 30))
    assert reason(value, hundred, "council's targets file") == (
        "99.2% (3 months to 30/09/2026) against a target of at least 100% (council's targets "
        "file), judged within 1 percentage point (the council's tolerance for targets of 0% and "
        "100%): met")
    strict = parse_targets({**raw, "tolerance_at_0_and_100_percent": 0}, "c.yaml")
    assert status_of(value, strict.for_measure(SAFEGUARDING)) == NOT_MET
    with pytest.raises(TargetsError, match="tolerance_at_0_and_100_percent 'x'"):
        parse_targets({**raw, "tolerance_at_0_and_100_percent": "x"}, "c.yaml")


def test_statuses_and_reasons_of_a_figure() -> None:
    target = Target("<=", 14, "plan")
    waiting = MeasureValue("care_act_assessment.median_wait", 20.0, None, 40, END)
    assert status_of(waiting, target) == NOT_MET
    assert reason(waiting, target) == (
        "20 days on 30/09/2026 against a target of at most 14 days: not met")
    met = MeasureValue("care_act_assessment.median_wait", 14.0, None, 40, END)
    assert status_of(met, target) == MET and status_of(met, None) is None
    empty = MeasureValue("care_act_assessment.median_wait", None, None, 0, END)
    assert status_of(empty, target) == NO_DATA
    assert reason(empty, target).startswith("No figure (on 30/09/2026): nobody")
    hidden = suppress([MeasureValue("care_act_assessment.median_wait", 20.0, None, 3, END)])[0]
    assert status_of(hidden, target) == NO_DATA
    assert "20 days" not in reason(hidden, target) and "hidden" in reason(hidden, target)
    assert reason(waiting, None) == "No target is set for this measure (on 30/09/2026)"


def test_the_glossary_has_one_rule_per_status() -> None:
    keys = [word.key for word in GLOSSARY]
    assert len(keys) == len(set(keys)) == 8
    assert all(word.rule and word.label for word in GLOSSARY)

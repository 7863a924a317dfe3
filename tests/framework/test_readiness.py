"""Readiness against the 11 characteristics: simple statuses with the reason spelled out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from careassure.framework.evidence import EvidenceView
from careassure.framework.live import LiveMeasure, LiveValues
from careassure.framework.model import load_framework
from careassure.framework.readiness import assess_readiness

FRAMEWORK = load_framework()
ITEM = EvidenceView(
    id=1,
    title="Safeguarding survey",
    owner="SAB manager",
    category="peoples_experience",
    statements=("safeguarding",),
    characteristics=("safeguarding",),
    evidence_date=date(2026, 1, 1),
    review_by=None,
    link="https://example.org",
    file_name=None,
    file_sha256=None,
    content_type=None,
    size_bytes=None,
    stale=False,
)
SAFEGUARDING = [
    "safeguarding_concern.pct_decided_within_5_working_days",
    "s42_enquiry.pct_closed_within_3_months",
    "s42_enquiry.pct_open_over_6_weeks",
]


def _live(statuses: dict[str, str | None]) -> LiveValues:
    readings = {m: LiveMeasure(m, 1, 1, status) for m, status in statuses.items()}
    return LiveValues(readings, "test", date(2026, 3, 31))


def _by_id(results):
    return {r.characteristic.id: r for r in results}


def test_ready_when_all_measures_meet_target_and_peoples_experience_is_current() -> None:
    live = _live(dict.fromkeys(SAFEGUARDING, "met"))
    result = _by_id(assess_readiness(FRAMEWORK, [ITEM], live))["safeguarding"]
    assert result.status == "ready"
    assert result.reason == "3 of 3 linked measures meet target; 1 current evidence item"


def test_partly_with_the_reasons() -> None:
    live = _live({SAFEGUARDING[0]: "met", SAFEGUARDING[1]: "met", SAFEGUARDING[2]: "not_met"})
    processes = replace(ITEM, category="processes")
    result = _by_id(assess_readiness(FRAMEWORK, [processes], live))["safeguarding"]
    assert result.status == "partly"
    assert result.reason == (
        "2 of 3 linked measures meet target; 1 current evidence item, "
        "no People's experience evidence"
    )


def test_not_ready_when_nothing_shows_it() -> None:
    live = _live(dict.fromkeys(SAFEGUARDING, "not_met"))
    stale = replace(ITEM, stale=True)
    result = _by_id(assess_readiness(FRAMEWORK, [stale], live))["safeguarding"]
    assert result.status == "not ready"
    assert result.reason == (
        "0 of 3 linked measures meet target; no current evidence tagged; 1 stale"
    )


def test_measures_without_values_cannot_make_a_characteristic_ready() -> None:
    live = LiveValues({}, "no store", date(2026, 3, 31))
    results = _by_id(assess_readiness(FRAMEWORK, [ITEM], live))
    assert results["safeguarding"].status == "partly"
    assert results["safeguarding"].reason.startswith(
        "3 linked measures, none with a value and target"
    )
    assert results["carers"].status == "not ready"


def test_characteristics_without_measures_are_judged_on_evidence() -> None:
    partnership = replace(ITEM, characteristics=("partnerships_place",))
    live = LiveValues({}, "no store", date(2026, 3, 31))
    results = _by_id(assess_readiness(FRAMEWORK, [partnership], live))
    assert results["partnerships_place"].status == "ready"
    assert results["partnerships_place"].reason == "no linked measures; 1 current evidence item"
    assert results["market_shaping"].status == "not ready"


def test_every_characteristic_is_reported_in_order_with_json() -> None:
    results = assess_readiness(FRAMEWORK, [], _live({}))
    assert [r.characteristic.letter for r in results] == list("abcdefghijk")
    data = results[6].to_json()
    assert data["id"] == "safeguarding" and data["status"] == "not ready"
    assert [m["id"] for m in data["measures"]] == SAFEGUARDING
    assert data["quality_statements"] == ["safeguarding"]

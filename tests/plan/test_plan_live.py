"""The plan judged on a tiny hand-made store: one series query per breakdown column, statuses
and reasons from the real measure engine, and a plan that works before any data is loaded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import careassure.measures.engine as measure_engine
from careassure.plan.live import plan_status, series_grid
from careassure.plan.model import (
    ActionSpec,
    AreaSpec,
    MeasuredTarget,
    Milestone,
    OutcomeSpec,
    PlanSpec,
)

AS_OF = date(2025, 3, 2)  # a Sunday, 8 weeks after the baseline


def _outcome(key: str, measure: str, comparator: str, target: float,
             breakdown: dict[str, str] | None = None) -> OutcomeSpec:
    measured = MeasuredTarget(measure, comparator, target, date(2025, 1, 5), breakdown)
    return OutcomeSpec(key, f"{measure} {comparator} {target}", measured=measured)


def _plan(*outcomes: OutcomeSpec) -> PlanSpec:
    action = ActionSpec(
        key="care-act", title="Care Act assessments", delivery_month=date(2025, 6, 1),
        status="in_progress",
        outcomes=(*outcomes, OutcomeSpec("review", "Process reviewed", milestone=Milestone())),
    )
    area = AreaSpec("timeliness", "Timeliness", (action,))
    return PlanSpec("test", "Test plan", "Test council", date(2025, 1, 1), (area,))


PLAN = _plan(
    _outcome("waiting", "care_act_assessment.waiting", "<=", 3),
    _outcome("median", "care_act_assessment.median_wait", "<=", 14),
    _outcome("locality", "care_act_assessment.waiting", "<=", 1, {"team_type": "locality"}),
)


def test_the_plan_is_judged_on_the_stores_figures(store: Path) -> None:
    status = plan_status(PLAN, AS_OF, store=store)
    waiting = status.find("timeliness/care-act/waiting")
    assert waiting.rag.status == "met"
    assert waiting.rag.reason == (
        "3 on 02/03/2025 against a target of at most 3; down from 5 on 05/01/2025; due June 2025"
    )
    median = status.find("timeliness/care-act/median")
    assert median.rag.status == "off_track"  # the two left have waited longer and longer
    assert median.rag.reason.startswith("91 days on 02/03/2025 against a target of at most 14")
    locality = status.find("timeliness/care-act/locality")
    assert locality.rag.status == "improving"  # 5 -> 2 in 8 weeks; 1 more soon
    assert locality.rag.reason.startswith("2 on 02/03/2025 against a target of at most 1; down "
                                          "from 5 on 05/01/2025; at this rate")
    action = status.find("timeliness/care-act")
    assert action.rag.status == "off_track"
    assert status.rag.status == "off_track"
    assert "computed from" in status.note
    facts = action.facts()  # what a progress update pre-fills
    assert [f["measure"] for f in facts] == [
        "care_act_assessment.waiting", "care_act_assessment.median_wait",
        "care_act_assessment.waiting"]
    assert facts[0]["sentence"] == (
        "Care Act assessments: number waiting: 3 on 02/03/2025 (down from 5 on 05/01/2025); "
        "target at most 3")


def test_one_series_query_per_breakdown_column(store: Path, monkeypatch) -> None:
    calls: list[dict] = []
    real = measure_engine.series

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(measure_engine, "series", counting)
    plan_status(PLAN, AS_OF, store=store)
    assert sorted(str(c["by"]) for c in calls) == ["None", "team_type"]
    calls.clear()
    plan_status(_plan(*PLAN.areas[0].actions[0].outcomes[:2]), AS_OF, store=store)
    assert len(calls) == 1
    assert calls[0]["measures"] == [
        "care_act_assessment.waiting", "care_act_assessment.median_wait"]


def test_weekly_series_end_on_the_as_of_date_and_monthly_at_month_ends() -> None:
    assert series_grid(PLAN, AS_OF) == (date(2025, 1, 5), "week")
    assert series_grid(PLAN, date(2025, 3, 31)) == (date(2024, 12, 31), "month")
    start, step = series_grid(PLAN, date(2025, 3, 5), "week")
    assert step == "week" and (date(2025, 3, 5) - start).days % 7 == 0
    assert start <= date(2025, 1, 5) < start + (date(2025, 1, 12) - date(2025, 1, 5))


def test_a_baseline_between_month_ends_quotes_the_baseline_dates_own_figure(
    store: Path, monkeypatch
) -> None:
    calls: list[dict] = []
    real = measure_engine.series

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(measure_engine, "series", counting)
    plan = _plan(*PLAN.areas[0].actions[0].outcomes[:2])
    status = plan_status(plan, date(2025, 3, 31), store=store, every="month")
    assert len(calls) == 1  # the baseline date rides in the same query
    median = status.find("timeliness/care-act/median")
    # 35 days on the baseline date (5 January), not the 30 days of 31 December before it
    assert "up from 35 days on 05/01/2025" in median.rag.reason
    assert [p.as_of for p in median.points] == [
        date(2024, 12, 31), date(2025, 1, 5), date(2025, 1, 31), date(2025, 2, 28),
        date(2025, 3, 31)]


def test_a_baseline_date_is_added_only_to_the_measures_that_start_there(store: Path) -> None:
    other = MeasuredTarget("care_act_assessment.median_wait", "<=", 14, date(2025, 1, 12))
    plan = _plan(PLAN.areas[0].actions[0].outcomes[0],
                 OutcomeSpec("median", "Median wait", measured=other))
    status = plan_status(plan, date(2025, 3, 31), store=store, every="month")
    waiting = status.find("timeliness/care-act/waiting").points
    median = status.find("timeliness/care-act/median").points
    assert date(2025, 1, 5) in [p.as_of for p in waiting]
    assert date(2025, 1, 12) not in [p.as_of for p in waiting]
    assert [p.as_of for p in median][:3] == [date(2024, 12, 31), date(2025, 1, 12),
                                             date(2025, 1, 31)]


def test_the_judgement_as_at_a_past_date_reads_as_it_did_then(store: Path) -> None:
    status = plan_status(PLAN, date(2025, 1, 19), store=store)
    waiting = status.find("timeliness/care-act/waiting")
    assert waiting.rag.status == "not_met"
    assert waiting.rag.reason.startswith("5 on 19/01/2025 against a target of at most 3; "
                                         "unchanged from 5 on 05/01/2025")


def test_without_a_store_measured_outcomes_have_no_data(tmp_path: Path) -> None:
    status = plan_status(PLAN, AS_OF, store=tmp_path / "none.duckdb")
    assert "no store at" in status.note
    assert {o.rag.status for o in status.outcomes() if o.spec.measured} == {"no_data"}
    # The milestone's action is under way but has no progress recorded: due, not improving.
    assert status.find("timeliness/care-act/review").rag.status == "due"
    assert status.rag.status == "no_data"


def test_published_status_hides_small_counts(store: Path) -> None:
    status = plan_status(PLAN, AS_OF, store=store, publish=True)
    data = status.to_json()
    outcome = data["areas"][0]["actions"][0]["outcomes"][0]
    assert outcome["facts"]["current"]["value"] == "*"
    assert outcome["rag"]["reason"].startswith("* on 02/03/2025")
    assert data["published"] is True
    with pytest.raises(ValueError, match="evaluated unpublished"):
        plan_status(PLAN, AS_OF, store=store).to_json(publish=True)


def test_the_reported_points_alone_need_no_store_and_complete_the_computed_ones() -> None:
    """The web app caches the computed points and adds the reported ones on every request;
    together they are the points of one call for all."""
    from careassure.measures.reported import ReportedValue
    from careassure.plan import load_demo_plan
    from careassure.plan.live import fetch_points

    plan = load_demo_plan()
    fnc = "reported.fnc_determinations_per_50k"
    values = [ReportedValue(fnc, date(2025, 6, 30), 32.6)]
    points = fetch_points(None, plan, date(2025, 12, 28), reported=values, which="reported")
    assert {p.measure for p in points} == {
        fnc, "reported.pct_easily_find_information", "reported.carers_accessing_support_pct",
        "reported.reablement_additional_fte", "reported.peer_audit_participation_pct"}
    latest = [p for p in points if p.measure == fnc and p.as_of == date(2025, 12, 28)]
    assert [(p.value, p.target, p.status) for p in latest] == [(32.6, None, None)]
    baseline = [p for p in points if p.measure == fnc and p.as_of == date(2025, 6, 30)]
    assert [p.value for p in baseline] == [32.6]  # the outcome's baseline date is evaluated

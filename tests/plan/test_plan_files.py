"""The plan as YAML (versioned, checked, round trip) and in the seed's table layout."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from careassure.plan.model import PlanError
from careassure.plan.seedtable import (
    COLUMNS,
    parse_table,
    split_action,
    split_outcomes,
    table_rows,
    table_text,
)
from careassure.plan.yamlfile import load_demo_plan, parse_plan, parse_plan_text, plan_yaml

# The plan appendix of Leicestershire's committee pack of 19 January 2026, as published.
SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed004_plan_appendix.txt"


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


HEAD = "Plan\nUpdated: 29 December 2025\n" + "\t".join(COLUMNS) + "\n"


def _minimal() -> dict:
    return {
        "version": 1,
        "key": "test-plan",
        "title": "Test plan",
        "council": "Test council",
        "updated": date(2025, 12, 29),
        "areas": [
            {
                "key": "timeliness",
                "title": "Timeliness",
                "actions": [
                    {
                        "key": "care-act",
                        "title": "Care Act assessments",
                        "delivery": "May-26",
                        "outcomes": [
                            {"key": "median", "text": "Median wait at most 14 days",
                             "measure": "care_act_assessment.median_wait"},
                            {"key": "review", "text": "Process reviewed"},
                        ],
                    }
                ],
            }
        ],
    }


# --- the seed table -----------------------------------------------------------------------------


def test_the_seed_004_table_gives_every_area_action_and_outcome(seed_text: str) -> None:
    plan = parse_table(seed_text, "seed 004", council="Leicestershire County Council")
    assert (plan.title, plan.updated_on) == (
        "Care Quality Commission Improvement Plan", date(2025, 12, 29))
    counts = plan.counts()
    assert (counts["areas"], counts["actions"], counts["outcomes"]) == (11, 21, 49)
    assert counts["progress_updates"] == 21 and counts["measured"] == 0
    assert [len(a.actions) for a in plan.areas] == [6, 1, 2, 1, 1, 1, 2, 1, 4, 1, 1]
    occupational = plan.areas[0].actions[3]
    assert occupational.title == "Occupational Therapy (OT)"
    assert len(occupational.steps) == 4 and len(occupational.outcomes) == 5
    assert occupational.delivery_month == date(2026, 11, 1)
    # The Annual Review row follows a repeated header and belongs to the area before it.
    assert plan.areas[0].actions[4].title == "Annual Review"
    caseload = plan.areas[8].actions[0]
    assert (caseload.title, caseload.steps) == (
        "Caseload Review", ("Review case loads and allocations across Operational Commissioning",))
    assert plan.areas[2].actions[0].progress[0].narrative.startswith("A new Hospital discharge")


def test_the_table_layout_round_trips(seed_text: str) -> None:
    plan = parse_table(seed_text, "seed 004", council="Leicestershire County Council")
    again = parse_table(table_text(plan), "export", council="Leicestershire County Council")
    assert again == plan


def test_rows_for_the_report_writer_carry_the_seed_columns() -> None:
    plan = load_demo_plan()
    rows = table_rows(plan)
    assert len(rows) == 21
    assert list(rows[0]) == list(COLUMNS)
    assert rows[0]["Improvement Area"] == "Timeliness of Assessments and Reviews"
    assert rows[1]["Improvement Area"] == ""
    assert rows[0]["Delivery Date"] == "May-26"
    assert rows[0]["Outcome(s)"].startswith(
        "1. Care Act Assessments to be allocated within 28 days 2.")


def test_numbered_cells_split_only_on_consecutive_numbers() -> None:
    assert split_action("Carers Service 1. Develop new Carer Strategy 2026-2030 2. Design it") == (
        "Carers Service", ["Develop new Carer Strategy 2026-2030", "Design it"])
    assert split_outcomes("1. Section 42 enquiries 3. closed 2. reported") == [
        "Section 42 enquiries 3. closed", "reported"]
    assert split_outcomes("One outcome only") == ["One outcome only"]
    assert split_action("Untitled work") == ("Untitled work", [])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no table here\n", "no plan table found"),
        ("Plan\nUpdated: 29 Dec 2025\n\n" + "\t".join(COLUMNS) + "\n", "is not a date like"),
        ("Plan\n\n" + "\t".join(COLUMNS) + "\nArea\tAct 1. x\t1. y\tMay-26\t\n",
         "no 'Updated: <date>' line"),
        (HEAD + "\tAct 1. x\t1. y\tMay-26\t\n",
         "line 4, column Improvement Area: the first row names no area"),
        (HEAD + "A\tAct 1. x\t1. y\tSoon\t\n",
         "line 4, column Delivery Date: 'Soon' is not a month"),
        (HEAD + "A\tB\tC\tMay-26\tE\tF\tG\n",
         "line 4: 7 tab-separated cells, expected 5"),
    ],
)
def test_bad_tables_are_refused_with_line_and_column(text: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        parse_table(text, "appendix.tsv", council="Test council")


# --- YAML -------------------------------------------------------------------------------------


def test_the_demo_plan_is_the_seed_table_with_measures_linked(seed_text: str) -> None:
    demo = load_demo_plan()
    seed = parse_table(seed_text, "seed 004", council="Leicestershire County Council")
    assert (demo.council, demo.updated_on) == ("Leicestershire County Council", date(2025, 12, 29))
    assert [a.title for a in demo.areas] == [a.title for a in seed.areas]
    for demo_area, seed_area in zip(demo.areas, seed.areas, strict=True):
        for mine, theirs in zip(demo_area.actions, seed_area.actions, strict=True):
            assert (mine.title, mine.steps, mine.delivery_month) == (
                theirs.title, theirs.steps, theirs.delivery_month)
            assert [p.narrative for p in mine.progress] == [p.narrative for p in theirs.progress]
            assert all(p.written_on == date(2025, 12, 29) for p in mine.progress)
            texts = [o.text for o in mine.outcomes]
            assert texts[: len(theirs.outcomes)] == [o.text for o in theirs.outcomes]
    counts = demo.counts()
    assert counts["outcomes"] == 50  # the seed's 49 and one safeguarding monitoring outcome
    # 20 on computed measures and 5 on reported ones (FNC, information, carers, reablement,
    # peer audit)
    assert counts["measured"] == 25 and counts["risks"] >= 2


def test_the_demo_links_the_outcomes_the_brief_names() -> None:
    demo = load_demo_plan()
    targets = {
        (o.measured.measure_id, o.measured.comparator, o.measured.target)
        for area in demo.areas for a in area.actions for o in a.outcomes if o.measured
    }
    assert {
        ("care_act_assessment.median_wait", "<=", 14.0),
        ("financial_assessment.median_wait", "<=", 28.0),
        ("financial_assessment.max_wait", "<=", 56.0),
        ("financial_assessment.waiting", "<=", 220.0),
        ("review.pct_reviewed_within_12_months", ">=", 85.0),
        ("review.median_overdue", "<=", 30.0),
        ("review.max_overdue", "<=", 90.0),
        ("care_act_assessment.team_disparity", "abs<", 5.0),
    } <= targets
    measures = {m for m, _, _ in targets}
    assert {"contacts.pct_answered", "equipment_delivery.pct_within_5_working_days",
            "minor_adaptation.pct_within_60_days", "major_adaptation.pct_within_120_days",
            "safeguarding_concern.pct_decided_within_5_working_days"} <= measures
    assert any(m.startswith("carer_assessment.") for m in measures)
    assert any(m.startswith("ot_assessment.") for m in measures)


def test_the_demo_plan_tracks_the_seeds_reported_figures_with_reported_measures() -> None:
    demo = load_demo_plan()
    linked = {
        o.key: (o.measured.measure_id, o.measured.comparator, o.measured.target,
                o.measured.baseline_on)
        for area in demo.areas for a in area.actions for o in a.outcomes if o.measured
    }
    assert linked["fnc-determinations"] == (
        "reported.fnc_determinations_per_50k", ">=", 45.0, date(2025, 6, 30))
    assert linked["access-to-information"][:3] == (
        "reported.pct_easily_find_information", ">=", 90.0)
    assert linked["carer-satisfaction"][:3] == (
        "reported.carers_accessing_support_pct", ">", 18.52)
    assert linked["reablement-for-all"][:3] == ("reported.reablement_additional_fte", ">=", 30.0)
    assert linked["audit-impact-evidence"][:3] == (
        "reported.peer_audit_participation_pct", ">=", 95.0)


def test_yaml_round_trip_keeps_everything() -> None:
    demo = load_demo_plan()
    assert parse_plan_text(plan_yaml(demo), "round trip") == demo
    assert "&id" not in plan_yaml(demo)  # written in place, no YAML anchors


def test_a_measured_outcome_without_a_target_takes_the_catalogues() -> None:
    plan = parse_plan(_minimal(), "plan.yaml")
    outcome = plan.areas[0].actions[0].outcomes[0]
    assert outcome.measured is not None
    assert (outcome.measured.comparator, outcome.measured.target) == ("<=", 14.0)
    assert plan.areas[0].actions[0].outcomes[1].milestone is not None
    assert plan.areas[0].actions[0].delivery_month == date(2026, 5, 1)


def _broken(change) -> dict:
    raw = _minimal()
    change(raw)
    return raw


def _outcome(raw: dict) -> dict:
    return raw["areas"][0]["actions"][0]["outcomes"][0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(version=2), r"plan.yaml: version is 2; supported: 1"),
        (lambda r: _outcome(r).update(measure="care_act_assessment.median"),
         r"area 'timeliness' / action 'care-act' / outcome 'median': measure "
         r"'care_act_assessment.median' is not in the catalogue \(measures of that kind: "),
        (lambda r: _outcome(r).update(mesure="x"),
         r"outcome 1: unknown field 'mesure'"),
        (lambda r: _outcome(r).update(comparator="=<", target=14),
         r"outcome 'median': comparator '=<' is not one of"),
        (lambda r: _outcome(r).update(target=14),
         r"give both comparator and target \(or neither\)"),
        (lambda r: _outcome(r).update(measure="care_act_assessment.waiting"),
         r"care_act_assessment.waiting has no catalogue target: give comparator and target"),
        (lambda r: _outcome(r).update(breakdown={"hair_colour": "red"}),
         r"cannot be broken down by 'hair_colour'"),
        (lambda r: r["areas"][0]["actions"][0].update(delivery="someday"),
         r"action 'care-act': delivery 'someday' is not a month"),
        (lambda r: r["areas"][0]["actions"][0].update(status="done"),
         r"action 'care-act': status 'done' is not one of not_started, in_progress, complete"),
        (lambda r: r["areas"].append(r["areas"][0]), r"two areas have the key 'timeliness'"),
        (lambda r: r["areas"][0].update(key="Timeliness!"),
         r"area 1: key 'Timeliness!' must be 1-60 lower-case letters"),
        (lambda r: r.update(risks=[{"key": "r", "description": "d", "likelihood": 6, "impact": 1,
                                    "mitigation": "m"}]),
         r"risk 1: likelihood 6 must be a whole number from 1 to 5"),
        (lambda r: r.update(risks=[{"key": "r", "description": "d", "likelihood": 2, "impact": 1,
                                    "mitigation": "m", "area": "nowhere"}]),
         r"risk 1: area 'nowhere' is not an area of this plan"),
        (lambda r: r.update(overrides=[{"item": "timeliness/nope", "status": "met",
                                        "reason": "x", "set_by": "me",
                                        "set_at": "2026-01-01T10:00:00+00:00"}]),
         r"override 1: item 'timeliness/nope' is not in this plan"),
        (lambda r: r["areas"][0]["actions"][0]["outcomes"][1].update(
            evidence="javascript:alert(1)"),
         r"outcome 'review': evidence link 'javascript:alert\(1\)' must be an http"),
    ],
)
def test_bad_yaml_names_the_entry_and_the_reason(change, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        parse_plan(_broken(change), "plan.yaml")


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    from careassure.plan.yamlfile import read_plan

    with pytest.raises(PlanError, match="cannot read the plan file"):
        read_plan(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: [1\n", encoding="utf-8")
    with pytest.raises(PlanError, match="broken.yaml: not valid YAML"):
        read_plan(broken)


def test_overrides_round_trip() -> None:
    raw = _minimal()
    raw["overrides"] = [{"item": "timeliness/care-act", "status": "improving",
                         "reason": "Staff start in February", "set_by": "Debbie",
                         "set_at": "2026-01-05T10:00:00+00:00"}]
    plan = parse_plan(raw, "plan.yaml")
    again = parse_plan(yaml.safe_load(plan_yaml(plan)), "again")
    assert again == plan
    assert replace(again, overrides=()) != plan

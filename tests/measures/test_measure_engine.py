"""The engine's public behaviour: inputs it accepts and refuses, targets and status, output
order, and series that agree with single-date evaluations."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from measure_spec import call, d, duckdb_backend, episode, person, service, team

from careassure.measures import CATALOGUE, compute, load_targets, series
from careassure.measures.targets import parse_targets
from careassure.records.store import open_store

CARE = "care_act_assessment"


def small_store():
    return duckdb_backend({
        "teams": [team("A", "locality"), team("B", "specialist")],
        "people": [person("P1", ethnicity="white", birth_month="1950-05"),
                   person("P2", ethnicity="asian", birth_month="1990-05")],
        "episodes": [
            episode(CARE, "2025-01-01", person_id="P1", team="A"),
            episode(CARE, "2025-01-20", person_id="P2", team="B", allocated="2025-02-20"),
            episode(CARE, "2025-02-03", person_id="P1", team="A", allocated="2025-02-10",
                    completed="2025-03-01"),
            episode("financial_assessment", "2024-12-20", person_id="P2"),
            episode("s42_enquiry", "2025-01-06", person_id="P2", completed="2025-02-14"),
            episode("equipment_delivery", "2025-02-03", person_id="P1", completed="2025-02-12"),
            episode("review", "2024-02-15", person_id="P1", completed="2024-02-15"),
        ],
        "services": [service("P1", "2023-01-01"),
                     service("P2", "2024-06-01", setting="direct_payment")],
        "contacts": [call("2025-02-03T09:00:00", True, 40), call("2025-02-10T09:00:00", False, 7)],
        "population": [{"ethnicity": "white", "count": 90}, {"ethnicity": "asian", "count": 10}],
    })


def test_unknown_measure_and_breakdown_are_refused() -> None:
    backend = small_store()
    with pytest.raises(ValueError, match="unknown measure.*care_act.wating"):
        compute(backend, d("2025-03-31"), measures=["care_act.wating"])
    with pytest.raises(ValueError, match="cannot break down by 'gender'"):
        compute(backend, d("2025-03-31"), by="gender")
    with pytest.raises(ValueError, match="must be before the as-of date"):
        compute(backend, d("2025-03-31"), period_start=d("2025-04-01"))


def test_every_catalogue_measure_is_computed_once_per_date(tmp_path: Path) -> None:
    result = compute(small_store(), d("2025-03-31"))
    assert [v.measure for v in result] == list(CATALOGUE)
    flows = {m for m, definition in CATALOGUE.items() if definition.kind == "flow"}
    for v in result:
        # Flow values carry the default period, the 3 months ending at the as-of date.
        assert v.period_start == (d("2024-12-31") if v.measure in flows else None)


def test_a_careassure_store_is_accepted(tmp_path: Path) -> None:
    with open_store(tmp_path / "store.duckdb", read_only=False) as store:
        store.connection.execute(
            "INSERT INTO people (person_id, client_type, extract) VALUES ('P1', 'carer', 'x')"
        )
        store.connection.execute(
            "INSERT INTO episodes (episode_id, person_id, kind, received_date, extract) "
            "VALUES ('E1', 'P1', 'carer_assessment', DATE '2025-03-01', 'x')"
        )
        result = compute(store, d("2025-03-31"), measures=["carer_assessment.waiting"])
    assert [(v.measure, v.value) for v in result] == [("carer_assessment.waiting", 1)]


def test_targets_judge_the_value() -> None:
    backend = small_store()
    # Waiting at 31/03/2025: one Care Act assessment received 01/01/2025: 89 days.
    default = compute(backend, d("2025-03-31"), measures=[f"{CARE}.median_wait"])[0]
    assert (default.value, default.target, default.status) == (89.0, 14.0, "not_met")
    own = parse_targets(
        {"version": 1, "targets": {f"{CARE}.median_wait": {"comparator": "<=", "value": 90}}},
        "council.yaml",
    )
    judged = compute(backend, d("2025-03-31"), measures=[f"{CARE}.median_wait"], targets=own)[0]
    assert (judged.target, judged.status) == (90.0, "met")
    # No target: no status; no value: no status.
    none = compute(backend, d("2025-03-31"), measures=[f"{CARE}.waiting"], targets=own)[0]
    assert (none.target, none.status) == (None, None)
    empty = compute(backend, d("2024-01-31"), measures=[f"{CARE}.median_wait"])[0]
    assert (empty.value, empty.target, empty.status) == (None, 14.0, None)


def test_the_targets_file_named_in_the_environment_is_used(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text("version: 1\ntargets:\n  care_act_assessment.waiting:\n"
                    "    comparator: '<'\n    value: 2\n    source: council plan\n")
    monkeypatch.setenv("CAREASSURE_TARGETS", str(path))
    assert load_targets().for_measure(f"{CARE}.waiting").source == "council plan"
    value = compute(small_store(), d("2025-03-31"), measures=[f"{CARE}.waiting"])[0]
    assert (value.value, value.target, value.status) == (1, 2.0, "met")


MEASURES = [
    f"{CARE}.waiting", f"{CARE}.median_wait", f"{CARE}.median_wait_to_allocation",
    "financial_assessment.max_wait", "s42_enquiry.open", "s42_enquiry.pct_closed_within_3_months",
    "equipment_delivery.pct_within_5_working_days", "review.overdue",
    "review.pct_reviewed_within_12_months", "direct_payments.pct", "contacts.pct_answered",
    f"{CARE}.team_disparity", f"{CARE}.representation.white", "data_quality.pct_missing",
]


@pytest.mark.parametrize("by", [None, "team"])
def test_weekly_series_equals_single_dates(by: str | None) -> None:
    backend = small_store()
    weekly = series(backend, d("2025-01-05"), d("2025-03-02"), "week", measures=MEASURES, by=by)
    singles = []
    for week in range(9):
        as_of = d("2025-01-05") + timedelta(weeks=week)
        singles += compute(backend, as_of, measures=MEASURES, by=by)
    key = lambda v: (v.measure, v.as_of, str(v.breakdown))  # noqa: E731
    assert sorted(weekly, key=key) == sorted(singles, key=key)
    # Ordered by measure, then date, whole area before groups.
    assert [v.measure for v in weekly[:2]] == [MEASURES[0]] * 2
    assert weekly[0].as_of == d("2025-01-05")


def test_monthly_series_flows_are_over_the_three_months_to_each_month_end() -> None:
    backend = small_store()
    monthly = series(backend, d("2025-01-01"), d("2025-03-31"), "month",
                     measures=["equipment_delivery.pct_within_5_working_days", f"{CARE}.waiting"])
    assert [(v.as_of, v.period_start, v.value) for v in monthly] == [
        # 03/02 -> 12/02/2025 is 7 working days: late, delivered in February, so in the three
        # months to the end of February and of March, not in those to the end of January.
        (d("2025-01-31"), d("2024-10-31"), None),
        (d("2025-02-28"), d("2024-11-30"), 0.0),
        (d("2025-03-31"), d("2024-12-31"), 0.0),
        # Waiting at each month end: 31/01: E1, E2 (allocated 20/02) -> 2; 28/02: E1;
        # 31/03: E1.
        (d("2025-01-31"), None, 2),
        (d("2025-02-28"), None, 1),
        (d("2025-03-31"), None, 1),
    ]


def test_a_store_written_before_the_cld_tables_existed_has_no_national_figures() -> None:
    # Only the record-format tables: the CLD-only tables read as empty, not as an error.
    import duckdb
    import ibis

    from careassure.records.schema import LOAD_ORDER
    from careassure.records.store import table_ddl

    con = duckdb.connect(":memory:")
    for name in LOAD_ORDER:
        con.execute(table_ddl(name))
    wanted = ["dhsc.wait_to_first_response.25_to_64", "ascof.3d.1a", "ascof.2b"]
    got = compute(ibis.duckdb.from_connection(con), d("2025-03-31"), measures=wanted)
    assert [(v.measure, v.value, v.denominator) for v in got] == [
        (m, None, 0) for m in wanted]

"""Spec tests: DHSC's activity tables from CLD, worked out by hand on a few CLD events for the
financial year 2024/25 (D = 31/03/2025), on DuckDB and on Spark; and what of them may be
published."""

from __future__ import annotations

from itertools import count
from typing import Any

from measure_spec import Row, d, person

from careassure.measures.activity import BY_ID, ActivityResult, activity, published

D = d("2025-03-31")
_ids = count(1)
OLD, YOUNG = "1950-01", "1980-01"


def event(who: str, event_type: str, start: str, end: str | None = None, *,
          client_type: str = "service_user", **columns: Any) -> Row:
    order = next(_ids)
    return {"event_id": f"a{order}", "person_id": who, "event_type": event_type,
            "client_type": client_type, "start_date": d(start),
            "end_date": d(end) if end else None, "period_end": D, "record_order": order,
            **columns}


def lts(who: str, start: str, end: str | None = None, setting: str = "lts_community",
        **columns: Any) -> Row:
    return event(who, "service", start, end, service_type=setting, **columns)


def county() -> dict[str, list[Row]]:
    # A, C, D, G born 1950 (65+ at D); B, E, F born 1980 (18-64); K of unknown age.
    # H carer born 1960 (65+), I and J carers born 1990.
    people = [person(w, birth_month=OLD) for w in "ACDG"]
    people += [person("B", birth_month=YOUNG),
               person("E", birth_month=YOUNG, gender="female",
                      primary_support_reason="learning_disability"),
               person("F", birth_month=YOUNG, gender="male",
                      primary_support_reason="learning_disability"),
               person("K"), person("H", birth_month="1960-01", client_type="carer"),
               person("I", birth_month="1990-01", client_type="carer"),
               person("J", birth_month="1990-01", client_type="carer")]
    events = [
        # Requests: A's ends "NFA: information and advice" (65+); B's progresses to assessment
        # (18-64); C already has long-term support: not a new client, left out; A's of March
        # 2024 ended before the year; K's has no outcome (unknown, unknown age).
        event("A", "request", "2024-05-01", "2024-05-01", outcome="no_further_action"),
        event("B", "request", "2024-06-01", "2024-06-01", outcome="progress_to_assessment"),
        event("C", "request", "2024-06-01", "2024-06-01", outcome="progress_to_services"),
        event("A", "request", "2024-03-01", "2024-03-01", outcome="no_further_action"),
        event("K", "request", "2024-07-01", "2024-07-01"),
        # Long-term support: C community by direct payment since 01/05/2024 (under 12 months
        # at D); D residential since 2020 and community since 2023 (residential outranks);
        # E community, direct payment component, since 06/2023; F community 01/2024 to
        # 30/06/2024 (in the year, not at D); G nursing ended 31/03/2024, before the year.
        lts("C", "2024-05-01", delivery_mechanism="direct_payment"),
        lts("D", "2020-01-01", setting="lts_residential"), lts("D", "2023-01-01"),
        lts("E", "2023-06-01", service_component="direct_payment"),
        lts("F", "2024-01-01", "2024-06-30"),
        lts("G", "2023-01-01", "2024-03-31", setting="lts_nursing"),
        # Reviews: A planned (65+), B with no reason (18-64).
        event("A", "review", "2024-09-01", "2024-09-02", review_reason="planned"),
        event("B", "review", "2024-08-01", "2024-08-02"),
        # Reablement of new clients: A's ends "NFA: information and advice" with nothing after;
        # B's ends "continuation", which says nothing: unable to classify.
        event("A", "service", "2024-06-01", "2024-06-30", service_type="sts_st_max",
              outcome="no_further_action"),
        event("B", "service", "2024-10-01", "2024-10-31", service_type="sts_st_max",
              outcome="continuation"),
        # Carers: H a direct payment, I an assessment only, J support involving the person
        # cared for.
        event("H", "service", "2024-06-01", client_type="carer", service_type="carer_direct",
              delivery_mechanism="direct_payment"),
        event("I", "assessment", "2024-06-01", "2024-06-10", client_type="carer",
              assessment_type="carer"),
        event("J", "service", "2024-06-01", "2024-07-01", client_type="carer",
              service_type="carer_with_cared_for"),
    ]
    details = [{"person_id": "E", "employment_status": "paid_under_16_hours",
                "settled_accommodation": True}]
    return {"people": people, "cld_events": events, "cld_people": details}


def test_each_activity_table_counted_by_hand(store) -> None:
    got = {r.table.id: dict(r.counts) for r in activity(store(**county()), D)}
    assert got == {
        "requests": {("no_further_action", "65+"): 1, ("progress_to_assessment", "18-64"): 1,
                     ("unknown", "unknown"): 1},
        "short_term": {("no_further_action", "65+"): 1, ("unclassified", "18-64"): 1},
        "long_term_in_year": {("lts_community", "65+"): 1, ("lts_residential", "65+"): 1,
                              ("lts_community", "18-64"): 2},
        "long_term_at_end": {("community_direct_payment", "65+"): 1,
                             ("residential", "65+"): 1,
                             ("community_direct_payment", "18-64"): 1},
        "long_term_over_12_months": {("lts_residential", "65+"): 1,
                                     ("lts_community", "18-64"): 1},
        "reviews": {("planned", "65+"): 1, ("unknown", "18-64"): 1},
        "carers": {("direct_payment", "65+"): 1, ("no_support", "18-64"): 1,
                   ("via_cared_for", "18-64"): 1},
        "learning_disability_employment": {("paid_under_16_hours", "female"): 1,
                                           ("unknown", "male"): 1},
        "learning_disability_accommodation": {("settled", "female"): 1,
                                              ("unknown", "male"): 1},
    }


def test_published_tables_hide_small_counts_and_what_subtraction_would_reveal() -> None:
    # Reviews: planned 10 (18-64) and 3 (65+), unplanned 20 and 15. The 3 is hidden; its row
    # total (13) would give it away from the 10, so the 10 goes too; its column total (18)
    # would give it away from the 15, so the 15 goes too; and the 18-64 column total (30) would
    # give the 10 away from the 20, so the 20 goes too. Every total stays: no hidden cell can be
    # worked out from the totals and the cells still shown.
    counts = {("planned", "18-64"): 10, ("planned", "65+"): 3,
              ("unplanned", "18-64"): 20, ("unplanned", "65+"): 15}
    shown = published(ActivityResult(BY_ID["reviews"], d("2024-03-31"), D, counts))
    hidden = sorted(cell for cell, n in shown.items() if n == "*")
    assert hidden == [("planned", "18-64"), ("planned", "65+"), ("unplanned", "18-64"),
                      ("unplanned", "65+")]
    assert shown[("planned", "total")] == 13
    assert shown[("total", "65+")] == 18
    assert shown[("total", "total")] == 48
    assert shown[("unknown", "unknown")] == 0

"""Spec tests: the measures the plan outcomes and budget papers quote beyond the waiting lists
(docs/measures.md: calls by category, financial assessments by residential / non-residential,
reviews overdue over 2 years, personal budgets, representation in safeguarding concerns and in
long-term support, reablement outcomes, service users and weekly cost by setting). Answers by
hand; DuckDB and Spark."""

from __future__ import annotations

from measure_spec import call, d, episode, figures, person, service, team, whole_area

from careassure.measures import compute

FIN = "financial_assessment"


def test_financial_waiting_lists_by_residential_and_non_residential(store) -> None:
    # D = Thu 02/01/2025; waits in working days, England and Wales bank holidays excluded.
    #   residential: Fri 20/12/2024 (6), Tue 19/11/2024 (29), Mon 01/07/2024 (26 weeks and 3 days
    #     = 133 weekdays, less 26/08, 25/12, 26/12 and 01/01 = 129; + 6 months = 01/01/2025 < D)
    #   non-residential: Wed 20/11/2024 (28); one allocated before D is not waiting.
    #   no subtype: in neither list.
    backend = store(episodes=[
        episode(FIN, "2024-12-20", subtype="residential"),
        episode(FIN, "2024-11-19", subtype="residential"),
        episode(FIN, "2024-07-01", subtype="residential"),
        episode(FIN, "2024-11-20", subtype="non_residential"),
        episode(FIN, "2024-12-02", subtype="non_residential", allocated="2024-12-10"),
        episode(FIN, "2024-12-20"),
    ])
    names = ("waiting", "median_wait", "max_wait", "pct_over_28", "over_6_months")
    measures = [f"{FIN}.{n}.{s}" for n in names for s in ("residential", "non_residential")]
    got = whole_area(compute(backend, d("2025-01-02"), measures=measures))
    assert figures(got[f"{FIN}.waiting.residential"]) == (3, 3, None)
    assert figures(got[f"{FIN}.median_wait.residential"]) == (29.0, None, 3)
    assert figures(got[f"{FIN}.max_wait.residential"]) == (129, None, 3)
    assert figures(got[f"{FIN}.pct_over_28.residential"]) == (66.7, 2, 3)
    assert figures(got[f"{FIN}.over_6_months.residential"]) == (1, 1, None)
    assert figures(got[f"{FIN}.waiting.non_residential"]) == (1, 1, None)
    assert figures(got[f"{FIN}.median_wait.non_residential"]) == (28.0, None, 1)
    assert figures(got[f"{FIN}.max_wait.non_residential"]) == (28, None, 1)
    assert figures(got[f"{FIN}.pct_over_28.non_residential"]) == (0.0, 0, 1)
    assert figures(got[f"{FIN}.over_6_months.non_residential"]) == (0, 0, None)
    # The whole list still holds all four waiting (the one without a subtype too).
    assert whole_area(compute(backend, d("2025-01-02"), measures=[f"{FIN}.waiting"]))[
        f"{FIN}.waiting"].value == 5


OVER_2Y = "review.overdue_over_2_years"


def test_reviews_overdue_by_more_than_two_years(store) -> None:
    backend = store(
        services=[
            # P1: in support since 01/01/2022, never reviewed: due 01/01/2023, + 24 months =
            # 01/01/2025, before 30/06/2025.
            service("P1", "2022-01-01"),
            # P2: reviewed 30/06/2022: due 30/06/2023, + 24 months = 30/06/2025: not before
            # 30/06/2025 (exactly two years over), before 01/07/2025.
            service("P2", "2021-01-01"),
            # P3: reviewed 29/02/2020: due 28/02/2021, + 24 months = 28/02/2023.
            service("P3", "2019-01-01"),
            # P4: never reviewed, but support ended in 2016: not in long-term support.
            service("P4", "2015-01-01", "2016-01-01"),
        ],
        episodes=[
            episode("review", "2022-06-30", person_id="P2", completed="2022-06-30"),
            episode("review", "2020-02-29", person_id="P3", completed="2020-02-29"),
        ],
    )
    at_30_june = whole_area(compute(backend, d("2025-06-30"), measures=[OVER_2Y]))
    assert figures(at_30_june[OVER_2Y]) == (2, 2, None)  # P1, P3
    at_1_july = whole_area(compute(backend, d("2025-07-01"), measures=[OVER_2Y]))
    assert figures(at_1_july[OVER_2Y]) == (3, 3, None)  # and P2


PB = "personal_budgets.pct"
DP = "direct_payments.pct"


def test_personal_budgets_and_direct_payments_share_of_community_support(store) -> None:
    # D = 30/06/2025. Community long-term support: Q1, Q2, Q3, Q5, Q6, Q7 (6 people).
    backend = store(services=[
        # Q1: home care, council commissioned: neither.
        service("Q1", "2024-01-01", delivery_mechanism="council_commissioned"),
        # Q2: setting direct_payment: a direct payment, so a personal budget.
        service("Q2", "2024-01-01", setting="direct_payment"),
        # Q3: supported living paid by direct payment: both.
        service("Q3", "2024-01-01", setting="supported_living",
                delivery_mechanism="direct_payment"),
        # Q4: residential care only: not in the population.
        service("Q4", "2024-01-01", setting="residential",
                delivery_mechanism="managed_personal_budget"),
        # Q5: nursing care plus home care through a managed budget: a personal budget only.
        service("Q5", "2024-01-01", setting="nursing"),
        service("Q5", "2024-01-01", delivery_mechanism="managed_personal_budget"),
        # Q6: residential care paid by direct payment plus home care (mechanism unknown):
        # neither (the direct payment is not for community support).
        service("Q6", "2024-01-01", setting="residential", delivery_mechanism="direct_payment"),
        service("Q6", "2024-01-01"),
        # Q7: a managed budget that ended on D plus home care: neither.
        service("Q7", "2024-01-01", "2025-06-30", delivery_mechanism="managed_personal_budget"),
        service("Q7", "2024-01-01"),
        # Q8: short-term managed budget: not long-term support.
        service("Q8", "2024-01-01", delivery_mechanism="managed_personal_budget",
                support_type="short_term"),
    ])
    got = whole_area(compute(backend, d("2025-06-30"), measures=[PB, DP]))
    assert figures(got[PB]) == (50.0, 3, 6)  # Q2, Q3, Q5
    assert figures(got[DP]) == (33.3, 2, 6)  # Q2, Q3
    assert got[PB].status == "met"  # target at least 50%


CATEGORY = "contacts.pct_category."


def test_calls_by_category(store) -> None:
    # Period (31/12/2024, 31/03/2025]. With a category in it: two allocated_worker, one
    # new_request, one safeguarding and one "complaint" (not a reported category: it counts in
    # the denominator only) = 5. Uncategorised calls and calls outside the period are left out.
    backend = store(contacts=[
        call("2025-01-10T09:00:00", True, category="allocated_worker"),
        call("2025-02-10T09:00:00", False, category="allocated_worker"),
        call("2025-03-10T09:00:00", True, category="new_request"),
        call("2025-03-31T16:59:59", True, category="safeguarding"),
        call("2025-03-11T09:00:00", True, category="complaint"),
        call("2025-03-12T09:00:00", True),
        call("2024-12-31T12:00:00", True, category="allocated_worker"),
        call("2025-04-01T08:30:00", True, category="other"),
    ])
    names = ("allocated_worker", "new_request", "safeguarding", "other")
    got = whole_area(compute(backend, d("2025-03-31"), measures=[CATEGORY + n for n in names]))
    assert figures(got[CATEGORY + "allocated_worker"]) == (40.0, 2, 5)
    assert figures(got[CATEGORY + "new_request"]) == (20.0, 1, 5)
    assert figures(got[CATEGORY + "safeguarding"]) == (20.0, 1, 5)
    assert figures(got[CATEGORY + "other"]) == (0.0, 0, 5)


# Known ethnicity in the population: white 800, asian 200, black 100 of 1,100.
POPULATION = [
    {"locality": "North", "ethnicity": "white", "age_band": "18-64", "count": 600},
    {"locality": "North", "ethnicity": "asian", "age_band": "18-64", "count": 200},
    {"locality": "South", "ethnicity": "white", "age_band": "65+", "count": 200},
    {"locality": "South", "ethnicity": "black", "age_band": "65+", "count": 100},
    {"locality": "South", "ethnicity": "unknown", "age_band": "65+", "count": 900},
]
PEOPLE = [
    person("W1", ethnicity="white"),
    person("W2", ethnicity="white"),
    person("A1", ethnicity="asian"),
    person("A2", ethnicity="asian"),
    person("B1", ethnicity="black"),
    person("U1"),
]


def test_representation_in_safeguarding_concerns(store) -> None:
    # Period (31/12/2024, 31/03/2025], by received date. People with a concern in it: W1 (two
    # concerns, one person), A1, U1 (unknown: left out); W2 on P1 and B1 after P2 are outside.
    # Known: W1, A1 = 2.
    #   white (1/2) / (800/1100) = 0.6875 -> 0.69; asian (1/2) / (200/1100) = 2.75;
    #   black 0 / (100/1100) = 0.0
    concern = "safeguarding_concern"
    backend = store(people=PEOPLE, population=POPULATION, episodes=[
        episode(concern, "2025-01-05", person_id="W1"),
        episode(concern, "2025-03-05", person_id="W1", completed="2025-03-06"),
        episode(concern, "2025-02-05", person_id="A1"),
        episode(concern, "2025-02-05", person_id="U1"),
        episode(concern, "2024-12-31", person_id="W2"),
        episode(concern, "2025-04-01", person_id="B1"),
        episode("care_act_assessment", "2025-02-05", person_id="B1", completed="2025-02-06"),
    ])
    prefix = f"{concern}.representation."
    got = whole_area(compute(backend, d("2025-03-31"), measures=[
        prefix + g for g in ("white", "asian", "black")]))
    assert figures(got[prefix + "white"]) == (0.69, 1, 2)
    assert figures(got[prefix + "asian"]) == (2.75, 1, 2)
    assert figures(got[prefix + "black"]) == (0.0, 0, 2)


def test_representation_in_long_term_support(store) -> None:
    # D = 31/03/2025. In long-term support: W1 (two services, one person), W2, A1, U1 (unknown:
    # left out). B1's service ended on D; A2's is short-term. Known: W1, W2, A1 = 3.
    #   white (2/3) / (800/1100) = 0.9167 -> 0.92; asian (1/3) / (200/1100) = 1.83; black 0.0
    backend = store(people=PEOPLE, population=POPULATION, services=[
        service("W1", "2024-01-01"),
        service("W1", "2024-06-01", setting="day_care"),
        service("W2", "2025-03-31"),
        service("A1", "2020-01-01"),
        service("U1", "2024-01-01"),
        service("B1", "2024-01-01", "2025-03-31"),
        service("A2", "2025-01-01", support_type="short_term"),
    ])
    prefix = "long_term_support.representation."
    got = whole_area(compute(backend, d("2025-03-31"), measures=[
        prefix + g for g in ("white", "asian", "black")]))
    assert figures(got[prefix + "white"]) == (0.92, 2, 3)
    assert figures(got[prefix + "asian"]) == (1.83, 1, 3)
    assert figures(got[prefix + "black"]) == (0.0, 0, 3)


AT_HOME = "reablement.pct_at_home_91_days"
NO_LTS = "reablement.pct_no_long_term_support"


def test_reablement_outcomes_91_days_on(store) -> None:
    # Period (31/12/2024, 31/03/2025]: the follow-up day (completed + 91 days) must be in it,
    # so completed from 02/10/2024 (+ 91 = 01/01/2025) to 30/12/2024 (+ 91 = 31/03/2025).
    reable = "reablement"
    backend = store(
        episodes=[
            # R1: follow-up 01/01/2025; at home; no long-term service.
            episode(reable, "2024-09-01", person_id="P1", completed="2024-10-02",
                    outcome="at_home_91_days"),
            # R2: follow-up 31/12/2024 = P1: outside.
            episode(reable, "2024-09-01", person_id="P2", completed="2024-10-01",
                    outcome="at_home_91_days"),
            # R3: follow-up 31/03/2025; long-term support starts that very day: counts as
            # further long-term support.
            episode(reable, "2024-12-01", person_id="P3", completed="2024-12-30",
                    outcome="long_term_support"),
            # R4: no outcome recorded (left out of "at home"); support running since before
            # reablement began is not further support.
            episode(reable, "2024-11-01", person_id="P4", completed="2024-11-20"),
            # R5: readmitted; follow-up 19/02/2025; a service starting 20/02/2025 is too late.
            episode(reable, "2024-11-01", person_id="P5", completed="2024-11-20",
                    outcome="readmitted_to_hospital"),
            # R6: still in reablement: not in the cohort.
            episode(reable, "2024-11-01", person_id="P6"),
            # R7: died; a short-term service after it is not long-term support.
            episode(reable, "2024-10-01", person_id="P7", completed="2024-12-01",
                    outcome="died"),
        ],
        services=[
            service("P3", "2025-03-31"),
            service("P4", "2024-06-01"),
            service("P5", "2025-02-20"),
            service("P7", "2024-12-15", support_type="short_term"),
        ],
    )
    got = whole_area(compute(backend, d("2025-03-31"), measures=[AT_HOME, NO_LTS]))
    # Cohort R1, R3, R4, R5, R7. Outcome known: R1, R3, R5, R7; at home: R1 -> 1 of 4.
    assert figures(got[AT_HOME]) == (25.0, 1, 4)
    # No further long-term support: R1, R4, R5, R7 -> 4 of 5.
    assert figures(got[NO_LTS]) == (80.0, 4, 5)


USERS = "long_term_support.service_users."
COST = "long_term_support.mean_weekly_cost."


def test_service_users_and_average_weekly_cost_by_setting(store) -> None:
    # D = 31/03/2025. Active long-term services:
    #   P1 home care £400.00 and day care £200.50; P2 home care £500.00 and home care (no cost);
    #   P3 residential £1,000.00 (their home care ended on D); P4 home care, no cost.
    #   P5's service is short-term, P6's starts after D.
    backend = store(services=[
        service("P1", "2024-01-01", weekly_cost=400.00),
        service("P1", "2024-01-01", setting="day_care", weekly_cost=200.50),
        service("P2", "2024-01-01", weekly_cost=500.00),
        service("P2", "2024-02-01"),
        service("P3", "2024-03-31", setting="residential", weekly_cost=1000.00),
        service("P3", "2023-01-01", "2025-03-31", weekly_cost=999.00),
        service("P4", "2024-01-01"),
        service("P5", "2025-01-01", support_type="short_term", weekly_cost=480.00),
        service("P6", "2025-04-01", setting="direct_payment", weekly_cost=300.25),
    ])
    settings = ("home_care", "day_care", "residential", "nursing", "direct_payment", "all")
    got = whole_area(compute(backend, d("2025-03-31"), measures=[
        p + s for p in (USERS, COST) for s in settings]))
    # Home care: P1, P2, P4 (3); costed P1, P2: (400 + 500) / 2 = 450.00.
    assert figures(got[USERS + "home_care"]) == (3, 3, None)
    assert figures(got[COST + "home_care"]) == (450.0, None, 2)
    assert figures(got[COST + "day_care"]) == (200.5, None, 1)
    assert figures(got[COST + "residential"]) == (1000.0, None, 1)
    assert figures(got[USERS + "nursing"]) == (0, 0, None)
    assert figures(got[COST + "nursing"]) == (None, None, 0)
    assert figures(got[USERS + "direct_payment"]) == (0, 0, None)
    # All settings: P1-P4 (4), each once; costed P1, P2, P3:
    # (400 + 200.50 + 500 + 1,000) / 3 = 700.1666... -> 700.17.
    assert figures(got[USERS + "all"]) == (4, 4, None)
    assert figures(got[COST + "all"]) == (700.17, None, 3)


def test_reablement_outcomes_by_team(store) -> None:
    # Follow-up days in (31/12/2024, 31/03/2025]: Home First has one at home and one readmitted
    # (50.0 %), Rapid has one at home (100.0 %); the whole area 2 of 3.
    backend = store(
        teams=[team("Home First", "other"), team("Rapid", "other")],
        episodes=[
            episode("reablement", "2024-10-01", person_id="P1", team="Home First",
                    completed="2024-11-01", outcome="at_home_91_days"),
            episode("reablement", "2024-10-01", person_id="P2", team="Home First",
                    completed="2024-11-01", outcome="readmitted_to_hospital"),
            episode("reablement", "2024-10-01", person_id="P3", team="Rapid",
                    completed="2024-11-01", outcome="at_home_91_days"),
        ],
    )
    result = compute(backend, d("2025-03-31"), measures=[AT_HOME], by="team")
    by_team = {v.breakdown["team"] if v.breakdown else None: figures(v) for v in result}
    assert by_team == {None: (66.7, 2, 3), "Home First": (50.0, 1, 2), "Rapid": (100.0, 1, 1)}

"""Spec tests: direct payments (measures-spec.md, "Support"). Answers by hand; DuckDB and
Spark."""

from __future__ import annotations

from measure_spec import d, figures, service, whole_area

from careassure.measures import compute

DP = "direct_payments.pct"


def test_direct_payments_share_of_community_support(store) -> None:
    # D = 30/06/2025.
    backend = store(services=[
        # Q1: home care, council commissioned: community support, not a direct payment.
        service("Q1", "2024-01-01", delivery_mechanism="council_commissioned"),
        # Q2: setting direct_payment (mechanism not recorded): a direct payment.
        service("Q2", "2024-01-01", setting="direct_payment"),
        # Q3: supported living paid by direct payment.
        service("Q3", "2024-01-01", setting="supported_living",
                delivery_mechanism="direct_payment"),
        # Q4: residential care only: not in the population.
        service("Q4", "2024-01-01", setting="residential"),
        # Q5: nursing care plus home care through a managed budget: counted, not paid.
        service("Q5", "2024-01-01", setting="nursing"),
        service("Q5", "2024-01-01", delivery_mechanism="managed_personal_budget"),
        # Q6: residential care paid by direct payment plus council home care: counted; the
        # direct payment is not for community support, so not paid.
        service("Q6", "2024-01-01", setting="residential", delivery_mechanism="direct_payment"),
        service("Q6", "2024-01-01"),
        # Q7: a direct payment that ended on D (not active) plus home care: counted, not paid.
        service("Q7", "2024-01-01", "2025-06-30", setting="direct_payment"),
        service("Q7", "2024-01-01"),
        # Q8: short-term only: not long-term support.
        service("Q8", "2024-01-01", setting="direct_payment", support_type="short_term"),
        # Q9: direct payment starting after D.
        service("Q9", "2025-07-01", setting="direct_payment"),
    ])
    got = whole_area(compute(backend, d("2025-06-30"), measures=[DP]))
    # Population: Q1, Q2, Q3, Q5, Q6, Q7 (6); paid: Q2, Q3 (2).
    assert figures(got[DP]) == (33.3, 2, 6)


def test_no_community_support_gives_null(store) -> None:
    backend = store(services=[service("Q1", "2024-01-01", setting="residential")])
    assert figures(whole_area(compute(backend, d("2025-06-30"), measures=[DP]))[DP]) == (
        None, 0, 0,
    )

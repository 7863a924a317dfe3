from measure_spec import d, episode, service, team, person
from careassure.measures import compute, series

def test_smoke(store):
    b = store(
        teams=[team("North", "locality"), team("Spec", "specialist")],
        episodes=[
            episode("care_act_assessment", "2025-01-01", team="North"),
            episode("care_act_assessment", "2025-01-10", team="Spec", allocated="2025-01-20"),
            episode("financial_assessment", "2024-12-20"),
            episode("review", "2024-01-01", completed="2024-02-01"),
            episode("s42_enquiry", "2024-11-01", completed="2025-01-15"),
            episode("equipment_delivery", "2025-01-02", completed="2025-01-09"),
        ],
        services=[service("P1", "2023-01-01", "2023-06-01"), service("P1", "2023-06-01")],
    )
    vals = compute(b, d("2025-01-31"), by="team")
    for v in vals:
        print(v.measure, v.value, v.numerator, v.denominator, v.breakdown, v.status)
    s = series(b, d("2024-12-01"), d("2025-01-31"), "week", measures=["care_act_assessment.waiting", "review.overdue"])
    for v in s: print(v.measure, v.as_of, v.value)

"""Spec tests: the equity measures (measures-spec.md, "Equity"): the specialist/locality wait
disparity and representation by ethnic group. Answers by hand; DuckDB and Spark."""

from __future__ import annotations

import pytest
from measure_spec import d, episode, figures, person, team, whole_area

from careassure.measures import compute
from careassure.measures.equity import population_by_ethnicity

CARE = "care_act_assessment"
DISPARITY = f"{CARE}.team_disparity"
TEAMS = [
    team("Loc A", "locality"),
    team("Loc B", "locality"),
    team("Spec", "specialist"),
    team("Hosp", "hospital"),
]


def test_team_disparity(store) -> None:
    # D = 31/03/2025. Waiting Care Act assessments:
    #   locality teams: 10, 20 (Loc A), 30 (Loc B) days: median 20
    #   specialist: 12, 24 days: median 18
    # (18 - 20) / 20 = -10.0 %. Hospital teams, no team and other queues do not count.
    backend = store(teams=TEAMS, episodes=[
        episode(CARE, "2025-03-21", team="Loc A"),
        episode(CARE, "2025-03-11", team="Loc A"),
        episode(CARE, "2025-03-01", team="Loc B"),
        episode(CARE, "2025-03-19", team="Spec"),
        episode(CARE, "2025-03-07", team="Spec"),
        episode(CARE, "2025-01-01", team="Hosp"),
        episode(CARE, "2025-01-01"),
        episode("carer_assessment", "2024-01-01", team="Spec"),
        episode(CARE, "2025-01-01", team="Spec", allocated="2025-02-01"),  # not waiting
    ])
    got = whole_area(compute(backend, d("2025-03-31"), measures=[DISPARITY]))
    # numerator / denominator: the specialist and locality list sizes.
    assert figures(got[DISPARITY]) == (-10.0, 2, 3)
    assert got[DISPARITY].status == "not_met"  # target |x| < 5


@pytest.mark.parametrize(
    ("episodes", "expected"),
    [
        # Locality median 0 (received on D): a ratio to 0 has no value.
        ([episode(CARE, "2025-03-31", team="Loc A"), episode(CARE, "2025-03-01", team="Spec")],
         (None, 1, 1)),
        # Nobody waiting in a specialist team.
        ([episode(CARE, "2025-03-01", team="Loc A")], (None, 0, 1)),
        # Equal medians: 0.0 %, within the target.
        ([episode(CARE, "2025-03-01", team="Loc A"), episode(CARE, "2025-03-01", team="Spec")],
         (0.0, 1, 1)),
    ],
)
def test_team_disparity_edge_cases(store, episodes, expected) -> None:
    backend = store(teams=TEAMS, episodes=episodes)
    got = whole_area(compute(backend, d("2025-03-31"), measures=[DISPARITY]))
    assert figures(got[DISPARITY]) == expected


POPULATION = [
    {"locality": "North", "ethnicity": "white", "age_band": "18-64", "count": 600},
    {"locality": "North", "ethnicity": "asian", "age_band": "18-64", "count": 200},
    {"locality": "South", "ethnicity": "white", "age_band": "65+", "count": 200},
    {"locality": "South", "ethnicity": "black", "age_band": "65+", "count": 100},
    {"locality": "South", "ethnicity": "unknown", "age_band": "65+", "count": 900},
]


def test_representation(store) -> None:
    # Period (31/12/2024, 31/03/2025]. People with a Care Act assessment completed in it:
    # W1 (twice: one person), W2 (white), A1 (asian), U1 (no ethnicity), U2 (unknown).
    # W3 completed on P1 and B1 after P2 are outside. Known ethnicity: W1, W2, A1 = 3.
    # Population (no whole-area rows, so all rows add up), unknown excluded:
    # white 800, asian 200, black 100 of 1,100.
    #   white: (2/3) / (800/1100) = 0.9167 -> 0.92
    #   asian: (1/3) / (200/1100) = 1.8333 -> 1.83
    #   black: 0 / (100/1100) = 0.0
    #   mixed, other: no population, no value
    backend = store(
        people=[
            person("W1", ethnicity="white", locality="North"),
            person("W2", ethnicity="white", locality="South"),
            person("W3", ethnicity="white", locality="North"),
            person("A1", ethnicity="asian", locality="North"),
            person("B1", ethnicity="black", locality="South"),
            person("U1", locality="South"),
            person("U2", ethnicity="unknown", locality="South"),
        ],
        episodes=[
            episode(CARE, "2025-01-02", person_id="W1", completed="2025-01-20"),
            episode(CARE, "2025-02-02", person_id="W1", completed="2025-03-31"),
            episode(CARE, "2025-01-02", person_id="W2", completed="2025-02-20"),
            episode(CARE, "2024-12-01", person_id="W3", completed="2024-12-31"),
            episode(CARE, "2025-01-02", person_id="A1", completed="2025-01-03"),
            episode(CARE, "2025-03-02", person_id="B1", completed="2025-04-01"),
            episode(CARE, "2025-01-02", person_id="U1", completed="2025-01-03"),
            episode(CARE, "2025-01-02", person_id="U2", completed="2025-01-03"),
            episode(CARE, "2025-01-02", person_id="B1"),  # not completed
        ],
        population=POPULATION,
    )
    groups = ["white", "asian", "black", "mixed", "other"]
    measures = [f"{CARE}.representation.{g}" for g in groups]
    result = compute(backend, d("2025-03-31"), period_start=d("2024-12-31"), measures=measures,
                     by="locality")
    got = whole_area(result)
    assert figures(got[f"{CARE}.representation.white"]) == (0.92, 2, 3)
    assert figures(got[f"{CARE}.representation.asian"]) == (1.83, 1, 3)
    assert figures(got[f"{CARE}.representation.black"]) == (0.0, 0, 3)
    assert figures(got[f"{CARE}.representation.mixed"]) == (None, 0, 3)
    # By locality, against that locality's population:
    #   North: W1, A1 assessed; population white 600, asian 200.
    #     white (1/2)/(600/800) = 0.67; asian (1/2)/(200/800) = 2.0
    #   South: W2 assessed (U1, U2 unknown); population white 200, black 100.
    #     white (1/1)/(200/300) = 1.5; black 0.0; asian: none in South's population
    by_group = {(v.measure.rsplit(".", 1)[1], v.breakdown["locality"]): figures(v)
                for v in result if v.breakdown}
    assert by_group[("white", "North")] == (0.67, 1, 2)
    assert by_group[("asian", "North")] == (2.0, 1, 2)
    assert by_group[("white", "South")] == (1.5, 1, 1)
    assert by_group[("black", "South")] == (0.0, 0, 1)
    assert by_group[("asian", "South")] == (None, 0, 1)


def test_population_rows_standing_for_an_area() -> None:
    rows = [
        # whole-area rows (locality NULL), by age band
        {"locality": None, "ethnicity": "white", "age_band": "18-64", "count": 70},
        {"locality": None, "ethnicity": "white", "age_band": "65+", "count": 30},
        {"locality": None, "ethnicity": "asian", "age_band": None, "count": 25},
        {"locality": None, "ethnicity": "asian", "age_band": "18-64", "count": 20},
        # locality rows: ignored for the whole area, used for the locality
        {"locality": "North", "ethnicity": "white", "age_band": "18-64", "count": 999},
    ]
    # Whole area, per ethnic group: the NULL-locality rows; white has no all-ages row so its
    # two bands add up (100); asian has one, which stands for all ages (25, not 25 + 20).
    assert population_by_ethnicity(rows) == {"white": 100, "asian": 25}
    assert population_by_ethnicity(rows, age_band="18-64") == {"white": 70, "asian": 20}
    assert population_by_ethnicity(rows, locality="North") == {"white": 999}

"""Shireham County: its districts, their adults by ethnic group and age band, and its teams.

A fictional two-tier English county shaped like a Midlands shire: one diverse town district, one
small urban district, and five increasingly rural districts. Ethnic mix follows a Midlands county
(about 86% white, 9% Asian, 2% Black, 2% mixed, 1% other adults), older adults being markedly
whiter than younger ones, which is what makes some groups under-represented among assessments
even before any barrier to access.

The ``population`` table holds one row per district x ethnic group x age band and no whole-area
rows (NULL locality): the whole area is the sum of the rows, so nothing is counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from careassure.records.schema import AGE_BANDS, ETHNICITIES

# Ethnic groups the census reports (the record format's "unknown" has no population).
CENSUS_GROUPS = tuple(e for e in ETHNICITIES if e != "unknown")
# Older adults' minority shares relative to younger adults' in the same district.
OLDER_MINORITY_FACTOR = 0.35


@dataclass(frozen=True)
class District:
    """One district (locality) of the county."""

    name: str
    adults: int
    older_share: float  # share of adults aged 65+
    rural_share: float  # share of people living in rural areas
    minorities: dict[str, float]  # share of adults aged 18-64 in each non-white group
    north: bool  # which review team covers it


DISTRICTS: tuple[District, ...] = (
    District("Elmsford", 140_000, 0.20, 0.12,
             {"asian": 0.19, "black": 0.035, "mixed": 0.03, "other": 0.017}, True),
    District("Kestonby", 48_000, 0.24, 0.05,
             {"asian": 0.24, "black": 0.04, "mixed": 0.03, "other": 0.017}, False),
    District("Ashwick Vale", 82_000, 0.24, 0.25,
             {"asian": 0.09, "black": 0.025, "mixed": 0.025, "other": 0.012}, False),
    District("Brackendale", 92_000, 0.25, 0.30,
             {"asian": 0.045, "black": 0.014, "mixed": 0.02, "other": 0.009}, False),
    District("Fernholme", 84_000, 0.25, 0.40,
             {"asian": 0.03, "black": 0.01, "mixed": 0.018, "other": 0.008}, True),
    District("Larkhurst", 76_000, 0.28, 0.55,
             {"asian": 0.035, "black": 0.01, "mixed": 0.018, "other": 0.008}, False),
    District("Rushmere Wolds", 38_000, 0.29, 0.62,
             {"asian": 0.015, "black": 0.006, "mixed": 0.015, "other": 0.006}, True),
)
LOCALITIES = tuple(d.name for d in DISTRICTS)


def adults_by_cell() -> np.ndarray:
    """Adults at scale 1 as a float array [district, census group, age band]."""
    cells = np.zeros((len(DISTRICTS), len(CENSUS_GROUPS), len(AGE_BANDS)))
    for i, d in enumerate(DISTRICTS):
        for band, (share, factor) in enumerate(
            ((1.0 - d.older_share, 1.0), (d.older_share, OLDER_MINORITY_FACTOR))
        ):
            mix = {g: d.minorities.get(g, 0.0) * factor for g in CENSUS_GROUPS if g != "white"}
            mix["white"] = 1.0 - sum(mix.values())
            for g, group in enumerate(CENSUS_GROUPS):
                cells[i, g, band] = d.adults * share * mix[group]
    return cells


# Teams, by type. Locality teams are named for their district so breakdowns read naturally.
LOCALITY_TEAMS = tuple(f"{name} Locality Team" for name in LOCALITIES)
LD_TEAM = "Learning Disability Team"
MH_TEAM = "Mental Health Social Work Team"
TRANSITIONS_TEAM = "Transitions Team"
HOSPITAL_TEAM = "Hospital Social Work Team"
REVIEW_NORTH = "Review Team North"
REVIEW_SOUTH = "Review Team South"
CARERS_TEAM = "Carers Assessment Team"
OT_TEAM = "Occupational Therapy Team"
EXTERNAL_OT_TEAM = "External OT Assessment Service"
FINANCE_TEAM = "Financial Assessment Team"
SAFEGUARDING_TEAM = "Safeguarding Hub"
REABLEMENT_TEAM = "Home First Reablement"
EQUIPMENT_TEAM = "Community Equipment Service"

TEAMS: tuple[tuple[str, str], ...] = (
    *((t, "locality") for t in LOCALITY_TEAMS),
    (LD_TEAM, "specialist"),
    (MH_TEAM, "specialist"),
    (TRANSITIONS_TEAM, "specialist"),
    (HOSPITAL_TEAM, "hospital"),
    (REVIEW_NORTH, "review"),
    (REVIEW_SOUTH, "review"),
    (CARERS_TEAM, "carers"),
    (OT_TEAM, "ot"),
    (EXTERNAL_OT_TEAM, "ot"),
    (FINANCE_TEAM, "finance"),
    (SAFEGUARDING_TEAM, "safeguarding"),
    (REABLEMENT_TEAM, "other"),
    (EQUIPMENT_TEAM, "other"),
)
TEAM_NAMES = tuple(name for name, _ in TEAMS)
TEAM_INDEX = {name: i for i, name in enumerate(TEAM_NAMES)}

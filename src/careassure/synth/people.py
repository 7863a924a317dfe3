"""The people the county's records are about, created as the streams need them.

Every stream (assessments, long-term support, safeguarding, OT, reablement, carers) either creates
new people with a profile (age, support reasons, who tends to come forward) or reuses people other
streams created, so a person's records hang together: the man assessed in March 2024 is the one
whose home care starts in April and whose review falls due a year later. Attributes are held as
integer codes in column arrays; the ``people`` frame is built from them at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from careassure.records.schema import CLIENT_TYPES, ETHNICITIES, GENDERS, SUPPORT_REASONS
from careassure.synth.calendar import SIM_START_D
from careassure.synth.geography import CENSUS_GROUPS, DISTRICTS, adults_by_cell

OLDEST_AGE = 104


@dataclass(frozen=True)
class Profile:
    """Who a stream's new people are."""

    client_type: str
    older_share: float  # share aged 65+ when they first appear
    reasons_older: dict[str, float]
    reasons_younger: dict[str, float]
    female_older: float
    female_younger: float
    # Relative likelihood of coming forward, by ethnic group, against the population's make-up.
    uptake: dict[str, float] = field(
        default_factory=lambda: {"white": 1.0, "asian": 0.8, "black": 1.2, "mixed": 1.3,
                                 "other": 1.1}
    )
    older_age: tuple[float, float] = (2.2, 7.0)  # gamma shape, scale: years above 65
    younger_age: tuple[float, float, float] = (1.2, 1.6, 18.0)  # beta a, b; youngest age


_OLDER_REASONS = {"physical_support": 0.58, "memory_cognition": 0.20, "sensory_support": 0.05,
                  "mental_health": 0.07, "social_support": 0.08, "learning_disability": 0.02}
_YOUNGER_REASONS = {"learning_disability": 0.32, "mental_health": 0.30, "physical_support": 0.25,
                    "social_support": 0.06, "sensory_support": 0.04, "memory_cognition": 0.03}

SERVICE_USER = Profile("service_user", 0.68, _OLDER_REASONS, _YOUNGER_REASONS, 0.60, 0.46)
OT_CLIENT = Profile(
    "service_user", 0.80,
    {"physical_support": 0.80, "sensory_support": 0.08, "memory_cognition": 0.12},
    {"physical_support": 0.80, "sensory_support": 0.10, "learning_disability": 0.10},
    0.62, 0.50,
)
ADULT_AT_RISK = Profile("service_user", 0.60, _OLDER_REASONS, _YOUNGER_REASONS, 0.60, 0.52,
                        uptake={"white": 1.0, "asian": 0.7, "black": 0.95, "mixed": 1.0,
                                "other": 0.9})
REABLEMENT_CLIENT = Profile(
    "service_user", 0.86,
    {"physical_support": 0.78, "memory_cognition": 0.12, "sensory_support": 0.04,
     "social_support": 0.06},
    {"physical_support": 0.85, "mental_health": 0.10, "sensory_support": 0.05},
    0.60, 0.48,
)
LONG_TERM_YOUNGER = Profile(
    "service_user", 0.0, _OLDER_REASONS,
    {"learning_disability": 0.55, "mental_health": 0.20, "physical_support": 0.18,
     "sensory_support": 0.04, "social_support": 0.03},
    0.60, 0.44, younger_age=(1.0, 2.5, 18.0),
)
CARER = Profile("carer", 0.38, {"none": 1.0}, {"none": 1.0}, 0.64, 0.66,
                uptake={"white": 1.0, "asian": 0.55, "black": 0.75, "mixed": 0.85, "other": 0.75},
                older_age=(1.5, 6.0), younger_age=(2.5, 1.5, 25.0))

_CELLS = adults_by_cell()
_RURAL = np.array([d.rural_share for d in DISTRICTS])
_GROUP_CODES = np.array([ETHNICITIES.index(g) for g in CENSUS_GROUPS])


def _pick(rng: np.random.Generator, shares: dict[str, float], labels: tuple[str, ...],
          n: int) -> np.ndarray:
    """``n`` codes (indices into ``labels``) drawn with the given shares."""
    codes = np.array([labels.index(k) for k in shares])
    p = np.array(list(shares.values()))
    return codes[rng.choice(p.size, size=n, p=p / p.sum())]


class People:
    """A growing register of people, one integer index each, attributes as code arrays."""

    COLUMNS = ("birth_month", "gender", "ethnicity", "client_type", "reason", "locality", "rural")

    def __init__(self) -> None:
        self._chunks: dict[str, list[np.ndarray]] = {c: [] for c in self.COLUMNS}
        self._cache: dict[str, np.ndarray] = {}
        self.count = 0

    def column(self, name: str) -> np.ndarray:
        """All people's codes for one attribute (months since 1970-01 for birth_month)."""
        if name not in self._cache:
            chunks = self._chunks[name]
            self._cache[name] = np.concatenate(chunks) if chunks else np.empty(0, np.int64)
        return self._cache[name]

    def age_at(self, person: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Age in whole years of each person on each day index."""
        month = (SIM_START_D + day.astype("timedelta64[D]")).astype("datetime64[M]").astype(int)
        return (month - self.column("birth_month")[person]) // 12

    def add(self, profile: Profile, first_day: np.ndarray, rng: np.random.Generator,
            older: np.ndarray | None = None) -> np.ndarray:
        """Create one person per entry of ``first_day`` (the day index they first appear).

        ``older`` forces the age band (True = 65+); by default it is drawn from the profile.
        Returns the new people's indices.
        """
        n = first_day.size
        if older is None:
            older = rng.random(n) < profile.older_share
        age = np.where(
            older,
            65 + np.minimum(rng.gamma(*profile.older_age, n), OLDEST_AGE - 65),
            profile.younger_age[2]
            + rng.beta(*profile.younger_age[:2], n) * (64.99 - profile.younger_age[2]),
        )
        first_month = (SIM_START_D + first_day.astype("timedelta64[D]")).astype("datetime64[M]")
        birth = first_month.astype(int) - np.floor(age * 12).astype(np.int64)

        reason = np.where(
            older,
            _pick(rng, profile.reasons_older, SUPPORT_REASONS, n),
            _pick(rng, profile.reasons_younger, SUPPORT_REASONS, n),
        )
        female = rng.random(n) < np.where(older, profile.female_older, profile.female_younger)
        gender = np.where(female, GENDERS.index("female"), GENDERS.index("male"))
        gender[rng.random(n) < 0.002] = GENDERS.index("other")

        locality = np.empty(n, dtype=np.int64)
        ethnicity = np.empty(n, dtype=np.int64)
        uptake = np.array([profile.uptake[g] for g in CENSUS_GROUPS])
        for band, mask in enumerate((~older, older)):
            weights = (_CELLS[:, :, band] * uptake).ravel()
            cell = rng.choice(weights.size, size=int(mask.sum()), p=weights / weights.sum())
            locality[mask] = cell // len(CENSUS_GROUPS)
            ethnicity[mask] = _GROUP_CODES[cell % len(CENSUS_GROUPS)]
        rural = (rng.random(n) < _RURAL[locality]).astype(np.int64)

        values = {
            "birth_month": birth,
            "gender": gender,
            "ethnicity": ethnicity,
            "client_type": np.full(n, CLIENT_TYPES.index(profile.client_type)),
            "reason": reason,
            "locality": locality,
            "rural": rural,
        }
        for name, array in values.items():
            self._chunks[name].append(array.astype(np.int64))
        self._cache.clear()
        index = np.arange(self.count, self.count + n)
        self.count += n
        return index


def reuse(rng: np.random.Generator, pool: np.ndarray, n: int) -> np.ndarray:
    """``n`` people drawn (with replacement) from a pool of existing people."""
    return pool[rng.integers(0, pool.size, n)] if pool.size else np.empty(0, np.int64)

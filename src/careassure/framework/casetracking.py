"""Case tracking and case sampling for a CQC assessment (seed 000 para 29).

**Case tracking**: the council gives CQC a list of 50 people from which CQC picks the cases it
follows. :func:`case_tracking_list` draws the list from the records, stratified the way CQC asks:
across pathways in proportion to how many people each holds (every pathway with anyone in it gets
at least one), and within a pathway spread across settings and equity groups by a systematic
sample over people ordered by ethnicity, gender, setting and pseudonym with a random start. The
same seed gives the same list. Each person is shown by pseudonym (the store never holds the raw
ID: the council re-identifies the exported list in its own case system with its own key) with
the facts the records hold: pathway, latest piece of work and its dates and wait, services.

**Case sampling**: CQC reviews some current cases alongside a member of staff;
:func:`case_sample` draws a seeded random sample of the open cases (allocated, not yet completed
or closed) of each team.

A person's pathway is the first that applies of: transitions (aged under 26 with work in the
last year), safeguarding, carers, reablement, reviews, assessment (Care Act, OT, financial,
equipment and adaptations), each from work received in the 12 months to the date, and otherwise
long-term support (a long-term service running on the date).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from careassure.records.store import Store

PATHWAYS: dict[str, str] = {
    "assessment": "Assessment",
    "carers": "Carers",
    "safeguarding": "Safeguarding",
    "transitions": "Transitions",
    "reviews": "Reviews",
    "reablement": "Reablement",
    "long_term_support": "Long-term support",
}
# Episode kinds by pathway; transitions and long-term support are decided otherwise.
KIND_PATHWAY: dict[str, str] = {
    "safeguarding_concern": "safeguarding",
    "s42_enquiry": "safeguarding",
    "carer_assessment": "carers",
    "reablement": "reablement",
    "review": "reviews",
    "care_act_assessment": "assessment",
    "ot_assessment": "assessment",
    "financial_assessment": "assessment",
    "equipment_delivery": "assessment",
    "minor_adaptation": "assessment",
    "major_adaptation": "assessment",
}
PRECEDENCE = ("transitions", "safeguarding", "carers", "reablement", "reviews", "assessment",
              "long_term_support")
TRANSITIONS_UNDER_AGE = 26
LOOKBACK_DAYS = 365
DEFAULT_LIST_SIZE = 50
DEFAULT_PER_TEAM = 3


class CaseListError(ValueError):
    """A list that cannot be drawn (bad size, nothing in the records)."""


@dataclass(frozen=True)
class TrackedCase:
    """One person on the list: pseudonym and the facts the records hold, nothing else."""

    pseudonym: str
    pathway: str
    age_band: str
    gender: str
    ethnicity: str
    locality: str
    work: str
    team: str
    received: date | None
    allocated: date | None
    ended: date | None
    wait_days: int | None
    services: str


def _age_band(birth_month: str | None, as_of: date) -> tuple[str, int | None]:
    if not birth_month:
        return "unknown", None
    year, month = (int(part) for part in birth_month.split("-"))
    age = as_of.year - year - (as_of.month < month)
    if age < 26:
        return "18-25", age
    if age < 65:
        return "26-64", age
    return ("65-84" if age < 85 else "85+"), age


def _candidates(store: Store, as_of: date) -> list[dict[str, Any]]:
    """Everyone with work in the last year or a long-term service on ``as_of``, with the facts
    of their latest piece of work and their services on the date."""
    since = as_of - timedelta(days=LOOKBACK_DAYS)
    rows = store.connection.execute(
        """
        WITH recent AS (
            SELECT person_id, kind, team, received_date, allocated_date,
                   least(completed_date, closed_date) AS ended,
                   row_number() OVER (PARTITION BY person_id
                                      ORDER BY received_date DESC, episode_id DESC) AS n
            FROM episodes WHERE received_date BETWEEN $since AND $as_of
        ),
        kinds AS (SELECT person_id, list(DISTINCT kind) AS kinds FROM recent GROUP BY person_id),
        services_now AS (
            SELECT person_id,
                   string_agg(DISTINCT support_type || ' ' || setting, '; '
                              ORDER BY support_type || ' ' || setting) AS services,
                   bool_or(support_type = 'long_term') AS long_term
            FROM services
            WHERE start_date <= $as_of AND (end_date IS NULL OR end_date > $as_of)
            GROUP BY person_id
        )
        SELECT p.person_id, p.birth_month, p.gender, p.ethnicity, p.locality,
               k.kinds, r.kind, r.team, r.received_date, r.allocated_date, r.ended,
               s.services, coalesce(s.long_term, false) AS long_term
        FROM people p
        LEFT JOIN kinds k USING (person_id)
        LEFT JOIN recent r ON r.person_id = p.person_id AND r.n = 1
        LEFT JOIN services_now s ON s.person_id = p.person_id
        WHERE k.kinds IS NOT NULL OR coalesce(s.long_term, false)
        ORDER BY p.person_id
        """,
        {"since": since, "as_of": as_of},
    ).fetchall()
    out = []
    for (person, birth, gender, ethnicity, locality, kinds, kind, team, received, allocated,
         ended, services, long_term) in rows:
        band, age = _age_band(birth, as_of)
        pathways = {KIND_PATHWAY.get(k) for k in kinds or ()}
        if kinds and age is not None and age < TRANSITIONS_UNDER_AGE:
            pathways.add("transitions")
        if long_term:
            pathways.add("long_term_support")
        pathway = next(p for p in PRECEDENCE if p in pathways)
        end = ended if ended is not None and ended <= as_of else None
        wait_to = allocated if allocated is not None and allocated <= as_of else None
        wait = None if received is None else ((wait_to or end or as_of) - received).days
        out.append({
            "pseudonym": person, "pathway": pathway, "age_band": band,
            "gender": gender or "unknown", "ethnicity": ethnicity or "unknown",
            "locality": locality or "", "work": kind or "", "team": team or "",
            "received": received, "allocated": wait_to, "ended": end, "wait_days": wait,
            "services": services or "",
        })
    return out


def _allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """n places across pathways in proportion to their sizes, at least one for every pathway
    with anyone in it, never more than a pathway holds: each starts at its whole quota (at least
    1), then places come off the most over-served or go to the most under-served."""
    total = sum(sizes.values())
    present = [p for p in PRECEDENCE if sizes.get(p)]
    if n >= total:
        return {p: sizes[p] for p in present}
    quota = {p: n * sizes[p] / total for p in present}
    places = {p: min(max(1, math.floor(quota[p])), sizes[p]) for p in present}
    while sum(places.values()) > n:
        over = [p for p in present if places[p] > 1] or present
        worst = max(over, key=lambda p: (places[p] - quota[p], -PRECEDENCE.index(p)))
        places[worst] -= 1
    while sum(places.values()) < n:
        room = [p for p in present if places[p] < sizes[p]]
        best = max(room, key=lambda p: (quota[p] - places[p], -PRECEDENCE.index(p)))
        places[best] += 1
    return {p: k for p, k in places.items() if k}


def case_tracking_list(
    store: Store, as_of: date, *, size: int = DEFAULT_LIST_SIZE, seed: int = 0
) -> list[TrackedCase]:
    """The stratified, seed-reproducible case-tracking list (see the module docstring)."""
    if size < 1:
        raise CaseListError(f"the list needs at least 1 person (asked for {size})")
    people = _candidates(store, as_of)
    if not people:
        raise CaseListError(f"nobody has work in the year to {as_of:%d/%m/%Y} or a long-term "
                            "service on that date")
    by_pathway: dict[str, list[dict[str, Any]]] = {}
    for person in people:
        by_pathway.setdefault(person["pathway"], []).append(person)
    places = _allocate({p: len(v) for p, v in by_pathway.items()}, size)
    rng = np.random.default_rng(seed)
    chosen = []
    for pathway in PRECEDENCE:
        group = sorted(by_pathway.get(pathway, []), key=lambda r: (
            r["ethnicity"], r["gender"], r["services"], r["pseudonym"]))
        k = places.get(pathway, 0)
        if not k:
            continue
        step = len(group) / k
        start = rng.uniform(0, step)
        chosen += [group[int(start + i * step)] for i in range(k)]
    return [TrackedCase(**row) for row in chosen]


@dataclass(frozen=True)
class SampledCase:
    """One open case drawn for case sampling: pseudonym, the work and its dates."""

    team: str
    pseudonym: str
    work: str
    received: date
    allocated: date
    days_open: int


def case_sample(
    store: Store, as_of: date, *, per_team: int = DEFAULT_PER_TEAM, seed: int = 0
) -> list[SampledCase]:
    """A seeded random sample of each team's open cases on ``as_of`` (allocated on or before
    it, neither completed nor closed by it), up to ``per_team`` a team."""
    if per_team < 1:
        raise CaseListError(f"take at least 1 case a team (asked for {per_team})")
    rows = store.connection.execute(
        """
        SELECT team, person_id, kind, received_date, allocated_date, episode_id
        FROM episodes
        WHERE team IS NOT NULL AND allocated_date <= $as_of
          AND coalesce(completed_date, DATE '9999-12-31') > $as_of
          AND coalesce(closed_date, DATE '9999-12-31') > $as_of
        ORDER BY team, episode_id
        """,
        {"as_of": as_of},
    ).fetchall()
    by_team: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_team.setdefault(row[0], []).append(row)
    rng = np.random.default_rng(seed)
    out = []
    for team in sorted(by_team):
        cases = by_team[team]
        picks = sorted(rng.choice(len(cases), size=min(per_team, len(cases)), replace=False))
        for i in picks:
            _, person, kind, received, allocated, _ = cases[i]
            out.append(SampledCase(team, person, kind, received, allocated,
                                   (as_of - allocated).days))
    return out


def to_csv(rows: list[TrackedCase] | list[SampledCase]) -> str:
    """The list as CSV (ISO dates) for the council to re-identify in its own case system."""
    buffer = io.StringIO()
    if not rows:
        return ""
    fields = list(asdict(rows[0]))
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in asdict(row).items()})
    return buffer.getvalue()

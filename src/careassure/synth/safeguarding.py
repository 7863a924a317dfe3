"""Safeguarding: concerns triaged by the hub, and the Section 42 enquiries a quarter of them need.

Concerns arrive every day (providers, police and the public report at weekends too). Decisions
are mostly made within 5 working days, less so in the 2024-25 pressure the seeds describe
("timeliness of assessment ... data recording"); enquiries mostly conclude within 3 months.
"""

from __future__ import annotations

import numpy as np

from careassure.synth import story
from careassure.synth.calendar import N_DAYS, NO_DATE, Calendar
from careassure.synth.episodes import Batch, Codes
from careassure.synth.geography import SAFEGUARDING_TEAM, TEAM_INDEX
from careassure.synth.people import ADULT_AT_RISK, People
from careassure.synth.queues import daily_arrivals, expected_arrivals

LATE_DECISION_MEAN_EXTRA = 5.0  # mean working days beyond 5 for late decisions
CONCERN_CLOSED_SHARE = 0.01  # duplicates and concerns withdrawn before a decision


def safeguarding(cal: Calendar, people: People, codes: Codes, scale: float,
                 rng: np.random.Generator, known: np.ndarray) -> list[Batch]:
    """Concerns and the Section 42 enquiries that follow; ``known`` = people already supported."""
    weekly = np.array([1.05, 1.02, 1.0, 1.0, 0.95, story.SAFEGUARDING_WEEKEND_SHARE,
                       story.SAFEGUARDING_WEEKEND_SHARE])
    received = daily_arrivals(
        expected_arrivals(cal, story.SAFEGUARDING_CONCERNS, scale, weekly), rng)
    n = received.size
    person = people.add(ADULT_AT_RISK, received, rng)
    is_known = rng.random(n) < story.CONCERN_KNOWN_PERSON_SHARE
    if known.size:
        person[is_known] = known[rng.integers(0, known.size, int(is_known.sum()))]
    team = TEAM_INDEX[SAFEGUARDING_TEAM]

    in_time = rng.random(n) < story.CONCERN_DECIDED_IN_5_DAYS.values(received)
    delay = np.where(in_time, rng.choice(6, size=n, p=(0.12, 0.30, 0.22, 0.16, 0.12, 0.08)),
                     6 + rng.geometric(1.0 / LATE_DECISION_MEAN_EXTRA, n))
    start = np.minimum(received, N_DAYS - 1)
    allocated = np.maximum(cal.next_working_day(start), received)
    decided = cal.add_working_days(start, delay)
    withdrawn = rng.random(n) < CONCERN_CLOSED_SHARE
    outcome = np.where(withdrawn, codes.code("duplicate"),
                       codes.draw(rng, story.CONCERN_OUTCOMES, n))
    concerns = Batch.of("safeguarding_concern", person, received, team=team, allocated=allocated,
                        completed=np.where(withdrawn, NO_DATE, decided),
                        closed=np.where(withdrawn, allocated, NO_DATE), outcome=outcome)

    enquiry = ~withdrawn & (outcome == codes.code("s42_required")) & (decided < N_DAYS)
    m = int(enquiry.sum())
    opened = decided[enquiry]
    length = np.ceil(story.S42_MEDIAN_DAYS * np.exp(rng.normal(0.0, story.S42_SPREAD, m))).astype(
        np.int64)
    started = np.minimum(cal.add_working_days(opened, rng.integers(0, 6, m)), opened + length)
    closed = rng.random(m) < story.S42_CLOSED_SHARE
    enquiries = Batch.of(
        "s42_enquiry", person[enquiry], opened, team=team, allocated=started,
        completed=np.where(closed, NO_DATE, opened + length),
        closed=np.where(closed, started + np.floor(rng.random(m) * (opened + length - started))
                        .astype(np.int64), NO_DATE),
        outcome=np.where(closed, codes.code("withdrawn"), codes.draw(rng, story.S42_OUTCOMES, m)),
    )
    return [concerns, enquiries]

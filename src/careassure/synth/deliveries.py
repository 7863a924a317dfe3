"""Equipment deliveries and home adaptations: what follows an OT assessment (or a prescription).

Most equipment arrives within 5 working days, most minor adaptations within 60 days, and major
adaptations (wet rooms, stairlifts, extensions with the district council's grant) take months,
which is why the seeds' OT targets name all three.
"""

from __future__ import annotations

import numpy as np

from careassure.synth import story
from careassure.synth.calendar import N_DAYS, NO_DATE, Calendar
from careassure.synth.episodes import Batch, Codes
from careassure.synth.geography import EQUIPMENT_TEAM, OT_TEAM, TEAM_INDEX
from careassure.synth.people import OT_CLIENT, People
from careassure.synth.queues import daily_arrivals, expected_arrivals

KNOWN_PRESCRIPTION_SHARE = 0.3  # equipment prescribed for someone already known
EQUIPMENT_LATE_MEAN_EXTRA = 6.0  # mean working days beyond 5 for late deliveries
MINOR_SPREAD = 0.6  # lognormal sigma of minor adaptation times
MAJOR_SPREAD = 0.45


def _repeat(rng: np.random.Generator, person: np.ndarray, day: np.ndarray,
            mean: float) -> tuple[np.ndarray, np.ndarray]:
    """Each (person, day) repeated a Poisson(mean) number of times."""
    k = rng.poisson(mean, person.size)
    return np.repeat(person, k), np.repeat(day, k)


def equipment(cal: Calendar, people: People, codes: Codes, scale: float, rng: np.random.Generator,
              ot_person: np.ndarray, ot_day: np.ndarray, known: np.ndarray) -> Batch:
    """Equipment items: after OT assessments and from other prescribers (reablement, health)."""
    linked_person, linked_day = _repeat(rng, ot_person, ot_day, story.EQUIPMENT_PER_OT)
    prescribed = daily_arrivals(expected_arrivals(cal, story.EQUIPMENT_PRESCRIPTIONS, scale), rng)
    who = people.add(OT_CLIENT, prescribed, rng)
    again = rng.random(who.size) < KNOWN_PRESCRIPTION_SHARE
    if known.size:
        who[again] = known[rng.integers(0, known.size, int(again.sum()))]
    extra = rng.poisson(story.EQUIPMENT_ITEMS_PER_PRESCRIPTION - 1.0, who.size) + 1
    person = np.concatenate([linked_person, np.repeat(who, extra)])
    received = np.concatenate([linked_day + rng.integers(0, 4, linked_day.size),
                               np.repeat(prescribed, extra)])
    n = received.size
    on_time = rng.random(n) < story.EQUIPMENT_WITHIN_5
    delay = np.where(on_time, rng.choice(6, size=n, p=(0.04, 0.22, 0.28, 0.22, 0.14, 0.10)),
                     6 + rng.geometric(1.0 / EQUIPMENT_LATE_MEAN_EXTRA, n))
    completed = cal.add_working_days(np.minimum(received, N_DAYS - 1), delay)
    cancelled = rng.random(n) < story.DELIVERY_CANCELLED_SHARE
    closed = np.where(cancelled, received + rng.integers(0, 10, n), NO_DATE)
    outcome = np.where(cancelled, codes.code("cancelled"), codes.code("delivered"))
    return Batch.of("equipment_delivery", person, received, team=TEAM_INDEX[EQUIPMENT_TEAM],
                    allocated=received, completed=np.where(cancelled, NO_DATE, completed),
                    closed=closed, outcome=outcome)


def adaptations(codes: Codes, rng: np.random.Generator, ot_person: np.ndarray,
                ot_day: np.ndarray) -> list[Batch]:
    """Minor and major adaptations recommended by completed OT assessments."""
    batches = []
    n = ot_person.size
    for kind, share, lag, median, spread in (
        ("minor_adaptation", story.MINOR_ADAPTATION_SHARE, (0, 15),
         np.full(n, story.MINOR_ADAPTATION_MEDIAN_DAYS), MINOR_SPREAD),
        ("major_adaptation", story.MAJOR_ADAPTATION_SHARE, (7, 61),
         story.MAJOR_ADAPTATION_MEDIAN_DAYS.values(ot_day), MAJOR_SPREAD),
    ):
        chosen = rng.random(n) < share
        m = int(chosen.sum())
        received = ot_day[chosen] + rng.integers(*lag, m)
        length = np.ceil(median[chosen] * np.exp(rng.normal(0.0, spread, m))).astype(np.int64)
        allocated = received + np.minimum(rng.integers(0, 11, m), length)
        cancelled = rng.random(m) < story.DELIVERY_CANCELLED_SHARE
        batches.append(Batch.of(
            kind, ot_person[chosen], received, team=TEAM_INDEX[OT_TEAM], allocated=allocated,
            completed=np.where(cancelled, NO_DATE, received + length),
            closed=np.where(cancelled, allocated + rng.integers(0, 30, m), NO_DATE),
            outcome=np.where(cancelled, codes.code("cancelled"), codes.code("installed")),
        ))
    return batches

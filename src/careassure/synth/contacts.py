"""Calls to the customer service centre: volume, time of day, answered or abandoned, queue time.

The centre opens 08:30-17:00 on working days. Calls bunch on Monday mornings; the answer rate
follows the story (a winter 2024-25 low, 81% by December 2025 after advisor recruitment) and is
lower at busy times, and queue times lengthen as the answer rate falls: callers who give up have
waited longer than those answered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from careassure.synth import story
from careassure.synth.calendar import N_DAYS, SIM_START_D, Calendar

OPENS_SECONDS = 8 * 3600 + 1800
HALF_HOUR = 1800
# Relative call volume by half hour from 08:30 to 17:00.
HALF_HOUR_VOLUME = np.array([1.3, 1.5, 1.4, 1.3, 1.2, 1.1, 1.0, 0.8, 0.75, 0.85, 0.95, 1.0, 0.95,
                             0.9, 0.8, 0.7, 0.55])
BUSY_PENALTY = 0.6  # log-odds of answer lost per unit of half-hour volume above average
MONDAY_PENALTY = 0.25  # log-odds of answer lost on Mondays
ANSWERED_SPREAD = 0.7  # lognormal sigma of queue time before answer
ABANDONED_SPREAD = 0.65


@dataclass(frozen=True)
class Calls:
    received_at: np.ndarray  # datetime64[s], sorted
    answered: np.ndarray  # bool
    queue_seconds: np.ndarray  # int64
    category: np.ndarray  # index into CALL_CATEGORIES, -1 = NULL


def calls(cal: Calendar, scale: float, rng: np.random.Generator) -> Calls:
    weekday = np.zeros(7)
    weekday[:5] = story.CALLS_WEEKDAY
    expected = story.CALLS.values() * scale * weekday[cal.weekday] * cal.working
    per_day = rng.poisson(expected)
    day = np.repeat(np.arange(N_DAYS), per_day)
    n = day.size
    slot = rng.choice(HALF_HOUR_VOLUME.size, size=n, p=HALF_HOUR_VOLUME / HALF_HOUR_VOLUME.sum())
    seconds = OPENS_SECONDS + slot * HALF_HOUR + rng.integers(0, HALF_HOUR, n)
    order = np.lexsort((seconds, day))
    day, slot, seconds = day[order], slot[order], seconds[order]

    rate = story.CALLS_ANSWERED.values()[day]
    busy = HALF_HOUR_VOLUME[slot] - HALF_HOUR_VOLUME.mean()
    logit = np.log(rate / (1 - rate)) - BUSY_PENALTY * busy - MONDAY_PENALTY * (
        cal.weekday[day] == 0)
    answered = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    # Queues lengthen as fewer calls are answered (30% unanswered = typical).
    pressure = np.clip((1.0 - rate) / 0.3, 0.5, 2.0)
    queue = np.where(
        answered,
        story.ANSWERED_QUEUE_MEDIAN_SECONDS * pressure * np.exp(rng.normal(0, ANSWERED_SPREAD, n)),
        story.ABANDONED_QUEUE_MEDIAN_SECONDS * pressure * np.exp(
            rng.normal(0, ABANDONED_SPREAD, n)),
    )
    shares = np.array(list(story.CALL_CATEGORIES.values()))
    category = rng.choice(shares.size, size=n, p=shares / shares.sum())
    category[rng.random(n) < story.MISSING["call_category"]] = -1
    received_at = (SIM_START_D + day.astype("timedelta64[D]")).astype("datetime64[s]") + (
        seconds.astype("timedelta64[s]"))
    return Calls(received_at, answered, np.round(queue).astype(np.int64), category)

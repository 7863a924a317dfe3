"""The four assessment queues: Care Act, carers, financial and occupational therapy.

Each is a :class:`~careassure.synth.story.QueueStory` run through
:func:`~careassure.synth.queues.run_queue`; this module decides who the people are, which team
holds the work, and what happens after allocation. Care Act assessments with eligible needs feed
long-term support (:mod:`careassure.synth.support`), and completed OT assessments feed equipment
and adaptations (:mod:`careassure.synth.deliveries`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from careassure.records.schema import SUPPORT_REASONS
from careassure.synth import story
from careassure.synth.calendar import N_DAYS, NO_DATE, Calendar, day_of
from careassure.synth.episodes import SUBTYPES, Batch, Codes
from careassure.synth.geography import (
    CARERS_TEAM,
    DISTRICTS,
    EXTERNAL_OT_TEAM,
    FINANCE_TEAM,
    HOSPITAL_TEAM,
    LD_TEAM,
    LOCALITY_TEAMS,
    MH_TEAM,
    OT_TEAM,
    REVIEW_NORTH,
    REVIEW_SOUTH,
    TEAM_INDEX,
    TRANSITIONS_TEAM,
)
from careassure.synth.people import CARER, OT_CLIENT, SERVICE_USER, People, reuse
from careassure.synth.queues import (
    daily_arrivals,
    expected_arrivals,
    planned_capacity,
    run_queue,
)

RE_REFERRAL_SHARE = 0.08  # Care Act referrals for someone assessed before
REPEAT_CARER_SHARE = 0.12
KNOWN_OT_CLIENT_SHARE = 0.15  # OT referrals for someone already assessed under the Care Act
TRANSITIONS_AGE = 26


@dataclass(frozen=True)
class Outcome:
    """How queued work ended, as day indices (``NO_DATE`` = not (yet))."""

    allocated: np.ndarray
    completed: np.ndarray
    closed: np.ndarray
    withdrawn: np.ndarray  # bool: left before allocation


def simulate(cal: Calendar, q: story.QueueStory, received: np.ndarray, extra_deferral: np.ndarray,
             fast: np.ndarray, scale: float, rng: np.random.Generator,
             deferrable: np.ndarray | None = None) -> Outcome:
    """Run one queue and the work after allocation.

    ``deferrable`` marks the items that may wait on something (default: all).
    """
    n = received.size
    deferral = rng.normal(0.0, q.noise_sd, n) + extra_deferral
    deferred = rng.random(n) < q.deferred_share
    if deferrable is not None:
        deferred &= deferrable
    deferral[deferred] += np.minimum(
        rng.exponential(q.deferral_mean.values(received[deferred])), q.deferral_cap
    )
    fast_start = np.where(fast, cal.add_working_days(received, rng.integers(0, 4, n)), NO_DATE)
    withdraws = ~fast & (rng.random(n) < q.withdraw_share)
    using_capacity = 1.0 - q.withdraw_share * (1.0 - q.fast_share)
    result = run_queue(
        received, deferral, fast_start, withdraws,
        planned_capacity(cal, q.capacity, scale),
        expected_arrivals(cal, q.demand, scale) * using_capacity,
        rng,
    )
    allocated = result.allocated
    work = rng.gamma(2.0, q.work_days_mean / 2.0, n)
    done = np.where(allocated != NO_DATE, allocated + np.ceil(work).astype(np.int64), N_DAYS)
    completed = np.where(done < N_DAYS, cal.next_working_day(np.minimum(done, N_DAYS - 1)), NO_DATE)
    completed = np.where(completed >= N_DAYS, NO_DATE, completed)
    abandoned = (allocated != NO_DATE) & (rng.random(n) < q.abandoned_share)
    closed = np.where(abandoned, allocated + np.floor(rng.random(n) * work).astype(np.int64),
                      result.withdrawn)
    completed = np.where(abandoned, NO_DATE, completed)
    return Outcome(allocated, completed, closed, withdraws)


def home_team(people: People, person: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The team that holds a person's work: specialist by need, else their district's team."""
    reason = people.column("reason")[person]
    age = people.age_at(person, day)
    locality = people.column("locality")[person]
    team = np.array([TEAM_INDEX[t] for t in LOCALITY_TEAMS])[locality]
    mh = (reason == SUPPORT_REASONS.index("mental_health")) & (age < 65)
    team = np.where(mh, TEAM_INDEX[MH_TEAM], team)
    ld = reason == SUPPORT_REASONS.index("learning_disability")
    team = np.where(ld, TEAM_INDEX[LD_TEAM], team)
    return np.where(ld & (age < TRANSITIONS_AGE), TEAM_INDEX[TRANSITIONS_TEAM], team)


def review_team(people: People, person: np.ndarray) -> np.ndarray:
    """The review team covering each person's district."""
    north = np.array([d.north for d in DISTRICTS])[people.column("locality")[person]]
    return np.where(north, TEAM_INDEX[REVIEW_NORTH], TEAM_INDEX[REVIEW_SOUTH])


def _outcomes(codes: Codes, rng: np.random.Generator, result: Outcome,
              completed_shares: dict[str, float]) -> np.ndarray:
    n = result.allocated.size
    return np.where(
        result.completed != NO_DATE, codes.draw(rng, completed_shares, n),
        np.where(result.withdrawn, codes.draw(rng, story.WITHDRAWN_OUTCOMES, n),
                 codes.draw(rng, story.ABANDONED_OUTCOMES, n)),
    )


def _chain_reuse(rng: np.random.Generator, first: np.ndarray, share: float) -> np.ndarray:
    """Person per item where a share of items re-refer someone from an earlier item."""
    n = first.size
    person = first.copy()
    again = np.flatnonzero((rng.random(n) < share) & (np.arange(n) > 0))
    person[again] = person[rng.integers(0, again, again.size)]
    return person


@dataclass(frozen=True)
class CareActResult:
    batch: Batch
    # People whose eligible needs lead to long-term support, and the day their assessment ended.
    to_long_term_person: np.ndarray
    to_long_term_day: np.ndarray


def care_act(cal: Calendar, people: People, codes: Codes, scale: float,
             rng: np.random.Generator) -> CareActResult:
    q = story.CARE_ACT
    received = daily_arrivals(expected_arrivals(cal, q.demand, scale), rng)
    n = received.size
    # Re-referrals reuse an earlier referral's person (pointer into the earlier items).
    person = _chain_reuse(rng, people.add(SERVICE_USER, received, rng), RE_REFERRAL_SHARE)
    fast = rng.random(n) < q.fast_share
    hospital = fast & (rng.random(n) < story.HOSPITAL_SHARE_OF_FAST)
    team = np.where(hospital, TEAM_INDEX[HOSPITAL_TEAM], home_team(people, person, received))
    specialist = np.isin(team, [TEAM_INDEX[t] for t in (LD_TEAM, MH_TEAM, TRANSITIONS_TEAM)])
    rural = people.column("rural")[person] == 1
    extra = specialist * story.SPECIALIST_EXTRA_DAYS + rural * story.RURAL_EXTRA_DAYS
    result = simulate(cal, q, received, extra, fast, scale, rng)
    outcome = _outcomes(codes, rng, result, story.CARE_ACT_OUTCOMES)
    batch = Batch.of("care_act_assessment", person, received, team=team,
                     allocated=result.allocated, completed=result.completed,
                     closed=result.closed, outcome=outcome)
    to_long_term = (result.completed != NO_DATE) & (outcome == codes.code("eligible")) & (
        rng.random(n) < story.LTS_FROM_ELIGIBLE)
    return CareActResult(batch, person[to_long_term], result.completed[to_long_term])


def carers(cal: Calendar, people: People, codes: Codes, scale: float,
           rng: np.random.Generator) -> Batch:
    q = story.CARERS
    received = daily_arrivals(expected_arrivals(cal, q.demand, scale), rng)
    person = _chain_reuse(rng, people.add(CARER, received, rng), REPEAT_CARER_SHARE)
    fast = rng.random(received.size) < q.fast_share
    result = simulate(cal, q, received, np.zeros(received.size), fast, scale, rng)
    return Batch.of("carer_assessment", person, received, team=TEAM_INDEX[CARERS_TEAM],
                    allocated=result.allocated, completed=result.completed,
                    closed=result.closed,
                    outcome=_outcomes(codes, rng, result, story.CARER_OUTCOMES))


def financial(cal: Calendar, codes: Codes, scale: float, rng: np.random.Generator,
              starts: dict[bool, tuple[np.ndarray, np.ndarray]], people: People) -> Batch:
    """Financial assessments, each matched to a person whose service starts near its date.

    ``starts`` maps residential (True) / non-residential (False) to (start days, people), sorted
    by day: the care home moves and community packages that need charging assessed.
    """
    q = story.FINANCIAL
    received = daily_arrivals(expected_arrivals(cal, q.demand, scale), rng)
    n = received.size
    residential = rng.random(n) < story.FINANCIAL_RESIDENTIAL_SHARE
    person = np.empty(n, dtype=np.int64)
    for kind in (True, False):
        mask = residential == kind
        days, who = starts[kind]
        if who.size:
            jitter = rng.integers(-3, 4, int(mask.sum()))
            nearest = np.clip(np.searchsorted(days, received[mask]) + jitter, 0, who.size - 1)
            person[mask] = who[nearest]
        else:
            person[mask] = people.add(SERVICE_USER, received[mask], rng)
    # Only residential cases wait on property and capital checks.
    fast = rng.random(n) < q.fast_share
    result = simulate(cal, q, received, np.zeros(n), fast, scale, rng, deferrable=residential)
    subtype = np.where(residential, SUBTYPES.index("residential"),
                       SUBTYPES.index("non_residential"))
    return Batch.of("financial_assessment", person, received, team=TEAM_INDEX[FINANCE_TEAM],
                    subtype=subtype, allocated=result.allocated, completed=result.completed,
                    closed=result.closed,
                    outcome=_outcomes(codes, rng, result, story.FINANCIAL_OUTCOMES))


@dataclass(frozen=True)
class OTResult:
    batch: Batch
    completed_person: np.ndarray  # people whose OT assessment was completed
    completed_day: np.ndarray


def occupational_therapy(cal: Calendar, people: People, codes: Codes, scale: float,
                         rng: np.random.Generator, known: np.ndarray) -> OTResult:
    """OT assessments; ``known`` is the pool of people already assessed under the Care Act."""
    q = story.OT
    received = daily_arrivals(expected_arrivals(cal, q.demand, scale), rng)
    n = received.size
    person = people.add(OT_CLIENT, received, rng)
    again = rng.random(n) < KNOWN_OT_CLIENT_SHARE
    person[again] = reuse(rng, known, int(again.sum())) if known.size else person[again]
    fast = rng.random(n) < q.fast_share
    result = simulate(cal, q, received, np.zeros(n), fast, scale, rng)
    external = (result.allocated >= day_of(story.EXTERNAL_OT_START)) & (
        rng.random(n) < story.EXTERNAL_OT_SHARE
    )
    team = np.where(external, TEAM_INDEX[EXTERNAL_OT_TEAM], TEAM_INDEX[OT_TEAM])
    outcome = _outcomes(codes, rng, result, story.OT_OUTCOMES)
    batch = Batch.of("ot_assessment", person, received, team=team, allocated=result.allocated,
                     completed=result.completed, closed=result.closed, outcome=outcome)
    done = result.completed != NO_DATE
    return OTResult(batch, person[done], result.completed[done])

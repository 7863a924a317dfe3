"""Long-term support, its annual reviews, and reablement.

Long-term support is simulated as one unbroken *run* per person: the stock already supported when
the simulation starts, plus everyone whose Care Act assessment (or reablement) ends in long-term
support. A run is one or more services: home care followed by a care home (touching rows, the end
of one the start of the next), or day care alongside a community package (overlapping rows), so
the measures' "unbroken run" rule has real work to do.

Reviews follow each run's cycle: due 12 months after the last review (or the run's start), done a
little early, late, or, for a few, lost until review teams work through the longest overdue. The
cycle is simulated for all runs at once, one vectorised step per review round.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from careassure.records.schema import DELIVERY_MECHANISMS, SETTINGS
from careassure.synth import story
from careassure.synth.assessments import home_team, review_team
from careassure.synth.calendar import N_DAYS, NO_DATE, WINDOW_START_DAY, Calendar, day_of
from careassure.synth.episodes import NONE, SUBTYPES, Batch, Codes
from careassure.synth.geography import REABLEMENT_TEAM, TEAM_INDEX
from careassure.synth.people import LONG_TERM_YOUNGER, REABLEMENT_CLIENT, SERVICE_USER, People
from careassure.synth.queues import daily_arrivals, expected_arrivals

YEAR = 365.25
_NAMES = tuple(story.SETTINGS)
_MEAN_DAYS = np.array([story.SETTINGS[s].mean_years * YEAR for s in _NAMES])
_CARE_HOMES = np.array([SETTINGS.index("residential"), SETTINGS.index("nursing")])
REVIEW_ALLOCATION_DAYS = 10.0  # mean days between a review's allocation and its completion
UNPLANNED_REVIEW_AFTER = (60, 330)  # days after the last review that a change in needs comes up
KNOWN_REABLEMENT_SHARE = 0.2  # reablement for someone already assessed under the Care Act
# Hospital discharges run seven days a week; community referrals mostly on weekdays.
REABLEMENT_WEEKDAYS = np.array([1.1, 1.05, 1.0, 1.0, 1.0, 0.45, 0.3])


@dataclass
class Services:
    """Service rows as arrays: settings and mechanisms as schema indices, end ``NO_DATE`` =
    ongoing."""

    person: np.ndarray
    long_term: np.ndarray  # bool
    setting: np.ndarray
    mechanism: np.ndarray
    start: np.ndarray
    end: np.ndarray
    weekly_cost: np.ndarray  # NaN = unknown

    @classmethod
    def concat(cls, parts: list[Services]) -> Services:
        return cls(*(np.concatenate([getattr(p, f) for p in parts])
                     for f in cls.__dataclass_fields__))


@dataclass(frozen=True)
class Runs:
    """Unbroken runs of long-term support, one per person."""

    person: np.ndarray
    start: np.ndarray
    end: np.ndarray  # first day without support; may be past the grid (= ongoing)
    setting: np.ndarray  # schema index of the setting the run starts in


def _setting_shares(older: bool, stock: bool) -> np.ndarray:
    shares = np.array([story.SETTINGS[s].share_older if older else story.SETTINGS[s].share_younger
                       for s in _NAMES])
    if stock:  # a snapshot over-represents long stays
        shares = shares * _MEAN_DAYS
    return shares / shares.sum()


def _draw_settings(rng: np.random.Generator, older: np.ndarray, stock: bool) -> np.ndarray:
    picked = np.empty(older.size, dtype=np.int64)
    for band in (True, False):
        mask = older == band
        picked[mask] = rng.choice(len(_NAMES), size=int(mask.sum()), p=_setting_shares(band, stock))
    return np.array([SETTINGS.index(s) for s in _NAMES])[picked]


def _mean_days(setting: np.ndarray) -> np.ndarray:
    lookup = np.zeros(len(SETTINGS))
    for i, name in enumerate(_NAMES):
        lookup[SETTINGS.index(name)] = _MEAN_DAYS[i]
    return lookup[setting]


def stock_runs(people: People, scale: float, rng: np.random.Generator) -> Runs:
    """People already in long-term support when the simulation starts (day 0)."""
    n = rng.poisson(story.LTS_STOCK * scale)
    older_weight = sum(story.SETTINGS[s].share_older * story.SETTINGS[s].mean_years for s in _NAMES)
    younger_weight = sum(story.SETTINGS[s].share_younger * story.SETTINGS[s].mean_years
                         for s in _NAMES)
    flow_older = SERVICE_USER.older_share
    p_older = flow_older * older_weight / (
        flow_older * older_weight + (1 - flow_older) * younger_weight)
    older = rng.random(n) < p_older
    setting = _draw_settings(rng, older, stock=True)
    mean = _mean_days(setting)
    # Exponential stays: time already spent and time left are both exponential with the mean.
    # (Folded back into the years since the earliest start rather than piled up on it.)
    span = -day_of(story.LTS_STOCK_EARLIEST)
    start = -(np.ceil(rng.exponential(mean)).astype(np.int64) % span)
    end = np.ceil(rng.exponential(mean)).astype(np.int64) + 1
    person = np.empty(n, dtype=np.int64)
    person[older] = people.add(SERVICE_USER, start[older], rng, older=np.ones(older.sum(), bool))
    person[~older] = people.add(LONG_TERM_YOUNGER, start[~older], rng,
                                older=np.zeros((~older).sum(), bool))
    return Runs(person, start, end, setting)


def new_runs(people: People, person: np.ndarray, ready_day: np.ndarray,
             rng: np.random.Generator, exclude: np.ndarray) -> Runs:
    """Runs starting after eligible assessments; one per person, none for those in ``exclude``."""
    order = np.argsort(ready_day, kind="stable")
    person, ready_day = person[order], ready_day[order]
    _, first = np.unique(person, return_index=True)
    first = np.sort(first)
    person, ready_day = person[first], ready_day[first]
    fresh = ~np.isin(person, exclude)
    person, ready_day = person[fresh], ready_day[fresh]
    start = ready_day + np.ceil(rng.exponential(story.LTS_START_DELAY_MEAN, person.size)).astype(
        np.int64)
    older = people.age_at(person, start) >= 65
    setting = _draw_settings(rng, older, stock=False)
    end = start + 1 + np.ceil(rng.exponential(_mean_days(setting))).astype(np.int64)
    return Runs(person, start, end, setting)


def _mechanism(rng: np.random.Generator, setting: np.ndarray) -> np.ndarray:
    managed = rng.random(setting.size) < story.MANAGED_BUDGET_SHARE
    mechanism = np.where(managed, DELIVERY_MECHANISMS.index("managed_personal_budget"),
                         DELIVERY_MECHANISMS.index("council_commissioned"))
    return np.where(setting == SETTINGS.index("direct_payment"),
                    DELIVERY_MECHANISMS.index("direct_payment"), mechanism)


def _weekly_cost(rng: np.random.Generator, setting: np.ndarray, start: np.ndarray) -> np.ndarray:
    median = np.zeros(len(SETTINGS))
    spread = np.zeros(len(SETTINGS))
    for name, s in story.SETTINGS.items():
        median[SETTINGS.index(name)] = s.cost_median
        spread[SETTINGS.index(name)] = s.cost_spread
    index = story.COST_INDEX.values(start)
    cost = median[setting] * index * np.exp(rng.normal(0.0, spread[setting]))
    return np.round(cost, 2)


def run_services(runs: Runs, rng: np.random.Generator) -> Services:
    """The service rows making up each run (see the module docstring)."""
    n = runs.person.size
    length = runs.end - runs.start
    setting = runs.setting.copy()
    # Home care, then a care home from a point in the run: two touching rows.
    moves = (setting == SETTINGS.index("home_care")) & (
        rng.random(n) < story.HOME_CARE_TO_CARE_HOME)
    switch = runs.start + np.maximum(1, np.floor(rng.uniform(0.3, 0.8, n) * length)).astype(
        np.int64)
    moves &= switch < runs.end
    home = rng.choice(_CARE_HOMES, size=n, p=(0.6, 0.4))
    # Day care alongside a community package, inside the run: an overlapping row.
    community = np.isin(setting, [SETTINGS.index(s) for s in
                                  ("home_care", "supported_living", "direct_payment")])
    day_care = community & ~moves & (rng.random(n) < story.DAY_CARE_ALONGSIDE) & (length > 30)
    dc_start = runs.start + np.floor(rng.uniform(0.0, 0.3, n) * length).astype(np.int64)
    dc_end = runs.start + np.floor(rng.uniform(0.5, 1.0, n) * length).astype(np.int64)
    dc_end = np.maximum(dc_end, dc_start + 1)

    person = np.concatenate([runs.person, runs.person[moves], runs.person[day_care]])
    rows_setting = np.concatenate([setting, home[moves],
                                   np.full(day_care.sum(), SETTINGS.index("day_care"))])
    start = np.concatenate([runs.start, switch[moves], dc_start[day_care]])
    end = np.concatenate([np.where(moves, switch, runs.end), runs.end[moves], dc_end[day_care]])
    return Services(
        person=person,
        long_term=np.ones(person.size, dtype=bool),
        setting=rows_setting,
        mechanism=_mechanism(rng, rows_setting),
        start=start,
        end=np.where(end >= N_DAYS, NO_DATE, end),
        weekly_cost=_weekly_cost(rng, rows_setting, start),
    )


def care_home_starts(services: Services) -> dict[bool, tuple[np.ndarray, np.ndarray]]:
    """Long-term service starts that need a financial assessment, by residential or not, sorted."""
    out = {}
    recent = services.start >= 0
    for residential in (True, False):
        mask = recent & (np.isin(services.setting, _CARE_HOMES) == residential) & (
            services.setting != SETTINGS.index("day_care"))
        order = np.argsort(services.start[mask], kind="stable")
        out[residential] = (services.start[mask][order], services.person[mask][order])
    return out


def reviews(cal: Calendar, people: People, codes: Codes, runs: Runs,
            rng: np.random.Generator) -> tuple[Batch, Batch]:
    """Review episodes of every run: (reviews for the extract window, the last review before it).

    The second batch holds each supported person's last completed review before the window, which
    an extract must carry for "last review" to be right on the window's first days.
    """
    n = runs.person.size
    anchor = runs.start.astype(np.float64)
    active = np.arange(n)
    parts: dict[str, list[np.ndarray]] = {k: [] for k in
                                          ("run", "received", "allocated", "completed", "closed",
                                           "unplanned")}
    lost_from = day_of(story.REVIEW_LOST_FROM)
    cleanup = (day_of(story.REVIEW_CLEANUP_START), day_of(story.REVIEW_CLEANUP_OLDEST_BY))
    cutoff = day_of(story.REVIEW_CLEANUP_CUTOFF)
    rest_until = day_of(story.REVIEW_CLEANUP_REST_UNTIL)
    while active.size:
        a = anchor[active]
        m = active.size
        due = a + YEAR
        unplanned = rng.random(m) < story.UNPLANNED_REVIEW_SHARE
        on_time = rng.random(m) < story.REVIEW_ON_TIME_SHARE
        late = rng.exponential(story.REVIEW_LATENESS_MEAN.values(np.minimum(due, N_DAYS)))
        done = np.where(on_time, due - rng.uniform(0, story.REVIEW_EARLY_DAYS, m), due + late)
        lost = ~unplanned & (due >= lost_from) & (rng.random(m) < story.REVIEW_LOST_SHARE)
        found = np.where(due < cutoff, rng.uniform(*cleanup, m),
                         rng.uniform(cleanup[0], rest_until, m))
        done = np.where(lost, np.maximum(found, due), done)
        done = np.where(unplanned, a + rng.uniform(*UNPLANNED_REVIEW_AFTER, m), done)
        done = np.floor(done).astype(np.int64)
        listed = np.where(unplanned, done - rng.integers(0, 15, m),
                          np.floor(due).astype(np.int64) - story.REVIEW_LISTING_DAYS)
        received = np.minimum(np.maximum(listed, np.floor(a).astype(np.int64)), done)
        allocated = np.maximum(
            received, done - np.ceil(rng.exponential(REVIEW_ALLOCATION_DAYS, m)).astype(np.int64))
        end = runs.end[active]
        ends_first = done >= end  # support ends before the review is done
        listed_in_run = received < end
        keep = listed_in_run & (received < N_DAYS)
        completed = np.where(ends_first, NO_DATE,
                             cal.next_working_day(np.minimum(done, N_DAYS - 1)))
        completed = np.where(done >= N_DAYS, NO_DATE, completed)
        parts["run"].append(active[keep])
        parts["received"].append(received[keep])
        allocated = np.where(ends_first & (allocated >= end), NO_DATE, allocated)
        parts["allocated"].append(allocated[keep])
        parts["completed"].append(completed[keep])
        parts["closed"].append(np.where(ends_first, end, NO_DATE)[keep])
        parts["unplanned"].append(unplanned[keep])
        carry_on = ~ends_first & (done < N_DAYS)
        anchor[active] = done
        active = active[carry_on]

    run = np.concatenate(parts["run"])
    received = np.concatenate(parts["received"])
    completed = np.concatenate(parts["completed"])
    unplanned = np.concatenate(parts["unplanned"])
    person = runs.person[run]
    subtype = np.where(unplanned, SUBTYPES.index("unplanned"), SUBTYPES.index("planned"))
    team = np.where(unplanned, home_team(people, person, received), review_team(people, person))
    outcome = codes.draw(rng, story.REVIEW_OUTCOMES, run.size)
    outcome = np.where(completed != NO_DATE, outcome, codes.code("support_ended"))
    batch = Batch.of("review", person, received, team=team, subtype=subtype,
                     allocated=np.concatenate(parts["allocated"]), completed=completed,
                     closed=np.concatenate(parts["closed"]), outcome=outcome)

    # Each run's last review completed before the window opens, if the run is still going then.
    before = (completed != NO_DATE) & (completed < WINDOW_START_DAY) & (
        runs.end[run] > WINDOW_START_DAY)
    idx = np.flatnonzero(before)
    order = idx[np.lexsort((completed[idx], run[idx]))]
    last = order[np.r_[run[order][1:] != run[order][:-1], True]] if order.size else order
    return batch, batch.take(np.isin(np.arange(run.size), last))


def runs_in_window(runs: Runs) -> np.ndarray:
    """Runs that are still going when the window opens or start in it (the rest are history)."""
    return (runs.end > WINDOW_START_DAY) & (runs.start < N_DAYS)


def take_runs(runs: Runs, mask: np.ndarray) -> Runs:
    return Runs(runs.person[mask], runs.start[mask], runs.end[mask], runs.setting[mask])


def concat_runs(parts: list[Runs]) -> Runs:
    return Runs(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                  ("person", "start", "end", "setting")))


@dataclass(frozen=True)
class ReablementResult:
    batch: Batch
    services: Services
    to_long_term_person: np.ndarray
    to_long_term_day: np.ndarray


def reablement(cal: Calendar, people: People, codes: Codes, scale: float,
               rng: np.random.Generator, known: np.ndarray) -> ReablementResult:
    """Home First reablement: a short-term service, an episode, and what happened 91 days on."""
    received = daily_arrivals(
        expected_arrivals(cal, story.REABLEMENT, scale, REABLEMENT_WEEKDAYS), rng)
    n = received.size
    person = people.add(REABLEMENT_CLIENT, received, rng)
    again = rng.random(n) < KNOWN_REABLEMENT_SHARE
    if known.size:
        person[again] = known[rng.integers(0, known.size, int(again.sum()))]
    hospital = rng.random(n) < story.REABLEMENT_HOSPITAL_SHARE
    allocated = received + rng.integers(0, 3, n)
    length = np.maximum(3, np.ceil(rng.gamma(4.0, story.REABLEMENT_DAYS_MEAN / 4.0, n))).astype(
        np.int64)
    completed = allocated + length
    outcome = codes.draw(rng, story.REABLEMENT_OUTCOMES, n)
    # The 91-day outcome is only known 91 days after the episode ends.
    outcome = np.where(completed + 91 <= N_DAYS - 1, outcome, NONE)
    subtype = np.where(hospital, SUBTYPES.index("hospital_discharge"), SUBTYPES.index("community"))
    batch = Batch.of("reablement", person, received, team=TEAM_INDEX[REABLEMENT_TEAM],
                     subtype=subtype, allocated=allocated, completed=completed, outcome=outcome)
    started = allocated < N_DAYS
    end = np.where(completed + 1 < N_DAYS, completed + 1, NO_DATE)
    setting = np.full(n, SETTINGS.index("home_care"))
    services = Services(
        person=person[started],
        long_term=np.zeros(started.sum(), dtype=bool),
        setting=setting[started],
        mechanism=np.full(started.sum(), DELIVERY_MECHANISMS.index("council_commissioned")),
        start=allocated[started],
        end=end[started],
        weekly_cost=np.round(story.REABLEMENT_WEEKLY_COST * story.COST_INDEX.values(
            allocated[started]) * np.exp(rng.normal(0, 0.1, started.sum())), 2),
    )
    to_lts = (outcome == codes.code("long_term_support")) & (completed < N_DAYS)
    return ReablementResult(batch, services, person[to_lts], completed[to_lts])


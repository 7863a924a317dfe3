"""Generate Shireham County: all six record tables, deterministic for a (scale, seed) pair.

The order of the streams is the order of a person's journey: Care Act assessment, long-term
support and its reviews, financial assessment, reablement, carers, OT and equipment, safeguarding;
contacts stand apart. Each stream draws from its own random generator (spawned from the seed in a
fixed order), so changing one stream's story leaves the others' records as they were.

What the tables hold, as an extract taken on 30/09/2026 for the window from 01/04/2022:

- ``episodes``: work received in the window, work received earlier but still open when the window
  opened, and each supported person's last review completed before it (so that "last review" is
  right from the first day). Nothing is dated after the extract date: later events are NULL.
- ``services``: services current at or after the window opens; a long-term run that is still going
  keeps its earlier rows, so its start (which anchors the reviews measure) is visible.
- ``contacts``: calls received in the window.
- ``people``: everyone the episodes and services mention, and nobody else.
- ``population``: adults by district x ethnic group x age band, with no whole-area (NULL
  locality) rows: the whole area is the sum of the rows.
- ``teams``: every team episodes name.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from careassure.records.schema import (
    AGE_BANDS,
    CLIENT_TYPES,
    DELIVERY_MECHANISMS,
    EPISODE_KINDS,
    ETHNICITIES,
    GENDERS,
    LOAD_ORDER,
    RURAL_URBAN,
    SETTINGS,
    SUPPORT_REASONS,
    SUPPORT_TYPES,
)
from careassure.synth import assessments, contacts, deliveries, safeguarding, story, support
from careassure.synth.calendar import N_DAYS, NO_DATE, SIM_START_D, WINDOW_START_DAY, Calendar
from careassure.synth.episodes import NONE, SUBTYPES, Batch, Codes
from careassure.synth.frames import dates, id_width, identifiers, months, text
from careassure.synth.geography import (
    CENSUS_GROUPS,
    LOCALITIES,
    TEAM_NAMES,
    TEAMS,
    adults_by_cell,
)
from careassure.synth.people import People

DEFAULT_SEED = 2026
STREAMS = ("care_act", "long_term", "reablement", "services", "financial", "reviews", "carers",
           "ot", "deliveries", "safeguarding", "contacts", "people", "missing")
STEPS = ("assessments", "long-term support", "reviews", "OT and equipment", "safeguarding",
         "contacts", "tables")


def generate_county(
    scale: float = 1.0, seed: int = DEFAULT_SEED, *, on_step: Callable[[str], None] | None = None
) -> dict[str, pd.DataFrame]:
    """All six tables of a synthetic county, keyed by table name in load order.

    ``scale`` multiplies every volume (1.0 = ~560,000 adults, the calibrated story); ``seed``
    fixes every random draw, so the same arguments always give the same frames. ``on_step`` is
    called with the name of each step (see ``STEPS``) as it starts, for progress displays.
    """
    if not scale > 0:
        raise ValueError(f"scale must be a positive number, not {scale!r}")
    step = on_step or (lambda _name: None)
    rngs = dict(zip(STREAMS, (np.random.default_rng(s) for s in
                              np.random.SeedSequence(seed).spawn(len(STREAMS))), strict=True))
    cal = Calendar.build()
    people = People()
    codes = Codes()

    step("assessments")
    care_act = assessments.care_act(cal, people, codes, scale, rngs["care_act"])
    carers = assessments.carers(cal, people, codes, scale, rngs["carers"])

    step("long-term support")
    stock = support.stock_runs(people, scale, rngs["long_term"])
    reablement = support.reablement(cal, people, codes, scale, rngs["reablement"],
                                    known=care_act.batch.person)
    fresh = support.new_runs(
        people,
        np.concatenate([care_act.to_long_term_person, reablement.to_long_term_person]),
        np.concatenate([care_act.to_long_term_day, reablement.to_long_term_day]),
        rngs["long_term"], exclude=stock.person,
    )
    runs = support.concat_runs([stock, fresh])
    runs = support.take_runs(runs, support.runs_in_window(runs))
    long_term = support.run_services(runs, rngs["services"])
    financial = assessments.financial(cal, codes, scale, rngs["financial"],
                                      support.care_home_starts(long_term), people)

    step("reviews")
    review_batch, review_history = support.reviews(cal, people, codes, runs, rngs["reviews"])

    step("OT and equipment")
    ot = assessments.occupational_therapy(cal, people, codes, scale, rngs["ot"],
                                          known=care_act.batch.person)
    known = np.concatenate([care_act.batch.person, reablement.batch.person])
    equipment = deliveries.equipment(cal, people, codes, scale, rngs["deliveries"],
                                     ot.completed_person, ot.completed_day, known)
    adaptations = deliveries.adaptations(codes, rngs["deliveries"], ot.completed_person,
                                         ot.completed_day)

    step("safeguarding")
    concerns = safeguarding.safeguarding(cal, people, codes, scale, rngs["safeguarding"],
                                         known=np.concatenate([runs.person, known]))

    step("contacts")
    calls = contacts.calls(cal, scale, rngs["contacts"])

    step("tables")
    batches = [care_act.batch, carers, financial, ot.batch, review_batch, reablement.batch,
               equipment, *adaptations, *concerns]
    episodes = Batch.concat([b.as_extracted() for b in batches] + [review_history])
    services = support.Services.concat([long_term, reablement.services])
    services = _services_in_window(services)
    frames = _frames(people, codes, episodes, services, calls, scale, rngs)
    return {name: frames[name] for name in LOAD_ORDER}


def _services_in_window(services: support.Services) -> support.Services:
    """Services current at or after the window opens; long-term runs keep their earlier rows so
    that each run's start is visible (the reviews measure anchors on it)."""
    keep = (services.start < N_DAYS) & (
        services.long_term | (services.end == NO_DATE) | (services.end > WINDOW_START_DAY))
    return support.Services(*(getattr(services, f)[keep]
                              for f in support.Services.__dataclass_fields__))


def _with_missing(rng: np.random.Generator, codes: np.ndarray, share: float) -> np.ndarray:
    return np.where(rng.random(codes.size) < share, NONE, codes)


def _frames(people: People, codes: Codes, episodes: Batch, services: support.Services,
            calls: contacts.Calls, scale: float,
            rngs: dict[str, np.random.Generator]) -> dict[str, pd.DataFrame]:
    # People: only those the extract mentions, numbered in a shuffled order so that an id says
    # nothing about which stream created the person.
    used = np.unique(np.concatenate([episodes.person, services.person]))
    number = np.empty(people.count, dtype=np.int64)
    number[used] = rngs["people"].permutation(used.size) + 1
    width = id_width(used.size + 1)
    order = np.argsort(number[used], kind="stable")
    who = used[order]

    missing = rngs["missing"]
    m = story.MISSING
    ethnicity = people.column("ethnicity")[who]
    ethnicity = np.where(missing.random(who.size) < m["ethnicity_unknown"],
                         ETHNICITIES.index("unknown"), ethnicity)
    locality = _with_missing(missing, people.column("locality")[who], m["locality"])
    rural = np.where(locality < 0, NONE,
                     _with_missing(missing, people.column("rural")[who], m["rural_urban"]))
    people_frame = pd.DataFrame({
        "person_id": identifiers("P", number[who], width),
        "birth_month": months(people.column("birth_month")[who],
                              missing.random(who.size) < m["birth_month"]),
        "gender": text(_with_missing(missing, people.column("gender")[who], m["gender"]),
                       GENDERS),
        "ethnicity": text(_with_missing(missing, ethnicity, m["ethnicity"]), ETHNICITIES),
        "client_type": text(people.column("client_type")[who], CLIENT_TYPES),
        "primary_support_reason": text(
            _with_missing(missing, people.column("reason")[who], m["primary_support_reason"]),
            SUPPORT_REASONS),
        "locality": text(locality, LOCALITIES),
        "rural_urban": text(rural, RURAL_URBAN),
    })

    e_order = np.lexsort((episodes.person, episodes.kind, episodes.received))
    e = episodes.take(e_order)
    episodes_frame = pd.DataFrame({
        "episode_id": identifiers("E", np.arange(1, len(e) + 1), id_width(len(e) + 1)),
        "person_id": identifiers("P", number[e.person], width),
        "kind": text(e.kind, EPISODE_KINDS),
        "team": text(_with_missing(missing, e.team, m["team"]), TEAM_NAMES),
        "subtype": text(e.subtype, SUBTYPES),
        "received_date": dates(e.received),
        "allocated_date": dates(e.allocated),
        "completed_date": dates(e.completed),
        "closed_date": dates(e.closed),
        "outcome": text(_with_missing(missing, e.outcome, m["outcome"]), codes.labels),
    })

    s_order = np.lexsort((services.person, services.start))
    s = support.Services(*(getattr(services, f)[s_order]
                           for f in support.Services.__dataclass_fields__))
    cost = np.where(missing.random(s.start.size) < m["weekly_cost"], np.nan, s.weekly_cost)
    services_frame = pd.DataFrame({
        "service_id": identifiers("S", np.arange(1, s.start.size + 1),
                                  id_width(s.start.size + 1)),
        "person_id": identifiers("P", number[s.person], width),
        "support_type": text(np.where(s.long_term, SUPPORT_TYPES.index("long_term"),
                                      SUPPORT_TYPES.index("short_term")), SUPPORT_TYPES),
        "setting": text(s.setting, SETTINGS),
        "delivery_mechanism": text(_with_missing(missing, s.mechanism, m["delivery_mechanism"]),
                                   DELIVERY_MECHANISMS),
        "start_date": dates(s.start),
        "end_date": dates(s.end),
        "weekly_cost": cost,
    })

    window_opens = (SIM_START_D + np.timedelta64(WINDOW_START_DAY, "D")).astype("datetime64[s]")
    shown = calls.received_at >= window_opens
    contacts_frame = pd.DataFrame({
        "contact_id": identifiers("C", np.arange(1, shown.sum() + 1), id_width(shown.sum() + 1)),
        "received_at": pd.Series(calls.received_at[shown]),
        "answered": calls.answered[shown],
        "queue_seconds": calls.queue_seconds[shown],
        "category": text(calls.category[shown], tuple(story.CALL_CATEGORIES)),
    })

    teams_frame = pd.DataFrame({"team": pd.Series(TEAM_NAMES, dtype="str"),
                                "team_type": pd.Series([t for _, t in TEAMS], dtype="str")})

    cells = adults_by_cell()
    loc, eth, band = np.meshgrid(np.arange(len(LOCALITIES)), np.arange(len(CENSUS_GROUPS)),
                                 np.arange(len(AGE_BANDS)), indexing="ij")
    population_frame = pd.DataFrame({
        "locality": pd.Series(np.array(LOCALITIES)[loc.ravel()], dtype="str"),
        "ethnicity": pd.Series(np.array(CENSUS_GROUPS)[eth.ravel()], dtype="str"),
        "age_band": pd.Series(np.array(AGE_BANDS)[band.ravel()], dtype="str"),
        "count": np.round(cells.ravel() * scale).astype(np.int64),
        "la_code": pd.Series([None] * loc.size, dtype="str"),  # one council: the whole area
    })

    frames = {
        "people": people_frame,
        "teams": teams_frame,
        "episodes": episodes_frame,
        "services": services_frame,
        "contacts": contacts_frame,
        "population": population_frame,
    }
    return frames

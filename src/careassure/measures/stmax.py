"""Short-term support to maximise independence (ST-Max, reablement) and what followed it, as
DHSC's ASCOF 2A code reads CLD (``DataS-DHSC/ASC-CLD-LA-Dashboard``, ``ASCOF_measures/
Create_ASCOF_2A_2425_Onwards.sql``), on the CLD events a CLD load keeps (``cld_events``).

ASCOF 2A asks what share of new clients' reablement ended without a request for ongoing support.
CLD has no such request, so DHSC reads the *sequel* of each spell of reablement from the events
around its end. The rules, in DHSC's order (docs/measures.md, "ASCOF from CLD"):

1. A **spell** (DHSC's cluster) is a run of a service user's ST-Max services, each starting no
   more than 7 days after the latest end so far (ordered by start, end, outcome hierarchy, later
   submission first). Its start is the earliest start, its end the latest end (open = never
   ends), its outcome that of the row ending last (then the best outcome in the hierarchy).
2. Spells ending in the 12 months to D count, of people aged 18+ at the spell's end (or of
   unknown age) not dead before it started, who were **new clients**: no long-term service
   started before the spell that was still going, or ended less than 91 days before it started.
3. The sequel is the first of: died no later than 7 days after the end ("NFA: Deceased"); the
   spell's outcome "Admitted to hospital"; a service starting between the spell's start and 7
   days after its end and going on past the end (the highest: nursing, residential, community,
   prison, ST-Max, ongoing low level, other short-term; a short-term residential or nursing
   component first, which makes other short-term "short-term residential or nursing care");
   the best outcome in the hierarchy of the spell itself, of the non-service events in that
   window (not "support ended as planned"), and of the last assessment or review nested in the
   spell ending less than 14 days before its end, outcomes that say what happened next only
   ("progress to..." and "continuation" say nothing); equipment given during the spell
   ("ongoing low level"); otherwise the spell's own outcome ("unable to classify").
4. 2A = spells whose sequel was short-term support (ongoing low level, other short-term) or no
   further action (information and advice, support ended as planned or for another reason,
   moved to another council, referred within the council, no services for another reason,
   other), of the spells whose sequel was one of those, long-term support or short-term
   residential or nursing care. Spells, not people: someone reabled twice counts twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import ibis
import ibis.expr.types as ir

from careassure.measures.national import LONG_TERM, aged, days_lived

NEVER = date(9999, 1, 1)  # DHSC's end of an open event
CLUSTER_GAP_DAYS = 7
SEQUEL_WINDOW_DAYS = 7
NEW_CLIENT_DAYS = 91
NESTED_DAYS = 14
ST_MAX = "sts_st_max"
RESIDENTIAL_OR_NURSING = "sts_residential_or_nursing"  # DHSC's sequel, not a CLD service type
SHORT_TERM_CARE_HOMES = ("short_term_residential", "short_term_nursing")
EQUIPMENT = "equipment"
DECEASED = "no_further_action_deceased"
HOSPITAL = "admitted_to_hospital"
ENDED_AS_PLANNED = "no_further_action_ended_as_planned"

# DHSC's Event_Outcome_Hierarchy (lower is better); the outcomes that say only that something
# followed carry DHSC's penalty of 100 ("unable to classify"); an unknown outcome is 999.
OUTCOME_HIERARCHY = {
    "progress_to_reablement": 101, "progress_to_assessment": 102,
    "progress_to_financial_assessment": 103, "end_of_life": 103,
    "progress_to_services": 104, "continuation": 105, HOSPITAL: 6,
    "no_further_action_moved_la": 7, "no_further_action_nhs": 8,
    "no_further_action_self_funded": 9, "no_further_action": 10,
    "no_further_action_referral_within_la": 11, "no_further_action_declined": 12,
    DECEASED: 13, ENDED_AS_PLANNED: 14, "no_further_action_ended_other": 15,
    "no_further_action_no_services": 16, "no_further_action_other": 17,
}
UNCLASSIFIED = 100
UNKNOWN_OUTCOME = 999
# DHSC's order of services in the sequel window.
SERVICE_HIERARCHY = {"lts_nursing": 1, "lts_residential": 2, "lts_community": 3,
                     "lts_prison": 4, ST_MAX: 5, "sts_ongoing_low_level": 6, "sts_other": 7}

# Sequels that end short-term support without ongoing support (2A's numerator) and those that
# count at all (its denominator).
NO_ONGOING_SUPPORT = (
    "sts_ongoing_low_level", "sts_other", "no_further_action", ENDED_AS_PLANNED,
    "no_further_action_moved_la", "no_further_action_other", "no_further_action_no_services",
    "no_further_action_ended_other", "no_further_action_referral_within_la",
)
COUNTED = (*LONG_TERM, RESIDENTIAL_OR_NURSING, *NO_ONGOING_SUPPORT)

# Steps of rule 3, in order: the first step with an answer gives the sequel.
_DEATH, _HOSPITAL, _SERVICE, _OUTCOME, _EQUIPMENT, _OWN = (k * 1000 for k in range(1, 7))
_NULL_TEXT = ibis.null().cast("string")


def _hierarchy(outcome: ir.StringValue) -> ir.IntegerValue:
    return ibis.cases(*((outcome == code, rank) for code, rank in OUTCOME_HIERARCHY.items()),
                      else_=UNKNOWN_OUTCOME)


def _events(tables: Mapping[str, ir.Table]) -> ir.Table:
    """Service users' events (ending on or after they start), open ends set to DHSC's 9999."""
    ev = tables["cld_events"]
    ev = ev.filter((ev.client_type == "service_user")
                   & (ev.end_date.isnull() | (ev.end_date >= ev.start_date)))
    return ev.select("person_id", "event_id", "event_type", "service_type",
                     "service_component", "outcome", "record_order", start="start_date",
                     last=ev.end_date.fill_null(ibis.literal(NEVER)),
                     hier=_hierarchy(ev.outcome))


def spells(tables: Mapping[str, ir.Table]) -> ir.Table:
    """Rules 1 and 2 without the year: every spell of reablement of a new adult client, with its
    ``person_id``, ``spell`` number, ``c_start``, ``c_end``, ``c_outcome``, ``c_hier``, ``band``
    (``18-64``, ``65+``, ``unknown``) and the person's ``death``."""
    ev = _events(tables)
    stmax = ev.filter((ev.event_type == "service") & (ev.service_type == ST_MAX))
    order = ["start", "last", "hier", ibis.desc("record_order")]
    before = ibis.window(group_by="person_id", order_by=order, rows=(None, -1))
    stmax = stmax.mutate(previous_end=stmax.last.max().over(before))
    starts_spell = (stmax.previous_end.isnull()
                    | (stmax.start.delta(stmax.previous_end, unit="day") > CLUSTER_GAP_DAYS))
    so_far = ibis.window(group_by="person_id", order_by=order, rows=(None, 0))
    stmax = stmax.mutate(spell=starts_spell.ifelse(1, 0).sum().over(so_far))
    last_first = ibis.window(group_by=["person_id", "spell"],
                             order_by=[ibis.desc("last"), "hier", ibis.desc("record_order")])
    stmax = stmax.mutate(place=ibis.row_number().over(last_first))
    bounds = stmax.group_by(["person_id", "spell"]).aggregate(
        c_start=stmax.start.min(), c_end=stmax.last.max())
    ending = stmax.filter(stmax.place == 0).select(
        e_person="person_id", e_spell="spell", c_outcome="outcome", c_hier="hier")
    found = bounds.join(ending, [bounds.person_id == ending.e_person,
                                 bounds.spell == ending.e_spell]).drop("e_person", "e_spell")
    people = tables["people"].select(
        b_person="person_id", birth_month="birth_month")
    details = tables["cld_people"].select(
        d_person="person_id", death="date_of_death")
    found = found.join(people, found.person_id == people.b_person)
    found = found.left_join(details, found.person_id == details.d_person)
    lived = days_lived(found.birth_month, found.c_end)
    found = found.filter((lived.isnull() | aged(lived, 18))
                         & (found.death.isnull() | (found.death >= found.c_start)))
    found = found.select("person_id", "spell", "c_start", "c_end", "c_outcome", "c_hier",
                         "death", band=ibis.cases((lived.isnull(), "unknown"),
                                                  (aged(lived, 65), "65+"), else_="18-64"))
    lts = ev.filter((ev.event_type == "service") & ev.service_type.isin(LONG_TERM)).select(
        l_person="person_id", l_start="start", l_last="last")
    pairs = found.join(lts, found.person_id == lts.l_person)
    existing = pairs.filter(
        (pairs.l_start < pairs.c_start)
        & (pairs.c_start.delta(pairs.l_last, unit="day") < NEW_CLIENT_DAYS)
    ).select(x_person="person_id", x_spell="spell").distinct()
    return found.anti_join(existing, [found.person_id == existing.x_person,
                                      found.spell == existing.x_spell])


def sequels(tables: Mapping[str, ir.Table]) -> ir.Table:
    """Rule 3: every spell of :func:`spells` with its ``sequel`` (a CLD outcome or service type
    code, or ``sts_residential_or_nursing``; NULL when the spell's own outcome is unknown)."""
    found = spells(tables)
    ev = _events(tables).rename(e_person="person_id")
    pairs = found.join(ev, found.person_id == ev.e_person)
    # The spell's own ST-Max services are not events around it (DHSC blanks them).
    pairs = pairs.filter(~((pairs.event_type == "service") & (pairs.service_type == ST_MAX)
                           & pairs.start.between(pairs.c_start, pairs.c_end)))
    window = pairs.filter((pairs.start >= pairs.c_start) & (pairs.last > pairs.c_end)
                          & (pairs.start.delta(pairs.c_end, unit="day") <= SEQUEL_WINDOW_DAYS))
    nested = pairs.filter((pairs.start >= pairs.c_start) & (pairs.last > pairs.c_start)
                          & (pairs.last <= pairs.c_end))
    keys = ("person_id", "spell")

    def step(table: ir.Table, priority: ir.IntegerValue | int, sequel: ir.StringValue) -> ir.Table:
        rank = (ibis.literal(priority, "int64") if isinstance(priority, int)
                else priority.cast("int64"))
        return table.select(*keys, priority=rank, sequel=sequel.cast("string"))

    is_service = window.event_type == "service"
    services = window.filter(is_service & window.service_type.isin(list(SERVICE_HIERARCHY)))
    care_home = services.service_component.isin(SHORT_TERM_CARE_HOMES).fill_null(False)
    service_rank = ibis.cases(*((services.service_type == code, rank)
                                for code, rank in SERVICE_HIERARCHY.items()))
    service_sequel = ((services.service_type == "sts_other") & care_home).ifelse(
        ibis.literal(RESIDENTIAL_OR_NURSING), services.service_type)
    others = window.filter(~is_service & (window.outcome != ENDED_AS_PLANNED).fill_null(True)
                           & ((window.c_hier < UNCLASSIFIED) | (window.hier < UNCLASSIFIED)))
    told = others.filter(others.hier < UNCLASSIFIED)
    late = nested.filter(nested.event_type.isin(("assessment", "review"))
                         & (nested.c_end.delta(nested.last, unit="day") < NESTED_DAYS)
                         & (nested.hier < UNCLASSIFIED))
    latest = ibis.window(group_by=list(keys), order_by=[ibis.desc("last"), "hier"])
    late = late.mutate(place=ibis.row_number().over(latest))
    late = late.filter(late.place == 0)
    with_window = window.select(w_person="person_id", w_spell="spell").distinct()
    quiet = found.anti_join(with_window, [found.person_id == with_window.w_person,
                                          found.spell == with_window.w_spell])
    quiet = quiet.filter(quiet.c_hier < UNCLASSIFIED)
    equipment = nested.filter((nested.event_type == "service")
                              & (nested.service_component == EQUIPMENT))
    died = found.filter(found.c_end.delta(found.death, unit="day") >= -SEQUEL_WINDOW_DAYS)
    candidates = ibis.union(
        step(died, _DEATH, ibis.literal(DECEASED)),
        step(found.filter(found.c_outcome == HOSPITAL), _HOSPITAL, found.c_outcome),
        step(services, _SERVICE + service_rank * 2 + care_home.ifelse(0, 1), service_sequel),
        step(others, _OUTCOME + others.c_hier, others.c_outcome),
        step(told, _OUTCOME + told.hier, told.outcome),
        step(late, _OUTCOME + late.hier, late.outcome),
        step(quiet, _OUTCOME + quiet.c_hier, quiet.c_outcome),
        step(equipment, _EQUIPMENT, ibis.literal("sts_ongoing_low_level")),
        step(found, _OWN, found.c_outcome),
    )
    first = ibis.window(group_by=list(keys), order_by="priority")
    candidates = candidates.mutate(place=ibis.row_number().over(first))
    chosen = candidates.filter(candidates.place == 0).select(
        s_person="person_id", s_spell="spell", sequel="sequel")
    found = found.join(chosen, [found.person_id == chosen.s_person,
                                found.spell == chosen.s_spell])
    return found.drop("s_person", "s_spell")

"""National comparators: DHSC's provisional Client Level Data (CLD) waiting-time measures.

DHSC publishes each council's median "wait to first response" and "wait to first service" per
quarter, for ages 25-64 and 65+, computed from the council's CLD submissions (method v1.1 of
19/05/2026, DHSC's code ``DataS-DHSC/ASC-CLD-LA-Dashboard``, ``Waiting_times/
waiting_times_method.sql``, on the events its ``Main_tables`` procedures clean). These measures
apply that method so a council sees its figure the way DHSC will publish it, before DHSC does.

The events come from one of two places (docs/measures.md, "National comparators"):

* a store loaded from CLD holds the cleaned CLD events themselves (``cld_events``): requests with
  their outcomes, assessments with their types and outcomes, services with their types. DHSC's
  method applies to them rule for rule;
* any other store has its records turned into the events a CLD submission of them holds (as
  ``careassure.synth.cld.to_cld`` writes them): a request per completed Care Act assessment on its
  ``received_date``, progressed to assessment; an assessment per completed Care Act or carer
  assessment from its ``allocated_date`` that progresses to services when ``eligible``; a service
  per service with at least one day, long-term or "other short-term" support.

DHSC's rules, in the order its code applies them:

1. Requests by service users from 01/04/2023, aged 25+ at the request's start, whose outcome is
   known and is neither "no further action" nor "admitted to hospital", and not existing clients:
   no long-term service (nursing, residential, community, prison) that started before the request
   and ended no more than 12 months before it or is still going, and no ST-Max or other
   short-term service that did so within 3 months ("ongoing low level" support does not count).
2. The person's requests, long- and short-term assessments and long- and short-term services
   (each aged 25+ at its start) in order of start date; the same day: request, assessment,
   service, then the later-submitted row first.
3. Each assessment belongs to a block of consecutive assessments; the block progresses to
   services when any of its assessments has the outcome "progress to reablement/ST-Max",
   "progress to support planning or services" or "continuation of support or services".
4. First response: the first assessment after the request, or the first service if that comes
   first. First service: the first service after it, unless the first response was an assessment
   whose block does not progress to services.
5. A request is dropped when it starts before the previous request's follow-up ends (the later
   of its first response and first service), or when its first response or first service was
   already an earlier request's.
6. Each wait, in days from the request, is counted in the calendar quarter of the event that
   ends it and in the age band of that event: age at its end (a service still open: at the
   reporting period end), in whole years counted as DHSC does, days from the 1st of the birth
   month divided by 365.25.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from careassure.measures.breakdowns import attach_group
from careassure.measures.catalogue import AGE_25_64, AGE_65_PLUS, NATIONAL_PREFIX, breakdowns_of
from careassure.measures.context import Cells, Context, aggregate, look_up
from careassure.measures.values import statistic_cell

FIRST_REQUESTS = date(2023, 4, 1)  # DHSC counts requests from the start of CLD collection
MIN_AGE = 25
OLD_AGE = 65
NEEDS_KINDS = ("care_act_assessment", "carer_assessment")
REQUEST, ASSESSMENT, SERVICE = 1, 2, 3  # same-day order
METRICS = ("wait_to_first_response", "wait_to_first_service")
BANDS = (AGE_25_64, AGE_65_PLUS)
MEASURES = tuple(f"{NATIONAL_PREFIX}{m}.{b}" for m in METRICS for b in BANDS)

# CLD codes (records/cld_values.yaml) DHSC's rules name.
ASSESSMENT_TYPES = ("long_term", "short_term")
LONG_TERM = ("lts_nursing", "lts_residential", "lts_community", "lts_prison")
SHORT_TERM_LOOK_BACK = ("sts_st_max", "sts_other")  # "existing client" within 3 months
SHORT_TERM = (*SHORT_TERM_LOOK_BACK, "sts_ongoing_low_level")
# Every "no further action" outcome of Release 2 (records/cld_values.yaml, attribute nfa).
NO_FURTHER_ACTION = ("no_further_action_moved_la", "no_further_action_nhs",
                     "no_further_action_self_funded", "no_further_action",
                     "no_further_action_referral_within_la", "no_further_action_declined",
                     "no_further_action_deceased", "no_further_action_ended_as_planned",
                     "no_further_action_ended_other", "no_further_action_no_services",
                     "no_further_action_other")
REQUEST_NOT_PROGRESSED = (*NO_FURTHER_ACTION, "admitted_to_hospital")
PROGRESS_TO_SERVICE = ("progress_to_reablement", "progress_to_services", "continuation")
# The store's records as CLD codes (what to_cld writes for them).
_STORE_SERVICE_TYPES = {"long_term": "lts_community", "short_term": "sts_other"}

# Every event, from either source: the start ``day``, the ``last_day`` (inclusive, NULL when
# open), the ``band_day`` its age band is taken at, and what the rules need of it.
_EVENT_SCHEMA = ("person_id", "event_id", "stage", "day", "last_day", "band_day",
                 "service_user", "outcome", "service_type", "progress", "record_order")
_NULL_TEXT = ibis.null().cast("string")
_NULL_INT = ibis.null().cast("int64")


def days_lived(birth_month: ir.StringValue, at: ir.DateValue) -> ir.IntegerValue:
    """Days from the 1st of a ``YYYY-MM`` birth month to ``at`` (NULL when either is)."""
    return at.delta(birth_month.concat("-01").cast("date"), unit="day")


def aged(days_lived: ir.IntegerValue, years: int) -> ir.BooleanValue:
    """DHSC's age, floor(days / 365.25), is at least ``years``: 4 days >= 1461 years, in whole
    numbers so both engines agree to the day."""
    return days_lived * 4 >= years * 1461


def _from_cld(ctx: Context) -> ir.Table:
    """The cleaned CLD events DHSC's method reads: requests, long- and short-term assessments,
    and long- and short-term services."""
    ev = ctx.tables["cld_events"]
    ev = ev.filter(
        (ev.event_type == "request")
        | ((ev.event_type == "assessment") & ev.assessment_type.isin(ASSESSMENT_TYPES))
        | ((ev.event_type == "service") & ev.service_type.isin((*LONG_TERM, *SHORT_TERM)))
    )
    stage = ibis.cases((ev.event_type == "request", REQUEST),
                       (ev.event_type == "assessment", ASSESSMENT), else_=SERVICE)
    # DHSC ages an open service at the reporting period end (at its start when the file gave
    # none).
    open_band_day = ev.period_end.fill_null(ev.start_date)
    return ev.select(
        "person_id", "event_id", stage=stage.cast("int64"), day=ev.start_date,
        last_day=ev.end_date, band_day=ev.end_date.fill_null(open_band_day),
        service_user=ev.client_type == "service_user", outcome=ev.outcome,
        service_type=ev.service_type,
        progress=ev.outcome.isin(PROGRESS_TO_SERVICE).fill_null(False),
        record_order=ev.record_order,
    )


def _from_store(ctx: Context) -> ir.Table:
    """The events a CLD submission of the store's records holds (module docstring)."""
    episodes = ctx.tables["episodes"]
    done = episodes.filter(episodes.kind.isin(NEEDS_KINDS) & episodes.completed_date.notnull())
    requests = done.filter(done.kind == "care_act_assessment")
    requests = requests.select(
        "person_id", event_id=requests.episode_id, stage=ibis.literal(REQUEST, "int64"),
        day=requests.received_date, last_day=requests.received_date,
        band_day=requests.received_date, service_user=ibis.literal(True),
        outcome=ibis.literal("progress_to_assessment"), service_type=_NULL_TEXT,
        progress=ibis.literal(False), record_order=ibis.literal(0, "int64"),
    )
    started = done.allocated_date.fill_null(done.received_date)
    assessments = done.select(
        "person_id", event_id=done.episode_id, stage=ibis.literal(ASSESSMENT, "int64"),
        day=started, last_day=done.completed_date, band_day=done.completed_date,
        service_user=done.kind == "care_act_assessment", outcome=done.outcome,
        service_type=_NULL_TEXT, progress=(done.outcome == "eligible").fill_null(False),
        record_order=ibis.literal(0, "int64"),
    )
    services = ctx.tables["services"]
    services = services.filter(
        services.end_date.isnull() | (services.end_date > services.start_date)
    )
    # The open services are aged on the day the store's data runs to, its reporting period end.
    latest = episodes.aggregate(latest=episodes.completed_date.max()).cross_join(
        services.aggregate(latest_start=services.start_date.max()))
    services = services.cross_join(latest)
    data_end = ibis.greatest(services.latest.fill_null(services.latest_start),
                             services.latest_start.fill_null(services.latest))
    last_day = services.end_date - ibis.interval(days=1)  # end_date is the first day without
    service_type = ibis.cases(
        *((services.support_type == kind, code) for kind, code in _STORE_SERVICE_TYPES.items()),
        else_=_NULL_TEXT,
    )
    services = services.select(
        "person_id", event_id=services.service_id, stage=ibis.literal(SERVICE, "int64"),
        day=services.start_date, last_day=last_day,
        band_day=last_day.fill_null(ibis.greatest(data_end, services.start_date)),
        service_user=ibis.literal(True), outcome=_NULL_TEXT, service_type=service_type,
        progress=ibis.literal(False), record_order=ibis.literal(0, "int64"),
    )
    return ibis.union(requests, assessments, services)


def _has_cld_events(ctx: Context) -> bool:
    """Whether the store was loaded from CLD (then DHSC's method reads CLD's own events)."""
    events = ctx.tables["cld_events"]
    return bool(events.limit(1).count().to_pyarrow().as_py())


def _events(ctx: Context) -> ir.Table:
    """The events of DHSC's rules 1-3 (module docstring), each with its place ``seq`` in the
    person's order, its age ``band``, the ``block_progress`` of its block of assessments, and
    the places of the first assessment and first service after it."""
    source = _from_cld(ctx) if _has_cld_events(ctx) else _from_store(ctx)
    people = ctx.tables["people"].select(b_person="person_id", birth_month="birth_month")
    events = source.join(people, source.person_id == people.b_person)
    at_start = days_lived(events.birth_month, events.day)
    at_band = days_lived(events.birth_month, events.band_day)
    events = events.mutate(
        adult=aged(at_start, MIN_AGE),
        band=aged(at_band, OLD_AGE).ifelse(AGE_65_PLUS, AGE_25_64),
    )
    requests = _requests(ctx, events)
    others = events.filter((events.stage != REQUEST) & events.adult)
    kept = ibis.union(requests.select(*_EVENT_SCHEMA, "band"),
                      others.select(*_EVENT_SCHEMA, "band"))
    # Only people with a request in scope can have a wait: the others' events are dropped
    # before the costly part (DHSC drops them too).
    asked = requests.select(a_person="person_id").distinct()
    kept = kept.semi_join(asked, kept.person_id == asked.a_person)
    in_order = ibis.window(group_by="person_id",
                           order_by=["day", "stage", ibis.desc("record_order"),
                                     ibis.desc("event_id")])
    kept = kept.mutate(seq=ibis.row_number().over(in_order))
    # Consecutive assessments share a block: the count of other events up to each one.
    so_far = ibis.window(group_by="person_id", order_by="seq", rows=(None, 0))
    kept = kept.mutate(block=(kept.stage != ASSESSMENT).ifelse(1, 0).sum().over(so_far))
    in_block = ibis.window(group_by=["person_id", "block"])
    kept = kept.mutate(
        block_progress=(kept.stage == ASSESSMENT).ifelse(kept.progress.ifelse(1, 0), _NULL_INT)
        .max().over(in_block) == 1
    )
    after = ibis.window(group_by="person_id", order_by="seq", rows=(1, None))
    return kept.mutate(
        next_assessment=(kept.stage == ASSESSMENT).ifelse(kept.seq, _NULL_INT).min().over(after),
        next_service=(kept.stage == SERVICE).ifelse(kept.seq, _NULL_INT).min().over(after),
    )


def _requests(ctx: Context, events: ir.Table) -> ir.Table:
    """Rule 1: the requests in scope."""
    requests = events.filter(
        (events.stage == REQUEST) & events.service_user & (events.day >= FIRST_REQUESTS)
        & events.adult & events.outcome.notnull()
        & ~events.outcome.isin(REQUEST_NOT_PROGRESSED)
    )
    # The calendar ends at the last evaluation date: a later request gets no look-back and is
    # kept, which changes nothing reported (its waits end after every evaluation date, and it
    # can only affect requests after it).
    dated = look_up(requests, "day", ctx.calendar_table, minus_12m="back_12m",
                    minus_3m="back_3m")
    services = events.filter(events.stage == SERVICE).select(
        s_person="person_id", s_start="day", s_last="last_day", s_type="service_type")
    # Joined on the person first, then filtered: an anti-join on the whole condition would be a
    # nested loop on DuckDB.
    pairs = dated.join(services, dated.person_id == services.s_person)
    look_back = ibis.cases(
        (pairs.s_type.isin(LONG_TERM), pairs.back_12m),
        (pairs.s_type.isin(SHORT_TERM_LOOK_BACK), pairs.back_3m),
        else_=ibis.null().cast("date"),
    )
    existing = pairs.filter(
        look_back.notnull() & (pairs.s_start < pairs.day)
        & (pairs.s_last.isnull() | (pairs.s_last >= look_back))
    ).select(existing_id="event_id").distinct()
    return requests.anti_join(existing, requests.event_id == existing.existing_id)


def _event(events: ir.Table, prefix: str) -> ir.Table:
    """The events renamed with ``prefix``, for joining a request to the event that answers it."""
    return events.select(**{f"{prefix}_{c}": c for c in
                            ("person_id", "seq", "day", "stage", "block_progress", "band")})


def _previous_max(column: ir.IntegerValue) -> ir.IntegerValue:
    """The largest value of ``column`` over the person's earlier requests (0 when none)."""
    earlier = ibis.window(group_by="person_id", order_by="seq", rows=(None, -1))
    return column.max().over(earlier).fill_null(0)


def _waits(ctx: Context) -> ir.Table:
    """One row per wait DHSC counts: ``person_id, metric, band, day`` (the day the wait ended,
    which places it in a quarter) and ``wait`` in days."""
    events = _events(ctx)
    requests = events.filter(events.stage == REQUEST)
    service_first = requests.next_service.notnull() & (
        requests.next_assessment.isnull() | (requests.next_service < requests.next_assessment)
    )
    requests = requests.mutate(
        response=service_first.ifelse(requests.next_service, requests.next_assessment)
    )
    answer = _event(events, "r")
    requests = requests.left_join(answer, [requests.person_id == answer.r_person_id,
                                           requests.response == answer.r_seq])
    # No first service when the first response was an assessment whose block of consecutive
    # assessments does not progress to services.
    stalled = (requests.r_stage == ASSESSMENT) & ~requests.r_block_progress
    requests = requests.mutate(
        service=stalled.ifelse(_NULL_INT, requests.next_service)
    )
    # The follow-up ends at the later of the two (either may be missing).
    follow_up = ibis.greatest(requests.response.fill_null(requests.service),
                              requests.service.fill_null(requests.response))
    by_request = ibis.window(group_by="person_id", order_by="seq")
    requests = requests.mutate(
        previous_follow_up=follow_up.lag().over(by_request),
        claimed_response=_previous_max(requests.response),
        claimed_service=_previous_max(requests.service),
    )
    overlaps = (requests.previous_follow_up > requests.seq).fill_null(False)
    claimed = ((requests.response <= requests.claimed_response).fill_null(False)
               | (requests.service <= requests.claimed_service).fill_null(False))
    requests = requests.filter(~overlaps & ~claimed)
    service = _event(events, "s")
    requests = requests.left_join(service, [requests.person_id == service.s_person_id,
                                            requests.service == service.s_seq])
    first_response = requests.filter(requests.r_day.notnull()).select(
        "person_id", metric=ibis.literal(METRICS[0]), band=requests.r_band,
        day=requests.r_day, wait=requests.r_day.delta(requests.day, unit="day"),
    )
    first_service = requests.filter(requests.s_day.notnull()).select(
        "person_id", metric=ibis.literal(METRICS[1]), band=requests.s_band,
        day=requests.s_day, wait=requests.s_day.delta(requests.day, unit="day"),
    )
    return ibis.union(first_response, first_service)


def waiting_times(ctx: Context, wanted: set[str]) -> Cells:
    """DHSC's median waits of the waits ending in each period (a quarter when the period is one:
    ``series(..., "quarter")``), by the age band at the event that ended the wait."""
    waits = _waits(ctx)
    grid = ctx.grid
    units = waits.join(grid, [waits.day > grid.period_start, waits.day <= grid.as_of])
    units = units.select("person_id", "as_of", "metric", "band", "wait")
    grouped = ctx.applies(breakdowns_of(MEASURES[0]))
    units = attach_group(units, ctx.by if grouped else None, ctx.tables)
    rows = aggregate(
        units,
        ["metric", "band"],
        {"n": lambda u: u.count(), "median": lambda u: u.wait.median()},
        grouped=grouped,
    )
    cells: Cells = {}
    for as_of, grp in ctx.keys(grouped):
        for metric in METRICS:
            for band in BANDS:
                measure = f"{NATIONAL_PREFIX}{metric}.{band}"
                if measure in wanted:
                    row = rows.get((as_of, metric, band, grp), {})
                    cells[(measure, as_of, grp)] = statistic_cell(
                        row.get("median"), row.get("n", 0), whole=False
                    )
    return cells

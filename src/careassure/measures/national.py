"""National comparators: DHSC's provisional Client Level Data (CLD) waiting-time measures.

DHSC publishes each council's median "wait to first response" and "wait to first service" per
quarter, for ages 25-64 and 65+, computed from the council's CLD submissions (method v1.1,
``shared/reference/cld-notes.md``; DHSC's code: ``DataS-DHSC/ASC-CLD-LA-Dashboard``,
``Waiting_times/waiting_times_method.sql``). These measures apply that method to the store, to
the events a CLD submission of the store would hold (``careassure.synth.cld.to_cld`` writes
them), so a council sees its figure the way DHSC will publish it, before DHSC does.

The store's episodes become CLD events as ``to_cld`` writes them:

* a **request** per completed Care Act assessment, starting on its ``received_date`` (work that
  left the queue before allocation is a request with no further action, which DHSC excludes;
  nothing is submitted until completed);
* an **assessment** per completed Care Act or carer assessment, starting on its
  ``allocated_date`` (``received_date`` when never allocated); it shows progress to services
  when its outcome is ``eligible``;
* a **service** per service with at least one day (long-term and short-term).

Then, per DHSC: requests from 01/04/2023 by people aged 25+, not existing clients (a long-term
service that started before the request and ended no more than 12 months before it or is still
going; a short-term one within 3 months); events of people aged 25+ at their start, in order of
start date (same day: request, assessment, service). First response: the first assessment after
the request, or a service if one comes first. First service: the first service after it, unless
the first response was an assessment without progress to services. A request that starts before
the previous request's follow-up (its first response or first service, whichever is later) is
dropped. Each wait is counted in the quarter, and the age band, of the event that ends it.

Age is from the birth month (born on the 1st), the store holding no full dates of birth.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from careassure.measures.breakdowns import age_in_months, attach_group
from careassure.measures.catalogue import AGE_25_64, AGE_65_PLUS, NATIONAL_PREFIX, breakdowns_of
from careassure.measures.context import Cells, Context, aggregate, look_up
from careassure.measures.values import statistic_cell

FIRST_REQUESTS = date(2023, 4, 1)  # DHSC counts requests from the start of CLD collection
MIN_AGE = 25
NEEDS_KINDS = ("care_act_assessment", "carer_assessment")
REQUEST, ASSESSMENT, SERVICE = 1, 2, 3  # same-day order
METRICS = ("wait_to_first_response", "wait_to_first_service")
BANDS = (AGE_25_64, AGE_65_PLUS)
MEASURES = tuple(f"{NATIONAL_PREFIX}{m}.{b}" for m in METRICS for b in BANDS)

_EVENT_SCHEMA = ("person_id", "day", "stage", "event_id", "progress")


def _requests(ctx: Context) -> ir.Table:
    """Requests that are in scope: completed Care Act assessments received from April 2023,
    less those of existing clients (ages are checked with the other events)."""
    episodes = ctx.tables["episodes"]
    requests = episodes.filter(
        (episodes.kind == "care_act_assessment")
        & episodes.completed_date.notnull()
        & (episodes.received_date >= FIRST_REQUESTS)
    )
    requests = requests.select(
        "person_id", day=requests.received_date, stage=ibis.literal(REQUEST, "int64"),
        event_id=requests.episode_id, progress=ibis.null().cast("boolean"),
    )
    # The calendar ends at the last evaluation date: a later request gets no look-back and is
    # kept, which changes nothing reported (its waits end after every evaluation date, and it
    # can only affect requests after it).
    requests = look_up(requests, "day", ctx.calendar_table, minus_12m="back_12m",
                       minus_3m="back_3m")
    services = _services(ctx).select(
        s_person="person_id", s_start="start_date", s_end="end_date", s_type="support_type"
    )
    # A service's end_date is its first day without it: "ended on or after the look-back day"
    # is end_date - 1 >= look-back, i.e. end_date > look-back.
    # Joined on the person first, then filtered: an anti-join on the whole condition would be a
    # nested loop on DuckDB.
    pairs = requests.join(services, requests.person_id == services.s_person)
    look_back = (pairs.s_type == "long_term").ifelse(pairs.back_12m, pairs.back_3m)
    existing = pairs.filter(
        (pairs.s_start < pairs.day) & (pairs.s_end.isnull() | (pairs.s_end > look_back))
    ).select(existing_id="event_id").distinct()
    requests = requests.anti_join(existing, requests.event_id == existing.existing_id)
    return requests.select(*_EVENT_SCHEMA)


def _services(ctx: Context) -> ir.Table:
    """Services a CLD submission holds: every service with at least one day."""
    services = ctx.tables["services"]
    return services.filter(
        services.end_date.isnull() | (services.end_date > services.start_date)
    )


def _events(ctx: Context) -> ir.Table:
    """Every in-scope event of people aged 25+ at its start, numbered in DHSC's order, with the
    order numbers of the first assessment and first service after it."""
    episodes = ctx.tables["episodes"]
    done = episodes.filter(episodes.kind.isin(NEEDS_KINDS) & episodes.completed_date.notnull())
    assessments = done.select(
        "person_id", day=done.allocated_date.fill_null(done.received_date),
        stage=ibis.literal(ASSESSMENT, "int64"), event_id=done.episode_id,
        progress=(done.outcome == "eligible").fill_null(False),
    )
    services = _services(ctx)
    services = services.select(
        "person_id", day=services.start_date, stage=ibis.literal(SERVICE, "int64"),
        event_id=services.service_id, progress=ibis.null().cast("boolean"),
    )
    requests = _requests(ctx)
    events = ibis.union(requests, assessments, services)
    # Only people with a request in scope can have a wait: the others' events are dropped
    # before the costly part (DHSC drops them too).
    asked = requests.select(a_person="person_id").distinct()
    events = events.semi_join(asked, events.person_id == asked.a_person)
    people = ctx.tables["people"].select(b_person="person_id", birth_month="birth_month")
    events = events.join(people, events.person_id == people.b_person)
    months = age_in_months(events.birth_month, events.day)
    events = events.filter(months >= MIN_AGE * 12)
    events = events.select(
        *_EVENT_SCHEMA, band=(months < 65 * 12).ifelse(AGE_25_64, AGE_65_PLUS)
    )
    in_order = ibis.window(group_by="person_id", order_by=["day", "stage", "event_id"])
    events = events.mutate(seq=ibis.row_number().over(in_order))
    after = ibis.window(group_by="person_id", order_by="seq", rows=(1, None))
    null = ibis.null().cast("int64")
    return events.mutate(
        next_assessment=(events.stage == ASSESSMENT).ifelse(events.seq, null).min()
        .over(after),
        next_service=(events.stage == SERVICE).ifelse(events.seq, null).min().over(after),
    )


def _event(events: ir.Table, prefix: str) -> ir.Table:
    """The events renamed with ``prefix``, for joining a request to the event that answers it."""
    return events.select(**{f"{prefix}_{c}": c for c in
                            ("person_id", "seq", "day", "stage", "progress", "band")})


def _waits(ctx: Context) -> ir.Table:
    """One row per wait DHSC counts: ``person_id, metric, band, day`` (the day the wait ended,
    which places it in a quarter) and ``wait`` in days."""
    events = _events(ctx)
    requests = events.filter(events.stage == REQUEST)
    service_first = requests.next_assessment.isnull() | (
        requests.next_service < requests.next_assessment
    )
    requests = requests.mutate(
        response=service_first.ifelse(requests.next_service, requests.next_assessment)
    )
    answer = _event(events, "r")
    requests = requests.left_join(answer, [requests.person_id == answer.r_person_id,
                                           requests.response == answer.r_seq])
    # No first service when the first response was an assessment without progress to services.
    stalled = (requests.r_stage == ASSESSMENT) & ~requests.r_progress
    requests = requests.mutate(
        service=stalled.ifelse(ibis.null().cast("int64"), requests.next_service)
    )
    # The follow-up ends at the later of the two (either may be missing).
    follow_up = ibis.greatest(requests.response.fill_null(requests.service),
                              requests.service.fill_null(requests.response))
    by_request = ibis.window(group_by="person_id", order_by="seq")
    requests = requests.mutate(previous_follow_up=follow_up.lag().over(by_request))
    requests = requests.filter(
        requests.previous_follow_up.isnull() | (requests.previous_follow_up <= requests.seq)
    )
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
    ``series(..., "quarter")``), by the age band at the end of the wait."""
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

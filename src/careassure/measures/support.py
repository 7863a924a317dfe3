"""Long-term support measures: annual reviews, direct payments and personal budgets.

Both start from *runs*: each person's long-term services merged into unbroken stretches (services
that overlap or touch, ``end_date`` = next ``start_date``). The spec defines the LTS start by
walking back from D until no earlier service joins; that walk always ends at the start of the run
containing D, so runs are computed once for all dates (gaps and islands with two window
functions) and a date only has to find the run it falls in.

Reviews then split each run into *pieces* over which the last review is constant: before the
person's first review (anchor = run start) and between consecutive reviews (anchor = that
review). Each piece knows its due date, so evaluating at any number of dates is one range join
of pieces to the date grid, giving exactly one row per person in long-term support per date.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from careassure.measures.breakdowns import attach_group
from careassure.measures.calendar import FAR_FUTURE
from careassure.measures.catalogue import breakdowns_of
from careassure.measures.context import Cells, Context, aggregate, count_if, look_up
from careassure.measures.outcome_catalogue import PERSONAL_BUDGETS, REVIEW_OVER_2_YEARS
from careassure.measures.values import count_cell, percent_cell, statistic_cell

RESIDENTIAL_SETTINGS = ("residential", "nursing")
DIRECT_PAYMENT = "direct_payment"
PERSONAL_BUDGET_MECHANISMS = (DIRECT_PAYMENT, "managed_personal_budget")
DIRECT_PAYMENTS = "direct_payments.pct"
COMMUNITY_SHARES = (DIRECT_PAYMENTS, PERSONAL_BUDGETS)


def runs(services: ir.Table) -> ir.Table:
    """Each person's ``services`` merged into unbroken runs: ``person_id, run_start, run_end``
    (``run_end`` is the first day without any of them; FAR_FUTURE while one is ongoing).

    A service starts a new run when it starts after every earlier-starting service has ended;
    touching (``start_date`` = an earlier ``end_date``) continues the run.
    """
    far = ibis.date(FAR_FUTURE)
    s = services.select("person_id", start="start_date", end=services.end_date.fill_null(far))
    order = ["start", "end"]
    before = ibis.window(group_by="person_id", order_by=order, rows=(None, -1))
    s = s.mutate(ended_before=s.end.max().over(before))
    s = s.mutate(new_run=(s.ended_before.isnull() | (s.start > s.ended_before)).ifelse(1, 0))
    so_far = ibis.window(group_by="person_id", order_by=order, rows=(None, 0))
    s = s.mutate(run=s.new_run.sum().over(so_far))
    return s.group_by(["person_id", "run"]).aggregate(
        run_start=s.start.min(), run_end=s.end.max()
    ).drop("run")


def _long_term(ctx: Context) -> ir.Table:
    services = ctx.tables["services"]
    return services.filter(services.support_type == "long_term")


def _review_pieces(ctx: Context) -> ir.Table:
    """Pieces of LTS runs with a constant last review: ``person_id, run_start, lo, hi,
    reviewed`` (NULL before the first review), ``due``, ``due_6m``, ``due_2y`` (due + 6 months,
    due + 24 months); the piece holds for D in
    [lo, hi). Only pieces overlapping the evaluation dates are kept."""
    far = ibis.date(FAR_FUTURE)
    first_date, last_date = ctx.first_date, ctx.last_date
    lts = runs(_long_term(ctx))
    lts = lts.filter((lts.run_start <= last_date) & (lts.run_end > first_date))
    episodes = ctx.tables["episodes"]
    reviews = episodes.filter(
        (episodes.kind == "review")
        & episodes.completed_date.notnull()
        & (episodes.completed_date <= last_date)
    )
    reviews = reviews.select(r_person="person_id", reviewed="completed_date")
    # Two reviews on one day give an empty piece [c, c), dropped below: no DISTINCT needed.
    following = ibis.window(group_by="r_person", order_by="reviewed")
    reviews = reviews.mutate(next_review=reviews.reviewed.lead().over(following).fill_null(far))
    first = reviews.group_by(f_person=reviews.r_person).aggregate(
        first_review=reviews.reviewed.min()
    )

    unreviewed = lts.left_join(first, lts.person_id == first.f_person)
    unreviewed = unreviewed.select(
        "person_id",
        "run_start",
        lo=unreviewed.run_start,
        hi=ibis.least(unreviewed.run_end, unreviewed.first_review.fill_null(far)),
        reviewed=ibis.null().cast("date"),
    )
    reviewed = lts.join(
        reviews,
        [
            lts.person_id == reviews.r_person,
            reviews.reviewed < lts.run_end,
            reviews.next_review > lts.run_start,
        ],
    )
    reviewed = reviewed.select(
        "person_id",
        "run_start",
        lo=ibis.greatest(reviewed.run_start, reviewed.reviewed),
        hi=ibis.least(reviewed.run_end, reviewed.next_review),
        reviewed=reviewed.reviewed,
    )
    pieces = unreviewed.union(reviewed)
    pieces = pieces.filter(
        (pieces.lo < pieces.hi) & (pieces.lo <= last_date) & (pieces.hi > first_date)
    )
    pieces = pieces.mutate(anchor=pieces.reviewed.fill_null(pieces.run_start))
    pieces = look_up(pieces, "anchor", ctx.calendar_table, plus_12m="due", plus_12m_6m="due_6m",
                     plus_12m_24m="due_2y")
    return pieces.drop("anchor")


def reviews(ctx: Context, wanted: set[str]) -> Cells:
    """Overdue reviews and reviews within 12 months of the people in long-term support at D."""
    grouped = ctx.applies(breakdowns_of("review.overdue"))
    pieces = _review_pieces(ctx)
    grid = ctx.grid
    units = pieces.join(grid, [pieces.lo <= grid.as_of, pieces.hi > grid.as_of])
    overdue = units.due < units.as_of
    units = units.select(
        "person_id",
        "as_of",
        overdue=overdue,
        # NULL unless overdue: median/max skip NULLs (portable, unlike an aggregate's where=)
        overdue_days=overdue.ifelse(units.as_of.delta(units.due, unit="day"), ibis.null()),
        over_6m=units.due_6m < units.as_of,
        over_2y=units.due_2y < units.as_of,
        eligible=units.run_start <= units.back_12m,
        recent=units.reviewed.notnull() & (units.reviewed > units.back_12m),
    )
    units = attach_group(units, ctx.by if grouped else None, ctx.tables)
    rows = aggregate(
        units,
        [],
        {
            "n": lambda u: u.count(),
            "overdue": lambda u: count_if(u.overdue),
            "median": lambda u: u.overdue_days.median(),
            "max": lambda u: u.overdue_days.max(),
            "over_6m": lambda u: count_if(u.over_6m),
            "over_2y": lambda u: count_if(u.over_2y),
            "eligible": lambda u: count_if(u.eligible),
            "recent": lambda u: count_if(u.eligible & u.recent),
        },
        grouped=grouped,
    )
    cells: Cells = {}
    for as_of, grp in ctx.keys(grouped):
        row = rows.get((as_of, grp), {})
        n_overdue = row.get("overdue", 0)
        found = {
            "review.overdue": count_cell(n_overdue),
            "review.median_overdue": statistic_cell(row.get("median"), n_overdue, whole=False),
            "review.max_overdue": statistic_cell(row.get("max"), n_overdue, whole=True),
            "review.pct_overdue_over_6_months": percent_cell(row.get("over_6m"), row.get("n")),
            REVIEW_OVER_2_YEARS: count_cell(row.get("over_2y")),
            "review.pct_reviewed_within_12_months": percent_cell(
                row.get("recent"), row.get("eligible")
            ),
        }
        cells.update(((m, as_of, grp), c) for m, c in found.items() if m in wanted)
    return cells


def community_shares(ctx: Context, wanted: set[str]) -> Cells:
    """Of people with community (not residential or nursing) long-term support at D, the % with
    such a service paid as a direct payment, and the % with one taken as a personal budget (a
    direct payment or a council-managed personal budget: self-directed support)."""
    grouped = ctx.applies(breakdowns_of(DIRECT_PAYMENTS))
    lt = _long_term(ctx)
    # Only coverage of the evaluation dates matters here (not where a run started), so services
    # that cover none of them can be left out before merging.
    lt = lt.filter(
        (lt.start_date <= ctx.last_date)
        & (lt.end_date.isnull() | (lt.end_date > ctx.first_date))
    )
    community = lt.filter(~lt.setting.isin(RESIDENTIAL_SETTINGS))
    by_dp = (community.delivery_mechanism == DIRECT_PAYMENT) | (community.setting == DIRECT_PAYMENT)
    paid = community.filter(by_dp)
    budget = community.filter(
        by_dp | community.delivery_mechanism.isin(PERSONAL_BUDGET_MECHANISMS)
    )
    # share 0: community support; 1: direct payment; 2: personal budget.
    both = ibis.union(runs(community).mutate(share=0), runs(paid).mutate(share=1),
                      runs(budget).mutate(share=2))
    grid = ctx.grid
    units = both.join(grid, [both.run_start <= grid.as_of, both.run_end > grid.as_of])
    units = units.select("person_id", "as_of", "share")
    units = attach_group(units, ctx.by if grouped else None, ctx.tables)
    rows = aggregate(
        units,
        [],
        {
            "community": lambda u: count_if(u.share == 0),
            DIRECT_PAYMENTS: lambda u: count_if(u.share == 1),
            PERSONAL_BUDGETS: lambda u: count_if(u.share == 2),
        },
        grouped=grouped,
    )
    cells: Cells = {}
    for as_of, grp in ctx.keys(grouped):
        row = rows.get((as_of, grp), {})
        for measure in COMMUNITY_SHARES:
            if measure in wanted:
                cells[(measure, as_of, grp)] = percent_cell(row.get(measure), row.get("community"))
    return cells

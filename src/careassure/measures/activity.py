"""DHSC's activity tables from CLD: the counts of the "Adult social care activity report" (the
tables SALT used to return, which DHSC and NHS England now derive from CLD), for the 12 months to
D (the financial year when D is 31 March), from the CLD events a CLD load keeps (``cld_events``,
``cld_people``).

Each table is declared once in :data:`TABLES` (id, title, what one unit is, the rows, and whether
the columns are DHSC's age bands or gender); every unit counted falls in exactly one row and one
column, so rows and columns add up to the totals. The rules, table by table, are in
docs/activity.md. What may be published goes through :func:`published`, which applies
careassure's suppression (:mod:`careassure.measures.publish`) across both rows and columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from careassure.measures.ascof import RANKS, setting_rank
from careassure.measures.calendar import plus_months
from careassure.measures.engine import record_tables
from careassure.measures.national import LONG_TERM, NO_FURTHER_ACTION, aged, days_lived
from careassure.measures.publish import SUPPRESSED, suppress
from careassure.measures.result import MeasureValue
from careassure.measures.stmax import HOSPITAL, RESIDENTIAL_OR_NURSING, sequels
from careassure.records.cld_values import value_lists

TOTAL = "total"
UNKNOWN = "unknown"
AGE_COLUMNS = (("18-64", "Aged 18-64"), ("65+", "Aged 65 and over"),
               (UNKNOWN, "Age not known"))
GENDER_COLUMNS = (("female", "Female"), ("male", "Male"), (UNKNOWN, "Other or not known"))

Tables = Mapping[str, ir.Table]


@dataclass(frozen=True)
class ActivityTable:
    """One activity table: what it counts (``unit``), its rows (code, label) in order and its
    columns (DHSC's age bands, or gender)."""

    id: str
    title: str
    definition: str
    unit: str
    rows: tuple[tuple[str, str], ...]
    by: Literal["age", "gender"] = "age"

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        return AGE_COLUMNS if self.by == "age" else GENDER_COLUMNS


@dataclass(frozen=True)
class ActivityResult:
    """One table's counts for the 12 months (``year_start``, ``as_of``]."""

    table: ActivityTable
    year_start: date
    as_of: date
    counts: Mapping[tuple[str, str], int]

    def count(self, row: str, column: str) -> int:
        """A cell, a row or column total (``TOTAL``), or the grand total."""
        rows = [r for r, _ in self.table.rows] if row == TOTAL else [row]
        columns = [c for c, _ in self.table.columns] if column == TOTAL else [column]
        return sum(self.counts.get((r, c), 0) for r in rows for c in columns)


def _labels(column: str, codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Rows named by their Release 2 spelling in records/cld_values.yaml."""
    found = value_lists()[column].codes
    return tuple((code, found[code].r2) for code in codes)


_OUTCOMES = tuple(value_lists()["event_outcome"].codes)
_SERVICE_LABELS = _labels("service_type", (*LONG_TERM, "sts_ongoing_low_level", "sts_other"))
SHORT_TERM_SEQUELS = (
    *_SERVICE_LABELS[:4],
    (RESIDENTIAL_OR_NURSING, "Short term support: Residential or nursing care"),
    *_SERVICE_LABELS[4:],
    *_labels("event_outcome", (HOSPITAL, *NO_FURTHER_ACTION)),
    ("unclassified", "Unable to classify"),
)
SETTINGS = _labels("service_type", LONG_TERM)
_AT_END = {1: "nursing", 2: "residential", 3: "community_direct_payment",
           4: "community_managed_budget", 5: "community_commissioned",
           6: "community_no_mechanism"}
CARER_SUPPORT = (
    ("direct_payment", "Direct to the carer: direct payment"),
    ("managed_personal_budget", "Direct to the carer: council-managed personal budget"),
    ("commissioned", "Direct to the carer: commissioned support"),
    ("other_direct", "Direct to the carer: other or mechanism not known"),
    ("via_cared_for", "Support involving the person cared for"),
    ("no_support", "Assessment, review or request only"),
)

TABLES: tuple[ActivityTable, ...] = (
    ActivityTable(
        "requests", "Requests for support from new clients, by outcome",
        "Requests of service users ending in the 12 months to D, from people aged 18+ (or of "
        "unknown age) at the request's start who had no long-term support going on then, by "
        "the request's outcome.", "requests",
        (*_labels("event_outcome", _OUTCOMES), (UNKNOWN, "Outcome not known"))),
    ActivityTable(
        "short_term", "Short-term support to maximise independence (ST-Max) of new clients, "
        "by what followed",
        "Spells of reablement of new clients ending in the 12 months to D, by their sequel, as "
        "ASCOF 2A reads them (docs/measures.md, ascof.2a).", "spells of reablement",
        SHORT_TERM_SEQUELS),
    ActivityTable(
        "long_term_in_year", "People with long-term support during the year, by setting",
        "Service users aged 18+ at D (or of unknown age), alive at the year's start, with a "
        "long-term service on any day of the 12 months to D, by their highest setting.",
        "people", SETTINGS),
    ActivityTable(
        "long_term_at_end", "People with long-term support at the end of the year, by setting "
        "and delivery mechanism",
        "Service users aged 18+ at D (or of unknown age), alive at D, with a long-term service "
        "going on at D, each in their highest setting as ASCOF 3D places them.", "people",
        (("nursing", SETTINGS[0][1]), ("residential", SETTINGS[1][1]),
         ("community_direct_payment", "Long term support: Community, direct payment"),
         ("community_managed_budget",
          "Long term support: Community, council-managed personal budget"),
         ("community_commissioned", "Long term support: Community, commissioned support"),
         ("community_no_mechanism", "Long term support: Community, mechanism not known"),
         ("prison", SETTINGS[3][1]))),
    ActivityTable(
        "long_term_over_12_months", "People with long-term support for over 12 months at the "
        "end of the year, by setting",
        "Of the people of long_term_at_end, those with a long-term service going on at D that "
        "started 12 months or more before D, by their highest setting at D.", "people",
        SETTINGS),
    ActivityTable(
        "reviews", "Reviews of service users, by reason",
        "Reviews of service users aged 18+ (or of unknown age) at the review's end, ending in "
        "the 12 months to D, by review reason.", "reviews",
        (*_labels("review_reason", ("planned", "unplanned")), (UNKNOWN, "Reason not known"))),
    ActivityTable(
        "carers", "Carers supported during the year, by support",
        "Carers aged 18+ at D (or of unknown age), alive at the year's start, with any carer "
        "event on a day of the 12 months to D, by the best support they had.", "carers",
        CARER_SUPPORT),
    ActivityTable(
        "learning_disability_employment", "Adults with a learning disability in long-term "
        "support, by employment status",
        "The people of long_term_in_year aged 18-64 at D whose primary support reason is "
        "learning disability, by their latest known employment status, by gender.", "people",
        (*_labels("employment_status", tuple(value_lists()["employment_status"].codes)),
         (UNKNOWN, "Employment status not known")), by="gender"),
    ActivityTable(
        "learning_disability_accommodation", "Adults with a learning disability in long-term "
        "support, by accommodation",
        "The people of learning_disability_employment, by whether they live in their own home "
        "or with family (as ASCOF 2E reads accommodation), by gender.", "people",
        (("settled", "Living in their own home or with family"),
         ("not_settled", "Living elsewhere"), (UNKNOWN, "Accommodation not known")),
        by="gender"),
)
BY_ID = {t.id: t for t in TABLES}


def _age_column(lived: ir.IntegerValue) -> ir.StringValue:
    return ibis.cases((lived.isnull(), UNKNOWN), (aged(lived, 65), "65+"), else_="18-64")


def _adult(lived: ir.IntegerValue) -> ir.BooleanValue:
    return lived.isnull() | aged(lived, 18)


def _with_person(tables: Tables, events: ir.Table) -> ir.Table:
    """``events`` with the person's birth month, gender, primary support reason and death."""
    people = tables["people"].select(b_person="person_id", birth_month="birth_month",
                                     gender="gender", reason="primary_support_reason")
    details = tables["cld_people"].select(
        d_person="person_id", death="date_of_death", employment="employment_status",
        settled="settled_accommodation")
    events = events.join(people, events.person_id == people.b_person)
    return events.left_join(details, events.person_id == details.d_person).drop(
        "b_person", "d_person")


def _requests(tables: Tables, start: date, end: date) -> ir.Table:
    ev = tables["cld_events"]
    requests = ev.filter((ev.event_type == "request") & (ev.client_type == "service_user")
                         & (ev.end_date > start) & (ev.end_date <= end))
    lts = ev.filter((ev.event_type == "service") & ev.service_type.isin(LONG_TERM)).select(
        l_person="person_id", l_start="start_date", l_end="end_date")
    pairs = requests.join(lts, requests.person_id == lts.l_person)
    existing = pairs.filter((pairs.l_start < pairs.start_date)
                            & (pairs.l_end.isnull() | (pairs.l_end >= pairs.start_date)))
    existing = existing.select(x_id="event_id").distinct()
    requests = requests.anti_join(existing, requests.event_id == existing.x_id)
    requests = _with_person(tables, requests)
    lived = days_lived(requests.birth_month, requests.start_date)
    requests = requests.filter(_adult(lived))
    return requests.select(row=requests.outcome.fill_null(UNKNOWN), column=_age_column(lived))


def _short_term(tables: Tables, start: date, end: date) -> ir.Table:
    found = sequels(tables)
    found = found.filter((found.c_end > start) & (found.c_end <= end))
    known = [code for code, _ in SHORT_TERM_SEQUELS if code != "unclassified"]
    row = found.sequel.isin(known).fill_null(False).ifelse(found.sequel, "unclassified")
    return found.select(row=row, column=found.band)


def _long_term(tables: Tables, start: date, end: date, *, at_end: bool) -> ir.Table:
    """Per person, the ASCOF 3D rank of their best long-term service (``rank``) and whether one
    of the services placing them started 12 months or more before D (``long``); over the year,
    or at D when ``at_end``."""
    ev = tables["cld_events"]
    lts = ev.filter((ev.event_type == "service") & (ev.client_type == "service_user")
                    & ev.service_type.isin(LONG_TERM) & (ev.start_date <= end))
    lts = _with_person(tables, lts)
    if at_end:
        lts = lts.filter((lts.end_date.isnull() | (lts.end_date >= end))
                         & (lts.death.isnull() | (lts.death >= end)))
    else:
        lts = lts.filter((lts.end_date.isnull() | (lts.end_date > start))
                         & (lts.death.isnull() | (lts.death > start)))
    before = plus_months(end, -12)
    home = ibis.cases((lts.settled.isnull(), UNKNOWN), (lts.settled, "settled"),
                      else_="not_settled")
    lts = lts.mutate(rank=setting_rank(lts), home=home,
                     long=(lts.start_date <= before).ifelse(1, 0))
    people = lts.group_by("person_id").aggregate(
        rank=lts.rank.min(), long=lts.long.max(), birth_month=lts.birth_month.max(),
        gender=lts.gender.max(), reason=lts.reason.max(), employment=lts.employment.max(),
        home=lts.home.max())
    lived = days_lived(people.birth_month, ibis.literal(end))
    people = people.filter(_adult(lived))
    return people.mutate(column=_age_column(lived), lived=lived)


def _by_setting(people: ir.Table) -> ir.Table:
    """The row of each person: the setting of their best rank."""
    settings = {rank: stype for (stype, _how), rank in RANKS.items()}
    row = ibis.cases(*((people.rank == rank, stype) for rank, stype in settings.items()),
                     else_=ibis.null().cast("string"))
    return people.select(row=row, column="column")


def _long_term_in_year(tables: Tables, start: date, end: date) -> ir.Table:
    return _by_setting(_long_term(tables, start, end, at_end=False))


def _long_term_at_end(tables: Tables, start: date, end: date) -> ir.Table:
    people = _long_term(tables, start, end, at_end=True)
    row = ibis.cases(*((people.rank == rank, code) for rank, code in _AT_END.items()),
                     else_="prison")
    return people.select(row=row, column="column")


def _long_term_over_12_months(tables: Tables, start: date, end: date) -> ir.Table:
    people = _long_term(tables, start, end, at_end=True)
    return _by_setting(people.filter(people.long == 1))


def _reviews(tables: Tables, start: date, end: date) -> ir.Table:
    ev = tables["cld_events"]
    reviews = ev.filter((ev.event_type == "review") & (ev.client_type == "service_user")
                        & (ev.end_date > start) & (ev.end_date <= end))
    reviews = _with_person(tables, reviews)
    lived = days_lived(reviews.birth_month, reviews.end_date)
    reviews = reviews.filter(_adult(lived))
    return reviews.select(row=reviews.review_reason.fill_null(UNKNOWN),
                          column=_age_column(lived))


def _carers(tables: Tables, start: date, end: date) -> ir.Table:
    ev = tables["cld_events"]
    ev = ev.filter((ev.client_type == "carer") & (ev.start_date <= end)
                   & (ev.end_date.isnull() | (ev.end_date > start)))
    ev = _with_person(tables, ev)
    ev = ev.filter(ev.death.isnull() | (ev.death > start))
    direct = ev.service_type == "carer_direct"
    by_dp = ((ev.delivery_mechanism == "direct_payment")
             | (ev.service_component == "direct_payment")).fill_null(False)
    rank = ibis.cases(
        (direct & by_dp, 1),
        (direct & (ev.delivery_mechanism == "managed_personal_budget"), 2),
        (direct & (ev.delivery_mechanism == "council_commissioned"), 3),
        (direct, 4),
        (ev.service_type == "carer_with_cared_for", 5),
        else_=6,
    )
    ev = ev.mutate(rank=rank)
    people = ev.group_by("person_id").aggregate(rank=ev.rank.min(),
                                                birth_month=ev.birth_month.max())
    lived = days_lived(people.birth_month, ibis.literal(end))
    people = people.filter(_adult(lived))
    row = ibis.cases(*((people.rank == i + 1, code) for i, (code, _) in
                       enumerate(CARER_SUPPORT)))
    return people.select(row=row, column=_age_column(lived))


def _learning_disability(tables: Tables, start: date, end: date) -> ir.Table:
    people = _long_term(tables, start, end, at_end=False)
    people = people.filter((people.column == "18-64")
                           & (people.reason == "learning_disability"))
    gender = people.gender.isin(("female", "male")).fill_null(False).ifelse(people.gender,
                                                                             UNKNOWN)
    return people.mutate(column=gender)


def _employment(tables: Tables, start: date, end: date) -> ir.Table:
    people = _learning_disability(tables, start, end)
    return people.select(row=people.employment.fill_null(UNKNOWN), column="column")


def _accommodation(tables: Tables, start: date, end: date) -> ir.Table:
    people = _learning_disability(tables, start, end)
    return people.select(row=people.home, column="column")


_UNITS: dict[str, Callable[[Tables, date, date], ir.Table]] = {
    "requests": _requests, "short_term": _short_term, "long_term_in_year": _long_term_in_year,
    "long_term_at_end": _long_term_at_end,
    "long_term_over_12_months": _long_term_over_12_months, "reviews": _reviews,
    "carers": _carers, "learning_disability_employment": _employment,
    "learning_disability_accommodation": _accommodation,
}


def activity(backend: Any, as_of: date, tables: tuple[str, ...] | None = None,
             ) -> list[ActivityResult]:
    """The activity tables (all, or those named) for the 12 months to ``as_of``, on any engine
    the measures run on (``backend``: an Ibis backend or a Store)."""
    source = record_tables(backend)
    start = plus_months(as_of, -12)
    results = []
    for table in TABLES:
        if tables is not None and table.id not in tables:
            continue
        units = _UNITS[table.id](source, start, as_of)
        counted = units.group_by(["row", "column"]).aggregate(n=units.count())
        counts = {(r["row"], r["column"]): int(r["n"])
                  for r in counted.to_pyarrow().to_pylist()}
        results.append(ActivityResult(table, start, as_of, counts))
    return results


def published(result: ActivityResult) -> dict[tuple[str, str], int | str]:
    """Every cell, row total and column total (``TOTAL``) as it may be published: counts 1-4
    hidden, and more hidden until no hidden cell can be recovered by subtraction from its row
    or its column (:func:`careassure.measures.publish.suppress`, applied to each row and each
    column as a breakdown set, repeated until nothing more is hidden)."""
    rows = [*(r for r, _ in result.table.rows), TOTAL]
    columns = [*(c for c, _ in result.table.columns), TOTAL]
    grid = {(r, c): result.count(r, c) for r in rows for c in columns}
    hidden: set[tuple[str, str]] = set()

    def value(set_name: str, cell: tuple[str, str], group: dict[str, str] | None
              ) -> MeasureValue:
        # A cell already hidden stands as a small count, so it stays hidden in every set.
        n = 1 if cell in hidden else grid[cell]
        return MeasureValue(measure=set_name, value=n, numerator=n, denominator=None,
                            as_of=result.as_of, breakdown=group)

    while True:
        cells = [(r, c) for r in rows for c in columns]
        values = [value(f"row {r}", (r, c), None if c == TOTAL else {"column": c})
                  for r, c in cells]
        values += [value(f"column {c}", (r, c), None if r == TOTAL else {"row": r})
                   for r, c in cells]
        out = suppress(values)
        now = {cells[i % len(cells)] for i, v in enumerate(out) if v.numerator == SUPPRESSED}
        if now <= hidden:
            return {cell: SUPPRESSED if cell in hidden else n for cell, n in grid.items()}
        hidden |= now

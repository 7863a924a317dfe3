"""ASCOF measures from CLD, as DHSC computes them (``DataS-DHSC/ASC-CLD-LA-Dashboard``,
``ASCOF_measures/``, the 2024/25-onwards procedures, on the events its ``Main_tables`` clean).

Each figure is for the 12 months to the evaluation date D, (D - 12 months, D]: the financial
year when D is 31 March. They read the CLD events and person details a CLD load keeps
(``cld_events``, ``cld_people``), so a store loaded from the record format has no ASCOF figures
(every value empty, denominators 0). Ages are DHSC's: floor(days from the 1st of the birth month
/ 365.25). The rules, measure by measure, are in docs/measures.md ("ASCOF from CLD").

* 2A: of new clients' spells of reablement ending in the year, the share whose sequel was
  short-term support or no further action, by the age band at the spell's end (the sequel
  chain is measures/stmax.py).
* 2B / 2C: people (service users, birth month known, alive at the year's start) with a new
  long-term residential or nursing care service starting in the year, per 100,000 adults aged
  18-64 / 65+ of the ``population`` table. New: no such service of the person started before it
  and ended less than 365 days before it (or is still going); the service's component must say
  long-term residential or nursing care; admissions whose outcome is "NFA: self-funded client"
  are left out. Age at the admission's start; someone admitted at both ages counts as 18-64.
  By council, each council's admissions per 100,000 of its own adults (the population rows
  with its ``la_code``): a council with no such rows has no rate (never another's adults);
  the whole set divides by every row.
* 2E: of the people (18+, or age unknown) with long-term support in the year, the share living
  in their own home or with family (``cld_people.settled_accommodation``), aged at the end of
  their latest service (or D while it continues); 18-64, 65+, and learning disability 18-64.
* 3D (clients): of the people (not under 18) with long-term support at D whose highest setting
  (nursing, then residential, then community, then prison) is community support, the share
  with self-directed support (direct payment or council-managed personal budget; 1a) and with
  direct payments (2a).
* DHSC's breakdowns are measures of their own, beside each total: 2E by gender (female, male;
  other and unknown count only in the total), 3D by age band at D (unknown ages only in the
  total).
* 3D (carers): of the carers (not under 18 at D, alive at the year's start) whose best support
  in the year was direct to them by direct payment, managed personal budget or commissioned
  support, the share by direct payment or managed personal budget (1b) and by direct payment
  (2b).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any

import ibis
import ibis.expr.types as ir

from careassure.measures.breakdowns import attach_group
from careassure.measures.catalogue import COUNCIL
from careassure.measures.context import Cells, Context, aggregate
from careassure.measures.equity import population_by_ethnicity
from careassure.measures.national import LONG_TERM, aged, days_lived
from careassure.measures.stmax import COUNTED, NO_ONGOING_SUPPORT, sequels
from careassure.measures.values import Cell, percent_cell, rounded

PREFIX = "ascof."
PER = 100_000
# ASCOF 2A by DHSC's age bands at the end of the reablement (the total counts unknown ages too).
SHORT_TERM = {f"{PREFIX}2a": None, f"{PREFIX}2a.18_to_64": "18-64",
              f"{PREFIX}2a.65_and_over": "65+"}
ADMISSIONS = {f"{PREFIX}2b": "18-64", f"{PREFIX}2c": "65+"}
# DHSC publishes 2E by gender (female, male; the total counts every gender) and 3D by age band
# (at D; the total counts unknown ages too): the last id segment names the group.
GENDERS = ("female", "male")
AGE_BANDS = {"18_to_64": "18-64", "65_and_over": "65+"}
_HOME_BANDS = {f"{PREFIX}2e.18_to_64": "18-64", f"{PREFIX}2e.65_and_over": "65+",
               f"{PREFIX}2e.learning_disability": "ld"}
HOME = {f"{base}{suffix}": (band, gender) for base, band in _HOME_BANDS.items()
        for suffix, gender in (("", None), *((f".{g}", g) for g in GENDERS))}


def _by_age(parts: tuple[str, ...]) -> dict[str, tuple[str, str | None]]:
    """Each 3D part's measure id -> (part id, age band or None for all ages)."""
    return {f"{m}{suffix}": (m, band) for m in parts
            for suffix, band in (("", None), *((f".{k}", v) for k, v in AGE_BANDS.items()))}


SELF_DIRECTED = _by_age((f"{PREFIX}3d.1a", f"{PREFIX}3d.2a"))
CARERS = _by_age((f"{PREFIX}3d.1b", f"{PREFIX}3d.2b"))
MEASURES = (*SHORT_TERM, *ADMISSIONS, *HOME, *SELF_DIRECTED, *CARERS)

CARE_HOMES = ("lts_residential", "lts_nursing")
CARE_HOME_COMPONENTS = ("long_term_residential", "long_term_nursing")
SELF_FUNDED = "no_further_action_self_funded"
# DHSC's ASCOF 3D ranking of a client's long-term services at D (lowest wins).
RANKS = {("lts_nursing", None): 1, ("lts_residential", None): 2,
          ("lts_community", "direct_payment"): 3,
          ("lts_community", "managed_personal_budget"): 4,
          ("lts_community", "council_commissioned"): 5, ("lts_community", None): 6,
          ("lts_prison", "managed_personal_budget"): 7,
          ("lts_prison", "council_commissioned"): 8, ("lts_prison", None): 9}
SELF_DIRECTED_RANKS = {f"{PREFIX}3d.1a": (3, 4), f"{PREFIX}3d.2a": (3,)}
COMMUNITY_RANKS = (3, 4, 5, 6)
# Carers: support direct to the carer by direct payment 1, managed personal budget 2,
# commissioned 3, unknown mechanism 4; other carer events rank lower and never count.
CARER_SUPPORT_RANKS = {f"{PREFIX}3d.1b": (1, 2), f"{PREFIX}3d.2b": (1,)}
CARER_DIRECT_RANKS = (1, 2, 3)


def _services(ctx: Context) -> ir.Table:
    """Long-term support services of service users, with the person's birth month, primary
    support reason, date of death and accommodation."""
    ev = ctx.tables["cld_events"]
    ev = ev.filter((ev.event_type == "service") & (ev.client_type == "service_user")
                   & (ev.end_date.isnull() | (ev.end_date >= ev.start_date)))
    people = ctx.tables["people"].select(
        b_person="person_id", birth_month="birth_month", gender="gender",
        reason="primary_support_reason")
    details = ctx.tables["cld_people"].select(
        d_person="person_id", death="date_of_death", settled="settled_accommodation")
    ev = ev.join(people, ev.person_id == people.b_person)
    ev = ev.left_join(details, ev.person_id == details.d_person)
    return ev.drop("b_person", "d_person")


def _by_council(ctx: Context, units: ir.Table) -> tuple[ir.Table, bool]:
    """``units`` with their council as ``grp`` when the evaluation is by council (every ASCOF
    measure but 2A, which DHSC publishes by age only), and whether it is."""
    grouped = ctx.by == COUNCIL
    return attach_group(units, ctx.by if grouped else None, ctx.tables), grouped


def _in_year(table: ir.Table, ctx: Context, condition: Callable[[ir.Table], Any]) -> ir.Table:
    """``table`` joined to each evaluation date whose year (D - 12 months, D] ``condition``
    (of the joined row) holds for."""
    grid = ctx.grid.select("as_of", year_before="back_12m")
    joined = table.cross_join(grid)
    return joined.filter(condition(joined))


def short_term_support(ctx: Context, wanted: set[str]) -> Cells:
    """ASCOF 2A: of new clients' spells of reablement ending in the 12 months to D, the share
    whose sequel was no ongoing support (measures/stmax.py)."""
    found = sequels(ctx.tables)
    found = _in_year(found, ctx, lambda t: (t.c_end > t.year_before) & (t.c_end <= t.as_of))
    found = found.mutate(counted=found.sequel.isin(COUNTED).fill_null(False).ifelse(1, 0),
                         ended=found.sequel.isin(NO_ONGOING_SUPPORT).fill_null(False)
                         .ifelse(1, 0))
    rows = aggregate(found, ["band"], {"n": lambda u: u.counted.sum(),
                                       "ended": lambda u: u.ended.sum()}, grouped=False)
    cells: Cells = {}
    for as_of, _ in ctx.keys(False):
        for measure, band in SHORT_TERM.items():
            if measure in wanted:
                parts = [row for (day, b, _g), row in rows.items()
                         if day == as_of and (band is None or b == band)]
                cells[(measure, as_of, None)] = percent_cell(
                    sum(int(r["ended"]) for r in parts), sum(int(r["n"]) for r in parts))
    return cells


def admissions(ctx: Context, wanted: set[str]) -> Cells:
    """ASCOF 2B and 2C (module docstring)."""
    services = _services(ctx)
    homes = services.filter(
        services.service_type.isin(CARE_HOMES)
        & services.service_component.isin(CARE_HOME_COMPONENTS)
        & services.birth_month.notnull()
    )
    admitted = _in_year(homes, ctx, lambda t: (
        (t.start_date > t.year_before) & (t.start_date <= t.as_of)
        & (t.death.isnull() | (t.death > t.year_before))
        & (t.outcome.isnull() | (t.outcome != SELF_FUNDED))
    ))
    earlier = homes.select(p_person="person_id", p_start="start_date", p_end="end_date")
    pairs = admitted.join(earlier, admitted.person_id == earlier.p_person)
    existing = pairs.filter(
        (pairs.p_start < pairs.start_date)
        & (pairs.p_end.isnull() | (pairs.start_date.delta(pairs.p_end, unit="day") < 365))
    ).select(x_id="event_id", x_as_of="as_of").distinct()
    new = admitted.anti_join(existing, [admitted.event_id == existing.x_id,
                                        admitted.as_of == existing.x_as_of])
    lived = days_lived(new.birth_month, new.start_date)
    new = new.filter(aged(lived, 18)).mutate(young=(~aged(lived, 65)).ifelse(1, 0))
    people = new.group_by(["as_of", "person_id"]).aggregate(young=new.young.max())
    people = people.mutate(band=(people.young == 1).ifelse("18-64", "65+"))
    units, grouped = _by_council(ctx, people)
    rows = aggregate(units, ["band"], {"n": lambda u: u.count()}, grouped=grouped)
    population = ctx.tables["population"].to_pyarrow().to_pylist()
    cells: Cells = {}
    for as_of, grp in ctx.keys(grouped):
        for measure, band in ADMISSIONS.items():
            if measure in wanted:
                adults = council_adults(population, band, grp)
                n = int(rows.get((as_of, band, grp), {}).get("n", 0))
                value = rounded(Fraction(n * PER, adults)) if adults else None
                cells[(measure, as_of, grp)] = Cell(value, n, adults)
    return cells


def council_adults(population: list[dict[str, Any]], band: str, council: str | None) -> int:
    """Adults in an age band of one council (its rows' ``la_code``), or of the whole set
    (``council`` None: every council's rows, each council's from its least detailed rows, as
    representation reads them). A council with no rows of its own has none: rows without an
    LA code are the whole area's, and can never stand for one council among several."""
    by_council: dict[str | None, list[dict[str, Any]]] = {}
    for row in population:
        by_council.setdefault(row.get("la_code"), []).append(row)
    chosen = list(by_council) if council is None else [council] if council in by_council else []
    return sum(sum(population_by_ethnicity(by_council[c], age_band=band).values())
               for c in chosen)


def population_gaps(values: Iterable[Any]) -> list[str]:
    """Why a 2B/2C figure has no rate: one sentence for the whole area or each council whose
    population rows hold no adults of the age band (``value`` None, denominator 0), so the
    empty figure is never read as "no admissions"."""
    gaps: dict[str, list[str]] = {}
    for value in values:
        if value.measure in ADMISSIONS and value.value is None and not value.denominator:
            council = next(iter(value.breakdown.values())) if value.breakdown else None
            where = f"council {council}: the population has no rows with la_code {council}" \
                if council else "the whole area: the population table has no adults"
            gaps.setdefault(where, []).append(value.measure)
    return [f"{', '.join(dict.fromkeys(measures))}: no rate for {where} of that age "
            "(careassure ingest --population; docs/national.md)"
            for where, measures in gaps.items()]


def living_at_home(ctx: Context, wanted: set[str]) -> Cells:
    """ASCOF 2E (module docstring)."""
    services = _services(ctx)
    lts = services.filter(services.service_type.isin(LONG_TERM))
    lts = _in_year(lts, ctx, lambda t: (
        (t.start_date <= t.as_of) & (t.end_date.isnull() | (t.end_date > t.year_before))
        & (t.death.isnull() | (t.death > t.year_before))
    ))
    capped = ibis.least(lts.end_date.fill_null(lts.as_of), lts.as_of)
    lts = lts.mutate(capped=capped)
    people = lts.group_by(["as_of", "person_id"]).aggregate(
        last_day=lts.capped.max(), birth_month=lts.birth_month.max(), gender=lts.gender.max(),
        reason=lts.reason.max(), settled=lts.settled.fill_null(False).ifelse(1, 0).max())
    lived = days_lived(people.birth_month, people.last_day)
    people = people.filter(lived.isnull() | aged(lived, 18))
    people = people.mutate(band=_band(lived))
    ld = people.filter((people.band == "18-64") & (people.reason == "learning_disability"))
    units = ibis.union(people.select("as_of", "person_id", "band", "gender", "settled"),
                       ld.select("as_of", "person_id", band=ibis.literal("ld"),
                                 gender=ld.gender, settled=ld.settled))
    units, grouped = _by_council(ctx, units)
    rows = aggregate(units, ["band", "gender"], {"n": lambda u: u.count(),
                                                 "home": lambda u: u.settled.sum()},
                     grouped=grouped)
    cells: Cells = {}
    for as_of, grp in ctx.keys(grouped):
        for measure, (band, gender) in HOME.items():
            if measure in wanted:
                parts = [row for (day, b, g, group), row in rows.items()
                         if day == as_of and group == grp and b == band and gender in (None, g)]
                cells[(measure, as_of, grp)] = percent_cell(
                    sum(int(r["home"]) for r in parts), sum(int(r["n"]) for r in parts))
    return cells


def self_directed(ctx: Context, wanted: set[str]) -> Cells:
    """ASCOF 3D, clients (module docstring)."""
    services = _services(ctx)
    lts = services.filter(services.service_type.isin(LONG_TERM))
    active = _in_year(lts, ctx, lambda t: (
        (t.start_date <= t.as_of) & (t.end_date.isnull() | (t.end_date >= t.as_of))
        & (t.death.isnull() | (t.death >= t.as_of))
    ))
    active = active.mutate(rank=setting_rank(active))
    people = active.group_by(["as_of", "person_id"]).aggregate(
        rank=active.rank.min(), birth_month=active.birth_month.max())
    lived = days_lived(people.birth_month, people.as_of)
    people = people.filter((lived.isnull() | aged(lived, 18))
                           & people.rank.isin(COMMUNITY_RANKS))
    return _by_age_cells(ctx, people.mutate(band=_band(lived)), SELF_DIRECTED,
                         SELF_DIRECTED_RANKS, wanted)


def setting_rank(services: ir.Table) -> ir.IntegerValue:
    """DHSC's ASCOF 3D rank of a long-term service (``RANKS``; lower wins): nursing,
    residential, community by direct payment, managed personal budget, commissioned support, no
    known mechanism, then prison. A Direct Payment component is a direct payment whatever the
    mechanism says."""
    mechanism = (services.service_component == "direct_payment").ifelse(
        "direct_payment", services.delivery_mechanism)
    return ibis.cases(
        *(((services.service_type == stype) & (mechanism == how), value)
          for (stype, how), value in RANKS.items() if how is not None),
        *(((services.service_type == stype), value)
          for (stype, how), value in RANKS.items() if how is None),
        else_=ibis.null().cast("int64"),
    )


def _band(lived: ir.IntegerValue) -> ir.StringValue:
    """DHSC's age band of an adult (or of unknown age) from the days lived."""
    return ibis.cases((lived.isnull(), "unknown"), (aged(lived, 65), "65+"), else_="18-64")


def _by_age_cells(ctx: Context, people: ir.Table, measures: dict[str, tuple[str, str | None]],
                  ranks: dict[str, tuple[int, ...]], wanted: set[str]) -> Cells:
    """3D's cells: per age band (``band`` of ``people``) and for all ages, the share of the
    people whose ``rank`` is one of the part's."""
    metrics = {"n": lambda u: u.count()}
    for part, wins in ranks.items():
        metrics[part] = (lambda r: lambda u: u.rank.isin(r).ifelse(1, 0).sum())(wins)
    units, grouped = _by_council(ctx, people)
    rows = aggregate(units, ["band"], metrics, grouped=grouped)
    cells: Cells = {}
    for as_of, grp in ctx.keys(grouped):
        for measure, (part, band) in measures.items():
            if measure in wanted:
                parts = [row for (day, b, group), row in rows.items()
                         if day == as_of and group == grp and band in (None, b)]
                cells[(measure, as_of, grp)] = percent_cell(
                    sum(int(r[part]) for r in parts), sum(int(r["n"]) for r in parts))
    return cells


def carers(ctx: Context, wanted: set[str]) -> Cells:
    """ASCOF 3D, carers (module docstring). As in DHSC's code, a managed personal budget or
    commissioned support direct to a carer counts only when the service names a component.
    DHSC also ranks carers' other events (support involving the person cared for, assessments,
    reviews, information and advice) below these, so they never decide the figure: only
    support direct to the carer is read."""
    ev = ctx.tables["cld_events"]
    ev = ev.filter((ev.client_type == "carer")
                   & (ev.end_date.isnull() | (ev.end_date >= ev.start_date)))
    details = ctx.tables["cld_people"].select(d_person="person_id", death="date_of_death")
    people = ctx.tables["people"].select(b_person="person_id", birth_month="birth_month")
    ev = ev.left_join(details, ev.person_id == details.d_person)
    ev = ev.join(people, ev.person_id == people.b_person)
    ev = _in_year(ev, ctx, lambda t: (
        (t.start_date <= t.as_of) & (t.end_date.isnull() | (t.end_date > t.year_before))
        & (t.death.isnull() | (t.death > t.year_before))
        & (t.service_type == "carer_direct")
    ))
    by_dp = ((ev.delivery_mechanism == "direct_payment")
             | (ev.service_component == "direct_payment")).fill_null(False)
    named = ev.service_component.notnull() & (ev.service_component != "direct_payment")
    rank = ibis.cases(
        (by_dp, 1),
        (named & (ev.delivery_mechanism == "managed_personal_budget"), 2),
        (named & (ev.delivery_mechanism == "council_commissioned"), 3),
        (named, 4),
        else_=ibis.null().cast("int64"),
    )
    ev = ev.mutate(rank=rank, lived=days_lived(ev.birth_month, ev.as_of))
    people_in = ev.group_by(["as_of", "person_id"]).aggregate(
        rank=ev.rank.min(), lived=ev.lived.min())
    people_in = people_in.filter((people_in.lived.isnull() | aged(people_in.lived, 18))
                                 & people_in.rank.isin(CARER_DIRECT_RANKS))
    return _by_age_cells(ctx, people_in.mutate(band=_band(people_in.lived)), CARERS,
                         CARER_SUPPORT_RANKS, wanted)

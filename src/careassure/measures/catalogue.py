"""The measure catalogue: every measure the seed papers quote, declared once.

Each entry carries what a reader needs to trust a figure (id, title, definition, unit, which way is
better, snapshot or flow, default target) and which breakdowns it supports. The definitions are the
short form; docs/measures.md holds the long form, with worked examples, and a test keeps the two in
step.

Id scheme: ``<kind>.<measure>``. Measures that exist once per category carry the category as a
last id segment, so that every id has one scalar value per breakdown group:
``care_act_assessment.representation.asian`` (one per ethnic group) and
``data_quality.pct_missing.people.ethnicity`` (one per checked column, beside the overall
``data_quality.pct_missing``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

from careassure.measures.labels import COLUMN_LABELS, code_label
from careassure.records.schema import ETHNICITIES, QUEUE_KINDS

Unit = Literal[
    "count", "days", "working_days", "percent", "ratio", "seconds", "per_100k", "pounds", "per_50k",
    "fte"
]
Direction = Literal["lower", "higher"]
Kind = Literal["snapshot", "flow"]
Comparator = Literal["<=", "<", ">=", ">", "abs<"]

# Breakdown columns: episode columns first, then person columns (age band is computed at D).
EPISODE_BREAKDOWNS = ("team", "team_type")
PERSON_BREAKDOWNS = (
    "locality",
    "rural_urban",
    "ethnicity",
    "client_type",
    "primary_support_reason",
    "age_band",
)
# The council (LA code) of a person, from a CLD load of several councils (``cld_people``).
COUNCIL = "la_code"
BREAKDOWNS: tuple[str, ...] = EPISODE_BREAKDOWNS + PERSON_BREAKDOWNS + (COUNCIL,)
_ALL = frozenset(BREAKDOWNS)
_PEOPLE_ONLY = frozenset((*PERSON_BREAKDOWNS, COUNCIL))

# The ethnic groups representation is measured for ("unknown" is excluded from both shares).
REPRESENTATION_GROUPS: tuple[str, ...] = tuple(e for e in ETHNICITIES if e != "unknown")

# DHSC's national CLD waiting-time measures: id prefix and the two age bands they are published
# for (the last id segment).
NATIONAL_PREFIX = "dhsc."
AGE_25_64 = "25_to_64"
AGE_65_PLUS = "65_and_over"

# The optional columns data quality counts: those whose NULL means "not recorded". Event dates
# (allocated, completed, closed) are excluded because NULL there means "has not happened yet".
# ``subtype`` is counted only for kinds that take one, ``outcome`` only for ended episodes.
DATA_QUALITY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("people", "birth_month"),
    ("people", "gender"),
    ("people", "ethnicity"),
    ("people", "primary_support_reason"),
    ("people", "locality"),
    ("people", "rural_urban"),
    ("episodes", "team"),
    ("episodes", "subtype"),
    ("episodes", "outcome"),
)


def meets(comparator: str, target: float, value: float, tolerance: float = 0.0) -> bool:
    """Whether ``value <comparator> target`` holds, allowing ``tolerance`` towards the target
    (the council's allowance for a 0% or 100% target, see :class:`Target`). The one rule every
    view judges a figure by, a council target or a plan outcome's."""
    match comparator:
        case "<=":
            return value <= target + tolerance
        case "<":
            return value < target + tolerance
        case ">=":
            return value >= target - tolerance
        case ">":
            return value > target - tolerance
        case "abs<":
            return abs(value) < target + tolerance
    raise ValueError(f"unknown comparator {comparator!r}")


@dataclass(frozen=True)
class Target:
    """A target a measure's value is judged against: ``value <comparator> target``.

    ``abs<`` means ``|value| < target`` (the equity disparity, where either sign is a gap).
    ``source`` names the seed paper and line the figure comes from, or the council's own file.
    ``tolerance`` (percentage points) is set only on a percentage target of 0% or 100%, from the
    council's targets file: "all decided within 5 days" is met at 99.5% with a tolerance of 0.5,
    because one late case in a thousand should not read as failure (the reason says so).
    """

    comparator: Comparator
    value: float
    source: str
    tolerance: float = 0.0

    def met(self, value: float) -> bool:
        return meets(self.comparator, self.value, value, self.tolerance)

    def describe(self) -> str:
        """The target as a reader would write it, e.g. "<= 14" or "|x| < 5"."""
        number = f"{self.value:g}"
        return f"|x| < {number}" if self.comparator == "abs<" else f"{self.comparator} {number}"


@dataclass(frozen=True)
class MeasureDef:
    """One measure: what it counts and how to read it.

    ``breakdowns`` lists the breakdown columns the measure can be split by; asked for any other,
    the engine returns only the whole-area row (e.g. calls have no person, so no ethnicity).
    ``target`` is the shipped default (``targets.yaml``); a council's own file overrides it.
    """

    id: str
    title: str
    definition: str
    unit: Unit
    direction: Direction | None
    kind: Kind
    target: Target | None = None
    breakdowns: frozenset[str] = _ALL


_KIND_NAMES = {
    "care_act_assessment": "Care Act assessments",
    "carer_assessment": "Carer assessments",
    "ot_assessment": "Occupational therapy assessments",
    "financial_assessment": "Financial assessments",
}


def _queue_measures(kind: str) -> list[MeasureDef]:
    name = _KIND_NAMES[kind]
    working = kind == "financial_assessment"
    unit: Unit = "working_days" if working else "days"
    days = "working days" if working else "days"
    wait = (
        "busday_count(received_date, D), England and Wales bank holidays excluded"
        if working
        else "D - received_date"
    )
    to_alloc = "allocated_date - received_date"
    if working:
        to_alloc = "busday_count(received_date, allocated_date)"
    waiting = (
        "received_date <= D and none of allocated_date, completed_date, closed_date is on or "
        "before D"
    )
    return [
        MeasureDef(f"{kind}.waiting", f"{name}: number waiting",
                   f"Count waiting at D: {waiting}.", "count", "lower", "snapshot"),
        MeasureDef(f"{kind}.median_wait", f"{name}: median wait so far",
                   f"Median of the wait so far ({wait}, in {days}) of those waiting at D.",
                   unit, "lower", "snapshot"),
        MeasureDef(f"{kind}.max_wait", f"{name}: longest wait so far",
                   f"Maximum of the wait so far ({wait}, in {days}) of those waiting at D.",
                   unit, "lower", "snapshot"),
        MeasureDef(f"{kind}.pct_over_28", f"{name}: % waiting over 28 {days}",
                   f"Of those waiting at D, % whose wait so far ({wait}) is over 28 {days}.",
                   "percent", "lower", "snapshot"),
        MeasureDef(f"{kind}.over_6_months", f"{name}: number waiting over 6 months",
                   "Count waiting at D whose received_date + 6 calendar months is before D.",
                   "count", "lower", "snapshot"),
        MeasureDef(f"{kind}.median_wait_to_allocation", f"{name}: median wait to allocation",
                   f"Of those allocated in the period (P1 < allocated_date <= P2), median of "
                   f"{to_alloc} in {days}.", unit, "lower", "flow"),
        MeasureDef(f"{kind}.max_wait_to_allocation", f"{name}: longest wait to allocation",
                   f"Of those allocated in the period, maximum of {to_alloc} in {days}.",
                   unit, "lower", "flow"),
        MeasureDef(f"{kind}.pct_allocated_within_28",
                   f"{name}: % allocated within 28 {days}",
                   f"Of those allocated in the period, % with {to_alloc} <= 28.",
                   "percent", "higher", "flow"),
        MeasureDef(f"{kind}.pct_allocated_within_56",
                   f"{name}: % allocated within 56 {days} (8 weeks)",
                   f"Of those allocated in the period, % with {to_alloc} <= 56.",
                   "percent", "higher", "flow"),
    ]


def queue_measure_names(kind: Kind) -> tuple[str, ...]:
    """The names after ``<queue>.`` of the queue measures of one kind (snapshot or flow), in
    catalogue order. The engine routes ids to their family by these, so a queue measure added
    above is computed without a second list to keep in step."""
    return tuple(m.id.partition(".")[2] for m in _queue_measures(QUEUE_KINDS[0]) if m.kind == kind)


_LTS = (
    "In long-term support at D: a long-term service with start_date <= D and end_date NULL or "
    "after D. LTS start: the earliest start_date of the unbroken run of long-term services "
    "covering D (services that overlap or touch, end_date = next start_date)."
)
_ANCHOR = (
    "Last review: latest completed_date <= D of the person's review episodes. Anchor: last "
    "review, else LTS start. Due: anchor + 12 calendar months."
)


def _other_measures() -> list[MeasureDef]:
    representation = [
        MeasureDef(
            f"care_act_assessment.representation.{group}",
            f"Care Act assessments: representation of the {code_label(group)} ethnic group",
            f"(Share of the people with a Care Act assessment completed in the period who are in "
            f"the {group} group) / (the {group} group's share of the adult population), unknown "
            "ethnicity excluded from both shares. 1.0 = proportionate.",
            "ratio", None, "flow", breakdowns=frozenset({"locality", "age_band"}),
        )
        for group in REPRESENTATION_GROUPS
    ]
    quality = [
        MeasureDef(
            f"data_quality.pct_missing.{table}.{column}",
            f"Data quality: % missing: {COLUMN_LABELS[column]} ({table})",
            f"% of {table} rows with {column} NULL"
            + (" (kinds that take a subtype only)" if column == "subtype" else "")
            + (" (completed or closed episodes only)" if column == "outcome" else "")
            + ", over all loaded rows.",
            "percent", "lower", "snapshot", breakdowns=frozenset(),
        )
        for table, column in DATA_QUALITY_COLUMNS
    ]
    national = [
        MeasureDef(
            f"{NATIONAL_PREFIX}{metric}.{band}",
            f"DHSC {name}, aged {ages}: median",
            f"DHSC's provisional CLD method (v1.1): of the requests of people aged 25+ not "
            f"already receiving support, median days from request to {end}, over the waits "
            f"ending in the period (a quarter, as DHSC publishes it), aged {ages} at the end of "
            "the event that ended the wait.",
            "days", "lower", "flow",
            breakdowns=_PEOPLE_ONLY - {"age_band"},
        )
        for metric, name, end in (
            ("wait_to_first_response", "wait to first response",
             "the first assessment or service after it"),
            ("wait_to_first_service", "wait to first service", "the first service after it"),
        )
        for band, ages in ((AGE_25_64, "25-64"), (AGE_65_PLUS, "65+"))
    ]
    return [
        MeasureDef("equipment_delivery.pct_within_5_working_days",
                   "Equipment delivered within 5 working days",
                   "Of equipment deliveries completed in the period, % with "
                   "busday_count(received_date, completed_date) <= 5.",
                   "percent", "higher", "flow"),
        MeasureDef("minor_adaptation.pct_within_60_days", "Minor adaptations within 60 days",
                   "Of minor adaptations completed in the period, % with completed_date - "
                   "received_date <= 60 days.", "percent", "higher", "flow"),
        MeasureDef("major_adaptation.pct_within_120_days", "Major adaptations within 120 days",
                   "Of major adaptations completed in the period, % with completed_date - "
                   "received_date <= 120 days.", "percent", "higher", "flow"),
        MeasureDef("review.overdue", "Reviews: number overdue",
                   f"{_LTS} {_ANCHOR} Count of people in long-term support at D with due < D.",
                   "count", "lower", "snapshot", breakdowns=_PEOPLE_ONLY),
        MeasureDef("review.median_overdue", "Reviews: median days overdue",
                   "Median of D - due over the people whose review is overdue at D.",
                   "days", "lower", "snapshot", breakdowns=_PEOPLE_ONLY),
        MeasureDef("review.max_overdue", "Reviews: longest overdue",
                   "Maximum of D - due over the people whose review is overdue at D.",
                   "days", "lower", "snapshot", breakdowns=_PEOPLE_ONLY),
        MeasureDef("review.pct_overdue_over_6_months", "Reviews: % overdue by over 6 months",
                   "Of people in long-term support at D, % with due + 6 calendar months < D.",
                   "percent", "lower", "snapshot", breakdowns=_PEOPLE_ONLY),
        MeasureDef("review.pct_reviewed_within_12_months", "Reviews: % reviewed within 12 months",
                   "Of people in long-term support at D whose LTS start <= D - 12 months, % "
                   "whose last review is after D - 12 months.",
                   "percent", "higher", "snapshot", breakdowns=_PEOPLE_ONLY),
        MeasureDef("safeguarding_concern.pct_decided_within_5_working_days",
                   "Safeguarding concerns decided within 5 working days",
                   "Of concerns with completed_date in the period, % with "
                   "busday_count(received_date, completed_date) <= 5.",
                   "percent", "higher", "flow"),
        MeasureDef("s42_enquiry.pct_closed_within_3_months",
                   "Section 42 enquiries concluded within 3 months",
                   "Of enquiries with completed_date in the period, % with completed_date <= "
                   "received_date + 3 calendar months.", "percent", "higher", "flow"),
        MeasureDef("s42_enquiry.open", "Section 42 enquiries open",
                   "Count at D: received_date <= D, completed_date and closed_date NULL or after "
                   "D.", "count", None, "snapshot"),
        MeasureDef("s42_enquiry.pct_open_over_6_weeks", "Section 42 enquiries open over 6 weeks",
                   "Of enquiries open at D, % with D - received_date > 42 days.",
                   "percent", "lower", "snapshot"),
        MeasureDef("care_act_assessment.team_disparity",
                   "Care Act assessments: specialist vs locality team wait gap",
                   "(Median wait so far of those waiting at D in specialist teams - the same in "
                   "locality teams) / the locality median, as a %.",
                   "percent", None, "snapshot", breakdowns=_PEOPLE_ONLY),
        *representation,
        MeasureDef("direct_payments.pct", "Direct payments: % of community long-term support",
                   "Of people with a long-term service active at D in a setting other than "
                   "residential or nursing, % with such an active service paid by direct payment "
                   "(delivery_mechanism or setting direct_payment).",
                   "percent", "higher", "snapshot", breakdowns=_PEOPLE_ONLY),
        MeasureDef("contacts.pct_answered", "Calls answered",
                   "Of calls received in the period, % answered.", "percent", "higher", "flow",
                   breakdowns=frozenset()),
        MeasureDef("contacts.mean_queue_seconds", "Mean time in the call queue",
                   "Mean queue_seconds of calls received in the period (calls without a queue "
                   "time excluded).", "seconds", "lower", "flow", breakdowns=frozenset()),
        MeasureDef("data_quality.pct_missing", "Data quality: % missing: all checked columns",
                   "Over the loaded people and episodes, % of the checked optional cells that "
                   "are NULL (all the data_quality.pct_missing.<table>.<column> cells together).",
                   "percent", "lower", "snapshot", breakdowns=frozenset()),
        *quality,
        *national,
        *_ascof_measures(),
    ]


_YEAR = "over the 12 months to D (the financial year when D is 31 March)"


def _ascof_measures() -> list[MeasureDef]:
    """ASCOF from CLD, as DHSC computes them (measures/ascof.py); whole area, and by council
    but for 2A (2B/2C per council divide by the council's own population rows)."""
    none: frozenset[str] = frozenset()
    short_term = [
        MeasureDef(
            f"ascof.2a{suffix}",
            f"ASCOF 2A: short-term support with no further request for ongoing support{title}",
            f"DHSC's CLD method: of the spells of reablement (ST-Max) of new clients{who} "
            f"ending {_YEAR}, % whose sequel was short-term or no ongoing support.",
            "percent", "higher", "snapshot", breakdowns=none,
        )
        for suffix, title, who in (("", "", ""), (".18_to_64", ", aged 18-64", " aged 18-64"),
                                   (".65_and_over", ", aged 65+", " aged 65+"))
    ]
    council = frozenset({COUNCIL})
    admissions = [
        MeasureDef(
            f"ascof.{code}",
            f"ASCOF {code.upper()}: admissions to residential and nursing care, aged {ages}, "
            "per 100,000",
            f"DHSC's CLD method: people aged {ages} whose long-term needs were newly met by "
            f"admission to a residential or nursing care home {_YEAR}, per 100,000 adults aged "
            f"{ages} (the population table).",
            "per_100k", "lower", "snapshot", breakdowns=council,
        )
        for code, ages in (("2b", "18-64"), ("2c", "65+"))
    ]
    home = [
        MeasureDef(
            f"ascof.2e.{name}{suffix}",
            f"ASCOF 2E: long-term support at home or with family, {who}{title}",
            f"DHSC's CLD method: of the {sex}people {who} with long-term support {_YEAR}, % "
            "living in their own home or with family.",
            "percent", "higher", "snapshot", breakdowns=council,
        )
        for name, who in (("18_to_64", "aged 18-64"), ("65_and_over", "aged 65+"),
                          ("learning_disability", "aged 18-64 with a learning disability"))
        for suffix, title, sex in (("", "", ""), (".female", ", women", "women: "),
                                   (".male", ", men", "men: "))
    ]
    ages = (("", "", ""), (".18_to_64", ", aged 18-64", " aged 18-64 at D"),
            (".65_and_over", ", aged 65+", " aged 65+ at D"))
    sds = [
        MeasureDef(
            f"ascof.3d.{part}{suffix}",
            f"ASCOF 3D: clients with {what}{title}",
            f"DHSC's CLD method: of the people{who} with long-term community support at D, % "
            f"receiving {what}.",
            "percent", "higher", "snapshot", breakdowns=council,
        )
        for part, what in (("1a", "self-directed support"), ("2a", "direct payments"))
        for suffix, title, who in ages
    ]
    carers = [
        MeasureDef(
            f"ascof.3d.{part}{suffix}",
            f"ASCOF 3D: carers with {what}{title}",
            f"DHSC's CLD method: of the carers{who} given support direct to them {_YEAR}, % "
            f"receiving {what}.",
            "percent", "higher", "snapshot", breakdowns=council,
        )
        for part, what in (("1b", "self-directed support"), ("2b", "direct payments"))
        for suffix, title, who in ages
    ]
    return [*short_term, *admissions, *home, *sds, *carers]


def declared_measures() -> list[MeasureDef]:
    """Every measure: the computed ones, then the council's reported ones (measures/reported.py,
    read from its declarations file, so a council's own appear wherever the catalogue does)."""
    # Imported here: outcome_catalogue builds on this module's MeasureDef.
    from careassure.measures.outcome_catalogue import outcome_measures
    from careassure.measures.reported import reported_measures

    measures = [m for kind in QUEUE_KINDS for m in _queue_measures(kind)]
    return (measures + _other_measures() + outcome_measures()
            + [m.measure_def() for m in reported_measures()])


@cache
def breakdowns_of(measure_id: str) -> frozenset[str]:
    """The breakdowns a measure supports (engine families ask this, so the rule lives here)."""
    return {m.id: m.breakdowns for m in declared_measures()}[measure_id]


def build_catalogue(target_for: Callable[[str], Target | None]) -> dict[str, MeasureDef]:
    """The catalogue in declaration order, each measure's target filled in by ``target_for``."""
    return {m.id: replace(m, target=target_for(m.id)) for m in declared_measures()}

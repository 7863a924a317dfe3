"""Catalogue declarations of the measures the plan's outcomes and the budget papers quote beyond
the waiting lists: calls by category, financial assessment waits by residential and
non-residential, personal budgets, reviews overdue by more than two years, representation in
safeguarding concerns and in long-term support, reablement outcomes, and service users and their
average weekly cost by setting.

Kept apart from :mod:`careassure.measures.catalogue` (which lists them after its own) so that each
family's declarations sit together with the constants its engine module reads; like the
catalogue, this module imports no engine code, so reading the catalogue stays cheap.
"""

from __future__ import annotations

from careassure.measures.catalogue import (
    PERSON_BREAKDOWNS,
    REPRESENTATION_GROUPS,
    MeasureDef,
    Unit,
)
from careassure.measures.labels import code_label
from careassure.records.schema import EPISODE_SUBTYPES, SETTINGS

_PEOPLE_ONLY = frozenset(PERSON_BREAKDOWNS)
_NONE: frozenset[str] = frozenset()

# The call categories reported on (contacts.category codes; any other code counts only in the
# denominator). The seeds: "30% of calls ... were attempts to reach allocated workers. Other
# calls included safeguarding concerns, incident reports, and requests for support."
CALL_CATEGORIES: tuple[str, ...] = ("allocated_worker", "new_request", "safeguarding", "other")
CALL_CATEGORY_PREFIX = "contacts.pct_category."

FINANCIAL = "financial_assessment"
FINANCIAL_SUBTYPES: tuple[str, ...] = EPISODE_SUBTYPES[FINANCIAL]
# The waiting-list measures split by subtype (the queue snapshot measures of one kind).
FINANCIAL_SPLIT: tuple[str, ...] = (
    "waiting", "median_wait", "max_wait", "pct_over_28", "over_6_months"
)

PERSONAL_BUDGETS = "personal_budgets.pct"
REVIEW_OVER_2_YEARS = "review.overdue_over_2_years"

LTS = "long_term_support"
SAFEGUARDING = "safeguarding_concern"
# Representation families beyond Care Act assessments: id prefix -> whose people are counted.
REPRESENTATION_PREFIXES = {
    f"{SAFEGUARDING}.representation.": "safeguarding",
    f"{LTS}.representation.": "long_term_support",
}

REABLEMENT_AT_HOME = "reablement.pct_at_home_91_days"
REABLEMENT_NO_LTS = "reablement.pct_no_long_term_support"
# The reablement outcome code that means "still at home 91 days after reablement ended".
AT_HOME_OUTCOME = "at_home_91_days"
FOLLOW_UP_DAYS = 91

ALL_SETTINGS = "all"
SERVICE_USERS_PREFIX = f"{LTS}.service_users."
WEEKLY_COST_PREFIX = f"{LTS}.mean_weekly_cost."
COST_SETTINGS: tuple[str, ...] = (*SETTINGS, ALL_SETTINGS)

_ACTIVE = (
    "a long-term service is active at D when start_date <= D and end_date is NULL or after D"
)

_CALL_WORDS = {
    "allocated_worker": "trying to reach an allocated worker",
    "new_request": "asking for support for the first time",
    "safeguarding": "raising a safeguarding concern",
    "other": "about anything else",
}


def _calls() -> list[MeasureDef]:
    return [
        MeasureDef(
            f"{CALL_CATEGORY_PREFIX}{category}",
            f"Calls: % {_CALL_WORDS[category]}",
            f"Of calls received in the period with a category recorded, % with category "
            f"{category}.",
            "percent", None, "flow", breakdowns=_NONE,
        )
        for category in CALL_CATEGORIES
    ]


_FINANCIAL_TITLES: dict[str, tuple[str, Unit]] = {
    "waiting": ("number waiting", "count"),
    "median_wait": ("median wait so far", "working_days"),
    "max_wait": ("longest wait so far", "working_days"),
    "pct_over_28": ("% waiting over 28 working days", "percent"),
    "over_6_months": ("number waiting over 6 months", "count"),
}
_FINANCIAL_RULES = {
    "waiting": "Count waiting at D",
    "median_wait": "Median of busday_count(received_date, D) over those waiting at D",
    "max_wait": "Maximum of busday_count(received_date, D) over those waiting at D",
    "pct_over_28": "Of those waiting at D, % with busday_count(received_date, D) > 28",
    "over_6_months": "Count waiting at D whose received_date + 6 calendar months is before D",
}


def _financial() -> list[MeasureDef]:
    out = []
    for name in FINANCIAL_SPLIT:
        title, unit = _FINANCIAL_TITLES[name]
        for subtype in FINANCIAL_SUBTYPES:
            words = subtype.replace("_", "-")
            out.append(MeasureDef(
                f"{FINANCIAL}.{name}.{subtype}",
                f"Financial assessments ({words}): {title}",
                f"{_FINANCIAL_RULES[name]}, of the financial assessments with subtype {subtype} "
                "(waiting: received_date <= D and none of allocated_date, completed_date, "
                "closed_date on or before D).",
                unit, "lower", "snapshot",
            ))
    return out


def _representation() -> list[MeasureDef]:
    who = {
        "safeguarding": ("Safeguarding concerns", "the people with a safeguarding concern "
                         "received in the period", "flow"),
        "long_term_support": ("Long-term support", "the people in long-term support at D",
                              "snapshot"),
    }
    out = []
    for prefix, family in REPRESENTATION_PREFIXES.items():
        name, people, kind = who[family]
        for group in REPRESENTATION_GROUPS:
            out.append(MeasureDef(
                f"{prefix}{group}",
                f"{name}: representation of the {code_label(group)} ethnic group",
                f"(Share of {people} who are in the {group} group) / (the {group} group's "
                "share of the adult population), unknown ethnicity excluded from both shares. "
                "1.0 = proportionate.",
                "ratio", None, "flow" if kind == "flow" else "snapshot",
                breakdowns=frozenset({"locality", "age_band"}),
            ))
    return out


def _services() -> list[MeasureDef]:
    out = []
    for setting in COST_SETTINGS:
        where = ("in any setting" if setting == ALL_SETTINGS
                 else f"in {code_label(setting).lower()}")
        services = "long-term services" if setting == ALL_SETTINGS else (
            f"long-term services with setting {setting}")
        out.append(MeasureDef(
            f"{SERVICE_USERS_PREFIX}{setting}",
            f"Long-term support: people {where}",
            f"Count of people with one of the {services} active at D ({_ACTIVE}); each person "
            "once.",
            "count", None, "snapshot", breakdowns=_PEOPLE_ONLY,
        ))
        out.append(MeasureDef(
            f"{WEEKLY_COST_PREFIX}{setting}",
            f"Long-term support: average weekly cost per person {where}",
            f"Sum of weekly_cost of the {services} active at D, over the number of people "
            "with a cost recorded on one of them (people with none left out of both).",
            "pounds", None, "snapshot", breakdowns=_PEOPLE_ONLY,
        ))
    return out


def outcome_measures() -> list[MeasureDef]:
    """The declarations, in the order pages list them."""
    return [
        *_financial(),
        MeasureDef(REVIEW_OVER_2_YEARS, "Reviews: number overdue by over 2 years",
                   "Count of people in long-term support at D whose review due date + 24 "
                   "calendar months is before D (due: last review, else LTS start, + 12 months).",
                   "count", "lower", "snapshot", breakdowns=_PEOPLE_ONLY),
        MeasureDef(PERSONAL_BUDGETS,
                   "Personal budgets: % of community long-term support",
                   "Of people with a long-term service active at D in a setting other than "
                   "residential or nursing, % with such an active service taken as a personal "
                   "budget (delivery_mechanism direct_payment or managed_personal_budget, or "
                   "setting direct_payment).",
                   "percent", "higher", "snapshot", breakdowns=_PEOPLE_ONLY),
        *_representation(),
        MeasureDef(REABLEMENT_AT_HOME, "Reablement: % still at home 91 days after",
                   "Of reablement episodes whose completed_date + 91 days falls in the period "
                   f"and that have an outcome recorded, % with outcome {AT_HOME_OUTCOME}.",
                   "percent", "higher", "flow"),
        MeasureDef(REABLEMENT_NO_LTS, "Reablement: % needing no long-term support after",
                   "Of reablement episodes whose completed_date + 91 days falls in the period, "
                   "% whose person has no long-term service starting from received_date to "
                   "completed_date + 91 days.",
                   "percent", "higher", "flow"),
        *_services(),
        *_calls(),
    ]

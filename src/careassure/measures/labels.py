"""Readable names for the codes the record format uses, for pages and documents.

The store, the engine and CSV downloads keep the codes ("service_user", "physical_support"),
because a code is what another system joins on; a person reading a page wants "Service user" and
"Physical support". This is the one mapping from code to label, so a group reads the same on a
measure page, in a chart and in a report. Teams and localities are the council's own names and
are shown as recorded.
"""

from __future__ import annotations

from careassure.records.schema import (
    CLIENT_TYPES,
    ETHNICITIES,
    RURAL_URBAN,
    SUPPORT_REASONS,
    TEAM_TYPES,
)

# The group a missing value falls in (see careassure.measures.breakdowns).
UNKNOWN = "unknown"

_SPECIAL = {
    "ot": "Occupational therapy",
    "memory_cognition": "Memory and cognition",
    UNKNOWN: "Unknown",
}

# Breakdown columns whose values are codes from the record format, with their codes.
CODED_COLUMNS: dict[str, tuple[str, ...]] = {
    "ethnicity": ETHNICITIES,
    "client_type": CLIENT_TYPES,
    "primary_support_reason": SUPPORT_REASONS,
    "rural_urban": RURAL_URBAN,
    "team_type": TEAM_TYPES,
}

# The breakdown columns as a page names them ("Break down by Team type").
BREAKDOWN_NAMES: dict[str, str] = {
    "team": "Team",
    "team_type": "Team type",
    "locality": "Locality",
    "rural_urban": "Rural or urban",
    "ethnicity": "Ethnicity",
    "client_type": "Client type",
    "primary_support_reason": "Primary support reason",
    "age_band": "Age band",
    "la_code": "Council (LA code)",
}

# Record columns as a sentence names them (data-quality measure titles).
COLUMN_LABELS: dict[str, str] = {
    "birth_month": "month of birth",
    "gender": "gender",
    "ethnicity": "ethnicity",
    "primary_support_reason": "primary support reason",
    "locality": "locality",
    "rural_urban": "rural or urban area",
    "team": "team",
    "subtype": "episode subtype",
    "outcome": "outcome",
}


def code_label(code: str) -> str:
    """ "service_user" -> "Service user", "ot" -> "Occupational therapy"."""
    return _SPECIAL.get(code) or code.replace("_", " ").capitalize()


def group_label(column: str, group: str) -> str:
    """A breakdown group as a reader sees it: coded columns get their label, the council's own
    names (teams, localities) and age bands ("18-64") stay as recorded, and the missing-value
    group reads "Unknown" in every column."""
    if column in CODED_COLUMNS or group == UNKNOWN:
        return code_label(group)
    return group


def breakdown_text(breakdown: dict[str, str] | None) -> str:
    """ "Team type: Occupational therapy", groups joined by commas; "whole area" for none."""
    if not breakdown:
        return "whole area"
    return ", ".join(
        f"{BREAKDOWN_NAMES.get(column, code_label(column))}: {group_label(column, group)}"
        for column, group in breakdown.items()
    )

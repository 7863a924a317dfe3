"""CLD data quality per field, as DHSC's dashboard shows it on its data-quality page.

For every row and field DHSC records whether the field is mandatory, applicable but not
mandatory, or not applicable to the row, and whether its value passed (valid, or blank where not
mandatory) or failed (blank where mandatory, or invalid). NHS England derives those flags by
rules it has not published with DHSC's code, so the field statuses here are careassure's reading
of the CLD specification: person and submission fields apply to every row, event fields to the
event types that carry them. A value is invalid when it is not a Release 1 or Release 2 value
(coded fields), fails the NHS number check digit, or is not a full postcode; dates and numbers
that cannot be read reject the load before this report is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

ALL = ("request", "assessment", "service", "review")
# field -> (event types it is mandatory on, event types it applies to without being mandatory);
# ALL also covers rows without an event (carers known by association).
RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "LA_Code": (ALL, ()),
    "Reporting_Period_Start_Date": (ALL, ()),
    "Reporting_Period_End_Date": (ALL, ()),
    "LA_Person_Unique_Identifier": (ALL, ()),
    "NHS_Number": ((), ALL),
    "Gender": (ALL, ()),
    "Ethnicity": (ALL, ()),
    "Date_of_Birth": (ALL, ()),
    "Date_of_Death": ((), ALL),
    "Client_Type": (ALL, ()),
    "Primary_Support_Reason": ((), ALL),
    "Postcode": (ALL, ()),
    "Accommodation_Status": ((), ALL),
    "Employment_Status": ((), ALL),
    "Client_Funding_Status": ((), ALL),
    "Event_Type": (ALL, ()),
    "Event_Start_Date": (ALL, ()),
    "Event_End_Date": (("request", "assessment", "review"), ("service",)),
    "Event_Outcome": (("request", "assessment", "review"), ("service",)),
    "Request_Route_of_Access": (("request",), ()),
    "Assessment_Type": (("assessment",), ()),
    "Eligible_Needs_Identified": (("assessment",), ()),
    "Service_Type": (("service",), ()),
    "Service_Component": (("service",), ()),
    "Delivery_Mechanism": (("service",), ()),
    "Unit_Cost": ((), ("service",)),
    "Cost_Frequency_Unit_Type": ((), ("service",)),
    "Planned_units_per_week": ((), ("service",)),
    "Review_Reason": (("review",), ()),
    "Review_Outcomes_Achieved": (("review",), ()),
}


@dataclass(frozen=True)
class FieldQuality:
    """One field's checks over the rows it applies to."""

    field: str
    rows: int  # rows the field applies to (mandatory or not)
    mandatory: int  # of which mandatory
    valid: int
    blank: int  # blank where not mandatory: passes
    blank_mandatory: int  # fails
    invalid: int  # fails

    @property
    def failing(self) -> int:
        return self.blank_mandatory + self.invalid

    @property
    def pct_failing(self) -> float | None:
        """% of the rows the field applies to that fail, to one decimal place."""
        if not self.rows:
            return None
        return round(float(Fraction(100 * self.failing, self.rows)), 1)


def field_quality(rows: pd.DataFrame, event_type: pd.Series,
                  invalid: dict[str, pd.Series]) -> list[FieldQuality]:
    """Each field of ``RULES`` checked over ``rows`` (raw text, NULL for blank), given each row's
    event type code (NULL without an event) and, per field, which present values are invalid
    (fields not listed there are valid whenever present)."""
    found = []
    for field, (mandatory_on, applicable_on) in RULES.items():
        def on(types: tuple[str, ...]) -> pd.Series:
            hit = event_type.isin(types)
            return hit | event_type.isna() if types == ALL else hit

        mandatory = on(mandatory_on)
        applies = mandatory | on(applicable_on)
        blank = rows[field].isna()
        bad = invalid.get(field, pd.Series(False, index=rows.index)) & ~blank
        found.append(FieldQuality(
            field=field,
            rows=int(applies.sum()),
            mandatory=int(mandatory.sum()),
            valid=int((applies & ~blank & ~bad).sum()),
            blank=int((applies & blank & ~mandatory).sum()),
            blank_mandatory=int((mandatory & blank).sum()),
            invalid=int((applies & bad).sum()),
        ))
    return found

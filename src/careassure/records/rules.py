"""The validation rules of the record format, declared as data, and the error each one reports.

Every rule has an id, one sentence saying what it checks and an example of the reason it gives;
``docs/records.md`` lists them all (a test fails when one is missing there). The checks that look
at cells are SQL, one function per rule, in :mod:`careassure.records.checks`; the few that look at
files and headers live with the readers (:mod:`careassure.records.sources`,
:mod:`careassure.records.staging`). Errors are collected, never raised, so one run shows the
analyst everything to fix.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ValidationError:
    """One problem in an extract, located as a spreadsheet user would find it.

    ``row`` counts as a spreadsheet does (header = row 1, first data row = row 2); it is None for
    problems with a whole file or header. ``value`` is the cell's text as read.
    """

    file: str
    table: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    reason: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}, row {self.row}"
        if self.column:
            where += f", column {self.column}"
        value = "" if self.value is None else f" '{self.value}'"
        return f"{where}:{value} {self.reason} [{self.rule}]"


@dataclass(frozen=True)
class Rule:
    """A rule's id, what it checks (for the documentation) and an example of its reason."""

    id: str
    checks: str
    example: str


RULES: dict[str, Rule] = {}


def _rule(rule_id: str, checks: str, example: str) -> Rule:
    rule = Rule(rule_id, checks, example)
    RULES[rule_id] = rule
    return rule


# --- files and headers ---------------------------------------------------------------------------
TABLE_MISSING = _rule(
    "table_missing", "Each of the six tables is present as a file or sheet (it may be empty).",
    "table services is missing: expected services.csv or services.parquet")
TABLE_DUPLICATED = _rule(
    "table_duplicated", "A table is given once only (not as both CSV and Parquet, say).",
    "table people is given twice (people.csv, people.parquet): keep one")
UNREADABLE_FILE = _rule(
    "unreadable_file", "A table's file can be opened and read as its format.",
    "is not UTF-8 text: in Excel use Save As > CSV UTF-8")
TOO_LARGE = _rule(
    "too_large", "A file, sheet, row or cell stays within the ingest limits (columns, rows, "
    "characters in a cell, unpacked size; see docs/security.md).",
    "has more than 500 columns, the limit")
UNREADABLE_ROW = _rule(
    "unreadable_row", "Every CSV row has as many fields as the header, closes its quotes and is "
    "UTF-8 text.", "has more fields than the header")
COLUMN_MISSING = _rule(
    "column_missing", "Every required column is in the header.",
    "required column client_type is missing from the header")
COLUMN_NAME = _rule(
    "column_name", "Column names are spelled exactly as in the format (lower case, underscores); "
    "a near miss is an error, not an extra column, so that its data is not silently lost.",
    "should be named birth_month")
COLUMN_DUPLICATED = _rule(
    "column_duplicated", "No column of the format appears twice in the header.",
    "appears 2 times in the header")

# --- cells ---------------------------------------------------------------------------------------
REQUIRED = _rule(
    "required", "A required column has a value on every row.", "is empty: a value is required")
FORMULA = _rule(
    "formula", "No cell holds a spreadsheet formula (text starting with =); formulas are never "
    "evaluated.", "is a spreadsheet formula: careassure does not evaluate formulas, paste the "
    "values instead")
SPREADSHEET_ERROR = _rule(
    "spreadsheet_error", "No cell holds a spreadsheet error such as #N/A or #REF!.",
    "is a spreadsheet error, not a value")
DATE = _rule(
    "date", "Dates are YYYY-MM-DD or DD/MM/YYYY, real calendar dates, years 1850-2099.",
    "is not a date: write YYYY-MM-DD or DD/MM/YYYY")
MONTH = _rule(
    "month", "Months are YYYY-MM (a full date is accepted and only its month kept).",
    "is not a month: write YYYY-MM (e.g. 1948-07)")
DATETIME = _rule(
    "datetime", "Dates and times are YYYY-MM-DDTHH:MM:SS (a space may replace the T).",
    "is not a date and time: write YYYY-MM-DDTHH:MM:SS")
BOOL = _rule("bool", "Yes/no columns hold true or false (any case).", "is not true or false")
INTEGER = _rule("integer", "Whole-number columns hold whole numbers.", "is not a whole number")
DECIMAL = _rule(
    "decimal", "Money columns hold numbers (a £ sign and thousands commas are allowed), at most "
    "ten digits before the point; pence beyond two places are rounded.",
    "is not a number: write pounds and pence, e.g. 412.50")
ALLOWED_VALUE = _rule(
    "allowed_value", "Columns with a list of values hold one of them (any case; stored in "
    "lower case).", "is not one of: female, male, other, unknown")
CODE = _rule(
    "code", "Code columns hold a short code (letters, digits, _ or -, up to 64 characters), never "
    "free text.", "is not a code: use letters, digits, _ or - only (no spaces or free text), "
    "at most 64 characters")
MAX_LENGTH = _rule(
    "max_length", "Identifiers and names are at most 80 characters.",
    "is longer than 80 characters")
UNIQUE = _rule(
    "unique", "Identifiers (person_id in people, team, episode_id, service_id, contact_id) "
    "appear once.", "appears more than once: first on row 12")
REFERENCE = _rule(
    "reference", "episodes.person_id and services.person_id are in people; episodes.team, when "
    "given, is in teams.", "is not a person_id in people.csv")
SUBTYPE = _rule(
    "subtype", "An episode's subtype is one its kind allows; kinds without subtypes take none.",
    "is not a subtype of review: use planned or unplanned")
BEFORE_RECEIVED = _rule(
    "before_received", "allocated_date, completed_date and closed_date are never before "
    "received_date.", "is before received_date 2024-05-03")
COMPLETED_AND_CLOSED = _rule(
    "completed_and_closed", "An episode is completed or closed, not both.",
    "the episode also has a completed_date (2024-06-01): it is either completed or closed, "
    "not both")
COMPLETED_BEFORE_ALLOCATED = _rule(
    "completed_before_allocated", "completed_date is never before allocated_date.",
    "is before allocated_date 2024-05-10")
SERVICE_END = _rule(
    "service_end", "A service's end_date (the first day without it) is after its start_date.",
    "is not after start_date 2024-04-01: end_date is the first day without the service")
NEGATIVE = _rule(
    "negative", "weekly_cost, queue_seconds and population count are not negative.",
    "is negative")
POPULATION_DUPLICATE = _rule(
    "population_duplicate", "The population table gives each locality, ethnicity and age band "
    "of a council once (a repeat would double the denominator).",
    "repeats the locality, ethnicity, age_band and la_code of row 4")

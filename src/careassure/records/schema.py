"""The case-level record format (v1), declared once as data.

docs/records.md describes the format for people; this module is its executable definition. The
validator, the store's DDL, the synthetic generator and the CLD reader all read these declarations,
so a column added here is validated, stored and generated everywhere at once.

Enumerated values are compared case-insensitively after trimming and stored in the lower-case
spelling given here, because spreadsheets exported by hand write "Female" as often as "female".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ColumnType(StrEnum):
    """The value types the record format uses, with the DuckDB type each is stored as."""

    TEXT = "text"
    CODE = "code"  # a short machine code, never free text: letters, digits, _ and -
    DATE = "date"
    MONTH = "month"  # YYYY-MM, stored as text
    DATETIME = "datetime"
    BOOL = "bool"
    INTEGER = "integer"
    DECIMAL = "decimal"

    @property
    def sql_type(self) -> str:
        return {
            ColumnType.TEXT: "VARCHAR",
            ColumnType.CODE: "VARCHAR",
            ColumnType.DATE: "DATE",
            ColumnType.MONTH: "VARCHAR",
            ColumnType.DATETIME: "TIMESTAMP",
            ColumnType.BOOL: "BOOLEAN",
            ColumnType.INTEGER: "BIGINT",
            ColumnType.DECIMAL: "DECIMAL(12,2)",
        }[self]


@dataclass(frozen=True)
class Column:
    """One column of one table, with everything the validator needs to check it."""

    name: str
    type: ColumnType
    required: bool
    meaning: str
    allowed: tuple[str, ...] | None = None
    unique: bool = False
    references: tuple[str, str] | None = None  # (table, column) that must hold the value
    pseudonymised: bool = False
    max_length: int | None = None
    non_negative: bool = False  # for numbers that count or cost something


@dataclass(frozen=True)
class Table:
    """One table of the record format."""

    name: str
    meaning: str
    columns: tuple[Column, ...]
    required_table: bool = True
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        return self._by_name[name]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


GENDERS = ("female", "male", "other", "unknown")
ETHNICITIES = ("asian", "black", "mixed", "white", "other", "unknown")
CLIENT_TYPES = ("service_user", "carer")
SUPPORT_REASONS = (
    "physical_support",
    "sensory_support",
    "memory_cognition",
    "learning_disability",
    "mental_health",
    "social_support",
    "none",
)
RURAL_URBAN = ("rural", "urban")
TEAM_TYPES = (
    "locality",
    "specialist",
    "hospital",
    "review",
    "carers",
    "ot",
    "finance",
    "safeguarding",
    "other",
)
EPISODE_KINDS = (
    "care_act_assessment",
    "carer_assessment",
    "financial_assessment",
    "ot_assessment",
    "review",
    "safeguarding_concern",
    "s42_enquiry",
    "equipment_delivery",
    "minor_adaptation",
    "major_adaptation",
    "reablement",
)
# The subtypes each kind may carry; kinds not listed here take no subtype.
EPISODE_SUBTYPES: dict[str, tuple[str, ...]] = {
    "financial_assessment": ("residential", "non_residential"),
    "review": ("planned", "unplanned"),
    "reablement": ("hospital_discharge", "community"),
}
QUEUE_KINDS = ("care_act_assessment", "carer_assessment", "ot_assessment", "financial_assessment")
SUPPORT_TYPES = ("long_term", "short_term")
SETTINGS = (
    "residential",
    "nursing",
    "home_care",
    "supported_living",
    "day_care",
    "direct_payment",
    "other_community",
)
DELIVERY_MECHANISMS = ("direct_payment", "managed_personal_budget", "council_commissioned")
AGE_BANDS = ("18-64", "65+")

# Codes are identifiers, not prose: this keeps free text (and with it names and case notes) out of
# the store even when an extract puts a sentence in a code column.
CODE_PATTERN = r"^[a-z0-9][a-z0-9_\-]{0,63}$"
# Labels such as team and locality names may contain spaces but stay short.
LABEL_MAX_LENGTH = 80

_T, _C = ColumnType.TEXT, ColumnType.CODE

PEOPLE = Table(
    "people",
    "One row per person known to adult social care.",
    (
        Column("person_id", _T, True, "local person identifier; replaced on ingest by a keyed "
               "hash", unique=True, pseudonymised=True, max_length=LABEL_MAX_LENGTH),
        Column("birth_month", ColumnType.MONTH, False, "month of birth (YYYY-MM)"),
        Column("gender", _C, False, "as recorded", allowed=GENDERS),
        Column("ethnicity", _C, False, "ONS 2021 five groups", allowed=ETHNICITIES),
        Column("client_type", _C, True, "service user or carer", allowed=CLIENT_TYPES),
        Column("primary_support_reason", _C, False, "primary support reason",
               allowed=SUPPORT_REASONS),
        Column("locality", _T, False, "district / locality name", max_length=LABEL_MAX_LENGTH),
        Column("rural_urban", _C, False, "ONS rural-urban classification of the person's area",
               allowed=RURAL_URBAN),
    ),
)

TEAMS = Table(
    "teams",
    "The teams work is allocated to.",
    (
        Column("team", _T, True, "team name as used in episodes.team", unique=True,
               max_length=LABEL_MAX_LENGTH),
        Column("team_type", _C, True, "kind of team", allowed=TEAM_TYPES),
    ),
)

EPISODES = Table(
    "episodes",
    "One row per piece of work passing through a queue.",
    (
        Column("episode_id", _T, True, "unique per row", unique=True,
               max_length=LABEL_MAX_LENGTH),
        Column("person_id", _T, True, "must exist in people", references=("people", "person_id"),
               pseudonymised=True, max_length=LABEL_MAX_LENGTH),
        Column("kind", _C, True, "the queue the work passes through", allowed=EPISODE_KINDS),
        Column("team", _T, False, "must exist in teams when given", references=("teams", "team"),
               max_length=LABEL_MAX_LENGTH),
        Column("subtype", _C, False, "subtype, allowed per kind"),
        Column("received_date", ColumnType.DATE, True, "the day the work entered the queue"),
        Column("allocated_date", ColumnType.DATE, False, "the day a worker was allocated"),
        Column("completed_date", ColumnType.DATE, False, "the day the work was completed"),
        Column("closed_date", ColumnType.DATE, False, "the day it left the queue uncompleted"),
        Column("outcome", _C, False, "outcome code"),
    ),
)

SERVICES = Table(
    "services",
    "One row per service a person receives.",
    (
        Column("service_id", _T, True, "unique per row", unique=True,
               max_length=LABEL_MAX_LENGTH),
        Column("person_id", _T, True, "must exist in people", references=("people", "person_id"),
               pseudonymised=True, max_length=LABEL_MAX_LENGTH),
        Column("support_type", _C, True, "long or short term", allowed=SUPPORT_TYPES),
        Column("setting", _C, True, "where or how support is given", allowed=SETTINGS),
        Column("delivery_mechanism", _C, False, "how it is paid for",
               allowed=DELIVERY_MECHANISMS),
        Column("start_date", ColumnType.DATE, True, "first day of the service"),
        Column("end_date", ColumnType.DATE, False, "first day without the service (exclusive)"),
        Column("weekly_cost", ColumnType.DECIMAL, False, "gross weekly cost in pounds",
               non_negative=True),
    ),
)

CONTACTS = Table(
    "contacts",
    "One row per inbound call to the customer service centre.",
    (
        Column("contact_id", _T, True, "unique per row", unique=True,
               max_length=LABEL_MAX_LENGTH),
        Column("received_at", ColumnType.DATETIME, True, "when the call arrived"),
        Column("answered", ColumnType.BOOL, True, "whether the call was answered"),
        Column("queue_seconds", ColumnType.INTEGER, False, "seconds in queue", non_negative=True),
        Column("category", _C, False, "call category code"),
    ),
)

POPULATION = Table(
    "population",
    "Adult (18+) population of the council area, for representation measures.",
    (
        Column("locality", _T, False, "NULL = whole area", max_length=LABEL_MAX_LENGTH),
        Column("ethnicity", _C, True, "as in people", allowed=ETHNICITIES),
        Column("age_band", _C, False, "age band", allowed=AGE_BANDS),
        Column("count", ColumnType.INTEGER, True, "number of adults", non_negative=True),
        Column("la_code", _T, False, "the council's LA code, when several councils' adults are "
               "given together (ASCOF 2B/2C per council); NULL = the whole area of the load",
               max_length=LABEL_MAX_LENGTH),
    ),
)

CLD_EVENT_TYPES = ("request", "assessment", "service", "review")

# Not part of the record format a council writes: the CLD reader fills it, because DHSC's national
# measures are defined on CLD's own events (requests with their outcomes, service types such as
# ST-Max), which the record format folds away. Codes are those of ``cld_values.yaml``.
CLD_EVENTS = Table(
    "cld_events",
    "One row per cleaned event of a national CLD extract (only when loaded from CLD).",
    (
        Column("event_id", _T, True, "unique per row", unique=True,
               max_length=LABEL_MAX_LENGTH),
        Column("person_id", _T, True, "must exist in people", references=("people", "person_id"),
               pseudonymised=True, max_length=LABEL_MAX_LENGTH),
        Column("event_type", _C, True, "request, assessment, service or review",
               allowed=CLD_EVENT_TYPES),
        Column("client_type", _C, True, "service user or carer (the \"known by "
               "association\" types are carers)", allowed=CLIENT_TYPES),
        Column("start_date", ColumnType.DATE, True, "event start date"),
        Column("end_date", ColumnType.DATE, False, "last day of the event after cleaning "
               "(cropped to death or to an earlier submission's period end); NULL = open"),
        Column("period_end", ColumnType.DATE, False, "reporting period end of the submission "
               "the row was kept from"),
        Column("outcome", _C, False, "event outcome code"),
        Column("assessment_type", _C, False, "assessment type code"),
        Column("service_type", _C, False, "service type code"),
        Column("service_component", _C, False, "service component code"),
        Column("delivery_mechanism", _C, False, "delivery mechanism code"),
        Column("route_of_access", _C, False, "request route of access code"),
        Column("review_reason", _C, False, "review reason code (planned, unplanned)"),
        Column("record_order", ColumnType.INTEGER, True, "place of the row in the files read "
               "(a later submission is higher): DHSC's last tie-break", non_negative=True),
    ),
    required_table=False,
)

# Person details of a CLD extract that only the national measures use.
CLD_PEOPLE = Table(
    "cld_people",
    "One row per person of a national CLD extract (only when loaded from CLD).",
    (
        Column("person_id", _T, True, "must exist in people", unique=True,
               references=("people", "person_id"), pseudonymised=True,
               max_length=LABEL_MAX_LENGTH),
        Column("la_code", _T, False, "LA_Code of the person's latest row: the council a "
               "person belongs to when several councils' files are loaded together",
               max_length=LABEL_MAX_LENGTH),
        Column("date_of_death", ColumnType.DATE, False, "the latest submitted date of death"),
        Column("accommodation_status", _C, False, "latest known accommodation status, else "
               "DHSC's reading of it from the person's latest service"),
        Column("settled_accommodation", ColumnType.BOOL, False, "living in their own home or "
               "with family (ASCOF 2E)"),
        Column("employment_status", _C, False, "the latest known employment status"),
        Column("client_funding_status", _C, False, "DHSC's latest known client funding "
               "status (conflicting latest rows: unknown)"),
    ),
    required_table=False,
)

TABLES: dict[str, Table] = {
    t.name: t for t in (PEOPLE, TEAMS, EPISODES, SERVICES, CONTACTS, POPULATION, CLD_EVENTS,
                        CLD_PEOPLE)
}
# Load order of the record format: a table comes after every table it references.
LOAD_ORDER: tuple[str, ...] = ("people", "teams", "episodes", "services", "contacts", "population")
# Every table of the store: the record format, then the tables only some readers fill.
STORE_ORDER: tuple[str, ...] = (*LOAD_ORDER, "cld_events", "cld_people")

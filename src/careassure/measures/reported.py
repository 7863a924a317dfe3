"""Reported measures: figures that come from outside the case records, declared once.

Some outcomes a council tracks are not in its case records: the ICB's Funded Nursing Care
determinations, the Survey of Adult Carers in England, CQC ratings of the regulated market, the
reablement team's staffing. Each is declared once in the council's versioned file
(``reported.yaml`` in this package, or a council's copy named by ``CAREASSURE_REPORTED_MEASURES``)
with its id, title, definition, unit, direction, frequency, owner and source, and then is a
catalogue measure like any computed one: ``careassure measures``, measure pages, plan outcomes,
targets, narrative and reports take it through the same :class:`MeasureValue`.

Why the split between this module and ``careassure.reported``: this package is pure (no
database), so the declarations and the rules turning entered values into figures live here and
take the values as plain data (:class:`ReportedValue`); the values themselves, their correction
history and their audit rows are people's input, so they live in the application database
beside the plan, and the web app and the CLI read them from there and pass them down to
:func:`careassure.measures.compute` / ``series`` (``reported=``). The analytics store is not
used because only ingest writes it, all or nothing, and a load replaces it.

A council may also declare measures on the web app's admin page: those are stored, versioned,
in the application database, and the app layer hands them to this package as plain data
(:func:`use_app_declarations`), as it hands down values. :func:`reported_measures` is then the
file's declarations followed by those, and the catalogue, units and directions follow at once.

Periods are named by their last day: a month end, a calendar quarter end (30 June 2025 is the
quarter April to June 2025, "2025 Q2" as the ICB returns write it) or a financial year end (31
March 2024 is 2023/24, as the national surveys are published).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast, get_args

import yaml

from careassure.measures.calendar import plus_months
from careassure.measures.catalogue import Direction, MeasureDef, Target, Unit
from careassure.measures.result import MeasureValue, Status

REPORTED_ENV = "CAREASSURE_REPORTED_MEASURES"
PREFIX = "reported."
Frequency = Literal["monthly", "quarterly", "annual"]
FREQUENCIES: tuple[str, ...] = get_args(Frequency)
_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}
_UNITS: tuple[str, ...] = get_args(Unit)
# The roles that may own a reported measure (the web app's roles; kept as text so this pure
# package does not import the web layer).
OWNER_ROLES = ("admin", "improvement_manager", "workstream_lead", "analyst")
_REQUIRED = ("id", "title", "definition", "unit", "frequency", "owner_role", "owner", "source",
             "minimum", "maximum", "first_period")
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# What follows "reported." in an id: it is part of web addresses and file names, so no spaces,
# capitals, slashes or other punctuation.
_ID_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,100}")
MAX_TITLE, MAX_DEFINITION, MAX_TEXT, MAX_DUE_DAYS = 200, 2000, 200, 366


class ReportedMeasuresError(ValueError):
    """A declarations file that cannot be used; the message names the file, entry and reason."""


class DeclarationError(ReportedMeasuresError):
    """One field of a declaration that breaks the rules: ``field`` names it (the file's key and
    the admin form's field are the same), ``reason`` says why in words a person can act on."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


class ReportedValueError(ValueError):
    """A value that cannot be accepted: ``field`` names the form field or file column."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class ReportedMeasure:
    """One reported measure as the council declares it.

    ``owner_role`` is the role whose members enter its values (improvement managers and admins
    may too); ``owner`` names the team or post in words. ``minimum``/``maximum`` bound a value
    (a percentage 0-100). ``first_period`` is the end of the first period a value is due for, and
    a value is due ``due_days`` after its period ends. A ``retired`` measure (declared on the
    admin page, then retired there) keeps its history and its figures, but no value is due or
    accepted any more.
    """

    id: str
    title: str
    definition: str
    unit: Unit
    direction: Direction | None
    frequency: Frequency
    owner_role: str
    owner: str
    source: str
    minimum: float
    maximum: float
    first_period: date
    due_days: int = 30
    retired: bool = False

    def measure_def(self) -> MeasureDef:
        """Its catalogue entry: a whole-area snapshot (no breakdowns: it arrives as one figure)."""
        definition = (f"{self.definition} Reported {self.frequency} by {self.owner} from: "
                      f"{self.source}.")
        return MeasureDef(self.id, self.title, definition, self.unit, self.direction,
                          "snapshot", breakdowns=frozenset())

    @property
    def whole_numbers(self) -> bool:
        """A count is a number of people or things: no fractions."""
        return self.unit == "count"


@dataclass(frozen=True)
class ReportedValue:
    """One entered value in force: the figure for the period ending ``period_end``."""

    measure_id: str
    period_end: date
    value: float
    evidence_link: str | None = None


@dataclass(frozen=True)
class DueValue:
    """A value that is due and not entered: for which measure and period, by when, by whom."""

    measure_id: str
    period_end: date
    due_on: date
    owner_role: str
    owner: str


# --- periods -------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def period_end_of(frequency: Frequency, day: date) -> date:
    """The last day of the period holding ``day``."""
    if frequency == "monthly":
        return _month_end(day.year, day.month)
    if frequency == "quarterly":
        return _month_end(day.year, ((day.month - 1) // 3 + 1) * 3)
    year = day.year if day.month <= 3 else day.year + 1  # financial year April-March
    return date(year, 3, 31)


def is_period_end(frequency: Frequency, day: date) -> bool:
    return period_end_of(frequency, day) == day


def period_start_of(frequency: Frequency, end: date) -> date:
    """The day before the period's first day: the period is (start, end], as a flow's is."""
    first = plus_months(end + timedelta(days=1), -_MONTHS[frequency])
    return first - timedelta(days=1)


def next_period_end(frequency: Frequency, end: date) -> date:
    return period_end_of(frequency, end + timedelta(days=1))


def period_label(frequency: Frequency, end: date) -> str:
    """The period in words: "March 2025", "2025 Q2 (April to June)", "2023/24"."""
    if frequency == "monthly":
        return end.strftime("%B %Y")
    if frequency == "quarterly":
        first = period_start_of(frequency, end) + timedelta(days=1)
        return (f"{end.year} Q{(end.month - 1) // 3 + 1} "
                f"({first.strftime('%B')} to {end.strftime('%B')})")
    return f"{end.year - 1}/{end.year % 100:02d}"


def period_ends(frequency: Frequency, first: date, last: date) -> list[date]:
    """Every period end from the period holding ``first`` up to ``last`` (inclusive)."""
    ends: list[date] = []
    end = period_end_of(frequency, first)
    while end <= last:
        ends.append(end)
        end = next_period_end(frequency, end)
    return ends


# --- validation ----------------------------------------------------------------------------------


def check_period(measure: ReportedMeasure, period_end: date, today: date) -> None:
    """A value's period must be one of the measure's periods and over by ``today``."""
    if not is_period_end(measure.frequency, period_end):
        raise ReportedValueError(
            "period", f"{measure.title} is reported {measure.frequency}: the period must end "
            f"on {period_end_of(measure.frequency, period_end).strftime('%d/%m/%Y')}, not "
            f"{period_end.strftime('%d/%m/%Y')}")
    if period_end > today:
        raise ReportedValueError(
            "period", f"The period {period_label(measure.frequency, period_end)} has not ended "
            "yet: a value can be entered once its period is over")


def parse_value(measure: ReportedMeasure, text: str) -> float:
    """A value typed by a person, checked against the measure's unit and range."""
    cleaned = text.strip().replace(",", "")
    if measure.unit == "percent":
        cleaned = cleaned.removesuffix("%").strip()
    if not cleaned:
        raise ReportedValueError("value", "Enter a value")
    try:
        number = float(cleaned)
    except ValueError:
        raise ReportedValueError("value", f"Value must be a number, not {text.strip()!r}") from None
    if not math.isfinite(number):
        raise ReportedValueError("value", "Value must be a number")
    if measure.whole_numbers and not number.is_integer():
        raise ReportedValueError("value", "Value must be a whole number: it counts people or "
                                 "things")
    if not measure.minimum <= number <= measure.maximum:
        raise ReportedValueError(
            "value", f"Value must be between {measure.minimum:g} and {measure.maximum:g} "
            f"({measure.unit.replace('_', ' ')})")
    return number


# --- declarations --------------------------------------------------------------------------------


def default_declarations_path() -> Path:
    """The declarations file shipped inside the package."""
    return Path(str(resources.files("careassure.measures").joinpath("reported.yaml")))


def declarations_path() -> Path:
    """``$CAREASSURE_REPORTED_MEASURES`` when set, else the shipped file."""
    configured = os.environ.get(REPORTED_ENV)
    return Path(configured).expanduser() if configured else default_declarations_path()


def reported_measures(path: Path | None = None) -> tuple[ReportedMeasure, ...]:
    """The reported measures declared in ``path``; by default the council's file
    (:func:`declarations_path`) and then those declared on the admin page."""
    if path is None:
        return _file_measures(declarations_path()) + _app_declared
    return _file_measures(path)


def reported_ids() -> frozenset[str]:
    """The ids of every reported measure: the council's file and the admin page's declarations
    as last handed down. Built afresh on each call from :func:`reported_measures` (the file is
    cached by its modification time, the app's declarations are a tuple already in memory), so
    a measure declared or withdrawn on the admin page is in or out at the next page or command
    with no cache of ids to fall out of step."""
    return frozenset(m.id for m in reported_measures())


def _file_measures(path: Path) -> tuple[ReportedMeasure, ...]:
    try:
        stat = path.stat()
    except OSError as exc:
        raise ReportedMeasuresError(
            f"{path}: cannot read the reported measures file ({exc.strerror})") from exc
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load(path: str, _mtime_ns: int, _size: int) -> tuple[ReportedMeasure, ...]:
    try:
        raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_YamlLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise ReportedMeasuresError(f"{path}: cannot be read as YAML ({exc})") from exc
    return parse_declarations(raw, path)


def parse_declarations(raw: Any, source: str) -> tuple[ReportedMeasure, ...]:
    """Validate a parsed declarations file (``source`` names it in errors)."""
    if not isinstance(raw, dict) or raw.get("version") != 1:
        raise ReportedMeasuresError(f"{source}: expected a mapping with 'version: 1' and "
                                    "'measures'")
    entries = raw.get("measures") or []
    if not isinstance(entries, list):
        raise ReportedMeasuresError(f"{source}: 'measures' must be a list")
    found: list[ReportedMeasure] = []
    for number, entry in enumerate(entries, start=1):
        found.append(_declaration(entry, f"{source}: measure {number}"))
    ids = [m.id for m in found]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ReportedMeasuresError(f"{source}: measure ids declared twice: {', '.join(repeated)}")
    return tuple(found)


def _declaration(entry: Any, where: str) -> ReportedMeasure:
    if not isinstance(entry, dict):
        raise ReportedMeasuresError(f"{where}: expected a mapping")
    missing = [k for k in _REQUIRED if entry.get(k) in (None, "")]
    if missing:
        raise ReportedMeasuresError(f"{where}: missing {', '.join(missing)}")
    try:
        return check_declaration(entry)
    except DeclarationError as exc:
        raise ReportedMeasuresError(f"{where} ({entry['id']}): {exc.reason}") from None


def check_declaration(entry: Mapping[str, Any]) -> ReportedMeasure:
    """A declaration checked field by field, in the form order: the first field at fault raises
    :class:`DeclarationError` naming it. One set of rules for the file and the admin page, so a
    measure declared either way is held to the same."""
    missing = next((k for k in _REQUIRED if entry.get(k) in (None, "")), None)
    if missing is not None:
        raise DeclarationError(missing, f"{missing} is missing")
    measure_id = str(entry["id"])
    name = measure_id.removeprefix(PREFIX)
    due_days = entry.get("due_days", 30)
    # Each check is evaluated only when those before it passed (a maximum is compared with the
    # minimum only once both are numbers).
    checks: list[tuple[str, Callable[[], bool], str]] = [
        ("id", lambda: measure_id.startswith(PREFIX) and bool(_ID_NAME.fullmatch(name)),
         f"id must be lower case and start with {PREFIX!r}, then letters, digits, underscores, "
         "hyphens or dots (like reported.carers_support_pct)"),
        ("title", lambda: len(str(entry["title"])) <= MAX_TITLE,
         f"title must be {MAX_TITLE} characters or fewer"),
        ("definition", lambda: str(entry["definition"]).endswith("."),
         "definition must be a sentence ending in '.'"),
        ("definition", lambda: len(str(entry["definition"])) <= MAX_DEFINITION,
         f"definition must be {MAX_DEFINITION:,} characters or fewer"),
        ("unit", lambda: entry["unit"] in _UNITS, f"unit must be one of {', '.join(_UNITS)}"),
        ("direction", lambda: entry.get("direction") in ("lower", "higher", None),
         "direction must be lower, higher or left out"),
        ("frequency", lambda: entry["frequency"] in FREQUENCIES,
         f"frequency must be one of {', '.join(FREQUENCIES)}"),
        ("owner_role", lambda: entry["owner_role"] in OWNER_ROLES,
         f"owner_role must be one of {', '.join(OWNER_ROLES)}"),
        ("owner", lambda: len(str(entry["owner"])) <= MAX_TEXT,
         f"owner must be {MAX_TEXT} characters or fewer"),
        ("source", lambda: len(str(entry["source"])) <= MAX_TEXT,
         f"source must be {MAX_TEXT} characters or fewer"),
        ("minimum", lambda: _is_number(entry["minimum"]), "minimum must be a number"),
        ("maximum", lambda: _is_number(entry["maximum"]), "maximum must be a number"),
        ("maximum", lambda: entry["minimum"] < entry["maximum"],
         "minimum and maximum must be numbers, minimum below maximum"),
        ("first_period", lambda: isinstance(entry["first_period"], date),
         "first_period must be a date (YYYY-MM-DD)"),
        ("due_days", lambda: isinstance(due_days, int) and not isinstance(due_days, bool)
         and 0 <= due_days <= MAX_DUE_DAYS,
         f"due_days must be a whole number of days from 0 to {MAX_DUE_DAYS}"),
    ]
    for field, ok, reason in checks:
        if not ok():
            raise DeclarationError(field, reason)
    frequency = cast(Frequency, entry["frequency"])
    if not is_period_end(frequency, entry["first_period"]):
        raise DeclarationError("first_period", f"first_period must be the last day of a "
                               f"{frequency} period")
    return ReportedMeasure(
        id=measure_id, title=str(entry["title"]), definition=str(entry["definition"]),
        unit=cast(Unit, entry["unit"]), direction=entry.get("direction"), frequency=frequency,
        owner_role=str(entry["owner_role"]), owner=str(entry["owner"]),
        source=str(entry["source"]), minimum=float(entry["minimum"]),
        maximum=float(entry["maximum"]), first_period=entry["first_period"],
        due_days=int(due_days), retired=bool(entry.get("retired", False)),
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


# --- declarations made in the app ----------------------------------------------------------------

_app_declared: tuple[ReportedMeasure, ...] = ()
_listeners: list[Callable[[], None]] = []


def on_declarations_changed(listener: Callable[[], None]) -> None:
    """Call ``listener`` whenever the app's declarations change: the modules that keep a table
    of every measure (the catalogue, units, directions) refresh theirs."""
    _listeners.append(listener)


def use_app_declarations(measures: Sequence[ReportedMeasure]) -> None:
    """The measures declared on the admin page, as the app database holds them now. An id the
    declarations file also has is left out (the file wins: it is the council's reviewed
    configuration, and the admin page refuses such an id anyway)."""
    global _app_declared
    in_file = {m.id for m in reported_measures(declarations_path())}
    chosen = tuple(m for m in measures if m.id not in in_file)
    if chosen == _app_declared:
        return
    _app_declared = chosen
    for listener in _listeners:
        listener()


def app_declared() -> tuple[ReportedMeasure, ...]:
    """The measures declared on the admin page (as last handed down)."""
    return _app_declared


def find(measure_id: str, measures: Iterable[ReportedMeasure] | None = None) -> ReportedMeasure:
    """The declaration of ``measure_id`` (KeyError when it is not a reported measure)."""
    for measure in measures if measures is not None else reported_measures():
        if measure.id == measure_id:
            return measure
    raise KeyError(measure_id)


# --- values into figures -------------------------------------------------------------------------


def latest_value(
    values: Iterable[ReportedValue], measure_id: str, as_of: date
) -> ReportedValue | None:
    """The value of the latest period that ended on or before ``as_of``."""
    candidates = [v for v in values if v.measure_id == measure_id and v.period_end <= as_of]
    return max(candidates, key=lambda v: v.period_end, default=None)


def figures(
    measure: ReportedMeasure,
    values: Sequence[ReportedValue],
    dates: Sequence[date],
    target: Target | None,
) -> list[MeasureValue]:
    """The measure at each date: the latest period's value (period given as ``period_start``),
    judged against ``target``; no value before the first period is entered.

    A count's value is also its numerator, so small-number suppression hides 1-4 like a
    computed count's.
    """
    found = []
    for as_of in dates:
        latest = latest_value(values, measure.id, as_of)
        value: float | int | None = None
        status: Status | None = None
        period_start = None
        if latest is not None:
            value = int(latest.value) if measure.whole_numbers else latest.value
            period_start = period_start_of(measure.frequency, latest.period_end)
            if target is not None:
                status = "met" if target.met(value) else "not_met"
        found.append(MeasureValue(
            measure=measure.id, value=value,
            numerator=int(value) if measure.whole_numbers and value is not None else None,
            denominator=None, as_of=as_of, period_start=period_start,
            target=target.value if target is not None else None, status=status,
        ))
    return found


def due_values(
    measures: Iterable[ReportedMeasure], values: Iterable[ReportedValue], as_of: date
) -> list[DueValue]:
    """Every value that is due by ``as_of`` and not entered, oldest first: each period from the
    measure's ``first_period`` whose end + ``due_days`` is on or before ``as_of``. This is what
    a measure's owner sees as "due" (and the "needs attention" page lists)."""
    entered = {(v.measure_id, v.period_end) for v in values}
    due = []
    for measure in measures:
        if measure.retired:
            continue
        for end in period_ends(measure.frequency, measure.first_period, as_of):
            due_on = end + timedelta(days=measure.due_days)
            if due_on <= as_of and (measure.id, end) not in entered:
                due.append(DueValue(measure.id, end, due_on, measure.owner_role, measure.owner))
    return sorted(due, key=lambda d: (d.due_on, d.measure_id))

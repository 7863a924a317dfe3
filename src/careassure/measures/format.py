"""Measure values as people read them: "1,203", "18 days", "14 working days", "78.0%", "1.04",
"£612.40".

One formatter for the demo, the web app, reports and the narrative sentences, so a figure reads
the same wherever it is quoted. The unit comes from the catalogue; the number of decimal places
is the engine's (medians and percentages one place, ratios two), except that whole days read as
whole ("18 days", not "18.0 days") because that is how the seeds write them.
"""

from __future__ import annotations

from datetime import date, timedelta

from careassure.measures.calendar import FLOW_PERIOD_MONTHS, default_period_start
from careassure.measures.catalogue import Target, Unit, declared_measures
from careassure.measures.publish import SUPPRESSED, PublishedValue, suppress
from careassure.measures.reported import on_declarations_changed
from careassure.measures.result import MeasureValue

NO_VALUE = "—"

_UNITS: dict[str, Unit] = {m.id: m.unit for m in declared_measures()}


def _refresh_units() -> None:
    """A reported measure declared on the admin page has a unit too (never removed: an id
    keeps its unit)."""
    _UNITS.update({m.id: m.unit for m in declared_measures()})


on_declarations_changed(_refresh_units)


def unit_of(measure_id: str) -> Unit:
    """The catalogue unit of a measure (KeyError for an unknown id)."""
    return _UNITS[measure_id]


def _plain(number: float | int) -> str:
    """A number with thousands separators, without a trailing ".0" (18.0 -> "18", 2.5 -> "2.5")."""
    if float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,}"


def format_number(number: float | int | str | None, unit: Unit) -> str:
    """One figure in its unit; None (no value) is "—" and the suppression mark stays "*"."""
    if number is None:
        return NO_VALUE
    if number == SUPPRESSED:
        return SUPPRESSED
    assert not isinstance(number, str), number
    match unit:
        case "count":
            return _plain(number)
        case "days":
            return f"{_plain(number)} day{'' if number == 1 else 's'}"
        case "working_days":
            return f"{_plain(number)} working day{'' if number == 1 else 's'}"
        case "percent":
            return f"{number:,.1f}%"
        case "ratio":
            return f"{number:,.2f}"
        case "seconds":
            return f"{_plain(number)} second{'' if number == 1 else 's'}"
        case "per_100k":
            return f"{number:,.1f} per 100,000"
        case "pounds":
            return f"£{number:,.2f}"
        case "per_50k":
            return f"{number:,.1f} per 50,000"
        case "fte":
            return f"{number:,.2f} FTE"
    raise ValueError(f"unknown unit {unit!r}")  # pragma: no cover


def format_value(value: MeasureValue | PublishedValue, *, publish: bool = False) -> str:
    """A computed value as text in its unit ("1,203", "18 days", "78.0%", "—" for no value).

    ``publish=True`` applies small-number suppression to this one value on its own (its own
    numerator and denominator; see :mod:`careassure.measures.publish`). A value that belongs to a
    breakdown must be suppressed together with its set first, ``suppress(values)``, and the
    resulting :class:`PublishedValue` passed here, or a hidden group could be worked out by
    subtraction from the total.
    """
    if publish and isinstance(value, MeasureValue):
        value = suppress([value])[0]
    return format_number(value.value, unit_of(value.measure))


_COMPARATOR_WORDS = {"<=": "at most", "<": "below", ">=": "at least", ">": "above"}


def target_amount(amount: float | int, unit: Unit) -> str:
    """A target's figure in its unit. Targets are round figures set by people, so they are
    written without decimals they do not have ("85%", not "85.0%"; "14 days")."""
    if unit == "percent":
        return f"{_plain(amount)}%"
    if unit == "ratio":
        return f"{amount:,.2f}"
    return format_number(amount, unit)


def target_words(measure_id: str, comparator: str, amount: float | int) -> str:
    """A target in words, the one way every page, CSV, report, reason and the CLI write it:
    "at most 14 days", "at least 85%", "a gap of less than 5% either way"."""
    written = target_amount(amount, unit_of(measure_id))
    if comparator == "abs<":
        return f"a gap of less than {written} either way"
    return f"{_COMPARATOR_WORDS[comparator]} {written}"


def format_target(target: Target, measure_id: str) -> str:
    """A catalogue or council target in words (see :func:`target_words`)."""
    return target_words(measure_id, target.comparator, target.value)


def uk_date(day: date) -> str:
    """A date as every page and report writes it: 30/09/2026."""
    return day.strftime("%d/%m/%Y")


def period_text(period_start: date | None, as_of: date) -> str:
    """The period a figure covers, in words, written beside every flow figure: "3 months to
    30/09/2026" for the default period, "01/08/2026 to 30/09/2026" for one a user chose, and
    "on 30/09/2026" for a snapshot (``period_start`` None). A flow's period is (period_start,
    as_of], so its first day is the day after ``period_start``."""
    if period_start is None:
        return f"on {uk_date(as_of)}"
    if period_start == default_period_start(as_of):
        return f"{FLOW_PERIOD_MONTHS} months to {uk_date(as_of)}"
    return f"{uk_date(period_start + timedelta(days=1))} to {uk_date(as_of)}"

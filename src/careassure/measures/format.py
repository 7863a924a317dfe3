"""Measure values as people read them: "1,203", "18 days", "14 working days", "78.0%", "1.04".

One formatter for the demo, the web app, reports and the narrative sentences, so a figure reads
the same wherever it is quoted. The unit comes from the catalogue; the number of decimal places
is the engine's (medians and percentages one place, ratios two), except that whole days read as
whole ("18 days", not "18.0 days") because that is how the seeds write them.
"""

from __future__ import annotations

from datetime import date

from careassure.measures.catalogue import Target, Unit, declared_measures
from careassure.measures.publish import SUPPRESSED, PublishedValue, suppress
from careassure.measures.result import MeasureValue

NO_VALUE = "—"

_UNITS: dict[str, Unit] = {m.id: m.unit for m in declared_measures()}


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


def format_target(target: Target, measure_id: str) -> str:
    """A target in the measure's unit, as a plan writes it: "<= 14 days", ">= 85%", "|x| < 5%".

    Targets are round figures set by people, so they are written without decimals they do not
    have (85%, not 85.0%).
    """
    unit = unit_of(measure_id)
    number = _plain(target.value)
    suffix = {"days": " days", "working_days": " working days", "percent": "%",
              "seconds": " seconds", "per_100k": " per 100,000"}.get(unit, "")
    if unit in ("days", "working_days", "seconds") and target.value == 1:
        suffix = suffix[:-1]
    if target.comparator == "abs<":
        return f"|x| < {number}{suffix}"
    return f"{target.comparator} {number}{suffix}"


def format_date(day: date) -> str:
    """A date as the seeds' progress narratives write it: 29/12/24."""
    return day.strftime("%d/%m/%y")

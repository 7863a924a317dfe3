"""The shape every computed measure value takes, whatever engine produced it.

One type crosses the boundary from the measure engine to the CLI, the plan tracker, forecasts and
reports, so that suppression, narrative and JSON output are written once. The JSON form is the
public contract of ``careassure measures --format json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

Status = Literal["met", "not_met"]


@dataclass(frozen=True)
class MeasureValue:
    """One measure's value for one date or period and one breakdown group (or the whole area).

    ``value`` is None when the population is empty (never 0: "nobody waiting" and "no data" must
    not look alike). ``numerator``/``denominator`` are set for rates and counts (a count's
    numerator is the count itself, its denominator None). ``period_start`` is set for flow
    measures: the period is (period_start, as_of]. ``breakdown`` is None for the whole-area row,
    else e.g. ``{"team": "North Locality"}``. ``target`` is the target value the status was judged
    against, ``status`` is "met", "not_met" or None when there is no target or no value.
    """

    measure: str
    value: float | int | None
    numerator: int | None
    denominator: int | None
    as_of: date
    period_start: date | None = None
    breakdown: dict[str, str] | None = None
    target: float | None = None
    status: Status | None = None

    def to_json(self) -> dict[str, Any]:
        """The public JSON object: dates as ISO strings, keys in the documented order."""
        return value_json(self)


def value_json(value: Any) -> dict[str, Any]:
    """The public JSON object of a measure value, computed or published (a published one has the
    same fields, with ``"*"`` for a hidden figure), so the contract is written once."""
    return {
        "measure": value.measure,
        "value": value.value,
        "numerator": value.numerator,
        "denominator": value.denominator,
        "as_of": value.as_of.isoformat(),
        "period_start": value.period_start.isoformat() if value.period_start else None,
        "breakdown": value.breakdown,
        "target": value.target,
        "status": value.status,
    }

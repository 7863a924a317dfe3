"""Which careassure measures have a national twin, and how honestly they compare.

The declarations live in ``twins.yaml`` (one entry per measure: the national code, its title,
whether the national figure is a year-end snapshot or covers the whole period, and how the
definitions differ). The period difference is stated from the dates: a local figure on
30/11/2026 is not the national figure for 2022-23, and the page says so rather than leave the
reader to assume they match.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

import yaml

from careassure.compare.model import period_bounds, period_kind

NationalAt = Literal["year_end", "period"]


@dataclass(frozen=True)
class Twin:
    """A careassure measure and the national measure it is compared with."""

    measure: str
    national_code: str
    national_title: str
    national_at: NationalAt
    definition: str


@cache
def twins() -> dict[str, Twin]:
    """careassure measure id -> its twin, as declared in ``twins.yaml``."""
    text = resources.files("careassure.compare").joinpath("twins.yaml").read_text("utf-8")
    declared = {}
    for entry in yaml.safe_load(text):
        twin = Twin(
            measure=entry["measure"],
            national_code=str(entry["national_code"]),
            national_title=" ".join(entry["national_title"].split()),
            national_at=entry["national_at"],
            definition=" ".join(entry["definition"].split()),
        )
        declared[twin.measure] = twin
    return declared


def twin_of_code(national_code: str) -> Twin | None:
    """The careassure measure twinned with a national code, if any."""
    return next((t for t in twins().values() if t.national_code == national_code), None)


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def period_note(twin: Twin, local_as_of: date, national_period: str, local_kind: str) -> str:
    """How the local figure's period differs from the national figure's, in one sentence."""
    bounds = period_bounds(national_period)
    if bounds is None:  # pragma: no cover - periods are checked on import
        raise ValueError(f"not a period: {national_period}")
    start, end = bounds
    national = (
        f"the national figure is at {_day(end)}, the end of {national_period}"
        if twin.national_at == "year_end"
        else f"the national figure covers the {period_kind(national_period)} {national_period} "
        f"({_day(start)} to {_day(end)})"
    )
    local = (
        f"careassure's figure is on {_day(local_as_of)}"
        if local_kind == "snapshot"
        else f"careassure's figure covers the month to {_day(local_as_of)}"
    )
    if twin.national_at == "year_end" and local_kind == "snapshot" and local_as_of == end:
        return f"Same date: both figures are at {_day(end)}."
    return f"Different periods: {local}; {national}."

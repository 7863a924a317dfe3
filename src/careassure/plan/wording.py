"""How the plan writes figures, targets and dates in its RAG reasons.

A reason is read aloud at committee ("18 days against a target of at most 14 days; down from 45
days on 29/12/2024; due May 2026"), so values carry their unit, dates are UK style and a target
reads as words rather than as a comparator symbol.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from careassure.measures import CATALOGUE, MeasureValue
from careassure.measures.format import format_value
from careassure.measures.publish import PublishedValue, suppress


def number(value: float | int) -> str:
    """1,203 / 18 / 17.5: whole numbers without a decimal point, others to one place."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def with_unit(value: float | int, measure_id: str) -> str:
    """A value with the unit of its measure: "18 days", "33%", "416", "10 min 5 s"."""
    unit = CATALOGUE[measure_id].unit if measure_id in CATALOGUE else "count"
    match unit:
        case "days":
            return f"{number(value)} {'day' if value == 1 else 'days'}"
        case "working_days":
            return f"{number(value)} working {'day' if value == 1 else 'days'}"
        case "percent":
            return f"{number(value)}%"
        case "seconds":
            minutes, seconds = divmod(round(float(value)), 60)
            return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
        case "ratio":
            return f"{value:.2f}"
        case "per_100k":
            return f"{value:,.1f} per 100,000"
    return number(value)


@dataclass(frozen=True)
class Display:
    """How a set of points is written: as computed, or as published.

    Publishing hides counts of 1-4 and what is built on them (``*``). A group of a breakdown
    must be suppressed together with the rest of its set, or it could be worked out by
    subtraction, so :func:`display_for` suppresses all the points of an evaluation at once and
    remembers each point's published form.
    """

    publish: bool = False
    published: dict[int, PublishedValue] = field(default_factory=dict)

    def shown(self, point: MeasureValue) -> MeasureValue | PublishedValue:
        if not self.publish:
            return point
        found = self.published.get(id(point))
        return found if found is not None else suppress([point])[0]

    def hidden(self, point: MeasureValue) -> bool:
        shown = self.shown(point)
        return isinstance(shown, PublishedValue) and shown.suppressed

    def text(self, point: MeasureValue) -> str:
        """"18 days", "26.1%", "416"; "*" when published and small."""
        return format_value(self.shown(point))

    def to_json(self, point: MeasureValue | None) -> dict[str, Any] | None:
        return self.shown(point).to_json() if point is not None else None


def display_for(points: Sequence[MeasureValue], publish: bool) -> Display:
    """The display of an evaluation's points (suppressed together when publishing)."""
    if not publish:
        return Display()
    points = list(points)
    return Display(True, {id(p): shown for p, shown in zip(points, suppress(points), strict=True)})


_COMPARATOR_WORDS = {"<=": "at most", "<": "below", ">=": "at least", ">": "above"}


def target_text(measure_id: str, comparator: str, target: float) -> str:
    """ "at most 14 days", "at least 85%", "a gap of less than 5%"."""
    amount = with_unit(target, measure_id)
    if comparator == "abs<":
        return f"a gap of less than {amount} either way"
    return f"{_COMPARATOR_WORDS[comparator]} {amount}"


def quoted_title(title: str) -> str:
    """A title as quoted inside a reason: without the full stop (or other punctuation) it may end
    with in the plan, so "(worst: Staff apply thresholds appropriately; ...)" reads as one
    sentence rather than "appropriately.;"."""
    return title.strip().rstrip(".;:,!? ")


def sentence_start(text: str) -> str:
    """The text with a capital first letter, as a reason shown on its own starts a sentence
    ("Not done; was due March 2026"); figures and symbols are left as they are."""
    return text[:1].upper() + text[1:]


# The words a reason built by careassure.plan.rag can start with.
_LEAD_WORDS = frozenset({"No", "Done", "Not", "In", "Overridden"})


def continuing(text: str) -> str:
    """A reason quoted after a comma, undoing :func:`sentence_start` for our own lead words
    ("Not done" -> "not done") but not for an acronym or a name ("DoLS ...", "Care Act ...")."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        first_word = text.split(" ", 1)[0].strip(";:,")
        if first_word in _LEAD_WORDS:
            return text[0].lower() + text[1:]
    return text


def uk_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def month_text(day: date) -> str:
    """ "May 2026"."""
    return day.strftime("%B %Y")


def seed_month(day: date) -> str:
    """ "May-26", as the seed's Delivery Date column writes it."""
    return day.strftime("%b-%y")

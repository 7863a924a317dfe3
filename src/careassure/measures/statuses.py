"""The statuses careassure gives a figure or a plan item, written once, each with its one rule,
and the reason a measure figure's status gives beside it.

Every page, report, CSV and the CLI use these words; the web app's glossary page (linked from
every status tag) prints :data:`GLOSSARY`. The plan's rules that choose among them (trend,
delivery date, roll-up) are :mod:`careassure.plan.rag`; a measure figure on its own is judged
here, against one target: met, not met, or no data.
"""

from __future__ import annotations

from dataclasses import dataclass

from careassure.measures.catalogue import Target
from careassure.measures.format import format_number, period_text, target_words, unit_of
from careassure.measures.publish import SUPPRESSED, PublishedValue
from careassure.measures.result import MeasureValue

MET, IMPROVING, NOT_MET, OFF_TRACK, NO_DATA = "met", "improving", "not_met", "off_track", "no_data"
NOT_STARTED, DUE, OVERDUE = "not_started", "due", "overdue"


@dataclass(frozen=True)
class StatusWord:
    """One status: its key (as stored and in JSON), the label people read, its RAG colour as a
    committee paper prints it (red, amber, green or grey), the GOV.UK tag colour a page shows it
    in (never without the label) and the rule that gives it."""

    key: str
    label: str
    colour: str
    tag: str
    rule: str


GLOSSARY: tuple[StatusWord, ...] = (
    StatusWord(MET, "Met", "green", "green",
               "The latest figure meets the target (a milestone: it is done). A percentage "
               "target of 0% or 100% is met within the council's tolerance, and the reason says "
               "so."),
    StatusWord(IMPROVING, "Improving", "amber", "yellow",
               "The target is not met yet, but the figure has moved towards it since the "
               "baseline fast enough, on a straight line, to meet it by the due date. A milestone "
               "is improving when its action is under way and progress has been recorded."),
    StatusWord(DUE, "Due", "grey", "blue",
               "A milestone not done yet and not past its due date, with no progress recorded "
               "yet."),
    StatusWord(NOT_STARTED, "Not started", "grey", "grey",
               "A milestone whose action has not started, before its due date."),
    StatusWord(NO_DATA, "No data", "grey", "grey",
               "There is no figure to judge: nobody in the measure's population on the date or "
               "in the period, or no data loaded yet. A plan item with any outcome that has no "
               "data cannot be called met or improving."),
    StatusWord(NOT_MET, "Not met", "amber", "orange",
               "The latest figure misses the target. In a plan: before the due date, and not "
               "moving towards the target fast enough to meet it in time (or with no earlier "
               "figure to show a trend)."),
    StatusWord(OFF_TRACK, "Off track", "red", "red",
               "In a plan: the figure misses the target and has moved away from it since the "
               "baseline, or the due date has passed with the target not met."),
    StatusWord(OVERDUE, "Overdue", "red", "red",
               "A milestone not done after its due date."),
)
BY_KEY = {word.key: word for word in GLOSSARY}


def label(status: str) -> str:
    return BY_KEY[status].label


def colour(status: str) -> str:
    return BY_KEY[status].colour


def tag(status: str) -> str:
    return BY_KEY[status].tag


def tolerance_note(target: Target) -> str:
    """", judged within 1 percentage point (the council's tolerance for targets of 0% and 100%)"
    when the target is judged with a tolerance, else ""."""
    if not target.tolerance:
        return ""
    points = format_number(target.tolerance, "count")
    unit = "point" if target.tolerance == 1 else "points"
    return f", judged within {points} percentage {unit} (the council's tolerance for targets of " \
           "0% and 100%)"


def status_of(value: MeasureValue | PublishedValue | None, target: Target | None) -> str | None:
    """A figure's status against one target: met, not met, no data (no figure, or one hidden
    from this reader), or None when there is no target to judge against."""
    if target is None:
        return None
    if value is None or value.value is None or value.value == SUPPRESSED:
        return NO_DATA
    assert not isinstance(value.value, str)
    return MET if target.met(float(value.value)) else NOT_MET


def reason(
    value: MeasureValue | PublishedValue | None, target: Target | None, where: str = ""
) -> str:
    """Why a figure has its status, in one sentence with its period: "78.0% (3 months to
    30/09/2026) against a target of at least 85% (council's targets file): not met".

    ``where`` names the target's origin in words ("council's targets file", "improvement plan").
    """
    origin = f" ({where})" if where else ""
    goal = f"a target of {target_words(value.measure, target.comparator, target.value)}" \
        if target is not None and value is not None else ""
    if value is None:
        return "No figure"
    when = period_text(value.period_start, value.as_of)
    if target is None:
        return f"No target is set for this measure ({when})"
    if value.value is None:
        return f"No figure ({when}): nobody in the measure's population; {goal}{origin}"
    if value.value == SUPPRESSED:
        return f"Not judged here: the figure ({when}) is hidden because it counts fewer than 5 " \
               f"people; {goal}{origin}"
    figure = format_number(value.value, unit_of(value.measure))
    figure += f" {when}" if value.period_start is None else f" ({when})"
    verdict = "met" if status_of(value, target) == MET else "not met"
    return f"{figure} against {goal}{origin}{tolerance_note(target)}: {verdict}"

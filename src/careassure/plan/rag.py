"""RAG that explains itself: the rules that judge an outcome, roll actions and areas up, and apply
a person's override. Pure functions over plain data (no database, no store), so every rule is a
unit test; docs/plan.md states the same rules for readers.

Statuses, best to worst: ``met``, ``improving``, ``due``, ``not_started``, ``no_data``,
``not_met``, ``off_track``, ``overdue``: the one set, with one written rule each, in
:mod:`careassure.measures.statuses` (the web app's glossary page prints it).

Measured outcome, judged at the as-of date from the measure's points (oldest first), against the
outcome's own target (with the council's tolerance when it is 0% or 100%):

* no point with a value -> ``no_data``;
* the latest value meets the target -> ``met``;
* otherwise, if the delivery month has ended -> ``off_track``;
* otherwise, compared with the baseline value (the latest value on or before the baseline date,
  else the earliest value): further from the target -> ``off_track``; no closer (or no earlier
  value) -> ``not_met``; closer at a straight-line rate that reaches the target by the end of the
  delivery month -> ``improving``; closer, but too slowly -> ``not_met``.

Milestone: done -> ``met``; not done after the delivery month -> ``overdue``; not done, due
later: action not started -> ``not_started``; progress recorded on or before the as-of date ->
``improving``; else (under way, nothing recorded to show for it) -> ``due``.

Roll-up: an action takes the worst status of its outcomes, an area the worst of its actions, the
plan the worst of its areas; with nothing to judge, ``no_data``. Worst-of puts ``no_data`` above
``improving``, so a parent never claims "met" or "improving" while a child cannot be judged.
Overrides replace an item's status (and so feed the roll-up) and always show their reason.

Every reason starts with a capital letter (it is shown as a sentence of its own), and a title
quoted in one loses its trailing full stop ("worst: Thresholds applied appropriately; ...").
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from careassure.measures import CATALOGUE, MeasureValue, Target, Targets, load_targets
from careassure.measures.format import period_text
from careassure.measures.labels import breakdown_text
from careassure.measures.narrative import Facts, facts
from careassure.measures.statuses import (
    DUE,
    GLOSSARY,
    IMPROVING,
    MET,
    NO_DATA,
    NOT_MET,
    NOT_STARTED,
    OFF_TRACK,
    OVERDUE,
    tolerance_note,
)
from careassure.plan.model import MeasuredTarget, Milestone, OverrideSpec
from careassure.plan.wording import (
    Display,
    continuing,
    month_text,
    quoted_title,
    sentence_start,
    target_text,
    uk_date,
)

STATUSES = (MET, IMPROVING, DUE, NOT_STARTED, NO_DATA, NOT_MET, OFF_TRACK, OVERDUE)  # best first
SEVERITY = {status: rank for rank, status in enumerate(STATUSES)}
LABELS = {word.key: word.label for word in GLOSSARY}
# The tag colour shown beside the label (never instead of it).
COLOURS = {word.key: word.colour for word in GLOSSARY}
TAGS = {word.key: word.tag for word in GLOSSARY}
MAX_PROJECTION_DAYS = 365 * 100  # "never", as far as a plan is concerned


@dataclass(frozen=True)
class Rag:
    """A status with its reason in words. When overridden, ``computed`` keeps what the rules said
    and ``override`` who changed it, when and why."""

    status: str
    reason: str
    computed: Rag | None = None
    override: OverrideSpec | None = None

    def __post_init__(self) -> None:
        # A reason is shown as a sentence of its own (after the status tag, in a "Why" cell), so
        # every rule below may build it in lower case and it still starts with a capital.
        object.__setattr__(self, "reason", sentence_start(self.reason))

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def colour(self) -> str:
        return COLOURS[self.status]

    @property
    def tag(self) -> str:
        """The GOV.UK tag colour a page shows the label in."""
        return TAGS[self.status]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "status": self.status,
            "label": self.label,
            "colour": self.colour,
            "reason": self.reason,
        }
        if self.override is not None and self.computed is not None:
            data["override"] = {
                "reason": self.override.reason,
                "set_by": self.override.set_by,
                "set_at": self.override.set_at.isoformat(),
            }
            data["computed"] = self.computed.to_json()
        return data


@dataclass(frozen=True)
class Trend:
    """What the rules read from a measured outcome's points: the facts a progress update quotes
    and freezes. ``narrative`` is the measures' own :class:`careassure.measures.narrative.Facts`
    for a whole-area outcome (None for a group, whose figures must be suppressed with their set,
    which :class:`Display` does)."""

    measure_id: str
    breakdown: dict[str, str] | None
    current: MeasureValue | None
    baseline: MeasureValue | None
    target: MeasuredTarget
    due: date
    display: Display = field(default_factory=Display, repr=False, compare=False)
    narrative: Facts | None = field(default=None, repr=False, compare=False)
    reaches_target_on: date | None = None

    @property
    def change(self) -> float | None:
        if self.current is None or self.baseline is None or self.baseline is self.current:
            return None
        assert self.current.value is not None and self.baseline.value is not None
        return round(float(self.current.value) - float(self.baseline.value), 2)

    @property
    def direction(self) -> str | None:
        """'down', 'up' or 'unchanged' since the baseline; None without two values, or when
        publishing and either value is hidden (the direction would narrow it down)."""
        change = self.change
        if change is None or self.hides_figures():
            return None
        return "unchanged" if change == 0 else ("down" if change < 0 else "up")

    def hides_figures(self) -> bool:
        """Whether publishing hides the current or baseline figure."""
        return any(p is not None and self.display.hidden(p) for p in (self.current, self.baseline))

    @property
    def title(self) -> str:
        measure = CATALOGUE[self.measure_id]
        if not self.breakdown:
            return measure.title
        return f"{measure.title} ({breakdown_text(self.breakdown)})"

    def sentence(self) -> str:
        """The facts in one line, as a progress update quotes them: "Care Act assessments: median
        wait so far: 20 days on 28/12/2025 (down from 46 days on 29/12/2024); target at most 14
        days"."""
        if self.current is None:
            return f"{self.title}: no value"
        text = f"{self.title}: {self.display.text(self.current)} on {uk_date(self.current.as_of)}"
        if self.direction is not None and self.baseline is not None:
            was = self.display.text(self.baseline)
            text += f" ({_moved(self.direction)} {was} on {uk_date(self.baseline.as_of)})"
        target = target_text(self.measure_id, self.target.comparator, self.target.target)
        return f"{text}; target {target}"

    def to_json(self) -> dict[str, Any]:
        """The JSON a progress update freezes (published figures when the display publishes)."""
        hidden = self.hides_figures()
        return {
            "measure": self.measure_id,
            "title": self.title,
            "breakdown": self.breakdown,
            "published": self.display.publish,
            "current": self.display.to_json(self.current),
            "baseline": self.display.to_json(self.baseline),
            "change": None if hidden else self.change,
            "direction": self.direction,
            "comparator": self.target.comparator,
            "target": self.target.target,
            "baseline_on": self.target.baseline_on.isoformat() if self.target.baseline_on else None,
            "due": self.due.isoformat(),
            "reaches_target_on": (
                self.reaches_target_on.isoformat()
                if self.reaches_target_on and not hidden
                else None
            ),
            "sentence": self.sentence(),
            "narrative": self.narrative.to_json() if self.narrative is not None else None,
        }


def _moved(direction: str) -> str:
    return {"down": "down from", "up": "up from", "unchanged": "unchanged from"}[direction]


def _gap(target: MeasuredTarget, value: float) -> float:
    """How far a value is from meeting the target, in the measure's unit (0 or less: met)."""
    if target.comparator == "abs<":
        return abs(value) - target.target
    return value - target.target if target.lower_is_better else target.target - value


def baseline_point(points: Sequence[MeasureValue], baseline_on: date | None) -> MeasureValue | None:
    """The value in force at the baseline date: the latest valued point on or before it, else
    (baseline before the data starts, or none given) the earliest valued point."""
    valued = [p for p in points if p.value is not None]
    if not valued:
        return None
    if baseline_on is not None:
        before = [p for p in valued if p.as_of <= baseline_on]
        if before:
            return before[-1]
    return valued[0]


def outcome_target(target: MeasuredTarget) -> Target:
    """A plan outcome's target as the measures judge it: the outcome's comparator and figure,
    with the council's tolerance when it is a 0% or 100% percentage target, so a figure is met
    or not by the same rule in the plan as on the measure's page."""
    plan_target = Target(target.comparator, target.target, "improvement plan")  # type: ignore[arg-type]
    return load_targets().judged(target.measure_id, plan_target)


def figure_when(display: Display, point: MeasureValue) -> str:
    """A figure with its date or period, as every reason quotes it: "20 days on 28/12/2025",
    "78.0% (3 months to 30/09/2026)"."""
    when = period_text(point.period_start, point.as_of)
    return f"{display.text(point)} {when}" if point.period_start is None else \
        f"{display.text(point)} ({when})"


def _narrative(target: MeasuredTarget, points: Sequence[MeasureValue], publish: bool) -> Facts:
    """The measures' narrative facts, judged against the plan's target, not the catalogue's."""
    plan_target = outcome_target(target)
    targets = Targets(1, {target.measure_id: plan_target}, "improvement plan")
    return facts(
        target.measure_id, points, baseline=target.baseline_on, publish=publish, targets=targets
    )


def judge_measured(
    target: MeasuredTarget,
    points: Sequence[MeasureValue],
    as_of: date,
    due: date,
    *,
    display: Display | None = None,
) -> tuple[Rag, Trend]:
    """The RAG of a measured outcome from its points (one measure, one group, any order).

    Points after ``as_of`` are ignored, so a report dated in the past reads as it would have then.
    The status is always judged on the computed values; ``display`` decides how they are written
    (published: small counts hidden, and no direction or projection that would give them away).
    """
    display = display if display is not None else Display()
    usable = sorted((p for p in points if p.as_of <= as_of), key=lambda p: p.as_of)
    latest = usable[-1] if usable else None
    current = latest if latest is not None and latest.value is not None else None
    baseline = baseline_point(usable, target.baseline_on) if current is not None else None
    narrative = _narrative(target, usable, display.publish) if not target.breakdown else None
    trend = Trend(
        target.measure_id, target.breakdown, current, baseline, target, due, display, narrative
    )
    judged_by = outcome_target(target)
    goal = target_text(target.measure_id, target.comparator, target.target)
    goal += tolerance_note(judged_by)
    if current is None:
        if latest is None:
            reason = f"no value for {quoted_title(trend.title).lower()} up to {uk_date(as_of)}"
        else:
            reason = (
                f"no value on {uk_date(latest.as_of)}: nobody in the measure's population "
                f"(target {goal})"
            )
        return Rag(NO_DATA, reason), trend
    assert current.value is not None
    head = f"{figure_when(display, current)} against a target of {goal}"
    history = ""
    if baseline is not None and trend.direction is not None:
        was = display.text(baseline)
        history = f"; {_moved(trend.direction)} {was} on {uk_date(baseline.as_of)}"
    due_text = f"due {month_text(due)}"
    if judged_by.met(float(current.value)):
        return Rag(MET, f"{head}{history}; {due_text}"), trend
    if as_of > due:
        return Rag(OFF_TRACK, f"{head}{history}; was {due_text}"), trend
    if baseline is None or baseline is current:
        return Rag(NOT_MET, f"{head}; no earlier value to show a trend; {due_text}"), trend
    assert baseline.value is not None
    closer_by = _gap(target, float(baseline.value)) - _gap(target, float(current.value))
    if closer_by < 0:
        return Rag(OFF_TRACK, f"{head}{history}, away from the target; {due_text}"), trend
    if closer_by == 0:
        return Rag(NOT_MET, f"{head}{history}; no nearer the target; {due_text}"), trend
    per_day = closer_by / (current.as_of - baseline.as_of).days
    days_needed = _gap(target, float(current.value)) / per_day
    reaches = current.as_of + timedelta(days=math.ceil(min(days_needed, MAX_PROJECTION_DAYS)))
    trend = replace(trend, reaches_target_on=reaches)
    # Published with a hidden figure, the projection would give the figure away: judged, not said.
    pace_shown = not trend.hides_figures()
    if reaches <= due:
        pace = f"; at this rate the target is reached by {month_text(reaches)}"
        pace = pace if pace_shown else ""
        return Rag(IMPROVING, f"{head}{history}{pace}; {due_text}"), trend
    if not pace_shown:
        late = "; improving too slowly to meet the target by the due date"
    elif days_needed < MAX_PROJECTION_DAYS:
        late = f"; at this rate the target is reached {month_text(reaches)}, after the due date"
    else:
        late = "; at this rate the target is not reached"
    return Rag(NOT_MET, f"{head}{history}{late}; {due_text}"), trend


def judge_milestone(
    milestone: Milestone, action_status: str, as_of: date, due: date,
    progress_on: Sequence[date] = (),
) -> Rag:
    """The RAG of a milestone outcome (see the module docstring); ``progress_on`` are the dates
    of the action's progress updates (only those on or before ``as_of`` count)."""
    due_text = f"due {month_text(due)}"
    if milestone.done:
        when = f" on {uk_date(milestone.done_on)}" if milestone.done_on else ""
        evidence = f"; evidence: {milestone.evidence_link}" if milestone.evidence_link else ""
        return Rag(MET, f"done{when}{evidence}")
    if as_of > due:
        return Rag(OVERDUE, f"not done; was {due_text}")
    if action_status == "not_started":
        return Rag(NOT_STARTED, f"not started; {due_text}")
    recorded = [day for day in progress_on if day <= as_of]
    if recorded:
        return Rag(IMPROVING, f"in progress, last progress recorded {uk_date(max(recorded))}; "
                              f"{due_text}")
    return Rag(DUE, f"not done and no progress recorded yet; {due_text}")


def roll_up(children: Sequence[tuple[str, Rag]], noun: str) -> Rag:
    """The worst of the children's statuses, with the reason counting them and naming the worst.

    ``children`` are (name, rag) pairs in plan order; ``noun`` is "outcome", "action" or "area".
    """
    if not children:
        return Rag(NO_DATA, f"no {noun}s to judge")
    worst = max((rag.status for _, rag in children), key=SEVERITY.__getitem__)
    counts = Counter(rag.status for _, rag in children)
    parts = [f"{counts[s]} {LABELS[s].lower()}" for s in reversed(STATUSES) if counts[s]]
    total = len(children)
    reason = f"{total} {noun}{'s' if total != 1 else ''}: {', '.join(parts)}"
    if worst not in (MET, IMPROVING):
        named = [quoted_title(name) for name, rag in children if rag.status == worst]
        shown = "; ".join(named[:2]) + (f"; and {len(named) - 2} more" if len(named) > 2 else "")
        reason += f" (worst: {shown})"
    return Rag(worst, reason)


def plan_summary(areas: Sequence[Rag]) -> str:
    """The areas' statuses counted in plain English, worst first, for the plan page's opening
    line: "Across the plan: 3 areas off track, 1 not met and 1 met"."""
    if not areas:
        return "The plan has no areas to judge yet"
    counts = Counter(rag.status for rag in areas)
    parts = [f"{counts[s]} {LABELS[s].lower()}" for s in reversed(STATUSES) if counts[s]]
    worst = max(counts, key=SEVERITY.__getitem__)
    parts[0] = parts[0].replace(" ", " area " if counts[worst] == 1 else " areas ", 1)
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Across the plan: {listed}"


def apply_override(computed: Rag, override: OverrideSpec | None) -> Rag:
    """The status a person set, with their reason first and the computed status kept beside it."""
    if override is None:
        return computed
    reason = (
        f"overridden to {LABELS[override.status].lower()} by {override.set_by} on "
        f"{uk_date(override.set_at.date())}: {override.reason} "
        f"(computed: {computed.label.lower()}, {continuing(computed.reason)})"
    )
    return Rag(override.status, reason, computed=computed, override=override)

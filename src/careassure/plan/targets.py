"""Every target that applies to a measure, with where it comes from, and the one a figure shown
outside the plan is judged against.

A measure can have a target in the council's targets file (:mod:`careassure.measures.targets`)
and in any number of plan outcomes that use it. The rule (docs/plan.md, "Targets"):

* a measure page lists them all: the council's first, then each plan outcome, with its source;
* a figure in the plan, or in a report about the plan, is judged against its outcome's target
  (:mod:`careassure.plan.rag`);
* the same figure anywhere else (overview, measure pages, their CSVs) is judged against the
  council's target; where the council's file sets none, against the improvement plan's first
  whole-area outcome on the measure, named as such, so no view says "none set" while the
  plan holds a target for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from careassure.measures import Target, Targets
from careassure.measures.format import target_words
from careassure.measures.labels import breakdown_text
from careassure.measures.targets import source_text
from careassure.plan.model import PlanSpec
from careassure.plan.rag import outcome_target

COUNCIL = "council's targets file"
PLAN = "improvement plan"


@dataclass(frozen=True)
class TargetInForce:
    """One target on one measure: the target as judged (with any tolerance), where it comes
    from (``origin``: the council's file or the plan), the source in words, the plan outcome's
    path and the group it applies to (None: the whole area)."""

    measure_id: str
    target: Target
    origin: str
    source: str
    outcome_path: str | None = None
    breakdown: dict[str, str] | None = None

    @property
    def words(self) -> str:
        """ "at most 14 days" (with the group when the target is for one: "... (team: North)")."""
        text = target_words(self.measure_id, self.target.comparator, self.target.value)
        return f"{text} ({breakdown_text(self.breakdown)})" if self.breakdown else text


def targets_in_force(
    measure_id: str, council: Targets, plan: PlanSpec | None
) -> list[TargetInForce]:
    """Every target on ``measure_id``: the council's (if any), then the plan's outcomes in plan
    order, each with its source in words."""
    found = []
    own = council.for_measure(measure_id)
    if own is not None:
        found.append(TargetInForce(measure_id, own, COUNCIL, source_text(own.source)))
    for area in plan.areas if plan is not None else ():
        for action in area.actions:
            for outcome in action.outcomes:
                measured = outcome.measured
                if measured is None or measured.measure_id != measure_id:
                    continue
                path = f"{area.key}/{action.key}/{outcome.key}"
                source = f"{plan.title}: {area.title}; {action.title}: {outcome.text}"  # type: ignore[union-attr]
                found.append(TargetInForce(measure_id, outcome_target(measured), PLAN, source,
                                           path, measured.breakdown))
    return found


def standing_target(
    measure_id: str, council: Targets, plan: PlanSpec | None
) -> TargetInForce | None:
    """The target a figure outside the plan is judged against: the council's, else the plan's
    first whole-area outcome on the measure, else None (see the module docstring)."""
    whole_area = [t for t in targets_in_force(measure_id, council, plan) if t.breakdown is None]
    return whole_area[0] if whole_area else None

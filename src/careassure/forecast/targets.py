"""The planner's targets, taken from the targets in force, never typed into the planner's code.

A queue's targets are the ones its measures are judged against everywhere else: the improvement
plan's measured outcomes when the caller passes them (``plan_targets``: measure id -> target, the
web app reads them from the stored plan), else the council's targets file
(:func:`careassure.measures.targets.load_targets`). The measures are ``<queue>.median_wait`` (the
median wait so far of those waiting), ``<queue>.max_wait`` (the longest wait so far of anyone
waiting: a true maximum, not a percentile) and ``<queue>.waiting`` (the number waiting), so "target
met" in the planner is the same test as on the measure's own page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from careassure.forecast.observed import ForecastInputError
from careassure.measures.targets import Targets as TargetsInForce
from careassure.measures.targets import load_targets, source_text
from careassure.records.schema import QUEUE_KINDS

# The measure suffix of each figure the planner judges, and how it is named in messages.
FIGURES = {"median": "median_wait", "maximum": "max_wait", "waiting": "waiting"}
PLAN_SOURCE = "the improvement plan's measured outcome"


@dataclass(frozen=True)
class QueueTargets:
    """A queue's targets in force: values (None: no target) and where each came from."""

    median: float | None
    maximum: float | None
    waiting: float | None
    sources: dict[str, str]


def queue_targets(
    queue: str,
    plan_targets: Mapping[str, float] | None = None,
    targets: TargetsInForce | None = None,
) -> QueueTargets:
    """The targets of ``queue``'s median wait, longest wait and list size.

    Only "at most" targets (``<=``) are the ceiling :meth:`Targets.met` tests; any other
    comparator in a targets file is refused for the planner with the measure named.
    """
    if queue not in QUEUE_KINDS:
        raise ForecastInputError(f"unknown queue {queue!r}: choose one of {', '.join(QUEUE_KINDS)}")
    in_force = targets if targets is not None else load_targets()
    plan = plan_targets or {}
    values: dict[str, float | None] = {}
    sources: dict[str, str] = {}
    for figure, suffix in FIGURES.items():
        measure_id = f"{queue}.{suffix}"
        if measure_id in plan:
            values[figure] = float(plan[measure_id])
            sources[figure] = PLAN_SOURCE
            continue
        target = in_force.for_measure(measure_id)
        if target is None:
            values[figure] = None
            continue
        if target.comparator != "<=":
            raise ForecastInputError(
                f"the target of {measure_id} is '{target.comparator} {target.value:g}': the "
                "planner needs an 'at most' target (<= or <)"
            )
        values[figure] = target.value
        sources[figure] = source_text(target.source)
    return QueueTargets(values["median"], values["maximum"], values["waiting"], sources)

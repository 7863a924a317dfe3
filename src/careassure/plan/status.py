"""The plan's status tree: area -> action -> outcome, each with its RAG, reason and facts.

:func:`evaluate` is pure: it takes a plan and measure points already computed and judges every
item with the rules of :mod:`careassure.plan.rag`. :mod:`careassure.plan.live` fetches the points
from the store and calls it; tests call it with hand-made points. The tree is what the web pages,
the committee report and the DHSC return read, so its JSON form is a public contract.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from careassure.measures import MeasureValue
from careassure.plan.model import (
    ActionSpec,
    AreaSpec,
    OutcomeSpec,
    OverrideSpec,
    PlanSpec,
    ProgressSpec,
)
from careassure.plan.rag import (
    Rag,
    Trend,
    apply_override,
    judge_measured,
    judge_milestone,
    roll_up,
)
from careassure.plan.wording import Display, display_for


@dataclass(frozen=True)
class OutcomeStatus:
    path: str
    spec: OutcomeSpec
    rag: Rag
    trend: Trend | None
    points: tuple[MeasureValue, ...] = ()

    def to_json(self) -> dict[str, Any]:
        measured = self.spec.measured
        milestone = self.spec.milestone
        return {
            "path": self.path,
            "key": self.spec.key,
            "text": self.spec.text,
            "kind": self.spec.kind,
            "measure": measured.measure_id if measured else None,
            "comparator": measured.comparator if measured else None,
            "target": measured.target if measured else None,
            "breakdown": measured.breakdown if measured else None,
            "baseline_on": (
                measured.baseline_on.isoformat() if measured and measured.baseline_on else None
            ),
            "done": milestone.done if milestone else None,
            "evidence_link": milestone.evidence_link if milestone else None,
            "rag": self.rag.to_json(),
            "facts": self.trend.to_json() if self.trend else None,
        }


@dataclass(frozen=True)
class ActionStatus:
    path: str
    spec: ActionSpec
    rag: Rag
    outcomes: tuple[OutcomeStatus, ...]

    @property
    def latest_progress(self) -> ProgressSpec | None:
        return self.spec.progress[-1] if self.spec.progress else None

    def facts(self) -> list[dict[str, Any]]:
        """The current facts of the action's measured outcomes: what a new progress update
        pre-fills and freezes (:func:`careassure.plan.service.add_progress`)."""
        return [o.trend.to_json() for o in self.outcomes if o.trend is not None]

    def to_json(self) -> dict[str, Any]:
        latest = self.latest_progress
        return {
            "path": self.path,
            "key": self.spec.key,
            "title": self.spec.title,
            "steps": list(self.spec.steps),
            "owner": self.spec.owner,
            "delivery_month": self.spec.delivery_month.strftime("%Y-%m"),
            "due": self.spec.due.isoformat(),
            "status": self.spec.status,
            "rag": self.rag.to_json(),
            "latest_progress": (
                {
                    "written_on": latest.written_on.isoformat(),
                    "author": latest.author,
                    "narrative": latest.narrative,
                }
                if latest
                else None
            ),
            "outcomes": [o.to_json() for o in self.outcomes],
        }


@dataclass(frozen=True)
class AreaStatus:
    path: str
    spec: AreaSpec
    rag: Rag
    actions: tuple[ActionStatus, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "key": self.spec.key,
            "title": self.spec.title,
            "rag": self.rag.to_json(),
            "actions": [a.to_json() for a in self.actions],
        }


@dataclass(frozen=True)
class PlanStatus:
    """The whole plan judged at ``as_of``; ``note`` says where the figures came from."""

    plan: PlanSpec
    as_of: date
    rag: Rag
    areas: tuple[AreaStatus, ...]
    note: str
    published: bool = False

    def outcomes(self) -> Iterator[OutcomeStatus]:
        for area in self.areas:
            for action in area.actions:
                yield from action.outcomes

    def actions(self) -> Iterator[ActionStatus]:
        for area in self.areas:
            yield from area.actions

    def find(self, path: str) -> AreaStatus | ActionStatus | OutcomeStatus:
        """The item at ``area[/action[/outcome]]``; KeyError naming the path when absent."""
        items: list[AreaStatus | ActionStatus | OutcomeStatus] = [*self.areas]
        items += [*self.actions(), *self.outcomes()]
        for item in items:
            if item.path == path.strip("/"):
                return item
        raise KeyError(f"no item {path!r} in plan {self.plan.key!r}")

    def to_json(self, *, publish: bool | None = None) -> dict[str, Any]:
        """The tree as JSON. Figures are published (small counts hidden) when the status was
        evaluated with ``publish=True``; asking to publish an unpublished evaluation is refused,
        because suppression must be applied to whole breakdown sets while evaluating."""
        if publish and not self.published:
            raise ValueError("this plan status was evaluated unpublished: evaluate with publish")
        return {
            "plan": {
                "key": self.plan.key,
                "title": self.plan.title,
                "council": self.plan.council,
                "updated_on": self.plan.updated_on.isoformat(),
            },
            "as_of": self.as_of.isoformat(),
            "published": self.published,
            "note": self.note,
            "rag": self.rag.to_json(),
            "areas": [a.to_json() for a in self.areas],
        }


PointIndex = dict[tuple[str, tuple[tuple[str, str], ...]], list[MeasureValue]]


def index_points(points: Sequence[MeasureValue]) -> PointIndex:
    """Points grouped by measure and group (the whole area is the empty group), oldest first."""
    index: PointIndex = {}
    for point in points:
        group = tuple(sorted((point.breakdown or {}).items()))
        index.setdefault((point.measure, group), []).append(point)
    for series in index.values():
        series.sort(key=lambda p: p.as_of)
    return index


def _overrides(plan: PlanSpec) -> dict[str, OverrideSpec]:
    return {o.path.strip("/"): o for o in plan.overrides}


def _outcome(
    path: str,
    outcome: OutcomeSpec,
    action: ActionSpec,
    index: PointIndex,
    as_of: date,
    override: OverrideSpec | None,
    display: Display,
) -> OutcomeStatus:
    if outcome.measured is not None:
        group = tuple(sorted((outcome.measured.breakdown or {}).items()))
        series = tuple(index.get((outcome.measured.measure_id, group), ()))
        rag, trend = judge_measured(outcome.measured, series, as_of, action.due, display=display)
        return OutcomeStatus(path, outcome, apply_override(rag, override), trend, series)
    assert outcome.milestone is not None
    rag = judge_milestone(outcome.milestone, action.status, as_of, action.due,
                          [p.written_on for p in action.progress])
    return OutcomeStatus(path, outcome, apply_override(rag, override), None)


def evaluate(
    plan: PlanSpec,
    points: Sequence[MeasureValue],
    as_of: date,
    *,
    note: str = "",
    publish: bool = False,
) -> PlanStatus:
    """Judge every outcome from ``points`` (any measures, any order), then roll up.

    ``publish`` writes values in their published form (small counts suppressed) for the viewer
    role and for reports.
    """
    index = index_points(points)
    display = display_for(points, publish)
    overrides = _overrides(plan)
    areas = []
    for area in plan.areas:
        actions = []
        for action in area.actions:
            action_path = f"{area.key}/{action.key}"
            outcomes = tuple(
                _outcome(
                    f"{action_path}/{o.key}",
                    o,
                    action,
                    index,
                    as_of,
                    overrides.get(f"{action_path}/{o.key}"),
                    display,
                )
                for o in action.outcomes
            )
            rag = roll_up([(o.spec.text, o.rag) for o in outcomes], "outcome")
            rag = apply_override(rag, overrides.get(action_path))
            actions.append(ActionStatus(action_path, action, rag, outcomes))
        rag = roll_up([(a.spec.title, a.rag) for a in actions], "action")
        areas.append(
            AreaStatus(area.key, area, apply_override(rag, overrides.get(area.key)), tuple(actions))
        )
    rag = roll_up([(a.spec.title, a.rag) for a in areas], "area")
    return PlanStatus(plan, as_of, rag, tuple(areas), note, publish)

"""The plan as plain data: what the YAML file, the seed table, the database and the RAG share.

The RAG rules, the live evaluation, the exports and the reports all work on these frozen
dataclasses rather than on database rows, so that they can be tested without a database and a
plan read from a file can be evaluated before it is imported. :mod:`careassure.plan.service`
turns them into rows and back.

Items are addressed by keys: an area's key is unique in the plan, an action's in its area, an
outcome's in its action, so ``timeliness/care-act-assessment/median-wait`` names one outcome
wherever it is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta

ACTION_STATUSES = ("not_started", "in_progress", "complete")
OUTCOME_KINDS = ("measured", "milestone")
COMPARATORS = ("<=", "<", ">=", ">", "abs<")
RISK_STATUSES = ("open", "closed")
# What a person may set an item's RAG to ("no data" is a fact, not a judgement).
OVERRIDE_STATUSES = ("met", "improving", "not_met", "off_track")

MAX_KEY = 60
MAX_TITLE = 500
MAX_OWNER = 200
MAX_LINK = 2000

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class PlanError(ValueError):
    """A plan, or a change to one, that cannot be accepted; the message names the entry and why."""


@dataclass(frozen=True)
class MeasuredTarget:
    """A measured outcome's link to the catalogue: ``measure <comparator> target``.

    ``breakdown`` narrows the measure to one group (``{"team_type": "specialist"}``); None is the
    whole area. ``baseline_on`` is the date progress is measured from.
    """

    measure_id: str
    comparator: str
    target: float
    baseline_on: date | None = None
    breakdown: dict[str, str] | None = None

    def met(self, value: float) -> bool:
        """Whether ``value`` meets the target (``abs<`` compares the size of a gap)."""
        match self.comparator:
            case "<=":
                return value <= self.target
            case "<":
                return value < self.target
            case ">=":
                return value >= self.target
            case ">":
                return value > self.target
            case "abs<":
                return abs(value) < self.target
        raise PlanError(f"unknown comparator {self.comparator!r}")

    @property
    def lower_is_better(self) -> bool:
        """Which way is toward the target; for ``abs<`` the distance from zero is what falls."""
        return self.comparator in ("<=", "<", "abs<")


@dataclass(frozen=True)
class Milestone:
    """A milestone outcome: done or not, when, and the evidence that shows it."""

    done: bool = False
    done_on: date | None = None
    evidence_link: str | None = None


@dataclass(frozen=True)
class OutcomeSpec:
    key: str
    text: str
    measured: MeasuredTarget | None = None
    milestone: Milestone | None = None

    @property
    def kind(self) -> str:
        return "measured" if self.measured is not None else "milestone"


@dataclass(frozen=True)
class ProgressSpec:
    """A dated progress note; ``facts`` are the measure facts it quoted, frozen when written."""

    written_on: date
    narrative: str
    author: str
    facts: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class ActionSpec:
    key: str
    title: str
    delivery_month: date
    steps: tuple[str, ...] = ()
    owner: str | None = None
    owner_account: str | None = None
    status: str = "not_started"
    outcomes: tuple[OutcomeSpec, ...] = ()
    progress: tuple[ProgressSpec, ...] = ()

    @property
    def due(self) -> date:
        """The last day of the delivery month: an action due "May-26" is on time until 31/05."""
        return self.delivery_month + relativedelta(months=1, days=-1)


@dataclass(frozen=True)
class AreaSpec:
    key: str
    title: str
    actions: tuple[ActionSpec, ...] = ()


@dataclass(frozen=True)
class RiskSpec:
    key: str
    description: str
    likelihood: int
    impact: int
    mitigation: str
    owner: str | None = None
    status: str = "open"
    area: str | None = None

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass(frozen=True)
class OverrideSpec:
    """A RAG override: ``path`` is ``area``, ``area/action`` or ``area/action/outcome``."""

    path: str
    status: str
    reason: str
    set_by: str
    set_at: datetime


@dataclass(frozen=True)
class PlanSpec:
    key: str
    title: str
    council: str
    updated_on: date
    areas: tuple[AreaSpec, ...] = ()
    risks: tuple[RiskSpec, ...] = ()
    overrides: tuple[OverrideSpec, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        """How many areas, actions, outcomes (measured and milestones), updates and risks."""
        actions = [a for area in self.areas for a in area.actions]
        outcomes = [o for a in actions for o in a.outcomes]
        return {
            "areas": len(self.areas),
            "actions": len(actions),
            "outcomes": len(outcomes),
            "measured": sum(o.measured is not None for o in outcomes),
            "milestones": sum(o.milestone is not None for o in outcomes),
            "progress_updates": sum(len(a.progress) for a in actions),
            "risks": len(self.risks),
        }

    def measure_ids(self) -> list[str]:
        """Every catalogue measure the plan links to, in plan order, once each."""
        ids = [
            o.measured.measure_id
            for area in self.areas
            for action in area.actions
            for o in action.outcomes
            if o.measured is not None
        ]
        return list(dict.fromkeys(ids))


# --- checks shared by the YAML reader, the seed-table reader and the service functions ---------


def check_key(key: Any, where: str) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.match(key) or len(key) > MAX_KEY:
        raise PlanError(
            f"{where}: key {key!r} must be 1-{MAX_KEY} lower-case letters, digits and hyphens"
        )
    return key


def check_text(value: Any, where: str, field_name: str, limit: int | None = MAX_TITLE) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PlanError(f"{where}: {field_name} is required")
    cleaned = value.strip()
    if limit is not None and len(cleaned) > limit:
        raise PlanError(f"{where}: {field_name} is longer than {limit} characters")
    return cleaned


def check_optional_text(value: Any, where: str, field_name: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return check_text(value, where, field_name, MAX_OWNER)


def check_choice(value: Any, choices: tuple[str, ...], where: str, field_name: str) -> str:
    if value not in choices:
        raise PlanError(f"{where}: {field_name} {value!r} is not one of {', '.join(choices)}")
    return str(value)


def check_action_status(value: Any, where: str) -> str:
    return check_choice(value, ACTION_STATUSES, where, "status")


def check_risk_status(value: Any, where: str) -> str:
    return check_choice(value, RISK_STATUSES, where, "status")


def check_override_status(value: Any, where: str) -> str:
    return check_choice(value, OVERRIDE_STATUSES, where, "status")


def check_comparator(value: Any, where: str) -> str:
    return check_choice(value, COMPARATORS, where, "comparator")


def check_score(value: Any, where: str, field_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise PlanError(f"{where}: {field_name} {value!r} must be a whole number from 1 to 5")
    return value


def check_link(value: Any, where: str) -> str | None:
    if value is None or value == "":
        return None
    if (
        not isinstance(value, str)
        or not re.match(r"^https?://[^\s/]+\S*$", value.strip())
        or len(value) > MAX_LINK
    ):
        raise PlanError(f"{where}: evidence link {value!r} must be an http:// or https:// address")
    return value.strip()


def check_measure(measure_id: Any, breakdown: Any, where: str) -> None:
    """The measure must be in the catalogue, and a breakdown one group of a column it supports."""
    from careassure.measures import CATALOGUE

    if measure_id not in CATALOGUE:
        kind = str(measure_id).split(".")[0]
        close = [m for m in CATALOGUE if m.split(".")[0] == kind]
        hint = f" (measures of that kind: {', '.join(close)})" if close else ""
        raise PlanError(f"{where}: measure {measure_id!r} is not in the catalogue{hint}")
    if breakdown is None:
        return
    if (
        not isinstance(breakdown, dict)
        or len(breakdown) != 1
        or not all(isinstance(v, str) and v for v in breakdown.values())
    ):
        raise PlanError(f"{where}: breakdown must be one column and group, e.g. team_type: local")
    (column,) = breakdown
    supported = CATALOGUE[measure_id].breakdowns
    if column not in supported:
        raise PlanError(
            f"{where}: {measure_id} cannot be broken down by {column!r} "
            f"(it can by: {', '.join(sorted(supported)) or 'nothing'})"
        )


def parse_path(path: str) -> tuple[str, ...]:
    """``area[/action[/outcome]]`` as its keys; the message says what a path looks like."""
    parts = tuple(p for p in path.strip().strip("/").split("/"))
    if not 1 <= len(parts) <= 3 or not all(KEY_PATTERN.match(p) for p in parts):
        raise PlanError(
            f"item {path!r} is not a plan path: write AREA, AREA/ACTION or AREA/ACTION/OUTCOME "
            "using the keys `careassure plan status` shows"
        )
    return parts

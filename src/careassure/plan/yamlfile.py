"""The plan as a versioned YAML file: read with every entry checked, and written back.

A plan file is how a council starts (the shipped demo plan is one), moves a plan between
databases and keeps a copy beside its committee papers. Reading checks everything before anything
is stored, and an error names the file, the entry (``area 'timeliness' / action
'care-act-assessment' / outcome 'median-wait'``) and the reason. Unknown fields are errors, so a
misspelt ``mesure:`` is reported rather than silently turning an outcome into a milestone.
Writing then reading gives the same plan (the round trip is tested).

Layout (version 1)::

    version: 1
    key: leicestershire-cqc-2025
    title: Care Quality Commission Improvement Plan
    council: Leicestershire County Council
    updated: 2025-12-29
    areas:
      - key: timeliness
        title: Timeliness of Assessments and Reviews
        actions:
          - key: care-act-assessment
            title: Care and Support Assessment
            steps: [Short-term increase in team capacity to reduce waits for assessment, ...]
            owner: Head of Service, Operational Commissioning
            owner_account: lead.timeliness        # optional: who may update it in the web app
            delivery: 2026-05                     # or May-26, as the seed table writes it
            status: in_progress                   # not_started | in_progress | complete
            outcomes:
              - key: median-wait
                text: Median wait times to not exceed 14 days
                measure: care_act_assessment.median_wait
                comparator: "<="                  # <=, <, >=, >, abs< (omit both: catalogue's)
                target: 14
                baseline: 2024-12-29
                breakdown: {team_type: specialist}  # optional: one group
              - key: waiting-well-monitoring
                text: Waiting Well policy performance monitoring in place
                done: false                       # a milestone: done, done_on, evidence
            progress:
              - date: 2025-12-29
                author: Improvement Manager
                narrative: Waiting lists have reduced since ...
                facts: []                         # measure facts frozen when written
    risks:
      - key: dhsc-intervention
        description: ...
        likelihood: 3
        impact: 4
        mitigation: ...
        owner: Director of Adults and Communities
        status: open                              # open | closed
        area: timeliness                          # optional
    overrides:                                    # optional: RAG overrides in force
      - item: timeliness/care-act-assessment
        status: improving
        reason: ...
        set_by: ...
        set_at: 2026-01-05T10:00:00+00:00
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from careassure.plan.model import (
    ActionSpec,
    AreaSpec,
    MeasuredTarget,
    Milestone,
    OutcomeSpec,
    OverrideSpec,
    PlanError,
    PlanSpec,
    ProgressSpec,
    RiskSpec,
    check_action_status,
    check_comparator,
    check_key,
    check_link,
    check_measure,
    check_optional_text,
    check_override_status,
    check_risk_status,
    check_score,
    check_text,
    parse_path,
)

SUPPORTED_VERSIONS = (1,)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Writes every value in place: a plan file is read by people, so no ``&id001`` anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_PLAN_FIELDS = {"version", "key", "title", "council", "updated", "areas", "risks", "overrides"}
_AREA_FIELDS = {"key", "title", "actions"}
_ACTION_FIELDS = {
    "key",
    "title",
    "steps",
    "owner",
    "owner_account",
    "delivery",
    "status",
    "outcomes",
    "progress",
}
_MEASURED_FIELDS = {"key", "text", "measure", "comparator", "target", "baseline", "breakdown"}
_MILESTONE_FIELDS = {"key", "text", "done", "done_on", "evidence"}
_PROGRESS_FIELDS = {"date", "author", "narrative", "facts"}
_RISK_FIELDS = {
    "key",
    "description",
    "likelihood",
    "impact",
    "mitigation",
    "owner",
    "status",
    "area",
}
_OVERRIDE_FIELDS = {"item", "status", "reason", "set_by", "set_at"}


def demo_plan_path() -> Path:
    """The Leicestershire plan of 29 December 2025, shipped as the demo plan."""
    return Path(str(resources.files("careassure.plan").joinpath("demo_plan.yaml")))


def load_demo_plan() -> PlanSpec:
    return read_plan(demo_plan_path())


def read_plan(path: Path) -> PlanSpec:
    """Read and check a plan file; PlanError names the file, the entry and the reason."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError(f"{path}: cannot read the plan file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise PlanError(f"{path}: not UTF-8 text") from exc
    return parse_plan_text(text, str(path))


def parse_plan_text(text: str, source: str) -> PlanSpec:
    try:
        raw = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise PlanError(f"{source}: not valid YAML ({exc})") from exc
    return parse_plan(raw, source)


# --- reading --------------------------------------------------------------------------------


def _mapping(raw: Any, where: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise PlanError(f"{where}: expected a mapping of fields, got {type(raw).__name__}")
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        raise PlanError(
            f"{where}: unknown field {', '.join(map(repr, unknown))} "
            f"(expected: {', '.join(sorted(allowed))})"
        )
    return raw


def _list(raw: Any, where: str, field_name: str) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise PlanError(f"{where}: {field_name} must be a list")
    return raw


def _date(raw: Any, where: str, field_name: str) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(raw.strip(), pattern).date()
            except ValueError:
                continue
    raise PlanError(f"{where}: {field_name} {raw!r} is not a date (write YYYY-MM-DD)")


def _optional_date(raw: Any, where: str, field_name: str) -> date | None:
    return None if raw is None else _date(raw, where, field_name)


def _timestamp(raw: Any, where: str, field_name: str) -> datetime:
    if isinstance(raw, str):
        with contextlib.suppress(ValueError):
            raw = datetime.fromisoformat(raw.strip())
    if isinstance(raw, datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=UTC)
    raise PlanError(f"{where}: {field_name} {raw!r} is not a date and time (ISO 8601)")


def parse_month(raw: Any, where: str) -> date:
    """A delivery month: ``2026-05`` or the seed's ``May-26`` (a date means its month)."""
    if isinstance(raw, date):
        return date(raw.year, raw.month, 1)
    text = str(raw).strip() if raw is not None else ""
    for pattern in ("%Y-%m", "%b-%y", "%B %Y", "%b %Y"):
        try:
            parsed = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return date(parsed.year, parsed.month, 1)
    raise PlanError(f"{where}: delivery {raw!r} is not a month (write 2026-05 or May-26)")


def _number(raw: Any, where: str, field_name: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise PlanError(f"{where}: {field_name} {raw!r} is not a number")
    return float(raw)


def _unique(keys: Iterable[str], where: str, noun: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise PlanError(f"{where}: two {noun}s have the key {key!r}")
        seen.add(key)


def _measured(raw: dict[str, Any], where: str) -> MeasuredTarget:
    from careassure.measures import CATALOGUE

    measure_id = raw["measure"]
    breakdown = raw.get("breakdown")
    check_measure(measure_id, breakdown, where)
    comparator, target = raw.get("comparator"), raw.get("target")
    if comparator is None and target is None:
        default = CATALOGUE[measure_id].target
        if default is None:
            raise PlanError(
                f"{where}: {measure_id} has no catalogue target: give comparator and target"
            )
        comparator, target = default.comparator, default.value
    elif comparator is None or target is None:
        raise PlanError(f"{where}: give both comparator and target (or neither)")
    return MeasuredTarget(
        measure_id=measure_id,
        comparator=check_comparator(comparator, where),
        target=_number(target, where, "target"),
        baseline_on=_optional_date(raw.get("baseline"), where, "baseline"),
        breakdown={str(k): str(v) for k, v in breakdown.items()} if breakdown else None,
    )


def _outcome(raw: Any, parent: str, number: int) -> OutcomeSpec:
    where = f"{parent} / outcome {number}"
    measured = isinstance(raw, dict) and "measure" in raw
    fields = _mapping(raw, where, _MEASURED_FIELDS if measured else _MILESTONE_FIELDS)
    key = check_key(fields.get("key"), where)
    where = f"{parent} / outcome {key!r}"
    if measured:
        text = check_text(fields.get("text"), where, "text")
        return OutcomeSpec(key, text, _measured(fields, where))
    done = fields.get("done", False)
    if not isinstance(done, bool):
        raise PlanError(f"{where}: done {done!r} must be true or false")
    done_on = _optional_date(fields.get("done_on"), where, "done_on")
    if done_on is not None and not done:
        raise PlanError(f"{where}: done_on is set but done is false")
    milestone = Milestone(done, done_on, check_link(fields.get("evidence"), where))
    return OutcomeSpec(key, check_text(fields.get("text"), where, "text"), milestone=milestone)


def _progress(raw: Any, where: str) -> ProgressSpec:
    fields = _mapping(raw, where, _PROGRESS_FIELDS)
    facts = _list(fields.get("facts"), where, "facts")
    if not all(isinstance(f, dict) for f in facts):
        raise PlanError(f"{where}: each of facts must be a mapping")
    return ProgressSpec(
        written_on=_date(fields.get("date"), where, "date"),
        narrative=check_text(fields.get("narrative"), where, "narrative", limit=None),
        author=check_text(fields.get("author"), where, "author", limit=200),
        facts=tuple(facts),
    )


def _action(raw: Any, parent: str, number: int) -> ActionSpec:
    where = f"{parent} / action {number}"
    fields = _mapping(raw, where, _ACTION_FIELDS)
    key = check_key(fields.get("key"), where)
    where = f"{parent} / action {key!r}"
    steps = _list(fields.get("steps"), where, "steps")
    outcomes = [
        _outcome(o, where, i)
        for i, o in enumerate(_list(fields.get("outcomes"), where, "outcomes"), start=1)
    ]
    _unique((o.key for o in outcomes), where, "outcome")
    return ActionSpec(
        key=key,
        title=check_text(fields.get("title"), where, "title"),
        delivery_month=parse_month(fields.get("delivery"), where),
        steps=tuple(check_text(s, where, "each step") for s in steps),
        owner=check_optional_text(fields.get("owner"), where, "owner"),
        owner_account=check_optional_text(fields.get("owner_account"), where, "owner_account"),
        status=check_action_status(fields.get("status", "not_started"), where),
        outcomes=tuple(outcomes),
        progress=tuple(
            _progress(p, f"{where} / progress {i}")
            for i, p in enumerate(_list(fields.get("progress"), where, "progress"), start=1)
        ),
    )


def _area(raw: Any, source: str, number: int) -> AreaSpec:
    where = f"{source}: area {number}"
    fields = _mapping(raw, where, _AREA_FIELDS)
    key = check_key(fields.get("key"), where)
    where = f"{source}: area {key!r}"
    actions = [
        _action(a, where, i)
        for i, a in enumerate(_list(fields.get("actions"), where, "actions"), start=1)
    ]
    _unique((a.key for a in actions), where, "action")
    return AreaSpec(key, check_text(fields.get("title"), where, "title"), tuple(actions))


def _risk(raw: Any, where: str, areas: set[str]) -> RiskSpec:
    fields = _mapping(raw, where, _RISK_FIELDS)
    key = check_key(fields.get("key"), where)
    area = fields.get("area")
    if area is not None and area not in areas:
        raise PlanError(f"{where}: area {area!r} is not an area of this plan")
    return RiskSpec(
        key=key,
        description=check_text(fields.get("description"), where, "description", limit=None),
        likelihood=check_score(fields.get("likelihood"), where, "likelihood"),
        impact=check_score(fields.get("impact"), where, "impact"),
        mitigation=check_text(fields.get("mitigation"), where, "mitigation", limit=None),
        owner=check_optional_text(fields.get("owner"), where, "owner"),
        status=check_risk_status(fields.get("status", "open"), where),
        area=area,
    )


def _override(raw: Any, where: str, paths: set[str]) -> OverrideSpec:
    fields = _mapping(raw, where, _OVERRIDE_FIELDS)
    item = fields.get("item")
    parse_path(str(item))
    if item not in paths:
        raise PlanError(f"{where}: item {item!r} is not in this plan")
    return OverrideSpec(
        path=str(item),
        status=check_override_status(fields.get("status"), where),
        reason=check_text(fields.get("reason"), where, "reason", limit=None),
        set_by=check_text(fields.get("set_by"), where, "set_by", limit=200),
        set_at=_timestamp(fields.get("set_at"), where, "set_at"),
    )


def item_paths(areas: Iterable[AreaSpec]) -> set[str]:
    """Every area, action and outcome path of a plan."""
    paths: set[str] = set()
    for area in areas:
        paths.add(area.key)
        for action in area.actions:
            paths.add(f"{area.key}/{action.key}")
            paths.update(f"{area.key}/{action.key}/{o.key}" for o in action.outcomes)
    return paths


def parse_plan(raw: Any, source: str) -> PlanSpec:
    """Check parsed YAML (``source`` names it in messages) and return the plan it describes."""
    fields = _mapping(raw, source, _PLAN_FIELDS)
    version = fields.get("version")
    if version not in SUPPORTED_VERSIONS:
        raise PlanError(
            f"{source}: version is {version!r}; supported: "
            + ", ".join(str(v) for v in SUPPORTED_VERSIONS)
        )
    areas = [
        _area(a, source, i)
        for i, a in enumerate(_list(fields.get("areas"), source, "areas"), start=1)
    ]
    _unique((a.key for a in areas), source, "area")
    area_keys = {a.key for a in areas}
    risks = [
        _risk(r, f"{source}: risk {i}", area_keys)
        for i, r in enumerate(_list(fields.get("risks"), source, "risks"), start=1)
    ]
    _unique((r.key for r in risks), source, "risk")
    paths = item_paths(areas)
    overrides = [
        _override(o, f"{source}: override {i}", paths)
        for i, o in enumerate(_list(fields.get("overrides"), source, "overrides"), start=1)
    ]
    _unique((o.path for o in overrides), source, "override")
    return PlanSpec(
        key=check_key(fields.get("key"), source),
        title=check_text(fields.get("title"), source, "title"),
        council=check_text(fields.get("council"), source, "council", limit=200),
        updated_on=_date(fields.get("updated"), source, "updated"),
        areas=tuple(areas),
        risks=tuple(risks),
        overrides=tuple(overrides),
    )


# --- writing --------------------------------------------------------------------------------


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def _outcome_data(outcome: OutcomeSpec) -> dict[str, Any]:
    if outcome.measured is not None:
        m = outcome.measured
        target: float | int = int(m.target) if float(m.target).is_integer() else m.target
        return _drop_none(
            {
                "key": outcome.key,
                "text": outcome.text,
                "measure": m.measure_id,
                "comparator": m.comparator,
                "target": target,
                "baseline": m.baseline_on,
                "breakdown": m.breakdown,
            }
        )
    assert outcome.milestone is not None
    ms = outcome.milestone
    return _drop_none(
        {
            "key": outcome.key,
            "text": outcome.text,
            "done": ms.done,
            "done_on": ms.done_on,
            "evidence": ms.evidence_link,
        }
    )


def plan_data(plan: PlanSpec) -> dict[str, Any]:
    """The plan as the YAML file's data (also its JSON export)."""
    data: dict[str, Any] = {
        "version": SUPPORTED_VERSIONS[-1],
        "key": plan.key,
        "title": plan.title,
        "council": plan.council,
        "updated": plan.updated_on,
        "areas": [
            {
                "key": area.key,
                "title": area.title,
                "actions": [
                    _drop_none(
                        {
                            "key": a.key,
                            "title": a.title,
                            "steps": list(a.steps),
                            "owner": a.owner,
                            "owner_account": a.owner_account,
                            "delivery": a.delivery_month.strftime("%Y-%m"),
                            "status": a.status,
                            "outcomes": [_outcome_data(o) for o in a.outcomes],
                            "progress": [
                                {
                                    "date": p.written_on,
                                    "author": p.author,
                                    "narrative": p.narrative,
                                    "facts": list(p.facts),
                                }
                                for p in a.progress
                            ],
                        }
                    )
                    for a in area.actions
                ],
            }
            for area in plan.areas
        ],
        "risks": [
            _drop_none(
                {
                    "key": r.key,
                    "description": r.description,
                    "likelihood": r.likelihood,
                    "impact": r.impact,
                    "mitigation": r.mitigation,
                    "owner": r.owner,
                    "status": r.status,
                    "area": r.area,
                }
            )
            for r in plan.risks
        ],
    }
    if plan.overrides:
        data["overrides"] = [
            {
                "item": o.path,
                "status": o.status,
                "reason": o.reason,
                "set_by": o.set_by,
                "set_at": o.set_at.isoformat(),
            }
            for o in plan.overrides
        ]
    return data


def _json_ready(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


def plan_json(plan: PlanSpec) -> dict[str, Any]:
    """The same data as the YAML file, with dates as ISO strings for JSON."""
    return _json_ready(plan_data(plan))


def plan_yaml(plan: PlanSpec) -> str:
    """The plan file's text; reading it back gives the same plan."""
    header = "# careassure improvement plan (layout: docs/plan.md)\n"
    body = yaml.dump(
        plan_data(plan), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )
    return header + body


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 40) -> str:
    """A key from a title: "Occupational Therapy (OT)" -> "occupational-therapy-ot"."""
    words = _SLUG.sub("-", text.lower()).strip("-")
    if len(words) > limit:
        words = words[:limit].rsplit("-", 1)[0]
    return words or "item"

"""Changing the stored plan: every change checked, made in the caller's transaction, audited.

Each function takes the session of an open :func:`careassure.appdb.transaction` and the actor,
makes one change and writes its audit row (:func:`careassure.appdb.record_change`) in the same
session, so the change and its record commit or roll back together. Rows are snapshotted with
their plan path (``timeliness/care-act-assessment``) so the trail reads without joins.

Items are named by path and the plan by key (the only plan when there is one). Progress updates
are never edited or deleted: a correction is a new update, so what a committee was told stays
on record. Narratives describe services, never individuals who draw on them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from careassure.appdb import AuditEntry, record_change, snapshot
from careassure.appdb.locks import lock_row
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
from careassure.plan.tables import (
    Plan,
    PlanAction,
    PlanArea,
    PlanOutcome,
    PlanRisk,
    ProgressUpdate,
    RagOverride,
)

MAX_NARRATIVE = 10_000
# Ten digits, optionally spaced 3-3-4: the shape of an NHS number. A progress update is about a
# service; one that quotes an NHS number is about a person and is refused.
_NHS_NUMBER = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")

Item = PlanArea | PlanAction | PlanOutcome


# --- reading --------------------------------------------------------------------------------


def plan_keys(session: Session) -> list[tuple[str, str]]:
    """(key, title) of every stored plan, by key."""
    return [(p.key, p.title) for p in session.scalars(select(Plan).order_by(Plan.key))]


def _plan_row(session: Session, key: str | None) -> Plan:
    if key is not None:
        row = session.scalars(select(Plan).where(Plan.key == key)).one_or_none()
        if row is None:
            stored = ", ".join(k for k, _ in plan_keys(session)) or "none"
            raise PlanError(f"no plan {key!r} is stored (stored: {stored})")
        return row
    rows = list(session.scalars(select(Plan).order_by(Plan.key)))
    if not rows:
        raise PlanError(
            "no improvement plan is stored: import one with `careassure plan import FILE` "
            "(the demo plan: `careassure plan import --demo`)"
        )
    if len(rows) > 1:
        raise PlanError(
            f"{len(rows)} plans are stored ({', '.join(r.key for r in rows)}): name one with --plan"
        )
    return rows[0]


def _outcome_spec(row: PlanOutcome) -> OutcomeSpec:
    if row.kind == "measured":
        assert row.measure_id and row.comparator and row.target is not None
        measured = MeasuredTarget(
            row.measure_id, row.comparator, row.target, row.baseline_on, row.breakdown
        )
        return OutcomeSpec(row.key, row.text, measured=measured)
    return OutcomeSpec(
        row.key, row.text, milestone=Milestone(bool(row.done), row.done_on, row.evidence_link)
    )


def _override_spec(row: RagOverride | None, path: str) -> list[OverrideSpec]:
    if row is None:
        return []
    return [OverrideSpec(path, row.status, row.reason, row.set_by, _aware(row.set_at))]


def plan_spec(row: Plan) -> PlanSpec:
    """A stored plan as plain data (what the RAG, exports and reports read)."""
    overrides: list[OverrideSpec] = []
    areas = []
    for area in row.areas:
        overrides += _override_spec(area.override, area.key)
        actions = []
        for action in area.actions:
            action_path = f"{area.key}/{action.key}"
            overrides += _override_spec(action.override, action_path)
            for outcome in action.outcomes:
                overrides += _override_spec(outcome.override, f"{action_path}/{outcome.key}")
            actions.append(
                ActionSpec(
                    key=action.key,
                    title=action.title,
                    delivery_month=action.delivery_month,
                    steps=tuple(action.steps),
                    owner=action.owner,
                    owner_account=action.owner_account,
                    status=action.status,
                    outcomes=tuple(_outcome_spec(o) for o in action.outcomes),
                    progress=tuple(
                        ProgressSpec(p.written_on, p.narrative, p.author, tuple(p.facts))
                        for p in action.progress
                    ),
                )
            )
        areas.append(AreaSpec(area.key, area.title, tuple(actions)))
    risks = tuple(
        RiskSpec(
            key=r.key,
            description=r.description,
            likelihood=r.likelihood,
            impact=r.impact,
            mitigation=r.mitigation,
            owner=r.owner,
            status=r.status,
            area=r.area.key if r.area is not None else None,
        )
        for r in row.risks
    )
    return PlanSpec(
        row.key, row.title, row.council, row.updated_on, tuple(areas), risks, tuple(overrides)
    )


def load_plan(session: Session, key: str | None = None) -> PlanSpec:
    """The stored plan ``key``, or the only stored plan; PlanError says how to import one."""
    return plan_spec(_plan_row(session, key))


def _find(session: Session, path: str, plan_key: str | None) -> tuple[Plan, Item]:
    keys = parse_path(path)
    plan = _plan_row(session, plan_key)
    area = next((a for a in plan.areas if a.key == keys[0]), None)
    if area is None:
        raise PlanError(f"no area {keys[0]!r} in plan {plan.key!r}")
    if len(keys) == 1:
        return plan, area
    action = next((a for a in area.actions if a.key == keys[1]), None)
    if action is None:
        raise PlanError(f"no action {keys[1]!r} in area {area.key!r}")
    if len(keys) == 2:
        return plan, action
    outcome = next((o for o in action.outcomes if o.key == keys[2]), None)
    if outcome is None:
        raise PlanError(f"no outcome {keys[2]!r} in action {area.key}/{action.key}")
    return plan, outcome


def _path(item: Item) -> str:
    if isinstance(item, PlanArea):
        return item.key
    if isinstance(item, PlanAction):
        return f"{item.area.key}/{item.key}"
    return f"{item.action.area.key}/{item.action.key}/{item.key}"


def _state(row: Any, path: str | None = None) -> dict[str, Any]:
    data = snapshot(row)
    if path is not None:
        data["path"] = path
    return data


# --- importing and removing a whole plan ----------------------------------------------------


def _add(session: Session, actor: str, row: Any, path: str | None = None) -> None:
    session.add(row)
    session.flush()
    record_change(session, actor, "create", row, None, _state(row, path))


def _outcome_row(outcome: OutcomeSpec, position: int) -> PlanOutcome:
    measured, milestone = outcome.measured, outcome.milestone
    return PlanOutcome(
        key=outcome.key,
        position=position,
        text=outcome.text,
        kind=outcome.kind,
        measure_id=measured.measure_id if measured else None,
        comparator=measured.comparator if measured else None,
        target=measured.target if measured else None,
        breakdown=measured.breakdown if measured else None,
        baseline_on=measured.baseline_on if measured else None,
        done=milestone.done if milestone else None,
        done_on=milestone.done_on if milestone else None,
        evidence_link=milestone.evidence_link if milestone else None,
    )


def import_plan(session: Session, plan: PlanSpec, actor: str, *, replace: bool = False) -> Plan:
    """Store a checked plan (from :mod:`careassure.plan.yamlfile` or the seed table), one audit
    row per item. A plan with the same key is refused unless ``replace``, which first removes
    the stored one (audited too: its rows stay readable in the trail)."""
    for area in plan.areas:
        for action in area.actions:
            for update in action.progress:
                check_narrative(
                    update.narrative, f"{area.key}/{action.key} progress of {update.written_on}"
                )
    existing = session.scalars(select(Plan).where(Plan.key == plan.key)).one_or_none()
    if existing is not None:
        if not replace:
            raise PlanError(
                f"a plan {plan.key!r} is already stored: replace it (--replace) or change the key"
            )
        remove_plan(session, actor, plan.key)
    row = Plan(key=plan.key, title=plan.title, council=plan.council, updated_on=plan.updated_on)
    _add(session, actor, row)
    areas: dict[str, PlanArea] = {}
    items: dict[str, Item] = {}
    now = datetime.now(UTC)
    for area_position, area in enumerate(plan.areas, start=1):
        area_row = PlanArea(plan=row, key=area.key, position=area_position, title=area.title)
        _add(session, actor, area_row, area.key)
        areas[area.key] = items[area.key] = area_row
        for action_position, action in enumerate(area.actions, start=1):
            path = f"{area.key}/{action.key}"
            action_row = PlanAction(
                area=area_row,
                key=action.key,
                position=action_position,
                title=action.title,
                steps=list(action.steps),
                owner=action.owner,
                owner_account=action.owner_account,
                delivery_month=action.delivery_month,
                status=action.status,
            )
            _add(session, actor, action_row, path)
            items[path] = action_row
            for position, outcome in enumerate(action.outcomes, start=1):
                outcome_row = _outcome_row(outcome, position)
                outcome_row.action = action_row
                _add(session, actor, outcome_row, f"{path}/{outcome.key}")
                items[f"{path}/{outcome.key}"] = outcome_row
            for update in action.progress:
                progress = ProgressUpdate(
                    action=action_row,
                    written_on=update.written_on,
                    narrative=update.narrative,
                    facts=[dict(f) for f in update.facts],
                    author=update.author,
                    created_at=now,
                )
                _add(session, actor, progress, path)
    for position, risk in enumerate(plan.risks, start=1):
        risk_row = PlanRisk(
            plan=row,
            area=areas[risk.area] if risk.area else None,
            key=risk.key,
            position=position,
            description=risk.description,
            likelihood=risk.likelihood,
            impact=risk.impact,
            mitigation=risk.mitigation,
            owner=risk.owner,
            status=risk.status,
        )
        _add(session, actor, risk_row)
    for override in plan.overrides:
        item = items[override.path.strip("/")]
        override_row = RagOverride(
            status=override.status,
            reason=override.reason,
            set_by=override.set_by,
            set_at=override.set_at,
        )
        item.override = override_row
        _add(session, actor, override_row, override.path)
    session.flush()
    session.refresh(row)
    return row


def remove_plan(session: Session, actor: str, key: str) -> None:
    """Delete a stored plan; every row it held gets a delete audit row with its last state."""
    plan = _plan_row(session, key)
    doomed: list[tuple[Any, str | None]] = []
    for area in plan.areas:
        for action in area.actions:
            path = f"{area.key}/{action.key}"
            for outcome in action.outcomes:
                if outcome.override is not None:
                    doomed.append((outcome.override, f"{path}/{outcome.key}"))
                doomed.append((outcome, f"{path}/{outcome.key}"))
            doomed += [(p, path) for p in action.progress]
            if action.override is not None:
                doomed.append((action.override, path))
            doomed.append((action, path))
        if area.override is not None:
            doomed.append((area.override, area.key))
    doomed += [(r, None) for r in plan.risks]
    doomed += [(a, a.key) for a in plan.areas]
    for row, where in doomed:
        record_change(session, actor, "delete", row, _state(row, where), None)
    record_change(session, actor, "delete", plan, _state(plan), None)
    session.delete(plan)
    session.flush()


# --- changing one item ----------------------------------------------------------------------


def _lock(session: Session, row: Any) -> None:
    """Take the write lock on ``row`` and re-read it, before its "before" is recorded or it is
    tested (has it an override?): :func:`careassure.appdb.locks.lock_row`."""
    lock_row(session, row)


def _update(session: Session, actor: str, row: Any, path: str | None, change: Any) -> None:
    """Apply ``change(row)`` and audit it, unless it changed nothing."""
    _lock(session, row)
    before = _state(row, path)
    change(row)
    after = _state(row, path)
    if after != before:
        session.flush()
        record_change(session, actor, "update", row, before, after)


def _action(session: Session, path: str, plan_key: str | None) -> PlanAction:
    _, item = _find(session, path, plan_key)
    if not isinstance(item, PlanAction):
        raise PlanError(f"{path!r} is not an action: write AREA/ACTION")
    return item


def _outcome(session: Session, path: str, plan_key: str | None) -> PlanOutcome:
    _, item = _find(session, path, plan_key)
    if not isinstance(item, PlanOutcome):
        raise PlanError(f"{path!r} is not an outcome: write AREA/ACTION/OUTCOME")
    return item


def check_narrative(narrative: str, where: str = "progress update") -> str:
    """A progress narrative: required, bounded, and not about an identifiable person."""
    text = check_text(narrative, where, "narrative", limit=MAX_NARRATIVE)
    if _NHS_NUMBER.search(text):
        raise PlanError(
            f"{where}: the narrative contains what looks like an NHS number; progress updates "
            "describe services and must not identify people who draw on them"
        )
    return text


def add_progress(
    session: Session,
    actor: str,
    path: str,
    *,
    narrative: str,
    written_on: date,
    facts: Sequence[dict[str, Any]] = (),
    author: str | None = None,
    plan_key: str | None = None,
) -> ProgressSpec:
    """Add a dated progress update to an action, freezing the measure ``facts`` it quotes (the
    JSON of :meth:`careassure.plan.rag.Trend.to_json`, as
    :meth:`careassure.plan.status.ActionStatus.facts` gives)."""
    action = _action(session, path, plan_key)
    where = _path(action)
    text = check_narrative(narrative, path)
    written_by = check_text(author or actor, path, "author", limit=200)
    if not all(isinstance(f, dict) for f in facts):
        raise PlanError(f"{path}: each fact must be a mapping (the JSON of a measure's facts)")
    update = ProgressUpdate(
        action=action,
        written_on=written_on,
        narrative=text,
        facts=[dict(f) for f in facts],
        author=written_by,
        created_at=datetime.now(UTC),
    )
    _add(session, actor, update, where)
    return ProgressSpec(written_on, text, written_by, tuple(update.facts))


def update_action(
    session: Session,
    actor: str,
    path: str,
    *,
    status: str | None = None,
    title: str | None = None,
    steps: Sequence[str] | None = None,
    owner: str | None = None,
    owner_account: str | None = None,
    delivery_month: date | None = None,
    plan_key: str | None = None,
) -> None:
    """Change the given fields of an action (None leaves a field as it is; "" clears the owner
    or owner account)."""
    action = _action(session, path, plan_key)
    values: dict[str, Any] = {}
    if status is not None:
        values["status"] = check_action_status(status, path)
    if title is not None:
        values["title"] = check_text(title, path, "title")
    if steps is not None:
        values["steps"] = [check_text(s, path, "each step") for s in steps]
    if owner is not None:
        values["owner"] = check_optional_text(owner, path, "owner")
    if owner_account is not None:
        values["owner_account"] = check_optional_text(owner_account, path, "owner_account")
    if delivery_month is not None:
        values["delivery_month"] = date(delivery_month.year, delivery_month.month, 1)
    _update(session, actor, action, path, lambda row: _assign(row, values))


def _assign(row: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(row, name, value)


def set_milestone(
    session: Session,
    actor: str,
    path: str,
    *,
    done: bool,
    done_on: date | None = None,
    evidence_link: str | None = None,
    plan_key: str | None = None,
) -> None:
    """Mark a milestone outcome done (with the date and, ideally, the evidence) or not done."""
    outcome = _outcome(session, path, plan_key)
    if outcome.kind != "milestone":
        raise PlanError(f"{path}: a measured outcome is met by its measure, not marked done")
    if done_on is not None and not done:
        raise PlanError(f"{path}: a done date was given for a milestone marked not done")
    values: dict[str, Any] = {"done": done, "done_on": done_on if done else None}
    if evidence_link is not None:  # None keeps the link, "" removes it
        values["evidence_link"] = check_link(evidence_link, path)
    _update(session, actor, outcome, path, lambda row: _assign(row, values))


def set_target(
    session: Session,
    actor: str,
    path: str,
    *,
    measure_id: str | None = None,
    comparator: str | None = None,
    target: float | None = None,
    baseline_on: date | None = None,
    plan_key: str | None = None,
) -> None:
    """Change a measured outcome's measure, target or baseline (None keeps a field)."""
    outcome = _outcome(session, path, plan_key)
    if outcome.kind != "measured":
        raise PlanError(f"{path}: a milestone has no measure or target")
    values: dict[str, Any] = {}
    if measure_id is not None:
        check_measure(measure_id, outcome.breakdown, path)
        values["measure_id"] = measure_id
    if comparator is not None:
        values["comparator"] = check_comparator(comparator, path)
    if target is not None:
        values["target"] = float(target)
    if baseline_on is not None:
        values["baseline_on"] = baseline_on
    _update(session, actor, outcome, path, lambda row: _assign(row, values))


def set_override(
    session: Session,
    actor: str,
    path: str,
    *,
    status: str,
    reason: str,
    plan_key: str | None = None,
) -> OverrideSpec:
    """Replace the computed RAG of an area, action or outcome with a person's judgement. The
    written reason is required; an earlier override of the same item is replaced, its reason
    kept in the audit trail."""
    if not isinstance(reason, str) or not reason.strip():
        raise PlanError(f"{path}: an override needs a written reason")
    _, item = _find(session, path, plan_key)
    checked = check_override_status(status, path)
    text = check_text(reason, path, "reason", limit=MAX_NARRATIVE)
    now = datetime.now(UTC)
    where = _path(item)
    _lock(session, item)
    if item.override is None:
        row = RagOverride(status=checked, reason=text, set_by=actor, set_at=now)
        item.override = row
        _add(session, actor, row, where)
    else:
        values = {"status": checked, "reason": text, "set_by": actor, "set_at": now}
        _update(session, actor, item.override, where, lambda r: _assign(r, values))
    return OverrideSpec(where, checked, text, actor, now)


def clear_override(
    session: Session, actor: str, path: str, *, plan_key: str | None = None
) -> None:
    """Return an item to its computed RAG; the override stays in the audit trail."""
    _, item = _find(session, path, plan_key)
    _lock(session, item)
    if item.override is None:
        raise PlanError(f"{path}: has no override to clear")
    row = item.override
    _lock(session, row)
    record_change(session, actor, "delete", row, _state(row, _path(item)), None)
    item.override = None
    session.flush()


def set_risk(
    session: Session,
    actor: str,
    key: str,
    *,
    description: str | None = None,
    likelihood: int | None = None,
    impact: int | None = None,
    mitigation: str | None = None,
    owner: str | None = None,
    status: str | None = None,
    area: str | None = None,
    plan_key: str | None = None,
) -> RiskSpec:
    """Add a key risk (a new key needs description, likelihood, impact and mitigation) or change
    the given fields of an existing one."""
    plan = _plan_row(session, plan_key)
    where = f"risk {key!r}"
    check_key(key, where)
    area_row = None
    if area is not None:
        area_row = next((a for a in plan.areas if a.key == area), None)
        if area_row is None:
            raise PlanError(f"{where}: no area {area!r} in plan {plan.key!r}")
    values: dict[str, Any] = {}
    if description is not None:
        values["description"] = check_text(description, where, "description", limit=None)
    if likelihood is not None:
        values["likelihood"] = check_score(likelihood, where, "likelihood")
    if impact is not None:
        values["impact"] = check_score(impact, where, "impact")
    if mitigation is not None:
        values["mitigation"] = check_text(mitigation, where, "mitigation", limit=None)
    if owner is not None:
        values["owner"] = check_optional_text(owner, where, "owner")
    if status is not None:
        values["status"] = check_risk_status(status, where)
    if area_row is not None:
        values["area"] = area_row
    row = next((r for r in plan.risks if r.key == key), None)
    if row is None:
        required = ("description", "likelihood", "impact", "mitigation")
        missing = [f for f in required if f not in values]
        if missing:
            raise PlanError(f"{where}: a new risk needs {', '.join(missing)}")
        row = PlanRisk(plan=plan, key=key, position=len(plan.risks) + 1, status="open")
        _assign(row, values)
        _add(session, actor, row)
    else:
        _update(session, actor, row, None, lambda r: _assign(r, values))
    return next(r for r in plan_spec(plan).risks if r.key == key)


def add_risk(
    session: Session,
    actor: str,
    *,
    description: str,
    likelihood: int,
    impact: int,
    mitigation: str,
    owner: str | None = None,
    area: str | None = None,
    plan_key: str | None = None,
) -> RiskSpec:
    """Add a risk under the next free key ``risk-N``: people entering a risk in the web app
    describe it, they do not name it (the YAML file and the CLI still choose their own keys)."""
    plan = _plan_row(session, plan_key)
    _lock(session, plan)  # two risks added at once must not both take the same free key
    session.refresh(plan, attribute_names=["risks"])
    taken = {r.key for r in plan.risks}
    number = len(taken) + 1
    while f"risk-{number}" in taken:
        number += 1
    return set_risk(
        session, actor, f"risk-{number}", description=description, likelihood=likelihood,
        impact=impact, mitigation=mitigation, owner=owner or "", area=area, plan_key=plan_key,
    )


# --- history --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One line of an item's history: a progress update or an audited change."""

    at: datetime
    kind: str  # "progress" or the audit action: "create", "update", "delete"
    actor: str
    entity: str  # the table the change was to
    summary: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "actor": self.actor,
            "entity": self.entity,
            "summary": self.summary,
            "before": self.before,
            "after": self.after,
        }


def _changed(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    if before is None or after is None:
        return ""
    fields = [k for k in after if k not in ("path",) and before.get(k) != after.get(k)]
    return ", ".join(f"{k}: {before.get(k)!r} -> {after.get(k)!r}" for k in fields)


def _summary(entry: AuditEntry) -> str:
    state = entry.after if entry.after is not None else entry.before or {}
    if entry.entity_type == "plan_rag_override":
        if entry.action == "delete":
            return "RAG override cleared"
        return f"RAG set to {state.get('status')} by override: {state.get('reason')}"
    if entry.action == "update":
        return f"changed {_changed(entry.before, entry.after)}"
    return f"{entry.entity_type.removeprefix('plan_')} {entry.action}d"


def item_history(session: Session, path: str, *, plan_key: str | None = None) -> list[HistoryEntry]:
    """Everything that happened to an item, newest first: its progress updates (for an action)
    and every audited change to it and to its override (for an action, to its outcomes too)."""
    _, item = _find(session, path, plan_key)
    where = _path(item)
    entries: list[HistoryEntry] = []
    if isinstance(item, PlanAction):
        entries += [
            HistoryEntry(
                _aware(update.created_at),
                "progress",
                update.author,
                "plan_progress",
                f"{update.written_on:%d/%m/%Y}: {update.narrative}",
            )
            for update in item.progress
        ]
    tables = ("plan_area", "plan_action", "plan_outcome", "plan_rag_override")
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type.in_(tables)).order_by(AuditEntry.id)
    )
    for entry in audit:
        state = entry.after if entry.after is not None else entry.before or {}
        item_path = str(state.get("path", ""))
        below = isinstance(item, PlanAction) and item_path.startswith(f"{where}/")
        if item_path != where and not below:
            continue
        entries.append(
            HistoryEntry(
                _aware(entry.at),
                entry.action,
                entry.actor,
                entry.entity_type,
                _summary(entry),
                entry.before,
                entry.after,
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def actions_owned_by(session: Session, account: str, *, plan_key: str | None = None) -> list[str]:
    """Paths of the actions whose ``owner_account`` is ``account`` (a workstream lead's)."""
    plan = _plan_row(session, plan_key)
    return [
        f"{area.key}/{action.key}"
        for area in plan.areas
        for action in area.actions
        if action.owner_account == account
    ]

"""Changing the MTFS ledger: every change checked, made in the caller's transaction, audited.

Each function takes the session of an open :func:`careassure.appdb.transaction` and the actor,
and writes its audit rows (:func:`careassure.appdb.record_change`) in the same session, so a
change and its record commit or roll back together. An import is checked first
(:func:`careassure.budget.checks.check_version`) and refused whole when anything does not add up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from careassure.appdb import record_change, snapshot
from careassure.budget.checks import check_version
from careassure.budget.model import (
    DELIVERY_STATUSES,
    REVENUE_COLUMNS,
    BudgetError,
    CapitalLineSpec,
    FundingSpec,
    LineSpec,
    PublishedTotal,
    RevenueLineSpec,
    VersionSpec,
    star,
)
from careassure.budget.tables import (
    LINK_ROLES,
    BudgetLine,
    BudgetVersion,
    CapitalLine,
    FundingLine,
    PlanLink,
    PrintedTotal,
    RevenueLine,
)
from careassure.plan.model import parse_path
from careassure.plan.tables import Plan, PlanAction, PlanArea

# Which kind of line each link role names: growth funds an item, a saving is delivered by it.
ROLE_LINE_TYPE = {"funds": "growth", "delivers": "saving"}


def version_keys(session: Session) -> list[tuple[str, str]]:
    """``(key, title)`` of every version, newest first."""
    rows = session.execute(
        select(BudgetVersion.key, BudgetVersion.title).order_by(
            BudgetVersion.published_on.desc(), BudgetVersion.id.desc()
        )
    )
    return [(key, title) for key, title in rows]


def _version_row(session: Session, key: str | None) -> BudgetVersion:
    if key is None:
        row = session.scalars(
            select(BudgetVersion).order_by(
                BudgetVersion.published_on.desc(), BudgetVersion.id.desc()
            )
        ).first()
        if row is None:
            raise BudgetError("no MTFS version has been imported (careassure budget import)")
        return row
    row = session.scalars(select(BudgetVersion).where(BudgetVersion.key == key)).first()
    if row is None:
        known = ", ".join(k for k, _ in version_keys(session)) or "none"
        raise BudgetError(f"no MTFS version {key!r} (versions: {known})")
    return row


def version_spec(row: BudgetVersion) -> VersionSpec:
    """The stored version as plain data."""
    return VersionSpec(
        key=row.key,
        title=row.title,
        department=row.department,
        first_year=row.first_year,
        years=row.years,
        status=row.status,
        published_on=row.published_on,
        prior_year_budget=row.prior_year_budget,
        previous=row.previous_key,
        lines=tuple(
            LineSpec(
                reference=r.reference, type=r.type, title=r.title, amounts=tuple(r.amounts),
                section=r.section, classification=r.classification,
                client_group=r.client_group, owner=r.owner, printed_star=r.printed_star,
                delivery_status=r.delivery_status, delivery_reason=r.delivery_reason,
            )
            for r in row.lines
        ),
        revenue=tuple(
            RevenueLineSpec(r.division, r.section, r.service, r.statutory,
                            {c: getattr(r, c) for c in REVENUE_COLUMNS})
            for r in row.revenue
        ),
        capital=tuple(
            CapitalLineSpec(r.programme, r.scheme, r.completion, r.gross_cost, tuple(r.amounts))
            for r in row.capital
        ),
        funding=tuple(FundingSpec(r.source, r.amount, r.note) for r in row.funding),
        totals=tuple(
            PublishedTotal(r.appendix, r.scope, r.column_name, r.amount) for r in row.totals
        ),
    )


def load_version(session: Session, key: str | None = None) -> VersionSpec:
    """The version ``key`` (default: the most recently published) as plain data."""
    return version_spec(_version_row(session, key))


def previous_version(session: Session, version: VersionSpec) -> VersionSpec | None:
    """The version ``version`` is compared with for its stars, when it is in the ledger."""
    if version.previous is None:
        return None
    row = session.scalars(
        select(BudgetVersion).where(BudgetVersion.key == version.previous)
    ).first()
    return version_spec(row) if row is not None else None


def stars(session: Session, version: VersionSpec) -> dict[str, str | None]:
    """Each line's computed star by reference (None for all when the previous version is not in
    the ledger, so nothing can be compared)."""
    previous = previous_version(session, version)
    return {line.reference: star(line, version.first_year, previous) for line in version.lines}


def _add(session: Session, actor: str, row: Any) -> None:
    session.add(row)
    record_change(session, actor, "create", row, None, snapshot(row))


def import_version(
    session: Session, version: VersionSpec, actor: str, *, replace: bool = False
) -> BudgetVersion:
    """Check ``version`` and store it; raises BudgetError (nothing stored) when it does not add
    up or a version with its key exists and ``replace`` is not given."""
    check_version(version)
    existing = session.scalars(
        select(BudgetVersion).where(BudgetVersion.key == version.key)
    ).first()
    if existing is not None:
        if not replace:
            raise BudgetError(f"version {version.key!r} is already in the ledger: use --replace "
                              "to load it again")
        remove_version(session, actor, version.key)
    row = BudgetVersion(
        key=version.key, title=version.title, department=version.department,
        first_year=version.first_year, years=version.years, status=version.status,
        published_on=version.published_on, prior_year_budget=version.prior_year_budget,
        previous_key=version.previous, imported_at=datetime.now(UTC),
    )
    _add(session, actor, row)
    for position, line in enumerate(version.lines):
        _add(session, actor, BudgetLine(
            version_id=row.id, position=position, reference=line.reference, type=line.type,
            section=line.section, classification=line.classification,
            client_group=line.client_group, title=line.title, owner=line.owner,
            printed_star=line.printed_star, amounts=list(line.amounts),
            delivery_status=line.delivery_status, delivery_reason=line.delivery_reason,
        ))
    for position, revenue in enumerate(version.revenue):
        _add(session, actor, RevenueLine(
            version_id=row.id, position=position, division=revenue.division,
            section=revenue.section, service=revenue.service, statutory=revenue.statutory,
            **revenue.values,
        ))
    for position, capital in enumerate(version.capital):
        _add(session, actor, CapitalLine(
            version_id=row.id, position=position, programme=capital.programme,
            scheme=capital.scheme, completion=capital.completion,
            gross_cost=capital.gross_cost, amounts=list(capital.amounts),
        ))
    for position, funding in enumerate(version.funding):
        _add(session, actor, FundingLine(version_id=row.id, position=position,
                                         source=funding.source, amount=funding.amount,
                                         note=funding.note))
    for position, total in enumerate(version.totals):
        _add(session, actor, PrintedTotal(version_id=row.id, position=position,
                                          appendix=total.appendix, scope=total.scope,
                                          column_name=total.column, amount=total.amount))
    session.flush()
    session.refresh(row)
    return row


def remove_version(session: Session, actor: str, key: str) -> None:
    """Delete version ``key`` and everything it holds (each row's deletion audited)."""
    row = _version_row(session, key)
    children: list[Any] = [*row.lines, *row.revenue, *row.capital, *row.funding, *row.totals]
    for child in children:
        record_change(session, actor, "delete", child, snapshot(child), None)
    record_change(session, actor, "delete", row, snapshot(row), None)
    session.delete(row)
    session.flush()


def _line(session: Session, key: str | None, reference: str) -> BudgetLine:
    version = _version_row(session, key)
    line = next((r for r in version.lines if r.reference == reference), None)
    if line is None:
        raise BudgetError(f"version {version.key} has no line {reference!r}")
    return line


def set_delivery(
    session: Session, actor: str, reference: str, status: str | None, reason: str | None, *,
    version_key: str | None = None,
) -> BudgetLine:
    """Record a saving's delivery status (None: not yet assessed); at risk and not delivered
    need their reason, so the committee reads why."""
    if status is not None and status not in DELIVERY_STATUSES:
        raise BudgetError(f"delivery status {status!r} is not one of "
                          f"{', '.join(DELIVERY_STATUSES)}")
    reason = (reason or "").strip() or None
    if status in ("at_risk", "not_delivered") and reason is None:
        raise BudgetError(f"a saving {status.replace('_', ' ')} needs its reason")
    line = _line(session, version_key, reference)
    if line.type != "saving":
        raise BudgetError(f"{reference} is a {line.type} line: only savings have a delivery "
                          "status")
    before = snapshot(line)
    line.delivery_status, line.delivery_reason = status, reason
    session.flush()
    record_change(session, actor, "update", line, before, snapshot(line))
    return line


@dataclass(frozen=True)
class Link:
    """A plan item and a budget line it is funded by or delivers."""

    plan_key: str
    path: str
    item_title: str
    reference: str
    role: str


def _plan(session: Session, key: str | None) -> Plan:
    query = select(Plan).order_by(Plan.id)
    if key is not None:
        query = query.where(Plan.key == key)
    plans = list(session.scalars(query))
    if not plans:
        raise BudgetError(f"no plan {key!r}" if key else "no improvement plan has been imported")
    if key is None and len(plans) > 1:
        raise BudgetError("more than one plan: name it (--plan KEY)")
    return plans[0]


def _item_title(plan: Plan, path: str) -> str:
    """The title of the area or action at ``path``; ``""`` is the whole plan (G15 funds the
    CQC improvement plan as a whole)."""
    if path == "":
        return plan.title
    try:
        keys = parse_path(path)
    except ValueError as exc:
        raise BudgetError(str(exc)) from exc
    if len(keys) > 2:
        raise BudgetError(f"{path}: link an area or an action, not an outcome")
    area: PlanArea | None = next((a for a in plan.areas if a.key == keys[0]), None)
    if area is None:
        raise BudgetError(f"plan {plan.key} has no area {keys[0]!r}")
    if len(keys) == 1:
        return area.title
    action: PlanAction | None = next((a for a in area.actions if a.key == keys[1]), None)
    if action is None:
        raise BudgetError(f"area {area.key} has no action {keys[1]!r}")
    return action.title


def link_plan(
    session: Session, actor: str, path: str, reference: str, role: str, *,
    plan_key: str | None = None, version_key: str | None = None,
) -> PlanLink:
    """Record that plan item ``path`` (``""``: the whole plan) is funded by growth line
    ``reference`` (role ``funds``) or delivers saving ``reference`` (role ``delivers``); the
    line must exist in the version."""
    if role not in LINK_ROLES:
        raise BudgetError(f"link role {role!r} is not one of {', '.join(LINK_ROLES)}")
    plan = _plan(session, plan_key)
    _item_title(plan, path)
    line = _line(session, version_key, reference)
    if line.type != ROLE_LINE_TYPE[role]:
        raise BudgetError(f"{reference} is a {line.type} line: a plan item {role} a "
                          f"{ROLE_LINE_TYPE[role]} line")
    existing = session.scalars(select(PlanLink).where(
        PlanLink.plan_id == plan.id, PlanLink.path == path, PlanLink.reference == reference
    )).first()
    if existing is not None:
        raise BudgetError(f"{path} is already linked to {reference}")
    link = PlanLink(plan_id=plan.id, path=path, reference=reference, role=role)
    _add(session, actor, link)
    return link


def unlink_plan(
    session: Session, actor: str, path: str, reference: str, *, plan_key: str | None = None
) -> None:
    """Remove the link between plan item ``path`` and line ``reference``."""
    plan = _plan(session, plan_key)
    link = session.scalars(select(PlanLink).where(
        PlanLink.plan_id == plan.id, PlanLink.path == path, PlanLink.reference == reference
    )).first()
    if link is None:
        raise BudgetError(f"{path} is not linked to {reference}")
    record_change(session, actor, "delete", link, snapshot(link), None)
    session.delete(link)
    session.flush()


def links(session: Session) -> list[Link]:
    """Every plan link, by plan, path and reference, with the item's title."""
    out = []
    for link in session.scalars(select(PlanLink).order_by(PlanLink.path, PlanLink.reference)):
        plan = session.get(Plan, link.plan_id)
        assert plan is not None
        try:
            title = _item_title(plan, link.path)
        except BudgetError:
            title = "(no longer in the plan)"
        out.append(Link(plan.key, link.path, title, link.reference, link.role))
    return out

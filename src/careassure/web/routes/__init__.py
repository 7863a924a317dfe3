"""The site's areas: one router module each, and the navigation that links them.

To add an area: write ``routes/<area>.py`` with ``router = APIRouter()`` whose every route
declares ``Depends(Allow(...))``, add its module below, a navigation entry if it has a top-level
page, and a row per route in ``tests/web/test_authorisation.py`` (which fails until you do).
"""

from __future__ import annotations

from dataclasses import dataclass

from careassure.web.roles import (
    ADMIN,
    ADMINS,
    DATA_LOADERS,
    EVERYONE,
    IMPROVEMENT_MANAGER,
    STAFF,
    WORKSTREAM_LEAD,
)

ROUTER_MODULES: tuple[str, ...] = (
    "careassure.web.routes.signin",
    "careassure.web.routes.overview",
    "careassure.web.routes.measures",
    "careassure.web.routes.activity",
    "careassure.web.routes.statuses",
    "careassure.web.routes.compare",
    "careassure.web.routes.plan",
    "careassure.web.routes.plan_edits",
    "careassure.web.routes.risks",
    "careassure.web.routes.attention",
    "careassure.web.routes.data",
    "careassure.web.routes.planner",
    "careassure.web.routes.cqc",
    "careassure.web.routes.evidence",
    "careassure.web.routes.selfassessment",
    "careassure.web.routes.preparation",
    "careassure.web.routes.admin",
    "careassure.web.routes.account",
    "careassure.web.routes.reports",
    "careassure.web.routes.budget",
    "careassure.web.routes.reported",
    "careassure.web.routes.reported_admin",
    "careassure.web.routes.views",
    "careassure.web.routes.measure_files",
    "careassure.web.routes.drilldown",
)


@dataclass(frozen=True)
class NavItem:
    href: str
    text: str
    roles: frozenset[str]


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("/", "Overview", EVERYONE),
    NavItem("/measures", "Measures", EVERYONE),
    NavItem("/compare", "How we compare", EVERYONE),
    NavItem("/plan", "Improvement plan", EVERYONE),
    NavItem("/my-actions", "My actions", frozenset({ADMIN, IMPROVEMENT_MANAGER, WORKSTREAM_LEAD})),
    NavItem("/attention", "Needs attention", STAFF),
    NavItem("/reports", "Reports", EVERYONE),
    NavItem("/budget", "Budget", EVERYONE),
    NavItem("/reported", "Reported values", STAFF),
    NavItem("/planner", "Capacity planner", STAFF),
    NavItem("/cqc", "CQC assessment", STAFF),
    NavItem("/data", "Data", DATA_LOADERS),
    NavItem("/audit", "Audit trail", ADMINS),
    NavItem("/admin/users", "Users", ADMINS),
)

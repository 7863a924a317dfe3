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


@dataclass(frozen=True)
class NavSection:
    """One item of the main menu and the pages its section navigation lists. The menu item
    links to the first page the reader may open; a section none of whose pages they may open
    is not in their menu."""

    text: str
    pages: tuple[NavItem, ...]


PLAN_LEADS = frozenset({ADMIN, IMPROVEMENT_MANAGER, WORKSTREAM_LEAD})

# Seven sections at the top, the rest one click further in each section's own navigation: every
# page is at most two clicks from every other (the menu, then the section's page).
SECTIONS: tuple[NavSection, ...] = (
    NavSection("Overview", (
        NavItem("/", "Overview", EVERYONE),
        NavItem("/attention", "Needs attention", STAFF),
        NavItem("/my-actions", "My actions", PLAN_LEADS),
    )),
    NavSection("Measures", (
        NavItem("/measures", "Measures", EVERYONE),
        NavItem("/compare", "How we compare", EVERYONE),
        NavItem("/activity", "Activity tables", EVERYONE),
        NavItem("/reported", "Reported values", STAFF),
        NavItem("/planner", "Capacity planner", STAFF),
    )),
    NavSection("Plan", (
        NavItem("/plan", "Improvement plan", EVERYONE),
        NavItem("/risks", "Risk register", EVERYONE),
        NavItem("/budget", "Budget", EVERYONE),
    )),
    NavSection("CQC assessment", (
        NavItem("/cqc", "Self-assessment and readiness", STAFF),
        NavItem("/cqc/versions", "Self-assessment versions", STAFF),
        NavItem("/cqc/whatif", "Score what-if", STAFF),
        NavItem("/cqc/evidence", "Evidence", STAFF),
        NavItem("/cqc/preparation", "Preparation for assessment", STAFF),
        NavItem("/cqc/case-tracking", "Case tracking and sampling", STAFF),
    )),
    NavSection("Reports", (NavItem("/reports", "Reports", EVERYONE),)),
    NavSection("Data", (NavItem("/data", "Data", DATA_LOADERS),)),
    NavSection("Admin", (
        NavItem("/admin/users", "Users", ADMINS),
        NavItem("/admin/reported-measures", "Reported measures", ADMINS),
        NavItem("/audit", "Audit trail", ADMINS),
    )),
)

# Every page the menus reach, in menu order.
NAVIGATION: tuple[NavItem, ...] = tuple(page for section in SECTIONS for page in section.pages)

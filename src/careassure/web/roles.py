"""Roles and what each may open. One table, read by the route guards, the navigation and the
documentation's matrix, so that what a role sees in the menu is what it is allowed to open.
"""

from __future__ import annotations

ADMIN = "admin"
IMPROVEMENT_MANAGER = "improvement_manager"
WORKSTREAM_LEAD = "workstream_lead"
ANALYST = "analyst"
VIEWER = "viewer"

ROLES: tuple[str, ...] = (ADMIN, IMPROVEMENT_MANAGER, WORKSTREAM_LEAD, ANALYST, VIEWER)

ROLE_NAMES = {
    ADMIN: "Administrator",
    IMPROVEMENT_MANAGER: "Improvement manager",
    WORKSTREAM_LEAD: "Workstream lead",
    ANALYST: "Analyst",
    VIEWER: "Viewer",
}

EVERYONE: frozenset[str] = frozenset(ROLES)
# Staff who work with unpublished figures; the viewer sees only published, suppressed ones.
STAFF: frozenset[str] = frozenset(ROLES) - {VIEWER}
DATA_LOADERS: frozenset[str] = frozenset({ADMIN, ANALYST})
ADMINS: frozenset[str] = frozenset({ADMIN})
# Who may see person-level rows (the pseudonymised records behind a figure): the analysts who
# work with them and the managers who act on them; everyone else sees aggregates only.
PERSON_LEVEL: frozenset[str] = frozenset({ADMIN, IMPROVEMENT_MANAGER, ANALYST})


def sees_unpublished(role: str) -> bool:
    """Whether the role sees exact small numbers (everyone but the viewer)."""
    return role in STAFF

"""An axe-core scan of every page of the demo site: no serious or critical WCAG 2.2 AA
violation on any page an administrator can reach by following links, nor on the pages only
other roles, errors, answered or rejected forms show (the journeys scan the rest: a refused
sign-in, an empty progress update, a measure broken down by team)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_helpers import axe_violations, describe, walk

from careassure.web.routes import NAVIGATION


def test_every_page_an_administrator_can_reach(page_for: Any, site: Any) -> None:
    started = time.monotonic()
    visited = walk(page_for("admin", axe=True), site.url)
    print(f"{len(visited)} pages in {time.monotonic() - started:.1f} s")
    paths = {urlsplit(url).path for url, _, _ in visited}
    for item in NAVIGATION:  # every section of the menu, and pages at every depth of the plan
        assert item.href in paths, f"the walk never reached {item.href}"
    depths = {len(p.strip("/").split("/")) for p in paths if p.startswith("/plan/")}
    assert depths == {2, 3, 4} and any(p.startswith("/measures/") for p in paths), paths
    broken = [(url, status) for url, status, _ in visited if status != 200]
    assert not broken, f"links to pages that fail: {broken}"
    failing = {url: violations for url, _, violations in visited if violations}
    assert not failing, describe(failing)


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (None, "/login", 200),
        ("admin", "/no-such-page", 404),
        ("viewer", "/data", 403),
        ("viewer", "/", 200),
        ("viewer", "/plan/timeliness/care-act-assessment", 200),
        ("viewer", "/plan/timeliness/care-act-assessment/median-wait", 200),
        ("viewer", "/measures/care_act_assessment.waiting?by=team", 200),
        ("viewer", "/compare", 200),
        ("viewer", "/activity", 200),
        ("analyst", "/activity", 200),
        ("analyst", "/planner?queue=care_act_assessment&runs=100", 200),
        ("analyst", "/planner?queue=care_act_assessment&target_median=-1", 400),
        ("analyst", "/planner?queue=ot_assessment&runs=100&permanent_fte=2&outsourced=3"
         "&by=31/03/2027&order=priority", 200),
        ("improvement_manager", "/cqc/preparation", 200),
        ("workstream_lead", "/cqc/preparation", 200),
        ("analyst", "/cqc/case-tracking?size=abc", 400),
        ("workstream_lead", "/my-actions", 200),
        ("viewer", "/risks", 200),
        ("analyst", "/attention", 200),
        ("analyst", "/cqc/versions/compare?first=x&second=1", 400),
        ("workstream_lead", "/cqc/evidence/new", 200),
        ("analyst", "/reported", 200),
        ("analyst", "/reported/reported.regulated_market_good_pct", 200),
        ("workstream_lead", "/reported/reported.peer_audit_participation_pct", 200),
        ("admin", "/admin/reported-measures", 200),
        ("admin", "/admin/reported-measures/reported.fnc_determinations_per_50k", 200),
        ("viewer", "/reported/reported.peer_audit_participation_pct", 403),
    ],
)
def test_pages_only_other_roles_or_errors_show(
    role: str | None, path: str, status: int, page_for: Any
) -> None:
    page = page_for(role, axe=True)
    assert page.goto(path).status == status
    violations = axe_violations(page)
    assert not violations, describe({page.url: violations})

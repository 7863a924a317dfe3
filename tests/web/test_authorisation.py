"""The authorisation matrix: every route of the app, called anonymously and as every role.

The routes are read from the app itself, so a new route without a row in ``MATRIX`` fails
``test_every_route_is_in_the_matrix`` until someone decides who may open it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from careassure.web.app import page_routes
from careassure.web.roles import ADMINS, DATA_LOADERS, EVERYONE, PERSON_LEVEL, ROLES, STAFF
from careassure.web.routes import NAVIGATION
from careassure.web.routes.plan import PLAN_EDITORS, PLAN_MANAGERS
from webhelpers import csrf_token

PUBLIC = "public"  # open to anyone: signing in and out

MATRIX: dict[tuple[str, str], frozenset[str] | str] = {
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/"): EVERYONE,
    ("GET", "/measures"): EVERYONE,
    ("GET", "/measures/{measure_id}"): EVERYONE,
    ("GET", "/measures/{measure_id}/data.csv"): EVERYONE,
    ("GET", "/statuses"): EVERYONE,
    ("GET", "/activity"): EVERYONE,
    ("GET", "/activity.{fmt}"): EVERYONE,
    ("GET", "/compare"): EVERYONE,
    ("GET", "/plan"): EVERYONE,
    ("GET", "/plan/{area_key}"): EVERYONE,
    ("GET", "/plan/{area_key}/{action_key}"): EVERYONE,
    ("GET", "/plan/{area_key}/{action_key}/{outcome_key}"): EVERYONE,
    ("POST", "/plan/{area_key}/{action_key}/progress"): PLAN_EDITORS,
    ("POST", "/plan/{area_key}/{action_key}/status"): PLAN_EDITORS,
    ("POST", "/plan/{area_key}/{action_key}/{outcome_key}/milestone"): PLAN_EDITORS,
    ("POST", "/plan/override"): PLAN_MANAGERS,
    ("POST", "/plan/{area_key}/{action_key}/lead"): PLAN_MANAGERS,
    ("POST", "/plan/{area_key}/{action_key}/{outcome_key}/target"): PLAN_MANAGERS,
    ("GET", "/risks"): EVERYONE,
    ("POST", "/risks"): PLAN_MANAGERS,
    ("GET", "/risks/{risk_key}"): EVERYONE,
    ("POST", "/risks/{risk_key}"): PLAN_MANAGERS,
    ("GET", "/attention"): STAFF,
    ("GET", "/my-actions"): PLAN_EDITORS,
    ("GET", "/data"): DATA_LOADERS,
    ("POST", "/data"): DATA_LOADERS,
    ("GET", "/reported"): STAFF,
    ("GET", "/reported/{measure_id}"): STAFF,
    ("POST", "/reported/{measure_id}"): STAFF,
    ("GET", "/reported-template.{suffix}"): STAFF,
    ("POST", "/reported-import"): STAFF,
    ("GET", "/reported/{measure_id}/evidence/{version_id}"): STAFF,
    ("GET", "/admin/reported-measures"): ADMINS,
    ("POST", "/admin/reported-measures"): ADMINS,
    ("GET", "/admin/reported-measures/{measure_id}"): ADMINS,
    ("POST", "/admin/reported-measures/{measure_id}"): ADMINS,
    ("POST", "/admin/reported-measures/{measure_id}/retire"): ADMINS,
    ("GET", "/planner"): STAFF,
    ("GET", "/cqc"): STAFF,
    ("GET", "/cqc/whatif"): STAFF,
    ("GET", "/cqc/evidence"): STAFF,
    ("GET", "/cqc/evidence/{item_id}/file"): STAFF,
    ("GET", "/cqc/evidence/new"): PLAN_EDITORS,
    ("POST", "/cqc/evidence"): PLAN_EDITORS,
    ("GET", "/cqc/evidence/{item_id}"): STAFF,
    ("POST", "/cqc/evidence/{item_id}"): PLAN_EDITORS,
    ("GET", "/cqc/statements/{statement_id}"): STAFF,
    ("POST", "/cqc/statements/{statement_id}"): PLAN_MANAGERS,
    ("GET", "/cqc/versions"): STAFF,
    ("POST", "/cqc/versions"): PLAN_MANAGERS,
    ("GET", "/cqc/versions/compare"): STAFF,
    ("GET", "/cqc/preparation"): STAFF,
    ("GET", "/cqc/case-tracking"): STAFF,
    ("POST", "/cqc/preparation/assessments"): PLAN_MANAGERS,
    ("POST", "/cqc/preparation/meetings"): PLAN_MANAGERS,
    ("POST", "/cqc/preparation/characteristics"): PLAN_MANAGERS,
    ("POST", "/cqc/preparation/levels"): PLAN_MANAGERS,
    ("GET", "/cqc/preparation/meetings/{meeting_id}/pack"): STAFF,
    ("GET", "/audit"): ADMINS,
    ("GET", "/admin/users"): ADMINS,
    ("POST", "/admin/users"): ADMINS,
    ("POST", "/admin/users/{username}"): ADMINS,
    ("POST", "/admin/passwords"): ADMINS,
    ("POST", "/admin/leads"): ADMINS,
    ("GET", "/account"): EVERYONE,
    ("POST", "/account/password"): EVERYONE,
    ("GET", "/reports"): EVERYONE,
    ("GET", "/reports/committee.{fmt}"): EVERYONE,
    ("GET", "/reports/dhsc-{quarter}.{fmt}"): EVERYONE,
    ("GET", "/reports/self-assessment.{fmt}"): STAFF,
    ("GET", "/budget"): EVERYONE,
    ("POST", "/budget/delivery"): PLAN_MANAGERS,
    ("GET", "/reports/preparation.{fmt}"): STAFF,
    ("GET", "/views"): EVERYONE,
    ("GET", "/measures/{measure_id}/chart.{fmt}"): EVERYONE,
    ("GET", "/measures/{measure_id}/data.xlsx"): EVERYONE,
    ("GET", "/measures/{measure_id}/records"): PERSON_LEVEL,
    ("POST", "/views"): EVERYONE,
    ("POST", "/views/{view_id}/delete"): EVERYONE,
    ("POST", "/reports/paper-text"): PLAN_MANAGERS,
}

# Values for path parameters: real where the page exists (an unknown evidence item is a 404,
# which still shows the guard let the caller through).
PATH_VALUES = {
    "measure_id": "care_act_assessment.waiting",
    "item_id": "1",
    "meeting_id": "1",
    "username": "viewer",
    "area_key": "timeliness",
    "action_key": "care-act-assessment",
    "outcome_key": "median-wait",
    "fmt": "html",
    "quarter": "2025Q4",
    "risk_key": "risk-1",
    "statement_id": "assessing_needs",
    "view_id": "1",
    "version_id": "1",
}


def _url(path: str) -> str:
    for name, value in PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)
    return path


def _call(client: TestClient, method: str, path: str):  # type: ignore[no-untyped-def]
    if method == "GET":
        return client.get(_url(path))
    # An empty form with a valid CSRF token: the guard decides before any field is read.
    return client.post(_url(path), data={"csrftoken": csrf_token(client)})


def test_every_route_is_in_the_matrix(app: FastAPI) -> None:
    routes = set(page_routes(app))
    assert routes - set(MATRIX) == set(), "routes without an authorisation rule"
    assert set(MATRIX) - routes == set(), "rules for routes that no longer exist"


def test_static_assets_are_the_only_mounts(app: FastAPI) -> None:
    mounts = {route.path for route in app.routes if type(route).__name__ == "Mount"}
    assert mounts == {"/assets", "/govuk", "/static"}


def test_authorisation_matrix(client_for: Callable[[str | None], TestClient]) -> None:
    """One app for every identity, so the pages' figures are computed once."""
    failures = []
    for identity in (None, *ROLES):
        client = client_for(identity)
        for (method, path), allowed in MATRIX.items():
            if allowed == PUBLIC:
                continue
            response = _call(client, method, path)
            status = response.status_code
            location = response.headers.get("location", "")
            if identity is None:
                ok = status == 303 and location.startswith("/login?next=")
            elif identity in allowed:
                ok = status not in (401, 403) and not location.startswith("/login")
            else:
                ok = status == 403
            if not ok:
                who = identity or "anonymous"
                failures.append(f"{method} {path} as {who}: {status} {location}")
    assert failures == []


def test_anonymous_is_sent_to_sign_in_with_the_page_it_asked_for(
    client_for: Callable[[str | None], TestClient],
) -> None:
    response = client_for(None).get("/measures/care_act_assessment.waiting?by=team")
    assert response.status_code == 303
    assert response.headers["location"] == (
        "/login?next=/measures/care_act_assessment.waiting%3Fby%3Dteam"
    )


def test_forbidden_page_is_the_govuk_403_page(
    client_for: Callable[[str | None], TestClient],
) -> None:
    response = client_for("viewer").get("/audit")
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.text
    assert 'class="govuk-heading-l"' in response.text


def _links(html: str, nav: str) -> list[tuple[str, str | None]]:
    """(href, aria-current) of each link in the page's ``nav`` (the main menu or a section's)."""
    found = re.search(nav + r".*?</nav>", html, re.S)
    return re.findall(r'<a[^>]*href="([^"]+)"(?:[^>]*aria-current="([^"]+)")?', found.group(0)) \
        if found else []


MAIN_MENU = r'aria-label="Main menu"'
SECTION_NAV = r'<nav class="ca-section-nav"'


@pytest.mark.parametrize("role", ROLES)
def test_navigation_reaches_every_page_the_role_may_open_in_two_clicks(
    client_for: Callable[[str | None], TestClient], role: str,
) -> None:
    """From any page, the main menu, then the section's navigation, reach every menu page the
    role may open, and nothing else."""
    client = client_for(role)
    menu = [href for href, _ in _links(client.get("/account").text, MAIN_MENU)]
    assert len(menu) <= 7
    reached = set(menu)
    for href in menu:
        reached |= {link for link, _ in _links(client.get(href).text, SECTION_NAV)}
    assert reached == {page.href for page in NAVIGATION if role in page.roles}


def test_the_current_section_and_page_are_marked(
    client_for: Callable[[str | None], TestClient],
) -> None:
    risk_register = client_for("viewer").get("/risks").text
    assert ("/plan", "true") in _links(risk_register, MAIN_MENU)
    assert ("/risks", "page") in _links(risk_register, SECTION_NAV)
    assert ("/plan", "") in _links(risk_register, SECTION_NAV)
    plan = client_for("viewer").get("/plan").text
    assert ("/plan", "page") in _links(plan, MAIN_MENU)
    evidence = client_for("improvement_manager").get("/cqc/evidence/new").text
    assert ("/cqc", "true") in _links(evidence, MAIN_MENU)
    assert ("/cqc/evidence", "true") in _links(evidence, SECTION_NAV)
    assert not _links(client_for("viewer").get("/reports").text, SECTION_NAV)  # a one-page section

"""The plan pages of the web app: every role reads them, the viewer sees published figures only,
a workstream lead updates only the actions they own, overrides need a reason, forms need CSRF."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from careassure.appdb import transaction
from careassure.plan.model import (
    ActionSpec,
    AreaSpec,
    MeasuredTarget,
    Milestone,
    OutcomeSpec,
    PlanSpec,
)
from careassure.plan.service import import_plan, load_plan
from careassure.web.accounts import DEMO_USERS, seed_demo_users
from webhelpers import clients_by_role, csrf_token, signed_in

PASSWORD = "correct horse battery"
USERS = {role: username for username, role in DEMO_USERS}
OWNED = "/plan/timeliness/care-act"
OTHER = "/plan/timeliness/waiting-well"

PLAN = PlanSpec(
    "test", "Test improvement plan", "Test council", date(2025, 1, 1),
    (
        AreaSpec("timeliness", "Timeliness", (
            ActionSpec(
                key="care-act", title="Care Act assessments", delivery_month=date(2025, 6, 1),
                owner="Head of Service", owner_account=USERS["workstream_lead"],
                status="in_progress",
                outcomes=(
                    OutcomeSpec("waiting", "No more than 2 waiting", measured=MeasuredTarget(
                        "care_act_assessment.waiting", "<=", 2, date(2025, 1, 5))),
                ),
            ),
            ActionSpec(
                key="waiting-well", title="Waiting Well", delivery_month=date(2025, 3, 1),
                status="not_started",
                outcomes=(OutcomeSpec("audit", "Audit complete", milestone=Milestone()),),
            ),
        )),
    ),
)


@pytest.fixture
def app(migrated_url: str, store: Path, tmp_path: Path) -> Iterator[FastAPI]:
    from careassure.web import create_app

    app = create_app(store_path=store, database_url=migrated_url, secret_key="plan-secret-" * 4,
                     secure_cookies=False, evidence_dir=tmp_path / "evidence")
    seed_demo_users(app.state.engine, PASSWORD)
    with transaction(app.state.engine) as session:
        import_plan(session, PLAN, "tester")
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client_for(app: FastAPI) -> Iterator[Callable[[str | None], TestClient]]:
    yield from clients_by_role(app, USERS, PASSWORD)


def _post(client: TestClient, url: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrftoken": csrf_token(client), **fields})


@pytest.mark.parametrize("role", list(USERS))
def test_every_role_reads_the_plan_with_its_reasons(client_for, role: str) -> None:
    client = client_for(role)
    index = client.get("/plan")
    assert index.status_code == 200
    assert "Test improvement plan" in index.text
    assert 'href="/plan/timeliness/care-act"' in index.text
    # Waiting Well was due in March 2025; the store's data run to 15/02/2025.
    assert "Not started; due March 2025" in client.get("/plan/timeliness").text
    assert client.get(OWNED).status_code == 200
    outcome = client.get(f"{OWNED}/waiting")
    assert outcome.status_code == 200
    assert "against a target of at most 2" in outcome.text
    assert client.get("/plan/timeliness/nowhere").status_code == 404


def test_the_viewer_sees_published_figures_and_no_history(client_for) -> None:
    staff = client_for("analyst").get(f"{OWNED}/waiting").text
    viewer = client_for("viewer").get(f"{OWNED}/waiting").text
    assert "3 on 15/02/2025 against a target of at most 2" in staff
    assert "* on 15/02/2025 against a target of at most 2" in viewer
    assert "3 on 15/02/2025" not in viewer
    assert ">History<" in staff and ">History<" not in viewer


def test_a_workstream_lead_updates_only_the_actions_they_own(client_for, app: FastAPI) -> None:
    lead = client_for("workstream_lead")
    page = lead.get(OWNED).text
    assert "Add a progress update" in page
    assert "Care Act assessments: number waiting: 3 on 15/02/2025" in page  # pre-filled facts
    assert "Add a progress update" not in lead.get(OTHER).text
    added = _post(lead, f"{OWNED}/progress", narrative="Two assessors started this week.")
    assert added.status_code == 303
    assert added.headers["location"] == f"{OWNED}?changed=progress#progress"
    assert _post(lead, f"{OTHER}/progress", narrative="Not mine").status_code == 403
    with transaction(app.state.engine) as session:
        update = load_plan(session).areas[0].actions[0].progress[-1]
    assert (update.narrative, update.author) == ("Two assessors started this week.", "lead")
    assert update.facts[0]["measure"] == "care_act_assessment.waiting"
    after = lead.get(OWNED).text
    assert "Your progress update was added." not in after  # only after the redirect's query
    assert "Two assessors started this week." in after


def test_a_lead_is_told_why_another_leads_action_has_no_update_form(client_for) -> None:
    note = ("Only the action's owner{}, the improvement manager or an administrator can add "
            "progress updates to this action.")
    lead = client_for("workstream_lead")
    assert note.format("") in lead.get(OTHER).text  # Waiting Well records no owner
    assert "Only the action" not in lead.get(OWNED).text  # their own: the form instead
    assert "Only the action" not in client_for("improvement_manager").get(OTHER).text


def test_the_plan_page_opens_with_its_areas_counted_in_plain_english(client_for) -> None:
    page = client_for("viewer").get("/plan").text
    summary = re.search(r'<p class="govuk-body" id="plan-summary">(.*?)</p>', page, re.S)
    assert summary, page
    text = re.sub(r"<[^>]+>", "", summary.group(1))
    assert " ".join(text.split()) == (
        "Across the plan: 1 area not started, so the plan as a whole is Not started "
        "(what this status means)")
    assert 'href="/statuses#not_started"' in summary.group(1)
    assert "Overall:" not in page


def test_the_outcome_chart_labels_its_unit(client_for) -> None:
    page = client_for("analyst").get(f"{OWNED}/waiting").text
    svg = page[page.index('<svg class="ca-chart"'):page.index("</svg>")]
    assert ">number</text>" in svg  # drawn at the top of the vertical axis
    assert "Vertical axis: number.</desc>" in svg  # and read out with the description


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_read_only_roles_cannot_update_or_override(client_for, role: str) -> None:
    client = client_for(role)
    assert "Add a progress update" not in client.get(OWNED).text
    assert _post(client, f"{OWNED}/progress", narrative="x").status_code == 403
    assert _post(client, f"{OWNED}/status", status="complete").status_code == 403
    assert _post(client, f"{OTHER}/audit/milestone", done="yes").status_code == 403
    response = _post(client, "/plan/override", item="timeliness", status="met", reason="x")
    assert response.status_code == 403


def test_action_status_and_milestones_follow_the_same_ownership(client_for) -> None:
    lead, manager = client_for("workstream_lead"), client_for("improvement_manager")
    assert _post(lead, f"{OTHER}/status", status="in_progress").status_code == 403
    assert _post(lead, f"{OTHER}/audit/milestone", done="yes").status_code == 403
    assert _post(lead, f"{OWNED}/status", status="complete").status_code == 303
    assert "How far the action has got was saved." in lead.get(f"{OWNED}?changed=status").text
    refused = _post(manager, f"{OTHER}/audit/milestone", done="yes", evidence="ftp://x")
    assert refused.status_code == 400
    assert "Evidence link &#39;ftp://x&#39; must be an http:// or https:// address" in refused.text
    assert _post(manager, f"{OTHER}/audit/milestone", done="maybe").status_code == 400
    done = _post(manager, f"{OTHER}/audit/milestone", done="yes",
                 evidence="https://example.org/audit")
    assert done.status_code == 303
    page = manager.get(f"{OTHER}/audit").text
    assert "Done on " in page and "https://example.org/audit" in page
    # A measured outcome is met by its measure, never marked done.
    assert _post(manager, f"{OWNED}/waiting/milestone", done="yes").status_code == 404


def test_a_manager_updates_any_action_and_an_empty_update_is_refused(client_for) -> None:
    manager = client_for("improvement_manager")
    refused = _post(manager, f"{OTHER}/progress", narrative="   ")
    assert refused.status_code == 400
    assert "Enter what has happened since the last update" in refused.text
    assert _post(manager, f"{OTHER}/progress", narrative="Audit started.").status_code == 303


def test_an_override_needs_a_reason_and_shows_it(client_for) -> None:
    manager = client_for("improvement_manager")
    refused = _post(manager, "/plan/override", item="timeliness/care-act", status="met",
                    reason=" ")
    assert refused.status_code == 400
    assert "Enter the reason for the override" in refused.text
    done = _post(manager, "/plan/override", item="timeliness/care-act", status="met",
                 reason="Recruitment complete; figures lag by a month")
    assert done.status_code == 303
    page = manager.get(OWNED).text
    assert "Overridden to met by manager on " in page
    assert "Recruitment complete; figures lag by a month" in page
    assert "RAG set to met by override: Recruitment complete" in page  # in the history
    assert _post(client_for("workstream_lead"), "/plan/override", item="timeliness/care-act",
                 status="met", reason="mine").status_code == 403
    cleared = _post(manager, "/plan/override", item="timeliness/care-act", clear="yes")
    assert cleared.status_code == 303
    assert "Overridden to met" not in manager.get(OWNED).text


def test_forms_without_the_csrf_token_are_refused(client_for) -> None:
    manager = client_for("improvement_manager")
    response = manager.post(f"{OWNED}/progress", data={"narrative": "no token"})
    assert response.status_code == 403
    assert "This form could not be accepted" in response.text


def test_without_a_plan_the_page_says_how_to_import_one(migrated_url: str, store: Path,
                                                        tmp_path: Path) -> None:
    from careassure.web import create_app

    app = create_app(store_path=store, database_url=migrated_url, secret_key="plan-secret-" * 4,
                     secure_cookies=False, evidence_dir=tmp_path / "evidence")
    seed_demo_users(app.state.engine, PASSWORD)
    with TestClient(app, follow_redirects=False) as client:
        signed_in(client, "viewer", PASSWORD)
        page = client.get("/plan")
        assert page.status_code == 200
        assert "No improvement plan has been imported yet" in page.text
        assert client.get("/plan/timeliness").status_code == 404
        with transaction(app.state.engine) as session:
            import_plan(session, PLAN, "tester")
            import_plan(session, replace(PLAN, key="second"), "tester")
        page = client.get("/plan")
        assert "2 plans are stored (second, test)" in page.text
        assert "careassure plan remove KEY" in page.text
    app.state.engine.dispose()


def test_the_overview_shows_each_area_with_its_status_and_reason(client_for) -> None:
    page = client_for("viewer").get("/")
    assert page.status_code == 200
    assert "Improvement areas: status and why" in page.text
    assert 'href="/plan/timeliness"' in page.text
    row = re.search(r'href="/plan/timeliness">Timeliness</a></th>\s*<td[^>]*>(.*?)</td>\s*'
                    r'<td[^>]*>(.*?)</td>', page.text, re.S)
    assert row, page.text
    # The area takes its worst action: Waiting Well, not started and due March 2025 (the data
    # run to 15/02/2025, so it is not started rather than overdue).
    assert "Not started" in row.group(1)
    assert row.group(2) == "2 actions: 1 not started, 1 improving (worst: Waiting Well)"

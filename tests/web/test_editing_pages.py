"""Editing in the app, by role: the risk register, action leads and due months, outcome targets,
evidence (link and upload), the self-assessment's statements and versions, "needs attention" and
"my actions". Every form names the field at fault in a GOV.UK error summary, refuses a post
without its CSRF token, and makes its change in one transaction with an audit row."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from careassure.appdb import AuditEntry, transaction
from careassure.plan.model import (
    ActionSpec,
    AreaSpec,
    MeasuredTarget,
    Milestone,
    OutcomeSpec,
    PlanSpec,
    RiskSpec,
)
from careassure.plan.service import import_plan, load_plan
from webhelpers import csrf_token

OWNED = "timeliness/care-act"
PLAN = PlanSpec(
    "test", "Test improvement plan", "Test council", date(2025, 1, 1),
    (
        AreaSpec("timeliness", "Timeliness", (
            ActionSpec(
                key="care-act", title="Care Act assessments", delivery_month=date(2025, 6, 1),
                owner="Head of Service", owner_account="lead", status="in_progress",
                outcomes=(
                    OutcomeSpec("waiting", "No more than 2 waiting", measured=MeasuredTarget(
                        "care_act_assessment.waiting", "<=", 2)),
                ),
            ),
            ActionSpec(
                key="waiting-well", title="Waiting Well", delivery_month=date(2027, 3, 1),
                outcomes=(OutcomeSpec("audit", "Audit complete", milestone=Milestone()),),
            ),
        )),
    ),
    risks=(RiskSpec("staffing", "Vacancies slow assessments", 4, 4, "Agency cover"),),
)


@pytest.fixture
def planned(app: FastAPI) -> FastAPI:
    with transaction(app.state.engine) as session:
        import_plan(session, PLAN, "tester")
    return app


def _post(client: TestClient, url: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrftoken": csrf_token(client), **fields})


def _summary_links(html: str) -> list[str]:
    """The fields the error summary links to, in order."""
    summary = html.split('class="govuk-error-summary', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="#([^"]+)"', summary)


def _audit(app: FastAPI, entity_type: str) -> list[AuditEntry]:
    with transaction(app.state.engine) as session:
        return list(session.query(AuditEntry).filter_by(entity_type=entity_type)
                    .order_by(AuditEntry.id))


Clients = Callable[[str | None], TestClient]


def test_a_manager_adds_rescores_and_closes_a_risk(planned: FastAPI, client_for: Clients) -> None:
    manager = client_for("improvement_manager")
    empty = _post(manager, "/risks")
    assert empty.status_code == 400
    assert _summary_links(empty.text) == ["description", "likelihood", "impact", "mitigation"]
    assert 'id="likelihood-error"' in empty.text  # the message is beside the field too
    added = _post(manager, "/risks", description="Winter pressures", likelihood="3",
                  impact="5", mitigation="Surge plan", owner="Head of Service")
    assert added.status_code == 303 and added.headers["location"] == "/risks/risk-2?changed=added"
    register = manager.get("/risks").text
    # open risks, highest score first: staffing (16) before winter (15)
    assert register.index("Vacancies slow assessments") < register.index("Winter pressures")
    bad = _post(manager, "/risks/risk-2", description="Winter pressures", likelihood="9",
                impact="5", mitigation="Surge plan", status="open")
    assert bad.status_code == 400 and _summary_links(bad.text) == ["likelihood"]
    closed = _post(manager, "/risks/risk-2", description="Winter pressures", likelihood="2",
                   impact="5", mitigation="Surge plan and extra beds", status="closed")
    assert closed.status_code == 303
    with transaction(planned.state.engine) as session:
        risk = next(r for r in load_plan(session).risks if r.key == "risk-2")
    assert (risk.likelihood, risk.mitigation, risk.status) == (2, "Surge plan and extra beds",
                                                               "closed")
    changes = _audit(planned, "plan_risk")
    assert [c.action for c in changes][-2:] == ["create", "update"]
    assert changes[-1].before["status"] == "open" and changes[-1].after["status"] == "closed"


def test_risks_are_read_by_everyone_and_changed_by_managers_only(
    planned: FastAPI, client_for: Clients
) -> None:
    viewer = client_for("viewer")
    page = viewer.get("/risks")
    assert page.status_code == 200 and "Vacancies slow assessments" in page.text
    assert "Add a risk" not in page.text and "Re-score" not in viewer.get("/risks/staffing").text
    lead = client_for("workstream_lead")
    assert _post(lead, "/risks/staffing", description="x", likelihood="1", impact="1",
                 mitigation="y", status="closed").status_code == 403
    assert client_for("improvement_manager").get("/risks/nothing").status_code == 404


def test_a_form_without_its_csrf_token_changes_nothing(
    planned: FastAPI, client_for: Clients
) -> None:
    manager = client_for("improvement_manager")
    response = manager.post("/risks", data={"description": "x", "likelihood": "1",
                                            "impact": "1", "mitigation": "y"})
    assert response.status_code == 403 and "This form could not be accepted" in response.text
    assert _audit(planned, "plan_risk")[-1].actor == "tester"  # only the import's rows


def test_an_administrator_assigns_a_lead_from_the_users_page(
    planned: FastAPI, client_for: Clients
) -> None:
    admin = client_for("admin")
    page = admin.get("/admin/users").text
    assert "Workstream leads" in page and "Waiting Well" in page
    refused = _post(admin, "/admin/leads", action="timeliness/waiting-well", account="viewer")
    assert refused.status_code == 400 and _summary_links(refused.text) == ["lead-account"]
    nowhere = _post(admin, "/admin/leads", action="timeliness/nothing", account="lead")
    assert _summary_links(nowhere.text) == ["lead-action"]
    done = _post(admin, "/admin/leads", action="timeliness/waiting-well", account="lead")
    assert done.status_code == 303
    with transaction(planned.state.engine) as session:
        action = load_plan(session).areas[0].actions[1]
    assert action.owner_account == "lead"
    mine = client_for("workstream_lead").get("/my-actions").text
    assert "Waiting Well" in mine and "Care Act assessments" in mine
    assert _post(client_for("improvement_manager"), "/admin/leads", action="x",
                 account="y").status_code == 403


def test_a_manager_changes_an_actions_owner_lead_and_due_month(
    planned: FastAPI, client_for: Clients
) -> None:
    manager = client_for("improvement_manager")
    page = manager.get(f"/plan/{OWNED}").text
    assert "Change the owner, lead or due month" in page and 'value="06/2025"' in page
    bad = _post(manager, f"/plan/{OWNED}/lead", owner="Head of Service", owner_account="ghost",
                due="13/2026")
    assert bad.status_code == 400 and _summary_links(bad.text) == ["owner-account", "due"]
    good = _post(manager, f"/plan/{OWNED}/lead", owner="Principal Social Worker",
                 owner_account="", due="09/2026")
    assert good.status_code == 303
    with transaction(planned.state.engine) as session:
        action = load_plan(session).areas[0].actions[0]
    assert (action.owner, action.owner_account, action.delivery_month) == (
        "Principal Social Worker", None, date(2026, 9, 1))
    (change,) = [e for e in _audit(planned, "plan_action") if e.action == "update"]
    assert change.before["delivery_month"] == "2025-06-01"
    assert change.after["delivery_month"] == "2026-09-01"
    lead = client_for("workstream_lead")
    assert "Change the owner" not in lead.get("/plan/timeliness/waiting-well").text
    assert _post(lead, f"/plan/{OWNED}/lead", owner="x", due="01/2027").status_code == 403


def test_a_manager_changes_an_outcomes_target(planned: FastAPI, client_for: Clients) -> None:
    manager = client_for("improvement_manager")
    url = f"/plan/{OWNED}/waiting/target"
    bad = _post(manager, url, comparator="=", target="lots", baseline="31/02/2025")
    assert bad.status_code == 400
    assert _summary_links(bad.text) == ["comparator", "target", "baseline"]
    assert _post(manager, url, comparator="<=", target="nan").status_code == 400
    good = _post(manager, url, comparator="<=", target="5", baseline="01/04/2025")
    assert good.status_code == 303
    outcome = manager.get(f"/plan/{OWNED}/waiting").text
    assert "against a target of at most 5" in outcome
    with transaction(planned.state.engine) as session:
        measured = load_plan(session).areas[0].actions[0].outcomes[0].measured
    assert measured is not None and (measured.target, measured.baseline_on) == (
        5.0, date(2025, 4, 1))
    assert _post(client_for("workstream_lead"), url, comparator="<=",
                 target="1").status_code == 403
    assert _post(manager, "/plan/timeliness/waiting-well/audit/target", comparator="<=",
                 target="1").status_code == 404  # a milestone has no target


def _evidence_form(**fields: object) -> dict[str, object]:
    form: dict[str, object] = {
        "title": "Carers' survey 2025", "owner": "Quality team", "category": "peoples_experience",
        "statements": ["assessing_needs", "equity"], "characteristics": ["flow_and_access"],
        "evidence-date": "01/10/2025", "review-by": "01/10/2026", "kind": "link",
        "link": "https://council.example/survey",
    }
    return form | fields


def _post_evidence(client: TestClient, url: str = "/cqc/evidence",
                   files: dict[str, object] | None = None, **fields: object):  # type: ignore[no-untyped-def]
    data = {"csrftoken": csrf_token(client), **_evidence_form(**fields)}
    # multipart even with no file, as the browser sends this form
    return client.post(url, data=data, files=files or {"document": ("", b"", "text/plain")})


def test_a_lead_adds_evidence_by_link_and_by_upload(app: FastAPI, client_for: Clients) -> None:
    lead = client_for("workstream_lead")
    assert "Add evidence" in lead.get("/cqc/evidence").text
    added = _post_evidence(lead)
    assert added.status_code == 303 and added.headers["location"] == "/cqc/evidence/1?changed=added"
    item = lead.get("/cqc/evidence/1").text
    assert "QS1 Assessing needs" in item and "a) Flow and access" in item
    uploaded = _post_evidence(lead, kind="document", link="", title="Waiting well audit",
                              files={"document": ("audit.txt", b"Audit of waiting well\n",
                                                  "text/plain")})
    assert uploaded.status_code == 303
    download = lead.get("/cqc/evidence/2/file")
    assert download.status_code == 200 and download.content == b"Audit of waiting well\n"
    assert [e.action for e in _audit(app, "evidence_item")] == ["create", "create"]


def test_evidence_forms_name_the_field_at_fault(app: FastAPI, client_for: Clients) -> None:
    lead = client_for("workstream_lead")
    missing = _post_evidence(lead, title="", statements=[], **{"evidence-date": "32/01/2025"})
    assert missing.status_code == 400
    assert _summary_links(missing.text) == ["title", "statements", "evidence-date"]
    no_file = _post_evidence(lead, kind="document", link="")
    assert _summary_links(no_file.text) == ["document"]
    disguised = _post_evidence(lead, kind="document", link="", files={
        "document": ("report.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")})
    assert disguised.status_code == 400 and _summary_links(disguised.text) == ["document"]
    assert "report.pdf: named .pdf but the content" in disguised.text
    bad_link = _post_evidence(lead, link="javascript:alert(1)")
    assert _summary_links(bad_link.text) == ["link"]
    early = _post_evidence(lead, **{"review-by": "01/01/2020"})
    assert _summary_links(early.text) == ["review-by"]
    assert _audit(app, "evidence_item") == []  # nothing refused was kept


def test_evidence_is_retagged_and_its_review_date_moved(app: FastAPI, client_for: Clients) -> None:
    lead = client_for("workstream_lead")
    _post_evidence(lead)
    changed = lead.post("/cqc/evidence/1", data={
        "csrftoken": csrf_token(lead), **_evidence_form(statements=["safeguarding"],
                                                        characteristics=[],
                                                        **{"review-by": "01/03/2027"})})
    assert changed.status_code == 303
    page = lead.get("/cqc/evidence/1").text
    assert "01/03/2027" in page and "QS7 Safeguarding" in page
    update = _audit(app, "evidence_item")[-1]
    assert update.before["statements"] == ["assessing_needs", "equity"]
    assert update.after["statements"] == ["safeguarding"]
    analyst = client_for("analyst")
    assert analyst.get("/cqc/evidence/1").status_code == 200
    assert "Save the evidence" not in analyst.get("/cqc/evidence/1").text
    assert _post_evidence(analyst).status_code == 403
    assert client_for("viewer").get("/cqc/evidence/1").status_code == 403


def test_a_manager_scores_a_statement_records_versions_and_compares_them(
    app: FastAPI, client_for: Clients
) -> None:
    manager = client_for("improvement_manager")
    url = "/cqc/statements/assessing_needs"
    bad = _post(manager, url, score="7", strengths="", areas="")
    assert bad.status_code == 400 and _summary_links(bad.text) == ["score"]
    saved = _post(manager, url, score="2", strengths="Waits falling\n\nNew triage",
                  areas="Backlog in the North")
    assert saved.status_code == 303
    page = manager.get(url).text
    assert "Score: <strong>2 (Evidence shows some shortfalls)</strong>" in page
    assert "<li>New triage</li>" in page
    assert _post(manager, "/cqc/versions", label="").status_code == 400
    assert _post(manager, "/cqc/versions", label="Third update since March 2023"
                 ).headers["location"] == "/cqc/versions?changed=1"
    again = _post(manager, "/cqc/versions", label="Nothing new")
    assert again.status_code == 400 and "Nothing has changed since version 1" in again.text
    _post(manager, url, score="3", strengths="Waits falling", areas="")
    _post(manager, "/cqc/versions", label="Fourth update since March 2023")
    versions = manager.get("/cqc/versions").text
    assert "Fourth update since March 2023" in versions
    assert 'href="/cqc/versions/compare?first=1&amp;second=2"' in versions
    compared = manager.get("/cqc/versions/compare?first=1&second=2")
    assert compared.status_code == 200
    assert compared.text.count("govuk-tag--blue") == 1  # one statement changed
    same = manager.get("/cqc/versions/compare?first=2&second=2")
    assert same.status_code == 400 and _summary_links(same.text) == ["second"]
    assert [e.action for e in _audit(app, "self_assessment_statement")] == ["create", "update"]
    analyst = client_for("analyst")
    assert analyst.get("/cqc/versions/compare?first=1&second=2").status_code == 200
    assert _post(analyst, url, score="4").status_code == 403
    assert _post(client_for("workstream_lead"), "/cqc/versions", label="x").status_code == 403


def test_needs_attention_and_my_actions_list_what_is_late(
    planned: FastAPI, client_for: Clients
) -> None:
    analyst = client_for("analyst")
    page = analyst.get("/attention").text
    # Care Act assessments were due by 30/06/2025 and are still in progress
    assert "Actions past their due date (1)" in page
    assert 'href="/plan/timeliness/care-act">Care Act assessments</a>' in page
    assert "due by 30/06/2025, in progress; lead lead" in page
    mine = client_for("workstream_lead").get("/my-actions").text
    assert "Care Act assessments" in mine and "Waiting Well" not in mine
    assert "Needs your attention" in mine
    nothing = client_for("improvement_manager").get("/my-actions").text
    assert "You lead no actions of the plan" in nothing
    assert client_for("analyst").get("/my-actions").status_code == 403
    assert client_for("viewer").get("/attention").status_code == 403


def test_a_manager_links_an_outcome_to_a_measure_declared_on_the_admin_page(
        planned: FastAPI, client_for: Clients) -> None:
    manager = client_for("improvement_manager")
    url = f"/plan/{OWNED}/waiting/target"
    unknown = _post(manager, url, measure="reported.not_declared", comparator=">=", target="50")
    assert unknown.status_code == 400 and _summary_links(unknown.text) == ["measure"]
    declared = _post(client_for("admin"), "/admin/reported-measures", **{
        "measure_id": "carers_groups_attended", "title": "Carers attending support groups",
        "definition": "Carers who attended a commissioned support group in the quarter.",
        "unit": "count", "direction": "higher", "frequency": "quarterly",
        "owner_role": "analyst", "owner": "Carers' team", "source": "Provider return",
        "minimum": "0", "maximum": "5000", "first_period": "30/06/2025", "due_days": "30"})
    assert declared.status_code == 303
    assert 'value="reported.carers_groups_attended"' in manager.get(f"/plan/{OWNED}/waiting").text
    linked = _post(manager, url, measure="reported.carers_groups_attended", comparator=">=",
                   target="50")
    assert linked.status_code == 303
    with transaction(planned.state.engine) as session:
        measured = load_plan(session).areas[0].actions[0].outcomes[0].measured
    assert measured is not None and (measured.measure_id, measured.target) == (
        "reported.carers_groups_attended", 50.0)
    assert "Carers attending support groups" in manager.get(f"/plan/{OWNED}/waiting").text

"""The admin page for reported measures and the evidence file on a reported value: a measure
declared on the page is in the catalogue, the measures list and the entry form at once; every
field is checked with an error summary naming it; a measure from the council's file is shown,
not edited; an evidence file is checked by content, listed in the history, downloaded only by
staff, and each download is on the audit trail."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from careassure.appdb import AuditEntry, transaction
from careassure.measures.reported import app_declared, period_end_of
from careassure.reported.declarations import versions
from careassure.reported.service import entries
from webhelpers import csrf_token

Clients = Callable[[str | None], TestClient]
NEW = "reported.carers_groups_attended"
FNC = "reported.fnc_determinations_per_50k"  # declared in the shipped file
RATINGS = "reported.regulated_market_good_pct"  # owned by analysts
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def declaration(**changes: str) -> dict[str, str]:
    return {
        "measure_id": "carers_groups_attended", "title": "Carers attending support groups",
        "definition": "Carers who attended a commissioned support group in the quarter.",
        "unit": "count", "direction": "higher", "frequency": "quarterly",
        "owner_role": "analyst", "owner": "Carers' commissioning team",
        "source": "Carers' support provider quarterly return", "minimum": "0",
        "maximum": "5000", "first_period": "30/06/2025", "due_days": "30",
    } | changes


def post(client: TestClient, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrftoken": csrf_token(client)} | data)


def a_past_quarter(app: FastAPI) -> date:
    extract = app.state.figures.info().extract_date
    return period_end_of("quarterly", date(extract.year - 1, 2, 1))


def test_a_measure_declared_on_the_page_is_usable_at_once(app: FastAPI,
                                                          client_for: Clients) -> None:
    admin = client_for("admin")
    response = post(admin, "/admin/reported-measures", declaration())
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/reported-measures?declared={NEW}"
    assert "was declared" in admin.get(response.headers["location"]).text
    analyst = client_for("analyst")
    assert "Carers attending support groups" in analyst.get("/measures").text
    page = analyst.get(f"/reported/{NEW}")
    assert page.status_code == 200 and 'action="/reported/' + NEW + '"' in page.text
    period = a_past_quarter(app)
    entered = post(analyst, f"/reported/{NEW}", {"period": period.isoformat(), "value": "212"})
    assert entered.status_code == 303
    assert "212" in analyst.get(f"/measures/{NEW}").text
    with transaction(app.state.engine) as session:
        rows = session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "reported_declaration")).all()
    assert [(r.actor, r.action) for r in rows] == [("admin", "create")]


def test_every_missing_field_is_named_in_the_error_summary(client_for: Clients) -> None:
    response = post(client_for("admin"), "/admin/reported-measures",
                    {name: "" for name in declaration()})
    assert response.status_code == 400 and "There is a problem" in response.text
    for field in ("measure_id", "title", "definition", "unit", "frequency", "owner_role",
                  "owner", "source", "minimum", "maximum", "first_period"):
        assert f'href="#{field}"' in response.text, field
    assert "Enter the measure&#39;s id" in response.text


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"measure_id": "Carers Groups"}, "measure_id", "Id must be lower case"),
    ({"measure_id": "fnc_determinations_per_50k"}, "measure_id", "declared in the council"),
    ({"minimum": "ten"}, "minimum", "Enter the minimum as a number"),
    ({"maximum": "-1"}, "maximum", "Minimum and maximum must be numbers, minimum below"),
    ({"first_period": "31/05/2025"}, "first_period", "last day of a quarterly period"),
    ({"first_period": "tomorrow"}, "first_period", "as day, month and year"),
    ({"due_days": "lots"}, "due_days", "a whole number from 0 to 366"),
    ({"definition": "No full stop"}, "definition", "Definition must be a sentence"),
])
def test_a_bad_field_is_named_in_the_error_summary(
        app: FastAPI, client_for: Clients, changes: dict[str, str], field: str,
        message: str) -> None:
    response = post(client_for("admin"), "/admin/reported-measures", declaration(**changes))
    assert response.status_code == 400
    assert f'href="#{field}"' in response.text and message in response.text
    with transaction(app.state.engine) as session:
        assert session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "reported_declaration")).all() == []


def test_an_edit_is_versioned_and_a_measure_can_be_retired(app: FastAPI,
                                                           client_for: Clients) -> None:
    admin = client_for("admin")
    assert post(admin, "/admin/reported-measures", declaration()).status_code == 303
    edited = declaration(owner="Carers' team", version="1")
    del edited["measure_id"]
    response = post(admin, f"/admin/reported-measures/{NEW}", edited)
    assert response.status_code == 303 and response.headers["location"].endswith("=saved")
    page = admin.get(f"/admin/reported-measures/{NEW}").text
    assert "Carers&#39; team" in page and "Versions" in page
    assert page.count('<input type="hidden" name="version" value="2">') == 2  # edit, retire
    bad = post(admin, f"/admin/reported-measures/{NEW}", edited | {"unit": "", "version": "2"})
    assert bad.status_code == 400 and 'href="#unit"' in bad.text
    # The shared select field names its error to assistive technology, as govukSelect does.
    assert 'class="govuk-select govuk-select--error" id="unit" name="unit" ' \
        'aria-describedby="unit-hint unit-error"' in bad.text
    retired = post(admin, f"/admin/reported-measures/{NEW}/retire",
                   {"retired": "yes", "version": "2"})
    assert retired.status_code == 303
    analyst = client_for("analyst")
    assert 'action="/reported/' + NEW + '"' not in analyst.get(f"/reported/{NEW}").text
    refused = post(analyst, f"/reported/{NEW}", {"period": a_past_quarter(app).isoformat(),
                                                  "value": "5"})
    assert refused.status_code == 403


def test_a_save_against_an_older_version_shows_the_current_one(app: FastAPI,
                                                               client_for: Clients) -> None:
    """Two administrators open the same declaration; the second to save gets the first's
    version back (409), with what changed and who changed it, and overwrites nothing."""
    admin = client_for("admin")
    assert post(admin, "/admin/reported-measures", declaration()).status_code == 303
    opened = declaration(version="1")
    del opened["measure_id"]
    first = post(admin, f"/admin/reported-measures/{NEW}", opened | {"owner": "Carers' team"})
    assert first.status_code == 303
    second = post(admin, f"/admin/reported-measures/{NEW}", opened | {"maximum": "6000"})
    assert second.status_code == 409
    assert "There is a problem" in second.text and 'href="#declaration"' in second.text
    assert "changed by someone else since you opened it: admin saved version 2" in second.text
    assert 'value="Carers&#39; team"' in second.text and 'value="5000"' in second.text
    assert '<input type="hidden" name="version" value="2">' in second.text
    stale_retire = post(admin, f"/admin/reported-measures/{NEW}/retire",
                        {"retired": "yes", "version": "1"})
    assert stale_retire.status_code == 409
    no_version = post(admin, f"/admin/reported-measures/{NEW}", {
        k: v for k, v in opened.items() if k != "version"})
    assert no_version.status_code == 409
    with transaction(app.state.engine) as session:
        rows = session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "reported_declaration")).all()
    assert [r.action for r in rows] == ["create", "update"]
    assert [(m.owner, m.maximum, m.retired) for m in app_declared()] == [
        ("Carers' team", 5000, False)]


def test_two_saves_of_the_same_version_at_once_give_one_version_and_one_409(
        app: FastAPI, client_for: Clients, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both saves pass the version check before either writes (a barrier holds them there);
    the database's unique version lets one in, and the other is told, never a server error."""
    from careassure.reported import declarations

    first_admin, second_admin = client_for("admin"), client_for("admin")
    assert post(first_admin, "/admin/reported-measures", declaration()).status_code == 303
    opened = declaration(version="1")
    del opened["measure_id"]
    barrier = threading.Barrier(2, timeout=20)
    real = declarations._entered

    def both_checked(session: Any, measure_id: str) -> list[float]:
        barrier.wait()
        return real(session, measure_id)

    monkeypatch.setattr(declarations, "_entered", both_checked)
    tokens = {id(c): csrf_token(c) for c in (first_admin, second_admin)}

    def save(client: TestClient, owner: str) -> int:
        return client.post(f"/admin/reported-measures/{NEW}", data=opened | {
            "owner": owner, "csrftoken": tokens[id(client)]}).status_code

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(pool.map(save, (first_admin, second_admin), ("Team A", "Team B")))
    assert codes == [303, 409]
    with transaction(app.state.engine) as session:
        assert [v.version for v in versions(session, NEW)] == [2, 1]


def test_a_measure_from_the_file_is_shown_but_not_editable(client_for: Clients) -> None:
    admin = client_for("admin")
    page = admin.get(f"/admin/reported-measures/{FNC}")
    assert page.status_code == 200
    assert "cannot be changed on this page" in page.text and "Save the declaration" not in \
        page.text
    edited = declaration()
    del edited["measure_id"]
    assert post(admin, f"/admin/reported-measures/{FNC}", edited).status_code == 404
    assert post(admin, f"/admin/reported-measures/{FNC}", {"title": ""}).status_code == 404
    assert post(admin, f"/admin/reported-measures/{FNC}/retire",
                {"retired": "yes"}).status_code == 404


def test_an_evidence_file_is_stored_listed_and_its_downloads_audited(
        app: FastAPI, client_for: Clients) -> None:
    analyst = client_for("analyst")
    period = a_past_quarter(app)
    response = analyst.post(
        f"/reported/{RATINGS}",
        data={"csrftoken": csrf_token(analyst), "period": period.isoformat(), "value": "52.5"},
        files={"evidence_file": ("CQC directory Q3.pdf", PDF, "application/pdf")})
    assert response.status_code == 303, response.text
    with transaction(app.state.engine) as session:
        [row] = entries(session, RATINGS)
        assert (row.evidence_name, row.evidence_type, row.evidence_bytes) == (
            "CQC directory Q3.pdf", "application/pdf", len(PDF))
        row_id = row.id
    history = client_for("workstream_lead").get(f"/reported/{RATINGS}").text
    link = f"/reported/{RATINGS}/evidence/{row_id}"
    assert f'href="{link}"' in history and "CQC directory Q3.pdf" in history
    download = client_for("workstream_lead").get(link)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment")
    assert client_for("viewer").get(link).status_code == 403
    assert client_for("admin").get(f"/reported/{FNC}/evidence/{row_id}").status_code == 404
    with transaction(app.state.engine) as session:
        reads = session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "reported_evidence")).all()
    assert [(r.actor, r.action, r.entity_id) for r in reads] == [
        ("lead", "read", str(row_id))]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("directory.pdf", b"MZ\x90\x00 a program, not a PDF", "the content"),
    ("directory.exe", b"MZ\x90\x00", "is not accepted"),
])
def test_a_refused_evidence_file_writes_nothing(app: FastAPI, client_for: Clients, name: str,
                                                content: bytes, message: str) -> None:
    analyst = client_for("analyst")
    response = analyst.post(
        f"/reported/{RATINGS}",
        data={"csrftoken": csrf_token(analyst), "period": a_past_quarter(app).isoformat(),
              "value": "52.5"},
        files={"evidence_file": (name, content, "application/octet-stream")})
    assert response.status_code == 400
    assert 'href="#evidence_file"' in response.text and message in response.text
    with transaction(app.state.engine) as session:
        assert entries(session, RATINGS) == []
    evidence = app.state.settings.evidence_dir
    assert not evidence.exists() or [p for p in evidence.iterdir()] == []


def test_an_evidence_file_over_the_limit_is_refused(make_app: Callable[..., FastAPI],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from web_helpers import ROLE_USERS

    from careassure.web.accounts import seed_demo_users
    from webhelpers import PASSWORD, sign_in

    monkeypatch.setenv("CAREASSURE_REPORTED_EVIDENCE_MAX_BYTES", "40")
    app = make_app()
    seed_demo_users(app.state.engine, PASSWORD)
    try:
        with TestClient(app, follow_redirects=False) as client:
            sign_in(client, ROLE_USERS["analyst"])
            assert "up to 40 bytes" in client.get(f"/reported/{RATINGS}").text
            response = client.post(
                f"/reported/{RATINGS}",
                data={"csrftoken": csrf_token(client), "period": a_past_quarter(app).isoformat(),
                      "value": "52.5"},
                files={"evidence_file": ("directory.pdf", PDF, "application/pdf")})
            assert response.status_code == 400 and "larger than the 40 byte limit" in \
                response.text
    finally:
        app.state.engine.dispose()

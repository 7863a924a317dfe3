"""The reported values pages: who may enter what, a value entered showing on its measure page
and in the plan, corrections asking for a reason, and the import refusing a bad file whole."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from careassure.appdb import transaction
from careassure.measures.reported import period_end_of
from careassure.reported.service import current_values, entries
from webhelpers import csrf_token

Clients = Callable[[str | None], TestClient]
AUDIT = "reported.peer_audit_participation_pct"  # owned by workstream leads
RATINGS = "reported.regulated_market_good_pct"  # owned by analysts


def a_past_quarter(app: FastAPI) -> date:
    """A quarter that ended before the test store's extract date, so its value shows there."""
    extract = app.state.figures.info().extract_date
    return period_end_of("quarterly", date(extract.year - 1, 2, 1))


def enter(client: TestClient, measure: str, period: date, value: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(f"/reported/{measure}", data={
        "csrftoken": csrf_token(client), "period": period.isoformat(), "value": value,
        **extra})


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 303), ("improvement_manager", 303), ("workstream_lead", 303), ("analyst", 403),
    ("viewer", 403),
])
def test_a_value_is_entered_by_its_owner_role_or_a_manager(
        app: FastAPI, client_for: Clients, role: str, status: int) -> None:
    client = client_for(role)
    response = enter(client, AUDIT, a_past_quarter(app), "83")
    assert response.status_code == status
    with transaction(app.state.engine) as session:
        assert len(current_values(session)) == (1 if status == 303 else 0)


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 200), ("improvement_manager", 200), ("workstream_lead", 200), ("analyst", 200),
    ("viewer", 403),
])
def test_the_pages_are_for_staff(client_for: Clients, role: str, status: int) -> None:
    client = client_for(role)
    assert client.get("/reported").status_code == status
    assert client.get(f"/reported/{AUDIT}").status_code == status
    assert client.get("/reported-template.csv").status_code == status


def test_an_entered_value_shows_on_its_measure_page_and_a_correction_needs_a_reason(
        app: FastAPI, client_for: Clients) -> None:
    client = client_for("analyst")
    period = a_past_quarter(app)
    assert enter(client, RATINGS, period, "52.5").status_code == 303
    page = client.get(f"/measures/{RATINGS}")
    assert page.status_code == 200 and "52.5%" in page.text
    again = enter(client, RATINGS, period, "53.0")
    assert again.status_code == 400
    assert "There is a problem" in again.text and "give a reason to correct it" in again.text
    assert 'href="#reason"' in again.text
    fixed = enter(client, RATINGS, period, "53.0", reason="CQC directory re-run")
    assert fixed.status_code == 303
    history = client.get(f"/reported/{RATINGS}").text
    assert "CQC directory re-run" in history and "replaced" in history
    assert "53.0%" in client.get(f"/measures/{RATINGS}").text
    with transaction(app.state.engine) as session:
        assert [e.value for e in entries(session, RATINGS)] == [53.0, 52.5]


@pytest.mark.parametrize(("value", "message"), [
    ("lots", "Value must be a number"), ("101", "Value must be between 0 and 100"),
])
def test_a_bad_value_gets_an_error_summary_naming_the_field(
        app: FastAPI, client_for: Clients, value: str, message: str) -> None:
    response = enter(client_for("analyst"), RATINGS, a_past_quarter(app), value)
    assert response.status_code == 400
    assert message in response.text and 'href="#value"' in response.text


def test_a_future_period_is_refused(client_for: Clients) -> None:
    future = period_end_of("quarterly", date(date.today().year + 1, 1, 1))
    response = enter(client_for("analyst"), RATINGS, future, "50")
    assert response.status_code == 400 and "has not ended yet" in response.text


def test_the_measure_in_the_plan_uses_the_entered_value(app: FastAPI,
                                                        client_for: Clients) -> None:
    from careassure.plan import load_demo_plan
    from careassure.plan.live import fetch_points
    from careassure.plan.status import evaluate

    plan = load_demo_plan()
    client = client_for("workstream_lead")
    period = a_past_quarter(app)
    assert enter(client, AUDIT, period, "83").status_code == 303
    as_of = app.state.figures.info().extract_date
    with app.state.figures.open(app.state.figures.info().version) as (store, _):
        points = fetch_points(store, plan, as_of,
                              reported=app.state.figures.reported_values())
    latest = [p for p in points if p.measure == AUDIT and p.as_of == as_of]
    assert [(p.value, p.status) for p in latest] == [(83, "not_met")]
    judged = evaluate(plan, points, as_of)
    [outcome] = [o for area in judged.areas for action in area.actions for o in action.outcomes
                 if o.path.endswith("audit-impact-evidence")]
    assert "83" in outcome.rag.reason and "95%" in outcome.rag.reason


def test_an_import_with_a_bad_row_changes_nothing_and_lists_the_row(
        app: FastAPI, client_for: Clients) -> None:
    client = client_for("analyst")
    period = a_past_quarter(app)
    text = (f"measure_id,period_end,value\n{RATINGS},{period:%d/%m/%Y},51\n"
            f"{RATINGS},{period_end_of('quarterly', date(period.year - 1, 2, 1)):%d/%m/%Y},"
            "500\n")
    response = client.post("/reported-import", data={"csrftoken": csrf_token(client)},
                           files={"values": ("values.csv", text.encode(), "text/csv")})
    assert response.status_code == 400
    assert "values.csv was not imported: nothing was changed" in response.text
    assert "Value must be between 0 and 100" in response.text and ">3<" in response.text
    with transaction(app.state.engine) as session:
        assert current_values(session) == ()
    good = text.replace(",500", ",49.5")
    response = client.post("/reported-import", data={"csrftoken": csrf_token(client)},
                           files={"values": ("values.csv", good.encode(), "text/csv")})
    assert response.status_code == 303 and response.headers["location"] == "/reported?imported=2"


def test_an_import_of_another_role_s_measure_is_refused(app: FastAPI,
                                                       client_for: Clients) -> None:
    client = client_for("analyst")
    text = f"measure_id,period_end,value\n{AUDIT},{a_past_quarter(app):%d/%m/%Y},90\n"
    response = client.post("/reported-import", data={"csrftoken": csrf_token(client)},
                           files={"values": ("values.csv", text.encode(), "text/csv")})
    assert response.status_code == 400 and "owned by another role" in response.text


def test_values_due_show_to_their_owner_and_the_template_lists_them(
        client_for: Clients) -> None:
    lead = client_for("workstream_lead").get("/reported").text
    assert "Due from you" in lead and "Teams taking part in peer audit" in lead.split(
        "Reported measures")[0]
    analyst = client_for("analyst")
    assert "Teams taking part in peer audit" not in analyst.get("/reported").text.split(
        "Reported measures")[0]
    template = analyst.get("/reported-template.csv")
    assert template.headers["content-type"].startswith("text/csv")
    assert template.text.splitlines()[0] == "measure_id,period_end,value,evidence_link,reason"
    assert RATINGS in template.text and AUDIT not in template.text
    xlsx = analyst.get("/reported-template.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"

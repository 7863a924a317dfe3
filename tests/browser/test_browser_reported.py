"""Reported measures in Chromium, by role: the workstream lead who owns peer audit enters the
quarter's value with an evidence file, and the same figure then shows on the plan outcome, in the
overview's list of outcomes tracked by reported measures and in the committee report's HTML; the
administrator declares a new reported measure (the form's errors first) and the analyst who owns
it finds it ready for values; the viewer (a scrutiny councillor's read-only role) gets no entry
form and a 403 for a value sent anyway, and the analyst none for a measure another role owns.
The pages these journeys reach are scanned with axe-core."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from browser_helpers import axe_violations, describe
from playwright.sync_api import expect

from careassure.measures.reported import period_end_of, period_label, period_start_of

AUDIT = "reported.peer_audit_participation_pct"
OUTCOME = "workforce/practice-assurance/audit-impact-evidence"
VALUE = "96.5"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
REFUSED = "You do not have permission to see this page"


def _no_violations(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, describe({page.url: violations})


def _figures_date(page: Any) -> Any:
    """The date the overview's figures are at (the demo's extract date)."""
    page.goto("/")
    caption = page.locator(".govuk-caption-l").first.inner_text()
    return datetime.strptime(caption.removeprefix("Figures at ").strip(), "%d %B %Y").date()


def _enter_value(page: Any) -> None:
    """The workstream lead who owns peer audit enters VALUE, with an evidence file, for the
    latest quarter that ended by the figures' date (a correction, with its reason, when a test
    before entered it already)."""
    as_of = _figures_date(page)
    quarter = period_end_of("quarterly", as_of)
    if quarter > as_of:  # the latest quarter that ended by the figures' date
        quarter = period_start_of("quarterly", quarter)
    page.goto("/reported")
    page.get_by_role("link", name=re.compile("Teams taking part in peer audit")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Teams taking part in peer audit")
    period = page.get_by_label("Period")
    option = period.locator(f"option[value='{quarter.isoformat()}']")
    already = "entered" in option.inner_text()
    period.select_option(quarter.isoformat())
    page.get_by_label("Value", exact=True).fill(VALUE)
    page.get_by_label("Evidence file (optional)").set_input_files(
        files=[{"name": "peer-audit-log.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    if already:
        page.get_by_label("Reason for a correction").fill("Browser test: audit log re-counted")
    page.get_by_role("button", name="Save value").click()
    expect(page.get_by_text(f"The value for {period_label('quarterly', quarter)} was saved."))\
        .to_be_visible()


def _seen_everywhere(page: Any) -> None:
    """VALUE on the plan outcome, in the overview's outcomes tracked by reported measures (with
    a status) and in the committee report's HTML, as the signed-in role sees them."""
    page.goto(f"/plan/{OUTCOME}")
    expect(page.locator("main")).to_contain_text(f"{VALUE}%")
    page.goto("/")
    tracked = page.get_by_role("table", name=re.compile("Outcomes tracked by reported measures"))
    row = tracked.get_by_role("row").filter(has_text="Evidence of the impact of PDC audit")
    expect(row).to_contain_text(f"{VALUE}%")
    expect(row).to_contain_text(re.compile("On track|Met|Green|Achieved", re.IGNORECASE))
    _no_violations(page)
    report = page.request.get("/reports/committee.html")
    assert report.status == 200 and f"{VALUE}%" in report.text()


def test_the_owner_enters_a_value_seen_in_the_plan_the_overview_and_the_committee_report(
        page_for: Any) -> None:
    page = page_for("workstream_lead", axe=True)
    _enter_value(page)
    history = page.get_by_role("region", name="Values entered table")
    expect(history.get_by_role("row").nth(1)).to_contain_text(f"{VALUE}%")
    expect(history.get_by_role("link", name=re.compile("peer-audit-log.pdf"))).to_be_visible()
    _no_violations(page)

    with page.expect_download() as download:
        history.get_by_role("link", name=re.compile("peer-audit-log.pdf")).click()
    assert download.value.suggested_filename == "peer-audit-log.pdf"
    _seen_everywhere(page)


@pytest.mark.parametrize("role", ["admin", "improvement_manager", "analyst", "viewer"])
def test_every_other_role_sees_the_entered_value_in_the_plan_the_overview_and_the_report(
        page_for: Any, role: str) -> None:
    _enter_value(page_for("workstream_lead"))
    _seen_everywhere(page_for(role, axe=True))


def test_the_admin_declares_a_measure_and_its_owner_finds_it_ready_for_values(
        page_for: Any) -> None:
    admin = page_for("admin", axe=True)
    admin.goto("/reported")
    admin.get_by_role("link", name=re.compile("Declare a reported measure")).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Reported measures")
    admin.get_by_role("button", name="Declare the measure").click()
    summary = admin.get_by_role("alert")
    expect(summary.get_by_role("link", name="Enter the measure's title")).to_have_attribute(
        "href", "#title")
    expect(admin).to_have_title(re.compile(r"^Error: "))
    _no_violations(admin)

    admin.get_by_label("Id").fill("browser_carers_groups")
    admin.get_by_label("Title").fill("Browser test: carers attending support groups")
    admin.get_by_label("Definition").fill("Carers who attended a commissioned support group in "
                                          "the quarter.")
    admin.get_by_label("Unit").select_option("count")
    admin.get_by_role("group", name="Which way is better").get_by_label("Higher is better")\
        .check()
    admin.get_by_role("group", name="How often it is reported").get_by_label(
        "Quarterly (calendar quarters)").check()
    admin.get_by_label("Role that enters its values").select_option("analyst")
    admin.get_by_label("Owner", exact=True).fill("Carers' commissioning team")
    admin.get_by_label("Source").fill("Carers' support provider quarterly return")
    admin.get_by_label("Smallest value").fill("0")
    admin.get_by_label("Largest value").fill("5000")
    first = period_end_of("quarterly", datetime.now().date() - timedelta(days=200))
    admin.get_by_label("First period").fill(first.strftime("%d/%m/%Y"))
    admin.get_by_role("button", name="Declare the measure").click()
    expect(admin.get_by_text("The measure reported.browser_carers_groups was declared"))\
        .to_be_visible()
    admin.get_by_role("link", name="Browser test: carers attending support groups").click()
    expect(admin.get_by_role("heading", level=2, name="Versions")).to_be_visible()
    _no_violations(admin)

    # A second administrator saves the same declaration first: the first one's save is refused,
    # and the page shows the version now in force with what happened.
    other = page_for("admin")
    other.goto("/admin/reported-measures/reported.browser_carers_groups")
    other.get_by_label("Owner", exact=True).fill("Carers' team")
    other.get_by_role("button", name="Save the declaration").click()
    expect(other.get_by_text("The declaration was saved as a new version.")).to_be_visible()
    admin.get_by_label("Largest value").fill("6000")
    admin.get_by_role("button", name="Save the declaration").click()
    expect(admin.get_by_role("alert")).to_contain_text(
        "changed by someone else since you opened it")
    expect(admin.get_by_label("Owner", exact=True)).to_have_value("Carers' team")
    expect(admin.get_by_label("Largest value")).to_have_value("5000")
    expect(admin).to_have_title(re.compile(r"^Error: "))
    _no_violations(admin)

    analyst = page_for("analyst", axe=True)
    analyst.goto("/reported/reported.browser_carers_groups")
    expect(analyst.get_by_role("button", name="Save value")).to_be_visible()
    analyst.goto("/measures")
    expect(analyst.locator("main")).to_contain_text(
        "Browser test: carers attending support groups")


def test_a_read_only_role_gets_no_form_and_a_refusal(page_for: Any) -> None:
    viewer = page_for("viewer", axe=True)
    response = viewer.goto(f"/reported/{AUDIT}")
    assert response.status == 403
    expect(viewer.get_by_role("heading", level=1)).to_have_text(REFUSED)
    _no_violations(viewer)
    viewer.goto("/account")
    token = viewer.locator("input[name=csrftoken]").first.get_attribute("value")
    refused = viewer.request.post(f"/reported/{AUDIT}", form={
        "csrftoken": token, "period": "2025-06-30", "value": "100"})
    assert refused.status == 403

    analyst = page_for("analyst")
    analyst.goto(f"/reported/{AUDIT}")
    expect(analyst.get_by_role("heading", level=1)).to_contain_text("peer audit")
    expect(analyst.get_by_role("button", name="Save value")).to_have_count(0)
    token = analyst.locator("input[name=csrftoken]").first.get_attribute("value") \
        if analyst.locator("input[name=csrftoken]").count() else None
    if token is None:
        analyst.goto("/account")
        token = analyst.locator("input[name=csrftoken]").first.get_attribute("value")
    refused = analyst.request.post(f"/reported/{AUDIT}", form={
        "csrftoken": token, "period": "2025-06-30", "value": "100"})
    assert refused.status == 403

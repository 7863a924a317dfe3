"""Editing in the app, in Chromium, as each role: the improvement manager runs the risk register,
moves a target, scores a statement and compares self-assessment versions; the administrator
assigns a workstream lead from the users page; the lead finds their actions and adds evidence;
the analyst reads what needs attention; and each is refused what their role may not change.
Error pages and pages only these journeys reach are scanned with axe-core."""

from __future__ import annotations

import re
from typing import Any

from browser_helpers import axe_violations, describe
from playwright.sync_api import expect

REFUSED = "You do not have permission to see this page"
TARGET_OUTCOME = "access-iag/information-advice-guidance/call-handling"


def _no_violations(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, describe({page.url: violations})


def _csrf(page: Any) -> str:
    return page.locator("input[name=csrftoken]").first.get_attribute("value")


def _choose(page: Any, legend: str, value: str) -> None:
    page.get_by_role("group", name=legend).get_by_label(value, exact=True).check()


def test_the_manager_adds_rescores_and_closes_a_risk(page_for: Any) -> None:
    page = page_for("improvement_manager", axe=True)
    page.goto("/plan")
    page.get_by_role("link", name="The risk register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk register")
    page.get_by_role("button", name="Add the risk").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter a description of the risk")
    expect(summary.get_by_role("link", name=re.compile("Choose the likelihood"))).to_have_attribute(
        "href", "#likelihood")
    expect(page).to_have_title(re.compile(r"^Error: "))
    _no_violations(page)

    page.get_by_label("Risk", exact=True).fill("Browser test: winter pressure on home care")
    _choose(page, "Likelihood", "4")
    _choose(page, "Impact", "3")
    page.get_by_label("Mitigation").fill("Surge plan agreed with providers")
    page.get_by_role("button", name="Add the risk").click()
    expect(page.get_by_text("The risk was added to the register.")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("12 (likelihood 4 × impact 3)")
    _no_violations(page)

    _choose(page, "Likelihood", "2")
    page.get_by_label("Mitigation").fill("Surge plan agreed; extra capacity bought")
    _choose(page, "Status", "Closed")
    page.get_by_role("button", name="Save the risk").click()
    expect(page.get_by_text("The risk was saved.")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("6 (likelihood 2 × impact 3)")
    page.goto("/risks")
    row = page.get_by_role("row").filter(has_text="winter pressure on home care")
    expect(row).to_contain_text("Closed")


def test_the_manager_moves_a_target_and_the_outcome_is_judged_against_it(page_for: Any) -> None:
    page = page_for("improvement_manager", axe=True)
    page.goto(f"/plan/{TARGET_OUTCOME}")
    page.get_by_text("Change the target").click()
    page.get_by_label("Target", exact=True).fill("lots")
    page.get_by_role("button", name="Save the target").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the target as a number")
    _no_violations(page)  # the error, with the target form open
    page.get_by_label("Target", exact=True).fill("85")
    page.get_by_role("button", name="Save the target").click()
    expect(page.get_by_text("The target was saved.")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text(re.compile(r"[Aa]t least 85"))


def test_the_manager_scores_a_statement_and_compares_two_versions(page_for: Any) -> None:
    page = page_for("improvement_manager", axe=True)
    page.goto("/cqc/versions")
    _no_violations(page)
    page.get_by_label("What this version is").fill("Browser test: third update")
    page.get_by_role("button", name="Record the version").click()
    expect(page.get_by_text(re.compile(r"Version \d+ of the self-assessment was recorded")))\
        .to_be_visible()
    page.goto("/cqc")
    page.get_by_role("link", name=re.compile(r"^QS1 ")).click()
    _no_violations(page)
    _choose(page, "The council's own score", "4 (Evidence shows an exceptional standard)")
    page.get_by_label("Strengths").fill("Browser test: assessments offered at first contact")
    page.get_by_role("button", name="Save the statement").click()
    expect(page.get_by_text("The statement's self-assessment was saved.", exact=False))\
        .to_be_visible()
    page.goto("/cqc/versions")
    page.get_by_label("What this version is").fill("Browser test: fourth update")
    page.get_by_role("button", name="Record the version").click()
    page.get_by_role("link", name=re.compile(r"^With version")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("compared")
    changed = page.get_by_role("row").filter(has_text="Changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("Browser test: assessments offered at first contact")
    _no_violations(page)


def test_the_administrator_assigns_a_lead_and_the_lead_finds_the_action(page_for: Any) -> None:
    admin = page_for("admin", axe=True)
    admin.goto("/admin/users")
    admin.get_by_role("button", name="Assign the lead").click()
    expect(admin.get_by_role("alert")).to_contain_text("Choose an action of the plan")
    _no_violations(admin)
    admin.get_by_label("Action", exact=True).select_option("partnerships/joint-funding")
    admin.get_by_label("Workstream lead", exact=True).select_option("lead")
    admin.get_by_role("button", name="Assign the lead").click()
    expect(admin.get_by_text("The action's workstream lead was saved.")).to_be_visible()

    lead = page_for("workstream_lead", axe=True)
    lead.goto("/")
    lead.get_by_role("navigation", name="Overview pages").get_by_role("link", name="My actions")\
        .click()
    table = lead.get_by_role("table", name=re.compile("you lead"))
    expect(table.get_by_role("link", name="Communication with partners")).to_have_count(1)
    expect(table.get_by_role("link", name="Care and Support Assessment", exact=True))\
        .to_have_count(1)
    _no_violations(lead)


def test_the_lead_adds_evidence_and_is_refused_the_managers_changes(page_for: Any) -> None:
    page = page_for("workstream_lead", axe=True)
    page.goto("/cqc/evidence")
    page.get_by_role("button", name="Add evidence").click()
    page.get_by_role("button", name="Add the evidence").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter a title for the evidence")
    expect(summary).to_contain_text("Choose at least one quality statement")
    _no_violations(page)
    page.get_by_label("Title").fill("Browser test: carers' survey results")
    page.get_by_label("Owner").fill("Carers' lead")
    page.get_by_label("Evidence category").select_option(label="People's experience")
    page.get_by_label("QS1 Assessing needs").check()
    page.get_by_label("a) Flow and access").check()
    page.get_by_label("Review by (optional)").fill("31/03/2027")
    page.get_by_label("Link (for a link)").fill("https://council.example/carers-survey")
    page.get_by_role("button", name="Add the evidence").click()
    expect(page.get_by_text("The evidence was added.")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("31/03/2027")
    _no_violations(page)

    page.goto("/risks")
    expect(page.get_by_role("button", name="Add the risk")).to_have_count(0)
    refused = page.request.post("/risks", form={"csrftoken": _csrf(page), "description": "x",
                                                "likelihood": "1", "impact": "1",
                                                "mitigation": "y"})
    assert refused.status == 403 and REFUSED in refused.text()
    page.goto("/cqc/statements/assessing_needs")
    expect(page.get_by_role("button", name="Save the statement")).to_have_count(0)


def test_the_analyst_reads_what_needs_attention_and_cannot_add_evidence(page_for: Any) -> None:
    page = page_for("analyst", axe=True)
    page.goto("/")
    page.get_by_role("navigation", name="Overview pages")\
        .get_by_role("link", name="Needs attention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs attention")
    expect(page.get_by_role("heading", name=re.compile(r"^Actions past their due date \(\d+\)$")))\
        .to_be_visible()
    _no_violations(page)
    page.goto("/cqc/evidence")
    expect(page.get_by_role("button", name="Add evidence")).to_have_count(0)
    assert page.goto("/cqc/evidence/new").status == 403
    expect(page.get_by_text(REFUSED)).to_be_visible()


def test_the_viewer_reads_the_risk_register_and_is_refused_the_working_pages(
    page_for: Any,
) -> None:
    page = page_for("viewer", axe=True)
    assert page.goto("/risks").status == 200
    expect(page.get_by_role("table", name=re.compile("risk"))).to_be_visible()
    expect(page.get_by_role("button", name="Add the risk")).to_have_count(0)
    _no_violations(page)
    for path in ("/attention", "/my-actions", "/cqc/versions"):
        assert page.goto(path).status == 403, path

"""The main journeys, in Chromium, as each role: sign in, read the overview, open a measure,
add a progress update and find it on the action, and be refused where the role forbids."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_helpers import USERNAMES, axe_violations, describe, sign_in
from playwright.sync_api import expect

UK_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
REFUSED = "You do not have permission to see this page"
EVERYONE_SEES = ["Overview", "Measures", "Plan", "Reports"]
# What the main menu offers each role, beyond what everyone sees (the sections; each section's
# own pages are in its section navigation).
MENU = {
    "admin": ["CQC assessment", "Data", "Admin"],
    "improvement_manager": ["CQC assessment"],
    "workstream_lead": ["CQC assessment"],
    "analyst": ["CQC assessment", "Data"],
    "viewer": [],
}
ALL_MENU = sorted({item for items in MENU.values() for item in items})
OWN_ACTION = "timeliness/carer-assessment"  # the demo plan gives the lead the timeliness actions
OTHER_ACTION = "safeguarding/safeguarding-pathway"


@pytest.mark.parametrize("role", list(USERNAMES))
def test_each_role_signs_in_reads_the_overview_and_signs_out(
    role: str, page_for: Any, site: Any
) -> None:
    page = page_for(None)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
    sign_in(page, site, USERNAMES[role])
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    menu = page.get_by_role("navigation", name="Main menu")
    for item in EVERYONE_SEES + MENU[role]:
        expect(menu.get_by_role("link", name=item, exact=True)).to_be_visible()
    for item in set(ALL_MENU) - set(MENU[role]):
        expect(menu.get_by_role("link", name=item, exact=True)).to_have_count(0)
    expect(page.get_by_role("table").first.get_by_role("link").first).to_be_visible()
    expect(page.locator("footer")).to_contain_text(f"Signed in as {USERNAMES[role]}")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_a_wrong_password_is_refused_with_an_accessible_error(page_for: Any, site: Any) -> None:
    page = page_for(None, axe=True)
    sign_in(page, site, "analyst", "not-the-password")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(page).to_have_title(re.compile(r"^Error: "))
    violations = axe_violations(page)
    assert not violations, describe({page.url: violations})


def test_open_a_measure_from_the_overview_with_its_chart_table_and_csv(page_for: Any) -> None:
    page = page_for("analyst", axe=True)
    page.goto("/")
    page.get_by_role("link", name="Care Act assessments: median wait so far").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Care Act assessments: median wait so far"
    )
    chart = page.get_by_role("img", name=re.compile("median wait", re.IGNORECASE))
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name=re.compile("^The chart's figures"))
    month_ends = table.locator("tbody th").all_inner_texts()
    assert len(month_ends) >= 6 and all(UK_DATE.match(day) for day in month_ends), month_ends
    assert re.search(r"\d+ days", table.locator("tbody td").first.inner_text())

    page.get_by_label("Break down by").select_option(label="Team")
    page.get_by_role("button", name="Show").click()
    groups = page.get_by_role("table", name=re.compile(r"by team", re.IGNORECASE))
    expect(groups.locator("tbody tr").first).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe({page.url: violations})

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^CSV")).click()
    with open(download.value.path(), encoding="utf-8-sig") as csv_file:
        header = csv_file.readline()
    assert "value" in header.lower(), header


def _progress_form(page: Any) -> Any:
    return page.get_by_label("What has happened since the last update")


def test_the_improvement_manager_adds_a_progress_update_and_sees_it_on_the_action(
    page_for: Any,
) -> None:
    page = page_for("improvement_manager")
    page.goto("/plan")
    page.get_by_role("link", name="Timeliness of Assessments and Reviews").first.click()
    page.get_by_role("link", name="Care and Support Assessment", exact=True).first.click()
    expect(page.get_by_role("heading", name="Add a progress update")).to_be_visible()
    prefilled = _progress_form(page).input_value()
    assert prefilled.strip(), "the form should start from the current measure facts"
    note = "Browser test: duty team triage moved to the locality hubs this month."
    _progress_form(page).fill(note)
    page.get_by_role("button", name="Add the update").click()

    expect(page.get_by_text("Your progress update was added.")).to_be_visible()
    latest = page.locator("#progress ~ .govuk-inset-text").first
    expect(latest).to_contain_text(note)
    expect(latest).to_contain_text("manager")
    expect(latest.locator("strong")).to_have_text(re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}$"))


def test_an_empty_progress_update_is_refused_with_an_accessible_error(page_for: Any) -> None:
    page = page_for("improvement_manager", axe=True)
    page.goto(f"/plan/{OWN_ACTION}")
    _progress_form(page).fill("   ")
    page.get_by_role("button", name="Add the update").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter what has happened")
    violations = axe_violations(page)
    assert not violations, describe({page.url: violations})


def _post_progress(page: Any, action: str) -> Any:
    """Send the progress form for ``action`` with the page's valid CSRF token, as a person who
    edited the page's HTML could: the server must refuse by role, not by the missing form."""
    token = page.locator("input[name=csrftoken]").first.get_attribute("value")
    return page.request.post(
        f"/plan/{action}/progress", form={"csrftoken": token, "narrative": "Not allowed"}
    )


def test_a_workstream_lead_updates_their_own_action_and_is_refused_another(
    page_for: Any,
) -> None:
    page = page_for("workstream_lead")
    page.goto(f"/plan/{OWN_ACTION}")
    note = "Browser test: carers' assessments now offered at first contact."
    _progress_form(page).fill(note)
    page.get_by_role("button", name="Add the update").click()
    expect(page.get_by_text("Your progress update was added.")).to_be_visible()
    expect(page.locator("#progress ~ .govuk-inset-text").first).to_contain_text(note)

    page.goto(f"/plan/{OTHER_ACTION}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(_progress_form(page)).to_have_count(0)
    expect(page.get_by_text(re.compile(r"^Only the action's owner.* can add progress updates "
                                       r"to this action\.$"))).to_be_visible()
    response = _post_progress(page, OTHER_ACTION)
    assert response.status == 403 and REFUSED in response.text()
    page.reload()
    expect(page.get_by_text("Not allowed")).to_have_count(0)


@pytest.mark.parametrize("path", ["/data", "/admin/users", "/audit", "/cqc", "/planner",
                                  "/reported"])
def test_the_viewer_is_refused_pages_that_change_or_show_unpublished_data(
    path: str, page_for: Any
) -> None:
    page = page_for("viewer")
    response = page.goto(path)
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(REFUSED)


def test_the_viewer_reads_the_plan_but_cannot_add_progress(page_for: Any) -> None:
    page = page_for("viewer")
    page.goto(f"/plan/{OWN_ACTION}")
    expect(page.get_by_role("heading", name="Progress updates")).to_be_visible()
    expect(_progress_form(page)).to_have_count(0)
    response = _post_progress(page, OWN_ACTION)
    assert response.status == 403 and REFUSED in response.text()

    page.goto(f"/plan/{OWN_ACTION}")
    page.get_by_role("table", name=re.compile("outcome")).get_by_role("link").first.click()
    expect(page.get_by_role("img").first).to_be_visible()
    page.locator(".govuk-summary-list").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/measures/[a-z0-9_.]+$"))


def _overview_values(page: Any) -> dict[str, str]:
    page.goto("/")
    rows = page.get_by_role("table", name="Headline measures").locator("tbody tr")
    return {
        row.locator("th").inner_text(): row.locator("td").first.inner_text()
        for row in rows.all()
    }


def test_the_viewer_sees_small_counts_suppressed(page_for: Any) -> None:
    staff, viewer = _overview_values(page_for("admin")), _overview_values(page_for("viewer"))
    assert staff.keys() == viewer.keys()
    small = [title for title, value in staff.items() if value.isdigit() and 1 <= int(value) <= 4]
    assert small, f"the demo county should have a count of 1 to 4 on the overview: {staff}"
    assert all(viewer[title] == "*" for title in small), {t: viewer[t] for t in small}
    page = page_for("viewer")
    page.goto("/")
    expect(page.locator("footer")).to_contain_text("counts of 1 to 4 are shown as *")


def test_the_analyst_reaches_the_data_page_and_the_viewer_does_not(page_for: Any) -> None:
    analyst = page_for("analyst")
    analyst.goto("/")
    analyst.get_by_role("navigation", name="Main menu").get_by_role("link", name="Data").click()
    expect(analyst.get_by_role("heading", level=1)).to_have_text("Data")
    expect(analyst.get_by_label("Extract file")).to_be_attached()

    viewer = page_for("viewer")
    viewer.goto("/")
    expect(viewer.get_by_role("navigation", name="Main menu").get_by_role("link", name="Data")) \
        .to_have_count(0)
    assert viewer.goto("/data").status == 403


def _overview_area_status(page: Any, area: str) -> str:
    page.goto("/")
    table = page.get_by_role("table", name=re.compile("Improvement areas"))
    cell = table.get_by_role("row").filter(has_text=area).locator("td").first.inner_text()
    # the status tag links to the glossary; its link text is not part of the status
    assert "(what this status means)" in cell
    return " ".join(cell.replace("(what this status means)", " ").split())


def test_an_override_with_its_reason_shows_on_the_overview_at_once(page_for: Any) -> None:
    page = page_for("improvement_manager")
    area = "Partnerships"
    computed = _overview_area_status(page, area)
    assert computed and "overridden" not in computed
    shown = "Met" if "Met" not in computed else "Off track"

    page.get_by_role("link", name=area, exact=True).click()
    page.get_by_text("Override the computed status").click()
    page.get_by_label("Status to show").select_option(label=shown)
    reason = "Browser test: partners' survey received today."
    page.get_by_label(re.compile(r"Why \(kept")).fill(reason)
    page.get_by_role("button", name="Override the status").click()
    expect(page.get_by_text("The status override was saved.")).to_be_visible()
    assert _overview_area_status(page, area) == f"{shown} (overridden)"

    page.get_by_role("link", name=area, exact=True).click()
    page.get_by_text("Override the computed status").click()
    page.get_by_role("button", name="Remove the override").click()
    assert _overview_area_status(page, area) == computed


FNC = "reported.fnc_determinations_per_50k"
FNC_OUTCOME = "/plan/partnerships/joint-funding/fnc-determinations"


def test_a_lead_enters_a_due_reported_value_and_the_plan_is_judged_on_it(
    page_for: Any,
) -> None:
    """The demo's FNC return is due (the paper's latest is 2025 Q2): the workstream lead who owns
    it is told, enters 2026 Q2 (a mistake first), and the plan outcome reads the new figure."""
    page = page_for("workstream_lead", axe=True)
    page.goto(FNC_OUTCOME)  # before: the 2025 Q2 figure the paper quotes
    expect(page.locator("#rag")).to_contain_text("32.6 per 50,000")
    page.goto("/reported")
    due = page.locator("#due + ul")
    expect(due).to_contain_text("Funded Nursing Care determinations per 50,000 population")
    expect(due).to_contain_text("30/06/2026")
    page.get_by_role("link", name="Funded Nursing Care determinations per 50,000 population"
                     ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Funded Nursing Care determinations per 50,000 population")
    page.get_by_label("Period", exact=True).select_option(label="2026 Q2 (April to June) (due)")
    page.get_by_label("Value", exact=True).fill("forty")
    page.get_by_role("button", name="Save value").click()
    expect(page.get_by_role("alert")).to_contain_text("Value must be a number")
    violations = axe_violations(page)
    assert not violations, describe({page.url: violations})

    page.get_by_label("Period", exact=True).select_option(label="2026 Q2 (April to June) (due)")
    page.get_by_label("Value", exact=True).fill("36.4")
    page.get_by_label("Evidence link (optional)").fill("https://icb.example/fnc/2026-q2")
    page.get_by_role("button", name="Save value").click()
    expect(page.get_by_text("The value for 2026 Q2 (April to June) was saved.")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Newest period first"))).to_contain_text(
        "36.4 per 50,000")

    page.goto(FNC_OUTCOME)
    expect(page.locator("#rag")).to_contain_text("36.4 per 50,000")
    page.goto(f"/measures/{FNC}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Funded Nursing Care determinations per 50,000 population")
    expect(page.locator("main")).to_contain_text("36.4 per 50,000")
    violations = axe_violations(page)
    assert not violations, describe({page.url: violations})


def test_an_analyst_may_read_but_not_enter_a_lead_s_reported_measure(page_for: Any) -> None:
    page = page_for("analyst")
    page.goto(f"/reported/{FNC}")
    expect(page.get_by_role("heading", name="Values entered")).to_be_visible()
    expect(page.get_by_role("button", name="Save value")).to_have_count(0)

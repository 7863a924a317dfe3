"""The dashboard in a browser: filtering per role, the drill-down allowed and refused, print
(A4) and phone (375 px) layouts checked on screenshots, and axe-core on the new pages.

Screenshots are written to the test's temporary folder (printed, so a person can look at them);
the assertions check what the eye would: every column of the overview inside the A4 page, no
navigation or forms in print, the tables scrolling inside wrappers that fit the phone, and chart
text at least 11 px on the phone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import axe_violations, describe
from playwright.sync_api import expect

from careassure.web.roles import PERSON_LEVEL, ROLES

WAITING = "/measures/care_act_assessment.waiting"
A4 = {"width": 794, "height": 1123}  # 210 x 297 mm at 96 px per inch
PHONE = {"width": 375, "height": 812}


def _no_violations(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, describe({page.url: violations})


def _first_team(page: Any) -> str:
    page.get_by_text("Filter these figures").click()
    page.get_by_text(re.compile(r"^Team( \(|$)")).first.click()
    box = page.locator('input[name="team"]').first
    name = box.get_attribute("value")
    box.check()
    return name


@pytest.mark.parametrize("role", ROLES)
def test_each_role_filters_the_overview_and_a_measure_page(role: str, page_for: Any) -> None:
    page = page_for(role, axe=True)
    page.goto("/")
    team = _first_team(page)
    page.get_by_role("button", name="Apply filters").click()
    assert "team=" in page.url
    expect(page.locator("#filter-summary")).to_contain_text(f"Team: {team}")
    _no_violations(page)
    # The filter goes with the figure to its measure page, and stays in the address.
    page.get_by_role("link", name="Care Act assessments: number waiting").first.click()
    assert "team=" in page.url
    expect(page.locator("#filter-summary")).to_contain_text(f"Team: {team}")
    _no_violations(page)


def test_a_bad_filter_is_an_accessible_error_page(page_for: Any) -> None:
    page = page_for("analyst", axe=True)
    assert page.goto(f"{WAITING}?team=Nowhere").status == 400
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _no_violations(page)


@pytest.mark.parametrize("role", sorted(PERSON_LEVEL))
def test_drill_down_from_a_figure_to_its_records(role: str, page_for: Any) -> None:
    page = page_for(role, axe=True)
    page.goto(f"{WAITING}?by=team")
    page.get_by_role("link", name=re.compile(": list the records$")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("^Records behind: ")
    )
    expect(page.get_by_role("table", name=re.compile("episodes? in the queue"))).to_be_visible()
    _no_violations(page)


@pytest.mark.parametrize("role", sorted(set(ROLES) - PERSON_LEVEL))
def test_drill_down_is_refused(role: str, page_for: Any) -> None:
    page = page_for(role, axe=True)
    page.goto(f"{WAITING}?by=team")
    assert page.get_by_role("link", name=re.compile("list the records")).count() == 0
    assert page.goto(f"{WAITING}/records").status == 403
    _no_violations(page)


def test_saved_views_page(page_for: Any) -> None:
    page = page_for("analyst", axe=True)
    page.goto("/")
    _first_team(page)
    page.get_by_role("button", name="Apply filters").click()
    if not page.get_by_label("Save this view as").is_visible():
        page.get_by_text("Filter these figures").click()
    page.get_by_label("Save this view as").fill("My team")
    page.get_by_role("button", name="Save view").click()
    assert "team=" in page.url
    page.goto("/views")
    expect(page.get_by_role("link", name="My team")).to_be_visible()
    _no_violations(page)


def _shot(page: Any, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_print_layout_keeps_every_column_and_hides_navigation(
    role: str, page_for: Any, tmp_path: Path
) -> None:
    page = page_for(role)
    page.set_viewport_size(A4)
    page.emulate_media(media="print")
    for name, path in (("overview", "/"), ("measure", f"{WAITING}?by=team")):
        page.goto(path)
        _shot(page, tmp_path, f"print-{name}-{role}")
        for hidden in (".govuk-service-navigation", "form", ".govuk-footer"):
            assert not page.locator(hidden).first.is_visible(), hidden
        expect(page.locator("#filter-summary")).to_be_visible()  # the date and filters
        rights = page.eval_on_selector_all(
            "table th[scope=col]", "cells => cells.map(c => c.getBoundingClientRect().right)")
        assert rights and max(rights) <= A4["width"], (name, max(rights))
    page.goto("/")
    headlines = page.get_by_role("table", name="Headline measures")
    for column in ("Status", "Change", "Trend"):
        expect(headlines.get_by_role("columnheader", name=column)).to_be_visible()


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_phone_layout_scrolls_tables_and_keeps_chart_text_legible(
    role: str, page_for: Any, tmp_path: Path
) -> None:
    page = page_for(role)
    page.set_viewport_size(PHONE)
    for name, path in (("overview", "/"), ("measure", f"{WAITING}?by=team")):
        page.goto(path)
        _shot(page, tmp_path, f"phone-{name}-{role}")
        # Tables scroll inside their wrappers (with shadows at the edges as the cue), and the
        # heading, the filters and the wrappers themselves fit the phone.
        wrappers = page.eval_on_selector_all(
            ".ca-table-wrapper",
            "ws => ws.map(w => [getComputedStyle(w).overflowX, getComputedStyle(w).backgroundImage,"
            " w.getBoundingClientRect().right])")
        assert wrappers and all(overflow == "auto" for overflow, _, _ in wrappers)
        assert all("radial-gradient" in image for _, image, _ in wrappers)
        assert all(right <= PHONE["width"] for _, _, right in wrappers), wrappers
        for selector in ("h1", "#filter-summary"):
            box = page.locator(selector).bounding_box()
            assert box["x"] + box["width"] <= PHONE["width"], selector
        # Nothing widens the page itself: no sideways scroll of the whole screen (the hidden
        # text GOV.UK places absolutely in table cells once made the overview 598 px wide).
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The measure's chart: the narrow drawing, with text at least 11 px high on screen.
    heights = page.eval_on_selector_all(
        "svg.ca-chart text",
        "ts => ts.filter(t => t.getClientRects().length)"
        ".map(t => t.getBoundingClientRect().height)")
    assert heights and min(heights) >= 11, min(heights)

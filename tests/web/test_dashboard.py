"""Filters, dates and saved views on the overview and the measure pages (docs/web.md, "Filters
and saved views"). The tiny county: 15 waiting in the North team, 3 in the South team; people
with odd numbers live in Elmsford (8 of North's waiting, 1 of South's), the others in Kestonby."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import NORTH, ROLE_USERS, SOUTH

from careassure.appdb import AuditEntry, transaction
from webhelpers import csrf_token

Clients = Callable[[str | None], TestClient]
WAITING = "/measures/care_act_assessment.waiting"


def headline(page: str, measure: str) -> str:
    """The value cell of a measure's row in the overview's headline table."""
    row = re.search(rf'href="/measures/{re.escape(measure)}[^"]*">.*?</th>\s*<td[^>]*>([^<]*)</td>',
                    page, flags=re.S)
    assert row, f"no row for {measure}"
    return row.group(1).strip()


def test_overview_filtered_by_team(client_for: Clients) -> None:
    analyst = client_for("analyst")
    whole = analyst.get("/").text
    assert headline(whole, "care_act_assessment.waiting") == "18"
    page = analyst.get(f"/?team={quote(SOUTH)}")
    assert page.status_code == 200
    assert headline(page.text, "care_act_assessment.waiting") == "3"
    # The filter is carried to the measure pages and said in words.
    assert f"Team: {SOUTH}" in page.text
    assert f'href="/measures/care_act_assessment.waiting?team={quote(SOUTH).replace("%20", "+")}"' \
        in page.text
    # Calls have no team: named as not available, not shown with the whole area's figure.
    assert "Not shown under these filters" in page.text
    assert 'href="/measures/contacts.pct_answered"' in page.text


def test_filters_combine_and_groups_are_alternatives(client_for: Clients) -> None:
    analyst = client_for("analyst")
    page = analyst.get(f"/?locality=Elmsford&team={quote(NORTH)}").text
    assert headline(page, "care_act_assessment.waiting") == "8"
    page = analyst.get(f"/?team={quote(NORTH)}&team={quote(SOUTH)}").text
    assert headline(page, "care_act_assessment.waiting") == "18"


def test_viewer_gets_filtered_figures_suppressed(client_for: Clients) -> None:
    page = client_for("viewer").get(f"/?team={quote(SOUTH)}").text
    assert headline(page, "care_act_assessment.waiting") == "*"
    page = client_for("viewer").get("/?locality=Elmsford").text
    assert headline(page, "care_act_assessment.waiting") == "9"


def test_measure_page_and_csv_under_a_filter(client_for: Clients) -> None:
    analyst = client_for("analyst")
    page = analyst.get(f"{WAITING}?locality=Kestonby&by=team")
    assert page.status_code == 200
    assert "Trend for the filtered figures" in page.text
    assert "Locality: Kestonby" in page.text
    csv = analyst.get(f"{WAITING}/data.csv?locality=Kestonby")
    assert csv.status_code == 200
    assert "-filtered-" in csv.headers["content-disposition"]
    last = [line for line in csv.text.splitlines() if line.startswith("care_act_assessment")][-1]
    # Kestonby: North's even-numbered 2..14 (7) and South's 16 and 18 (2).
    assert ",9,9," in last


def test_as_of_and_trend_start(client_for: Clients) -> None:
    analyst = client_for("analyst")
    page = analyst.get(f"{WAITING}?as_of=30/11/2025&from=31/08/2025")
    assert page.status_code == 200
    assert "Figures as at 30/11/2025" in page.text
    assert "Trend from 31/08/2025" in page.text
    assert "31/12/2025</th>" not in page.text  # no point after the as-of date


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("team=Nowhere", "There is no team “Nowhere” in the data"),
        ("age_band=12-15", "There is no age band “12-15”"),
        ("as_of=31/02/2025", "is not a date"),
        ("as_of=01/01/2026", "is after the data"),
        ("from=31/12/2025", "must be before the as-of date"),
    ],
)
def test_bad_filters_get_the_govuk_400_page(client_for: Clients, query: str, reason: str) -> None:
    response = client_for("analyst").get(f"{WAITING}?{query}")
    assert response.status_code == 400
    assert reason in response.text
    assert 'class="govuk-heading-l"' in response.text


def test_a_measure_that_cannot_be_filtered_so_is_refused(client_for: Clients) -> None:
    response = client_for("analyst").get(f"/measures/contacts.pct_answered?team={quote(NORTH)}")
    assert response.status_code == 400
    assert "cannot be filtered by team" in response.text


def test_saved_views_are_per_account_and_audited(client_for: Clients, app) -> None:  # noqa: ANN001
    analyst = client_for("analyst")
    query = f"?team={quote(SOUTH)}"
    saved = analyst.post("/views", data={"name": "  South   only ", "path": "/", "query": query,
                                         "csrftoken": csrf_token(analyst)})
    assert saved.status_code == 303
    assert saved.headers["location"] == "/?team=South+Locality+Team"
    listing = analyst.get("/views").text
    assert ">South only</a>" in listing
    view_id = re.search(r'action="/views/(\d+)/delete"', listing).group(1)  # type: ignore[union-attr]
    # Another account neither sees nor removes it.
    lead = client_for("workstream_lead")
    assert "South only" not in lead.get("/views").text
    refused = lead.post(f"/views/{view_id}/delete", data={"csrftoken": csrf_token(lead)})
    assert refused.status_code == 404
    removed = analyst.post(f"/views/{view_id}/delete", data={"csrftoken": csrf_token(analyst)})
    assert removed.status_code == 303
    assert "South only" not in analyst.get("/views").text
    with transaction(app.state.engine) as session:
        actions = [(e.actor, e.action) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "saved_view"))]
    assert actions == [("analyst", "create"), ("analyst", "delete")]


@pytest.mark.parametrize(
    ("form", "reason"),
    [
        ({"name": "", "path": "/"}, "Enter a name"),
        ({"name": "x", "path": "https://evil.example/"}, "Only the overview and measure pages"),
        ({"name": "x", "path": "/measures/no.such"}, "Only the overview and measure pages"),
        ({"name": "x" * 81, "path": "/"}, "at most 80 characters"),
    ],
)
def test_bad_views_are_not_saved(client_for: Clients, form: dict[str, str], reason: str) -> None:
    analyst = client_for("analyst")
    response = analyst.post("/views", data=form | {"csrftoken": csrf_token(analyst)})
    assert response.status_code == 400
    assert reason in response.text


def test_trend_by_team_orders_groups_folds_empty_ones_and_draws_small_multiples(
    client_for: Clients,
) -> None:
    page = client_for("analyst").get(f"{WAITING}?by=team").text
    breakdown = page.split("largest group first", 1)[1]
    # North (15) before South (3); the Outreach team has nobody waiting: folded away.
    assert breakdown.index(NORTH) < breakdown.index(SOUTH)
    assert "1 group with nobody in the measure at this date" in page
    assert "Trend by team" in page
    assert page.count('class="ca-multiples__item"') == 2
    assert "The charts&#39; figures" in page or "The charts' figures" in page
    assert "Peak: 18 on 31/12/2025" in page


def test_chart_and_figures_download(client_for: Clients) -> None:
    analyst = client_for("analyst")
    svg = analyst.get(f"{WAITING}/chart.svg?team={quote(SOUTH)}")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<?xml") and "<style>.ca-chart" in svg.text
    png = analyst.get(f"{WAITING}/chart.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert analyst.get(f"{WAITING}/chart.gif").status_code == 404


def test_excel_download_matches_the_csv_and_is_suppressed_for_the_viewer(
    client_for: Clients,
) -> None:
    import io

    from openpyxl import load_workbook

    for role, south in (("analyst", 3), ("viewer", "*")):
        response = client_for(role).get(f"{WAITING}/data.xlsx?by=team&months=12")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("measure", "as_of", "period_start")
        last_south = [r for r in rows if r[5] == SOUTH][-1]
        assert last_south[6] == south
        # The "@Outreach Team" name is text, escaped as in the CSV, never a formula.
        assert any(r[5] == "'@Outreach Team" for r in rows)


@pytest.mark.parametrize("role", ["analyst", "improvement_manager", "admin"])
def test_drill_down_to_the_records_behind_a_figure_is_listed_and_audited(
    client_for: Clients, app, role: str  # noqa: ANN001
) -> None:
    client = client_for(role)
    page = client.get(f"{WAITING}?by=team").text
    link = f'href="{WAITING}/records?by=team&amp;group=South+Locality+Team"'
    assert link in page
    records = client.get(f"{WAITING}/records?by=team&group={quote(SOUTH)}")
    assert records.status_code == 200
    assert "3 episodes in the queue at 31/12/2025" in records.text
    assert records.text.count("<code>") == 3
    # Longest wait first: South's waits are 12, 11 and 10 days.
    assert re.findall(r'cell--numeric">(\d+)</td>', records.text) == ["12", "11", "10"]
    whole = client.get(f"{WAITING}/records?locality=Elmsford")
    assert "9 episodes" in whole.text
    with transaction(app.state.engine) as session:
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "records_viewed")).all()
    assert [(e.actor, e.after["breakdown"], e.after["rows_shown"]) for e in entries] == [
        (ROLE_USERS[role], f"Team: {SOUTH}", 3),
        (ROLE_USERS[role], "whole area", 9),
    ]


@pytest.mark.parametrize("role", ["workstream_lead", "viewer"])
def test_drill_down_is_refused_to_roles_without_person_level_access(
    client_for: Clients, role: str
) -> None:
    client = client_for(role)
    page = client.get(f"{WAITING}?by=team").text
    assert "/records" not in page
    refused = client.get(f"{WAITING}/records?by=team&group={quote(SOUTH)}")
    assert refused.status_code == 403
    assert "You do not have permission to see this page" in refused.text


def test_drill_down_needs_a_waiting_list_measure_and_a_real_group(client_for: Clients) -> None:
    analyst = client_for("analyst")
    flow = analyst.get("/measures/care_act_assessment.pct_allocated_within_56/records")
    assert flow.status_code == 400 and "no list of records" in flow.text
    assert analyst.get(f"{WAITING}/records?by=team&group=Nowhere").status_code == 400
    assert analyst.get(f"{WAITING}/records?group={quote(SOUTH)}").status_code == 400


def test_control_limits_on_the_trend(client_for: Clients) -> None:
    page = client_for("analyst").get(f"{WAITING}?months=24&spc=1").text
    assert 'class="ca-chart__spc-mean"' in page and 'class="ca-chart__spc-limit"' in page
    assert "Control chart (as NHS" in page
    assert "process limits" in page
    plain = client_for("analyst").get(f"{WAITING}?months=24").text
    assert "ca-chart__spc-mean" not in plain

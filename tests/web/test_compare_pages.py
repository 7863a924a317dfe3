"""The comparison page and the comparator panel of a measure with a national twin: Leicestershire
and Leicester beside England and their neighbours, exactly as in the published file."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from careassure.appdb import transaction
from careassure.compare.store import import_figures, import_neighbours

Clients = Callable[[str | None], TestClient]
FIXTURES = Path(__file__).parents[1] / "fixtures" / "compare"


def _configure(app: FastAPI, council: str | None, synthetic_load: str | None = None) -> None:
    """What the app reads from the configuration at start-up: the council and the marker."""
    app.state.settings = replace(app.state.settings, council_code=council,
                                 synthetic_load=synthetic_load)


@pytest.fixture
def imported(app: FastAPI) -> FastAPI:
    with transaction(app.state.engine) as session:
        import_figures(session, FIXTURES / "oflog-asc-subset.csv", "tests")
        import_figures(session, FIXTURES / "long-layout-example.csv", "tests")
        import_neighbours(session, FIXTURES / "oflog-nn-subset.json", "tests")
    return app


def _summary(html: str) -> dict[str, list[str]]:
    """Summary table: measure -> its cells (period, council, England, region, neighbours, rank,
    better)."""
    table = html.split("Latest published period of each measure", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)
    found = {}
    for row in rows[1:]:
        title = re.search(r'href="#[^"]+">([^<]+)</a>', row)
        cells = re.findall(r'<td class="govuk-table__cell[^"]*">([^<]*)</td>', row)
        assert title is not None
        found[title.group(1)] = cells
    return found


def test_leicestershire_beside_england_and_its_neighbours(
    imported: FastAPI, client_for: Clients
) -> None:
    _configure(imported, "E10000018")
    page = client_for("viewer").get("/compare")
    assert page.status_code == 200
    assert "Leicestershire (E10000018)" in page.text
    summary = _summary(page.text)
    assert summary["Outcome, Ease of finding information about services : service users"] == [
        "2022-23", "61.8", "67.5", "66.2", "67.6", "128th of 149", "Higher is better"
    ]
    assert summary["Outcome, Outcome of short-term services: sequel to service"][:6] == [
        "2022-23", "87.8", "78.2", "80.8", "84.4", "31st of 151"
    ]
    assert "60.0 to 71.9 (15 councils)" in page.text  # ASC3 neighbours' range
    assert "Neither is better (ranked highest first)" in page.text  # turnover, as published
    assert page.text.count('<svg class="ca-chart"') == len(summary) - 1  # 1C(2A): 2 years only
    assert "synthetic county" not in page.text


def test_leicester_and_the_twin_panel_on_a_measure_page(
    imported: FastAPI, client_for: Clients
) -> None:
    _configure(imported, "E06000016")
    summary = _summary(client_for("analyst").get("/compare").text)
    assert summary["Outcome, Outcome of short-term services: sequel to service"][:6] == [
        "2022-23", "73.8", "78.2", "80.8", "75.0", "94th of 151"
    ]
    _configure(imported, "E10000018")
    page = client_for("analyst").get("/measures/direct_payments.pct")
    assert page.status_code == 200
    assert "How we compare: ASCOF 1C(2A)" in page.text
    assert "Different periods: careassure&#39;s figure is on 31/12/2025; the national figure " \
           "is at 31/03/2023, the end of 2022-23." in page.text
    # 2022-23: 31.0 beside Derbyshire 27.0 and Cambridgeshire 33.0 (Leicester not published)
    assert "2nd of 3" in page.text
    assert "England (its own published figure)" in page.text
    assert "East Midlands (its own published figure)" in page.text
    other = client_for("analyst").get("/measures/care_act_assessment.waiting")
    assert other.status_code == 200 and 'id="compare-heading"' not in other.text


def test_the_page_says_when_the_councils_own_figures_are_synthetic(
    imported: FastAPI, client_for: Clients
) -> None:
    _configure(imported, "E10000018", imported.state.figures.info().load_id)
    page = client_for("viewer").get("/compare")
    assert "come from a synthetic county" in page.text
    assert "(synthetic: the demo county's figure, not the council's)" in page.text


def test_without_a_council_or_figures_the_page_says_what_to_do(
    app: FastAPI, client_for: Clients
) -> None:
    assert "careassure compare council CODE" in client_for("viewer").get("/compare").text
    _configure(app, "E10000018")
    assert "careassure compare import FILE" in client_for("viewer").get("/compare").text

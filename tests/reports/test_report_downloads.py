"""Report downloads in the web app: roles decide who may download what, and the viewer only ever
gets the published (suppressed) version."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from reports_helpers import body_text

from webhelpers import PASSWORD, clients_by_role


@pytest.fixture(scope="module")
def client_for(app_database: str, county_store: Path,
               tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[Callable[[str | None], TestClient]]:
    from careassure.web import create_app
    from careassure.web.accounts import DEMO_USERS, seed_demo_users

    folder = tmp_path_factory.mktemp("web")
    database = folder / "careassure.db"
    shutil.copy(app_database.removeprefix("sqlite:///"), database)
    app = create_app(store_path=county_store, database_url=f"sqlite:///{database}",
                     secret_key="report-tests-" * 4, secure_cookies=False,
                     evidence_dir=folder / "evidence")
    seed_demo_users(app.state.engine, PASSWORD)
    usernames = {role: name for name, role in DEMO_USERS}
    yield from clients_by_role(app, usernames, PASSWORD)
    app.state.engine.dispose()


def test_viewer_gets_the_published_version_even_when_asking_for_more(client_for) -> None:
    import docx

    response = client_for("viewer").get("/reports/committee.docx?internal=1")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert "published.docx" in response.headers["content-disposition"]
    document = docx.Document(io.BytesIO(response.content))
    footer = document.sections[0].footer.paragraphs[0].text
    assert "Published version (counts of 1 to 4 shown as *)" in footer
    assert "Improvement Plan Delivery Update" in body_text(document)


def test_staff_may_download_the_internal_version(client_for) -> None:
    response = client_for("analyst").get("/reports/committee.html?internal=1")
    assert response.status_code == 200
    assert "Internal version: not for publication" in response.text
    # A web page opens in the browser, under a policy that lets its inline styles apply.
    assert response.headers["content-disposition"].startswith("inline;")
    assert "style-src 'unsafe-inline'" in response.headers["content-security-policy"]
    assert "script-src" not in response.headers["content-security-policy"]  # default 'none'
    word = client_for("analyst").get("/reports/committee.docx")
    assert word.headers["content-disposition"].startswith("attachment;")


def test_self_assessment_is_for_staff(client_for) -> None:
    assert client_for("viewer").get("/reports/self-assessment.pdf").status_code == 403
    response = client_for("improvement_manager").get("/reports/self-assessment.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_dhsc_return_as_csv_and_bad_requests(client_for) -> None:
    client = client_for("workstream_lead")
    response = client.get("/reports/dhsc-2026Q1.csv")
    assert response.status_code == 200
    assert response.text.splitlines()[0].startswith("section,area,action,item,measure")
    assert client.get("/reports/dhsc-2026Q1.xlsx").status_code == 404
    assert client.get("/reports/committee.json").status_code == 404
    bad = client.get("/reports/dhsc-2026Q9.pdf")
    assert bad.status_code == 400 and "not written like 2026Q1" in bad.text
    early = client.get("/reports/committee.pdf?as_of=2010-01-01")
    assert early.status_code == 400 and "is before the data starts" in early.text


def test_the_reports_page_links_what_each_role_may_download(client_for) -> None:
    from datetime import date

    from careassure.web.routes.reports import complete_quarters

    viewer = client_for("viewer").get("/reports")
    analyst = client_for("analyst").get("/reports")
    assert viewer.status_code == analyst.status_code == 200
    assert 'href="/reports/committee.pdf"' in viewer.text
    assert "self-assessment" not in viewer.text and "internal=1" not in viewer.text
    assert 'href="/reports/self-assessment.docx"' in analyst.text
    assert 'href="/reports/committee.docx?internal=1"' in analyst.text
    quarter = re.search(r'href="/reports/dhsc-(\d{4}Q\d)\.csv"', viewer.text).group(1)
    year, number = quarter.split("Q")
    months = {"1": "January to March", "2": "April to June", "3": "July to September",
              "4": "October to December"}[number]
    assert f">Quarter {number} {year} ({months} {year})</th>" in viewer.text  # words, not 2026Q1
    assert client_for("viewer").get(f"/reports/dhsc-{quarter}.csv").status_code == 200
    # Only quarters the data covers in full: a quarter ending on the extract date counts.
    assert complete_quarters(date(2026, 3, 31), 2) == ["2026Q1", "2025Q4"]
    assert complete_quarters(date(2026, 3, 30), 2) == ["2025Q4", "2025Q3"]


def test_plan_managers_edit_the_papers_standing_text(client_for) -> None:
    assert 'id="paper-text"' not in client_for("viewer").get("/reports").text
    client = client_for("improvement_manager")
    page = client.get("/reports").text
    assert 'name="text-equality"' in page
    token = re.search(r'name="csrftoken" value="([^"]+)"', page).group(1)
    saved = client.post("/reports/paper-text", data={
        "csrftoken": token, "text-equality": "Equality text of the meeting.\n\nSecond."})
    assert saved.status_code == 303
    assert "Version 1, edited here" in client.get("/reports").text
    paper = client.get("/reports/committee.html?meeting_date=2026-06-01").text
    assert "Equality text of the meeting." in paper and "1 JUNE 2026" in paper
    refused = client.post("/reports/paper-text", data={"csrftoken": token,
                                                       "text-equality": "x" * 2001})
    assert refused.status_code == 400 and "longer than 2000 characters" in refused.text


def test_downloads_are_made_once_per_data_version(client_for) -> None:
    client = client_for("analyst")
    first = client.get("/reports/dhsc-2026Q1.json")
    cache = client.app.state.report_cache
    documents, files = len(cache.documents), len(cache.files)
    again = client.get("/reports/dhsc-2026Q1.json")
    assert again.content == first.content  # the same file, not made again
    client.get("/reports/dhsc-2026Q1.csv")  # the same document, another format
    assert (len(cache.documents), len(cache.files)) == (documents, files + 1)

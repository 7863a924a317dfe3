"""The pages: figures from the measure engine, suppression for the viewer, downloads, uploads,
error pages and the headers every response carries."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import NORTH, ODD, SOUTH, extract_rows, extract_zip

from careassure.appdb import AuditEntry, transaction
from careassure.web.security import GOVUK_INLINE_SCRIPT
from webhelpers import csrf_token

Clients = Callable[[str | None], TestClient]


def _cells(html: str) -> dict[str, str]:
    """Row header -> first numeric cell, from every table on a page (the first table with that
    row header wins: a measure page's trend by group repeats the dates). A header may be a link
    (to the records behind a group) with hidden text for screen readers."""
    pattern = (r'<th scope="row" class="govuk-table__header">(?:<a [^>]*>)?([^<]+)'
               r'(?:<span class="govuk-visually-hidden">[^<]*</span>)?(?:</a>)?</th>'
               r'\s*<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>')
    found: dict[str, str] = {}
    for header, cell in re.findall(pattern, html):
        found.setdefault(header, cell)
    return found


def test_overview_shows_the_headline_measures(client_for: Clients) -> None:
    page = client_for("analyst").get("/")
    assert page.status_code == 200
    assert "Figures at 31 December 2025" in page.text
    cells = _cells(page.text)
    assert cells["Care Act assessments: number waiting"] == "18"
    assert cells["Care Act assessments: median wait so far"].endswith("days")
    assert "ca-sparkline" in page.text
    assert "Data extract to 31 December 2025" in page.text


def test_measure_page_has_chart_table_and_breakdown(client_for: Clients) -> None:
    page = client_for("analyst").get("/measures/care_act_assessment.waiting?by=team&months=12")
    assert page.status_code == 200
    assert '<svg class="ca-chart"' in page.text and 'role="img"' in page.text
    cells = _cells(page.text)
    assert cells["31/12/2025"] == "18"
    assert cells[NORTH] == "15"
    assert cells[SOUTH] == "3"
    assert "Count waiting at D" in page.text  # the definition


def test_viewer_sees_small_counts_suppressed(client_for: Clients) -> None:
    page = client_for("viewer").get("/measures/care_act_assessment.waiting?by=team&months=12")
    cells = _cells(page.text)
    assert cells[SOUTH] == "*"
    assert cells[NORTH] == "*"  # secondary: 18 - 15 would give the South team away
    assert cells["31/12/2025"] == "18"
    assert "3" not in {cells[SOUTH], cells[NORTH]}


def test_csv_download_is_suppressed_for_the_viewer_and_safe_in_a_spreadsheet(
    client_for: Clients,
) -> None:
    url = "/measures/care_act_assessment.waiting/data.csv?by=team&months=12"
    response = client_for("viewer").get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    latest = {r["group"]: r for r in rows if r["as_of"] == "2025-12-31"}
    assert latest[SOUTH]["value"] == "*"
    assert latest[SOUTH]["numerator"] == "*"
    assert latest[""]["value"] == "18"
    assert "'" + ODD in latest  # a name starting with @ is not a formula
    analyst = client_for("analyst").get(url).text
    assert f"{SOUTH},3,3" in analyst


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/measures/no.such_measure", 404),
        ("/measures/care_act_assessment.waiting?by=shoe_size", 400),
        ("/measures/contacts.pct_answered?by=ethnicity", 400),
        ("/measures/care_act_assessment.waiting?months=7", 400),
        ("/measures/care_act_assessment.waiting?months=many", 400),
        ("/no/such/page", 404),
    ],
)
def test_bad_addresses_get_govuk_error_pages(client_for: Clients, url: str, status: int) -> None:
    response = client_for("analyst").get(url)
    assert response.status_code == status
    assert 'class="govuk-heading-l"' in response.text
    assert "Traceback" not in response.text


def test_measures_index_lists_the_catalogue(client_for: Clients) -> None:
    from careassure.measures import CATALOGUE

    page = client_for("viewer").get("/measures").text
    for measure_id in CATALOGUE:
        assert f'href="/measures/{measure_id}"' in page


def test_security_headers_on_pages_and_errors(client_for: Clients) -> None:
    client = client_for("analyst")
    for response in (client.get("/"), client.get("/missing"), client.get("/login")):
        headers = response.headers
        policy = headers["content-security-policy"]
        assert "script-src 'self' 'sha256-" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cache-control"] == "no-store"


def test_the_only_inline_script_is_the_one_the_policy_allows(client_for: Clients) -> None:
    html = client_for("admin").get("/").text
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    assert inline == [GOVUK_INLINE_SCRIPT]
    assert ' style="' not in html


def test_govuk_assets_are_served(client_for: Clients) -> None:
    client = client_for(None)
    css = client.get("/govuk/govuk-frontend.min.css")
    assert css.status_code == 200 and "govuk-" in css.text
    assert client.get("/govuk/govuk-frontend.min.js").status_code == 200
    font = re.search(r"url\((/assets/fonts/[^)]+\.woff2)\)", css.text)
    assert font and client.get(font.group(1)).status_code == 200
    assert client.get("/static/careassure.css").status_code == 200


def test_planner_answers_with_chart_and_table(client_for: Clients) -> None:
    client = client_for("improvement_manager")
    assert "Capacity planner" in client.get("/planner").text
    response = client.get(
        "/planner?queue=care_act_assessment&team=&target_median=14&target_max=56"
        "&extra_fte=2&extra_from=01/01/2026&extra_until=31/03/2026&horizon=8&growth=2.1"
        "&cases_per_fte=2.5&runs=20"
    )
    assert response.status_code == 200, response.text
    assert "Scenario:" in response.text
    assert response.text.count('<svg class="ca-chart"') >= 1
    assert "Week ending" in response.text
    assert "2.0 FTE (5.0 cases a week) from 01/01/2026 to " in response.text
    # one answer: no formula time to target beside the simulation's, no "target list size"
    assert "target size" not in response.text and "98%" not in response.text
    assert response.text.count("Everyone waiting on 31/12/2025 seen, in this scenario") == 2
    assert "How far to trust it: back-test" in response.text
    assert "20 runs." in response.text
    one_run = client.get(
        "/planner?queue=care_act_assessment&team=&target_median=14&target_max=56"
        "&horizon=8&growth=0&cases_per_fte=2.5&runs=1"
    )
    assert one_run.status_code == 200, one_run.text
    assert "1 run." in one_run.text and "1 runs" not in one_run.text


def _table(html: str, table_id: str) -> list[list[str]]:
    """The body rows of one table, as the text of their cells."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?<tbody[^>]*>(.*?)</tbody>', html, re.S)
    assert table, table_id
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(
            r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)
    ]


def test_planner_answers_agree_with_its_chart_and_table(client_for: Clients) -> None:
    """Targets left blank are the targets in force; each scenario's "targets first met" is the
    first week of its own table whose median-run figures meet them, in the side-by-side table
    and in the scenario's summary alike."""
    response = client_for("analyst").get(
        "/planner?queue=care_act_assessment&team=&target_median=&target_max=&permanent_fte=3"
        "&outsourced=4&outsourced_weeks=4&by=&order=fcfs&extra_fte=0&horizon=10&growth=0"
        "&cases_per_fte=2.5&runs=30"
    )
    assert response.status_code == 200, response.text
    text = response.text
    assert ("Targets met means median wait at most 14 days and longest wait of anyone waiting "
            "at most 56 days") in text
    assert "Median wait times to not exceed 14 days" in text  # where the target came from
    side = _table(text, "scenarios")
    assert [row[0][:14] for row in side] == ["Current staffi", "3 more FTE fro",
                                            "4 cases a week"]
    for row, name in zip(side, ("current", "permanent", "outsourcing"), strict=True):
        weeks = _table(text, f"trajectory-{name}")
        meeting = [w[0] for w in weeks if float(w[4]) <= 14 and float(w[5]) <= 56]
        if meeting:
            assert row[1].startswith(f"week ending {meeting[0]} (")
        else:
            assert row[1] == "not within the horizon"
        assert row[3] == f"{float(weeks[-1][2]):,.0f}"  # waiting in the last week, median run
    assert text.count("<svg class=\"ca-chart\"") == 6  # number waiting and longest wait, each


def test_planner_explains_bad_input(client_for: Clients) -> None:
    response = client_for("analyst").get(
        "/planner?queue=care_act_assessment&target_median=ten&target_max=56&extra_fte=-1"
        "&extra_from=31/02/2026&horizon=52&growth=0&cases_per_fte=2.5&runs=20"
    )
    assert response.status_code == 400
    text = response.text
    assert "Target median wait must be a number" in text
    assert "Extra staff must be 0 or more" in text
    assert "must be a real date" in text
    assert 'href="#target_median"' in text


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e999"])
def test_planner_refuses_numbers_that_are_not_finite(client_for: Clients, value: str) -> None:
    response = client_for("analyst").get(
        f"/planner?queue=care_act_assessment&target_median={value}&target_max=56&extra_fte=0"
        "&horizon=52&growth=0&cases_per_fte=2.5&runs=20")
    assert response.status_code == 400
    assert "Target median wait must be a number" in response.text


def test_cqc_pages(client_for: Clients) -> None:
    client = client_for("workstream_lead")
    summary = client.get("/cqc")
    assert summary.status_code == 200
    assert summary.text.count("govuk-tag--") >= 11  # one readiness status per characteristic
    assert "Measures computed at 31 December 2025" in summary.text
    whatif = client.get("/cqc/whatif?QS1=2&QS2=2&QS3=2&QS4=2&QS5=3&QS6=2&QS7=2&QS8=2&QS9=3")
    assert whatif.status_code == 200
    assert "Now: Requires improvement" in whatif.text
    assert "The smallest ways" in whatif.text
    bad = client.get("/cqc/whatif?QS1=9")
    assert bad.status_code == 400 and "Score for QS1 must be 1 to 4" in bad.text
    assert client.get("/cqc/evidence").status_code == 200
    assert client.get("/cqc/evidence/99/file").status_code == 404


def _upload(client: TestClient, name: str, content: bytes,
            content_type: str = "application/zip"):  # type: ignore[no-untyped-def]
    return client.post(
        "/data",
        data={"csrftoken": csrf_token(client)},
        files={"extract": (name, content, content_type)},
    )


def test_uploading_an_extract_loads_it_and_shows_the_history(
    make_app: Callable[..., FastAPI], tmp_path, app: FastAPI  # noqa: ANN001
) -> None:
    import shutil

    from careassure.web.accounts import seed_demo_users

    store = tmp_path / "copy.duckdb"
    shutil.copy(app.state.settings.store_path, store)
    own = make_app(store_path=store)
    seed_demo_users(own.state.engine, "correct horse battery")
    client = TestClient(own, follow_redirects=False)
    from webhelpers import sign_in

    sign_in(client, "analyst")
    response = _upload(client, "december.zip", extract_zip())
    assert response.status_code == 200, response.text
    assert "december.zip was loaded" in response.text
    assert response.text.count("tests") >= 1  # the first load is still in the history
    assert "analyst" in client.get("/data").text
    audit = TestClient(own, follow_redirects=False)
    sign_in(audit, "admin")
    assert "web_data_upload" in audit.get("/audit").text
    own.state.engine.dispose()


def test_a_bad_extract_is_rejected_with_its_validation_report(client_for: Clients) -> None:
    rows = extract_rows()
    rows["episodes"][0][5] = "31/02/2025"
    response = _upload(client_for("analyst"), "bad.zip", extract_zip(rows))
    assert response.status_code == 422
    text = response.text
    assert "bad.zip was not loaded" in text
    assert "episodes.csv" in text and "received_date" in text and "31/02/2025" in text
    assert re.search(r"govuk-table__cell--numeric\">2<", text)  # the spreadsheet row


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("notes.txt", b"PK\x03\x04rest", "application/zip", "must end .zip or .xlsx"),
        ("extract.zip", b"not a zip at all", "application/zip", "content is of another kind"),
        ("extract.zip", b"PK\x03\x04rest", "text/html", "was sent as text/html"),
    ],
)
def test_uploads_of_the_wrong_kind_are_refused(
    client_for: Clients, name: str, content: bytes, content_type: str, message: str
) -> None:
    response = _upload(client_for("admin"), name, content, content_type)
    assert response.status_code == 400
    assert message in response.text


def test_uploads_over_the_size_limit_are_refused(make_app: Callable[..., FastAPI]) -> None:
    from dataclasses import replace

    from careassure.web.accounts import seed_demo_users
    from webhelpers import sign_in

    app = make_app()
    app.state.settings = replace(app.state.settings, max_upload_bytes=1024)
    seed_demo_users(app.state.engine, "correct horse battery")
    client = TestClient(app, follow_redirects=False)
    sign_in(client, "analyst")
    response = _upload(client, "big.zip", b"PK\x03\x04" + b"0" * 4096)
    assert response.status_code == 413
    assert "larger than" in response.text
    app.state.engine.dispose()


def test_no_data_yet(make_app: Callable[..., FastAPI], tmp_path) -> None:  # noqa: ANN001
    from careassure.web.accounts import seed_demo_users
    from webhelpers import sign_in

    app = make_app(store_path=tmp_path / "none.duckdb")
    seed_demo_users(app.state.engine, "correct horse battery")
    client = TestClient(app, follow_redirects=False)
    sign_in(client, "analyst")
    for url in ("/", "/measures", "/measures/care_act_assessment.waiting", "/planner"):
        page = client.get(url)
        assert page.status_code == 200
        assert "No data has been loaded yet" in page.text
    assert client.get("/data").status_code == 200
    app.state.engine.dispose()


def test_a_failure_is_the_govuk_500_page_without_details(app: FastAPI) -> None:
    def broken() -> None:
        raise RuntimeError("secret detail")

    app.add_api_route("/broken", broken)
    response = TestClient(app, raise_server_exceptions=False).get("/broken")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "secret detail" not in response.text


def test_wrong_method_is_a_page_not_a_json_error(client_for: Clients) -> None:
    client = client_for("analyst")
    response = client.post("/measures", data={"csrftoken": csrf_token(client)})
    assert response.status_code == 405
    assert 'class="govuk-heading-l"' in response.text


def test_warming_prepares_the_overview_for_every_reader(
    app: FastAPI, client_for: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    from careassure.web.routes import overview

    overview.warm(app)

    def no_more_computing(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the overview was computed again")

    monkeypatch.setattr(overview, "headlines", no_more_computing)
    for role in ("viewer", "analyst"):
        assert client_for(role).get("/").status_code == 200


def test_measure_pages_write_targets_groups_and_sources_in_readers_words(
    client_for: Clients,
) -> None:
    client = client_for("analyst")
    page = client.get("/measures/care_act_assessment.median_wait?by=client_type&months=12").text
    assert "at most 14 days" in page and "&lt;= 14" not in page
    assert "Service user" in page and ">service_user<" not in page
    assert "Leicestershire improvement plan, 29 December 2025 (seed 004, line 1152)" in page
    assert "004_d7bc47fa68b1d77f.txt" not in page
    by_reason = client.get(
        "/measures/care_act_assessment.waiting?by=primary_support_reason&months=12").text
    assert "Physical support" in by_reason and ">physical_support<" not in by_reason
    index = client.get("/measures").text
    assert "at least 85%" in index and "&gt;= 85" not in index
    assert "a gap of less than 5% either way" in index and "|x|" not in index
    overview = client.get("/").text
    assert "at most 14 days" in overview and "&lt;=" not in overview
    csv_text = client.get(
        "/measures/care_act_assessment.waiting/data.csv?by=client_type&months=12").text
    assert ",client_type,service_user," in csv_text  # CSV keeps the codes


def test_preparation_for_assessment(client_for: Clients) -> None:
    """The preparation page: the next window from the recorded rating, the forms (managers
    only), the meeting's frozen data pack, and refusals that name the field."""
    manager = client_for("improvement_manager")
    page = manager.get("/cqc/preparation")
    assert page.status_code == 200
    assert "Record an assessment" in page.text
    assert "What could trigger a focused assessment" in page.text
    assert "Characteristics of Good and Outstanding councils: coverage" in page.text
    recorded = manager.post("/cqc/preparation/assessments", data={
        "csrftoken": csrf_token(manager), "kind": "comprehensive",
        "assessment_date": "10/03/2025", "outcome": "Requires improvement",
        "published_on": "17/09/2025", "report_link": "https://www.cqc.org.uk/example"},
        follow_redirects=False)
    assert recorded.status_code == 303
    page = manager.get("/cqc/preparation").text
    # 3 years after Requires improvement; the window is the year before
    assert "17/09/2027 to 17/09/2028" in page
    assert "the last comprehensive assessment recorded here" in page
    meeting = manager.post("/cqc/preparation/meetings", data={
        "csrftoken": csrf_token(manager), "meeting_date": "01/12/2025",
        "attendees": ["Director of Adult Social Services", "Principal social worker"],
        "agenda": ["self_assessment", "key_data"],
        "actions": "Share the waiting-list trajectory | timeliness/care-act-assessment"},
        follow_redirects=False)
    assert meeting.status_code == 303, meeting.text
    page = manager.get("/cqc/preparation").text
    assert "Director of Adult Social Services, Principal social worker" in page
    assert 'href="/plan/timeliness/care-act-assessment"' in page
    pack = client_for("analyst").get("/cqc/preparation/meetings/1/pack")
    assert pack.status_code == 200
    assert "Assurance meeting data pack, 01/12/2025" in pack.text
    assert "Self-assessment version" in pack.text and "QS1" in pack.text
    bad = manager.post("/cqc/preparation/meetings", data={
        "csrftoken": csrf_token(manager), "meeting_date": "31/02/2026",
        "attendees": ["Lead member"], "agenda": ["key_data"]})
    assert bad.status_code == 400 and "must be a real date" in bad.text
    named = manager.post("/cqc/preparation/meetings", data={
        "csrftoken": csrf_token(manager), "meeting_date": "01/12/2025",
        "attendees": ["Jane Smith"], "agenda": ["key_data"]})
    assert named.status_code == 400 and "recorded by role" in named.text
    lead = client_for("workstream_lead")
    assert "Record an assessment" not in lead.get("/cqc/preparation").text


def test_rating_characteristics_and_supported_levels(client_for: Clients) -> None:
    """The two rating-level forms: a saved text shows as coverage; a level outside 1-4, an
    unknown statement or evidence that is not a number is refused naming the field."""
    manager = client_for("improvement_manager")
    saved = manager.post("/cqc/preparation/characteristics", data={
        "csrftoken": csrf_token(manager), "statement": "QS1", "level": "3",
        "text": "People get an assessment within   four weeks"}, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/cqc/preparation?changed=characteristic#levels"
    assert "1 of 4" in manager.get("/cqc/preparation").text
    level = manager.post("/cqc/preparation/characteristics", data={
        "csrftoken": csrf_token(manager), "statement": "QS1", "level": "7", "text": "x"})
    assert level.status_code == 400 and "Judgement level 7 is not one of 1, 2, 3, 4" in level.text
    unknown = manager.post("/cqc/preparation/levels", data={
        "csrftoken": csrf_token(manager), "level_statement": "QS99", "supported": "2",
        "evidence": ""})
    assert unknown.status_code == 400 and "QS99" in unknown.text
    words = manager.post("/cqc/preparation/levels", data={
        "csrftoken": csrf_token(manager), "level_statement": "QS1", "supported": "2",
        "evidence": "three"})
    assert words.status_code == 400
    assert "Evidence items are numbers, for example 3, 7" in words.text


def test_case_tracking_and_sampling(client_for: Clients, app: FastAPI) -> None:
    client = client_for("analyst")
    page = client.get("/cqc/case-tracking?size=5&seed=3&per_team=2")
    assert page.status_code == 200, page.text
    tracked = _table(page.text, "tracked")
    assert len(tracked) == 5 and len({row[0] for row in tracked}) == 5
    assert page.text == client.get("/cqc/case-tracking?size=5&seed=3&per_team=2").text
    download = client.get("/cqc/case-tracking?size=5&seed=3&per_team=2&format=csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert download.headers["content-type"].startswith("text/csv")
    # the page shows the first 12 characters of each whole pseudonym in the download
    assert [row["pseudonym"][:12] for row in rows] == [row[0] for row in tracked]
    assert all(len(row["pseudonym"]) > 12 for row in rows)  # a keyed hash, never a raw ID
    sample = client.get("/cqc/case-tracking?size=5&seed=3&per_team=2&format=csv&list=sample")
    assert "days_open" in sample.text.splitlines()[0]
    # both downloads of people by pseudonym are on the audit trail; viewing the page is not
    with transaction(app.state.engine) as session:
        reads = session.scalars(select(AuditEntry).where(AuditEntry.action == "read")).all()
        assert [(r.actor, r.entity_type, r.entity_id, r.after["people"]) for r in reads] == [
            ("analyst", "case_tracking", "case-tracking", 5),
            ("analyst", "case_tracking", "case-sample", len(list(csv.DictReader(
                io.StringIO(sample.text)))))]
    bad = client.get("/cqc/case-tracking?size=abc")
    assert bad.status_code == 400 and "whole number from 1 to 500" in bad.text


def test_rating_characteristics_on_the_preparation_page(client_for: Clients) -> None:
    manager = client_for("improvement_manager")
    saved = manager.post("/cqc/preparation/characteristics", data={
        "csrftoken": csrf_token(manager), "statement": "QS1", "level": "3",
        "text": "Waits are short and monitored daily."}, follow_redirects=False)
    assert saved.status_code == 303
    page = manager.get("/cqc/preparation").text
    assert "3: Waits are short and monitored daily." in page and "1 of 4" in page
    level = manager.post("/cqc/preparation/levels", data={
        "csrftoken": csrf_token(manager), "level_statement": "QS1", "supported": "2",
        "evidence": ""}, follow_redirects=False)
    assert level.status_code == 303
    assert "2: Evidence shows some shortfalls" in manager.get("/cqc/preparation").text
    refused = manager.post("/cqc/preparation/levels", data={
        "csrftoken": csrf_token(manager), "level_statement": "QS1", "supported": "2",
        "evidence": "999"})
    assert refused.status_code == 400 and "No evidence item 999" in refused.text


def test_preparation_document(client_for: Clients) -> None:
    client = client_for("improvement_manager")
    document = client.get("/reports/preparation.html")
    assert document.status_code == 200, document.text
    text = document.text
    assert "Preparation for the next CQC assessment" in text
    assert "The next comprehensive assessment" in text
    assert "What could prompt a focused assessment" in text
    assert "Characteristics of Good and Outstanding councils" in text
    assert client.get("/reports/preparation.docx").status_code == 200

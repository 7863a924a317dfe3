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
from web_helpers import NORTH, ODD, SOUTH, csrf_token, extract_rows, extract_zip

from careassure.web.security import GOVUK_INLINE_SCRIPT

Clients = Callable[[str | None], TestClient]


def _cells(html: str) -> dict[str, str]:
    """Row header -> first numeric cell, from every table on a page."""
    pattern = (r'<th scope="row" class="govuk-table__header">(?:<a [^>]*>)?([^<]+)(?:</a>)?</th>'
               r'\s*<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>')
    return dict(re.findall(pattern, html))


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
    assert "2.0 FTE from 01/01/2026 to " in response.text  # until the horizon's end
    # The summary's "clear" (the list down to its target size, today's capacity) and each
    # scenario's (everyone waiting at the start seen) say which they are, so they cannot seem
    # to contradict each other.
    assert "Backlog cleared" not in response.text and "Does not clear" not in response.text
    assert "to its target size with today&#39;s capacity (no extra staff)" in response.text
    assert response.text.count("Everyone waiting on 31/12/2025 seen, in this scenario") == 2
    assert "20 runs." in response.text
    one_run = client.get(
        "/planner?queue=care_act_assessment&team=&target_median=14&target_max=56"
        "&horizon=8&growth=0&cases_per_fte=2.5&runs=1"
    )
    assert one_run.status_code == 200, one_run.text
    assert "1 run." in one_run.text and "1 runs" not in one_run.text


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
    from web_helpers import sign_in

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

    from web_helpers import sign_in

    from careassure.web.accounts import seed_demo_users

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
    from web_helpers import sign_in

    from careassure.web.accounts import seed_demo_users

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

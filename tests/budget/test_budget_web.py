"""The budget page: the committee's tables for every role, small numbers hidden for the viewer,
and the savings delivery form for improvement managers only."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from measure_spec import insert_rows, person, service

from careassure.appdb import transaction
from careassure.budget.model import VersionSpec
from careassure.budget.service import import_version, load_version
from careassure.records.store import open_store
from careassure.web.accounts import DEMO_USERS, seed_demo_users
from webhelpers import clients_by_role, csrf_token

PASSWORD = "budget-page-password-1"
USERS = {role: name for name, role in DEMO_USERS}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Three people in long-term support from early 2024 to the data's end in March 2025."""
    path = tmp_path / "store.duckdb"
    with open_store(path, read_only=False) as opened:
        insert_rows(opened.connection, {
            "people": [person(f"P{n}", birth_month="1950-01") for n in range(1, 4)],
            "services": [service(f"P{n}", f"2024-0{n}-01", setting="home_care",
                                 weekly_cost=100 * n) for n in range(1, 4)]
                        + [service("P1", "2025-03-31", setting="day_care")],
        })
    return path


@pytest.fixture
def app(migrated_url: str, store: Path, tmp_path: Path, seed: VersionSpec) -> Iterator[FastAPI]:
    from careassure.web import create_app

    app = create_app(store_path=store, database_url=migrated_url,
                     secret_key="budget-secret-" * 4, secure_cookies=False,
                     evidence_dir=tmp_path / "evidence")
    seed_demo_users(app.state.engine, PASSWORD)
    with transaction(app.state.engine) as session:
        import_version(session, seed, "tester")
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client_for(app: FastAPI) -> Iterator[Callable[[str | None], TestClient]]:
    yield from clients_by_role(app, USERS, PASSWORD)


def test_the_page_shows_the_papers_tables(client_for: Callable[[str], TestClient]) -> None:
    page = client_for("analyst").get("/budget")
    assert page.status_code == 200
    text = page.text
    # The roll-forward and the printed totals, savings in brackets.
    for figure in ("237,010", "13,323", "250,333", "(6,990)", "255,513", "266,803", "29,710",
                   "(13,240)", "255,512,604", "25,830", "86,300"):
        assert figure in text, figure
    assert "Not yet assessed: 22 savings, (6,990) in 2026/27" in text
    # Three people in home care at the end of March 2025, one of them in a day service too.
    assert re.search(r"Home care</th>\s*<td[^>]*>3</td>", text)
    assert "31/03/2025" in text
    assert 'name="reference"' not in text  # analysts do not record delivery
    # All three are older people (born 1950), none in support at 31/08/2023 (the last month end
    # before the Fair Outcomes Panel), so growth since then has no rate; G7 is the older
    # people's growth line.
    assert re.search(r"Older people</th>\s*<td[^>]*>—</td>\s*<td[^>]*>G7</td>\s*"
                     r"<td[^>]*>5,130</td>", text)


def test_the_viewer_sees_small_numbers_hidden(client_for: Callable[[str], TestClient]) -> None:
    text = client_for("viewer").get("/budget").text
    assert re.search(r"Home care</th>\s*<td[^>]*>\*</td>", text)
    assert not re.search(r"Home care</th>\s*<td[^>]*>3</td>", text)


def test_a_manager_records_delivery_and_a_reason_is_required(
    client_for: Callable[[str], TestClient], app: FastAPI,
) -> None:
    client = client_for("improvement_manager")
    refused = client.post("/budget/delivery", data={"csrftoken": csrf_token(client),
                                                    "reference": "AC19", "status": "at_risk",
                                                    "reason": ""})
    assert refused.status_code == 400 and "needs its reason" in refused.text
    done = client.post("/budget/delivery", data={"csrftoken": csrf_token(client),
                                                 "reference": "AC19", "status": "at_risk",
                                                 "reason": "Recruitment behind plan"})
    assert done.status_code == 303
    with transaction(app.state.engine) as session:
        line = next(li for li in load_version(session).lines if li.reference == "AC19")
    assert (line.delivery_status, line.delivery_reason) == ("at_risk", "Recruitment behind plan")
    assert "At risk: 1 saving, (950) in 2026/27" in client.get("/budget").text


def test_plan_pages_show_their_budget_lines(client_for: Callable[[str], TestClient],
                                             app: FastAPI) -> None:
    from careassure.budget.service import link_plan
    from careassure.plan.service import import_plan
    from careassure.plan.yamlfile import load_demo_plan

    with transaction(app.state.engine) as session:
        import_plan(session, load_demo_plan(), "tester")
        link_plan(session, "tester", "", "G15", "funds")
        link_plan(session, "tester", "reablement-discharge/reablement-service", "AC21",
                  "delivers")
    client = client_for("viewer")
    plan = client.get("/plan").text
    assert 'href="/budget#appendix-b">G15</a>: funded by this MTFS growth line' in plan
    action = client.get("/plan/reablement-discharge/reablement-service").text
    assert 'href="/budget#saving-AC21">AC21</a>: a saving this delivers' in action
    budget = client.get("/budget").text
    assert 'AC21 is delivered by <a class="govuk-link" ' \
           'href="/plan/reablement-discharge/reablement-service">' in budget


def test_committee_report_carries_the_mtfs_appendices(seed: VersionSpec) -> None:
    from datetime import date, datetime

    from careassure.reports.document import Document, Meta
    from careassure.reports.html import render_html
    from careassure.reports.mtfs import add_mtfs_appendices

    doc = Document(Meta("Council", "committee", "t", "s", date(2026, 1, 19), None,
                        datetime(2026, 1, 19), False))
    add_mtfs_appendices(doc, seed, {line.reference: None for line in seed.lines})
    tables = {b.key: b for s in doc.sections for b in s.blocks if hasattr(b, "key")}
    net = tables["mtfs-rollforward"].rows[-1]
    assert [c.text for c in net] == ["Proposed/provisional net budget", "255,513", "257,563",
                                     "261,613", "266,803"]
    assert [c.text for c in tables["mtfs-b"].rows[-1][-4:]] == ["12,170", "18,230", "23,420",
                                                               "29,710"]
    ac1 = tables["mtfs-c"].rows[0]
    assert [c.text for c in ac1[:3]] == ["**", "AC1", "Inc"]
    assert tables["mtfs-a"].rows[-1][-1].text == "255,512,604"
    assert [c.text for c in tables["mtfs-d"].rows[-1][-5:]] == ["8,438", "5,937", "5,937",
                                                               "5,518", "25,830"]
    assert "Appendix C: savings" in render_html(doc)

"""The activity tables page and its downloads on the web tests' store (loaded from the local
extract, so it holds no CLD events: every table is empty and the page says why)."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
from fastapi.testclient import TestClient
from web_helpers import EXTRACT_DATE


def test_the_page_shows_every_table_and_why_they_are_empty(
        client_for: Callable[[str | None], TestClient]) -> None:
    page = client_for("viewer").get("/activity")
    assert page.status_code == 200
    assert "Requests for support from new clients, by outcome" in page.text
    assert "Adults with a learning disability in long-term support, by accommodation" in page.text
    assert "a store loaded from the local extract has none" in page.text
    assert f"12 months to {EXTRACT_DATE:%d/%m/%Y}" in page.text


def test_downloads_as_csv_and_xlsx(client_for: Callable[[str | None], TestClient]) -> None:
    client = client_for("analyst")
    data = client.get(f"/activity.csv?as_of={EXTRACT_DATE.isoformat()}")
    assert data.status_code == 200
    assert data.headers["content-type"].startswith("text/csv")
    lines = data.text.lstrip("\ufeff").splitlines()
    assert lines[0] == ("\"Requests for support from new clients, by outcome\","
                        "01/01/2025 to 31/12/2025")
    book = client.get("/activity.xlsx")
    assert book.status_code == 200
    sheets = openpyxl.load_workbook(io.BytesIO(book.content)).sheetnames
    assert len(sheets) == 9 and sheets[0] == "requests"


def test_only_the_years_offered_can_be_asked_for(
        client_for: Callable[[str | None], TestClient]) -> None:
    client = client_for("analyst")
    assert client.get("/activity?as_of=2020-03-31").status_code == 400
    assert client.get("/activity?as_of=2025-03-31").status_code == 200
    assert client.get("/activity.pdf").status_code == 404

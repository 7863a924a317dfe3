"""docs/web.md's "Pages and roles" table is checked against the app's own routes, so a page added
without a row in the table (and so without a documented answer to "who may open it") fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from careassure.web.app import page_routes

DOCS = Path(__file__).resolve().parents[2] / "docs" / "web.md"


def roles_table() -> str:
    section = DOCS.read_text(encoding="utf-8").split("## Pages and roles", 1)[1]
    return "\n".join(line for line in section.split("\n## ", 1)[0].splitlines()
                     if line.startswith("|"))


def test_every_page_route_is_in_the_roles_table(make_app: Callable[..., FastAPI]) -> None:
    table = roles_table()
    segments = {path.split("/")[1] for _, path in page_routes(make_app())} - {""}
    assert len(segments) > 5  # the routes were read
    missing = sorted(s for s in segments if f"/{s}" not in table)
    assert missing == [], "add these pages to the table in docs/web.md"

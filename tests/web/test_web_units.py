"""The small pieces: redirects, CSV cells, chart axes, settings and the start-up checks."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from careassure.appdb import DatabaseNotReady
from careassure.records.csvcells import safe_cell
from careassure.web import charts
from careassure.web.security import safe_next
from careassure.web.settings import WebConfigError, govuk_frontend_dir, secret_key


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/measures?by=team", "/measures?by=team"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
    ],
)
def test_safe_next(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+44 20", "'+44 20"),
        ("@Outreach", "'@Outreach"),
        ("-1", "-1"),
        ("-2.5", "-2.5"),
        ("-30.4%", "-30.4%"),
        ("-x", "'-x"),
        ("\tcmd", "'\tcmd"),
        ("North", "North"),
        (12, 12),
    ],
)
def test_csv_cells_never_become_formulas(cell: object, expected: object) -> None:
    assert safe_cell(cell) == expected


@pytest.mark.parametrize(
    ("top", "step", "steps"),
    [(49.35, 10, 5), (500, 100, 5), (18.9, 5, 4), (0.8, 0.2, 4), (101, 25, 5), (0, 1, 1)],
)
def test_chart_axis_is_round(top: float, step: float, steps: int) -> None:
    found_step, found_steps = charts._axis(top)
    assert found_step == pytest.approx(step)
    assert found_steps == steps
    assert found_step * found_steps >= top


def test_chart_draws_gaps_and_labels_itself() -> None:
    svg = charts.render(
        charts.Chart(
            title="Waiting <list>",
            description="From 10 to 5.",
            x=[date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)],
            lines=[charts.Line("Whole area", [10, None, 5])],
            rules=[charts.Rule("Target 8", 8)],
        ),
        "t",
    )
    assert 'role="img"' in svg and 'aria-labelledby="t-title t-desc"' in svg
    assert "Waiting &lt;list&gt;" in svg
    assert svg.count(" M") + svg.count('d="M') == 2  # the gap lifts the pen
    assert "Target 8" in svg
    assert "style=" not in svg
    assert charts.sparkline([None, 1]) == ""


def test_secret_key_is_made_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "home" / "web-secret.key"
    first = secret_key(path)
    assert len(first) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert secret_key(path) == first


def test_missing_govuk_frontend_is_a_clear_error(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREASSURE_GOVUK_FRONTEND", str(tmp_path / "nowhere"))
    with pytest.raises(WebConfigError, match="make assets"):
        govuk_frontend_dir()


def test_the_installed_govuk_frontend_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREASSURE_GOVUK_FRONTEND", raising=False)
    assert (govuk_frontend_dir() / "govuk-frontend.min.css").is_file()


def test_the_app_refuses_an_unmigrated_database(db_url: str, tmp_path: Path) -> None:
    from careassure.web import create_app

    with pytest.raises(DatabaseNotReady, match="careassure db upgrade"):
        create_app(database_url=db_url, store_path=tmp_path / "s.duckdb", secret_key="k" * 40)


def test_figures_never_cache_the_replaced_store(
    store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB hands a new connection the old file while an old connection is open; what is read
    then must not be cached as the new file's figures."""
    import shutil

    from careassure.records.store import open_store
    from careassure.web import figures as figures_module

    store = tmp_path / "store.duckdb"
    shutil.copy(store_path, store)
    replacement = tmp_path / "replacement.duckdb"
    with open_store(replacement, read_only=False):
        pass  # an empty store: no loads, no extract date
    figures = figures_module.Figures(store)
    before = figures.info()
    assert before is not None and before.extract_date == date(2025, 12, 31)
    monkeypatch.setattr(figures_module, "WAIT_FOR_OLD_READERS", 0.05)
    with figures.open(before.version):  # a long read of the old file is still going
        shutil.move(replacement, store)
        figures.info()
    after = figures.info()
    assert after is not None
    assert after.extract_date is None and after.loads == ()


def test_forwarded_addresses_are_believed_only_from_configured_proxies(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from careassure.web.settings import TRUSTED_PROXIES_ENV, WebConfigError, proxy_options

    monkeypatch.delenv(TRUSTED_PROXIES_ENV, raising=False)
    assert proxy_options() == {"proxy_headers": False}  # not even loopback, uvicorn's default
    monkeypatch.setenv(TRUSTED_PROXIES_ENV, " 10.0.0.5, 10.1.0.0/24 ")
    assert proxy_options() == {"proxy_headers": True,
                               "forwarded_allow_ips": "10.0.0.5,10.1.0.0/24"}
    with pytest.raises(WebConfigError, match="'\\*' is not an address or network"):
        proxy_options("*")


def test_a_slash_redirect_never_leaves_the_site() -> None:
    """``//evil.example/`` without its trailing slash would be a Location on another host."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from starlette.routing import Route

    from careassure.web.security import RelativeSlashRedirect

    sent: list[dict] = []
    reached: list[str] = []

    async def inner(scope: dict, receive: object, send: object) -> None:
        reached.append(scope["path"])

    async def send(message: dict) -> None:
        sent.append(message)

    routes = [Route("/{anything:path}", lambda request: None)]
    redirect = RelativeSlashRedirect(inner, routes=lambda: routes)
    for path in ("//evil.example/", "/\\evil.example/"):
        scope = {"type": "http", "method": "GET", "path": path, "query_string": b"",
                 "headers": []}
        # in a thread of its own: a browser test before it on this worker may have left an
        # event loop running in this one
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, redirect(scope, None, send)).result()
    assert reached == ["//evil.example/"]
    # the other is redirected on this site only: a path, never a host
    location = dict(sent[0]["headers"])[b"location"].decode()
    assert location.startswith("/") and not location.startswith("//")

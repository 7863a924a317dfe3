"""The browser tests' site: the demo (small synthetic county, demo plan, self-assessment and one
login per role) served by uvicorn on a loopback port, and Debian's Chromium driven by Playwright.

Everything is built once per session: loading the county, migrating the database and signing in
each role are the slow parts, and the journeys only add to the data (progress updates), so they
can share it. Each test gets fresh browser contexts (cookies) from the saved sign-ins.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import AXE, USERNAMES, Site, sign_in

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser test is marked ``browser``: `make check` leaves them to `make test`."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


SCALE = "0.02"  # ~900 people: enough for every page to have figures, small counts for the viewer


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium (``scripts/test.sh`` installs it). Missing on a developer's machine:
    skipped, saying why; missing in CI: a failure, so the suite cannot pass without its browser
    tests."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium, or run `make test`)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


def _build_demo(home: Path, database_url: str) -> str:
    """Run ``careassure demo --no-serve`` into ``home`` and return the demo password."""
    from typer.testing import CliRunner

    from careassure.cli import app

    result = CliRunner().invoke(
        app,
        ["demo", "--scale", SCALE, "--no-serve"],
        env={"CAREASSURE_HOME": str(home), "CAREASSURE_DATABASE_URL": database_url},
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    return (home / "demo-password").read_text().strip()


@pytest.fixture(scope="session")
def site(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo web app on a free loopback port, served from a background thread."""
    import uvicorn

    from careassure.web import create_app

    home = tmp_path_factory.mktemp("browser-demo")
    database_url = f"sqlite:///{home / 'careassure.db'}"
    password = _build_demo(home, database_url)
    with pytest.MonkeyPatch.context() as patch:  # the configuration the demo wrote (council)
        patch.setenv("CAREASSURE_HOME", str(home))
        app = create_app(
            store_path=home / "store.duckdb",
            database_url=database_url,
            secret_key="browser-test-secret-" * 3,
            secure_cookies=False,
            evidence_dir=home / "evidence",
        )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, name="careassure-browser-site", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the web app did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Site(f"http://127.0.0.1:{port}", password, home, database_url)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(chromium_path),
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def signed_in_states(browser: Any, site: Site) -> dict[str, Any]:
    """Each role's cookies after signing in through the form once."""
    states = {}
    for role, username in USERNAMES.items():
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, site, username)
        assert page.url == f"{site.url}/", f"{username} did not reach the overview: {page.url}"
        states[role] = context.storage_state()
        context.close()
    return states


@pytest.fixture
def page_for(
    browser: Any, site: Site, signed_in_states: dict[str, Any]
) -> Iterator[Callable[..., Any]]:
    """``page_for(role)``: a new page signed in as the demo login with that role (``None``:
    signed out), in its own browser context so roles never share cookies. ``axe=True`` loads
    axe-core into every page it opens (as an init script, which the site's Content-Security-Policy
    does not govern, so the scan sees the site exactly as it is served)."""
    contexts = []

    def build(role: str | None, *, axe: bool = False) -> Any:
        context = browser.new_context(
            storage_state=signed_in_states[role] if role else None, base_url=site.url
        )
        if axe:
            context.add_init_script(path=str(AXE))
        # Generous: these tests check what pages say and how they work, not how fast they come
        # (benchmarks/ measures that); on a loaded 2-core machine a cold page can take 20 s.
        context.set_default_timeout(45_000)
        contexts.append(context)
        return context.new_page()

    yield build
    for context in contexts:
        context.close()

"""What the browser tests share: the site's address and logins, signing in, the axe-core scan
and the walk over the site's links."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

from careassure.web.accounts import DEMO_USERS

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 A and AA, the level public sector bodies must meet (PSBAR 2018).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = ("serious", "critical")
# Links to something that is not a page: downloads (CSV, PDF, Word, JSON, evidence files, the
# reports' HTML versions, which are documents rather than pages of the app) and signing out.
NOT_PAGES = (".csv", ".xlsx", ".pdf", ".docx", ".json", ".html", "/file", "/logout")
MAX_PAGES = 400  # a safety stop: the demo site has about 170 pages
USERNAMES = {role: username for username, role in DEMO_USERS}


@dataclass(frozen=True)
class Site:
    """The running demo: its address, the demo password and where its files are."""

    url: str
    password: str
    home: Path
    database_url: str


def sign_in(page: Any, site: Site, username: str, password: str | None = None) -> None:
    """Sign in through the form, as a person would."""
    page.goto(f"{site.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password or site.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def axe_violations(page: Any, *, contrast: bool = True) -> list[dict[str, Any]]:
    """The page's serious and critical WCAG violations, as axe-core reports them.

    The page must have axe-core loaded (``page_for(role, axe=True)``). ``contrast=False`` skips
    the colour-contrast rule, which takes half of axe's time: contrast comes from the style
    sheet and the template, so the walk checks it once per kind of page.
    """
    return _scan(page, contrast)["violations"]


_SCAN = """async (options) => ({
    violations: (await axe.run(document, options)).violations,
    links: Array.from(document.querySelectorAll("a[href]:not([download])"), a => a.href),
})"""


def _scan(page: Any, contrast: bool) -> dict[str, Any]:
    """axe-core's violations (serious and critical only) and the page's links, in one call."""
    options: dict[str, Any] = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "resultTypes": ["violations"],
    }
    if not contrast:
        options["rules"] = {"color-contrast": {"enabled": False}}
    result = page.evaluate(_SCAN, options)
    result["violations"] = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
    return result


def describe(violations_by_page: dict[str, list[dict[str, Any]]]) -> str:
    """The violations, readably: page, rule, impact, what to fix and where."""
    lines = []
    for url, violations in violations_by_page.items():
        lines.append(f"\n{url}")
        for v in violations:
            lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"][:5]:
                lines.append(f"    at {' '.join(map(str, node['target']))}")
                lines.append(f"       {node['html'][:200]}")
                summary = node.get("failureSummary", "").replace("\n", "\n       ")
                lines.append(f"       {summary}")
            if len(v["nodes"]) > 5:
                lines.append(f"    ... and {len(v['nodes']) - 5} more elements")
    return "\n".join(lines)


def page_links(hrefs: list[str], origin: str) -> list[str]:
    """The same-site page addresses among a page's links (fragments dropped, files left out)."""
    found = []
    for href in hrefs:
        url, _ = urldefrag(href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        if parts.path.startswith(("/assets/", "/govuk/", "/static/")):
            continue
        if parts.path.endswith(NOT_PAGES):
            continue
        found.append(url)
    return found


def kind_of_page(url: str) -> tuple[str, int, bool]:
    """Pages of one kind share a template: /measures/a and /measures/b, /plan/x/y and /plan/z/w."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    return (segments[0] if segments else "", len(segments), bool(parts.query))


def walk(page: Any, origin: str, start: str = "/") -> list[tuple[str, int, list[dict[str, Any]]]]:
    """Visit every page reachable by links from ``start``, scanning each with axe-core (colour
    contrast on the first page of each kind); (url, HTTP status, violations) for each page."""
    seen = {origin + start}
    queue = deque([origin + start])
    kinds: set[tuple[str, int, bool]] = set()
    visited = []
    while queue:
        url = queue.popleft()
        response = page.goto(url)
        kind = kind_of_page(url)
        scan = _scan(page, contrast=kind not in kinds)
        kinds.add(kind)
        visited.append((url, response.status if response else 0, scan["violations"]))
        assert len(visited) <= MAX_PAGES, f"more than {MAX_PAGES} pages: is a link looping?"
        for link in page_links(scan["links"], origin):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return visited

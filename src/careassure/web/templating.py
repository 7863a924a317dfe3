"""Jinja2 with GOV.UK Frontend's macros (govuk-frontend-jinja), and the context every page gets.

Templates extend ``base.html``, which extends govuk-frontend-jinja's page template, so every page
has the skip link, header, service navigation for the reader's role, phase banner and footer.
Forms that change anything include ``{{ csrf_field() }}`` first (the CSRF check reads the token
before any uploaded file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    select_autoescape,
)
from markupsafe import Markup

from careassure.web import display
from careassure.web.auth import current_user
from careassure.web.roles import ROLE_NAMES, sees_unpublished
from careassure.words import counted

TEMPLATES = Path(__file__).with_name("templates")
SERVICE_NAME = "careassure"


def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(TEMPLATES),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(["html", "svg"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates change only with a new release (and a restart): without this every
        # template and macro import of every page checks its file's time on disk.
        auto_reload=False,
    )
    env.filters["uk_date"] = display.uk_date
    env.filters["long_date"] = display.long_date
    env.filters["uk_datetime"] = display.uk_datetime
    env.globals["role_names"] = ROLE_NAMES
    env.globals["counted"] = counted  # "1 run", "500 runs"
    env.globals["service_name"] = SERVICE_NAME
    return env


def _navigation(request: Request, role: str | None) -> dict[str, Any]:
    """The main menu's items (one a section the role may open) and the section navigation of
    the page's section: its pages the role may open, the one the page belongs to marked."""
    from careassure.web.routes import SECTIONS

    if role is None:
        return {"menu": [], "pages": [], "here": None, "label": ""}
    path = request.url.path
    # The page belongs to the menu page whose address is the longest that starts it.
    matches = [page.href for section in SECTIONS for page in section.pages
               if role in page.roles and (path == page.href or
                                          (page.href != "/" and path.startswith(page.href + "/")))]
    here = max(matches, key=len) if matches else None
    menu: list[dict[str, Any]] = []
    section_pages: list[tuple[str, str]] = []
    label = ""
    for section in SECTIONS:
        pages = [(p.href, p.text) for p in section.pages if role in p.roles]
        if not pages:
            continue
        inside = here in {href for href, _ in pages}
        menu.append({"href": pages[0][0], "text": section.text,
                     "current": inside and path == pages[0][0],
                     "active": inside and path != pages[0][0]})
        if inside:
            section_pages, label = pages, section.text
    return {"menu": menu, "pages": section_pages if len(section_pages) > 1 else [],
            "here": here, "label": f"{label} pages"}


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """The page ``template`` with the shared context: the reader, their navigation, whether they
    see unpublished figures, the data's extract date and the CSRF field."""
    user = current_user(request)
    token_getter = request.scope.get("csrftoken")

    def csrf_field() -> Markup:
        token = token_getter() if token_getter else ""
        return Markup('<input type="hidden" name="csrftoken" value="{}">').format(token)

    info = None
    figures = getattr(request.app.state, "figures", None)
    if figures is not None and user is not None:
        try:
            info = figures.info()
        except Exception:  # the footer must not turn an error page into a second error
            info = None
    page = {
        "request": request,
        "user": user,
        "published": user is None or not sees_unpublished(user.role),
        "navigation": _navigation(request, user.role if user else None),
        "store_info": info,
        "csrf_field": csrf_field,
        **(context or {}),
    }
    html = request.app.state.jinja.get_template(template).render(page)
    return HTMLResponse(html, status_code=status_code)

"""govuk-frontend-jinja's macros against the GOV.UK Frontend the app serves.

govuk-frontend-jinja 4.1 is a hand port of GOV.UK Frontend 6.3's Nunjucks macros; the npm
package installed is 6.6.0. Each component ships ``fixtures.json`` (options and the HTML its
Nunjucks macro renders), so every fixture of every component careassure uses is rendered with
the Jinja macro and compared, ignoring whitespace and how quotes are escaped. A difference means
the markup no longer matches the stylesheet and script being served.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from careassure.web.settings import govuk_frontend_dir
from careassure.web.templating import environment

USED = {
    "breadcrumbs": "govukBreadcrumbs",
    "button": "govukButton",
    "error-summary": "govukErrorSummary",
    "fieldset": "govukFieldset",
    "file-upload": "govukFileUpload",
    "generic-header": "govukGenericHeader",
    "input": "govukInput",
    "notification-banner": "govukNotificationBanner",
    "pagination": "govukPagination",
    "password-input": "govukPasswordInput",
    "phase-banner": "govukPhaseBanner",
    "select": "govukSelect",
    "service-navigation": "govukServiceNavigation",
    "skip-link": "govukSkipLink",
    "summary-list": "govukSummaryList",
}
# Known differences, all in options careassure does not use: since 6.3 a start button's HTML is
# wrapped in a span, and the service navigation gained "inline" end slots and language links.
KNOWN = {
    ("button", "start link with html"),
    ("service-navigation", "with `inline` end slot"),
    ("service-navigation", "with right-aligned language navigation"),
}


@cache
def _environment():  # type: ignore[no-untyped-def]
    return environment()


def _normal(html: str) -> str:
    html = html.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r"\s*([<>])\s*", r"\1", html)
    html = re.sub(r'\s+"', '"', html)
    return re.sub(r'="\s+', '="', html).strip()


def _fixtures() -> list[tuple[str, str, dict, str]]:
    components = govuk_frontend_dir() / "components"
    cases = []
    for component in USED:
        data = json.loads(Path(components, component, "fixtures.json").read_text())
        cases += [(component, f["name"], f["options"], f["html"]) for f in data["fixtures"]]
    return cases


@pytest.mark.parametrize(("component", "name", "options", "html"), _fixtures(),
                         ids=lambda value: value if isinstance(value, str) and len(value) < 60
                         else "")
def test_macro_renders_what_govuk_frontend_expects(
    component: str, name: str, options: dict, html: str
) -> None:
    if (component, name) in KNOWN:
        pytest.skip("a known difference in an option careassure does not use")
    macro = USED[component]
    template = _environment().from_string(
        f'{{% from "govuk_frontend_jinja/components/{component}/macro.html" import {macro} %}}'
        f"{{{{ {macro}(params) }}}}"
    )
    assert _normal(template.render(params=options)) == _normal(html)

"""The ending every editing form shares (careassure.web.forms.settle): refused with the summary
and status 400, or saved and redirected with its flag; nothing saved when the checks refused."""

from __future__ import annotations

import pytest
from fastapi.responses import HTMLResponse, Response

from careassure.web.forms import error_context, settle


class Refused(Exception):
    pass


def _page(errors: dict[str, str]) -> Response:
    """A stand-in for a route's page: the errors as the template would list them."""
    listed = error_context(errors)["error_list"]
    return HTMLResponse(" ".join(f"{e['href']}={e['text']}" for e in listed))


def test_errors_from_the_checks_refuse_without_saving() -> None:
    saved: list[str] = []
    response = settle({"title": "Enter a title"}, _page, lambda: saved.append("x"), "/done")
    assert response.status_code == 400
    assert bytes(response.body).decode() == "#title=Enter a title"
    assert saved == []


def test_a_save_redirects_to_the_page_that_says_so() -> None:
    response = settle({}, _page, lambda: 7, lambda key: f"/items/{key}?changed=saved")
    assert response.status_code == 303
    assert response.headers["location"] == "/items/7?changed=saved"
    assert settle({}, _page, lambda: None, "/fixed").headers["location"] == "/fixed"


def test_a_refused_save_names_its_field_in_the_forms_words() -> None:
    def save() -> None:
        raise Refused("risk 'risk-2': likelihood must be 1 to 5")

    response = settle({}, _page, save, "/done", refused=Refused,
                      field=lambda exc: "likelihood" if "likelihood" in str(exc) else "x")
    assert response.status_code == 400
    assert bytes(response.body).decode() == "#likelihood=Likelihood must be 1 to 5"
    kept = settle({}, _page, save, "/done", refused=Refused, field="description", words=str)
    assert bytes(kept.body).decode() == "#description=risk 'risk-2': likelihood must be 1 to 5"


def test_other_errors_are_not_form_errors() -> None:
    def save() -> None:
        raise KeyError("a bug")

    with pytest.raises(KeyError):  # a bug is not a form error: it must not be shown as one
        settle({}, _page, save, "/done", refused=Refused)

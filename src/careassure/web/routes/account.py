"""Your account: who you are signed in as, and changing your own password.

A new password ends every session of the account (as an administrator's reset does), then signs
this browser in again, so a password changed because it leaked also signs out whoever used it.
A wrong current password counts towards the sign-in lock-out like a failed sign-in.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from careassure.appdb import transaction
from careassure.web import accounts, throttle
from careassure.web.auth import Allow, client_ip
from careassure.web.forms import error_context
from careassure.web.roles import EVERYONE
from careassure.web.sessions import COOKIE_NAME, LIFETIME, SignedIn, start_session
from careassure.web.templating import render

router = APIRouter()


def _page(request: Request, user: SignedIn, errors: dict[str, str] | None = None,
          status_code: int = 200) -> Response:
    with transaction(request.app.state.engine) as session:
        account = accounts.get_user(session, user.username)
    return render(request, "account.html", {
        "account": account,
        "changed": request.query_params.get("changed") == "password",
    } | error_context(errors), status_code=status_code)


@router.get("/account")
def account_page(request: Request,
                 user: Annotated[SignedIn, Depends(Allow(EVERYONE))]) -> Response:
    return _page(request, user)


@router.post("/account/password")
def change_password(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(EVERYONE))],
    current: str = Form(""),
    new: str = Form(""),
    confirm: str = Form(""),
) -> Response:
    address = client_ip(request)
    errors: dict[str, Any] = {}
    engine = request.app.state.engine
    with transaction(engine) as session:
        account = accounts.get_user(session, user.username)
        if throttle.locked_until(session, user.username, address) is not None:
            errors["current"] = "Too many wrong passwords: try again in 15 minutes"
        elif not accounts.verify(account, current):
            throttle.record_failure(session, user.username, address)
            errors["current"] = "Enter your current password correctly"
    if not errors and new != confirm:
        errors["confirm"] = "The new passwords do not match"
    if not errors and new == current:
        errors["new"] = "Choose a password different from the current one"
    if not errors:
        try:
            accounts.check_password(new)
        except accounts.AccountError as exc:
            errors["new"] = str(exc)
    if errors:
        return _page(request, user, errors, status_code=400)
    with transaction(engine) as session:
        account = accounts.update_user(session, user.username, user.username, password=new)
        token = start_session(session, account, address)
    response = RedirectResponse("/account?changed=password", status_code=303)
    response.set_cookie(
        COOKIE_NAME, token, max_age=int(LIFETIME.total_seconds()), path="/",
        secure=request.app.state.settings.secure_cookies, httponly=True, samesite="lax",
    )
    return response

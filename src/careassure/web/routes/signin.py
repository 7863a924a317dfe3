"""Signing in and out."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from careassure.appdb import transaction
from careassure.web import accounts, throttle
from careassure.web.auth import client_ip, current_user
from careassure.web.display import uk_datetime
from careassure.web.security import safe_next
from careassure.web.sessions import COOKIE_NAME, LIFETIME, end_session, purge_expired, start_session
from careassure.web.templating import render

router = APIRouter()
WRONG = "Enter a correct username and password"


@router.get("/login")
def login_form(request: Request, next: str = "/", signed_out: bool = False) -> Response:
    if current_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(
        request, "login.html", {"next": safe_next(next), "username": "", "signed_out": signed_out}
    )


@router.post("/login")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
) -> Response:
    target = safe_next(next)
    address = client_ip(request)
    engine = request.app.state.engine
    name = username.strip().lower()
    context = {"next": target, "username": username[:60]}
    with transaction(engine) as session:
        locked = throttle.locked_until(session, name, address)
        if locked is not None:
            throttle.record_failure(session, name, address, refused=True)
    if locked is not None:
        error = (
            f"Too many failed sign-in attempts. Try again after {uk_datetime(locked)[-5:]}, "
            "or ask an administrator to reset your password"
        )
        return render(request, "login.html", context | {"error": error}, status_code=429)
    with transaction(engine) as session:
        user = accounts.get_user(session, name) if name else None
        if not name or not password or not accounts.verify(user, password):
            throttle.record_failure(session, name, address)
            ok = False
        else:
            assert user is not None
            ok = True
            accounts.rehash_if_needed(user, password)
            user.last_login_at = accounts.now()
            throttle.clear_failures(session, user.username, address)
            purge_expired(session)
            token = start_session(session, user, address)
    if not ok:
        return render(request, "login.html", context | {"error": WRONG}, status_code=400)
    old = request.cookies.get(COOKIE_NAME)
    if old:
        end_session(engine, old)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=int(LIFETIME.total_seconds()),
        path="/",
        secure=request.app.state.settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    token = request.cookies.get(COOKIE_NAME)
    if token:
        end_session(request.app.state.engine, token)
    response = RedirectResponse("/login?signed_out=true", status_code=303)
    response.delete_cookie(
        COOKIE_NAME,
        path="/",
        secure=request.app.state.settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    return response

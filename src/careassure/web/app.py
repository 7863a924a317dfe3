"""The application factory: settings, database check, assets, routers, guards and error pages."""

from __future__ import annotations

import importlib
import logging
from functools import partial
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from careassure.appdb import create_engine, require_current
from careassure.web.auth import NotSignedIn
from careassure.web.body_limit import BodyLimit
from careassure.web.figures import Figures
from careassure.web.routes import ROUTER_MODULES
from careassure.web.security import RelativeSlashRedirect, SecurityHeaders, csrf_protect
from careassure.web.sessions import COOKIE_NAME
from careassure.web.settings import WebSettings, resolve
from careassure.web.templating import environment, render

STATIC = Path(__file__).with_name("static")
STATIC_PREFIXES = ("/assets/", "/govuk/", "/static/")
log = logging.getLogger("careassure.web")

ERROR_PAGES = {
    400: ("There is a problem with the request", "Check the address or the form and try again."),
    403: ("You do not have permission to see this page",
          "Your role does not include this page. Ask an administrator if you need it."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("This page cannot be used that way",
          "This address does not accept that kind of request. Use the links and forms."),
    411: ("The upload could not be read", "Send the file from the upload form."),
    413: ("The file is too large", "Upload a smaller file."),
    500: ("Sorry, there is a problem with the service",
          "Try again later. The problem has been logged."),
}


def create_app(
    *,
    store_path: Path | None = None,
    database_url: str | None = None,
    secret_key: str | None = None,
    secure_cookies: bool = True,
    evidence_dir: Path | None = None,
) -> FastAPI:
    """The careassure web app. Refuses to start (``DatabaseNotReady``, ``WebConfigError``) when
    the application database is not migrated or GOV.UK Frontend is not installed.

    ``secure_cookies=False`` only for plain-HTTP local testing: cookies then lack ``Secure``.
    """
    settings = resolve(
        store_path=store_path,
        database_url=database_url,
        secret=secret_key,
        secure_cookies=secure_cookies,
        evidence_dir=evidence_dir,
    )
    engine = create_engine(settings.database_url)
    try:
        require_current(engine)
    except Exception:
        engine.dispose()
        raise
    # A load killed with the server (SIGKILL, power cut) left its raw extract and half a store.
    from careassure.records.load import remove_leftovers

    remove_leftovers(settings.store_path)
    app = FastAPI(title="careassure", docs_url=None, redoc_url=None, openapi_url=None,
                  redirect_slashes=False)
    app.state.settings = settings
    app.state.engine = engine
    app.state.figures = Figures(settings.store_path, reported=partial(_reported_values, engine))
    app.state.jinja = environment()
    app.mount("/assets", StaticFiles(directory=settings.govuk_dir / "assets"), name="assets")
    app.mount("/govuk", StaticFiles(directory=settings.govuk_dir), name="govuk")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in ROUTER_MODULES:
        app.include_router(importlib.import_module(module).router)
    _error_handlers(app)
    _middleware(app, settings)
    return app


def _reported_values(engine: Any) -> tuple[Any, ...]:
    """The reported measures' values in force (the database is at this careassure's schema, so
    the table exists)."""
    from careassure.appdb import transaction
    from careassure.reported.service import current_values

    with transaction(engine) as session:
        return current_values(session)


def page_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app answers outside its static mounts, for the authorisation
    tests and the browser tests. FastAPI 0.165 keeps included routers as wrappers in
    ``app.routes``, so they are unwrapped here (with their prefixes)."""

    def walk(routes: list[Any], prefix: str) -> list[tuple[str, str]]:
        found = []
        for route in routes:
            if isinstance(route, APIRoute):
                found += [(method, prefix + route.path) for method in sorted(route.methods or ())]
            elif hasattr(route, "original_router"):
                found += walk(route.original_router.routes, prefix + route.include_context.prefix)
        return found

    return walk(app.routes, "")


def _middleware(app: FastAPI, settings: WebSettings) -> None:
    async def csrf_failed(scope: dict[str, Any], send: Any, _reason: object) -> None:
        response = _error_page(
            Request(scope), 403, "This form could not be accepted",
            "It may have been open too long or sent from another site. Go back, reload the "
            "page and try again.",
        )
        await response(scope, _no_receive, send)

    class CSRFMiddleware:
        def __init__(self, inner: Any) -> None:
            self.wrapped = csrf_protect(
                inner, secret=settings.secret_key, secure=settings.secure_cookies,
                session_cookie=COOKIE_NAME, send_failed=csrf_failed,
            )

        async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
            await self.wrapped(scope, receive, send)

    async def too_large(scope: dict[str, Any], send: Any) -> None:
        response = _error_page(Request(scope), 413, detail="The request is larger than this "
                               "service accepts. An extract can be up to "
                               f"{settings.max_upload_bytes // (1024 * 1024)} MB.")
        await response(scope, _no_receive, send)

    app.add_middleware(DeclarationSync, engine=app.state.engine)
    app.add_middleware(RelativeSlashRedirect, routes=lambda: app.router.routes)
    app.add_middleware(CSRFMiddleware)
    app.add_middleware(BodyLimit, upload_limit=settings.max_upload_bytes,
                       send_too_large=too_large)
    app.add_middleware(
        SecurityHeaders, secure=settings.secure_cookies, static_prefixes=STATIC_PREFIXES
    )


class DeclarationSync:
    """Before each page, hand the reported measures declared on the admin page to the measures
    layer if they changed (one small query; :func:`careassure.reported.declarations.sync`), so a
    measure declared by anyone, in any worker, is in the catalogue for the next page."""

    def __init__(self, app: Any, *, engine: Any) -> None:
        self.app = app
        self.engine = engine

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not str(scope.get("path", "")).startswith(
                STATIC_PREFIXES):
            from starlette.concurrency import run_in_threadpool

            from careassure.reported.declarations import sync

            await run_in_threadpool(sync, self.engine)
        await self.app(scope, receive, send)


async def _no_receive() -> dict[str, Any]:  # an error page reads no request body
    return {"type": "http.disconnect"}


def _error_page(request: Request, status: int, title: str | None = None,
                detail: str | None = None) -> Response:
    default_title, default_detail = ERROR_PAGES.get(status, ERROR_PAGES[400])
    return render(
        request, "error.html",
        {"status": status, "title": title or default_title, "detail": detail or default_detail},
        status_code=status,
    )


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def sign_in_first(_request: Request, exc: NotSignedIn) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # Only a 400's detail is written for people (which field, why); others use the page text.
        own = exc.status_code == 400 and exc.detail != HTTPStatus.BAD_REQUEST.phrase
        response = _error_page(request, exc.status_code, detail=exc.detail if own else None)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, _exc: RequestValidationError) -> Response:
        return _error_page(request, 400)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return _error_page(request, 500)

"""Saved views: the reader's named filters (careassure.web.saved_views), listed, saved from the
filter panel and removed. Each account sees and changes only its own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from careassure.appdb import transaction
from careassure.web.auth import Allow
from careassure.web.roles import EVERYONE
from careassure.web.saved_views import SavedViewError, delete_view, save_view, views_of
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()


@router.get("/views")
def saved_views(request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))]) -> Response:
    with transaction(request.app.state.engine) as session:
        views = [
            {"id": v.id, "name": v.name, "href": v.href} for v in views_of(session, user.user_id)
        ]
    return render(request, "views.html", {"views": views})


@router.post("/views")
def save(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(EVERYONE))],
    name: Annotated[str, Form()] = "",
    path: Annotated[str, Form()] = "",
    query: Annotated[str, Form()] = "",
) -> Response:
    try:
        with transaction(request.app.state.engine) as session:
            href = save_view(session, user.user_id, user.username, name, path, query).href
    except SavedViewError as exc:
        return render(request, "error.html", {"title": "The view was not saved",
                                              "detail": str(exc)}, status_code=400)
    return RedirectResponse(href, status_code=303)


@router.post("/views/{view_id}/delete")
def remove(
    request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))], view_id: int
) -> Response:
    with transaction(request.app.state.engine) as session:
        if not delete_view(session, user.user_id, user.username, view_id):
            raise HTTPException(status_code=404)
    return RedirectResponse("/views", status_code=303)

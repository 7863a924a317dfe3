"""The glossary of statuses: every status careassure shows, with the one rule that gives it.

Every status tag on every page links here (``/statuses#<status>``), so a reader who meets "Due"
or "Off track" can find what it means in one click. The words are
:data:`careassure.measures.statuses.GLOSSARY`, the same the plan's rules and the reports use.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from careassure.measures.statuses import GLOSSARY
from careassure.measures.targets import TOLERANCE_KEY, load_targets
from careassure.web.auth import Allow
from careassure.web.roles import EVERYONE
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()


@router.get("/statuses")
def statuses(request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))]) -> Response:
    return render(
        request,
        "statuses.html",
        {"glossary": GLOSSARY, "tolerance": load_targets().tolerance,
         "tolerance_key": TOLERANCE_KEY},
    )

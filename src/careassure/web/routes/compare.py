"""How do we compare? Every imported national measure, the council beside England, its region,
its type and its nearest neighbours, with the direction of better and the trend over the
published years; measures with a careassure twin show the council's own figure beside them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from careassure.web import comparators
from careassure.web.auth import Allow
from careassure.web.roles import EVERYONE
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()


@router.get("/compare")
def compare_page(
    request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))]
) -> Response:
    code, found = comparators.comparisons(request)
    measures = [comparators.shown(request, c, i) for i, c in enumerate(found, start=1)]
    return render(request, "compare.html", {
        "council_code": code,
        "council_name": found[0].council_name if found else None,
        "measures": measures,
        "synthetic": comparators.synthetic(request),
        **comparators.WORDING,
    })

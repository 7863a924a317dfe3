"""The careassure web app (FastAPI, Jinja2, GOV.UK Frontend): ``create_app`` builds it.

Imported lazily so that ``careassure --help`` does not load FastAPI. See docs/web.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from careassure.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from careassure.web.app import create_app

        return create_app
    raise AttributeError(f"module 'careassure.web' has no attribute {name!r}")

"""Where careassure keeps its files.

Everything a council's installation writes lives under one home folder so that it can be backed
up, moved or wiped as a unit, and so that the pseudonymisation key is never written next to the
data by accident: the key lives in the home folder, the analytical store is a separate file.
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "CAREASSURE_HOME"
STORE_ENV = "CAREASSURE_STORE"


def home() -> Path:
    """The installation's home folder: ``$CAREASSURE_HOME`` or ``~/.careassure``."""
    configured = os.environ.get(HOME_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".careassure"


def default_store_path() -> Path:
    """The embedded analytical store: ``$CAREASSURE_STORE`` or ``<home>/store.duckdb``."""
    configured = os.environ.get(STORE_ENV)
    return Path(configured).expanduser() if configured else home() / "store.duckdb"


def store_path(path: str | Path | None = None) -> Path:
    """The store file to use: the one given, else ``$CAREASSURE_STORE`` or the home default."""
    return Path(path).expanduser() if path else default_store_path()


COUNCIL_ENV = "CAREASSURE_COUNCIL_CODE"


def council_code_path() -> Path:
    """Where ``careassure compare council`` keeps the council's code: ``<home>/council-code``."""
    return home() / "council-code"


def council_code() -> str | None:
    """The council's own ONS code (e.g. E10000018 for Leicestershire), which picks its row out
    of national files: ``$CAREASSURE_COUNCIL_CODE``, else ``<home>/council-code``, else None."""
    configured = os.environ.get(COUNCIL_ENV, "").strip()
    if configured:
        return configured
    path = council_code_path()
    if path.is_file():
        return path.read_text(encoding="utf-8").strip() or None
    return None


def set_council_code(code: str) -> Path:
    """Keep the council's ONS code in the home folder (the environment variable still wins)."""
    path = council_code_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(code + "\n", encoding="utf-8")
    return path


def synthetic_load_path() -> Path:
    """Where the demo notes the load id of its synthetic county: ``<home>/synthetic-load``."""
    return home() / "synthetic-load"


def synthetic_load_id() -> str | None:
    """The load id of the store's synthetic county, if the demo loaded one: pages that set the
    council's own figures beside real published ones say so while that load is the latest."""
    path = synthetic_load_path()
    if path.is_file():
        return path.read_text(encoding="utf-8").strip() or None
    return None


def mark_synthetic_load(load_id: str) -> None:
    """Note that the load ``load_id`` is synthetic (the demo's county)."""
    path = synthetic_load_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(load_id + "\n", encoding="utf-8")

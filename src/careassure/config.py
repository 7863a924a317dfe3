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

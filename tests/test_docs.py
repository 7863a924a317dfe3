"""Docs that describe tables in code are tested against the code, so they cannot drift.

Settings (environment variables) and sub-commands each have one page that lists them (the web
app's routes are checked against docs/web.md in tests/web/test_roles_documented.py); these tests
fail when the code grows an entry the page does not describe, or the page keeps one the code
dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command

from careassure.cli import app

ROOT = Path(__file__).resolve().parents[1]
SETTING = re.compile(r"CAREASSURE_[A-Z_]+")


def settings_read_by_code() -> set[str]:
    """Every setting named in the code, and the ingest limits, which are read by a prefix and
    their field names (``CAREASSURE_INGEST_MAX_ROWS``)."""
    from dataclasses import fields

    from careassure.records.limits import ENV_PREFIX, IngestLimits

    names: set[str] = set()
    for folder in ("src", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(SETTING.findall(path.read_text(encoding="utf-8")))
    names = {name for name in names if not name.endswith("_")}  # a prefix, not a setting
    return names | {ENV_PREFIX + field.name.upper() for field in fields(IngestLimits)}


def settings_documented() -> set[str]:
    page = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `(CAREASSURE_[A-Z_]+)` \|", page, flags=re.MULTILINE))


def test_every_setting_is_documented_and_every_documented_setting_exists() -> None:
    read, documented = settings_read_by_code(), settings_documented()
    assert len(read) >= 5  # the code was read, not skipped
    assert sorted(read - documented) == [], "add these to docs/settings.md"
    assert sorted(documented - read) == [], "docs/settings.md lists settings nothing reads"


def test_every_sub_command_is_documented() -> None:
    """Each `careassure` sub-command (and each command of a group) is named in some docs page."""
    docs = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    docs += (ROOT / "README.md").read_text(encoding="utf-8")
    root = get_command(app)
    missing = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            missing += [f"careassure {name} {sub}" for sub in subcommands
                        if f"careassure {name} {sub}" not in docs]
        elif f"careassure {name}" not in docs:
            missing.append(f"careassure {name}")
    assert missing == []

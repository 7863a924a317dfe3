"""Report settings: the council's name and committee and its last CQC assessment.

The framework module knows the assessment cycle's rules (``framework.yaml``) but does not store
a council's last rating or its dates, and the improvement plan holds no committee details, so the
reports read them from ``reports.yaml`` (shipped for the synthetic county) with
``<careassure home>/reports.yaml`` merged over it key by key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, overload

import yaml

from careassure.config import home

DEFAULT_FILE = Path(__file__).with_name("reports.yaml")
OVERRIDE_NAME = "reports.yaml"


class ReportSettingsError(ValueError):
    """A settings file that cannot be used; the message names the file, the key and why."""


@dataclass(frozen=True)
class LastAssessment:
    rating: str
    published: date
    stage_1_submitted: date | None
    stage_2_submitted: date | None


@dataclass(frozen=True)
class ReportSettings:
    council: str
    department: str
    director: str
    committee: str
    governance: str
    last_assessment: LastAssessment | None
    support_needed: tuple[str, ...]
    sources: tuple[str, ...]


def _merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        return {**base, **{k: _merge(base.get(k), v) for k, v in override.items()}}
    return override


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ReportSettingsError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ReportSettingsError(f"{path}: expected a mapping of settings")
    return data


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ReportSettingsError(f"{where}: {key}: expected text, got {value!r}")
    return " ".join(value.split())


def _texts(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = data.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise ReportSettingsError(f"{where}: {key}: expected a list of text entries")
    return tuple(" ".join(v.split()) for v in values)


@overload
def _day(data: dict[str, Any], key: str, where: str, required: Literal[True]) -> date: ...


@overload
def _day(data: dict[str, Any], key: str, where: str, required: bool) -> date | None: ...


def _day(data: dict[str, Any], key: str, where: str, required: bool) -> date | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, date):
        raise ReportSettingsError(
            f"{where}: last_assessment.{key}: expected a date written YYYY-MM-DD, got {value!r}")
    return value


def load_settings(override: Path | None = None) -> ReportSettings:
    """The shipped settings with the home folder's (or ``override``) merged over them."""
    data = _read(DEFAULT_FILE)
    sources = [str(DEFAULT_FILE)]
    chosen = override if override is not None else home() / OVERRIDE_NAME
    if override is not None or chosen.exists():
        if not chosen.is_file():
            raise ReportSettingsError(f"{chosen}: report settings file not found")
        data = _merge(data, _read(chosen))
        sources.append(str(chosen))
    where = " + ".join(sources)
    last = data.get("last_assessment")
    assessment = None
    if last is not None:
        if not isinstance(last, dict):
            raise ReportSettingsError(f"{where}: last_assessment: expected a mapping")
        assessment = LastAssessment(
            rating=_text(last, "rating", f"{where}: last_assessment"),
            published=_day(last, "published", where, True),
            stage_1_submitted=_day(last, "stage_1_submitted", where, False),
            stage_2_submitted=_day(last, "stage_2_submitted", where, False),
        )
    return ReportSettings(
        council=_text(data, "council", where),
        department=_text(data, "department", where),
        director=_text(data, "director", where),
        committee=_text(data, "committee", where),
        governance=_text(data, "governance", where),
        last_assessment=assessment,
        support_needed=_texts(data, "support_needed", where),
        sources=tuple(sources),
    )

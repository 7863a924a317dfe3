"""Report settings: the council's name and committee, its last CQC assessment, and the
per-council text of the committee paper's standing sections.

The framework module knows the assessment cycle's rules (``framework.yaml``) but does not store
a council's last rating or its dates, and the improvement plan holds no committee details, so the
reports read them from ``reports.yaml`` (shipped with the demo's values) with
``<careassure home>/reports.yaml`` merged over it key by key. The file carries a format
``version``; every key is described in docs/reports.md. The paper's standing text (resource,
equality and human rights implications and the like) can also be edited on the reports page: those
edits are kept, versioned and audited, in the application database (:mod:`.papertext`) and
replace the file's text section by section.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal, overload

import yaml

from careassure.config import home

DEFAULT_FILE = Path(__file__).with_name("reports.yaml")
OVERRIDE_NAME = "reports.yaml"
# The format of reports.yaml this careassure reads (a file without the key is taken as this).
FORMAT_VERSION = 2
# The committee paper's standing sections whose text is the council's own, in paper order, with
# the heading each gets (seed 000). "background" and "looking_ahead" add paragraphs to sections
# the product otherwise writes from what it knows.
PAPER_TEXT: dict[str, str] = {
    "background": "Background (paragraphs after the rating and the reporting stages)",
    "looking_ahead": "Looking ahead and preparation for the next CQC assessment (after the dates)",
    "resources": "Resource implications",
    "timetable": "Timetable for decisions",
    "local_issues_alert": "Circulation under the Local Issues Alert Procedure",
    "equality": "Equality implications",
    "human_rights": "Human rights implications",
}


class ReportSettingsError(ValueError):
    """A settings file that cannot be used; the message names the file, the key and why."""


@dataclass(frozen=True)
class LastAssessment:
    rating: str
    published: date
    stage_1_submitted: date | None
    stage_2_submitted: date | None
    report_link: str | None = None


@dataclass(frozen=True)
class PreviousReport:
    """A report the committee received before, for "Policy framework and previous decisions"
    (``summary`` completes "the Committee received a report ...") and "Background papers"."""

    date: date
    title: str
    summary: str
    link: str | None


@dataclass(frozen=True)
class Officer:
    """An officer to contact about the paper: their name, job title, telephone and email."""

    name: str
    role: str
    phone: str | None
    email: str | None


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
    data_source: str = "the council's case-level adult social care records"
    previous_reports: tuple[PreviousReport, ...] = ()
    officers: tuple[Officer, ...] = ()
    paper: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Section key -> the version of its text edited on the reports page (absent: the file's).
    paper_versions: Mapping[str, int] = field(default_factory=dict)

    def with_paper_text(self, text: Mapping[str, tuple[int, tuple[str, ...]]]) -> ReportSettings:
        """These settings with the paper text edited on the reports page (section key ->
        (version, paragraphs)) in place of the file's."""
        paper = dict(self.paper)
        versions = dict(self.paper_versions)
        for key, (version, paragraphs) in text.items():
            paper[key] = paragraphs
            versions[key] = version
        return replace(self, paper=paper, paper_versions=versions)


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


def _optional_text(data: dict[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ReportSettingsError(f"{where}: {key}: expected text, got {value!r}")
    return " ".join(value.split())


def _entries(data: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    values = data.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        raise ReportSettingsError(f"{where}: {key}: expected a list of mappings")
    return values


def _previous(data: dict[str, Any], where: str) -> tuple[PreviousReport, ...]:
    found = []
    for number, entry in enumerate(_entries(data, "previous_reports", where), start=1):
        at = f"{where}: previous_reports[{number}]"
        when = entry.get("date")
        if not isinstance(when, date):
            raise ReportSettingsError(
                f"{at}.date: expected a date written YYYY-MM-DD, got {when!r}")
        found.append(PreviousReport(when, _text(entry, "title", at), _text(entry, "summary", at),
                                    _optional_text(entry, "link", at)))
    return tuple(sorted(found, key=lambda r: r.date, reverse=True))


def _officers(data: dict[str, Any], where: str) -> tuple[Officer, ...]:
    found = []
    for number, entry in enumerate(_entries(data, "officers", where), start=1):
        at = f"{where}: officers[{number}]"
        found.append(Officer(_text(entry, "name", at), _text(entry, "role", at),
                             _optional_text(entry, "phone", at),
                             _optional_text(entry, "email", at)))
    return tuple(found)


def _paper(data: dict[str, Any], where: str) -> dict[str, tuple[str, ...]]:
    paper = data.get("paper") or {}
    if not isinstance(paper, dict):
        raise ReportSettingsError(f"{where}: paper: expected a mapping of section texts")
    unknown = sorted(set(paper) - set(PAPER_TEXT))
    if unknown:
        raise ReportSettingsError(f"{where}: paper: unknown section {unknown[0]!r}: choose from "
                                  f"{', '.join(PAPER_TEXT)}")
    return {key: _texts(paper, key, f"{where}: paper") for key in PAPER_TEXT}


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
    version = data.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ReportSettingsError(
            f"{where}: version: this careassure reads version {FORMAT_VERSION} of the report "
            f"settings, got {version!r} (docs/reports.md lists the changes)")
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
            report_link=_optional_text(last, "report_link", f"{where}: last_assessment"),
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
        data_source=_text(data, "data_source", where),
        previous_reports=_previous(data, where),
        officers=_officers(data, where),
        paper=_paper(data, where),
        paper_versions={},
    )

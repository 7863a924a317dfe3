"""Report settings and the DHSC stage derived from the framework's assessment-cycle planner."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from careassure.framework.model import load_framework
from careassure.reports.cycle import cycle_at
from careassure.reports.settings import LastAssessment, ReportSettingsError, load_settings

SEED = LastAssessment("Requires improvement", date(2025, 9, 17), date(2025, 9, 27),
                      date(2025, 12, 17), "https://www.cqc.org.uk/care-services/"
                      "local-authority-assessment-reports/leicestershire-0925")


def test_shipped_settings_are_the_seeds() -> None:
    settings = load_settings()
    assert settings.last_assessment == SEED
    assert settings.committee == "Adults and Communities Overview and Scrutiny Committee"


def test_home_settings_merge_over_the_shipped_ones(careassure_home: Path) -> None:
    careassure_home.mkdir(parents=True)
    (careassure_home / "reports.yaml").write_text(
        "council: Shireham County Council\nlast_assessment:\n  published: 2026-01-20\n")
    settings = load_settings()
    assert settings.council == "Shireham County Council"
    assert settings.last_assessment.published == date(2026, 1, 20)
    assert settings.last_assessment.rating == "Requires improvement"


def test_a_bad_date_names_the_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "reports.yaml"
    bad.write_text("last_assessment:\n  published: 17/09/2025\n")
    with pytest.raises(ReportSettingsError,
                       match=r"reports.yaml: last_assessment.published: expected a date"):
        load_settings(bad)


@pytest.mark.parametrize(
    ("as_of", "stage", "next_update", "number"),
    [
        (date(2025, 10, 1), 1, date(2026, 3, 17), 1),
        (date(2026, 1, 19), 2, date(2026, 3, 17), 1),   # seed 004: "will commence March 2026"
        (date(2026, 6, 1), 3, date(2026, 6, 17), 2),    # seed 000: "due 17 June 2026"
    ],
)
def test_dhsc_stage_follows_the_seeds(as_of: date, stage: int, next_update: date,
                                      number: int) -> None:
    cycle = cycle_at(load_framework(), SEED, as_of)
    assert (cycle.stage, cycle.next_update, cycle.update_number) == (stage, next_update, number)
    assert cycle.next_assessment_due == date(2028, 9, 17)


def test_stage_3_wording() -> None:
    cycle = cycle_at(load_framework(), SEED, date(2026, 6, 1))
    assert cycle.stage_lines[2] == ("Stage 3 – quarterly updates to DHSC commenced 17 March 2026; "
                                    "the next is due 17 June 2026.")
    before = cycle_at(load_framework(), SEED, date(2026, 1, 19))
    assert before.stage_lines[2] == (
        "Stage 3 – quarterly updates to DHSC will commence 17 March 2026.")


def test_an_unknown_rating_is_a_settings_error() -> None:
    last = LastAssessment("Requires improvment", date(2025, 9, 17), None, None)
    with pytest.raises(ReportSettingsError, match="last_assessment: unknown rating"):
        cycle_at(load_framework(), last, date(2026, 1, 1))


def test_the_settings_file_format_is_versioned(tmp_path: Path) -> None:
    assert load_settings().paper["local_issues_alert"] == ("None.",)
    other = tmp_path / "reports.yaml"
    other.write_text("version: 1\n")
    with pytest.raises(ReportSettingsError, match=r"version: this careassure reads version 2"):
        load_settings(other)


@pytest.mark.parametrize(("text", "message"), [
    ("previous_reports:\n  - {date: 01/03/2026, title: T, summary: S}\n",
     r"previous_reports\[1\]\.date: expected a date"),
    ("officers:\n  - {name: A}\n", r"officers\[1\]: role: expected text"),
    ("paper:\n  purpose: [x]\n", r"paper: unknown section 'purpose'"),
])
def test_bad_paper_settings_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "reports.yaml"
    bad.write_text(text)
    with pytest.raises(ReportSettingsError, match=message):
        load_settings(bad)

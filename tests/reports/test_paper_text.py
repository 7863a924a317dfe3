"""The committee paper's standing text edited on the reports page: each save is a new version
with its audit row, an unchanged section is not saved again, and the paper uses the latest."""

from __future__ import annotations

import pytest

from careassure.reports.papertext import latest, paragraphs_of, save_section
from careassure.reports.settings import ReportSettingsError, load_settings


@pytest.fixture
def session(tmp_path):
    from careassure.appdb import create_engine, transaction, upgrade

    url = f"sqlite:///{tmp_path / 'careassure.db'}"
    upgrade(url)
    engine = create_engine(url)
    with transaction(engine) as opened:
        yield opened
    engine.dispose()


def test_paragraphs_are_blank_line_separated_blocks() -> None:
    assert paragraphs_of("One\nline.\r\n\r\n  Two.  \n\n\n") == ("One line.", "Two.")


def test_each_change_is_a_new_audited_version(session) -> None:
    from careassure.appdb import history
    from careassure.reports.tables import PaperText

    shipped = load_settings().paper["equality"]
    assert save_section(session, "clerk", "equality", "\n\n".join(shipped), shipped) is None
    assert save_section(session, "clerk", "equality", "None arise.", shipped) == 1
    assert save_section(session, "clerk", "equality", "None arise.", ("None arise.",)) is None
    assert save_section(session, "lead", "equality", "First.\n\nSecond.", ("None arise.",)) == 2
    assert latest(session) == {"equality": (2, ("First.", "Second."))}
    settings = load_settings().with_paper_text(latest(session))
    assert settings.paper["equality"] == ("First.", "Second.")
    assert settings.paper["human_rights"] == load_settings().paper["human_rights"]
    assert settings.paper_versions == {"equality": 2}
    rows = session.query(PaperText).order_by(PaperText.version).all()
    entries = [e for row in rows for e in history(session, "report_paper_text", row.id)]
    assert [e.actor for e in entries] == ["clerk", "lead"]
    assert entries[0].before["paragraphs"] == list(shipped)
    assert entries[1].before["paragraphs"] == ["None arise."]
    assert entries[1].after["paragraphs"] == ["First.", "Second."]


def test_unknown_sections_and_oversized_text_are_refused(session) -> None:
    with pytest.raises(ReportSettingsError, match="unknown section"):
        save_section(session, "clerk", "purpose", "Text.", ())
    with pytest.raises(ReportSettingsError, match="longer than 2000 characters"):
        save_section(session, "clerk", "equality", "x" * 2001, ())

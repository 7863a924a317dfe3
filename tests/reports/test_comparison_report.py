"""The committee and self-assessment reports' comparison table: the same rows as the page, in
every format, and no section when nothing is imported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from careassure.appdb import create_engine, transaction, upgrade
from careassure.compare.store import import_figures, import_neighbours
from careassure.reports.common import new_document
from careassure.reports.comparison import add_comparison
from careassure.reports.document import Document, Table
from careassure.reports.output import write_report
from careassure.reports.settings import load_settings

FIXTURES = Path(__file__).parents[1] / "fixtures" / "compare"


def _document() -> Document:
    return new_document("committee", "Update", "Report", load_settings(), as_of=date(2026, 9, 30),
                        extract_date=date(2026, 9, 30), publish=True)


def test_the_comparison_table_in_a_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'careassure.db'}"
    upgrade(url)
    engine = create_engine(url)
    try:
        with transaction(engine) as session:
            document = _document()
            assert not add_comparison(document, session)  # no council configured
            monkeypatch.setenv("CAREASSURE_COUNCIL_CODE", "E10000018")
            assert not add_comparison(document, session)  # nothing imported
            import_figures(session, FIXTURES / "oflog-asc-subset.csv", "tests")
            import_neighbours(session, FIXTURES / "oflog-nn-subset.json", "tests")
            assert add_comparison(document, session)
    finally:
        engine.dispose()
    (section,) = [s for s in document.sections if s.key == "comparison"]
    (table,) = [b for b in section.blocks if isinstance(b, Table)]
    texts = {row[0].text: [c.text for c in row[1:]] for row in table.rows}
    assert texts["Outcome, Ease of finding information about services : service users"] == [
        "2022-23", "61.8", "67.5", "66.2", "67.6", "60.0 to 71.9 (15 councils)", "128th of 149",
        "Higher is better"]
    html = tmp_path / "report.html"
    write_report(document, html)
    assert "128th of 149" in html.read_text()
    write_report(document, tmp_path / "report.docx")

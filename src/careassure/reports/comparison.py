"""The comparison table for the committee update and the self-assessment: the council beside
England, its region and its nearest neighbours, latest published period of each measure.

Built from the same rows as the comparison page and ``careassure compare show``
(``careassure.compare.wording.table_rows``), so a figure reads the same everywhere. Added only
when the council's code is configured and national figures for it have been imported.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from careassure.compare.store import council_comparisons
from careassure.compare.wording import COLUMNS, table_rows
from careassure.config import council_code
from careassure.reports.document import Document, Paragraph, Table, cell


def add_comparison(doc: Document, session: Session, code: str | None = None) -> bool:
    """Add the section "How we compare" to ``doc`` when there is anything to compare (the
    configured council's by default); True when it was added."""
    code = code or council_code()
    if code is None:
        return False
    comparisons = council_comparisons(session, code)
    if not comparisons:
        return False
    name = comparisons[0].council_name
    section = doc.section("How we compare", key="comparison", wide=True)
    section.add(Paragraph(
        f"{name} beside England, its region and its nearest neighbours in the published national "
        "figures (latest period of each measure). Medians, ranges and ranks are worked out from "
        "every council's published value for the same period; rank 1 is the best. Periods are "
        "national financial years, not the dates of the local figures in this report."))
    section.add(Table(
        COLUMNS,
        tuple(tuple(cell(text) for text in row) for row in table_rows(comparisons)),
        caption=f"{name} ({code}) beside England, its region and its nearest neighbours",
        widths=(5, 1.4, 1.4, 1.6, 1.6, 1.6, 2.6, 1.6, 2.2),
        key="comparison",
    ))
    return True

"""A small valid extract in the record format, written by hand, and helpers to spoil it.

Every rule test starts from this extract and changes one cell (or header, or file), so the error
expected is the only one the extract can produce.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HEADERS: dict[str, list[str]] = {
    "people": ["person_id", "birth_month", "gender", "ethnicity", "client_type",
               "primary_support_reason", "locality", "rural_urban"],
    "teams": ["team", "team_type"],
    "episodes": ["episode_id", "person_id", "kind", "team", "subtype", "received_date",
                 "allocated_date", "completed_date", "closed_date", "outcome"],
    "services": ["service_id", "person_id", "support_type", "setting", "delivery_mechanism",
                 "start_date", "end_date", "weekly_cost"],
    "contacts": ["contact_id", "received_at", "answered", "queue_seconds", "category"],
    "population": ["locality", "ethnicity", "age_band", "count"],
}

ROWS: dict[str, list[list[str]]] = {
    "people": [
        ["P001", "1948-07", "female", "white", "service_user", "physical_support", "Elmsford",
         "rural"],
        ["P002", "1960-02", "male", "asian", "service_user", "mental_health", "Kestonby",
         "urban"],
        ["P003", "1975-11", "female", "black", "carer", "", "Kestonby", "urban"],
    ],
    "teams": [
        ["North Locality Team", "locality"],
        ["Finance Team", "finance"],
    ],
    "episodes": [
        ["E001", "P001", "care_act_assessment", "North Locality Team", "", "2024-04-02",
         "2024-04-10", "2024-05-01", "", "eligible"],
        ["E002", "P002", "review", "North Locality Team", "planned", "2024-05-03", "2024-05-03",
         "", "", ""],
        ["E003", "P001", "financial_assessment", "Finance Team", "non_residential", "2024-05-07",
         "", "", "2024-06-01", ""],
        ["E004", "P003", "carer_assessment", "", "", "2024-06-12", "", "", "", ""],
    ],
    "services": [
        ["S001", "P001", "long_term", "home_care", "council_commissioned", "2024-05-02", "",
         "412.50"],
        ["S002", "P002", "short_term", "residential", "", "2024-03-01", "2024-03-29", "900"],
    ],
    "contacts": [
        ["C001", "2024-04-01T09:15:00", "true", "35", "new_request"],
        ["C002", "2024-04-01T09:20:10", "false", "600", "allocated_worker"],
    ],
    "population": [
        ["Elmsford", "white", "18-64", "41000"],
        ["Elmsford", "white", "65+", "12000"],
        ["", "asian", "", "9000"],
    ],
}

RAW_PERSON_IDS = ("P001", "P002", "P003")


def tables() -> dict[str, tuple[list[str], list[list[str]]]]:
    """A fresh copy of the extract: table -> (header, rows)."""
    return {name: (list(HEADERS[name]), [list(r) for r in ROWS[name]]) for name in HEADERS}


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_folder(folder: Path, data: dict[str, tuple[list[str], list[list[str]]]] | None = None,
                 ) -> Path:
    """Write the extract (or ``data``) as one CSV file per table."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in (data or tables()).items():
        (folder / f"{name}.csv").write_text(csv_text(header, rows), encoding="utf-8")
    return folder


def with_cell(folder: Path, table: str, row: int, column: str, value: str) -> Path:
    """The extract with one cell changed (``row`` counts data rows from 0)."""
    data = tables()
    header, rows = data[table]
    rows[row][header.index(column)] = value
    return write_folder(folder, data)

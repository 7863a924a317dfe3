"""The web tests' tiny extract and logins (imported by conftest and the tests; signing in is
tests/webhelpers.py, shared with the other folders).

The extract is small enough to read: 15 Care Act assessments waiting in the North team and 3 in
the South team at the extract date (31/12/2025), so the viewer must see the South team's count
as "*" (and the North team's too: with the total shown, it would give the South team away) and
everyone else sees 3. One team's name starts with "@", which a spreadsheet would run as a
formula, to test the CSV download.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta

from webhelpers import PASSWORD  # noqa: F401 (the web tests' logins use the shared password)

ROLE_USERS = {
    "admin": "admin",
    "improvement_manager": "manager",
    "workstream_lead": "lead",
    "analyst": "analyst",
    "viewer": "viewer",
}
NORTH, SOUTH, ODD = "North Locality Team", "South Locality Team", "@Outreach Team"
EXTRACT_DATE = date(2025, 12, 31)

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


def extract_rows() -> dict[str, list[list[str]]]:
    """The tiny county: who is waiting where, plus a year of allocated assessments."""
    people, episodes = [], []
    for n in range(1, 41):
        people.append([f"P{n:03}", "1950-01", "female", "white", "service_user",
                       "physical_support", "Elmsford" if n % 2 else "Kestonby", "urban"])

    def episode(n: int, person: int, team: str, received: date,
                allocated: date | None = None) -> None:
        episodes.append([f"E{n:03}", f"P{person:03}", "care_act_assessment", team, "",
                         received.isoformat(), allocated.isoformat() if allocated else "", "",
                         "", ""])

    for n in range(15):  # North: 15 waiting at the extract date
        episode(len(episodes) + 1, n + 1, NORTH, EXTRACT_DATE - timedelta(days=5 + 3 * n))
    for n in range(3):  # South: 3 waiting (shown "*" to the viewer)
        episode(len(episodes) + 1, 16 + n, SOUTH, EXTRACT_DATE - timedelta(days=10 + n))
    for n in range(12):  # Outreach: allocated within the year, nobody waiting now
        received = date(2025, 1, 10) + timedelta(days=28 * n)
        episode(len(episodes) + 1, 20 + n, ODD, received, received + timedelta(days=9))
    episode(len(episodes) + 1, 40, NORTH, date(2025, 1, 2), EXTRACT_DATE)
    return {
        "people": people,
        "teams": [[NORTH, "locality"], [SOUTH, "locality"], [ODD, "specialist"]],
        "episodes": episodes,
        "services": [],
        "contacts": [],
        "population": [],
    }


def csv_text(table: str, rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS[table])
    writer.writerows(rows)
    return out.getvalue()


def extract_zip(rows: dict[str, list[list[str]]] | None = None) -> bytes:
    """The extract as a ZIP of CSV files, as an analyst would upload it."""
    rows = rows if rows is not None else extract_rows()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for table in HEADERS:
            archive.writestr(f"{table}.csv", csv_text(table, rows[table]))
    return out.getvalue()

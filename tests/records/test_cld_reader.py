"""The CLD reader on tiny hand-written extracts in both releases' spellings."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pytest

from careassure.records.cld import CldFormatError, read_cld
from careassure.records.schema import STORE_ORDER, TABLES

LA = "E10000999"
# Person columns as a Release 2 extract spells them; each row below repeats them, as CLD does.
PERSON_R2 = {
    "LA_Code": LA,
    "Reporting_Period_Start_Date": "2024-04-01",
    "Reporting_Period_End_Date": "2025-03-31",
    "LA_Person_Unique_Identifier": "P1",
    "NHS_Number": "",
    "Gender": "Female",
    "Ethnicity": "White: Irish",
    "Date_of_Birth": "1940-05-17",
    "Date_of_Death": "",
    "Client_Type": "Service user",
    "Primary_Support_Reason": "Physical support: Personal care support",
    "Postcode": "LE11 5AB",
}
EVENT_COLUMNS = (
    "Event_Type", "Event_Reference", "Event_Start_Date", "Event_End_Date", "Event_Outcome",
    "Request_Route_of_Access", "Assessment_Type", "Eligible_Needs_Identified", "Service_Type",
    "Service_Component", "Delivery_Mechanism", "Unit_Cost", "Cost_Frequency_Unit_Type",
    "Planned_units_per_week", "Review_Reason", "Review_Outcomes_Achieved",
)


def write(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    """A CLD CSV: every row has every column (blank when not given)."""
    columns = header or [*PERSON_R2, *EVENT_COLUMNS, "Event_Description"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def r2(**event: str) -> dict[str, str]:
    return {**PERSON_R2, **event}


def table(extract, name: str) -> list[dict[str, str | None]]:
    """Rows of a table without its generated id column, sorted, for exact comparison."""
    id_column = {"episodes": "episode_id", "services": "service_id"}.get(name)
    rows = extract.tables[name].to_pylist()
    for row in rows:
        row.pop(id_column, None)
    return sorted(rows, key=lambda r: [str(v) for v in r.values()])


def episode(person: str, kind: str, received: str, allocated: str, completed: str,
            subtype: str | None = None, outcome: str | None = None) -> dict[str, str | None]:
    return {"person_id": person, "kind": kind, "team": None, "subtype": subtype,
            "received_date": received, "allocated_date": allocated, "completed_date": completed,
            "closed_date": None, "outcome": outcome}


def test_release_2_extract_maps_exactly(tmp_path: Path) -> None:
    path = write(tmp_path / "cld.csv", [
        r2(Event_Type="Request", Event_Start_Date="2024-05-01", Event_End_Date="2024-05-03",
           Event_Outcome="Progress to assessment, review or reassessment",
           Request_Route_of_Access="Discharge from hospital", Event_Description="free text"),
        r2(Event_Type="Assessment", Event_Start_Date="2024-05-20", Event_End_Date="2024-06-10",
           Event_Outcome="Progress to support planning or services",
           Assessment_Type="Long term assessment", Eligible_Needs_Identified="Yes"),
        r2(Event_Type="Service", Event_Start_Date="2024-06-15",
           Service_Type="Long term support: Community",
           Service_Component="Home support or domiciliary care",
           Delivery_Mechanism="CASSR Commissioned Support", Unit_Cost="20.50",
           Cost_Frequency_Unit_Type="Hourly", Planned_units_per_week="10"),
        r2(Event_Type="Service", Event_Start_Date="2024-05-04", Event_End_Date="2024-05-19",
           Service_Type="Short term support: ST-Max", Service_Component="Reablement"),
        r2(Event_Type="Review", Event_Start_Date="2025-01-10", Event_End_Date="2025-01-12",
           Review_Reason="Unplanned: Hospital", Review_Outcomes_Achieved="Partially met"),
    ])
    extract = read_cld(path)
    assert table(extract, "people") == [{
        "person_id": f"{LA}_P1", "birth_month": "1940-05", "gender": "female",
        "ethnicity": "white", "client_type": "service_user",
        "primary_support_reason": "physical_support", "locality": None, "rural_urban": None,
    }]
    assert table(extract, "episodes") == sorted([
        episode(f"{LA}_P1", "care_act_assessment", "2024-05-01", "2024-05-20", "2024-06-10",
                outcome="eligible"),
        episode(f"{LA}_P1", "review", "2025-01-10", "2025-01-10", "2025-01-12",
                subtype="unplanned", outcome="partially_met"),
    ], key=lambda r: [str(v) for v in r.values()])
    assert table(extract, "services") == sorted([
        {"person_id": f"{LA}_P1", "support_type": "long_term", "setting": "home_care",
         "delivery_mechanism": "council_commissioned", "start_date": "2024-06-15",
         "end_date": None, "weekly_cost": "205.00"},
        # CLD's end date is the last day of the service; the record format's the first day without.
        {"person_id": f"{LA}_P1", "support_type": "short_term", "setting": "home_care",
         "delivery_mechanism": None, "start_date": "2024-05-04", "end_date": "2024-05-20",
         "weekly_cost": None},
    ], key=lambda r: [str(v) for v in r.values()])
    assert extract.report.requests_linked == 1
    assert extract.report.columns_not_used == ["Event_Description", "Event_Reference"]


def test_release_1_spellings_headers_and_uk_dates(tmp_path: Path) -> None:
    header = ["la_code", "LA_PERSON_UNIQUE_IDENTIFIER", "Gender", "Ethnicity", "Date of Birth",
              "Client_Type", "Primary_Support_Reason", "Event_Type", "Event_Start_Date",
              "Event_End_Date", "Event_Outcome", "Request:_Route_of_Access", "Assessment_Type",
              "Service_Type", "Service_Component", "Delivery_Mechanism", "Review_Reason"]
    person = {"la_code": LA, "LA_PERSON_UNIQUE_IDENTIFIER": "77", "Gender": "Male",
              "Ethnicity": "Mixed/Multiple ethnic groups - White and Asian",
              "Date of Birth": "03/11/1958", "Client_Type": "Service User",
              "Primary_Support_Reason": "Support with Memory & Cognition"}
    carer = {"la_code": LA, "LA_PERSON_UNIQUE_IDENTIFIER": "C9", "Gender": "Unknown",
             "Ethnicity": "Refused", "Client_Type": "Carer"}
    path = write(tmp_path / "r1.csv", [
        {**person, "Event_Type": "Request", "Event_Start_Date": "1/2/2024",
         "Event_End_Date": "02/02/2024", "Event_Outcome": "Progress to Assessment",
         "Request:_Route_of_Access": "Community / Other route"},
        {**person, "Event_Type": "Assessment", "Event_Start_Date": "12/02/2024",
         "Event_End_Date": "20/02/2024", "Event_Outcome": "NFA - Support declined",
         "Assessment_Type": "Short Term Assessment"},
        {**person, "Event_Type": "Service", "Event_Start_Date": "01/03/2024",
         "Service_Type": "Long Term Support: Nursing Care",
         "Service_Component": "Long Term Nursing Care"},
        {**person, "Event_Type": "Review", "Event_Start_Date": "01/03/2025",
         "Event_End_Date": "01/03/2025", "Review_Reason": "Planned"},
        {**carer, "Event_Type": "Request", "Event_Start_Date": "2024-03-01",
         "Event_End_Date": "2024-03-01", "Event_Outcome": "Progress to Assessment",
         "Request:_Route_of_Access": "Community / Other route"},
        {**carer, "Event_Type": "Assessment", "Event_Start_Date": "2024-03-08",
         "Event_End_Date": "2024-03-09", "Assessment_Type": "Long Term Assessment"},
        # Named on a service user's record, with no event of their own.
        {"la_code": LA, "LA_PERSON_UNIQUE_IDENTIFIER": "K1",
         "Client_Type": "Carer known by association"},
    ], header)
    extract = read_cld(path)
    people = {p["person_id"]: p for p in table(extract, "people")}
    assert people[f"{LA}_77"] == {
        "person_id": f"{LA}_77", "birth_month": "1958-11", "gender": "male",
        "ethnicity": "mixed", "client_type": "service_user",
        "primary_support_reason": "memory_cognition", "locality": None, "rural_urban": None}
    assert (people[f"{LA}_C9"]["client_type"], people[f"{LA}_C9"]["gender"],
            people[f"{LA}_C9"]["ethnicity"]) == ("carer", "unknown", "unknown")
    assert people[f"{LA}_K1"]["client_type"] == "carer"
    assert table(extract, "episodes") == sorted([
        episode(f"{LA}_77", "care_act_assessment", "2024-02-01", "2024-02-12", "2024-02-20"),
        episode(f"{LA}_77", "review", "2025-03-01", "2025-03-01", "2025-03-01",
                subtype="planned"),
        episode(f"{LA}_C9", "carer_assessment", "2024-03-01", "2024-03-08", "2024-03-09"),
    ], key=lambda r: [str(v) for v in r.values()])
    assert table(extract, "services") == [{
        "person_id": f"{LA}_77", "support_type": "long_term", "setting": "nursing",
        "delivery_mechanism": None, "start_date": "2024-03-01", "end_date": None,
        "weekly_cost": None}]


def test_every_store_table_with_exactly_the_schema_columns_as_strings(tmp_path: Path) -> None:
    path = write(tmp_path / "cld.csv", [
        r2(Event_Type="Review", Event_Start_Date="2025-01-10", Event_End_Date="2025-01-12")])
    extract = read_cld(path)
    assert list(extract.tables) == list(STORE_ORDER)
    for name, arrow in extract.tables.items():
        assert arrow.column_names == list(TABLES[name].column_names)
        assert all(field.type == pa.string() for field in arrow.schema)
    assert [extract.tables[n].num_rows for n in ("teams", "contacts", "population")] == [0, 0, 0]
    assert extract.source_files == [path]


def test_duplicate_events_removed_on_composite_keys_across_releases(tmp_path: Path) -> None:
    # Q1 in Release 1 spellings, Q2 (a rolling 12-month file repeating Q1's events) in Release 2.
    q1 = {**PERSON_R2, "Client_Type": "Service User", "Reporting_Period_End_Date": "2024-06-30"}
    q2 = {**PERSON_R2, "Reporting_Period_End_Date": "2024-09-30"}
    write(tmp_path / "q1.csv", [
        {**q1, "Event_Type": "Request", "Event_Reference": "A", "Event_Start_Date": "2024-04-02",
         "Event_End_Date": "2024-04-03", "Event_Outcome": "Progress to Assessment",
         "Request_Route_of_Access": "Community / Other route"},
        {**q1, "Event_Type": "Request", "Event_Reference": "B", "Event_Start_Date": "2024-04-02",
         "Event_End_Date": "2024-04-03", "Event_Outcome": "Progress to Assessment",
         "Request_Route_of_Access": "Community / Other route"},
        {**q1, "Event_Type": "Service", "Event_Start_Date": "2024-05-01",
         "Service_Type": "Long Term Support: Residential Care",
         "Service_Component": "Long Term Residential Care"},
    ])
    write(tmp_path / "q2.csv", [
        {**q2, "Event_Type": "Request", "Event_Reference": "Z9", "Event_Start_Date": "2024-04-02",
         "Event_End_Date": "2024-04-03",
         "Event_Outcome": "Progress to assessment, review or reassessment",
         "Request_Route_of_Access": "Community or other route"},
        # The same residential placement, now ended: the later submission's record is kept.
        {**q2, "Event_Type": "Service", "Event_Start_Date": "2024-05-01",
         "Event_End_Date": "2024-08-31", "Service_Type": "Long term support: Residential care",
         "Service_Component": "Long term residential care"},
    ])
    extract = read_cld(tmp_path)
    assert extract.report.duplicates_removed == {"request": 2, "service": 1}
    assert extract.report.requests_progressed == 1
    assert [(s["start_date"], s["end_date"]) for s in table(extract, "services")] == [
        ("2024-05-01", "2024-09-01")]
    assert [p.name for p in extract.source_files] == ["q1.csv", "q2.csv"]


def test_open_service_missing_from_later_submission_ends_at_its_period_end(
        tmp_path: Path) -> None:
    write(tmp_path / "q1.csv", [r2(
        Reporting_Period_End_Date="2024-06-30", Event_Type="Service",
        Event_Start_Date="2024-05-01", Service_Type="Long term support: Community",
        Service_Component="Day support")])
    write(tmp_path / "q2.csv", [r2(
        Reporting_Period_End_Date="2024-09-30", Event_Type="Service",
        Event_Start_Date="2024-07-01", Service_Type="Long term support: Community",
        Service_Component="Home support or domiciliary care")])
    extract = read_cld(tmp_path)
    assert sorted((s["setting"], s["end_date"]) for s in table(extract, "services")) == [
        ("day_care", "2024-07-01"), ("home_care", None)]
    assert extract.report.services_cropped_to_period_end == 1


def test_a_single_submission_keeps_a_package_split_over_two_costed_rows(tmp_path: Path) -> None:
    service = {"Event_Type": "Service", "Event_Start_Date": "2024-05-01",
               "Service_Type": "Long term support: Community",
               "Service_Component": "Home support or domiciliary care",
               "Cost_Frequency_Unit_Type": "Weekly"}
    extract = read_cld(write(tmp_path / "cld.csv", [r2(**service, Unit_Cost="100"),
                                                   r2(**service, Unit_Cost="60")]))
    assert sorted(s["weekly_cost"] for s in table(extract, "services")) == ["100.00", "60.00"]
    assert extract.report.duplicates_removed == {}


def test_event_end_dates_cropped_to_date_of_death(tmp_path: Path) -> None:
    dead = {"Date_of_Death": "2024-07-10"}
    path = write(tmp_path / "cld.csv", [
        r2(Event_Type="Service", Event_Start_Date="2024-05-01",
           Service_Type="Long term support: Nursing care", **dead),
        r2(Event_Type="Service", Event_Start_Date="2024-01-01", Event_End_Date="2024-12-31",
           Service_Type="Long term support: Community", Service_Component="Direct payment"),
        r2(Event_Type="Assessment", Event_Start_Date="2024-07-01", Event_End_Date="2024-08-01",
           Assessment_Type="Long term assessment"),
        # Starts after death: impossible, dropped and counted.
        r2(Event_Type="Review", Event_Start_Date="2024-08-01", Event_End_Date="2024-08-02"),
    ])
    extract = read_cld(path)
    assert sorted((s["start_date"], s["end_date"]) for s in table(extract, "services")) == [
        ("2024-01-01", "2024-07-11"), ("2024-05-01", "2024-07-11")]
    assert [(e["kind"], e["completed_date"]) for e in table(extract, "episodes")] == [
        ("care_act_assessment", "2024-07-10")]
    assert extract.report.cropped_to_death == {"service": 2, "assessment": 1}
    assert extract.report.dropped_after_death == {"review": 1}


def test_assessments_linked_to_the_nearest_preceding_progressed_request(tmp_path: Path) -> None:
    def request(start: str, outcome: str, client: str = "Service user") -> dict[str, str]:
        return r2(Event_Type="Request", Event_Start_Date=start, Event_End_Date=start,
                  Event_Outcome=outcome, Client_Type=client)

    def assessment(start: str, kind: str = "Long term assessment",
                   client: str = "Service user") -> dict[str, str]:
        return r2(Event_Type="Assessment", Event_Start_Date=start, Event_End_Date=start,
                  Assessment_Type=kind, Client_Type=client)

    progress, nfa = "Progress to assessment, review or reassessment", "NFA: Other"
    path = write(tmp_path / "cld.csv", [
        request("2024-01-01", progress),
        request("2024-01-20", nfa),  # nearer, but did not progress: not a queue episode
        assessment("2024-02-01"),  # -> 2024-01-01
        assessment("2024-03-01"),  # no new request: unlinked, received on its own start
        request("2024-04-01", progress),
        assessment("2024-04-01", "Short term assessment"),  # same day counts
        request("2024-05-05", progress),  # after the assessment: no link
        assessment("2024-05-01"),
        assessment("2024-06-01", "Financial assessment"),  # R2: no financial request outcome
        request("2024-06-10", "Admitted to hospital"),
    ])
    extract = read_cld(path)
    received = sorted((e["allocated_date"], e["received_date"])
                      for e in table(extract, "episodes"))
    assert received == [("2024-02-01", "2024-01-01"), ("2024-03-01", "2024-03-01"),
                        ("2024-04-01", "2024-04-01"), ("2024-05-01", "2024-05-01"),
                        ("2024-06-01", "2024-06-01")]
    report = extract.report
    assert (report.requests_progressed, report.requests_linked) == (3, 2)
    assert report.requests_not_progressed == {"no_further_action_other": 1,
                                              "admitted_to_hospital": 1}
    assert report.assessments_linked == {"care_act_assessment": 2}
    assert report.assessments_unlinked == {"care_act_assessment": 2, "financial_assessment": 1}
    assert any("financial_assessment.median_wait_to_allocation" in line
               for line in report.lines()[report.lines().index("Measures CLD cannot support:"):])


def test_overlapping_assessments_each_take_the_request_that_ended_before_they_began(
        tmp_path: Path) -> None:
    def event(kind: str, start: str, end: str, **values: str) -> dict[str, str]:
        return r2(Event_Type=kind, Event_Start_Date=start, Event_End_Date=end,
                  Client_Type="Unpaid carer", **values)

    progress = {"Event_Outcome": "Progress to assessment, review or reassessment"}
    path = write(tmp_path / "cld.csv", [
        event("Request", "2024-07-03", "2024-08-07", **progress),
        event("Request", "2024-07-30", "2024-09-19", **progress),
        event("Assessment", "2024-08-07", "2024-09-02", Assessment_Type="Long term assessment"),
        event("Assessment", "2024-09-19", "2024-10-17", Assessment_Type="Long term assessment"),
    ])
    assert sorted((e["received_date"], e["allocated_date"])
                  for e in table(read_cld(path), "episodes")) == [
        ("2024-07-03", "2024-08-07"), ("2024-07-30", "2024-09-19")]


def test_financial_and_carer_assessments_link_only_to_their_own_requests(tmp_path: Path) -> None:
    person = {"Client_Type": "Service User"}
    path = write(tmp_path / "cld.csv", [
        r2(**person, Event_Type="Request", Event_Start_Date="2024-01-01",
           Event_End_Date="2024-01-02", Event_Outcome="Progress to Assessment"),
        r2(**person, Event_Type="Request", Event_Start_Date="2024-02-01",
           Event_End_Date="2024-02-02", Event_Outcome="Progress to financial assessment"),
        r2(**person, Event_Type="Assessment", Event_Start_Date="2024-02-20",
           Event_End_Date="2024-02-21", Assessment_Type="Long Term Assessment"),
        r2(**person, Event_Type="Assessment", Event_Start_Date="2024-02-25",
           Event_End_Date="2024-03-01", Assessment_Type="Financial Assessment: Residential"),
        # A carer's assessment of the same person does not take a service user's request.
        r2(Client_Type="Carer", Event_Type="Assessment", Event_Start_Date="2024-02-22",
           Event_End_Date="2024-02-23", Assessment_Type="Carer Assessment"),
    ])
    extract = read_cld(path)
    assert sorted((e["kind"], e["subtype"], e["received_date"])
                  for e in table(extract, "episodes")) == [
        ("care_act_assessment", None, "2024-01-01"),
        ("carer_assessment", None, "2024-02-22"),
        ("financial_assessment", "residential", "2024-02-01")]
    supported = extract.report.measures_supported
    assert "financial_assessment.median_wait_to_allocation" in supported


def test_incomplete_and_impossible_events_dropped_and_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "cld.csv", [
        r2(Event_Type="Assessment", Event_Start_Date="2024-05-20",
           Assessment_Type="Long term assessment"),
        r2(Event_Type="Review", Event_Start_Date="2024-05-20", Event_End_Date="2024-05-01"),
        # An open end written the way some systems export it.
        r2(Event_Type="Service", Event_Start_Date="2024-06-15", Event_End_Date="9999-12-31",
           Service_Type="Long term support: Residential care"),
    ])
    extract = read_cld(path)
    assert extract.tables["episodes"].num_rows == 0
    assert [s["end_date"] for s in table(extract, "services")] == [None]
    assert extract.report.dropped_not_completed == {"assessment": 1}
    assert extract.report.dropped_end_before_start == {"review": 1}


def test_bad_values_raise_one_error_naming_file_row_column_value(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", [
        r2(Event_Type="Review", Event_Start_Date="31/02/2024", Event_End_Date="2024-03-01"),
        r2(Event_Type="Review", Event_Start_Date="2024-03-01", Event_End_Date="2024-03-01",
           Client_Type="Patient"),
        r2(Event_Type="Service", Event_Start_Date="2024-03-01", Service_Type="Long haul"),
        r2(Event_Type="Service", Event_Start_Date="2024-03-01", Service_Type="Long haul"),
        r2(Event_Start_Date="2024-03-01"),
        r2(Event_Type="Service", Event_Start_Date="2024-03-01", Unit_Cost="lots",
           Service_Type="Long term support: Nursing care"),
    ])
    with pytest.raises(CldFormatError) as caught:
        read_cld(path)
    found = {(p.row, p.column, p.value, p.rows) for p in caught.value.problems}
    assert found == {
        (2, "Event_Start_Date", "31/02/2024", 1),
        (3, "Client_Type", "Patient", 1),
        (4, "Service_Type", "Long haul", 2),
        (6, "Event_Type", None, 1),
        (7, "Unit_Cost", "lots", 1),
    }
    message = str(caught.value)
    assert f"{path}, row 2, column Event_Start_Date: value '31/02/2024' is not a date" in message
    assert "row 4, column Service_Type: value 'Long haul' is not a known" in message
    assert "(and 1 more rows)" in message
    assert all(p.file == str(path) for p in caught.value.problems)


def test_missing_column_and_missing_file_are_format_errors(tmp_path: Path) -> None:
    header = [c for c in [*PERSON_R2, *EVENT_COLUMNS] if c != "Event_Type"]
    path = write(tmp_path / "cld.csv", [PERSON_R2], header)
    with pytest.raises(CldFormatError, match=r"row 1, column Event_Type: missing column"):
        read_cld(path)
    with pytest.raises(CldFormatError, match="no such file or folder"):
        read_cld(tmp_path / "absent.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CldFormatError, match=r"holds no \.csv or \.xlsx file"):
        read_cld(tmp_path / "empty")
    with pytest.raises(CldFormatError, match="holds no data rows"):
        read_cld(write(tmp_path / "header_only.csv", []))


def test_unrecognised_optional_values_are_null_and_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "cld.csv", [
        r2(Gender="Martian", Delivery_Mechanism="By pigeon", Event_Type="Service",
           Event_Start_Date="2024-03-01", Service_Type="Long term support: Community",
           Service_Component="Meals")])
    extract = read_cld(path)
    assert table(extract, "people")[0]["gender"] is None
    assert table(extract, "services")[0]["delivery_mechanism"] is None
    assert extract.report.unrecognised_values == {"Gender": {"Martian": 1},
                                                  "Delivery_Mechanism": {"By pigeon": 1}}
    assert "Unrecognised Gender values, stored as NULL: 'Martian' (1)." in extract.report.lines()


def test_person_key_is_nhs_number_else_la_code_and_local_id(tmp_path: Path) -> None:
    def review(day: str, **person: str) -> dict[str, str]:
        return r2(Event_Type="Review", Event_Start_Date=day, Event_End_Date=day, **person)

    path = write(tmp_path / "cld.csv", [
        # P1's NHS number arrives on a later row: every P1 row becomes that person.
        review("2024-03-01"),
        review("2024-04-01", NHS_Number="943 476 5919"),
        # Another local record of the same person (same NHS number).
        review("2024-05-01", LA_Person_Unique_Identifier="OLD-7", NHS_Number="9434765919"),
        # A number failing the check digit is not an NHS number.
        review("2024-06-01", LA_Person_Unique_Identifier="P2", NHS_Number="9434765918"),
    ])
    extract = read_cld(path)
    assert sorted(p["person_id"] for p in table(extract, "people")) == ["9434765919",
                                                                        f"{LA}_P2"]
    assert sorted(e["person_id"] for e in table(extract, "episodes")) == [
        "9434765919", "9434765919", "9434765919", f"{LA}_P2"]
    assert extract.report.people_keyed_by_nhs_number == 1
    assert extract.report.rows_with_invalid_nhs_number == 1


def test_locality_from_a_postcode_lookup_and_postcode_never_kept(tmp_path: Path) -> None:
    review = {"Event_Type": "Review", "Event_Start_Date": "2024-03-01",
              "Event_End_Date": "2024-03-02"}
    path = write(tmp_path / "cld.csv", [
        r2(**review, LA_Person_Unique_Identifier="A", Postcode="le11 5ab"),  # sector
        r2(**review, LA_Person_Unique_Identifier="B", Postcode="LE1 1AA"),  # full postcode
        r2(**review, LA_Person_Unique_Identifier="C", Postcode="LE67 9ZZ"),  # district
        r2(**review, LA_Person_Unique_Identifier="D", Postcode="NG1 1AA"),  # not in the lookup
    ])
    lookup = tmp_path / "lookup.csv"
    lookup.write_text("Postcode,Locality\nLE11 5,Charnwood\nLE11AA,Leicester\nLE67,NW Leics\n")
    extract = read_cld(path, postcode_localities=lookup)
    localities = {p["person_id"][-1]: p["locality"] for p in table(extract, "people")}
    assert localities == {"A": "Charnwood", "B": "Leicester", "C": "NW Leics", "D": None}
    assert (extract.report.postcodes_matched, extract.report.postcodes_unmatched) == (3, 1)
    cells = {str(v) for name in STORE_ORDER for row in extract.tables[name].to_pylist()
             for v in row.values()}
    assert not {"le11 5ab", "LE11 5AB", "LE1 1AA", "LE67 9ZZ", "NG1 1AA"} & cells
    assert "1940-05-17" not in cells  # the date of birth is kept as a month only


def test_weekly_cost_setting_and_delivery_mechanism(tmp_path: Path) -> None:
    community = {"Event_Type": "Service", "Event_Start_Date": "2024-03-01",
                 "Service_Type": "Long term support: Community"}
    path = write(tmp_path / "cld.csv", [
        r2(**community, Service_Component="Shared Lives", Unit_Cost="£1,300.00",
           Cost_Frequency_Unit_Type="Monthly"),
        r2(**community, Service_Component="Direct payment", Delivery_Mechanism="",
           Unit_Cost="-80", Cost_Frequency_Unit_Type="Daily", Planned_units_per_week="3.5"),
        r2(**community, Service_Component="Equipment", Unit_Cost="400",
           Cost_Frequency_Unit_Type="One-off"),
        r2(**{**community, "Event_Start_Date": "2024-04-01"}),  # no component
        r2(Event_Type="Service", Event_Start_Date="2024-03-01", Client_Type="Unpaid carer",
           Service_Type="Unpaid carer support: Direct to unpaid carer",
           Service_Component="Unpaid carer respite"),
    ])
    extract = read_cld(path)
    assert sorted((s["setting"], s["delivery_mechanism"], s["weekly_cost"])
                  for s in table(extract, "services")) == [
        ("direct_payment", "direct_payment", "280.00"),
        ("other_community", None, None),
        ("other_community", None, None),
        ("supported_living", None, "300.00"),
    ]
    assert extract.report.carer_support_left_out == 1
    assert extract.report.services_without_component == 1


def test_record_ids_are_stable_unique_and_not_built_from_the_bare_key(tmp_path: Path) -> None:
    rows = [r2(NHS_Number="9434765919", Event_Type="Review", Event_Start_Date=f"2024-0{m}-01",
               Event_End_Date=f"2024-0{m}-02") for m in range(1, 6)]
    path = write(tmp_path / "cld.csv", rows)
    first, again = read_cld(path), read_cld(path)
    ids = first.tables["episodes"].column("episode_id").to_pylist()
    assert ids == again.tables["episodes"].column("episode_id").to_pylist()
    assert len(set(ids)) == 5
    assert not any("9434765919" in i for i in ids)
    # A different extract holding the same event gives it a different id: ids cannot be
    # recomputed from a guessed NHS number by someone who has the store but not the extract.
    other = read_cld(write(tmp_path / "other.csv", [*rows, r2(Event_Type="Review",
                     Event_Start_Date="2024-09-01", Event_End_Date="2024-09-01")]))
    assert not set(ids) & set(other.tables["episodes"].column("episode_id").to_pylist())


def test_a_councils_own_spellings_from_a_value_list_file(tmp_path: Path) -> None:
    path = write(tmp_path / "cld.csv", [
        r2(Client_Type="Svc User", Event_Type="Review", Event_Start_Date="2024-03-01",
           Event_End_Date="2024-03-01")])
    with pytest.raises(CldFormatError, match="'Svc User' is not a known"):
        read_cld(path)
    extra = tmp_path / "local.yaml"
    extra.write_text("client_type:\n  service_user: {also: [Svc User]}\n")
    extract = read_cld(path, extra_values=extra)
    assert table(extract, "people")[0]["client_type"] == "service_user"
    extra.write_text("client_type:\n  visitor: {also: [Svc User]}\n")
    with pytest.raises(ValueError, match="'visitor' is not a known code"):
        read_cld(path, extra_values=extra)


def test_report_lists_measures_by_id(tmp_path: Path) -> None:
    extract = read_cld(write(tmp_path / "cld.csv", [
        r2(Event_Type="Review", Event_Start_Date="2024-03-01", Event_End_Date="2024-03-01")]))
    report = extract.report
    assert {"care_act_assessment.median_wait_to_allocation", "review.overdue",
            "direct_payments.pct"} <= set(report.measures_supported)
    assert {"care_act_assessment.waiting", "ot_assessment.waiting",
            "safeguarding_concern.pct_decided_within_5_working_days", "s42_enquiry.open",
            "contacts.pct_answered", "care_act_assessment.team_disparity"} <= set(
        report.measures_not_supported)
    lines = report.lines()
    cannot = lines.index("Measures CLD cannot support:")
    assert any("care_act_assessment.waiting" in line for line in lines[cannot:])
    assert any("review.overdue" in line for line in lines[:cannot])


def test_accommodation_status_and_date_of_death_per_person(tmp_path: Path) -> None:
    # A: the latest row giving a status wins (Q4's tenant over Q1's care home), an unknown later
    # row does not overwrite it. B: no status: read from the latest service, residential care.
    # C: no status, latest service community support at home: "presumed at home" (settled).
    # D: no status, community support with no telling component: "presumed in community".
    # E: two statuses on equally recent rows disagree, and no service: unknown.
    service = {"Event_Type": "Service", "Event_Start_Date": "2024-05-01"}
    community = {**service, "Service_Type": "Long term support: Community"}
    header = [*PERSON_R2, *EVENT_COLUMNS, "Accommodation_Status", "Employment_Status"]
    review = {"Event_Type": "Review", "Event_Start_Date": "2024-06-01",
              "Event_End_Date": "2024-06-02"}
    path = write(tmp_path / "cld.csv", [
        r2(**review, LA_Person_Unique_Identifier="A", Accommodation_Status="Registered care home",
           Reporting_Period_End_Date="2024-06-30"),
        r2(**review, LA_Person_Unique_Identifier="A",
           Accommodation_Status="Tenant: Private landlord",
           Employment_Status="Paid: Less than 16 hours a week"),
        r2(**{**review, "Event_Start_Date": "2024-07-01"}, LA_Person_Unique_Identifier="A",
           Accommodation_Status="Unknown", Date_of_Death="2025-01-05"),
        r2(**service, LA_Person_Unique_Identifier="B",
           Service_Type="Long term support: Residential care"),
        r2(**community, LA_Person_Unique_Identifier="C",
           Service_Component="Home support or domiciliary care"),
        r2(**community, LA_Person_Unique_Identifier="D", Service_Component="Equipment"),
        r2(**review, LA_Person_Unique_Identifier="E", Accommodation_Status="Refuge"),
        r2(**{**review, "Event_Type": "Assessment"}, Assessment_Type="Long term assessment",
           LA_Person_Unique_Identifier="E", Accommodation_Status="Registered care home"),
    ], header)
    rows = {r["person_id"][-1]: r for r in read_cld(path).tables["cld_people"].to_pylist()}
    got = {k: (r["accommodation_status"], r["settled_accommodation"]) for k, r in rows.items()}
    assert got == {"A": ("tenant_private", "true"), "B": ("care_home", "false"),
                   "C": ("presumed_at_home", "true"), "D": ("presumed_in_community", "false"),
                   "E": (None, None)}
    assert rows["A"]["date_of_death"] == "2025-01-05"
    assert (rows["A"]["employment_status"], rows["B"]["employment_status"]) == (
        "paid_under_16_hours", None)


def test_client_funding_status_latest_known_per_person_and_checked(tmp_path: Path) -> None:
    # A: the later submission's status wins over Q1's; an "Unknown" on a later row does not
    # overwrite it. B: two statuses on equally recent rows disagree: unknown. C: a value that
    # is not one of the three fails the data-quality check and is stored as unknown.
    header = [*PERSON_R2, *EVENT_COLUMNS, "Client_Funding_Status"]
    review = {"Event_Type": "Review", "Event_Start_Date": "2024-06-01",
              "Event_End_Date": "2024-06-02"}
    path = write(tmp_path / "cld.csv", [
        r2(**review, LA_Person_Unique_Identifier="A", Reporting_Period_End_Date="2024-06-30",
           Client_Funding_Status="Fully client funded"),
        r2(**review, LA_Person_Unique_Identifier="A",
           Client_Funding_Status="Joint client and social care funded"),
        r2(**{**review, "Event_Start_Date": "2024-07-01"}, LA_Person_Unique_Identifier="A",
           Client_Funding_Status="Unknown"),
        r2(**review, LA_Person_Unique_Identifier="B", Client_Funding_Status="Fully client funded"),
        r2(**{**review, "Event_Type": "Assessment"}, Assessment_Type="Long term assessment",
           LA_Person_Unique_Identifier="B", Client_Funding_Status="Fully social care funded"),
        r2(**review, LA_Person_Unique_Identifier="C", Client_Funding_Status="Council funded"),
    ], header)
    extract = read_cld(path)
    rows = {r["person_id"][-1]: r["client_funding_status"]
            for r in extract.tables["cld_people"].to_pylist()}
    assert rows == {"A": "joint_funded", "B": None, "C": None}
    check = {c.field: c for c in extract.report.data_quality}["Client_Funding_Status"]
    assert (check.rows, check.mandatory, check.invalid, check.valid) == (6, 0, 1, 5)


def test_a_population_file_is_read_as_the_population_table(tmp_path: Path) -> None:
    path = write(tmp_path / "cld.csv", [
        r2(Event_Type="Review", Event_Start_Date="2025-01-10", Event_End_Date="2025-01-12")])
    population = tmp_path / "pop.csv"
    population.write_text("Locality,Ethnicity,Age Band,Count\n"
                          ",white,18-64,50000\n,white,65+,20000\n")
    extract = read_cld(path, population=population)
    assert extract.tables["population"].to_pylist() == [  # no la_code column: the whole area
        {"locality": None, "ethnicity": "white", "age_band": "18-64", "count": "50000",
         "la_code": None},
        {"locality": None, "ethnicity": "white", "age_band": "65+", "count": "20000",
         "la_code": None}]
    assert population in extract.source_files
    population.write_text("ethnicity,age_band\nwhite,18-64\n")
    with pytest.raises(CldFormatError, match="count"):
        read_cld(path, population=population)


def test_data_quality_per_field_in_the_load_report(tmp_path: Path) -> None:
    # Three rows: a request (route missing: mandatory, fails), an assessment with an invalid
    # gender and no eligibility (mandatory: fails), a service with an invalid postcode and no
    # unit cost (optional: passes).
    path = write(tmp_path / "cld.csv", [
        r2(Event_Type="Request", Event_Start_Date="2025-01-02", Event_End_Date="2025-01-02",
           Event_Outcome="Progress to assessment, review or reassessment"),
        r2(Event_Type="Assessment", Event_Start_Date="2025-01-03", Event_End_Date="2025-01-09",
           Assessment_Type="Long term assessment", Gender="Fmale",
           Event_Outcome="NFA: Support declined"),
        r2(Event_Type="Service", Event_Start_Date="2025-01-10", Postcode="LE11",
           Service_Type="Long term support: Community",
           Service_Component="Home support or domiciliary care",
           Delivery_Mechanism="CASSR Managed Personal Budget"),
    ])
    report = read_cld(path).report
    checks = {c.field: c for c in report.data_quality}
    route = checks["Request_Route_of_Access"]
    assert (route.rows, route.blank_mandatory, route.pct_failing) == (1, 1, 100.0)
    gender = checks["Gender"]
    assert (gender.rows, gender.invalid, gender.valid, gender.pct_failing) == (3, 1, 2, 33.3)
    assert checks["Eligible_Needs_Identified"].blank_mandatory == 1
    assert (checks["Postcode"].invalid, checks["Unit_Cost"].blank,
            checks["Unit_Cost"].failing) == (1, 1, 0)
    assert "  Gender: 1 of 3 rows failing (33.3%): 0 blank where mandatory, 1 invalid; 0 blank " \
           "where optional." in report.lines()

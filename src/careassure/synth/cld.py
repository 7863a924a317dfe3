"""Write record-format tables out as a national Client Level Data (CLD) extract.

The CLD reader (:mod:`careassure.records.cld`) is only trustworthy if what it reads back is what
went in. This emitter turns a record-format county (hand-made in tests, or from
:func:`careassure.synth.generate_county`) into the CLD rows a council would submit for it, in
Release 1 or Release 2 spellings, so that tests can go county -> CLD -> county and compare.

Only what CLD can say is written, as CLD does it: completed requests, assessments and reviews
(nothing still waiting), services (open or ended), no teams, contacts or population, and no OT,
equipment or safeguarding work. ``docs/cld.md`` lists what therefore survives a round trip.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from careassure.records.cld_values import ValueLists, value_lists

# Column order of the written extract (the specification's order, restricted to what is written).
CLD_COLUMNS = (
    "LA_Code",
    "Reporting_Period_Start_Date",
    "Reporting_Period_End_Date",
    "LA_Person_Unique_Identifier",
    "NHS_Number",
    "Gender",
    "Ethnicity",
    "Date_of_Birth",
    "Date_of_Death",
    "Client_Type",
    "Primary_Support_Reason",
    "Postcode",
    "Event_Type",
    "Event_Reference",
    "Event_Start_Date",
    "Event_End_Date",
    "Event_Outcome",
    "Request_Route_of_Access",
    "Assessment_Type",
    "Eligible_Needs_Identified",
    "Service_Type",
    "Service_Component",
    "Delivery_Mechanism",
    "Unit_Cost",
    "Cost_Frequency_Unit_Type",
    "Planned_units_per_week",
    "Review_Reason",
    "Review_Outcomes_Achieved",
)
NEEDS_KINDS = {"care_act_assessment": "service_user", "carer_assessment": "carer"}
# (support_type, setting) -> (Service_Type code, Service_Component code): the CLD service that the
# reader maps back to that support type and setting.
SERVICE_CODES = {
    ("long_term", "nursing"): ("lts_nursing", "long_term_nursing"),
    ("long_term", "residential"): ("lts_residential", "long_term_residential"),
    ("long_term", "home_care"): ("lts_community", "home_support"),
    ("long_term", "supported_living"): ("lts_community", "supported_living"),
    ("long_term", "day_care"): ("lts_community", "day_support"),
    ("long_term", "direct_payment"): ("lts_community", "direct_payment"),
    ("long_term", "other_community"): ("lts_community", "other_long_term"),
    ("short_term", "nursing"): ("sts_other", "short_term_nursing"),
    ("short_term", "residential"): ("sts_other", "short_term_residential"),
    ("short_term", "home_care"): ("sts_st_max", "reablement"),
    ("short_term", "supported_living"): ("sts_other", "supported_living"),
    ("short_term", "day_care"): ("sts_other", "day_support"),
    ("short_term", "direct_payment"): ("sts_other", "direct_payment"),
    ("short_term", "other_community"): ("sts_other", "other_short_term"),
}
FINANCIAL_TYPES = {"residential": "financial_residential",
                   "non_residential": "financial_non_residential"}
_TYPE_ORDER = {"Request": 0, "Assessment": 1, "Service": 2, "Review": 3}


def to_cld(
    county: dict[str, pd.DataFrame],
    *,
    la_code: str = "E10000999",
    release: int = 2,
    period_end: date | None = None,
) -> pd.DataFrame:
    """The CLD extract a council would submit for ``county`` at ``period_end``.

    ``county`` holds record-format tables keyed by name (raw person ids; dates as dates, datetimes
    or ISO strings). ``period_end`` defaults to the latest date in the episodes and services; work
    completed after it is not written and services still running then are written open. The
    reporting period starts at the earliest event written, so the file declares what it holds.
    Every cell is text ("" for blank), as in a submitted CSV.
    """
    if release not in (1, 2):
        raise ValueError(f"release must be 1 or 2, not {release}")
    values = value_lists()
    episodes = _dated(county["episodes"], ("received_date", "allocated_date", "completed_date",
                                           "closed_date"))
    services = _dated(county["services"], ("start_date", "end_date"))
    end = pd.Timestamp(period_end) if period_end else _latest(episodes, services)
    people = county["people"].set_index(county["people"]["person_id"].astype(str))
    spell = _Speller(values, release)
    parts = [
        _needs_assessments(episodes, end, spell),
        _financial_assessments(episodes, people, end, spell, release),
        _closed_requests(episodes, people, end, spell),
        _reviews(episodes, people, end, spell),
        _services(services, people, end, spell),
    ]
    rows = pd.concat([p for p in parts if len(p)], ignore_index=True)
    if rows.empty:
        return pd.DataFrame(columns=list(CLD_COLUMNS))
    rows = rows.assign(_order=rows["Event_Type"].map(_TYPE_ORDER)).sort_values(
        ["person_id", "start", "_order"], kind="stable").reset_index(drop=True)
    person = people.loc[rows["person_id"]].reset_index(drop=True)
    out = pd.DataFrame({
        "LA_Code": la_code,
        "Reporting_Period_Start_Date": _iso(pd.Series(rows["start"].min(), index=rows.index)),
        "Reporting_Period_End_Date": end.strftime("%Y-%m-%d"),
        "LA_Person_Unique_Identifier": rows["person_id"],
        "NHS_Number": "",
        "Gender": spell("gender", person["gender"]),
        "Ethnicity": spell("ethnicity", person["ethnicity"]),
        "Date_of_Birth": (person["birth_month"].fillna("").astype(str) + "-01")
        .replace("-01", ""),
        "Date_of_Death": "",
        "Client_Type": spell("client_type", rows["client"]),
        "Primary_Support_Reason": spell("primary_support_reason",
                                        person["primary_support_reason"]),
        "Postcode": "",
        "Event_Type": rows["Event_Type"],
        "Event_Reference": [f"EV{n:07d}" for n in range(1, len(rows) + 1)],
        "Event_Start_Date": _iso(rows["start"]),
        "Event_End_Date": _iso(rows["end"]),
    })
    for column in CLD_COLUMNS:
        if column not in out.columns:
            out[column] = rows[column].fillna("") if column in rows.columns else ""
    return out[list(CLD_COLUMNS)]


def write_cld(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write an extract as CSV (UTF-8), or as an XLSX workbook when ``path`` ends in .xlsx."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".xlsx":
        frame.to_excel(target, index=False, sheet_name="CLD")
    else:
        frame.to_csv(target, index=False, encoding="utf-8")
    return target


class _Speller:
    """Codes -> the chosen release's spelling ("" for NULL)."""

    def __init__(self, values: ValueLists, release: int) -> None:
        self.values, self.release = values, release

    def __call__(self, column: str, codes: pd.Series) -> pd.Series:
        spellings = {code: entry.spelling(self.release)
                     for code, entry in self.values[column].codes.items()}
        return codes.map(spellings).fillna("")

    def one(self, column: str, code: str) -> str:
        return self.values[column].codes[code].spelling(self.release)


def _dated(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    out["person_id"] = out["person_id"].astype(str)
    for column in columns:
        out[column] = pd.to_datetime(out[column]).astype("datetime64[ns]")
    return out


def _latest(episodes: pd.DataFrame, services: pd.DataFrame) -> pd.Timestamp:
    dates = [episodes[c].max() for c in ("received_date", "allocated_date", "completed_date",
                                         "closed_date")]
    dates += [services["start_date"].max(), services["end_date"].max() - pd.Timedelta(days=1)]
    return max(d for d in dates if pd.notna(d))


def _iso(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y-%m-%d").fillna("")


def _events(event_type: str, frame: pd.DataFrame, start: pd.Series, end: pd.Series,
            client: pd.Series | str, **columns: pd.Series | str) -> pd.DataFrame:
    return pd.DataFrame({"person_id": frame["person_id"], "Event_Type": event_type,
                         "start": start, "end": end, "client": client, **columns},
                        index=frame.index)


def _completed(episodes: pd.DataFrame, kinds, end: pd.Timestamp) -> pd.DataFrame:
    done = episodes["kind"].isin(kinds) & episodes["completed_date"].notna()
    return episodes[done & (episodes["completed_date"] <= end)]


def _needs_assessments(episodes: pd.DataFrame, end: pd.Timestamp, spell: _Speller):
    """A request on the received date that progressed to assessment, then the assessment from
    allocation (or receipt, when never allocated) to completion."""
    done = _completed(episodes, NEEDS_KINDS, end)
    start = done["allocated_date"].fillna(done["received_date"])
    client = done["kind"].map(NEEDS_KINDS)
    requests = _events("Request", done, done["received_date"], start, client,
                       Event_Outcome=spell.one("event_outcome", "progress_to_assessment"),
                       Request_Route_of_Access=spell.one("request_route_of_access", "community"))
    assessments = _events("Assessment", done, start, done["completed_date"], client,
                          Assessment_Type=spell.one("assessment_type", "long_term"),
                          **_assessment_outcome(done, spell))
    return pd.concat([requests, assessments])


def _financial_assessments(episodes: pd.DataFrame, people: pd.DataFrame, end: pd.Timestamp,
                           spell: _Speller, release: int):
    """Release 1 can say a request progressed to a financial assessment; Release 2 cannot, so a
    Release 2 extract carries the financial assessment alone (its received date is lost)."""
    done = _completed(episodes, ["financial_assessment"], end)
    start = done["allocated_date"].fillna(done["received_date"])
    client = done["person_id"].map(people["client_type"])
    types = done["subtype"].map(FINANCIAL_TYPES).fillna("financial")
    parts = [_events("Assessment", done, start, done["completed_date"], client,
                     Assessment_Type=spell("assessment_type", types),
                     **_assessment_outcome(done, spell))]
    if release == 1:
        parts.append(_events(
            "Request", done, done["received_date"], start, client,
            Event_Outcome=spell.one("event_outcome", "progress_to_financial_assessment"),
            Request_Route_of_Access=spell.one("request_route_of_access", "community")))
    return pd.concat(parts)


def _assessment_outcome(done: pd.DataFrame, spell: _Speller) -> dict[str, pd.Series]:
    eligible = done["outcome"].where(done["outcome"].isin(["eligible", "not_eligible"]))
    outcome = eligible.map({"eligible": "progress_to_services"}).fillna("no_further_action")
    return {"Eligible_Needs_Identified": spell("eligible_needs_identified", eligible),
            "Event_Outcome": spell("event_outcome", outcome)}


def _closed_requests(episodes: pd.DataFrame, people: pd.DataFrame, end: pd.Timestamp,
                     spell: _Speller):
    """Work that left the queue before anyone was allocated: a request with no further action."""
    closed = episodes[episodes["kind"].isin([*NEEDS_KINDS, "financial_assessment"])
                      & episodes["closed_date"].notna() & (episodes["closed_date"] <= end)
                      & episodes["allocated_date"].isna()]
    client = closed["kind"].map(NEEDS_KINDS).fillna(closed["person_id"].map(people["client_type"]))
    return _events("Request", closed, closed["received_date"], closed["closed_date"], client,
                   Event_Outcome=spell.one("event_outcome", "no_further_action"),
                   Request_Route_of_Access=spell.one("request_route_of_access", "community"))


def _reviews(episodes: pd.DataFrame, people: pd.DataFrame, end: pd.Timestamp, spell: _Speller):
    done = _completed(episodes, ["review"], end)
    start = done["allocated_date"].fillna(done["received_date"])
    achieved = done["outcome"].where(done["outcome"].isin(["fully_met", "partially_met",
                                                           "not_met"]))
    return _events("Review", done, start, done["completed_date"],
                   done["person_id"].map(people["client_type"]),
                   Review_Reason=spell("review_reason", done["subtype"]),
                   Review_Outcomes_Achieved=spell("review_outcomes_achieved", achieved))


def _services(services: pd.DataFrame, people: pd.DataFrame, end: pd.Timestamp, spell: _Speller):
    """Services started by the period end. The record format's end date is the first day without
    the service; CLD's is the last day with it. A service still running at the period end is open.
    A service with no day of its own (end on or before start) cannot be written and is skipped."""
    written = services[(services["start_date"] <= end)
                       & (services["end_date"].isna()
                          | (services["end_date"] > services["start_date"]))]
    last_day = written["end_date"] - pd.Timedelta(days=1)
    last_day = last_day.where(last_day <= end)
    codes = [SERVICE_CODES[(s, t)] for s, t in zip(written["support_type"], written["setting"],
                                                    strict=True)]
    cost = pd.to_numeric(written["weekly_cost"], errors="coerce")
    has_cost = cost.notna()
    return _events(
        "Service", written, written["start_date"], last_day,
        written["person_id"].map(people["client_type"]),
        Event_Outcome=spell("event_outcome", pd.Series("no_further_action", index=written.index)
                            .where(last_day.notna())),
        Service_Type=spell("service_type", pd.Series([c[0] for c in codes], index=written.index,
                                                     dtype=object)),
        Service_Component=spell("service_component",
                                pd.Series([c[1] for c in codes], index=written.index,
                                          dtype=object)),
        Delivery_Mechanism=spell("delivery_mechanism", written["delivery_mechanism"]),
        Unit_Cost=cost.map("{:.2f}".format, na_action="ignore").fillna(""),
        Cost_Frequency_Unit_Type=pd.Series(spell.one("cost_frequency_unit_type", "weekly"),
                                           index=written.index).where(has_cost, ""),
        Planned_units_per_week=pd.Series("1", index=written.index).where(has_cost, ""),
    )

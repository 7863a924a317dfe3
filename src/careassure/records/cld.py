"""Reader for the national Adult Social Care Client Level Data (CLD) extract.

Every council already produces CLD each quarter for NHS England, so reading it gives a council
careassure's completed-work measures on day one, before anyone writes the local extract of
``records-format.md``. CLD holds one row per event (Request, Assessment, Service, Review) with the
person's details repeated on each row; :func:`read_cld` turns it into the six record-format tables
following the national processing rules (person key, de-duplication on composite keys, cropping to
date of death) and links each assessment to the request it followed so that waits can be measured.
Its limits (nothing is submitted until completed, no teams) are stated in :class:`CldReport`, by
measure id, so nobody mistakes a CLD-only store for a live waiting list.

The mapping, field by field, is in ``docs/cld.md``; the value lists are in ``cld_values.yaml``.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from careassure.records.cld_quality import FieldQuality, field_quality
from careassure.records.cld_values import NOT_KNOWN, ValueLists, normalise, value_lists
from careassure.records.schema import LABEL_MAX_LENGTH, STORE_ORDER, TABLES

# Columns read, spelled as in the national specification. Headers are matched after normalising
# (case, spaces and punctuation ignored): "Request:_Route_of_Access" is Request_Route_of_Access.
REQUIRED_COLUMNS = (
    "LA_Code",
    "LA_Person_Unique_Identifier",
    "Client_Type",
    "Event_Type",
    "Event_Start_Date",
    "Event_End_Date",
)
OPTIONAL_COLUMNS = (
    "Reporting_Period_Start_Date",
    "Reporting_Period_End_Date",
    "NHS_Number",
    "Gender",
    "Ethnicity",
    "Date_of_Birth",
    "Date_of_Death",
    "Primary_Support_Reason",
    "Postcode",
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
    "Accommodation_Status",
    "Employment_Status",
    "Client_Funding_Status",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
_BY_NORMALISED = {normalise(c): c for c in COLUMNS}

# Problems listed in one CldFormatError; the rest are counted.
MAX_PROBLEMS_SHOWN = 20
# Values longer than this are cut in messages and the report: a code is short, free text is not.
_SHOWN_VALUE_LENGTH = 40
# Spreadsheet row number of the first data row (row 1 is the header).
_FIRST_DATA_ROW = 2
# Binds record ids to the content of the extract read: see _ids.
_ID_DOMAIN = b"careassure CLD record ids v1\x00"
_EVENT_TYPES = ("request", "assessment", "service", "review")
# Population columns a file may leave out: files written before several councils could be
# given together have no ``la_code`` (all their rows are the whole area of the load).
OPTIONAL_POPULATION = ("la_code",)


@dataclass(frozen=True)
class CldProblem:
    """One thing wrong in the extract; ``rows`` counts the rows that share it (same file, column,
    value and reason), so one misspelling repeated 10,000 times is one line, not 10,000."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str
    rows: int = 1

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}, row {self.row}"
        if self.column:
            where += f", column {self.column}"
        value = "" if self.value is None else f" value '{_shown(self.value)}'"
        more = f" (and {self.rows - 1:,} more rows)" if self.rows > 1 else ""
        return f"{where}:{value} {self.reason}{more}"


class CldFormatError(Exception):
    """The extract cannot be read as CLD. Every problem found is collected before raising, so one
    run shows the analyst everything to fix; the message lists the first MAX_PROBLEMS_SHOWN, each
    naming file, row, column, value and reason."""

    def __init__(self, problems: list[CldProblem]) -> None:
        self.problems = problems
        shown = [f"  {p}" for p in problems[:MAX_PROBLEMS_SHOWN]]
        hidden = len(problems) - len(shown)
        lines = [f"the CLD extract has {len(problems)} problem(s):", *shown]
        if hidden:
            lines.append(f"  ... and {hidden} more")
        super().__init__("\n".join(lines))


class CldCouncilError(CldFormatError):
    """A council's load (``council``) holding rows of another council: one line naming the first
    such row by file, row, column and value, and how many rows in all."""

    def __init__(self, problems: list[CldProblem]) -> None:
        super().__init__(problems)
        others = sum(p.rows for p in problems) - 1
        more = f"; {others:,} such rows in all" if others and len(problems) > 1 else ""
        Exception.__init__(self, f"{problems[0]}{more}")


@dataclass
class CldReport:
    """What was read, de-duplicated, linked and dropped, and which measures CLD can support."""

    source_files: list[str] = field(default_factory=list)
    rows_read: int = 0
    columns_not_used: list[str] = field(default_factory=list)
    people: int = 0
    people_keyed_by_nhs_number: int = 0
    rows_with_invalid_nhs_number: int = 0
    events_read: Counter[str] = field(default_factory=Counter)
    dropped_not_completed: Counter[str] = field(default_factory=Counter)
    dropped_after_death: Counter[str] = field(default_factory=Counter)
    dropped_end_before_start: Counter[str] = field(default_factory=Counter)
    duplicates_removed: Counter[str] = field(default_factory=Counter)
    cropped_to_death: Counter[str] = field(default_factory=Counter)
    services_cropped_to_period_end: int = 0
    requests_progressed: int = 0
    requests_linked: int = 0
    requests_not_progressed: Counter[str] = field(default_factory=Counter)
    assessments_linked: Counter[str] = field(default_factory=Counter)
    assessments_unlinked: Counter[str] = field(default_factory=Counter)
    reviews: int = 0
    services: int = 0
    carer_support_left_out: int = 0
    services_without_component: int = 0
    postcode_lookup: str | None = None
    postcodes_matched: int = 0
    postcodes_unmatched: int = 0
    unrecognised_values: dict[str, Counter[str]] = field(default_factory=dict)
    measures_supported: dict[str, str] = field(default_factory=dict)
    measures_not_supported: dict[str, str] = field(default_factory=dict)
    data_quality: list[FieldQuality] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as printed after ``careassure ingest --format cld``."""
        read = ", ".join(f"{t.title()} {self.events_read[t]:,}" for t in _EVENT_TYPES)
        lines = [
            f"CLD extract: {len(self.source_files)} file(s), {self.rows_read:,} rows ({read}).",
            f"People: {self.people:,} ({self.people_keyed_by_nhs_number:,} keyed by NHS number, "
            f"{self.people - self.people_keyed_by_nhs_number:,} by LA code + local identifier).",
        ]
        if self.rows_with_invalid_nhs_number:
            lines.append(f"  {self.rows_with_invalid_nhs_number:,} rows had an NHS number that "
                         "fails the check digit: the local identifier was used.")
        lines.append(f"Duplicate events removed (national composite keys): "
                     f"{_by_type(self.duplicates_removed)}.")
        lines.append(f"Event end dates cropped to the date of death: "
                     f"{_by_type(self.cropped_to_death)}.")
        for label, counts in (
            ("Dropped, no end date (not completed, so not in CLD's scope)",
             self.dropped_not_completed),
            ("Dropped, starting after the person's date of death", self.dropped_after_death),
            ("Dropped, ending before they start", self.dropped_end_before_start),
        ):
            if sum(counts.values()):
                lines.append(f"{label}: {_by_type(counts)}.")
        if self.services_cropped_to_period_end:
            lines.append(f"Open services missing from a later submission, ended at their "
                         f"submission's period end: {self.services_cropped_to_period_end:,}.")
        not_progressed = sum(self.requests_not_progressed.values())
        lines.append(
            f"Requests: {self.requests_progressed:,} progressed to assessment, of which "
            f"{self.requests_linked:,} are linked to a completed assessment; {not_progressed:,} "
            f"did not progress to assessment ({_counts(self.requests_not_progressed)}) and are "
            "not queue episodes."
        )
        for kind in sorted(set(self.assessments_linked) | set(self.assessments_unlinked)):
            linked, unlinked = self.assessments_linked[kind], self.assessments_unlinked[kind]
            lines.append(f"  {kind}: {linked + unlinked:,} completed; {linked:,} received on "
                         f"their request's start date, {unlinked:,} with no linked request "
                         "(received on their own start date).")
        lines.append(f"Reviews: {self.reviews:,}. Services: {self.services:,}"
                     + (f" ({self.services_without_component:,} without a component: setting "
                        "other_community)" if self.services_without_component else "")
                     + (f"; {self.carer_support_left_out:,} carer-support services left out "
                        "(the record format has no carer support)" if self.carer_support_left_out
                        else "") + ".")
        lines.append("Teams: none (CLD records no teams; episodes.team is empty). Contacts and "
                     "population: none.")
        if self.postcode_lookup:
            lines.append(f"Locality from {self.postcode_lookup}: {self.postcodes_matched:,} "
                         f"people matched, {self.postcodes_unmatched:,} not matched.")
        else:
            lines.append("Locality: empty (no postcode lookup given; postcodes are never stored).")
        for column, values in self.unrecognised_values.items():
            shown = ", ".join(f"'{_shown(v)}' ({n:,})" for v, n in values.most_common(5))
            more = f" and {len(values) - 5} more" if len(values) > 5 else ""
            lines.append(f"Unrecognised {column} values, stored as NULL: {shown}{more}.")
        if self.data_quality:
            lines.append("Data quality per field (DHSC's checks; failing = blank where "
                         "mandatory, or invalid; % of the rows the field applies to):")
            for check in self.data_quality:
                if check.rows:
                    lines.append(
                        f"  {check.field}: {check.failing:,} of {check.rows:,} rows failing "
                        f"({check.pct_failing:.1f}%): {check.blank_mandatory:,} blank where "
                        f"mandatory, {check.invalid:,} invalid; {check.blank:,} blank where "
                        "optional.")
        if self.columns_not_used:
            lines.append(f"Columns not used: {', '.join(self.columns_not_used)}.")
        lines.append("Measures CLD can support:")
        lines.extend(_grouped(self.measures_supported))
        lines.append("Measures CLD cannot support:")
        lines.extend(_grouped(self.measures_not_supported))
        return lines


@dataclass
class CldExtract:
    """The six record-format tables read from a CLD extract. Every column is a string (ISO dates,
    NULL for unknown) and ``person_id`` is the CLD person key before pseudonymisation."""

    tables: dict[str, pa.Table]
    report: CldReport
    source_files: list[Path]


def read_cld(
    path: str | Path,
    *,
    postcode_localities: str | Path | None = None,
    extra_values: str | Path | None = None,
    population: str | Path | None = None,
    council: str | None = None,
) -> CldExtract:
    """Read a CLD extract: one CSV or XLSX file, or a folder of them (e.g. quarterly submissions).

    ``postcode_localities`` is an optional CSV with columns ``postcode`` and ``locality`` (a full
    postcode, a sector such as ``LE11 5`` or a district such as ``LE11`` per row) giving each
    person's locality; without it locality stays empty. ``extra_values`` is an optional YAML file
    of a council's own spellings, in the layout of ``cld_values.yaml``. ``population`` is an
    optional CSV in the record format's ``population.csv`` layout (``locality``, ``ethnicity``,
    ``age_band``, ``count``: ONS mid-year estimates; optionally ``la_code``, the council of each
    row when several councils are loaded), which CLD does not carry and ASCOF 2B/2C divide by;
    it is loaded, and validated, as the ``population`` table. ``council`` (an LA code) reads one
    council's extract: a row whose ``LA_Code`` (or population ``la_code``) names another council
    raises CldCouncilError, and population rows without one are that council's.

    Raises CldFormatError when the extract cannot be read as CLD.
    """
    values = value_lists(extra_values)
    files = _source_files(Path(path))
    problems = _Problems()
    report = CldReport(source_files=[str(f) for f in files])
    frames: list[pd.DataFrame] = []
    id_key = hashlib.blake2b(_ID_DOMAIN, digest_size=32)
    not_used: set[str] = set()
    for order, file in enumerate(files):
        content = file.read_bytes()
        id_key.update(len(content).to_bytes(8, "big") + content)
        for label, frame in _parse(file, content, problems):
            prepared = _prepare(frame, label, order, problems, not_used)
            if prepared is not None:
                frames.append(prepared)
    problems.raise_if_any()
    rows = pd.concat(frames, ignore_index=True)
    if rows.empty:
        raise CldFormatError([CldProblem(str(path), None, None, None, "holds no data rows")])
    if council is not None:
        _check_council(rows, "LA_Code", council)
    report.rows_read = len(rows)
    report.columns_not_used = sorted(not_used)
    lookup = _postcode_lookup(Path(postcode_localities)) if postcode_localities else None
    fields = _Fields.parse(rows, values, problems, report)
    problems.raise_if_any()
    report.data_quality = field_quality(rows, fields.codes["Event_Type"],
                                        _invalid_values(rows, values))
    people = _people(rows, fields, lookup, report)
    events = _events(rows, fields, people, values, report)
    tables = _tables(people, events, id_key.digest(), values, report)
    if population is not None:
        tables["population"] = _population(Path(population), council)
        files.append(Path(population))
    return CldExtract(tables, report, files)


def _check_council(rows: pd.DataFrame, column: str, council: str) -> None:
    """Raise CldCouncilError when a row of ``rows`` names a council other than ``council``."""
    found = _Problems()
    found.add(rows, rows[column].notna() & (rows[column] != council), column,
              f"is not {council}, the council being loaded (--council): load each council's "
              "files on their own")
    if found.items:
        raise CldCouncilError([problem for _, problem in sorted(
            found.items, key=lambda item: (item[0], item[1].row or 0))])


def _population(path: Path, council: str | None = None) -> pa.Table:
    """The population CSV as text columns (headers matched ignoring case and spaces); the
    loader validates it as the ``population`` table, naming this file's rows. For one
    ``council``'s load its rows must be that council's; rows without an LA code become it."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise CldFormatError([CldProblem(str(path), None, None, None,
                                         f"cannot be read as a CSV file ({exc})")]) from exc
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    columns = TABLES["population"].column_names
    missing = [c for c in columns if c not in frame.columns and c not in OPTIONAL_POPULATION]
    if missing:
        raise CldFormatError([CldProblem(str(path), None, c, None, "is a required column")
                              for c in missing])
    frame = frame.reindex(columns=list(columns), fill_value="")
    if council is not None:
        named = frame["la_code"].str.strip()
        named = named.mask(named == "")
        _check_council(frame.assign(la_code=named, _file=str(path), _order=0,
                                    _row=range(_FIRST_DATA_ROW, _FIRST_DATA_ROW + len(frame))),
                       "la_code", council)
        frame["la_code"] = council
    return _arrow("population", frame.replace("", None))


# --- reading files -------------------------------------------------------------------------------


class _Problems:
    """Collects problems from vectorised checks, grouped by file, column, value and reason."""

    def __init__(self) -> None:
        self.items: list[tuple[int, CldProblem]] = []

    def add_one(self, problem: CldProblem, order: int = 0) -> None:
        self.items.append((order, problem))

    def add(self, rows: pd.DataFrame, mask: pd.Series, column: str, reason: str) -> None:
        if not mask.any():
            return
        hit = rows.loc[mask, ["_file", "_order", "_row", column]]
        groups = hit.groupby(["_file", column], sort=False, dropna=False).agg(
            order=("_order", "min"), row=("_row", "min"), rows=("_row", "size")).reset_index()
        for file, value, order, row, count in groups.itertuples(index=False):
            shown = None if pd.isna(value) else str(value)
            problem = CldProblem(str(file), int(row), column, shown, reason, int(count))
            self.items.append((int(order), problem))

    def raise_if_any(self) -> None:
        if self.items:
            ordered = sorted(self.items, key=lambda item: (item[0], item[1].row or 0))
            raise CldFormatError([problem for _, problem in ordered])


def _source_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(f for f in path.iterdir() if f.is_file()
                       and f.suffix.lower() in (".csv", ".xlsx")
                       and not f.name.startswith(("~$", ".")))
        if not files:
            raise CldFormatError([CldProblem(str(path), None, None, None,
                                             "holds no .csv or .xlsx file")])
        return files
    if not path.is_file():
        raise CldFormatError([CldProblem(str(path), None, None, None, "no such file or folder")])
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise CldFormatError([CldProblem(str(path), None, None, None,
                                         "is not a .csv or .xlsx file")])
    return [path]


def _parse(file: Path, content: bytes, problems: _Problems) -> list[tuple[str, pd.DataFrame]]:
    """Every cell as text, so that nothing (leading zeros, NHS numbers, dates) is reinterpreted."""
    if file.suffix.lower() == ".xlsx":
        try:
            sheets = pd.read_excel(io.BytesIO(content), sheet_name=None, dtype=str,
                                   keep_default_na=False, na_filter=False)
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            problems.add_one(CldProblem(str(file), None, None, None,
                                        f"cannot be read as an XLSX workbook ({exc})"))
            return []
        usable = [(f"{file} [{name}]", frame) for name, frame in sheets.items()
                  if any(normalise(str(c)) in _BY_NORMALISED for c in frame.columns)]
        if not usable:
            problems.add_one(CldProblem(str(file), None, None, None,
                                        "has no sheet with CLD columns"))
        return usable
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        problems.add_one(CldProblem(str(file), None, None, None,
                                    "is neither UTF-8 nor Windows-1252 text"))
        return []
    if not text.strip():
        problems.add_one(CldProblem(str(file), None, None, None, "is empty"))
        return []
    try:
        # The pyarrow parser is several times faster than pandas' own on extracts of this size.
        frame = pd.read_csv(io.BytesIO(text.encode("utf-8")), engine="pyarrow", dtype=str,
                            keep_default_na=False)
    except (pd.errors.ParserError, pa.ArrowInvalid) as exc:
        problems.add_one(CldProblem(str(file), None, None, None, f"is not a valid CSV ({exc})"))
        return []
    return [(str(file), frame)]


def _prepare(frame: pd.DataFrame, label: str, order: int, problems: _Problems,
             not_used: set[str]) -> pd.DataFrame | None:
    """Rename the known columns to their specification spelling, add absent optional ones as
    empty, blank out "" and "NULL", and tag each row with its file and spreadsheet row number."""
    renamed: dict[str, str] = {}
    for column in frame.columns:
        canonical = _BY_NORMALISED.get(normalise(str(column)))
        if canonical is None:
            if not str(column).startswith("Unnamed:"):  # pandas' name for a blank header
                not_used.add(str(column))
        elif canonical in renamed.values():
            problems.add_one(CldProblem(label, 1, str(column), None,
                                        f"repeats column {canonical}"), order)
        else:
            renamed[column] = canonical
    missing = [c for c in REQUIRED_COLUMNS if c not in renamed.values()]
    for column in missing:
        problems.add_one(CldProblem(label, 1, column, None, "missing column"), order)
    if missing:
        return None
    out = frame[list(renamed)].rename(columns=renamed)
    for column in out.columns:
        text = out[column].astype(str).str.strip()
        out[column] = text.mask((text == "") | (text.str.upper() == "NULL"))
    for column in OPTIONAL_COLUMNS:
        if column not in out.columns:
            out[column] = pd.Series(np.nan, index=out.index, dtype=object)
    out["_file"] = label
    out["_order"] = order
    out["_row"] = np.arange(_FIRST_DATA_ROW, _FIRST_DATA_ROW + len(out))
    return out


# --- field parsing -------------------------------------------------------------------------------

_ISO_DATE = r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_UK_DATE = r"^(\d{1,2})/(\d{1,2})/(\d{4})$"
_MONTH = r"^(\d{4}-\d{2})$"
# Some case management systems write open-ended dates as 9999-12-31; CLD leaves them blank.
_OPEN_ENDED_YEAR = "9999"
_DATE_REASON = "is not a date (YYYY-MM-DD or DD/MM/YYYY)"


def _by_unique(raw: pd.Series, convert) -> pd.Series:
    """Apply a conversion to the distinct values only, then spread the results back: CLD repeats
    each person's details and each date on many rows, so this is many times faster on real
    extracts. The result keeps the conversion's dtype (dates stay dates); NULL stays NULL."""
    positions, uniques = pd.factorize(raw)
    converted = convert(pd.Series(uniques, dtype=object)).reset_index(drop=True)
    # One extra, missing, entry for the rows whose value is missing (factorize gives them -1).
    padded = converted.reindex(range(len(uniques) + 1))
    spread = padded.iloc[np.where(positions < 0, len(uniques), positions)]
    return spread.set_axis(raw.index)


def _parse_dates(text: pd.Series, *, month_only: bool) -> pd.Series:
    iso = text.str.extract(_ISO_DATE)[0]
    uk = text.str.extract(_UK_DATE)
    ymd = iso.fillna(uk[2] + "-" + uk[1].str.zfill(2) + "-" + uk[0].str.zfill(2))
    if month_only:
        ymd = ymd.fillna(text.str.extract(_MONTH)[0] + "-01")
    return pd.to_datetime(ymd, format="%Y-%m-%d", errors="coerce")


def _dates(rows: pd.DataFrame, column: str, problems: _Problems, *,
           month_only: bool = False, open_ended: bool = False) -> pd.Series:
    raw = rows[column]
    if open_ended:
        raw = raw.mask(raw.str.startswith(_OPEN_ENDED_YEAR, na=False))
    parsed = _by_unique(raw, lambda u: _parse_dates(u, month_only=month_only))
    reason = "is not a date (YYYY-MM-DD, DD/MM/YYYY or YYYY-MM)" if month_only else _DATE_REASON
    problems.add(rows, raw.notna() & parsed.isna(), column, reason)
    return parsed


def _numbers(rows: pd.DataFrame, column: str, problems: _Problems) -> pd.Series:
    raw = rows[column]
    cleaned = raw.str.replace(r"[£,\s]", "", regex=True)
    numbers = pd.to_numeric(cleaned, errors="coerce")
    problems.add(rows, raw.notna() & numbers.isna(), column, "is not a number")
    return numbers


def _nhs_number_valid(digits: str) -> bool:
    """NHS number Modulus 11 check; all-same-digit numbers (0000000000, placeholders) fail too."""
    if len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return check != 10 and check == int(digits[9])


def _nhs_numbers(raw: pd.Series) -> pd.Series:
    """The valid NHS numbers as ten digits; NaN where absent or invalid."""
    def convert(uniques: pd.Series) -> pd.Series:
        digits = uniques.str.replace(r"[\s-]", "", regex=True)
        valid = digits.map(lambda d: bool(re.fullmatch(r"\d{10}", d)) and _nhs_number_valid(d))
        return digits.where(valid.astype(bool)).astype(object)

    return _by_unique(raw, convert)


@dataclass
class _Fields:
    """The parsed and mapped columns, index-aligned with the raw rows."""

    codes: dict[str, pd.Series]
    client_type: pd.Series  # the record format's service_user / carer
    dates: dict[str, pd.Series]
    unit_cost: pd.Series
    planned_units: pd.Series
    person_key: pd.Series
    nhs_keyed: pd.Series
    recency: pd.Index  # row labels, most recent submission first

    @classmethod
    def parse(cls, rows: pd.DataFrame, values: ValueLists, problems: _Problems,
              report: CldReport) -> _Fields:
        codes: dict[str, pd.Series] = {}

        def code(column: str, needed: pd.Series | None = None, missing: str | None = None):
            codes[column] = _codes(rows, column, values, problems, report, needed, missing)
            return codes[column]

        client = code("Client_Type", pd.Series(True, index=rows.index),
                      "is missing: every row needs a Client_Type")
        by_association = client.map(values["client_type"].attributes("known_by_association"))
        by_association = by_association.fillna(False).astype(bool)
        event = code("Event_Type", ~by_association,
                     "is missing: every row needs an Event_Type, except a carer known by "
                     "association")
        code("Assessment_Type", event == "assessment", "is missing on an Assessment row")
        code("Service_Type", event == "service", "is missing on a Service row")
        code("Service_Component", event == "service")
        code("Event_Outcome", event == "request")
        for column in ("Gender", "Ethnicity", "Primary_Support_Reason", "Request_Route_of_Access",
                       "Eligible_Needs_Identified", "Delivery_Mechanism",
                       "Cost_Frequency_Unit_Type", "Review_Reason", "Review_Outcomes_Achieved",
                       "Accommodation_Status", "Employment_Status", "Client_Funding_Status"):
            code(column)
        problems.add(rows, rows["LA_Code"].isna(), "LA_Code", "is missing")
        problems.add(rows, event.notna() & rows["Event_Start_Date"].isna(), "Event_Start_Date",
                     "is missing on an event row")
        dates = {
            "start": _dates(rows, "Event_Start_Date", problems),
            "end": _dates(rows, "Event_End_Date", problems, open_ended=True),
            "birth": _dates(rows, "Date_of_Birth", problems, month_only=True),
            "death": _dates(rows, "Date_of_Death", problems),
            "period_end": _dates(rows, "Reporting_Period_End_Date", problems),
        }
        recency = rows.assign(_period_end=dates["period_end"]).sort_values(
            ["_period_end", "_order", "_row"], ascending=False, na_position="last").index
        key, nhs_keyed = _person_keys(rows, recency, problems, report)
        client_type = client.map(values["client_type"].attributes("record_client_type"))
        return cls(codes, client_type, dates, _numbers(rows, "Unit_Cost", problems),
                   _numbers(rows, "Planned_units_per_week", problems), key, nhs_keyed, recency)


def _invalid_values(rows: pd.DataFrame, values: ValueLists) -> dict[str, pd.Series]:
    """Per field, the rows whose value is present but not valid: not a known Release 1 or 2
    value (coded fields; "not known" spellings are valid), an NHS number failing its check
    digit, or a postcode that is not a full postcode."""
    invalid = {}
    for column in COLUMNS:
        if column.lower() in values.lists:
            value_list = values[column.lower()]
            matched = _by_unique(rows[column], lambda u, v=value_list: u.map(v.match)
                                 .astype(object))
            invalid[column] = rows[column].notna() & matched.isna()
    invalid["NHS_Number"] = rows["NHS_Number"].notna() & _nhs_numbers(rows["NHS_Number"]).isna()
    postcodes = _by_unique(rows["Postcode"], lambda u: u.map(_full_postcode).astype(object))
    invalid["Postcode"] = rows["Postcode"].notna() & postcodes.isna()
    return invalid


def _codes(rows: pd.DataFrame, column: str, values: ValueLists, problems: _Problems,
           report: CldReport, needed: pd.Series | None, missing: str | None) -> pd.Series:
    """Map a column's spellings to codes. Where ``needed``, an unrecognised value is an error (and
    so is an empty one when ``missing`` says why); elsewhere it is stored as NULL and reported."""
    value_list = values[column.lower()]
    raw = rows[column]
    codes = _by_unique(raw, lambda u: u.map(value_list.match).astype(object))
    unrecognised = raw.notna() & codes.isna()
    if needed is not None:
        problems.add(rows, unrecognised & needed, column,
                     "is not a known Release 1 or Release 2 value (add the spelling to a "
                     "value-list file if it is a local variant)")
        if missing:
            problems.add(rows, raw.isna() & needed, column, missing)
        unrecognised &= ~needed
    if unrecognised.any():
        report.unrecognised_values[column] = Counter(raw[unrecognised].tolist())
    return codes.mask(codes == NOT_KNOWN)


def _person_keys(rows: pd.DataFrame, recency: pd.Index, problems: _Problems,
                 report: CldReport) -> tuple[pd.Series, pd.Series]:
    """The national person key: NHS number where present, else LA code + local identifier.

    A local identifier that carries a valid NHS number on any row takes the most recent one on all
    its rows, so a person whose NHS number was traced between quarters stays one person.
    """
    local = rows["LA_Code"] + "_" + rows["LA_Person_Unique_Identifier"]
    nhs = _nhs_numbers(rows["NHS_Number"])
    report.rows_with_invalid_nhs_number = int((rows["NHS_Number"].notna() & nhs.isna()).sum())
    recent = nhs.loc[recency]
    traced = recent.groupby(local.loc[recency], sort=False).first()
    nhs = nhs.fillna(local.map(traced))
    key = nhs.fillna(local)
    problems.add(rows, key.isna(), "LA_Person_Unique_Identifier",
                 "is missing and there is no valid NHS_Number: the row has no person")
    problems.add(rows, key.str.len() > LABEL_MAX_LENGTH, "LA_Person_Unique_Identifier",
                 f"makes a person key longer than {LABEL_MAX_LENGTH} characters")
    return key, nhs.notna()


# --- people --------------------------------------------------------------------------------------

_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")
_SECTOR = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")


def _full_postcode(value: str) -> str | None:
    """``LE11 5AB`` from any spacing or case; None when it is not a full postcode."""
    match = _POSTCODE.match(re.sub(r"\s", "", value.upper()))
    return f"{match[1]} {match[2]}" if match else None


def _postcode_lookup(path: Path) -> tuple[str, dict[str, str]]:
    """Read the postcode -> locality file. Keys are full postcodes, sectors or districts."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CldFormatError([CldProblem(str(path), None, None, None,
                                         f"cannot be read as a CSV ({exc})")]) from exc
    columns = {normalise(c): c for c in frame.columns}
    missing = [c for c in ("postcode", "locality") if c not in columns]
    if missing:
        raise CldFormatError([CldProblem(str(path), 1, c, None, "missing column")
                              for c in missing])
    lookup: dict[str, str] = {}
    problems: list[CldProblem] = []
    for row, (raw, locality) in enumerate(
            zip(frame[columns["postcode"]], frame[columns["locality"]], strict=True),
            start=_FIRST_DATA_ROW):
        spaced = " ".join(raw.upper().split())
        key = _full_postcode(spaced) or (spaced if _SECTOR.match(spaced)
                                         or _DISTRICT.match(spaced) else None)
        if key is None:
            problems.append(CldProblem(str(path), row, "postcode", raw,
                                       "is not a postcode, sector or district"))
        elif not locality.strip() or len(locality.strip()) > LABEL_MAX_LENGTH:
            problems.append(CldProblem(str(path), row, "locality", locality,
                                       f"must be 1 to {LABEL_MAX_LENGTH} characters"))
        else:
            lookup[key] = locality.strip()
    if problems:
        raise CldFormatError(problems)
    return str(path), lookup


def _localities(postcodes: pd.Series, lookup: dict[str, str]) -> pd.Series:
    """Full postcode first, then sector, then district. The postcode itself goes no further."""
    def convert(uniques: pd.Series) -> pd.Series:
        def one(raw: str) -> str | None:
            full = _full_postcode(raw)
            if full is None:
                return None
            outward, inward = full.split(" ")
            for key in (full, f"{outward} {inward[0]}", outward):
                if key in lookup:
                    return lookup[key]
            return None
        return uniques.map(one)

    return _by_unique(postcodes, convert)


# Person attributes whose "unknown" is a value of its own: it counts only if no row says more.
_UNKNOWN_VALUES = {"gender": "unknown", "ethnicity": "unknown"}


def _people(rows: pd.DataFrame, fields: _Fields, lookup: tuple[str, dict[str, str]] | None,
            report: CldReport) -> pd.DataFrame:
    """One row per person key. Person details repeat on every row and can change between
    submissions, so each is taken from the most recent row that has it."""
    attributes = pd.DataFrame({
        "key": fields.person_key,
        # One client type per person: anyone who has been a service user is counted as one.
        "is_user": fields.client_type == "service_user",
        "nhs_keyed": fields.nhs_keyed,
        "birth_month": fields.dates["birth"].dt.strftime("%Y-%m"),
        "gender": fields.codes["Gender"],
        "ethnicity": fields.codes["Ethnicity"],
        "primary_support_reason": fields.codes["Primary_Support_Reason"],
        "death": fields.dates["death"],
        "employment": fields.codes["Employment_Status"],
        # The council of the person's latest row: a person (by NHS number) in several councils'
        # files belongs to the one that submitted last.
        "la": rows["LA_Code"],
        "locality": _localities(rows["Postcode"], lookup[1]) if lookup else None,
    }).loc[fields.recency]
    for column, unknown in _UNKNOWN_VALUES.items():
        attributes[f"said_{column}"] = attributes[column] == unknown
        attributes[column] = attributes[column].mask(attributes[f"said_{column}"])
    grouped = attributes.groupby("key", sort=False)
    people = grouped.first()  # the first non-null value in recency order
    flags = grouped[["is_user", "nhs_keyed", *(f"said_{c}" for c in _UNKNOWN_VALUES)]].any()
    for column, unknown in _UNKNOWN_VALUES.items():
        people.loc[people[column].isna() & flags[f"said_{column}"], column] = unknown
    people["client_type"] = np.where(flags["is_user"], "service_user", "carer")
    people["nhs_keyed"] = flags["nhs_keyed"]
    if lookup is not None:
        report.postcode_lookup = lookup[0]
        report.postcodes_matched = int(people["locality"].notna().sum())
        report.postcodes_unmatched = len(people) - report.postcodes_matched
    report.people = len(people)
    report.people_keyed_by_nhs_number = int(people["nhs_keyed"].sum())
    return people


# --- events --------------------------------------------------------------------------------------

# De-duplication keys (the DHSC definition of a unique event), by event type. Mapped codes are used
# rather than raw spellings so that a Release 1 and a Release 2 copy of one event are one event.
_KEYS = {
    "request": ["la", "key", "start", "end", "client", "route"],
    "assessment": ["la", "key", "start", "end", "client", "atype"],
    "review": ["la", "key", "start", "end", "client"],
    "service": ["la", "key", "start", "client", "stype", "component"],
}
# For a single submission the national rule also keeps apart services that differ in cost, so a
# package split over two rows (e.g. double-up care) keeps both costs.
_SINGLE_SUBMISSION_SERVICE_KEYS = ["delivery", "unit_cost", "frequency", "planned_units"]
# Request outcomes that send the request to the queue of an assessment of that link class.
_LINKING_OUTCOMES = {
    "progress_to_assessment": "needs",
    "progress_to_financial_assessment": "financial",
}


def _events(rows: pd.DataFrame, fields: _Fields, people: pd.DataFrame, values: ValueLists,
            report: CldReport) -> pd.DataFrame:
    """One row per distinct, completed (or, for services, possibly open) event, after the
    national cleaning: dropped when not completed or impossible, cropped to death, de-duplicated."""
    codes = fields.codes
    route_raw = rows["Request_Route_of_Access"].map(normalise, na_action="ignore")
    period_end = fields.dates["period_end"]
    events = pd.DataFrame({
        "type": codes["Event_Type"],
        "la": rows["LA_Code"],
        "key": fields.person_key,
        "client": fields.client_type,
        "start": fields.dates["start"],
        "end": fields.dates["end"],
        "outcome": codes["Event_Outcome"],
        "route": codes["Request_Route_of_Access"].fillna(route_raw),
        "route_code": codes["Request_Route_of_Access"],
        "atype": codes["Assessment_Type"],
        "eligible": codes["Eligible_Needs_Identified"],
        "stype": codes["Service_Type"],
        "component": codes["Service_Component"],
        "delivery": codes["Delivery_Mechanism"],
        "unit_cost": fields.unit_cost,
        "frequency": codes["Cost_Frequency_Unit_Type"],
        "planned_units": fields.planned_units,
        "reason": codes["Review_Reason"],
        "achieved": codes["Review_Outcomes_Achieved"],
        "accommodation": codes["Accommodation_Status"],
        "funding": codes["Client_Funding_Status"],
        "period_end": period_end,
        "submission": period_end.dt.strftime("%Y-%m-%d").fillna(rows["_file"]),
        "_order": rows["_order"],
        "_row": rows["_row"],
    })
    events = events[events["type"].notna()]
    report.events_read.update(events["type"].value_counts().to_dict())

    def drop(mask: pd.Series, counter: Counter[str]) -> None:
        nonlocal events
        counter.update(events.loc[mask, "type"].value_counts().to_dict())
        events = events[~mask]

    drop((events["type"] != "service") & events["end"].isna(), report.dropped_not_completed)
    death = events["key"].map(people["death"])
    drop(death.notna() & (events["start"] > death), report.dropped_after_death)
    death = death.loc[events.index]
    crop = death.notna() & (events["end"].isna() | (events["end"] > death))
    report.cropped_to_death.update(events.loc[crop, "type"].value_counts().to_dict())
    events.loc[crop, "end"] = death[crop]
    drop(events["end"] < events["start"], report.dropped_end_before_start)

    # Keep, of each set of duplicates, the record of the latest submission, then the open one, the
    # latest end, the outcome highest in the national hierarchy, and the last submitted.
    outcome_rank = events["outcome"].map(values["event_outcome"].ranks())
    events = events.assign(_open=events["end"].isna(), _rank=outcome_rank).sort_values(
        ["period_end", "_open", "end", "_rank", "_order", "_row"],
        ascending=[False, False, False, True, False, False], na_position="last")
    submissions = events[["la", "submission"]].drop_duplicates()
    single_submission = submissions["la"].is_unique
    kept = []
    for event_type, group in events.groupby("type", sort=False):
        keys = list(_KEYS[event_type])
        if event_type == "service" and single_submission:
            keys += _SINGLE_SUBMISSION_SERVICE_KEYS
        unique = group.drop_duplicates(keys, keep="first")
        if len(unique) < len(group):
            report.duplicates_removed[event_type] += len(group) - len(unique)
        kept.append(unique)
    events = pd.concat(kept).sort_values(["_order", "_row"]) if kept else events
    if not single_submission:
        events = _crop_to_period_end(events, report)
    return events.drop(columns=["_open", "_rank"])


def _crop_to_period_end(events: pd.DataFrame, report: CldReport) -> pd.DataFrame:
    """National rule for several submissions: a service still open at the end of an earlier
    submission's period that no later submission repeats is taken to have ended then (its end date
    was never sent). The latest submission's open services stay open."""
    latest = events.groupby("la")["period_end"].transform("max")
    crop = ((events["type"] == "service") & events["period_end"].notna()
            & (events["period_end"] < latest) & (events["start"] <= events["period_end"])
            & (events["end"].isna() | (events["end"] > events["period_end"])))
    report.services_cropped_to_period_end = int(crop.sum())
    events.loc[crop, "end"] = events.loc[crop, "period_end"]
    return events


def _link_requests(requests: pd.DataFrame, assessments: pd.DataFrame,
                   report: CldReport) -> pd.Series:
    """The start date of the request each assessment followed, NaT when none (see docs/cld.md).

    Candidates are the same person's requests, started on or before the assessment started, whose
    outcome sent them to an assessment of the same class (needs assessments of the same client
    type; financial assessments to Release 1's "Progress to financial assessment"). Each
    assessment takes the candidate that most recently ended on or before its start (a request is
    decided before its assessment begins), else, when none had ended, the most recently started
    one. Using the end tells apart overlapping assessments that each have their own request. A
    request already taken by an earlier assessment is not reused, so a second assessment with no
    new request (a reassessment) stays unlinked rather than reaching back to an older request.
    """
    link_class = requests["outcome"].map(_LINKING_OUTCOMES)
    report.requests_progressed = int(link_class.notna().sum())
    report.requests_not_progressed.update(
        requests.loc[link_class.isna(), "outcome"].fillna("no outcome").value_counts().to_dict())
    if assessments.empty or link_class.isna().all():
        return pd.Series(pd.NaT, index=assessments.index, dtype="datetime64[ns]")
    candidates = requests[link_class.notna()].reset_index(drop=True)
    candidates["link"] = np.where(link_class.dropna().to_numpy() == "financial", "financial",
                                  "needs:" + candidates["client"])
    candidates["request"] = np.arange(len(candidates))
    wanted = assessments[["key", "client", "kind", "start", "end"]].reset_index(drop=True)
    wanted["link"] = np.where(wanted["kind"] == "financial_assessment", "financial",
                              "needs:" + wanted["client"])
    wanted = wanted.sort_values(["start", "end"], kind="stable")
    by = ["key", "link"]
    # Nearest preceding candidate by start date.
    nearest = pd.merge_asof(
        wanted, candidates.sort_values("start")[[*by, "start", "request"]],
        on="start", by=by, direction="backward")["request"].to_numpy()
    # The candidate that most recently ended on or before the assessment's start.
    concluded = pd.merge_asof(
        wanted, candidates.sort_values(["end", "start"])[[*by, "end", "request"]],
        left_on="start", right_on="end", by=by, direction="backward")["request"].to_numpy()
    chosen = pd.Series(np.where(np.isnan(concluded), nearest, concluded), index=wanted.index)
    taken = chosen.duplicated() & chosen.notna()
    chosen[taken] = np.nan
    report.requests_linked = int(chosen.notna().sum())
    starts = candidates["start"].to_numpy()
    received = pd.Series(pd.NaT, index=wanted.index, dtype="datetime64[ns]")
    found = chosen.notna()
    received[found] = starts[chosen[found].astype(int).to_numpy()]
    return pd.Series(received.sort_index().to_numpy(), index=assessments.index)


# --- tables --------------------------------------------------------------------------------------


def _iso(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y-%m-%d")


def _ids(prefix: str, frame: pd.DataFrame, columns: list[str], key: bytes) -> pd.Series:
    """Record ids from the event's composite key, hashed (keyed BLAKE2b) under a secret derived
    from the extract's content. The same extract always gives the same ids (reloads replace rather
    than duplicate), while the ids, unlike a plain hash, cannot be reversed to the NHS numbers they
    were built from by anyone holding the store but not the extract."""
    def text(column: str) -> pd.Series:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            days = np.datetime_as_string(values.to_numpy().astype("datetime64[D]"))
            return pd.Series(days, index=frame.index, dtype=object)
        values = values.astype(object)
        return values.where(values.notna(), "").map(str)

    parts = text(columns[0])
    for column in columns[1:]:
        parts = parts + "\x1f" + text(column)
    digests = [hashlib.blake2b(part.encode(), key=key, digest_size=12).hexdigest()
               for part in parts]
    return pd.Series([f"cld-{prefix}-{d}" for d in digests], index=frame.index, dtype=object)


def _weekly_cost(services: pd.DataFrame, values: ValueLists) -> pd.Series:
    """Unit_Cost x units per week (from the cost frequency, or Planned_units_per_week for hourly,
    daily and per-session costs); NULL when not derivable or zero. Negative figures are taken as
    positive, as the national cost processing does."""
    frequencies = values["cost_frequency_unit_type"]
    per_week = services["frequency"].map(frequencies.attributes("units_per_week"))
    planned = per_week == "planned"
    fixed = per_week.where(~planned).map(_fraction, na_action="ignore")
    units = fixed.astype(float).where(~planned, services["planned_units"].abs())
    cost = services["unit_cost"].abs() * units
    return cost.where(cost > 0).round(2).map("{:.2f}".format, na_action="ignore")


def _fraction(text: str) -> float:
    numerator, _, denominator = str(text).partition("/")
    return float(numerator) / float(denominator or 1)


def _tables(people: pd.DataFrame, events: pd.DataFrame, id_key: bytes, values: ValueLists,
            report: CldReport) -> dict[str, pa.Table]:
    frames: dict[str, pd.DataFrame] = {}
    frames["people"] = people.assign(person_id=people.index, rural_urban=None)

    requests = events[events["type"] == "request"]
    assessments = events[events["type"] == "assessment"].copy()
    atypes = values["assessment_type"]
    financial = assessments["atype"].map(atypes.attributes("financial")).fillna(False)
    financial = financial.astype(bool)
    assessments["kind"] = np.where(
        financial, "financial_assessment",
        np.where(assessments["client"] == "carer", "carer_assessment", "care_act_assessment"))
    assessments["subtype"] = assessments["atype"].map(atypes.attributes("subtype"))
    received = _link_requests(requests, assessments, report)
    report.assessments_linked.update(assessments.loc[received.notna(), "kind"].value_counts()
                                     .to_dict())
    report.assessments_unlinked.update(assessments.loc[received.isna(), "kind"].value_counts()
                                       .to_dict())
    assessment_rows = pd.DataFrame({
        "episode_id": _ids("assessment", assessments, _KEYS["assessment"], id_key),
        "person_id": assessments["key"],
        "kind": assessments["kind"],
        "subtype": assessments["subtype"],
        "received_date": _iso(received.fillna(assessments["start"])),
        "allocated_date": _iso(assessments["start"]),
        "completed_date": _iso(assessments["end"]),
        "outcome": assessments["eligible"],
    })
    reviews = events[events["type"] == "review"]
    review_rows = pd.DataFrame({
        "episode_id": _ids("review", reviews, _KEYS["review"], id_key),
        "person_id": reviews["key"],
        "kind": "review",
        "subtype": reviews["reason"],
        "received_date": _iso(reviews["start"]),
        "allocated_date": _iso(reviews["start"]),
        "completed_date": _iso(reviews["end"]),
        "outcome": reviews["achieved"],
    })
    report.reviews = len(reviews)
    frames["episodes"] = pd.concat([assessment_rows, review_rows], ignore_index=True)

    services = events[events["type"] == "service"]
    stypes, components = values["service_type"], values["service_component"]
    carer_support = services["stype"].map(stypes.attributes("carer_support")).fillna(False)
    carer_support = carer_support.astype(bool)
    report.carer_support_left_out = int(carer_support.sum())
    services = services[~carer_support]
    fixed_setting = services["stype"].map(stypes.attributes("setting"))
    component_setting = services["component"].map(components.attributes("setting"))
    setting = fixed_setting.fillna(component_setting)
    report.services_without_component = int(setting.isna().sum())
    # A Direct Payment component is a direct payment whatever Delivery_Mechanism says (national
    # ASCOF 3D rule).
    delivery = services["delivery"].mask(services["component"] == "direct_payment",
                                         "direct_payment")
    frames["services"] = pd.DataFrame({
        "service_id": _ids("service", services, _KEYS["service"], id_key),
        "person_id": services["key"],
        "support_type": services["stype"].map(stypes.attributes("support_type")),
        "setting": setting.fillna("other_community"),
        "delivery_mechanism": delivery,
        "start_date": _iso(services["start"]),
        # CLD's end date is the last day of the service; the record format's is the first day
        # without it.
        "end_date": _iso(services["end"] + pd.Timedelta(days=1)),
        "weekly_cost": _weekly_cost(services, values),
    })
    report.services = len(services)
    frames["cld_events"] = _cld_events(events, id_key)
    frames["cld_people"] = _cld_people(people, events, values)
    supported = values.measures["supported"]
    report.measures_supported = dict(supported)
    report.measures_not_supported = dict(values.measures["unsupported"])
    financial_reason = (
        "financial assessments linked to Release 1 \"Progress to financial assessment\" requests"
        if report.assessments_linked["financial_assessment"] else
        "no financial assessment could be linked to a request, so the wait cannot be measured; "
        "Release 2 has no \"Progress to financial assessment\" outcome")
    target = (report.measures_supported if report.assessments_linked["financial_assessment"]
              else report.measures_not_supported)
    target.update(dict.fromkeys(values.measures["financial_flow"], financial_reason))
    breakdown = "breakdowns by locality"
    if report.postcode_lookup:
        report.measures_supported[breakdown] = "locality from the postcode lookup given"
    else:
        report.measures_not_supported[breakdown] = "no postcode lookup was given"
    return {name: _arrow(name, frames.get(name)) for name in STORE_ORDER}


# DHSC's order of service types when reading accommodation from the latest service (lower first).
_SERVICE_TYPE_RANK = {"lts_nursing": 1, "lts_residential": 2, "lts_community": 3,
                      "lts_prison": 4, "sts_st_max": 5, "sts_ongoing_low_level": 6,
                      "sts_other": 7}
# Service components that say where someone lives, and what they say.
_COMPONENT_ACCOMMODATION = {"shared_lives": "shared_lives",
                            "extra_care_housing": "sheltered_housing",
                            "supported_living": "supported_accommodation",
                            "home_support": "presumed_at_home"}
_TYPE_ACCOMMODATION = {"lts_nursing": "nursing_home", "lts_residential": "care_home",
                       "lts_prison": "prison"}


def _cld_people(people: pd.DataFrame, events: pd.DataFrame, values: ValueLists) -> pd.DataFrame:
    """Per person, the date of death, DHSC's latest client funding status and DHSC's latest
    accommodation status (ASCOF 2E):

    the status of the person's latest rows that give one (later submission, then open or later
    end, then later start), "unknown" when those rows disagree; when unknown, read from the
    latest service (open or latest end, then nursing before residential before community ...,
    then a component that says where someone lives, then latest start): nursing or residential
    care, prison, Shared Lives, extra care housing, supported living; community support at home
    is "presumed at home", other community support "presumed in community"."""
    far = pd.Timestamp("2262-01-01")
    status = _latest_known(events, "accommodation").reindex(people.index).astype(object)
    unknown = status.isna()
    services = events[(events["type"] == "service") & events["key"].isin(people.index[unknown])]
    if not services.empty:
        services = services.assign(
            _end=services["end"].fillna(far),
            _rank=services["stype"].map(_SERVICE_TYPE_RANK).fillna(99),
            _tells=services["component"].isin(list(_COMPONENT_ACCOMMODATION)),
        )
        order = ["_end", "_rank", "_tells", "start"]
        services = services.sort_values(["key", *order], ascending=[True, False, True, False,
                                                                    False])
        best = services.groupby("key", sort=False)[order].transform("first")
        latest = services[services[order].eq(best).all(axis=1)]
        useful_type = latest["stype"].where(latest["_rank"] < 99)
        useful_component = latest["component"].where(latest["_tells"])
        useful = pd.DataFrame({"key": latest["key"], "stype": useful_type,
                               "component": useful_component})
        one_type = _only_value(useful, "stype").reindex(latest["key"].unique())
        one_component = _only_value(useful, "component").reindex(one_type.index)
        read = one_type.map(_TYPE_ACCOMMODATION)
        read = read.fillna(one_component.map(_COMPONENT_ACCOMMODATION))
        read = read.mask(read.isna() & (one_type == "lts_community"), "presumed_in_community")
        status = status.fillna(read.reindex(status.index))
    settled = status.map(values["accommodation_status"].attributes("settled"))
    funding = _latest_known(events, "funding").reindex(people.index).astype(object)
    return pd.DataFrame({
        "person_id": people.index,
        "la_code": people["la"].to_numpy(),
        "date_of_death": _iso(people["death"]),
        "employment_status": people["employment"].to_numpy(),
        "accommodation_status": status.to_numpy(),
        "settled_accommodation": settled.map({True: "true", False: "false"}).to_numpy(),
        "client_funding_status": funding.to_numpy(),
    })


def _latest_known(events: pd.DataFrame, column: str) -> pd.Series:
    """Per person key, DHSC's latest known value of a person field (accommodation, funding):
    of the rows that give one, those of the latest submission, then open or latest end, then
    latest start; left out (unknown) when those rows disagree or none gives one."""
    far = pd.Timestamp("2262-01-01")
    order = ["_known", "period_end", "_end", "start"]
    rows = events.assign(_known=events[column].notna(), _end=events["end"].fillna(far))
    rows = rows.sort_values(["key", *order], ascending=False, na_position="last")
    first = rows.groupby("key", sort=False)[order]
    top = rows[rows[order].fillna(far).eq(first.transform("first").fillna(far)).all(axis=1)]
    return _only_value(top[top["_known"]], column)


def _only_value(frame: pd.DataFrame, column: str) -> pd.Series:
    """Per ``key``, the value of ``column`` when its rows give exactly one (blanks ignored);
    keys with none or several are left out."""
    distinct = frame.dropna(subset=[column]).drop_duplicates(["key", column])
    single = distinct[~distinct["key"].duplicated(keep=False)]
    return single.set_index("key")[column]


def _cld_events(events: pd.DataFrame, id_key: bytes) -> pd.DataFrame:
    """Every cleaned event as CLD has it, for the national measures defined on CLD's own events
    (DHSC's waiting times need the requests and their outcomes, and the service types, which the
    record-format tables fold away). Ids are built from the same keys as de-duplication used, so
    they are unique."""
    single_submission = events[["la", "submission"]].drop_duplicates()["la"].is_unique
    in_order = events.sort_values(["_order", "_row"]).index
    order = pd.Series(np.arange(1, len(events) + 1), index=in_order).reindex(events.index)
    ids = pd.Series(index=events.index, dtype=object)
    for event_type, group in events.groupby("type", sort=False):
        keys = list(_KEYS[event_type])
        if event_type == "service" and single_submission:
            keys += _SINGLE_SUBMISSION_SERVICE_KEYS
        ids[group.index] = _ids(f"event-{event_type}", group, keys, id_key)
    return pd.DataFrame({
        "event_id": ids,
        "person_id": events["key"],
        "event_type": events["type"],
        "client_type": events["client"],
        "start_date": _iso(events["start"]),
        "end_date": _iso(events["end"]),
        "period_end": _iso(events["period_end"]),
        "outcome": events["outcome"],
        "assessment_type": events["atype"],
        "service_type": events["stype"],
        "service_component": events["component"],
        "delivery_mechanism": events["delivery"],
        "route_of_access": events["route_code"],
        "review_reason": events["reason"],
        "record_order": order.astype("int64").astype(str),
    })


def _arrow(name: str, frame: pd.DataFrame | None) -> pa.Table:
    """Exactly the schema's columns, every one a string, NULL for unknown."""
    columns = TABLES[name].column_names
    schema = pa.schema([(c, pa.string()) for c in columns])
    if frame is None:
        return schema.empty_table()
    arrays = [pa.array(frame[c], pa.string(), from_pandas=True) if c in frame.columns
              else pa.nulls(len(frame), pa.string()) for c in columns]
    return pa.Table.from_arrays(arrays, schema=schema)


def _grouped(measures: dict[str, str]) -> list[str]:
    """One line per reason, listing the measure ids it applies to."""
    by_reason: dict[str, list[str]] = {}
    for measure, reason in measures.items():
        by_reason.setdefault(reason, []).append(measure)
    return [f"  {', '.join(ids)} ({reason})" for reason, ids in by_reason.items()]


def _shown(value: str) -> str:
    return value if len(value) <= _SHOWN_VALUE_LENGTH else value[:_SHOWN_VALUE_LENGTH] + "..."


def _by_type(counts: Counter[str]) -> str:
    return ", ".join(f"{t.title()} {counts[t]:,}" for t in _EVENT_TYPES if counts[t]) or "none"


def _counts(counts: Counter[str]) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {n:,}" for k, n in counts.most_common()) or "none"

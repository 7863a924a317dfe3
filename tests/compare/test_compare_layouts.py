"""The long layout, and the errors a bad file gets: every problem at once, by file, row and
column."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from careassure.compare.layouts import read_national_file
from careassure.compare.model import NationalFileError, period_bounds
from careassure.compare.neighbours import read_neighbours_file

FIXTURES = Path(__file__).parents[1] / "fixtures" / "compare"
HEADER = "area_code,area_name,area_type,region,measure_code,measure_title,period,value,better\n"


def test_the_long_layout_reads_years_quarters_and_gaps() -> None:
    layout, figures = read_national_file(FIXTURES / "long-layout-example.csv")
    assert layout == "long"
    assert len(figures) == 13
    assert [f.council_name for f in figures if f.is_total] == ["England", "East Midlands"]
    leicester = next(f for f in figures if f.council_code == "E06000016" and f.period == "2022-23")
    assert leicester.value is None  # not published
    assert {f.period for f in figures if f.measure_code == "CLD-W1"} == {"2023-24 Q1"}
    assert {f.better for f in figures if f.measure_code == "CLD-W1"} == {"lower"}


def test_every_problem_is_reported_with_its_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "E1,X,Counties,East Midlands,M1,Title,2022-23,abc,up\n"  # row 2: code, value, better
        + "E10000018,Leicestershire,Counties,East Midlands,M1,Title,2022,5,higher\n"  # period
        + "E10000018,Leicestershire,,East Midlands,M1,Title,2022-23,5,higher\n"  # empty type
        + "E10000018,Leicestershire,Counties,East Midlands,M1,Title,2022-23,6,higher\n"
        + "E10000018,Leicestershire,Counties,East Midlands,M1,Title,2022-23,7,higher\n"  # twice
    )
    with pytest.raises(NationalFileError) as caught:
        read_national_file(path)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {
        (2, "area_code"), (2, "value"), (2, "better"), (3, "period"), (4, "area_type"), (6, None)
    }
    assert "bad.csv, row 6: E10000018 M1 2022-23 is also on row 5" in str(caught.value)


def test_a_measure_given_two_directions_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text(
        HEADER
        + "E10000018,Leicestershire,Counties,East Midlands,M1,Title,2022-23,5,higher\n"
        + "E06000016,Leicester,Unitary Authorities,East Midlands,M1,Title,2022-23,6,lower\n"
    )
    with pytest.raises(NationalFileError, match="M1 is given more than one direction"):
        read_national_file(path)


def test_an_unknown_layout_names_the_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("area_code,area_name,value\nE10000018,Leicestershire,5\n")
    with pytest.raises(NationalFileError, match="lacks the columns 'area_type', 'region'"):
        read_national_file(path)


def test_compressed_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv.gz"
    path.write_bytes(gzip.compress((FIXTURES / "long-layout-example.csv").read_bytes()))
    assert len(read_national_file(path)[1]) == 13


def test_neighbours_leave_the_council_out_of_its_own_group(tmp_path: Path) -> None:
    groups = read_neighbours_file(FIXTURES / "oflog-nn-subset.json")
    assert len(groups["E10000018"]) == 15
    assert "E10000018" not in groups["E10000018"]
    bad = tmp_path / "nn.json"
    bad.write_text('{"E10000018": ["E10000007", "E10000007"], "X1": ["nope"]}')
    with pytest.raises(NationalFileError) as caught:
        read_neighbours_file(bad)
    assert str(caught.value) == (
        "nn.json: 'X1' is not an ONS area code; nn.json: X1: lists values that are not ONS area "
        "codes: 'nope'")
    twice = tmp_path / "twice.json"  # as in the published file: a member listed twice counts once
    twice.write_text('{"E10000018": ["E10000018", "E10000007", "E10000007"]}')
    assert read_neighbours_file(twice) == {"E10000018": ["E10000007"]}


@pytest.mark.parametrize(("period", "bounds"), [
    ("2022-23", ("2022-04-01", "2023-03-31")),
    ("2023-24 Q1", ("2023-04-01", "2023-06-30")),
    ("2023-24 Q4", ("2024-01-01", "2024-03-31")),
    ("2022-24", None),
    ("2022", None),
])
def test_period_bounds(period: str, bounds: tuple[str, str] | None) -> None:
    found = period_bounds(period)
    assert (tuple(d.isoformat() for d in found) if found else None) == bounds

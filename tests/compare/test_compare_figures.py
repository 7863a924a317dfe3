"""Published figures read from the Oflog file: the values, England's median, the neighbours and
the rank, worked out by hand from rows copied from the published file (tests/fixtures/compare/
README.md says which rows)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from careassure.compare.comparison import MeasureComparison, compare_council, ordinal
from careassure.compare.layouts import read_national_file
from careassure.compare.model import NationalFigure
from careassure.compare.neighbours import read_neighbours_file

FIXTURES = Path(__file__).parents[1] / "fixtures" / "compare"
FIGURES = FIXTURES / "oflog-asc-subset.csv"
NEIGHBOURS = FIXTURES / "oflog-nn-subset.json"
LEICESTERSHIRE, LEICESTER = "E10000018", "E06000016"


@pytest.fixture(scope="module")
def figures() -> list[NationalFigure]:
    layout, read = read_national_file(FIGURES)
    assert layout == "oflog"
    return read


def _measure(figures: list[NationalFigure], council: str, code: str) -> MeasureComparison:
    neighbours = read_neighbours_file(NEIGHBOURS)[council]
    found = compare_council(figures, council, neighbours)
    return next(c for c in found if c.code == code)


def test_leicestershire_ease_of_finding_information_2022_23(figures: list[NationalFigure]) -> None:
    """ASC3 2022-23. Leicestershire 61.8; the file's MEDIAN 67.5. Its 15 neighbours (the 16 in
    the file less itself), sorted: 60.0 (Somerset), 63.2, 63.6, 64.2, 65.4, 66.1, 66.4, 67.6
    (the 8th: the median), 68.7, 68.9, 69.6, 69.8, 71.4, 71.5, 71.9 (Gloucestershire). 127 of
    the 149 councils with a value score higher than 61.8: 128th of 149. East Midlands: 10
    councils, median (65.9 + 66.4) / 2 = 66.15."""
    asc3 = _measure(figures, LEICESTERSHIRE, "ASC3")
    latest = asc3.latest
    assert (asc3.council_name, asc3.better, latest.period) == ("Leicestershire", "higher",
                                                               "2022-23")
    assert latest.value == 61.8
    assert latest.published_median == 67.5
    assert latest.england.median == 67.5
    assert (latest.england.members, latest.england.counted) == (152, 149)
    assert latest.neighbours is not None
    assert (latest.neighbours.counted, latest.neighbours.median) == (15, 67.6)
    assert (latest.neighbours.low, latest.neighbours.high) == (60.0, 71.9)
    assert latest.rank is not None and latest.rank.text() == "128th of 149"
    assert latest.region.name == "East Midlands"
    assert latest.region.counted == 10
    assert latest.region.median == pytest.approx(66.15)
    assert latest.council_type.name == "Counties"
    assert [p.period for p in asc3.periods] == [
        "2015-16", "2016-17", "2017-18", "2018-19", "2019-20", "2021-22", "2022-23"
    ]
    # The trend as published (2020-21 was not collected: the survey paused for COVID-19).
    assert [p.value for p in asc3.periods] == [67.1, 70.1, 68.6, 59.7, 61.5, 56.8, 61.8]
    assert [p.published_median for p in asc3.periods] == [74.3, 73.7, 73.6, 70.3, 69, 65.2, 67.5]


def test_leicester_short_term_services_and_information_2022_23(
    figures: list[NationalFigure],
) -> None:
    """Leicester (a unitary council). ASC5 2022-23: 73.8; MEDIAN 78.2; neighbours sorted 34.2,
    51.6, 56.0, 60.7, 62.9, 68.6, 73.2, 75.0, 75.0, 78.1, 78.2, 80.1, 85.6, 95.3, 99.1: median
    75.0; 93 councils above 73.8: 94th of 151 (one other council ties). ASC3 2022-23: 63.0;
    neighbours 56.6 .. 77.2, median 65.9 (the 8th of 56.6, 60.8, 62.4, 63.8, 65.1, 65.7, 65.7,
    65.9, ...); 119th of 149."""
    asc5 = _measure(figures, LEICESTER, "ASC5").latest
    assert (asc5.value, asc5.published_median, asc5.england.median) == (73.8, 78.2, 78.2)
    assert asc5.neighbours is not None
    assert (asc5.neighbours.median, asc5.neighbours.low, asc5.neighbours.high) == (
        75.0, 34.2, 99.1)
    assert asc5.rank is not None and asc5.rank.text() == "94th of 151"
    asc3 = _measure(figures, LEICESTER, "ASC3").latest
    assert asc3.neighbours is not None
    assert (asc3.value, asc3.neighbours.median) == (63.0, 65.9)
    assert (asc3.neighbours.low, asc3.neighbours.high) == (56.6, 77.2)
    assert asc3.rank is not None and asc3.rank.text() == "119th of 149"
    assert asc3.council_type.name == "Unitary Authorities"


def test_recomputed_medians_match_the_files_median_column(figures: list[NationalFigure]) -> None:
    """For every measure of the two complete years in the fixture, England's median worked out
    from the councils' values is the file's MEDIAN on every row (to the file's precision: a few
    rows print it to 8 decimals)."""
    complete = [f for f in figures if f.period in ("2021-22", "2022-23")]
    checked = 0
    for comparison in compare_council(complete, LEICESTERSHIRE):
        for period in comparison.periods:
            rows = [f for f in complete
                    if (f.measure_code, f.period) == (comparison.code, period.period)]
            for row in rows:
                assert row.published_median is not None
                assert period.england.median == pytest.approx(row.published_median, rel=1e-8)
            checked += len(rows)
    assert checked == 1824  # 12 measure-years of 152 councils


def test_rank_agrees_with_the_files_distance_from_the_median() -> None:
    """The file's MADs_from_median is positive above the median and negative below: a council
    ranked in the better half (higher is better) is never below the median, and the reverse."""
    with FIGURES.open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Financial year"] == "2022-23"
                and r["Code"] == "ASC3" and r["Value"]]
    _, figures = read_national_file(FIGURES)
    for row in rows:
        code = row["Local authority code"]
        latest = next(c for c in compare_council(figures, code) if c.code == "ASC3").latest
        assert latest.rank is not None
        distance = float(row["MADs_from_median"])
        if distance > 0:
            assert latest.rank.position <= math.ceil(latest.rank.of / 2)
        elif distance < 0:
            assert latest.rank.position > latest.rank.of // 2


@pytest.mark.parametrize(("number", "text"), [
    (1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
    (21, "21st"), (97, "97th"), (101, "101st"), (112, "112th"), (153, "153rd"),
])
def test_ordinal(number: int, text: str) -> None:
    assert ordinal(number) == text

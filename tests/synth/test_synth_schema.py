"""Every generated row obeys the record format (records-format.md), at small and full scale, and
the generator is deterministic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from careassure.records.schema import (
    CODE_PATTERN,
    EPISODE_SUBTYPES,
    LOAD_ORDER,
    TABLES,
    ColumnType,
)
from careassure.synth import generate_county

EXTRACT_DATE = pd.Timestamp("2026-09-30")


def rule_violations(county: dict[str, pd.DataFrame]) -> list[str]:
    """Every breach of the record format's rules, as readable messages (empty = conforming)."""
    problems: list[str] = []
    for name in LOAD_ORDER:
        frame = county[name]
        table = TABLES[name]
        if tuple(frame.columns) != table.column_names:
            problems.append(f"{name}: columns {tuple(frame.columns)}")
            continue
        for column in table.columns:
            values = frame[column.name]
            present = values.dropna()
            if column.required and values.isna().any():
                problems.append(f"{name}.{column.name}: NULL in a required column")
            if column.unique and values.duplicated().any():
                problems.append(f"{name}.{column.name}: duplicates")
            if column.allowed and not present.isin(column.allowed).all():
                problems.append(f"{name}.{column.name}: {set(present) - set(column.allowed)}")
            # Free codes (outcome, subtype, category) must look like codes; listed values such as
            # the age band "65+" are checked against their list instead.
            free_code = column.type is ColumnType.CODE and not column.allowed
            if free_code and not present.str.fullmatch(CODE_PATTERN).all():
                problems.append(f"{name}.{column.name}: not a lower snake case code")
            if column.max_length and (present.str.len() > column.max_length).any():
                problems.append(f"{name}.{column.name}: longer than {column.max_length}")
            if column.references:
                table_, key = column.references
                if not present.isin(county[table_][key]).all():
                    problems.append(f"{name}.{column.name}: not all in {table_}.{key}")
            if column.type in (ColumnType.DATE, ColumnType.DATETIME) and (
                values > EXTRACT_DATE + pd.Timedelta(days=1)
            ).any():
                problems.append(f"{name}.{column.name}: after the extract date")

    e = county["episodes"]
    for later in ("allocated_date", "completed_date", "closed_date"):
        if (e[later] < e["received_date"]).any():
            problems.append(f"episodes: {later} before received_date")
    if (e["completed_date"].notna() & e["closed_date"].notna()).any():
        problems.append("episodes: both completed and closed")
    if (e["completed_date"] < e["allocated_date"]).any():
        problems.append("episodes: completed before allocated")
    for kind in e["kind"].unique():
        subtypes = e.loc[e["kind"] == kind, "subtype"].dropna()
        if not subtypes.isin(EPISODE_SUBTYPES.get(kind, ())).all():
            problems.append(f"episodes: subtype {set(subtypes)} for {kind}")

    s = county["services"]
    if (s["end_date"] <= s["start_date"]).any():
        problems.append("services: ends on or before it starts")
    if (s["weekly_cost"] <= 0).any():
        problems.append("services: weekly cost not positive")

    born = pd.to_datetime(county["people"]["birth_month"].dropna(), format="%Y-%m")
    if (born > EXTRACT_DATE - pd.DateOffset(years=18)).any():
        problems.append("people: someone under 18 at the extract date")
    if county["population"]["locality"].isna().any():
        problems.append("population: whole-area rows present (documented as absent)")
    return problems


def test_small_county_conforms(small_county: dict[str, pd.DataFrame]) -> None:
    assert list(small_county) == list(LOAD_ORDER)
    assert rule_violations(small_county) == []


def test_full_county_conforms(county: dict[str, pd.DataFrame]) -> None:
    assert rule_violations(county) == []


def test_rule_check_catches_a_broken_row(small_county: dict[str, pd.DataFrame]) -> None:
    broken = dict(small_county)
    episodes = small_county["episodes"].copy()
    episodes.loc[0, "completed_date"] = episodes.loc[0, "received_date"] - pd.Timedelta(days=1)
    broken["episodes"] = episodes
    assert "episodes: completed_date before received_date" in rule_violations(broken)


def test_types_and_identifiers(small_county: dict[str, pd.DataFrame]) -> None:
    e = small_county["episodes"]
    assert all(str(e[c].dtype).startswith("datetime64") for c in
               ("received_date", "allocated_date", "completed_date", "closed_date"))
    assert small_county["people"]["person_id"].str.fullmatch(r"P\d{7}").all()
    assert small_county["contacts"]["answered"].dtype == bool
    assert small_county["people"]["birth_month"].dropna().str.fullmatch(r"\d{4}-\d{2}").all()


def test_every_kind_and_setting_appears(small_county: dict[str, pd.DataFrame]) -> None:
    kinds = set(small_county["episodes"]["kind"])
    assert kinds == set(TABLES["episodes"].column("kind").allowed)
    assert set(small_county["services"]["setting"]) == set(TABLES["services"].column(
        "setting").allowed)
    assert set(small_county["services"]["support_type"]) == {"long_term", "short_term"}
    assert set(small_county["teams"]["team_type"]) == set(TABLES["teams"].column(
        "team_type").allowed)


def test_contacts_arrive_in_office_hours_on_working_days(
    small_county: dict[str, pd.DataFrame],
) -> None:
    import holidays

    at = small_county["contacts"]["received_at"]
    bank = {pd.Timestamp(d) for d in holidays.UK(subdiv="ENG", years=range(2022, 2027))}
    assert (at.dt.day_of_week < 5).all()
    assert not at.dt.normalize().isin(bank).any()
    minutes = at.dt.hour * 60 + at.dt.minute
    assert minutes.between(8 * 60 + 30, 17 * 60 - 1).all()


def test_long_term_runs_include_touching_and_overlapping_services(
    small_county: dict[str, pd.DataFrame],
) -> None:
    s = small_county["services"]
    lts = s[s["support_type"] == "long_term"].sort_values(["person_id", "start_date"])
    following = lts.groupby("person_id")["start_date"].shift(-1)
    assert (lts["end_date"] == following).any(), "no home care -> care home hand-over"
    assert (lts["end_date"] > following).any(), "no services running side by side"


def test_optional_columns_are_mostly_but_not_all_filled(
    small_county: dict[str, pd.DataFrame],
) -> None:
    people = small_county["people"]
    for column in ("birth_month", "gender", "ethnicity", "primary_support_reason", "locality"):
        share = people[column].isna().mean()
        assert 0 < share < 0.05, (column, share)


def test_same_seed_same_county_other_seed_other_county() -> None:
    first, again, other = (generate_county(0.01, seed) for seed in (5, 5, 6))
    for name in LOAD_ORDER:
        pd.testing.assert_frame_equal(first[name], again[name])
    assert not first["episodes"].equals(other["episodes"])
    assert not first["contacts"].equals(other["contacts"])


@pytest.mark.parametrize("scale", [0.01, 0.05])
def test_volumes_scale(scale: float, county: dict[str, pd.DataFrame]) -> None:
    small = generate_county(scale, 3)
    for name in ("episodes", "contacts", "people"):
        ratio = len(small[name]) / len(county[name])
        assert ratio == pytest.approx(scale, rel=0.25), name
    population = small["population"]["count"].sum()
    assert population == pytest.approx(560_000 * scale, rel=0.01)


def test_scale_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        generate_county(0)
    with pytest.raises(ValueError, match="positive"):
        generate_county(float(np.nan))

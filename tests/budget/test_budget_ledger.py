"""The ledger: refusing tables that do not add up, stars, delivery RAG, plan links, audit, files."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from careassure.appdb import AuditEntry, create_engine, transaction
from careassure.budget.checks import check_version, findings
from careassure.budget.files import DEMO_TABLES, read_version, write_version
from careassure.budget.model import BudgetError, LineSpec, VersionSpec, star
from careassure.budget.service import (
    import_version,
    link_plan,
    links,
    load_version,
    set_delivery,
    stars,
    unlink_plan,
)
from careassure.budget.tables import BudgetVersion
from careassure.budget.views import rag_summary
from careassure.plan.service import import_plan
from careassure.plan.yamlfile import load_demo_plan


def _doctor(tmp_path: Path, table: str, find: str, replace: str) -> Path:
    folder = tmp_path / "doctored"
    shutil.copytree(DEMO_TABLES, folder)
    path = folder / f"{table}.csv"
    text = path.read_text()
    assert find in text
    path.write_text(text.replace(find, replace, 1))
    return folder


def test_doctored_growth_line_is_refused_naming_total_and_difference(tmp_path: Path) -> None:
    # G7 2026/27 typed as 5,230 instead of 5,130: the growth total and the roll-forward no
    # longer add up, by 100.
    version = read_version(_doctor(tmp_path, "lines", ",5130,", ",5230,"))
    with pytest.raises(BudgetError) as raised:
        check_version(version)
    message = str(raised.value)
    assert "growth lines: total of whole table, 2026/27: printed 12,170, computed 12,270 " \
           "(difference -100; does not add up)" in message
    assert "roll-forward: 2026/27, growth: printed 12,170, computed 12,270" in message


def test_doctored_revenue_line_is_refused_naming_the_line(tmp_path: Path) -> None:
    # Home First's net typed 10,000 too high: net is no longer gross less external income.
    version = read_version(_doctor(tmp_path, "revenue", "-5042391,11773897",
                                   "-5042391,11783897"))
    errors = [f for f in findings(version) if not f.rounding]
    assert errors[0].message() == (
        "revenue: Home First, net: printed 11,783,897, computed 11,773,897 "
        "(difference +10,000; does not add up)"
    )


def test_refused_import_changes_nothing(tmp_path: Path, migrated_url: str) -> None:
    version = read_version(_doctor(tmp_path, "rollforward", "255513\n", "255514\n"))
    engine = create_engine(migrated_url)
    try:
        refused = pytest.raises(BudgetError,
                                match="net_budget: printed 255,514, computed 255,513")
        with refused, transaction(engine) as session:
            import_version(session, version, "finance")
        with transaction(engine) as session:
            assert session.scalar(select(func.count()).select_from(BudgetVersion)) == 0
            assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    finally:
        engine.dispose()


def test_rounding_within_half_a_pound_per_line_is_accepted(seed: VersionSpec) -> None:
    found = check_version(seed)
    operational = [f for f in found if "Operational Commissioning" in f.where
                   and f.column == "net"]
    # 1,099,651 + 9,017,050 + 4,988,362 + 9,465,065 = 24,570,128; the paper prints 24,570,127.
    assert [(f.printed, f.computed) for f in operational] == [(24_570_127, 24_570_128)]
    assert operational[0].rounding


def test_bad_cells_name_file_row_and_column(tmp_path: Path) -> None:
    folder = _doctor(tmp_path, "lines", "AC13,saving,Eff", "AC13,saving,Efficiency")
    with pytest.raises(BudgetError, match=r"lines.csv row 25 column 'classification': "
                                          r"'Efficiency' is not one of Eff, SR, Inc, Eff/SR"):
        read_version(folder)
    folder = _doctor(tmp_path / "b", "lines", ",-2000,", ",-2,000,")
    with pytest.raises(BudgetError, match="lines.csv row"):
        read_version(folder)


def test_incremental_file_and_xlsx_read_the_same_version(seed: VersionSpec,
                                                          tmp_path: Path) -> None:
    incremental = write_version(seed, tmp_path / "inc", basis="incremental")
    with (incremental / "lines.csv").open() as handle:
        g7 = next(r for r in csv.DictReader(handle) if r["reference"] == "G7")
    # 5,130 then 8,980 - 5,130 = 3,850 then 3,600 then 4,190.
    assert [g7[y] for y in ("2026/27", "2027/28", "2028/29", "2029/30")] == [
        "5130", "3850", "3600", "4190"]
    assert _in_order(read_version(incremental)) == _in_order(seed)
    assert _in_order(read_version(write_version(seed, tmp_path / "mtfs.xlsx"))) == _in_order(seed)


def _in_order(version: VersionSpec) -> VersionSpec:
    """The version with its printed totals sorted (an export writes them after the lines)."""
    totals = sorted(version.totals, key=lambda t: (t.appendix, t.scope, t.column))
    return dataclasses.replace(version, totals=tuple(totals))


def _line(reference: str, amounts: tuple[int, ...], title: str = "t") -> LineSpec:
    return LineSpec(reference=reference, type="saving", title=title, amounts=amounts,
                    classification="Eff")


def test_star_compares_increments_over_the_years_both_versions_cover() -> None:
    previous = VersionSpec(key="old", title="t", department="d", first_year=2025, years=4,
                           status="s", published_on=__import__("datetime").date(2025, 2, 1),
                           prior_year_budget=0, lines=(
                               _line("AC1", (-100, -300, -300, -300)),
                               _line("AC2", (-50, -100, -150, -200)),
                               _line("AC3", (-10, -10, -10, -10), title="old words"),
                           ))
    # AC1: previous increments 2026/27 -200, then 0, 0; the new version's -200, -200, -200
    # (cumulative from a base that already holds the 2025/26 -100) gives the same: unchanged.
    assert star(_line("AC1", (-200, -200, -200, -200)), 2026, previous) == "*"
    # AC2 reprofiled: amended.
    assert star(_line("AC2", (-50, -150, -150, -150)), 2026, previous) == "**"
    assert star(_line("AC3", (0, 0, 0, 0)), 2026, previous) == "**"
    assert star(_line("AC9", (-1, -1, -1, -1)), 2026, previous) == ""
    assert star(_line("AC1", (-200,)), 2026, None) is None


def test_ledger_delivery_links_and_audit(seed: VersionSpec, migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    try:
        with transaction(engine) as session:
            import_version(session, seed, "finance")
            import_plan(session, load_demo_plan(), "lead")
        with transaction(engine) as session:
            set_delivery(session, "finance", "AC19", "at_risk",
                         "reablement recruitment behind plan")
            set_delivery(session, "finance", "AC2", "on_track", None)
            with pytest.raises(BudgetError, match="needs its reason"):
                set_delivery(session, "finance", "AC3", "not_delivered", " ")
            with pytest.raises(BudgetError, match="only savings"):
                set_delivery(session, "finance", "G7", "on_track", None)
            link_plan(session, "lead", "", "G15", "funds")
            link_plan(session, "lead", "reablement-discharge/reablement-service", "AC21",
                      "delivers")
            with pytest.raises(BudgetError, match="a plan item delivers a saving line"):
                link_plan(session, "lead", "carers", "G7", "delivers")
            with pytest.raises(BudgetError, match="has no area"):
                link_plan(session, "lead", "nowhere", "AC19", "delivers")
        with transaction(engine) as session:
            version = load_version(session)
            summary = rag_summary(version)
            assert summary["At risk"] == (1, -950)
            assert summary["On track"] == (1, -150)
            assert summary["Not yet assessed"] == (20, -6990 + 950 + 150)
            assert [(lk.path, lk.reference, lk.role) for lk in links(session)] == [
                ("", "G15", "funds"),
                ("reablement-discharge/reablement-service", "AC21", "delivers"),
            ]
            unlink_plan(session, "lead", "", "G15")
            assert stars(session, version)["AC2"] is None
            trail = session.scalars(select(AuditEntry).where(
                AuditEntry.entity_type == "budget_line", AuditEntry.action == "update"
            ).order_by(AuditEntry.id)).all()
            assert [(e.actor, e.after["reference"], e.after["delivery_status"])
                    for e in trail] == [("finance", "AC19", "at_risk"),
                                        ("finance", "AC2", "on_track")]
        with transaction(engine) as session, pytest.raises(BudgetError, match="--replace"):
            import_version(session, seed, "finance")
    finally:
        engine.dispose()


def test_stars_computed_against_the_previous_version_in_the_ledger(
    seed: VersionSpec, migrated_url: str,
) -> None:
    previous = dataclasses.replace(
        seed, key="mtfs-2025-29", first_year=2025,
        lines=tuple(dataclasses.replace(line, amounts=(0, *line.amounts[:3]))
                    for line in seed.lines if line.reference != "G15"),
        revenue=(), capital=(), funding=(), totals=(), rollforward=(),
    )
    current = dataclasses.replace(seed, previous="mtfs-2025-29")
    engine = create_engine(migrated_url)
    try:
        with transaction(engine) as session:
            import_version(session, previous, "finance")
            import_version(session, current, "finance")
        with transaction(engine) as session:
            computed = stars(session, load_version(session, seed.key))
    finally:
        engine.dispose()
    # Every line but G15 has the same increments in 2026/27-2028/29 in both: unchanged.
    assert computed["G15"] == ""
    assert {computed[r] for r in ("G7", "AC1", "AC21")} == {"*"}

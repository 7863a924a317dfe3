"""Imports into the application database: several years kept, sets replaced whole, a rejected
file changes nothing, every import and group change audited (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from careassure.appdb import AuditEntry, create_engine, transaction
from careassure.compare.model import NationalFileError
from careassure.compare.store import (
    council_comparisons,
    council_groups,
    define_group,
    import_figures,
    import_neighbours,
    imports,
    neighbours_of,
)
from careassure.compare.tables import NationalFigureRow

FIXTURES = Path(__file__).parents[1] / "fixtures" / "compare"


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:  # noqa: F811
    engine = create_engine(migrated_url)
    yield engine
    engine.dispose()


def _count(engine: Engine) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(NationalFigureRow)) or 0


def test_import_keeps_years_and_replaces_whole_sets(engine: Engine, tmp_path: Path) -> None:
    with transaction(engine) as session:
        first = import_figures(session, FIXTURES / "oflog-asc-subset.csv", "analyst")
        import_neighbours(session, FIXTURES / "oflog-nn-subset.json", "analyst")
    assert (first.figures, first.replaced, len(first.periods)) == (2784, 0, 8)
    # A corrected 2022-23 ASC3 for two councils replaces that whole set, and nothing else.
    fix = tmp_path / "asc3-2022-23.csv"
    fix.write_text(
        "area_code,area_name,area_type,region,measure_code,measure_title,period,value,better\n"
        "E10000018,Leicestershire,Counties,East Midlands,ASC3,Ease of finding information,"
        "2022-23,62.0,higher\n"
        "E10000007,Derbyshire,Counties,East Midlands,ASC3,Ease of finding information,"
        "2022-23,68.9,higher\n"
    )
    with transaction(engine) as session:
        second = import_figures(session, fix, "analyst")
    assert (second.figures, second.replaced) == (2, 152)
    assert _count(engine) == 2784 - 152 + 2
    with transaction(engine) as session:
        found = {c.code: c for c in council_comparisons(session, "E10000018")}
        assert found["ASC3"].latest.value == 62.0
        assert found["ASC3"].latest.rank is not None
        assert found["ASC3"].latest.rank.text() == "2nd of 2"
        assert found["ASC3"].periods[-2].value == 56.8  # 2021-22 kept
        assert len(neighbours_of(session, "E10000018")) == 15
        audited = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "national_import")
        ).all()
        assert [a.after["figures"] for a in audited if a.after] == [2784, 2]
        assert {a.actor for a in audited} == {"analyst"}
        assert [i.file_name for i in imports(session)] == ["asc3-2022-23.csv",
                                                           "oflog-asc-subset.csv"]


def test_a_rejected_file_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    with transaction(engine) as session:
        import_figures(session, FIXTURES / "long-layout-example.csv", "analyst")
    bad = tmp_path / "bad.csv"
    bad.write_text((FIXTURES / "long-layout-example.csv").read_text() + "E1,x,y,z,1C(2A),t,"
                   "2022-23,1,higher\n")
    with (pytest.raises(NationalFileError, match="bad.csv, row 15, column 'area_code'"),
          transaction(engine) as session):
        import_figures(session, bad, "analyst")
    assert _count(engine) == 13
    with transaction(engine) as session:
        assert len(imports(session)) == 1


def test_a_council_defines_its_own_group(engine: Engine) -> None:
    with transaction(engine) as session:
        import_figures(session, FIXTURES / "long-layout-example.csv", "analyst")
        define_group(session, "Shire counties", ["E10000007", "E10000003"], "manager")
    with transaction(engine) as session:
        assert council_groups(session) == {"Shire counties": ["E10000007", "E10000003"]}
        latest = next(c for c in council_comparisons(session, "E10000018")
                      if c.code == "1C(2A)").latest
        (own,) = latest.own_groups
        assert (own.name, own.counted, own.median) == ("Shire counties", 2, 30.0)
        # England's and the region's own figures sit beside the councils, never among them:
        # the councils' median is of 27.0, 31.0 and 33.0 (Leicester not published).
        assert (latest.england.counted, latest.england.median) == (3, 31.0)
        assert (latest.england_published, latest.region_published) == (26.5, 28.5)
        assert latest.rank is not None and latest.rank.text() == "2nd of 3"
        define_group(session, "Shire counties", ["E10000007"], "manager")
    with transaction(engine) as session:
        changes = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "comparator_group")
        ).all()
        assert [c.action for c in changes] == ["create", "update"]
    with (pytest.raises(NationalFileError, match="not ONS area codes"),
          transaction(engine) as session):
        define_group(session, "Bad", ["E10000007", "Kent"], "manager")

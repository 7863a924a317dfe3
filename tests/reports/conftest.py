"""A small synthetic county in a store, and an application database with a self-assessment and
the demo plan, built once per session: every report test reads them and none writes to them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from reports_helpers import SCORES

SCALE, SEED = 0.05, 11


@pytest.fixture(scope="session")
def county_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from careassure.records.load import ingest
    from careassure.synth import generate_county, write_county

    folder = tmp_path_factory.mktemp("county")
    extract = folder / "extract"
    extract.mkdir()
    write_county(generate_county(SCALE, SEED), extract, "csv")
    store = folder / "store.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CAREASSURE_HOME", str(folder / "home"))
        assert ingest(extract, store=store, extract="county").ok
    return store


@pytest.fixture(scope="session")
def app_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """SQLite at the current schema with the self-assessment scored and the demo plan in it."""
    from careassure.appdb import create_engine, transaction, upgrade
    from careassure.framework.model import load_framework
    from careassure.framework.selfassessment import set_statement
    from careassure.plan.service import import_plan
    from careassure.plan.yamlfile import load_demo_plan

    url = f"sqlite:///{tmp_path_factory.mktemp('appdb') / 'careassure.db'}"
    upgrade(url)
    engine = create_engine(url)
    framework = load_framework()
    with transaction(engine) as session:
        for number, score in enumerate(SCORES, start=1):
            set_statement(session, framework, "tester", f"QS{number}", own_score=score,
                          strengths=[f"Strength of statement {number}"],
                          areas_for_development=[f"Development area of statement {number}"])
        import_plan(session, load_demo_plan(), "tester")
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def opened(county_store: Path, app_database: str) -> Iterator[tuple[object, object]]:
    from careassure.reports.generate import opened

    with opened(county_store, app_database) as pair:
        yield pair


@pytest.fixture(scope="session")
def extract_date(opened: tuple[object, object]) -> date:
    store, _ = opened
    return store.extract_date()

"""The evidence library in the application database (SQLite and PostgreSQL), with its audit."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from framework_samples import DOCUMENTS
from sqlalchemy.engine import Engine

from careassure.appdb import AuditEntry, create_engine, history, transaction
from careassure.evidence_files import EvidenceFileError
from careassure.framework.evidence import (
    EvidenceError,
    add_evidence,
    completeness,
    list_evidence,
    remove_evidence,
    update_evidence,
)
from careassure.framework.model import load_framework
from careassure.framework.tables import EvidenceItem

FRAMEWORK = load_framework()
TODAY = date(2026, 6, 1)


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = create_engine(migrated_url)
    yield engine
    engine.dispose()


def _add(engine: Engine, tmp_path: Path, **overrides):
    fields = {
        "title": "Carers survey 2025",
        "owner": "Carers lead",
        "category": "People's experience",
        "statements": ["QS1", "Supporting people to lead healthier lives"],
        "evidence_date": date(2025, 11, 1),
        "review_by": date(2026, 11, 1),
        "link": "https://example.org/carers-survey",
        "today": TODAY,
        "evidence_dir": tmp_path / "evidence",
    }
    fields.update(overrides)
    with transaction(engine) as session:
        return add_evidence(session, FRAMEWORK, "analyst", **fields)


def test_add_a_document_and_a_link(engine: Engine, tmp_path: Path) -> None:
    link = _add(engine, tmp_path, characteristics=["h"])
    document = _add(
        engine,
        tmp_path,
        title="Safeguarding  adults policy",
        owner="Head of Safeguarding",
        category="processes",
        statements=["Safeguarding"],
        link=None,
        file=io.BytesIO(DOCUMENTS["policy.pdf"]),
        file_name="SAB policy.pdf",
    )
    assert link.statements == ("assessing_needs", "supporting_healthier_lives")
    assert link.characteristics == ("carers",)
    assert (document.title, document.file_name, document.content_type) == (
        "Safeguarding adults policy",
        "SAB policy.pdf",
        "application/pdf",
    )
    assert (tmp_path / "evidence" / document.file_sha256).exists()
    with transaction(engine) as session:
        listed = list_evidence(session, TODAY)
        assert [v.id for v in listed] == [link.id, document.id]
        assert [v.id for v in list_evidence(session, TODAY, statement="safeguarding")] == [
            document.id
        ]
        assert [v.id for v in list_evidence(session, TODAY, characteristic="carers")] == [link.id]
        (created,) = history(session, "evidence_item", document.id)
        assert (created.action, created.actor, created.before) == ("create", "analyst", None)
        assert created.after["file_sha256"] == document.file_sha256
        assert created.after["statements"] == ["safeguarding"]


def test_update_is_audited_with_before_and_after(engine: Engine, tmp_path: Path) -> None:
    item = _add(engine, tmp_path)
    with transaction(engine) as session:
        update_evidence(
            session,
            FRAMEWORK,
            "reviewer",
            item.id,
            today=TODAY,
            review_by=date(2027, 6, 1),
            statements=["QS3"],
        )
        unchanged = update_evidence(
            session, FRAMEWORK, "reviewer", item.id, today=TODAY, title="Carers survey 2025"
        )
    assert unchanged.statements == ("equity",)
    with transaction(engine) as session:
        entries = history(session, "evidence_item", item.id)
    assert [e.action for e in entries] == ["create", "update"]  # the no-op wrote nothing
    update = entries[1]
    assert update.actor == "reviewer"
    assert (update.before["review_by"], update.after["review_by"]) == ("2026-11-01", "2027-06-01")
    assert update.before["statements"] == ["assessing_needs", "supporting_healthier_lives"]
    assert update.after["statements"] == ["equity"]


def test_remove_is_audited_and_the_document_kept(engine: Engine, tmp_path: Path) -> None:
    item = _add(
        engine, tmp_path, link=None, file=io.BytesIO(DOCUMENTS["notes.txt"]), file_name="notes.txt"
    )
    with transaction(engine) as session:
        remove_evidence(session, "analyst", item.id)
    with transaction(engine) as session:
        assert list_evidence(session, TODAY) == []
        assert session.scalar(sa.text("SELECT count(*) FROM evidence_link")) == 0
        deleted = history(session, "evidence_item", item.id)[-1]
    assert (deleted.action, deleted.after, deleted.before["title"]) == (
        "delete",
        None,
        "Carers survey 2025",
    )
    assert (tmp_path / "evidence" / item.file_sha256).exists()
    with pytest.raises(EvidenceError, match="no evidence item 999"), transaction(engine) as session:
        remove_evidence(session, "analyst", 999)


def test_stale_items_are_flagged(engine: Engine, tmp_path: Path) -> None:
    _add(engine, tmp_path, review_by=TODAY)
    old = _add(
        engine, tmp_path, title="Old policy", category="processes", review_by=date(2026, 5, 31)
    )
    with transaction(engine) as session:
        stale = list_evidence(session, TODAY, stale_only=True)
    assert [v.id for v in stale] == [old.id]


def test_completeness_per_statement_and_category(engine: Engine, tmp_path: Path) -> None:
    _add(engine, tmp_path)  # people's experience for QS1 and QS2
    _add(engine, tmp_path, title="Staff survey", category="staff_leaders", statements=["QS1"])
    _add(engine, tmp_path, title="Old QS3 survey", statements=["QS3"], review_by=date(2026, 1, 1))
    with transaction(engine) as session:
        view = completeness(session, FRAMEWORK, TODAY)
    assert view.total_items == 3
    assert view.cells[("assessing_needs", "peoples_experience")].current == 1
    assert view.cells[("assessing_needs", "staff_leaders")].current == 1
    assert view.cells[("equity", "peoples_experience")] == type(view.cells[("equity", "partners")])(
        current=0, stale=1
    )
    assert view.lacking("peoples_experience") == [
        "equity",
        "care_provision",
        "partnerships",
        "safe_pathways",
        "safeguarding",
        "governance",
        "learning",
    ]
    assert view.missing("equity") == ["peoples_experience"]
    assert view.missing("assessing_needs") == []
    data = view.to_json()
    assert [i["title"] for i in data["stale_items"]] == ["Old QS3 survey"]
    assert data["statements"][2]["missing_required"] == ["peoples_experience"]
    assert [c["id"] for c in data["categories"]] == [
        "peoples_experience",
        "staff_leaders",
        "partners",
        "processes",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "  "}, "title is required"),
        ({"statements": []}, "at least one quality statement"),
        ({"statements": ["Assessing wants"]}, "unknown quality statement"),
        ({"category": "gossip"}, "unknown evidence category"),
        ({"characteristics": ["z"]}, "unknown characteristic"),
        ({"link": "javascript:alert(1)"}, "http:// or https://"),
        ({"link": "https://example.org/a b"}, "not a valid address"),
        ({"review_by": date(2025, 1, 1)}, "before the evidence date"),
        ({"file": io.BytesIO(b"%PDF-1.4"), "file_name": "x.pdf"}, "exactly one"),
        ({"link": None}, "exactly one"),
    ],
)
def test_invalid_items_are_refused_and_leave_nothing(
    engine: Engine, tmp_path: Path, overrides: dict, message: str
) -> None:
    with pytest.raises(EvidenceError, match=message):
        _add(engine, tmp_path, **overrides)
    with transaction(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(EvidenceItem)) == 0
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_refused_documents_leave_no_row(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(EvidenceFileError, match="path separator"):
        _add(
            engine,
            tmp_path,
            link=None,
            file=io.BytesIO(DOCUMENTS["policy.pdf"]),
            file_name="../policy.pdf",
        )
    with transaction(engine) as session:
        assert list_evidence(session, TODAY) == []


def test_database_refuses_an_item_with_both_file_and_link(engine: Engine) -> None:
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(
            sa.insert(EvidenceItem.__table__).values(
                title="t",
                owner="o",
                category="processes",
                evidence_date=TODAY,
                link="https://example.org",
                file_sha256="0" * 64,
                created_at=sa.func.now(),
                updated_at=sa.func.now(),
            )
        )

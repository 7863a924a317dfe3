"""Reported values in the application database: entering, correcting (the old value kept, with
who, when and why), importing all or nothing, the audit rows, and the CLI."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from careassure.appdb import AuditEntry, create_engine, transaction
from careassure.cli import app
from careassure.measures.reported import ReportedValue, ReportedValueError, reported_measures
from careassure.reported.demo import DEMO_SOURCE, demo_entries
from careassure.reported.files import read_entries, template_csv
from careassure.reported.service import (
    Entry,
    ImportRefused,
    current_values,
    enter_value,
    entries,
    import_entries,
)
from careassure.reported.tables import ReportedEntry

FNC = "reported.fnc_determinations_per_50k"
AUDIT = "reported.peer_audit_participation_pct"
TODAY = date(2026, 1, 15)


@pytest.fixture
def engine(migrated_url: str):  # noqa: F811
    engine = create_engine(migrated_url)
    yield engine
    engine.dispose()


def audit_rows(engine) -> list[AuditEntry]:
    with transaction(engine) as session:
        return list(session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "reported_value").order_by(AuditEntry.id)))


def test_a_value_is_entered_and_audited(engine) -> None:
    with transaction(engine) as session:
        enter_value(session, "ann", Entry(FNC, date(2025, 6, 30), "32.6",
                                          "https://icb.example/fnc-q2"), today=TODAY)
    with transaction(engine) as session:
        assert current_values(session) == (
            ReportedValue(FNC, date(2025, 6, 30), 32.6, "https://icb.example/fnc-q2"),)
    [row] = audit_rows(engine)
    assert (row.actor, row.action, row.before) == ("ann", "create", None)
    assert row.after is not None and row.after["value"] == 32.6


def test_a_second_value_for_a_period_needs_a_reason_and_keeps_the_first(engine) -> None:
    with transaction(engine) as session:
        enter_value(session, "ann", Entry(FNC, date(2025, 6, 30), "32.6"), today=TODAY)
    with (pytest.raises(ReportedValueError, match="already entered \\(32.6, by ann") as caught,
          transaction(engine) as session):
        enter_value(session, "bob", Entry(FNC, date(2025, 6, 30), "33.1"), today=TODAY)
    assert caught.value.field == "reason"
    with transaction(engine) as session:
        enter_value(session, "bob", Entry(FNC, date(2025, 6, 30), "33.1",
                                          reason="ICB revised the return"), today=TODAY)
    with transaction(engine) as session:
        assert [v.value for v in current_values(session)] == [33.1]
        history = entries(session, FNC)
    assert [(e.version, e.value, e.entered_by, e.reason) for e in history] == [
        (2, 33.1, "bob", "ICB revised the return"), (1, 32.6, "ann", None)]
    create, update = audit_rows(engine)
    assert update.action == "update" and update.actor == "bob"
    assert update.before is not None and update.before["value"] == 32.6
    assert update.after is not None and update.after["reason"] == "ICB revised the return"


@pytest.mark.parametrize(("entry", "field"), [
    (Entry(FNC, date(2025, 6, 30), "-3"), "value"),
    (Entry(FNC, date(2026, 3, 31), "40"), "period"),  # not over on TODAY
    (Entry(FNC, date(2025, 6, 29), "40"), "period"),
    (Entry(FNC, date(2025, 6, 30), "40", evidence_link="javascript:alert(1)"), "evidence_link"),
    (Entry("reported.nothing", date(2025, 6, 30), "40"), "measure"),
])
def test_a_refused_value_changes_nothing(engine, entry: Entry, field: str) -> None:
    with pytest.raises(ReportedValueError) as caught, transaction(engine) as session:
        enter_value(session, "ann", entry, today=TODAY)
    assert caught.value.field == field
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(ReportedEntry)) == 0
    assert audit_rows(engine) == []


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_good_file_is_imported_whole(engine) -> None:
    data = xlsx([["measure_id", "period_end", "value", "evidence_link", "reason"],
                 [FNC, date(2025, 6, 30), 32.6, None, None],
                 [AUDIT, "30/09/2025", "83", "https://intranet.example/audit", None]])
    rows = read_entries("values.xlsx", data)
    with transaction(engine) as session:
        written = import_entries(session, "ann", "values.xlsx", rows, today=TODAY)
    assert [w.source_file for w in written] == ["values.xlsx", "values.xlsx"]
    with transaction(engine) as session:
        assert {(v.measure_id, v.value) for v in current_values(session)} == {
            (FNC, 32.6), (AUDIT, 83.0)}
    assert len(audit_rows(engine)) == 2


def test_a_file_with_bad_rows_changes_nothing_and_names_each(engine) -> None:
    text = ("measure_id,period_end,value,evidence_link,reason\n"
            f"{FNC},30/06/2025,32.6,,\n"
            f"{AUDIT},30/09/2025,120,,\n"
            f"{FNC},30/06/2025,32.9,,\n"
            "reported.nothing,30/06/2025,1,,\n")
    rows = read_entries("values.csv", text.encode())
    with pytest.raises(ImportRefused) as caught, transaction(engine) as session:
        import_entries(session, "ann", "values.csv", rows, today=TODAY)
    assert [str(e) for e in caught.value.errors] == [
        "values.csv, row 3, column value: Value must be between 0 and 100 (percent)",
        "values.csv, row 4, column period_end: the same measure and period as row 2",
        "values.csv, row 5, column measure_id: 'reported.nothing' is not a declared reported "
        "measure",
    ]
    with transaction(engine) as session:
        assert current_values(session) == ()
    assert audit_rows(engine) == []


@pytest.mark.parametrize(("name", "data", "message"), [
    ("values.csv", b"measure_id,value\nx,1\n", "values.csv, row 1, column period_end: column "
     "missing from the header"),
    ("values.csv", f"measure_id,period_end,value\n{FNC},June,1\n".encode(),
     "values.csv, row 2, column period_end: 'June' is not a date (dd/mm/yyyy)"),
    ("values.txt", b"", "values.txt, row 1, column -: the file must be .csv or .xlsx"),
    ("values.xlsx", b"not a workbook", "values.xlsx, row 1, column -: not a readable XLSX file"),
])
def test_a_malformed_file_is_refused_naming_file_row_and_column(name: str, data: bytes,
                                                                message: str) -> None:
    with pytest.raises(ImportRefused) as caught:
        read_entries(name, data)
    assert str(caught.value.errors[0]).startswith(message)


def test_the_template_lists_the_values_due() -> None:
    from careassure.measures.reported import due_values

    due = due_values(reported_measures(), [], date(2025, 8, 1))
    text = template_csv(due)
    lines = text.splitlines()
    assert lines[0] == "measure_id,period_end,value,evidence_link,reason"
    assert f"{FNC},30/06/2025,,," in lines and len(lines) == len(due) + 1


def test_the_demo_history_is_seeded_passes_through_the_seed_figures_and_is_labelled(
        engine) -> None:
    rows = demo_entries(list(reported_measures()), date(2026, 9, 30))  # the demo's extract
    assert rows == demo_entries(list(reported_measures()), date(2026, 9, 30))
    got = {(e.measure_id, e.period_end): e.value for _, e in rows}
    assert got[(FNC, date(2025, 6, 30))] == "32.6"
    assert (FNC, date(2025, 9, 30)) not in got  # the paper's latest return: Q3 shows as due
    assert got[("reported.carers_accessing_support_pct", date(2024, 3, 31))] == "18.52"
    assert got[("reported.regulated_market_good_pct", date(2024, 6, 30))] == "50"
    assert got[("reported.reablement_additional_fte", date(2026, 5, 31))] == "9.27"
    assert ("reported.dementia_diagnosis_rate", date(2026, 9, 30)) not in got  # not yet due
    with transaction(engine) as session:
        import_entries(session, "demo", DEMO_SOURCE, rows)
    with transaction(engine) as session:
        assert {e.source_file for e in entries(session, FNC)} == {DEMO_SOURCE}


def test_the_command_line_enters_lists_and_imports(engine, migrated_url: str,  # noqa: F811
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", migrated_url)
    runner = CliRunner()
    result = runner.invoke(app, ["reported", "enter", FNC, "2025-06-30", "32.6",
                                 "--actor", "ann"])
    assert result.exit_code == 0, result.output
    assert "Saved reported.fnc_determinations_per_50k for the period ending 30/06/2025: 32.6 " \
           "(version 1)." in result.output
    again = runner.invoke(app, ["reported", "enter", FNC, "2025-06-30", "33"])
    assert again.exit_code == 2 and "reason: A value for 2025 Q2" in again.output
    listed = runner.invoke(app, ["reported", "list"])
    assert "32.6 per 50,000 for the period ending 30/06/2025" in listed.output
    due = runner.invoke(app, ["reported", "due", "--as-of", "2025-11-15"])
    assert f"{FNC}: period ending 30/09/2025, due 30/10/2025" in due.output
    assert f"{FNC}: period ending 30/06/2025" not in due.output
    template = tmp_path / "values.csv"
    assert runner.invoke(app, ["reported", "template", str(template), "--as-of",
                               "2025-11-15"]).exit_code == 0
    filled = template.read_text().replace(f"{FNC},30/09/2025,,,", f"{FNC},30/09/2025,33.4,,")
    keep = [line for line in filled.splitlines() if line.startswith(("measure_id", FNC))]
    template.write_text("\n".join(keep) + "\n")
    imported = runner.invoke(app, ["reported", "import", str(template)])
    assert imported.exit_code == 2  # earlier FNC quarters are still blank: nothing imported
    assert "values.csv, row 2, column value: Enter a value" in imported.output
    template.write_text(f"measure_id,period_end,value\n{FNC},30/09/2025,33.4\n")
    imported = runner.invoke(app, ["reported", "import", str(template)])
    assert imported.exit_code == 0 and "Imported 1 values" in imported.output
    with transaction(engine) as session:
        assert [v.value for v in current_values(session)] == [32.6, 33.4]


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def test_the_command_line_keeps_an_evidence_file_as_the_web_form_does(
        engine, migrated_url: str, tmp_path: Path, careassure_home: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    monkeypatch.setenv("CAREASSURE_DATABASE_URL", migrated_url)
    source = tmp_path / "fnc-return.pdf"
    source.write_bytes(PDF)
    result = CliRunner().invoke(app, ["reported", "enter", FNC, "2025-06-30", "32.6",
                                      "--evidence-file", str(source), "--actor", "ann"])
    assert result.exit_code == 0, result.output
    assert "(version 1, evidence fnc-return.pdf kept)" in result.output
    digest = hashlib.sha256(PDF).hexdigest()
    with transaction(engine) as session:
        [row] = entries(session, FNC)
    assert (row.evidence_sha256, row.evidence_name, row.evidence_type, row.evidence_bytes) == (
        digest, "fnc-return.pdf", "application/pdf", len(PDF))
    assert (careassure_home / "evidence" / digest).read_bytes() == PDF
    [audit] = audit_rows(engine)
    assert audit.actor == "ann" and audit.after["evidence_sha256"] == digest


@pytest.mark.parametrize(("name", "data", "setting", "reason"), [
    ("notes.txt", b"minutes", None, "file type .txt is not accepted"),
    ("return.pdf", b"MZ\x90\x00 a program", None, "named .pdf but the content"),
    ("return.pdf", PDF, "20", "larger than the 20 byte limit"),
    ("absent.pdf", None, None, "absent.pdf: no such file"),
    ("return.pdf", PDF, "lots", "CAREASSURE_REPORTED_EVIDENCE_MAX_BYTES='lots' is not"),
])
def test_a_refused_evidence_file_leaves_no_value_and_no_file(
        engine, migrated_url: str, tmp_path: Path, careassure_home: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch, name: str, data: bytes | None, setting: str | None,
        reason: str) -> None:
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", migrated_url)
    if setting is not None:
        monkeypatch.setenv("CAREASSURE_REPORTED_EVIDENCE_MAX_BYTES", setting)
    source = tmp_path / name
    if data is not None:
        source.write_bytes(data)
    result = CliRunner().invoke(app, ["reported", "enter", FNC, "2025-06-30", "32.6",
                                      "--evidence-file", str(source)])
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and reason in result.output
    assert len(result.output.strip().splitlines()) == 1
    with transaction(engine) as session:
        assert entries(session, FNC) == []
    assert audit_rows(engine) == []
    evidence = careassure_home / "evidence"
    assert not evidence.exists() or list(evidence.iterdir()) == []


def test_a_refused_value_stores_none_of_its_evidence_file(
        engine, migrated_url: str, tmp_path: Path, careassure_home: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", migrated_url)
    source = tmp_path / "fnc-return.pdf"
    source.write_bytes(PDF)
    result = CliRunner().invoke(app, ["reported", "enter", FNC, "2025-06-30", "many",
                                      "--evidence-file", str(source)])
    assert result.exit_code == 2 and result.output.startswith("error: value: ")
    evidence = careassure_home / "evidence"
    assert not evidence.exists() or list(evidence.iterdir()) == []

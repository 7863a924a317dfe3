"""Storing evidence documents: content-checked types, size limit, no path tricks in names."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from framework_samples import DOCUMENTS, PROGRAM, ZIP_ARCHIVE

from careassure.evidence_files import (
    KNOWN_TYPES,
    EvidenceFileError,
    clean_display_name,
    evidence_dir,
    store_file,
    stored_path,
)

ALLOWED = tuple(KNOWN_TYPES)
LIMIT = 1 << 20


def _store(content: bytes, name: str, tmp_path: Path, max_bytes: int = LIMIT):
    return store_file(
        io.BytesIO(content), name, max_bytes=max_bytes, allowed_types=ALLOWED, directory=tmp_path
    )


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_accepted_type_is_stored_by_its_sha256(name: str, tmp_path: Path) -> None:
    content = DOCUMENTS[name]
    stored = _store(content, name, tmp_path)
    digest = hashlib.sha256(content).hexdigest()
    assert (stored.sha256, stored.size_bytes, stored.display_name) == (digest, len(content), name)
    extension = name.rsplit(".", 1)[1].replace("jpeg", "jpg")
    assert stored.content_type == KNOWN_TYPES[extension][0]
    assert stored_path(digest, tmp_path).read_bytes() == content
    assert _leftovers(tmp_path) == [digest]


def test_identical_documents_are_stored_once(tmp_path: Path) -> None:
    first = _store(DOCUMENTS["policy.pdf"], "policy.pdf", tmp_path)
    second = _store(DOCUMENTS["policy.pdf"], "policy (copy).pdf", tmp_path)
    assert first.sha256 == second.sha256 and second.display_name == "policy (copy).pdf"
    assert _leftovers(tmp_path) == [first.sha256]


def test_default_directory_is_in_the_home_folder(careassure_home: Path) -> None:
    stored = store_file(
        io.BytesIO(DOCUMENTS["notes.txt"]), "notes.txt", max_bytes=LIMIT, allowed_types=ALLOWED
    )
    assert evidence_dir() == careassure_home / "evidence"
    assert stored_path(stored.sha256).parent == careassure_home / "evidence"


def test_oversize_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    content = b"x" * 5000
    with pytest.raises(EvidenceFileError, match="larger than the 4,096 byte limit"):
        _store(content, "big.txt", tmp_path, max_bytes=4096)
    assert _leftovers(tmp_path) == []
    assert _store(content[:4096], "exact.txt", tmp_path, max_bytes=4096).size_bytes == 4096


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (PROGRAM, "setup.exe", r"file type \.exe is not accepted"),
        (DOCUMENTS["policy.pdf"], "policy", r"\(no extension\) is not accepted"),
        (PROGRAM, "report.pdf", "named .pdf but the content looks like application/x-msdownload"),
        (DOCUMENTS["chart.png"], "chart.pdf", "named .pdf but the content looks like image/png"),
        (ZIP_ARCHIVE, "plan.docx", "named .docx but the content looks like application/zip"),
        (DOCUMENTS["plan.docx"], "data.xlsx", "named .xlsx but the content looks like"),
        (b"plain words", "scan.png", "named .png but the content is not a recognised format"),
        (DOCUMENTS["policy.pdf"], "notes.txt", r"named .txt \(text\) but the content looks like"),
        (b"a,b\n\x00\x01", "data.csv", "contains binary data"),
        (b"", "empty.pdf", "the file is empty"),
    ],
)
def test_unknown_or_disguised_types_are_refused(
    content: bytes, name: str, message: str, tmp_path: Path
) -> None:
    with pytest.raises(EvidenceFileError, match=message):
        _store(content, name, tmp_path)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../../etc/passwd.txt", "path separator"),
        ("..\\..\\boot.ini.txt", "path separator"),
        ("/etc/cron.d/job.txt", "path separator"),
        ("C:\\Windows\\evil.pdf", "path separator"),
        ("C:evil.pdf", "':'"),
        ("report.pdf:hidden", "':'"),
        ("a\x00b.pdf", "control characters"),
        ("report\n.pdf", "control characters"),
        ("photo\u202egnp.pdf", "text-direction override"),
        ("..", "not a file name"),
        ("   ", "not a file name"),
        ("x" * 300 + ".pdf", "longer than 255"),
    ],
)
def test_path_tricks_in_names_are_refused(name: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(EvidenceFileError, match=message):
        _store(DOCUMENTS["policy.pdf"], name, tmp_path)
    assert _leftovers(tmp_path) == []


def test_display_names_are_tidied_not_trusted() -> None:
    assert clean_display_name("  Carers   survey\u00a02025.pdf ") == "Carers survey 2025.pdf"
    assert clean_display_name("Cafe\u0301 notes.txt") == "Caf\u00e9 notes.txt"  # NFC
    assert clean_display_name("..hidden.pdf") == "..hidden.pdf"  # only a name, never a path


def test_types_outside_the_allow_list_are_refused(tmp_path: Path) -> None:
    with pytest.raises(EvidenceFileError, match="accepted types: csv, pdf"):
        store_file(
            io.BytesIO(DOCUMENTS["chart.png"]),
            "chart.png",
            max_bytes=LIMIT,
            allowed_types=("pdf", "csv"),
            directory=tmp_path,
        )
    with pytest.raises(EvidenceFileError, match="cannot check file types"):
        store_file(
            io.BytesIO(b"x"), "a.txt", max_bytes=LIMIT, allowed_types=("exe",), directory=tmp_path
        )


def test_stored_path_only_takes_a_digest(tmp_path: Path) -> None:
    with pytest.raises(EvidenceFileError, match="not a SHA-256"):
        stored_path("../../etc/passwd", tmp_path)

"""Storing evidence documents safely: name checks, type checks by content, size limit, SHA-256.

Uploaded names are untrusted (the web app will pass a browser's file name through), so a name
that tries to be a path is refused rather than quietly cleaned, and the name is only ever shown,
never used on disk: the file is stored as ``<evidence dir>/<sha256>``. The type is judged by the
file's first bytes (``filetype``), not by its extension, and the two must agree, so a program
renamed ``report.pdf`` is refused. Identical documents are stored once.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype

from careassure.config import home

CHUNK = 1 << 16
MAX_NAME_LENGTH = 255
_HEAD = 8192  # bytes filetype inspects

# Extension -> (MIME type, detected by magic bytes?). Text types have no magic number: they are
# accepted when no binary format is detected and the content holds no NUL byte.
KNOWN_TYPES: dict[str, tuple[str, bool]] = {
    "pdf": ("application/pdf", True),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", True),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", True),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", True),
    "png": ("image/png", True),
    "jpg": ("image/jpeg", True),
    "csv": ("text/csv", False),
    "txt": ("text/plain", False),
}
EXTENSION_ALIASES = {"jpeg": "jpg"}

# Right-to-left and isolate overrides can make "exe.pdf" display as "fdp.exe" or the reverse.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


class EvidenceFileError(ValueError):
    """A document that cannot be stored; the message names the file and the reason."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size_bytes: int
    content_type: str
    display_name: str


def evidence_dir() -> Path:
    """Where documents are stored: ``<home>/evidence``."""
    return home() / "evidence"


def clean_display_name(name: str) -> str:
    """The name to show for an upload, or EvidenceFileError if it tries to be a path.

    Refused: path separators (so ``../`` and absolute paths), drive or stream colons, NUL and
    other control characters, direction overrides, ``.``/``..`` and names over 255 characters.
    Kept after normalising: Unicode NFC, runs of spaces collapsed, surrounding spaces trimmed.
    """
    shown = name.encode("unicode_escape").decode("ascii")
    problems = []
    if any(unicodedata.category(c) == "Cc" for c in name):
        problems.append("it contains control characters (such as NUL or a line break)")
    if any(c in _BIDI_CONTROLS for c in name):
        problems.append("it contains text-direction override characters")
    if "/" in name or "\\" in name:
        problems.append("it contains a path separator: give the file's name only")
    if ":" in name:
        problems.append("it contains ':' (a drive letter or stream name)")
    if problems:
        raise EvidenceFileError(f"file name {shown!r} refused: {'; '.join(problems)}")
    cleaned = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip()
    if cleaned in {"", ".", ".."}:
        raise EvidenceFileError(f"file name {shown!r} refused: it is not a file name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise EvidenceFileError(
            f"file name {shown[:60]!r}... refused: longer than {MAX_NAME_LENGTH} characters"
        )
    return cleaned


def _extension(display_name: str, allowed: Iterable[str]) -> str:
    suffix = Path(display_name).suffix.lower().lstrip(".")
    extension = EXTENSION_ALIASES.get(suffix, suffix)
    allowed_list = sorted(allowed)
    if extension not in allowed_list:
        raise EvidenceFileError(
            f"{display_name}: file type {('.' + suffix) if suffix else '(no extension)'} is not "
            f"accepted; accepted types: {', '.join(allowed_list)}"
        )
    return extension


def _check_content(display_name: str, extension: str, head: bytes, has_nul: bool) -> str:
    mime, binary = KNOWN_TYPES[extension]
    detected = filetype.guess(head)
    if binary:
        if detected is None or EXTENSION_ALIASES.get(detected.extension, detected.extension) != (
            extension
        ):
            found = f"looks like {detected.mime}" if detected else "is not a recognised format"
            raise EvidenceFileError(
                f"{display_name}: named .{extension} but the content {found}; refused"
            )
    elif detected is not None or has_nul:
        found = f"looks like {detected.mime}" if detected else "contains binary data"
        raise EvidenceFileError(
            f"{display_name}: named .{extension} (text) but the content {found}; refused"
        )
    return mime


def store_file(
    source: BinaryIO,
    name: str,
    *,
    max_bytes: int,
    allowed_types: Iterable[str],
    directory: Path | None = None,
) -> StoredFile:
    """Check and store one document read from ``source``; return where and what it is.

    The content streams into a temporary file beside its final place (never held in memory),
    and the upload stops as soon as it passes ``max_bytes``. Only a file that passes every check
    is moved to ``<directory>/<sha256>``; anything refused leaves nothing behind.
    """
    display_name = clean_display_name(name)
    unknown = sorted(set(allowed_types) - set(KNOWN_TYPES))
    if unknown:
        raise EvidenceFileError(
            f"cannot check file types {unknown}: careassure knows {', '.join(KNOWN_TYPES)}"
        )
    extension = _extension(display_name, allowed_types)
    target_dir = directory or evidence_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    digest, size, head, has_nul = hashlib.sha256(), 0, b"", False
    handle, temp_name = tempfile.mkstemp(dir=target_dir, prefix=".upload-")
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise EvidenceFileError(
                        f"{display_name}: larger than the {max_bytes:,} byte limit; refused"
                    )
                if len(head) < _HEAD:
                    head += chunk[: _HEAD - len(head)]
                has_nul = has_nul or b"\x00" in chunk
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise EvidenceFileError(f"{display_name}: the file is empty; refused")
        content_type = _check_content(display_name, extension, head, has_nul)
        sha256 = digest.hexdigest()
        final = target_dir / sha256
        if final.exists():
            temp.unlink()
        else:
            temp.chmod(0o600)
            os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return StoredFile(sha256, size, content_type, display_name)


def stored_path(sha256: str, directory: Path | None = None) -> Path:
    """Where a stored document is, from its SHA-256 (checked to be one, so never a path)."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise EvidenceFileError(f"{sha256!r} is not a SHA-256 digest")
    return (directory or evidence_dir()) / sha256

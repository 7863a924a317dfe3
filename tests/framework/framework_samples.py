"""Small, real documents of each accepted type, built in memory for the evidence tests."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


def _zip(first: str, second: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(first, "<Types/>")
        archive.writestr(second, "<document/>")
    return buffer.getvalue()


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


DOCUMENTS = {
    "policy.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
    "plan.docx": _zip("[Content_Types].xml", "word/document.xml"),
    "data.xlsx": _zip("[Content_Types].xml", "xl/workbook.xml"),
    "slides.pptx": _zip("[Content_Types].xml", "ppt/presentation.xml"),
    "chart.png": _png(),
    "photo.jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
    "waits.csv": "team,median_wait\nNorth,41\nSouth,£38\n".encode(),
    "notes.txt": b"Minutes of the carers' forum, summary only.\r\n",
}
ZIP_ARCHIVE = _zip("readme.txt", "data.bin")
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48

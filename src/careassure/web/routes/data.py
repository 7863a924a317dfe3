"""The data page: upload an extract (a ZIP of CSV files or an XLSX workbook), see its validation
report, and the history of loads.

The upload goes through the same ``careassure.records.load.ingest`` as the command line, so it is
validated, pseudonymised and loaded all or nothing, but in a worker process with a memory and a
time limit (``careassure.records.worker``), so that a file built to exhaust the server cannot
stop pages being served. Checks before it reaches ingest: the request
declares its size and it is under the limit (checked before the body is read), the name ends
.zip or .xlsx, and the content starts as a ZIP container does (an XLSX workbook is one), so a
renamed file of another kind is refused with a reason rather than a parser error.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from careassure.appdb import record_change, snapshot, transaction
from careassure.records.load import UPLOAD_PREFIX
from careassure.web.auth import Allow
from careassure.web.roles import DATA_LOADERS
from careassure.web.sessions import SignedIn
from careassure.web.tables import DataUpload
from careassure.web.templating import render

router = APIRouter()
SUFFIXES = (".zip", ".xlsx")
CONTENT_TYPES = {
    "application/zip",
    "application/x-zip-compressed",
    "application/x-zip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
    "",
}
ZIP_MAGIC = b"PK\x03\x04"
ERRORS_SHOWN = 200
HISTORY_SHOWN = 20
CHUNK = 1 << 20


def _history(request: Request) -> dict[str, object]:
    info = request.app.state.figures.info()
    with transaction(request.app.state.engine) as session:
        uploads = list(
            session.scalars(select(DataUpload).order_by(DataUpload.id.desc()).limit(HISTORY_SHOWN))
        )
    return {
        "loads": info.loads if info else (),
        "uploads": uploads,
        "max_mb": request.app.state.settings.max_upload_bytes // (1024 * 1024),
    }


@router.get("/data")
def data_page(
    request: Request, user: Annotated[SignedIn, Depends(Allow(DATA_LOADERS))]
) -> Response:
    return render(request, "data.html", _history(request))


def _refuse(request: Request, message: str, status: int = 400) -> Response:
    return render(request, "data.html", _history(request) | {"error": message}, status_code=status)


def _safe_name(name: str | None) -> str:
    base = Path((name or "").replace("\\", "/")).name
    return re.sub(r"[^A-Za-z0-9._-]", "_", base)[:200] or "extract"


@router.post("/data")
async def upload(
    request: Request, user: Annotated[SignedIn, Depends(Allow(DATA_LOADERS))]
) -> Response:
    limit = request.app.state.settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        raise HTTPException(status_code=411)
    if int(declared) > limit:
        return _refuse(
            request,
            f"The file is larger than {limit // (1024 * 1024)} MB. Split the "
            "extract or ask for the limit to be raised.",
            413,
        )
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        return _refuse(request, "Choose a file to upload.")
    async with request.form(max_files=1, max_fields=5) as form:
        extract = form.get("extract")
        if not isinstance(extract, UploadFile) or not extract.filename:
            return _refuse(
                request, "Choose a file to upload: a ZIP of CSV files or an XLSX workbook."
            )
        name = _safe_name(extract.filename)
        if not name.lower().endswith(SUFFIXES):
            return _refuse(
                request,
                f"{name} is not a ZIP of CSV files or an XLSX workbook: "
                "the name must end .zip or .xlsx.",
            )
        declared_type = (extract.content_type or "").split(";")[0].strip().lower()
        if declared_type not in CONTENT_TYPES:
            return _refuse(request, f"{name} was sent as {declared_type}, not a ZIP or XLSX file.")
        folder = Path(tempfile.mkdtemp(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-"))
        try:
            path = folder / name
            digest, size = await _save(extract, path, limit)
            if size > limit:
                return _refuse(
                    request, f"The file is larger than {limit // (1024 * 1024)} MB.", 413
                )
            with path.open("rb") as handle:
                if handle.read(4) != ZIP_MAGIC:
                    return _refuse(
                        request,
                        f"{name} is not a ZIP file or an XLSX workbook: its "
                        "content is of another kind.",
                    )
            return await run_in_threadpool(_ingest, request, user, path, name, digest, size)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _without_paths(message: str, upload: Path, settings: Any) -> str:
    """A refusal's reason without the server's folders (the upload's temporary folder, the
    store's), which are no business of the person uploading."""
    for folder in (upload.parent, Path(settings.store_path).parent):
        message = message.replace(f"{folder}{os.sep}", "").replace(str(folder), "the server")
    return message


async def _save(upload: UploadFile, path: Path, limit: int) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("wb") as out:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > limit:
                break
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


def _ingest(
    request: Request, user: SignedIn, path: Path, name: str, digest: str, size: int
) -> Response:
    from careassure.records.sources import IngestError
    from careassure.records.worker import ingest_in_worker

    settings = request.app.state.settings
    try:
        result = ingest_in_worker(path, store=settings.store_path, loaded_by=user.username)
    except IngestError as exc:
        _log(request, user, name, digest, size, accepted=False, load_id=None, errors=1, rows=0)
        reason = _without_paths(str(exc), path, settings)
        return _refuse(request, f"{name} could not be read: {reason}")
    rows = sum(result.row_counts.values())
    if result.ok:
        # New data: the overview's figures are computed now, in the background, so the first
        # person to open it after the upload does not wait for the measure engine.
        from careassure.web.routes.overview import warm

        threading.Thread(target=warm, args=(request.app,), name="careassure-warm",
                         daemon=True).start()
    _log(
        request,
        user,
        name,
        digest,
        size,
        accepted=result.ok,
        load_id=result.load_id,
        errors=result.error_count,
        rows=rows,
    )
    return render(
        request,
        "data.html",
        _history(request)
        | {
            "result": result,
            "file_name": name,
            "rows": rows,
            "errors": result.errors[:ERRORS_SHOWN],
            "errors_shown": min(ERRORS_SHOWN, len(result.errors)),
        },
        status_code=200 if result.ok else 422,
    )


def _log(
    request: Request,
    user: SignedIn,
    name: str,
    digest: str,
    size: int,
    *,
    accepted: bool,
    load_id: str | None,
    errors: int,
    rows: int,
) -> None:
    with transaction(request.app.state.engine) as session:
        upload = DataUpload(
            uploaded_at=datetime.now(UTC),
            uploaded_by=user.username,
            file_name=name,
            size_bytes=size,
            sha256=digest,
            accepted=accepted,
            load_id=load_id,
            error_count=errors,
            rows=rows,
        )
        session.add(upload)
        record_change(session, user.username, "create", upload, None, snapshot(upload))

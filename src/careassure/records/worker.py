"""An ingest run in its own process, with a memory and a time limit, for the web app.

An upload loaded inside the web server shares its memory and its signals: a crafted file once
took the server to 17 GB and could not be stopped with SIGTERM, and pages stopped being served.
Here the load runs in a child process whose address space is capped (``RLIMIT_AS``, set by the
child itself before it imports anything large) and which is killed when it overruns its time. A
stop signal ends it cleanly: SIGTERM raises SystemExit in the child, so every ``finally`` runs
and removes the temporary folder holding the raw extract (what a SIGKILL leaves is removed by
the next load, :func:`careassure.records.load.remove_leftovers`). The result comes back as a
pickle written by the child into a private folder the parent made.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from careassure.records.limits import IngestLimits
from careassure.records.load import UPLOAD_PREFIX, LoadResult
from careassure.records.sources import IngestError


def ingest_in_worker(path: Path, *, store: Path, loaded_by: str,
                     limits: IngestLimits | None = None) -> LoadResult:
    """:func:`careassure.records.load.ingest` in a child process within ``limits``'s memory and
    time. Raises IngestError for an unreadable extract, a load over its memory or time, or a
    worker stopped by a signal."""
    limits = limits or IngestLimits.from_environment()
    with tempfile.TemporaryDirectory(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-") as folder:
        answer = Path(folder) / "result.pickle"
        command = [sys.executable, "-m", "careassure.records.worker", str(path), str(store),
                   loaded_by, str(answer), str(limits.worker_memory_bytes)]
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _, stderr = process.communicate(timeout=limits.worker_seconds)
        except subprocess.TimeoutExpired as exc:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            raise IngestError(f"the load took longer than {limits.worker_seconds:,} seconds, "
                              "the limit, and was stopped; the store is unchanged") from exc
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if not answer.exists():
            if b"MemoryError" in stderr or b"OutOfMemory" in stderr:
                raise IngestError(f"the load needed more than "
                                  f"{limits.worker_memory_bytes:,} bytes of memory, the limit, "
                                  "and was stopped; the store is unchanged")
            raise IngestError(f"the load stopped unexpectedly (exit {process.returncode}); the "
                              "store is unchanged")
        kind, value = pickle.loads(answer.read_bytes())  # written by our own child, above
    if kind == "refused":
        raise IngestError(value)
    if not isinstance(value, LoadResult):
        raise IngestError("the load worker answered in a form careassure does not know")
    return value


def _stop(_signal: int, _frame: object) -> None:
    raise SystemExit(1)


def main(argv: list[str]) -> int:
    """The child: cap memory, load, write the answer. Arguments: extract, store, user, answer
    file, memory limit in bytes."""
    import resource

    path, store, loaded_by, answer, memory = argv
    resource.setrlimit(resource.RLIMIT_AS, (int(memory), int(memory)))
    signal.signal(signal.SIGTERM, _stop)
    from careassure.records.load import ingest

    try:
        outcome: tuple[str, object] = (
            "loaded", ingest(Path(path), store=Path(store), loaded_by=loaded_by))
    except IngestError as exc:
        outcome = ("refused", str(exc))
    descriptor = os.open(answer, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        pickle.dump(outcome, file)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

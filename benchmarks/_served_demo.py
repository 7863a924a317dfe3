"""A built demo served on loopback: the harness the web benchmarks share.

``served_demo`` builds the demo (``careassure demo --no-serve``) and the synthetic county's ZIP
in a private temporary home, runs ``careassure serve`` as a council would, in its own process on
a free loopback port, and on leaving stops the server and removes the home whatever happened, so
no benchmark leaves a server or a county behind. The helpers beside it sign a client in through
the form and upload an extract through the data page, as a person would.

The leading underscore keeps ``python -m benchmarks`` from running this module as a benchmark.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

START_TIMEOUT = 180.0  # a shared machine can take minutes to start the server
CSRF_FIELD = re.compile(r'name="csrftoken" value="([^"]+)"')
LOADED = re.compile(r"was loaded: ([0-9,]+) rows")


@dataclass(frozen=True)
class ServedDemo:
    """Where the demo answers, the logins' password and the county's ZIP for an upload."""

    base: str
    password: str
    archive: Path


@contextmanager
def served_demo(prefix: str, scale: float, upload_scale: float, workers: int = 1
                ) -> Iterator[ServedDemo]:
    """The demo at ``scale`` served by ``workers`` uvicorn workers, with the county at
    ``upload_scale`` zipped for an upload; everything stopped and removed on leaving."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    env = _private_env(home)
    server = None
    try:
        password = _build(home, scale, env)
        archive = _county_zip(home, upload_scale, env)
        server, base = _start_server(env, workers)
        yield ServedDemo(base, password, archive)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)


async def sign_in(client: httpx.AsyncClient, password: str, username: str = "manager") -> None:
    """Sign ``client`` in through the form, so it holds a session of its own."""
    form = await client.get("/login")
    token = CSRF_FIELD.search(form.text)
    assert token, "no CSRF field on the sign-in form"
    response = await client.post("/login", data={
        "csrftoken": token.group(1), "username": username, "password": password, "next": "/",
    })
    assert response.status_code == 303, f"sign-in failed: {response.status_code}"


async def upload(demo: ServedDemo) -> float:
    """Upload the demo's ZIP through the data page as the analyst; seconds until the answer,
    which must say the extract was loaded (a refused or unfinished load fails the benchmark)."""
    async with httpx.AsyncClient(base_url=demo.base, timeout=3600) as client:
        await sign_in(client, demo.password, "analyst")
        token = CSRF_FIELD.search((await client.get("/data")).text)
        assert token, "no CSRF field on the data page"
        started = time.perf_counter()
        with demo.archive.open("rb") as handle:
            response = await client.post(
                "/data", data={"csrftoken": token.group(1)},
                files={"extract": (demo.archive.name, handle, "application/zip")})
        seconds = time.perf_counter() - started
        assert response.status_code == 200, f"upload: HTTP {response.status_code}"
        loaded = LOADED.search(response.text)
        assert loaded, "upload: the page does not say the extract was loaded"
        print(f"upload loaded {loaded.group(1)} rows")
        return seconds


def percentile_ms(times: list[float], pct: float) -> float:
    """The ``pct``th percentile of ``times`` (seconds), in milliseconds."""
    return statistics.quantiles(times, n=100, method="inclusive")[int(pct) - 1] * 1000


def _private_env(home: Path) -> dict[str, str]:
    """The environment with ``home`` as CAREASSURE_HOME and nothing pointing at another store."""
    env = {**os.environ, "CAREASSURE_HOME": str(home)}
    for name in ("CAREASSURE_STORE", "CAREASSURE_DATABASE_URL"):
        env.pop(name, None)
    return env


def _careassure(*args: str, env: dict[str, str], **kwargs: object) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from careassure.cli import main; main()", *args]
    return subprocess.Popen(command, env=env, **kwargs)  # type: ignore[call-overload]


def _build(home: Path, scale: float, env: dict[str, str]) -> str:
    """The demo's data in ``home``; returns the demo password."""
    started = time.perf_counter()
    demo = _careassure("demo", "--no-serve", "--scale", f"{scale:g}", env=env,
                       stdout=subprocess.DEVNULL)
    if demo.wait() != 0:
        sys.exit("careassure demo --no-serve failed")
    print(f"demo data (scale {scale:g}) built in {time.perf_counter() - started:.1f} s")
    return (home / "demo-password").read_text().strip()


def _county_zip(folder: Path, scale: float, env: dict[str, str]) -> Path:
    """The synthetic county at ``scale`` as the ZIP of CSV files a council uploads."""
    started = time.perf_counter()
    out = folder / "county"
    synth = _careassure("synth", "--out", str(out), "--scale", f"{scale:g}", env=env,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if synth.wait() != 0:
        sys.exit("careassure synth failed")
    archive = Path(shutil.make_archive(str(folder / "county"), "zip", out))
    shutil.rmtree(out)
    print(f"extract (scale {scale:g}, {archive.stat().st_size / 1e6:.1f} MB ZIP) built in "
          f"{time.perf_counter() - started:.1f} s")
    return archive


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """``careassure serve`` on a free loopback port, answering; (process, base URL)."""
    port = _free_port()
    server = _careassure("serve", "--port", str(port), "--workers", str(workers), env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
    except BaseException:  # never leave a server behind when it does not come up
        server.terminate()
        server.wait(timeout=10)
        raise
    return server, base


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"careassure serve exited with status {server.returncode}")
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    sys.exit(f"careassure serve did not answer within {START_TIMEOUT:.0f} s")

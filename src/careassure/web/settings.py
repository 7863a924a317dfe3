"""Where the web app finds its store, database, secret and GOV.UK Frontend assets.

Every setting has a default from the installation's configuration (``CAREASSURE_HOME``,
``CAREASSURE_STORE``, ``CAREASSURE_DATABASE_URL``), so ``careassure serve`` needs no options on a
configured machine, and tests pass explicit values instead.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from careassure.config import council_code, default_store_path, home, synthetic_load_id
from careassure.reported.service import DEFAULT_EVIDENCE_MAX_BYTES

SECRET_FILE = "web-secret.key"
GOVUK_FRONTEND_ENV = "CAREASSURE_GOVUK_FRONTEND"
GOVUK_FRONTEND_MAJOR = 6  # govuk-frontend-jinja 4.x ports the v6 templates
MAX_UPLOAD_BYTES = 250 * 1024 * 1024
TRUSTED_PROXIES_ENV = "CAREASSURE_TRUSTED_PROXIES"


class WebConfigError(RuntimeError):
    """The web app cannot start; the message says what to do."""


@dataclass(frozen=True)
class WebSettings:
    store_path: Path
    database_url: str
    secret_key: str
    secure_cookies: bool
    evidence_dir: Path
    govuk_dir: Path
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    council_code: str | None = None  # the council's ONS code, for national comparisons
    synthetic_load: str | None = None  # the load id of the demo's synthetic county, if any
    # The largest evidence file a reported value may carry ($CAREASSURE_REPORTED_EVIDENCE_MAX_BYTES)
    reported_evidence_max_bytes: int = DEFAULT_EVIDENCE_MAX_BYTES


def secret_key(path: Path | None = None) -> str:
    """The key that signs CSRF tokens, created on first use (readable by the owner only) so that
    tokens survive a restart and every worker signs alike."""
    path = path or home() / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker created it first
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    key = path.read_text().strip()
    if len(key) < 32:
        raise WebConfigError(f"the web secret key in {path} is too short: delete it to make one")
    return key


def govuk_frontend_dir() -> Path:
    """The compiled GOV.UK Frontend (``node_modules/govuk-frontend/dist/govuk``): from
    ``$CAREASSURE_GOVUK_FRONTEND``, else the first ``node_modules`` found walking up from this
    package (the repository root in a checkout) or from the working directory."""
    configured = os.environ.get(GOVUK_FRONTEND_ENV)
    if configured:
        candidates = [Path(configured).expanduser()]
    else:
        relative = Path("node_modules", "govuk-frontend", "dist", "govuk")
        roots = [*Path(__file__).resolve().parents, Path.cwd(), *Path.cwd().parents]
        candidates = [root / relative for root in dict.fromkeys(roots)]
    for candidate in candidates:
        if (candidate / "govuk-frontend.min.css").is_file():
            _check_version(candidate)
            return candidate
    raise WebConfigError(
        f"GOV.UK Frontend is not installed: no govuk-frontend.min.css in {candidates[0]}"
        + ("" if configured else " or the same path above the working directory")
        + f": run `make assets` (npm ci) in the careassure folder, or set {GOVUK_FRONTEND_ENV} "
        "to a govuk-frontend/dist/govuk folder"
    )


def _check_version(dist: Path) -> None:
    package = dist.parent.parent / "package.json"
    if not package.is_file():
        return
    version = str(json.loads(package.read_text()).get("version", ""))
    if not version.startswith(f"{GOVUK_FRONTEND_MAJOR}."):
        raise WebConfigError(
            f"GOV.UK Frontend {version} found in {dist}; careassure's templates need version "
            f"{GOVUK_FRONTEND_MAJOR}.x: run `make assets` (npm ci) to install the locked version"
        )


def resolve(
    *,
    store_path: Path | None,
    database_url: str | None,
    secret: str | None,
    secure_cookies: bool,
    evidence_dir: Path | None,
) -> WebSettings:
    """Settings from the arguments, defaults filled in from the configuration."""
    from careassure.appdb.engine import database_url as configured_url
    from careassure.appdb.engine import normalise_url
    from careassure.evidence_files import evidence_dir as default_evidence_dir
    from careassure.reported.service import evidence_max_bytes

    try:
        reported_evidence = evidence_max_bytes()
    except ValueError as exc:
        raise WebConfigError(str(exc)) from None
    return WebSettings(
        store_path=Path(store_path).expanduser() if store_path else default_store_path(),
        database_url=normalise_url(database_url) if database_url else configured_url(),
        secret_key=secret or secret_key(),
        secure_cookies=secure_cookies,
        evidence_dir=Path(evidence_dir) if evidence_dir else default_evidence_dir(),
        govuk_dir=govuk_frontend_dir(),
        council_code=council_code(),
        synthetic_load=synthetic_load_id(),
        reported_evidence_max_bytes=reported_evidence,
    )


def proxy_options(configured: str | None = None) -> dict[str, object]:
    """uvicorn's options for forwarded headers: ``X-Forwarded-For`` is believed only from the
    proxies listed in ``$CAREASSURE_TRUSTED_PROXIES`` (addresses or networks, comma-separated),
    and from no one when none is listed. uvicorn's own default trusts loopback, so anyone able
    to send from the server itself (another local program, a proxy not meant for careassure)
    could pick the address the sign-in throttling and the audit trail see."""
    text = os.environ.get(TRUSTED_PROXIES_ENV, "") if configured is None else configured
    proxies = [part.strip() for part in text.split(",") if part.strip()]
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError as exc:
            raise WebConfigError(f"{TRUSTED_PROXIES_ENV}: {proxy!r} is not an address or "
                                 "network (e.g. 10.0.0.5 or 10.0.0.0/24)") from exc
    if not proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(proxies)}

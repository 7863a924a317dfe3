"""Pseudonymisation of person identifiers: a keyed hash (HMAC-SHA256) applied on ingest.

A plain hash of a council's person ids could be reversed by anyone who can list the ids (they are
short and sequential), so the hash is keyed. The key lives outside the store: in the environment
(``$CAREASSURE_PSEUDONYM_KEY``) or in a file under the careassure home folder, created on first use.
Whoever holds the store alone cannot re-identify anyone; whoever holds the key can re-link a later
extract to the same pseudonyms, which is what month-on-month measures need. Losing the key means
the next load gives everyone new pseudonyms, so the key file must be backed up separately from the
store.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from careassure.config import home

KEY_ENV = "CAREASSURE_PSEUDONYM_KEY"
KEY_FILE_NAME = "pseudonym.key"
KEY_BYTES = 32
# A key given in the environment is used as its UTF-8 bytes; shorter than this it is guessable.
MIN_ENV_KEY_LENGTH = 32


class PseudonymKeyError(Exception):
    """The key cannot be used (unsafe permissions, wrong length); the message says how to fix it."""


def key_path() -> Path:
    """Where the key file lives when the key is not given in the environment."""
    return home() / KEY_FILE_NAME


def load_key() -> bytes:
    """The pseudonymisation key: ``$CAREASSURE_PSEUDONYM_KEY`` (its UTF-8 bytes, at least 32
    characters), else the key file under :func:`careassure.config.home`, created with 32 random
    bytes and mode 0600 on first use. A key file others could read is refused, not used: anyone
    holding it could re-identify every pseudonym."""
    configured = os.environ.get(KEY_ENV)
    if configured is not None:
        if len(configured) < MIN_ENV_KEY_LENGTH:
            raise PseudonymKeyError(
                f"${KEY_ENV} is {len(configured)} characters long: use at least "
                f"{MIN_ENV_KEY_LENGTH}, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`"
            )
        return configured.encode()
    path = key_path()
    if not path.exists():
        return _create_key_file(path)
    if os.name == "posix":
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise PseudonymKeyError(
                f"the pseudonymisation key file {path} can be read by other users "
                f"(mode {mode:04o}): run `chmod 600 {path}` and check who may have copied it"
            )
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise PseudonymKeyError(
            f"the pseudonymisation key file {path} holds {len(key)} bytes, not {KEY_BYTES}: "
            "restore it from your backup (a new key would give everyone new pseudonyms)"
        )
    return key


def _create_key_file(path: Path) -> bytes:
    """Write a new random key, readable by its owner only from the first byte written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
    return key


def pseudonymise(ids: Iterable[str], key: bytes) -> list[str]:
    """HMAC-SHA256 of each id under ``key``, as 64 hex characters, in the order given.

    The keyed state is prepared once and copied per id, which halves the cost of a million ids
    against calling :func:`hmac.new` for each.
    """
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    hashed = []
    for value in ids:
        mac = keyed.copy()
        mac.update(value.encode())
        hashed.append(mac.hexdigest())
    return hashed

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
import os
import secrets
import stat
from pathlib import Path

from careassure.config import home

KEY_ENV = "CAREASSURE_PSEUDONYM_KEY"
KEY_FILE_NAME = "pseudonym.key"
KEY_BYTES = 32
# A key given in the environment is used as its UTF-8 bytes; shorter than this it is guessable.
MIN_ENV_KEY_LENGTH = 32
SHA256_BLOCK = 64


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


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The inner and outer padded keys of HMAC-SHA256 (RFC 2104): the key, hashed first when
    longer than SHA-256's 64-byte block, zero-filled to 64 bytes and XORed with 0x36 and 0x5c."""
    if len(key) > SHA256_BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(SHA256_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def hmac_sql(text: str, ipad: str, opad: str) -> str:
    """SQL for HMAC-SHA256 of the UTF-8 text expression ``text`` as 64 lower-case hex characters,
    equal to ``hmac.new(key, text.encode(), sha256).hexdigest()``; ``ipad`` and ``opad`` are SQL
    expressions holding the pads of :func:`hmac_pads` (bound parameters, so that the key appears
    in no query text). Written in SQL so that DuckDB hashes millions of ids in parallel rather
    than a Python loop hashing them one by one."""
    return f"sha256({opad} || unhex(sha256({ipad} || encode({text}))))"

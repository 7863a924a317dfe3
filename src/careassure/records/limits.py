"""The limits an extract must stay within, so that a small upload cannot exhaust the server.

A ZIP of a few megabytes can expand to gigabytes, one CSV line can hold a hundred thousand
fields and one spreadsheet cell hundreds of megabytes: each of these once took the web server to
many gigabytes of memory. Every limit has a default sized for the largest real extract a county
sends (a few million rows, a few hundred columns at most) with room to spare, and can be raised
by the administrator through the environment. The limits and their defaults are listed in
docs/security.md; a value that is not a positive whole number is refused at start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

ENV_PREFIX = "CAREASSURE_INGEST_"


class LimitSettingError(ValueError):
    """A limit given in the environment is not a positive whole number."""


@dataclass(frozen=True)
class IngestLimits:
    """``max_uncompressed_bytes``: what a ZIP may expand to, in total; ``max_fields``: columns
    in a header or fields in a row; ``max_cell_chars``: characters in one cell (a CSV line may
    hold at most ``max_fields`` such cells); ``max_rows``: rows in one table;
    ``max_errors_per_rule``: errors of one rule written to the report (the rest are counted);
    ``worker_memory_bytes`` and ``worker_seconds``: the address space and wall-clock time of the
    worker process a web upload is loaded in (:mod:`careassure.records.worker`)."""

    max_uncompressed_bytes: int = 4 * 1024**3
    max_fields: int = 500
    max_cell_chars: int = 10_000
    max_rows: int = 50_000_000
    max_errors_per_rule: int = 1_000
    worker_memory_bytes: int = 6 * 1024**3
    worker_seconds: int = 3_600

    @classmethod
    def from_environment(cls) -> IngestLimits:
        """The defaults, each overridden by ``CAREASSURE_INGEST_<NAME>`` when set."""
        values: dict[str, int] = {}
        for name in cls.__dataclass_fields__:
            variable = ENV_PREFIX + name.upper()
            text = os.environ.get(variable)
            if text is None:
                continue
            try:
                value = int(text)
            except ValueError:
                value = 0
            if value <= 0:
                raise LimitSettingError(f"{variable}={text!r} is not a positive whole number")
            values[name] = value
        return cls(**values)

"""Array-to-column conversions for the output frames, fast at ten million rows.

Text columns are built through Arrow (dictionary decode for codes, fixed-width bytes for ids)
rather than from Python strings one by one; pandas then holds them as its ``str`` dtype.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from careassure.synth.calendar import to_datetime64


def text(codes: np.ndarray, labels: Sequence[str]) -> pd.Series:
    """Labels by integer code; code -1 = NULL."""
    indices = pa.array(codes.astype(np.int32), mask=codes < 0)
    dictionary = pa.DictionaryArray.from_arrays(indices, pa.array(list(labels), pa.string()))
    return pd.Series(dictionary.cast(pa.string()).to_pandas())


def identifiers(prefix: str, numbers: np.ndarray, width: int) -> pd.Series:
    """``prefix`` + zero-padded ``numbers`` ("P0000123"), built as bytes without a Python loop."""
    digits = np.empty((numbers.size, len(prefix) + width), dtype=np.uint8)
    digits[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    rest = numbers.astype(np.int64).copy()
    for column in range(len(prefix) + width - 1, len(prefix) - 1, -1):
        digits[:, column] = 48 + rest % 10
        rest //= 10
    as_bytes = digits.view(f"S{digits.shape[1]}").ravel()
    return pd.Series(pa.array(as_bytes, pa.binary()).cast(pa.string()).to_pandas())


def id_width(count: int, minimum: int = 7) -> int:
    """Digits needed for ``count`` identifiers (at least ``minimum``, the format's "P0000123")."""
    return max(minimum, len(str(max(count - 1, 0))))


def dates(days: np.ndarray) -> pd.Series:
    """Day indices (``NO_DATE`` = NULL) as a ``datetime64[s]`` column with NaT."""
    return pd.Series(to_datetime64(days))


def months(month_index: np.ndarray, null: np.ndarray) -> pd.Series:
    """Months since 1970-01 as "YYYY-MM" text, NULL where ``null``."""
    text_values = np.datetime_as_string(month_index.astype("datetime64[M]"), unit="M")
    return pd.Series(pa.array(text_values, pa.string(), mask=null).to_pandas())

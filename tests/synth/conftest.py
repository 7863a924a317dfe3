"""Counties shared by the synth tests: a small one for the rules, the calibrated one for the story.

Both are session-scoped: generating the full county takes a few seconds, and every calibration
test reads the same frames (nothing mutates them).
"""

from __future__ import annotations

import pandas as pd
import pytest

from careassure.synth import generate_county


@pytest.fixture(scope="session")
def small_county() -> dict[str, pd.DataFrame]:
    return generate_county(0.03, 11)


@pytest.fixture(scope="session")
def county() -> dict[str, pd.DataFrame]:
    return generate_county(1.0, 2026)

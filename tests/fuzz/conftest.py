"""Fuzzing profiles: quick by default (the whole fuzz folder in well under a minute),
``RETURNS_DESK_FUZZ=long`` for a long hunt (a test-only variable: the desk never reads it).

Profiles: ``fuzz`` for pure parsing, ``fuzz-db`` for properties that write to the database.
They take what they do not set from the profile loaded, so in CI they draw the same examples
on every run (tests/hypothesis_ci.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))  # fuzz_strategies.py, shared by the tests here

LONG = os.environ.get("RETURNS_DESK_FUZZ", "").strip().lower() == "long"
_COMMON = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,  # one database per test; examples check deltas
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
}
settings.register_profile("fuzz", max_examples=3000 if LONG else 150, **_COMMON)
settings.register_profile("fuzz-db", max_examples=600 if LONG else 20, **_COMMON)

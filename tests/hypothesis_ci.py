"""Hypothesis draws at random on a developer's machine and the same examples every run in CI.

Random draws keep finding new bugs where someone is there to see them; CI must not go red
on a draw nobody saw locally. ``.ci/run`` exports ``CI=true`` (as hosted CI services do):
then the ``ci`` profile is loaded before any test module, so every property and fuzz test
(its own ``@settings(...)`` and the ``fuzz``/``fuzz-db`` profiles included, which take
what they do not set from the profile loaded) is derandomized: seeded from the test's own
code, with no example database, and a failure prints the ``@reproduce_failure`` line that
replays it anywhere. ``CI=true uv run pytest`` runs the suite as CI does.

A test or profile that turns derandomizing off would escape that: in CI, collection
refuses it, naming it.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, is_hypothesis_test, settings

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    print_blob=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_report_header(config: pytest.Config) -> str:
    draws = "the same every run (CI)" if settings.default.derandomize else "random"
    return f"hypothesis draws: {draws}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In CI, refuse property tests that would still draw at random."""
    if not settings.default.derandomize:
        return
    loose = []
    for item in items:
        test = getattr(item, "obj", None)
        if is_hypothesis_test(test) and not test._hypothesis_internal_use_settings.derandomize:
            loose.append(item.nodeid)
    if loose:
        raise pytest.UsageError(
            "these property tests draw at random in CI, where every draw must be the same on "
            f"each run (tests/hypothesis_ci.py): {', '.join(loose)}; do not set "
            "derandomize=False, and give a settings profile no parent other than the default"
        )

"""tests/hypothesis_ci.py, checked: in CI (``CI=true``, as ``.ci/run`` exports) every
property test draws the same examples on each run, those with their own settings and
profiles too; on a developer's machine the draws differ from run to run."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

DRAWS = """
from pathlib import Path

from hypothesis import given, settings, strategies as st

settings.register_profile("quick", max_examples=7, deadline=None)  # as tests/fuzz does
OUT = Path(__file__).parent / "drawn.txt"


def note(value):
    with OUT.open("a") as out:
        out.write(f"{value!r}\\n")


@given(st.binary(min_size=8, max_size=8))
def test_plain(value):
    note(value)


@settings(max_examples=9, deadline=None)
@given(st.integers())
def test_own_settings(value):
    note(value)


@settings(settings.get_profile("quick"))
@given(st.text(min_size=4))
def test_from_a_profile(value):
    note(value)
"""


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: bool) -> str:
    """One run of the suite in a fresh process (the profile is chosen as hypothesis loads)."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    if ci:
        monkeypatch.setenv("CI", "true")
    else:
        monkeypatch.delenv("CI", raising=False)
    drawn = pytester.path / "drawn.txt"
    drawn.unlink(missing_ok=True)
    result = pytester.run(
        sys.executable, "-m", "pytest", "-p", "tests.hypothesis_ci", "-p", "no:cacheprovider",
        "-p", "no:textual-snapshot", str(pytester.path),
    )  # fmt: skip
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    draws = "the same every run (CI)" if ci else "random"
    result.stdout.fnmatch_lines([f"hypothesis draws: {draws}"])
    return drawn.read_text()


def test_ci_draws_the_same_examples_every_run_and_a_developer_new_ones(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_draws=DRAWS)
    first, second = _run(pytester, monkeypatch, ci=True), _run(pytester, monkeypatch, ci=True)
    assert first == second and len(first.splitlines()) > 16
    mine, again = _run(pytester, monkeypatch, ci=False), _run(pytester, monkeypatch, ci=False)
    assert mine != again


def test_ci_refuses_a_property_test_that_turns_derandomizing_off(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_loose=textwrap.dedent(
            """
            from hypothesis import given, settings, strategies as st

            @settings(derandomize=False)
            @given(st.integers())
            def test_loose(value):
                pass
            """
        )
    )
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("CI", "true")
    args = [sys.executable, "-m", "pytest", "-p", "tests.hypothesis_ci", "-p", "no:cacheprovider",
            "-p", "no:textual-snapshot"]  # fmt: skip
    result = pytester.run(*args, str(pytester.path))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "test_loose.py::test_loose" in result.stderr.str()
    monkeypatch.delenv("CI")
    assert pytester.run(*args, str(pytester.path)).ret == 0


def test_ci_run_selects_the_ci_profile_for_both_test_runs() -> None:
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    export = lines.index("export CI=true")
    runs = [n for n, line in enumerate(lines) if "uv run pytest" in line.split("#")[0]]
    assert len(runs) == 2 and all(export < run for run in runs)

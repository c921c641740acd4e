"""The rule of tests/programs.py, checked: a test that runs a program a fresh machine may
lack fails unless it declares it, and then it is skipped, with a reason, where it is missing."""

from __future__ import annotations

import textwrap

import pytest

# The inner runs check the programs their tests start; this outer test lets them through.
pytestmark = pytest.mark.needs_program("ls", "sh")


def _run(pytester, body: str):
    pytester.makepyfile(test_it=textwrap.dedent(body))
    # In process, without the snapshot plugin: its session end would clear the outer one's files.
    return pytester.runpytest(
        "-p", "tests.programs", "-p", "no:textual-snapshot", "-rs",
        "-o", "asyncio_default_fixture_loop_scope=function",
    )  # fmt: skip


def test_an_undeclared_program_fails_the_test(pytester):
    result = _run(
        pytester,
        """
        import subprocess
        def test_it():
            subprocess.run(["ls", "-d", "."], check=False)
        """,
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the test runs 'ls'*@pytest.mark.needs_program(?ls?*"])


def test_it_fails_even_when_the_program_runs_in_a_worker_thread(pytester):
    result = _run(
        pytester,
        """
        import subprocess, threading
        def test_it():
            def work():
                try:
                    subprocess.run(["ls"], capture_output=True)
                except BaseException:
                    pass
            thread = threading.Thread(target=work)
            thread.start()
            thread.join()
        """,
    )
    result.assert_outcomes(errors=1, passed=1)
    result.stdout.fnmatch_lines(["*the test runs 'ls'*"])


def test_a_declared_program_runs_or_skips_with_its_reason(pytester):
    result = _run(
        pytester,
        """
        import subprocess, sys, pytest
        @pytest.mark.needs_program("ls")
        def test_here():
            subprocess.run(["ls", "-d", "."], check=True, capture_output=True)
        @pytest.mark.needs_program("no-such-program-16", why="the CI installs it")
        def test_missing():
            subprocess.run(["no-such-program-16"])
        def test_python_itself_needs_nothing():
            subprocess.run([sys.executable, "-c", "pass"], check=True)
        """,
    )
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines(
        ["*needs no-such-program-16, not installed here: the CI installs it*"]
    )


def test_a_shell_is_a_program_too(pytester):
    result = _run(
        pytester,
        """
        import os, subprocess
        def test_shell():
            subprocess.run("true", shell=True)
        def test_system():
            os.system("true")
        """,
    )
    result.assert_outcomes(failed=2)


def test_a_program_the_test_made_itself_is_allowed(pytester):
    result = _run(
        pytester,
        """
        import subprocess
        def test_it(tmp_path):
            fake = tmp_path / "lp"
            fake.write_text("#!/bin/sh\\necho ok\\n")
            fake.chmod(0o755)
            assert subprocess.run([str(fake)], capture_output=True, text=True).stdout == "ok\\n"
        """,
    )
    result.assert_outcomes(passed=1)

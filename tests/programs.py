"""Tests run only what a fresh machine has, unless they say what else they need.

A fresh machine has Python and uv and, after ``uv sync``, this project's own scripts. A test
that runs any other program (``lp``, ``psql``, ``pdftoppm`` ...) must be marked
``@pytest.mark.needs_program("lp", "lpstat", why="CUPS; .ci/run installs it")``: it is
skipped, with that reason, where the program is missing. Every program a test starts is
checked (``subprocess``, ``asyncio``'s subprocesses, ``os.system``), so a test that runs an
undeclared program fails here, on a machine that has it, not only on a fresh one.

Always allowed: this Python (``sys.executable``), the scripts of this environment (its
``bin`` folder), programs its installed packages ship (playwright's driver, in
site-packages) and programs a test made itself under its own ``tmp_path`` (a fake ``lp``).
Even ``uv`` is declared: the tests also run where they were installed without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ENV_BIN = Path(sys.executable).parent
PACKAGES = tuple({Path(sysconfig.get_paths()[key]) for key in ("purelib", "platlib")})
MARK = "needs_program"
CALL_PASSED = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f'{MARK}(*names, why=""): the test runs these programs; skipped where one is missing',
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a test whose programs are not installed here, saying which and why."""
    for mark in item.iter_markers(MARK):
        missing = [name for name in mark.args if shutil.which(name) is None]
        if missing:
            why = mark.kwargs.get("why", "")
            pytest.skip(
                f"needs {', '.join(missing)}, not installed here" + (f": {why}" if why else "")
            )


def declared(item: pytest.Item) -> set[str]:
    return {name for mark in item.iter_markers(MARK) for name in mark.args}


def undeclared(program: str, allowed: set[str], made_here: Path) -> str:
    """Why running ``program`` is not allowed, or '' if it is."""
    name = Path(program).name
    if name in allowed:
        return ""
    found = shutil.which(program) or (program if os.sep in program else None)
    if found is not None:
        places = {Path(found).absolute(), Path(found).resolve()}
        python = {Path(sys.executable).absolute(), Path(sys.executable).resolve()}
        homes = (ENV_BIN.absolute(), *PACKAGES, made_here.absolute(), made_here.resolve())
        if places & python or any(p.is_relative_to(h) for p in places for h in homes):
            return ""
    return (
        f"the test runs {program!r}, which a fresh machine may not have: mark it "
        f'@pytest.mark.{MARK}("{name}", why="...") so it is skipped where it is missing'
    )


@pytest.fixture(autouse=True)
def _only_declared_programs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[str]]:
    """Fail the test that starts a program it did not declare (see the module docstring)."""
    allowed = declared(request.node)
    made_here = tmp_path_factory.getbasetemp()
    problems: list[str] = []
    original = subprocess.Popen._execute_child  # type: ignore[attr-defined]
    original_system = os.system

    def check(program: str) -> None:
        problem = undeclared(program, allowed, made_here)
        if problem:
            problems.append(problem)
            pytest.fail(problem, pytrace=False)

    def execute_child(self: subprocess.Popen[Any], args: Any, executable: Any, *rest: Any) -> Any:
        shell = rest[7]  # (preexec_fn, close_fds, pass_fds, cwd, env, startupinfo, flags, shell)
        first = args if isinstance(args, str | bytes | os.PathLike) else list(args)[0]
        check("sh" if shell else os.fsdecode(executable or first))
        return original(self, args, executable, *rest)

    def system(command: str) -> int:
        check("sh")
        return original_system(command)

    subprocess.Popen._execute_child = execute_child  # type: ignore[attr-defined]
    os.system = system
    try:
        yield problems
    finally:
        subprocess.Popen._execute_child = original  # type: ignore[attr-defined]
        os.system = original_system
    if problems and request.node.stash.get(CALL_PASSED, False):
        pytest.fail(problems[0], pytrace=False)  # a worker thread swallowed the failure


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[CALL_PASSED] = report.passed
    return report

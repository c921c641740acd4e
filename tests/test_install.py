"""The desk as a user installs it: the wheel built from this checkout, installed in a fresh
virtual environment and run from a folder outside the repository, with the policies, slip
layouts and migrations it ships. Shell completion works the way the README says."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from returns_desk.cli import app
from returns_desk.domain.slips import SlipKind

ROOT = Path(__file__).resolve().parents[1]
NO_INDEX = ("failed to fetch", "dns error", "connect", "network", "offline", "timed out")


def _uv(args: list[str | Path], cwd: Path, env: dict[str, str]) -> None:
    """Run uv from its cache first (no network), then with the package index; skip the test
    if the index cannot be reached, fail on any other error."""
    command = ["uv", *map(str, args)]
    done = subprocess.run(command, cwd=cwd, env={**env, "UV_OFFLINE": "1"}, capture_output=True)
    if done.returncode == 0:
        return
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        said = done.stderr.strip()
        if any(words in said.lower() for words in NO_INDEX):
            pytest.skip(f"uv {args[0]} needs the package index, not reachable here: {said[:200]}")
        pytest.fail(f"uv {' '.join(map(str, args))} failed:\n{said}")


def _clean_env(home: Path) -> dict[str, str]:
    """The user's environment without this checkout's: no desk settings, no test database,
    no virtual environment; the desk keeps its data in ``home``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RETURNS_DESK_", "VIRTUAL_ENV", "PYTHON"))
        and k not in ("DATABASE_URL", "UV_PROJECT_ENVIRONMENT")
    }
    return {**env, "RETURNS_DESK_DATA": str(home / "data"), "NO_COLOR": "1", "COLUMNS": "100"}


def _head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(ROOT / "db")).get_current_head()
    assert head
    return head


DRIVE_THE_DESK = """
    import asyncio
    from returns_desk.tui.app import DeskApp
    from returns_desk.tui.launch import prepare_database

    async def main():
        app = DeskApp(prepare_database())
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.click("#username")
            await pilot.press(*"cleo", "enter", *"1111", "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            print(type(app.screen).__name__, app.sub_title)

    asyncio.run(main())
"""


@pytest.mark.needs_program("uv", why="builds and installs the wheel; `pip install uv`")
def test_the_wheel_works_in_a_fresh_environment_outside_the_repository(tmp_path):
    env = _clean_env(tmp_path)
    _uv(["build", "--wheel", "--out-dir", tmp_path / "dist", ROOT], tmp_path, env)
    (wheel,) = (tmp_path / "dist").glob("returns_desk-*.whl")
    venv = tmp_path / "venv"
    _uv(["venv", "--quiet", "--python", sys.executable, venv], tmp_path, env)
    _uv(["pip", "install", "--quiet", "--python", venv / "bin" / "python", wheel], tmp_path, env)
    bin_dir = venv / "bin"

    def run(*args: str, **extra: str) -> str:
        done = subprocess.run(
            [str(bin_dir / args[0]), *args[1:]],
            cwd=tmp_path,
            env={**env, **extra},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, done.stderr
        return done.stdout

    where = run("python", "-c", "import returns_desk; print(returns_desk.__file__)")
    assert Path(where.strip()).is_relative_to(venv), "the desk must come from the wheel"
    assert "Usage" in run("returns-desk", "--help")
    seeded = run("returns-desk", "demo", "--receipts", "30")
    assert "cleo" in seeded and "1111" in seeded
    assert run("returns-desk", "db", "current").strip().endswith(_head_revision())
    samples = tmp_path / "samples"
    run("returns-desk", "slip", "sample", "--out", str(samples))  # the shipped slip layout
    assert len(list(samples.glob("sample-thermal-*.pdf"))) == len(SlipKind)
    checked = run(
        "python", "-c", "from returns_desk.resources import data_dir; print(data_dir('policies'))"
    )
    assert Path(checked.strip()).is_relative_to(venv)
    policy = f"{checked.strip()}/default.toml"
    assert "examples decided as written" in run("returns-desk", "policy", "check", policy)
    # The desk itself: plain `returns-desk` opens, paints, and quits on Ctrl+Q ...
    run(
        "returns-desk",
        TEXTUAL_DRIVER="textual.drivers.headless_driver:HeadlessDriver",
        TEXTUAL_PRESS="ctrl+q",
    )
    # ... and a clerk logs in on the demo store and reaches the counter.
    assert run("python", "-c", textwrap.dedent(DRIVE_THE_DESK)).startswith(
        "CounterScreen Cleo Clerk"
    )
    completions = run(
        "returns-desk",
        _RETURNS_DESK_COMPLETE="complete_bash",
        COMP_WORDS="returns-desk sl",
        COMP_CWORD="1",
    )
    assert completions.split() == ["slip"]


def test_shell_completion_is_offered_and_answers():
    runner = CliRunner()
    script = runner.invoke(app, ["--show-completion", "bash"], prog_name="returns-desk")
    assert script.exit_code == 0 and "_RETURNS_DESK_COMPLETE=complete_bash" in script.output
    words = {"_RETURNS_DESK_COMPLETE": "complete_bash", "COMP_WORDS": "returns-desk complaints ex"}
    answer = runner.invoke(app, [], prog_name="returns-desk", env={**words, "COMP_CWORD": "2"})
    assert answer.exit_code == 0 and answer.output.split() == ["export"]


def test_a_completion_request_without_arguments_does_not_open_the_desk(monkeypatch, capsys):
    """The shell calls ``returns-desk`` with no arguments when it asks for completions."""
    from returns_desk import entry

    monkeypatch.setattr(sys, "argv", ["returns-desk"])
    monkeypatch.setenv("_RETURNS_DESK_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "returns-desk vo")
    monkeypatch.setenv("COMP_CWORD", "1")
    monkeypatch.setattr("returns_desk.tui.launch.run_desk", lambda: pytest.fail("desk opened"))
    with pytest.raises(SystemExit) as done:
        entry.main()
    assert done.value.code == 0 and capsys.readouterr().out.split() == ["voucher"]

"""domain/ and services/ are fully typed: ``mypy --strict`` (configured in pyproject.toml)
passes on them, so a wrong type there fails the suite like a wrong answer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_domain_and_services_pass_a_strict_type_check():
    run = subprocess.run(
        [sys.executable, "-m", "mypy"],  # its cache (.mypy_cache) makes a second run quick
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_no_type_check_is_switched_off_by_a_comment():
    waived = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("domain", "services")
        for path in sorted((ROOT / "returns_desk" / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "type: ignore" in line
    ]
    assert waived == []

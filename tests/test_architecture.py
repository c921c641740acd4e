"""The domain stays pure, and imports point one way (import-linter contracts in pyproject)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_domain_imports_without_textual_or_a_database():
    code = (
        "import sys, pkgutil, importlib, returns_desk.domain as d\n"
        "for m in pkgutil.walk_packages(d.__path__, 'returns_desk.domain.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [n for n in ('textual', 'sqlmodel', 'sqlalchemy') if n in sys.modules]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_init_imports_nothing_heavy():
    code = "import sys, returns_desk; sys.exit(1 if 'textual' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0

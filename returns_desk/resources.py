"""Where the shipped data lives: beside the package when installed, the repo root in a checkout.

policies/, receipts/ and db/ are package data (see pyproject's force-include), so the
installed tool works outside the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder ``name`` (policies, receipts or db) of this installation."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name}/ folder is not installed beside {_PACKAGE}")

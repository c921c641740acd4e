"""What every command needs: the engine (migrated), a console, and clean failure."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

console = Console()
err_console = Console(stderr=True)


def engine(upgrade: bool = True) -> Engine:
    """The desk's engine for DATABASE_URL or the default SQLite file, brought up to date."""
    from returns_desk.store.db import make_engine
    from returns_desk.store.migrate import upgrade as run_upgrade

    eng = make_engine()
    if upgrade:
        run_upgrade(eng)
    return eng


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a plain error (what and where) and exit non-zero."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)

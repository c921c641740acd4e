"""What every command needs: the engine (migrated), a console, and clean failure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.staff.security import Actor

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


def user_option(what: str) -> Any:
    """``--user``: the person running the command (logs in; audited)."""
    return typer.Option(..., help=f"The {what} (logs in; audited).")


def pin_option(whose: str) -> Any:
    """``--pin``: asked for unless ``RETURNS_DESK_PIN`` holds it."""
    return typer.Option(
        ..., prompt=True, hide_input=True, envvar="RETURNS_DESK_PIN", help=f"The {whose} PIN."
    )


def logged_in(user: str, pin: str) -> tuple[Engine, Actor]:
    """The engine and the person logged in, or a clean failure (wrong PIN, locked ...)."""
    from returns_desk.services.staff.security import AuthError, log_in

    eng = engine()
    try:
        return eng, log_in(eng, user, pin, register="cli")
    except AuthError as exc:
        fail(str(exc))

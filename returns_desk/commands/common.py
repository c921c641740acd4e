"""What every command needs: the engine (its schema ready), a console, log-in, clean failure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.domain.roles import Role
    from returns_desk.services.staff.security import Actor

console = Console()
err_console = Console(stderr=True)


def engine(upgrade: bool = True) -> Engine:
    """The desk's engine for DATABASE_URL or the default SQLite file, its schema ready.

    An empty database gets the schema; one at an older revision is refused with what to do
    (a manager runs ``db upgrade``). ``upgrade=False`` leaves the database as it is.
    """
    from returns_desk.store.db import make_engine
    from returns_desk.store.migrate import SchemaBehind, ready

    eng = make_engine()
    if upgrade:
        try:
            ready(eng)
        except SchemaBehind as exc:
            fail(str(exc))
    return eng


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a plain error (what and where) and exit non-zero."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def user_option(who: str) -> Any:
    """``--user``: who runs the command (logs in; audited)."""
    return typer.Option(..., "--user", "-u", help=f"The {who} (logs in; audited).")


def pin_option(whose: str = "their", text: str = "") -> Any:
    """``--pin``: prompted for (hidden) unless RETURNS_DESK_PIN is set."""
    return typer.Option(
        ..., prompt=True, hide_input=True, envvar="RETURNS_DESK_PIN",
        help=text or f"The {whose} PIN.",
    )  # fmt: skip


def logged_in(eng: Engine, user: str, pin: str, *roles: Role) -> Actor:
    """Log ``user`` in at register ``cli`` (audited), or fail cleanly: wrong PIN, locked,
    unknown, or (when ``roles`` are given) a role the command is not for."""
    from returns_desk.services.staff.security import AuthError, RoleError, log_in, require

    try:
        actor = log_in(eng, user, pin, register="cli")
        if roles:
            require(actor, *roles)
    except (AuthError, RoleError) as exc:
        fail(str(exc))
    return actor

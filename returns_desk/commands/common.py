"""What every command needs: the engine (its schema ready), a console, log-in, and clean
failure.

Errors never reach the user as a traceback: :class:`DeskGroup` (the root command's class)
turns any error a command lets through into one clear line and exit code 1 (click keeps
exit code 2 for usage errors); ``returns-desk --debug ...`` shows the traceback instead.
An error a command catches itself goes through :func:`fail` (or, for a command that prints
its own lines, :func:`debug_traceback`), which adds its traceback under ``--debug``.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from typer._click.exceptions import ClickException  # typer's own click: usage errors
from typer._click.globals import get_current_context
from typer.core import TyperGroup

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
    """Print a plain error (what and where) and exit non-zero; called while handling an
    exception, ``--debug`` prints its traceback first."""
    debug_traceback()
    err_console.print(
        f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True, markup=True
    )
    raise typer.Exit(code)


def debug_traceback() -> None:
    """With ``--debug``, the traceback of the exception being handled (if any) on stderr,
    without local variables (a PIN is never printed)."""
    ctx = get_current_context(silent=True)
    if ctx is None or not ctx.find_root().params.get("debug") or sys.exc_info()[1] is None:
        return
    err_console.print_exception(show_locals=False)


def user_option(who: str) -> Any:
    """``--user``: who runs the command (logs in; audited)."""
    return typer.Option(..., "--user", "-u", help=f"The {who} (logs in; audited).")


def pin_option(whose: str = "their", text: str = "") -> Any:
    """``--pin``: prompted for (hidden) unless RETURNS_DESK_PIN is set."""
    return typer.Option(
        ..., prompt=True, hide_input=True, envvar="RETURNS_DESK_PIN",
        help=text or ("Their PIN." if whose == "their" else f"The {whose} PIN."),
    )  # fmt: skip


def optional_user_option(why: str) -> Any:
    """``--user`` where a log-in is optional: without it the command shows less (masked)."""
    return typer.Option(None, "--user", "-u", help=f"Log in (audited): {why}")


def optional_pin_option() -> Any:
    """``--pin`` beside :func:`optional_user_option`: asked for (hidden) only with ``--user``,
    unless RETURNS_DESK_PIN is set."""
    return typer.Option(
        None, hide_input=True, envvar="RETURNS_DESK_PIN",
        help="The PIN (asked for when --user is given).",
    )  # fmt: skip


def maybe_logged_in(eng: Engine, user: str | None, pin: str | None, *roles: Role) -> Actor | None:
    """:func:`logged_in` when ``user`` is given (asking for the PIN if need be), else None."""
    if not user:
        return None
    return logged_in(eng, user, pin or str(typer.prompt("PIN", hide_input=True)), *roles)


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


def day(value: str, option: str) -> date:
    """A calendar day given on the command line (YYYY-MM-DD), or a clean failure."""
    text = value.strip()
    try:
        if text.isascii() and len(text) == 10:
            parsed = date.fromisoformat(text)
            if 2000 <= parsed.year <= 2100:
                return parsed
    except ValueError:
        pass
    fail(f"{option} {_shown(value)}: expected a day from 2000 to 2100 like 2026-11-23")


def _shown(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:36] + "...'"


class DeskGroup(TyperGroup):
    """The root command: runs a command and says what went wrong in one line."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException, ClickException):
            raise  # exits, and usage errors: click prints those with exit code 2
        except KeyboardInterrupt:
            err_console.print("interrupted")
            raise typer.Exit(130) from None
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            fail(explain(exc))


def explain(exc: BaseException) -> str:
    """One clear line for an error: the desk's own errors say what and where already."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    if isinstance(exc, DBAPIError):
        first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
        return f"the database refused or could not be reached: {first or type(exc.orig).__name__}"
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {_first_line(exc)}"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or _first_line(exc)}"
    if type(exc).__module__.startswith("returns_desk."):
        return str(exc)
    return (
        f"unexpected {type(exc).__name__}: {_first_line(exc)} "
        "(run again with --debug for the details)"
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def write_report(out: Path | None, fmt: str, as_dict: Any, rows: Any) -> None:
    """A report as JSON (``as_dict``) or CSV (``rows``) to a file or standard output, the
    same way for every command that writes one; says where a file went."""
    import csv
    import json
    import sys

    target = out.open("w", newline="", encoding="utf-8") if out else sys.stdout
    try:
        if fmt == "json":
            target.write(json.dumps(as_dict, indent=2, ensure_ascii=False) + "\n")
        else:
            csv.writer(target).writerows(rows)
    finally:
        if out:
            target.close()
    if out:
        console.print(f"wrote {out}")

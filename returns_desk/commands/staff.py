"""``returns-desk staff`` and ``returns-desk init``: people, their roles, PINs and lockouts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import typer

from returns_desk.commands.common import (
    console,
    engine,
    fail,
    logged_in,
    pin_option,
    user_option,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.staff.security import Actor

T = TypeVar("T")

staff_app = typer.Typer(
    help="Staff: add people, set or reset PINs, disable, enable, unlock, list (managers).",
    no_args_is_help=True,
)
ROLES = "clerk, manager, auditor or integration (the POS feed: gets a key, not a PIN)"


def _new_pin(prompt: str) -> str:
    """Ask for a new PIN twice (hidden); different answers are refused."""
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))


def _run(change: Callable[[], T]) -> T:
    """Run a staff change; a refusal (rule, role, unknown user) is a clean error."""
    from returns_desk.services.staff.people import StaffError
    from returns_desk.services.staff.security import RoleError

    try:
        return change()
    except (StaffError, RoleError) as exc:
        fail(str(exc))


def _change(user: str, pin: str, change: Callable[[Engine, Actor], None], said: str) -> None:
    """Log in, make one staff change (refusals are clean errors), say what was done."""
    eng = engine()
    actor = logged_in(eng, user, pin)
    _run(lambda: change(eng, actor))
    console.print(said, highlight=False)


def _show_key(username: str, key: object) -> None:
    console.print(
        f"{username}'s key (shown once; the feed logs in with it, e.g. as "
        f"RETURNS_DESK_PIN):\n{key}",
        highlight=False,
    )


@staff_app.command("list")
def list_(user: str = user_option("manager or auditor"), pin: str = pin_option()) -> None:
    """Everyone who can log in: role, state (active, locked, disabled) and last log-in."""
    from rich.table import Table

    from returns_desk.services.staff.people import list_staff
    from returns_desk.store.tables._base import utcnow

    eng = engine()
    actor = logged_in(eng, user, pin)
    people = _run(lambda: list_staff(eng, actor))
    now = utcnow()
    table = Table()
    for column in ("user", "name", "role", "state", "last log-in (UTC)"):
        table.add_column(column, no_wrap=column != "name")
    for p in people:
        last = f"{p.last_login_at:%Y-%m-%d %H:%M}" if p.last_login_at else "never"
        table.add_row(p.username, p.display_name, p.role.value, p.state(now), last)
    console.print(table)


@staff_app.command("add")
def add(
    username: str = typer.Argument(..., help="The new user's log-in name, e.g. dana."),
    name: str = typer.Option(..., "--name", help="The name the desk shows, e.g. 'Dana Clerk'."),
    role: str = typer.Option("clerk", "--role", help=f"One of {ROLES}."),
    user: str = user_option("manager adding them"),
    pin: str = pin_option("manager's"),
) -> None:
    """Add a person with a role; asks for their first PIN (twice). Managers only.

    PINs: at least 6 digits for managers and auditors, 4 for clerks; runs and repeats such
    as 1234 or 0000 are refused. An integration account gets a generated key instead.
    """
    from returns_desk.domain.roles import ACCOUNTS, Role
    from returns_desk.services.staff.people import add_user

    try:
        wanted = Role(role.strip().lower())
        if wanted not in ACCOUNTS:
            raise ValueError(role)
    except ValueError:
        fail(f"--role {role!r}: choose {ROLES}")
    eng = engine()
    actor = logged_in(eng, user, pin)
    new_pin = None if wanted is Role.INTEGRATION else _new_pin(f"{username}'s new PIN")
    key = _run(lambda: add_user(eng, actor, username, name, wanted, new_pin))
    console.print(f"added {username.strip().lower()} ({wanted.value})", highlight=False)
    if key:
        _show_key(username, key)


@staff_app.command("set-pin")
def set_pin(
    username: str = typer.Argument(..., help="Whose PIN: your own, or (managers) anyone's."),
    user: str = user_option("person setting it"),
    pin: str = pin_option("current"),
) -> None:
    """Set a new PIN (asked twice): your own, or as a manager reset anyone's.

    A reset also ends a lockout. For an integration account a new key is generated and the
    old one stops working.
    """
    from returns_desk.services.staff.people import may_set_pin
    from returns_desk.services.staff.people import set_pin as set_new

    eng = engine()
    actor = logged_in(eng, user, pin)
    _run(lambda: may_set_pin(eng, actor, username))
    key = _role_of(eng, username) == "integration"
    new_pin = None if key else _new_pin(f"{username}'s new PIN")
    made = _run(lambda: set_new(eng, actor, username, new_pin, current_pin=pin))
    console.print(f"{username}'s {'key' if key else 'PIN'} is set", highlight=False)
    if made:
        _show_key(username, made)


def _role_of(eng: Engine, username: str) -> str:
    from returns_desk.services.staff.people import role_of

    return _run(lambda: role_of(eng, username)).value


@staff_app.command("disable")
def disable(
    username: str = typer.Argument(..., help="Who can no longer log in."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the audit trail)."),
    user: str = user_option("manager"),
    pin: str = pin_option("manager's"),
) -> None:
    """Disable an account: it can no longer log in; its history stays. Managers only."""
    from returns_desk.services.staff.people import disable_user

    _change(user, pin, lambda e, a: disable_user(e, a, username, reason), f"{username} is disabled")


@staff_app.command("enable")
def enable(
    username: str = typer.Argument(..., help="Who may log in again."),
    user: str = user_option("manager"),
    pin: str = pin_option("manager's"),
) -> None:
    """Let a disabled account log in again (same PIN). Managers only."""
    from returns_desk.services.staff.people import enable_user

    _change(user, pin, lambda e, a: enable_user(e, a, username), f"{username} may log in again")


@staff_app.command("unlock")
def unlock(
    username: str = typer.Argument(..., help="Who is locked out after wrong PINs."),
    user: str = user_option("manager"),
    pin: str = pin_option("manager's"),
) -> None:
    """End a lockout after wrong PINs; the count starts again. Managers only."""
    from returns_desk.services.staff.people import unlock_user

    _change(user, pin, lambda e, a: unlock_user(e, a, username), f"{username} is unlocked")


def init(
    username: str = typer.Option(..., prompt="The first manager's user name"),
    name: str = typer.Option(..., prompt="Their name, as the desk shows it"),
) -> None:
    """Set up an empty database: its schema, and the first manager (asks for a PIN twice).

    Only on a database with nobody in it yet; after that a manager adds people with
    `returns-desk staff add`. For the demo store use `returns-desk demo` instead.
    """
    from returns_desk.services.staff.people import create_first_manager, has_staff

    eng = engine()
    if has_staff(eng):
        fail("this database already has staff; a manager adds people with `staff add`")
    console.print(
        "PIN: 6 to 8 digits, nothing guessable: not a run or a repeat (123456, 000000), "
        "not doubled (123123) or a keypad line (147258)"
    )
    new_pin = _new_pin("Their PIN")
    _run(lambda: create_first_manager(eng, username, name, new_pin))
    console.print(
        f"{username.strip().lower()} is this store's first manager: log in at the desk, "
        "or add people with `returns-desk staff add NAME --name ... --user "
        f"{username.strip().lower()}`",
        highlight=False,
    )

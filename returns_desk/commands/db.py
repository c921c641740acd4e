"""``returns-desk db``: the database schema."""

from __future__ import annotations

import typer

from returns_desk.commands.common import console, engine, fail

db_app = typer.Typer(
    help="Database schema: upgrade to the newest version, show where it is.", no_args_is_help=True
)


@db_app.command("upgrade")
def upgrade(
    user: str = typer.Option(
        "", "--user", "-u", help="The manager upgrading (needed once the database holds a store)."
    ),
) -> None:
    """Apply every pending migration (safe to run again); audited.

    An empty database gets the schema at once. A database that already holds a store is
    upgraded only by a manager (asks for the PIN, or RETURNS_DESK_PIN): the change reaches
    every register that shares it.
    """
    from returns_desk.services.staff.security import AuthError, RoleError
    from returns_desk.services.staff.upgrade import needs_log_in, upgrade_schema
    from returns_desk.settings import load_settings

    eng = engine(upgrade=False)
    pin = ""
    if needs_log_in(eng):
        if not user:
            fail("this database holds a store: a manager upgrades it (--user NAME)")
        secret = load_settings().pin
        pin = secret.get_secret_value() if secret else typer.prompt("PIN", hide_input=True)
    try:
        done = upgrade_schema(eng, user, pin)
    except (AuthError, RoleError) as exc:
        fail(str(exc))
    where = eng.url.render_as_string()
    if done.before == done.after:
        console.print(f"database at revision [bold]{done.after}[/] already ({where})")
        return
    by = f" by {done.by}" if done.by else ""
    console.print(
        f"database at revision [bold]{done.after}[/] (was {done.before or 'empty'}{by}; {where})"
    )


@db_app.command("current")
def current() -> None:
    """Show the database URL and its schema revision."""
    from returns_desk.store.migrate import current_revision

    eng = engine(upgrade=False)
    rev = current_revision(eng) or "empty (run `returns-desk db upgrade`)"
    console.print(f"{eng.url.render_as_string()}: {rev}")

"""``returns-desk db``: the database schema."""

from __future__ import annotations

import typer

from returns_desk.commands.common import console, engine

db_app = typer.Typer(
    help="Database schema: upgrade to the newest version, show where it is.", no_args_is_help=True
)


@db_app.command("upgrade")
def upgrade() -> None:
    """Apply every pending migration (safe to run again)."""
    from returns_desk.store.migrate import current_revision

    eng = engine(upgrade=True)
    console.print(
        f"database at revision [bold]{current_revision(eng)}[/] ({eng.url.render_as_string()})"
    )


@db_app.command("current")
def current() -> None:
    """Show the database URL and its schema revision."""
    from returns_desk.store.migrate import current_revision

    eng = engine(upgrade=False)
    rev = current_revision(eng) or "empty (run `returns-desk db upgrade`)"
    console.print(f"{eng.url.render_as_string()}: {rev}")

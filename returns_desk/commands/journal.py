"""``returns-desk journal``: import what the POS sold."""

from __future__ import annotations

from pathlib import Path

import typer

from returns_desk.commands.common import (
    console,
    engine,
    err_console,
    fail,
    logged_in,
    pin_option,
    user_option,
)

journal_app = typer.Typer(
    help="Sales journal from the POS (JSON Lines or CSV).", no_args_is_help=True
)


@journal_app.command("import")
def import_(
    file: Path = typer.Argument(
        ..., help="Journal file: .jsonl or .csv (format: receipts/JOURNAL.md)"
    ),
    user: str = user_option("manager or integration account importing"),
    pin: str = pin_option(text="The manager's PIN, or the integration account's key."),
) -> None:
    """Validate every row, then import all of FILE, or nothing if any row is bad.

    A manager, or an integration account (the nightly POS feed) with its own key, imports;
    the key comes from RETURNS_DESK_PIN in a script. The import is audited under that name.
    """
    from rich.progress import Progress

    from returns_desk.domain.journal import JournalInvalid
    from returns_desk.services.journal.importer import import_journal_as
    from returns_desk.services.staff.security import RoleError

    if not file.is_file():
        fail(f"{file}: no such file")
    eng = engine()
    actor = logged_in(eng, user, pin)
    try:
        with Progress(console=err_console, transient=True) as progress:
            task = progress.add_task(f"importing {file.name}", total=None)
            result = import_journal_as(
                eng,
                actor,
                file,
                lambda done, total: progress.update(task, completed=done, total=total),
            )
    except (JournalInvalid, RoleError) as exc:
        fail(str(exc))
    console.print(
        f"imported {file.name}: {result.receipts} receipts ({result.lines} lines), "
        f"{result.products} products, {result.prices} price changes, {result.stores} stores"
    )

"""``returns-desk journal``: import what the POS sold."""

from __future__ import annotations

from pathlib import Path

import typer

from returns_desk.commands.common import console, engine, err_console, fail

journal_app = typer.Typer(
    help="Sales journal from the POS (JSON Lines or CSV).", no_args_is_help=True
)


@journal_app.command("import")
def import_(
    file: Path = typer.Argument(
        ..., help="Journal file: .jsonl or .csv (format: receipts/JOURNAL.md)"
    ),
    actor: str = typer.Option("import", help="Who is importing, for the audit trail."),
) -> None:
    """Validate every row, then import all of FILE, or nothing if any row is bad."""
    from rich.progress import Progress

    from returns_desk.domain.journal import JournalInvalid
    from returns_desk.services.journal.importer import import_journal

    if not file.is_file():
        fail(f"{file}: no such file")
    eng = engine()
    try:
        with Progress(console=err_console, transient=True) as progress:
            task = progress.add_task(f"importing {file.name}", total=None)
            result = import_journal(
                eng,
                file,
                actor,
                lambda done, total: progress.update(task, completed=done, total=total),
            )
    except JournalInvalid as exc:
        fail(str(exc))
    console.print(
        f"imported {file.name}: {result.receipts} receipts ({result.lines} lines), "
        f"{result.products} products, {result.prices} price changes, {result.stores} stores"
    )

"""``returns-desk journal``: import what the POS sold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from returns_desk.commands.common import console, engine, err_console, fail

if TYPE_CHECKING:
    from returns_desk.services.journal.importer import ImportResult

journal_app = typer.Typer(
    help="Sales journal from the POS (JSON Lines or CSV).", no_args_is_help=True
)


@journal_app.command("import")
def import_(
    files: list[Path] = typer.Argument(
        ...,
        help="Journal files (.jsonl or .csv, format: receipts/JOURNAL.md) or folders of them.",
        show_default=False,
    ),
    actor: str = typer.Option("import", help="Who is importing, for the audit trail."),
) -> None:
    """Validate every row, then import each FILE whole, or nothing of it if any row is bad.

    Files are imported in the order given (a folder's by name). A file already imported
    is skipped; the run stops at the first refused file.
    """
    from rich.progress import Progress

    from returns_desk.domain.journal import JournalInvalid
    from returns_desk.services.journal.files import import_files, journal_files

    try:
        paths = journal_files(files)
    except JournalInvalid as exc:
        fail(str(exc.problems[0]) if len(exc.problems) == 1 else str(exc))
    eng = engine()
    with Progress(console=err_console, transient=True) as bar:

        def progress(path: Path) -> Callable[[int, int], None]:
            task = bar.add_task(f"importing {path.name}", total=None)
            return lambda done, total: bar.update(task, completed=done, total=total)

        outcomes = import_files(eng, paths, actor, progress)
    for outcome in outcomes:
        if outcome.result is not None:
            console.print(_said(outcome.path, outcome.result), highlight=False, soft_wrap=True)
    refused = outcomes[-1].problem if outcomes else None
    if refused is not None:
        left = [p.name for p in paths[len(outcomes) :]]
        if left:
            err_console.print(
                f"not tried (after a refused file): {', '.join(left)}", highlight=False
            )
        fail(f"{outcomes[-1].path.name}: {refused}")


def _said(path: Path, result: ImportResult) -> str:
    """One line per file: what it added, changed or found already in."""
    if result.already:
        return f"skipped {path.name}: already imported {result.already}"
    parts = [f"{result.receipts} receipts ({result.lines} lines)"]
    extra = [
        (result.receipts_already_in, "receipts already in"),
        (result.products, "new products"),
        (result.products_changed, "products changed"),
        (result.prices, "prices added"),
        (result.stores, "new stores"),
        (result.stores_changed, "stores changed"),
        (len(result.upc_moves), "UPCs moved"),
    ]
    parts += [f"{n} {what}" for n, what in extra if n]
    return f"imported {path.name}: {', '.join(parts)}"

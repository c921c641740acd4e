"""``returns-desk journal``: import what the POS sold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.journal.files import Importer
    from returns_desk.services.journal.importer import ImportResult, Progress

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
    source: str = typer.Option(
        "journal",
        "--from",
        help="What the files are: journal (the desk's format), shopify-orders or square-items.",
    ),
    mapping: Path | None = typer.Option(
        None, help="A mapping file (TOML) describing another POS's CSV export."
    ),
    store: int | None = typer.Option(
        None, min=0, max=999, help="Exports: the store number (default: by the export's location)."
    ),
    register: int = typer.Option(99, min=0, max=99, help="Exports: the register for their sales."),
    currency: str | None = typer.Option(None, help="Exports: the currency they must be in."),
    timezone: str | None = typer.Option(
        None, help="Exports: the time zone of times without one (default: the store's)."
    ),
    payments: Path | None = typer.Option(
        None, help="Shopify: the transactions export, for orders paid in more than one way."
    ),
    user: str = user_option("manager or integration account importing"),
    pin: str = pin_option(text="The manager's PIN, or the integration account's key."),
) -> None:
    """Validate every row, then import each FILE whole, or nothing of it if any row is bad.

    Files are imported in the order given (a folder's by name). A file already imported
    is skipped; the run stops at the first refused file. --from reads the exports other
    POS systems write (receipts/ADAPTERS.md). A manager, or an integration account (the
    nightly POS feed) with its own key, imports; the key comes from RETURNS_DESK_PIN in a
    script. The import is audited under that name.
    """
    from rich.progress import Progress

    from returns_desk.domain.journal import JournalInvalid
    from returns_desk.services.journal.files import import_files_as, journal_files
    from returns_desk.services.staff.security import RoleError

    importer = _importer(source, mapping, store, register, currency, timezone, payments)
    try:
        paths = journal_files(files)
    except JournalInvalid as exc:
        fail(str(exc.problems[0]) if len(exc.problems) == 1 else str(exc))
    eng = engine()
    actor = logged_in(eng, user, pin)
    with Progress(console=err_console, transient=True) as bar:

        def progress(path: Path) -> Callable[[int, int], None]:
            task = bar.add_task(f"importing {path.name}", total=None)
            return lambda done, total: bar.update(task, completed=done, total=total)

        try:
            outcomes = import_files_as(eng, actor, paths, progress, importer)
        except RoleError as exc:
            fail(str(exc))
    for outcome in outcomes:
        if outcome.result is not None:
            console.print(_said(outcome.path, outcome.result), highlight=False, soft_wrap=True)
            for note in outcome.result.notes:
                console.print(f"  {note}", highlight=False, soft_wrap=True, markup=False)
    refused = outcomes[-1].problem if outcomes else None
    if refused is not None:
        left = [p.name for p in paths[len(outcomes) :]]
        if left:
            err_console.print(
                f"not tried (after a refused file): {', '.join(left)}", highlight=False
            )
        fail(f"{outcomes[-1].path.name}: {refused}")


def _importer(
    source: str,
    mapping: Path | None,
    store: int | None,
    register: int,
    currency: str | None,
    timezone: str | None,
    payments: Path | None,
) -> Importer:
    """The journal's own importer, or an adapter's with its options."""
    from returns_desk.services.journal.adapters import EXPORTS, ExportOptions, import_export
    from returns_desk.services.journal.importer import import_journal

    if source == "journal" and mapping is None:
        return import_journal
    if source not in EXPORTS and not (source == "journal" and mapping):
        fail(f"--from {source!r}: choose journal, {', '.join(EXPORTS)} (or give --mapping)", 2)
    if payments is not None and not payments.is_file():
        fail(f"--payments {payments}: no such file")
    options = ExportOptions(store, register, currency, timezone, payments)
    kind = None if mapping is not None else source

    def run(eng: Engine, path: Path, actor: str, progress: Progress | None) -> ImportResult:
        return import_export(eng, path, kind, options, mapping, actor, progress)

    return run


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

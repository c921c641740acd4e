"""``returns-desk demo``: a realistic store to try the desk on."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from returns_desk.commands.common import console, engine, fail
from returns_desk.commands.common import day as parse_day

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def demo(
    receipts: int = typer.Option(400, min=1, help="How many receipts to generate."),
    seed: int = typer.Option(7, help="Random seed: same seed and day, same store."),
    today: str = typer.Option("", help="Pretend today is YYYY-MM-DD (default: today)."),
    scale: int = typer.Option(
        0, min=0, help="Chain scale: import this many receipts (e.g. 1000000) in chunks."
    ),
    write_journal: Path | None = typer.Option(
        None,
        "--write-journal",
        help="Only write the demo as a sales journal: FILE.jsonl (stores, products, sales) "
        "or FILE.csv (sales only).",
    ),
    skip: int = typer.Option(
        0, min=0, help="With --write-journal: leave out the first N receipts of the demo."
    ),
) -> None:
    """Seed the demo store (sales over the last 200 days, none later than now) and print the
    demo users' PINs. The receipts are the same on any day: only their dates move.

    Only on an empty database or the untouched demo store: the demo's people have
    published PINs, so it is refused anywhere else (a real store starts with `init`).
    """
    from rich.table import Table

    from returns_desk.services.journal.demo import demo_refusal, seed_demo
    from returns_desk.services.journal.demo_data import demo_journal_csv, demo_journal_lines

    day = parse_day(today, "--today") if today else date.today()  # noqa: DTZ011 (local day)
    if write_journal:
        if write_journal.suffix == ".csv":
            text = demo_journal_csv(day, receipts, seed, skip)
        else:
            text = "\n".join(demo_journal_lines(day, receipts, seed, skip=skip)) + "\n"
        write_journal.write_text(text, encoding="utf-8")
        console.print(f"wrote {write_journal} ({receipts} receipts, dated up to {day})")
        return
    refusal = demo_refusal(eng := engine())
    if refusal:
        fail(f"{refusal}. The demo's people have published PINs; it is never mixed into a store.")
    if scale:
        _seed_scale(eng, day, scale, seed)
        return
    result = seed_demo(eng, day, receipts, seed)
    if result.imported:
        console.print(
            f"demo store seeded: {result.imported.receipts} receipts, "
            f"{result.imported.lines} lines, {result.imported.products} products"
        )
    else:
        console.print("the database already has sales; demo people checked, no sales added")
    table = Table(title="Demo people (log in with these)")
    for column in ("user", "name", "role", "PIN"):
        table.add_column(column)
    for row in result.people:
        table.add_row(*row)
    console.print(table)


def _seed_scale(eng: Engine, day: date, receipts: int, seed: int) -> None:
    """Import a chain-sized demo with a progress bar."""
    import time

    from rich.progress import MofNCompleteColumn, Progress, TimeRemainingColumn

    from returns_desk.services.journal.demo import seed_scale

    started = time.perf_counter()
    columns = (*Progress.get_default_columns()[:-1], MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("importing receipts", total=receipts)
        done = seed_scale(
            eng, day, receipts, seed, lambda n, total: progress.update(task, completed=n)
        )
    seconds = time.perf_counter() - started
    console.print(f"imported {done:,} receipts in {seconds:,.0f} s ({done / seconds:,.0f}/s)")

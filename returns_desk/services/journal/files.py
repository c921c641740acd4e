"""Several journal files, or a folder of them, imported in order: each file all or
nothing, a file already imported skipped, and the run stopped at the first refused file
(later days may build on its products and receipts)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from returns_desk.domain.journal import JournalInvalid, RowProblem
from returns_desk.domain.roles import Role
from returns_desk.services.journal.importer import ImportResult, Progress, import_journal
from returns_desk.services.staff.security import Actor, require_or_record

SUFFIXES = (".jsonl", ".csv")


@dataclass(frozen=True)
class FileOutcome:
    """One file of the run: imported (or skipped as already in), or refused."""

    path: Path
    result: ImportResult | None = None
    problem: JournalInvalid | None = None


def journal_files(paths: Sequence[Path]) -> list[Path]:
    """The files to import: files as given, a folder's .jsonl and .csv files by name."""
    found: list[Path] = []
    problems = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
            )
            if not inside:
                problems.append(RowProblem(str(path), 0, "", "no .jsonl or .csv files in it"))
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            problems.append(RowProblem(str(path), 0, "", "no such file or folder"))
    if problems:
        raise JournalInvalid(problems)
    return found


Importer = Callable[[Engine, Path, str, Progress | None], ImportResult]


def import_files(
    engine: Engine,
    files: Sequence[Path],
    actor: str = "system",
    progress: Callable[[Path], Progress | None] | None = None,
    importer: Importer = import_journal,
) -> list[FileOutcome]:
    """Import ``files`` in order, each in its own transaction; stop at the first refused.
    ``progress(path)`` gives the progress callback for that file; ``importer`` reads one
    file (the desk's journal format, or an adapter's export)."""
    outcomes: list[FileOutcome] = []
    for path in files:
        try:
            result = importer(engine, path, actor, progress(path) if progress else None)
        except JournalInvalid as exc:
            outcomes.append(FileOutcome(path, problem=exc))
            break
        outcomes.append(FileOutcome(path, result))
    return outcomes


IMPORTERS = (Role.MANAGER, Role.INTEGRATION)  # who may bring sales in


def import_files_as(
    engine: Engine,
    actor: Actor,
    files: Sequence[Path],
    progress: Callable[[Path], Progress | None] | None = None,
    importer: Importer = import_journal,
) -> list[FileOutcome]:
    """:func:`import_files` for a logged-in manager or integration account (the POS feed).

    Sales are what refunds are paid against, so nobody else may add them; a refused attempt
    is written to the audit trail. The imports are recorded under the actor's name.
    """
    require_or_record(
        engine, actor, *IMPORTERS, action="journal.import.refused", entity="journal_import",
        details={"files": [path.name for path in files]},
        why="importing sales needs a manager or an integration account",
    )  # fmt: skip
    return import_files(engine, files, actor.username, progress, importer)

"""Import a POS sales journal: every row validated against the file and the database, all
of it written in one transaction, or nothing.

Daily files overlap: the catalogue rows follow catalog_sync.py's rules, and a receipt
already imported with the same content is skipped (counted, not an error). The same
receipt code with different content is an error that names both files.

A big JSON Lines file is read a chunk at a time: worker processes validate chunks while
this process writes the ones before (writer.py), so the file is never all in memory and
both cores work. CSV files, adapters' exports and the demo come as one parsed journal.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from returns_desk.domain.journal import Journal, JournalInvalid, RowProblem
from returns_desk.domain.journal_parse import (
    TooManyProblems,
    parse_csv,
    parse_jsonl,
    physical_lines,
)
from returns_desk.services.journal.chunks import Chunk, journal_chunk, validate_block
from returns_desk.services.journal.writer import JournalWriter
from returns_desk.store import bulk
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import JournalImport

CHUNK_LINES = 10_000  # rows a worker validates at a time, about
BLOCK_BYTES = 6 << 20  # the bytes of so many rows of a POS journal
WORKERS = 2
AHEAD = 4  # chunks validated ahead of the writer, at the most
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote. ``already``: the file was imported before (then nothing was),
    saying when and under which name."""

    source: str
    sha256: str
    stores: int = 0
    products: int = 0
    prices: int = 0
    receipts: int = 0
    lines: int = 0
    receipts_already_in: int = 0
    products_changed: int = 0
    stores_changed: int = 0
    upc_moves: tuple[str, ...] = ()
    already: str | None = None
    notes: tuple[str, ...] = ()  # what an adapter left out of the export, and why
    details: dict[str, Any] = field(default_factory=dict, compare=False)


def read_journal(path: Path) -> tuple[Journal, str]:
    """Parse a journal file by its extension (.csv or .jsonl); returns it with its SHA-256."""
    raw, sha = read_file(path)
    return parse_bytes(raw, path), sha


def read_file(path: Path) -> tuple[bytes, str]:
    """A file's bytes and SHA-256; an unreadable file is a problem with the file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from None
    return raw, hashlib.sha256(raw).hexdigest()


def _unreadable(path: Path, exc: OSError) -> JournalInvalid:
    return JournalInvalid([RowProblem(path.name, 0, "", f"cannot be read ({exc.strerror or exc})")])


def parse_bytes(raw: bytes, path: Path) -> Journal:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise JournalInvalid(
            [RowProblem(path.name, line, "", f"not UTF-8 text ({exc.reason})")]
        ) from None
    if path.suffix.lower() == ".csv":
        return parse_csv(text, path.name)
    return parse_jsonl(physical_lines(text), path.name)


def already_imported(engine: Engine, sha: str) -> str | None:
    """When and as what a file with this SHA-256 was imported, or None."""
    with read_only(engine) as session:
        return _already(session, sha)


def _already(session: Session, sha: str) -> str | None:
    done = session.exec(select(JournalImport).where(JournalImport.sha256 == sha)).first()
    if done is None:
        return None
    return f"on {done.imported_at:%Y-%m-%d %H:%M} UTC as {done.file_name}"


def import_journal(
    engine: Engine,
    path: Path,
    actor: str = "system",
    progress: Progress | None = None,
    workers: int | None = None,
) -> ImportResult:
    """Validate then import ``path``; raises :class:`JournalInvalid` with nothing written.
    A file already imported (same SHA-256) is not read again: the result says when.
    ``workers``: processes validating a JSON Lines file (default: 2 for a big file)."""
    sha, rows = _fingerprint(path)
    if (when := already_imported(engine, sha)) is not None:
        return ImportResult(path.name, sha, already=when)
    if path.suffix.lower() == ".csv":
        return import_parsed(engine, parse_bytes(path.read_bytes(), path), sha, actor, progress)
    if workers is None:
        workers = WORKERS if rows > 4 * CHUNK_LINES else 0
    dialect = engine.dialect.name
    chunks = _file_chunks(path, dialect, workers)
    return import_chunks(engine, chunks, path.name, sha, actor, progress, rows)


def _fingerprint(path: Path) -> tuple[str, int]:
    """The file's SHA-256 and its number of lines, read once in blocks."""
    digest, lines = hashlib.sha256(), 0
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
                lines += block.count(b"\n")
    except OSError as exc:
        raise _unreadable(path, exc) from None
    return digest.hexdigest(), lines + 1


def _file_chunks(path: Path, dialect: str, workers: int) -> Iterator[Chunk]:
    """The file's JSON Lines, validated a block at a time (in worker processes if asked)."""
    blocks = _blocks(path)
    if workers <= 0:
        for first, block in blocks:
            yield validate_block(block, first, path.name, dialect)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[Chunk]] = deque()
        for first, block in blocks:
            pending.append(pool.submit(validate_block, block, first, path.name, dialect))
            if len(pending) >= AHEAD:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _blocks(path: Path) -> Iterator[tuple[int, bytes]]:
    """(first row, bytes) of whole lines, about ``BLOCK_BYTES`` at a time. This process only
    counts line ends: splitting and decoding the lines is the workers' part, so the writer
    keeps its core for the database."""
    first, rest = 1, b""
    with path.open("rb") as handle:
        while data := handle.read(BLOCK_BYTES):
            data = rest + data
            end = data.rfind(b"\n") + 1
            if end == 0:  # one line longer than a block: read on
                rest = data
                continue
            block, rest = data[:end], data[end:]
            yield first, block
            first += block.count(b"\n")
    if rest:
        yield first, rest


def import_parsed(
    engine: Engine,
    journal: Journal,
    sha: str,
    actor: str = "system",
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportResult:
    """Write an already parsed journal in one unit of work (or nothing, with the problems)."""
    chunk = journal_chunk(journal, engine.dialect.name)
    return import_chunks(
        engine,
        [chunk],
        journal.source,
        sha,
        actor,
        progress,
        len(journal.sales),
        today,
        journal.notes,
    )


def import_chunks(
    engine: Engine,
    chunks: Iterable[Chunk],
    source: str,
    sha: str,
    actor: str = "system",
    progress: Progress | None = None,
    total: int = 0,
    today: date | None = None,
    notes: list[str] | None = None,
) -> ImportResult:
    """Write validated chunks of one journal in one unit of work, or nothing."""
    try:
        with unit_of_work(engine) as session:
            if (when := _already(session, sha)) is not None:
                return ImportResult(source, sha, already=when)
            with bulk.large_page_cache(session.connection()):
                day = today or datetime.now(UTC).date()
                writer = JournalWriter(session, source, sha, actor, day)
                writer.notes = list(notes or [])
                done = 0
                try:
                    for chunk in chunks:
                        writer.add(chunk)
                        done += len(chunk.sales) + len(chunk.catalog)
                        if progress:
                            progress(min(done, total) if total else done, total or done)
                except TooManyProblems:
                    pass
                finally:
                    if isinstance(chunks, Iterator):  # stop the workers of a file cut short
                        getattr(chunks, "close", lambda: None)()
                details = writer.finish()
                changes = writer.changes
                return ImportResult(
                    source,
                    sha,
                    stores=changes.stores_new,
                    products=changes.products_new,
                    prices=changes.prices_added,
                    receipts=writer.receipts,
                    lines=writer.lines,
                    receipts_already_in=writer.same,
                    products_changed=len(changes.products_changed),
                    stores_changed=len(changes.stores_changed),
                    upc_moves=tuple(changes.upc_moves),
                    notes=tuple(writer.notes),
                    details=details,
                )
    except IntegrityError:
        raise JournalInvalid(
            [
                RowProblem(
                    source,
                    0,
                    "",
                    "another import wrote the same receipts or products at the same time; "
                    "nothing of this file was imported: import it again",
                )
            ]
        ) from None

"""Read the exports stores already have: Shopify's orders export, Square's item details,
or any CSV export described by a mapping file (receipts/ADAPTERS.md). Each becomes journal
records, validated and imported exactly as the desk's own journal format."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from returns_desk.domain.journal import Journal, JournalInvalid, RowProblem
from returns_desk.resources import data_dir
from returns_desk.services.journal.adapters.desk import Desk, ExportOptions
from returns_desk.services.journal.adapters.mapped import read_mapped
from returns_desk.services.journal.adapters.mapping import load_mapping
from returns_desk.services.journal.adapters.shopify import read_orders
from returns_desk.services.journal.importer import (
    ImportResult,
    Progress,
    already_imported,
    import_parsed,
    read_file,
)
from returns_desk.store.db import read_only

EXPORTS = {
    "shopify-orders": "Shopify: Admin > Orders > Export (CSV for Excel or plain CSV)",
    "square-items": "Square: Reports > Item Sales > Export > Item Detail CSV",
}
__all__ = ["EXPORTS", "ExportOptions", "import_export", "read_export"]


def read_export(
    engine: Engine,
    path: Path,
    kind: str | None,
    options: ExportOptions,
    mapping: Path | None = None,
) -> tuple[Journal, str]:
    """Read ``path`` as the export ``kind`` (or through ``mapping``); with its SHA-256."""
    raw, sha = read_file(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise JournalInvalid([RowProblem(path.name, line, "", "not UTF-8 text")]) from None
    if kind == "square-items":
        mapping = data_dir("receipts") / "mappings" / "square-items.toml"
    elif kind not in (None, "shopify-orders"):
        raise JournalInvalid([RowProblem(path.name, 0, "", f"no adapter for {kind!r}")])
    with read_only(engine) as session:
        desk = Desk.read(session)
        if mapping is not None:
            return read_mapped(text, path.name, desk, options, load_mapping(mapping)), sha
        return read_orders(text, path.name, desk, options), sha


def import_export(
    engine: Engine,
    path: Path,
    kind: str | None,
    options: ExportOptions,
    mapping: Path | None = None,
    actor: str = "system",
    progress: Progress | None = None,
) -> ImportResult:
    """Import an export whole or not at all, as :func:`import_journal` does a journal."""
    _, sha = read_file(path)
    if (when := already_imported(engine, sha)) is not None:
        return ImportResult(path.name, sha, already=when)
    journal, sha = read_export(engine, path, kind, options, mapping)
    return import_parsed(engine, journal, sha, actor, progress)

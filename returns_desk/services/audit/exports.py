"""Auditors export the exchange log: a file, its manifest, and an audit event saying so.

The manifest (``FILE.manifest.json``) names the filters, the row count, the file's SHA-256
and the audit chain head after the export's own event, which records the same checksum: the
file, the manifest and the trail vouch for one another. Auditors only; a refusal is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.audit.exchange_csv import stream_csv
from returns_desk.services.audit.exchange_log import (
    LogFilters,
    LogRow,
    count_rows,
    stream_rows,
    stream_text,
)
from returns_desk.services.audit.export_summary import Heading, KpiPage, Summary, write_pdf
from returns_desk.services.audit.export_writers import WRITERS, CsvWriter
from returns_desk.services.audit.manifests import ExportResult, partial_name, publish, sha256_of
from returns_desk.services.staff.security import Actor, require, require_or_record
from returns_desk.store.db import read_only, snapshot
from returns_desk.store.tables._base import utcnow

FORMATS = (*WRITERS, "pdf")
PREVIEW_ROWS = 50
PROGRESS_EVERY = 1000
Progress = Callable[[int, int], None]


def _require_auditor(engine: Engine, actor: Actor, what: str) -> None:
    """Let auditors through; record anyone else's attempt before refusing it."""
    require_or_record(
        engine, actor, Role.AUDITOR, action="export.refused", entity="exchange_log",
        details={"what": what},
    )  # fmt: skip


def preview(engine: Engine, actor: Actor, filters: LogFilters) -> list[LogRow]:
    """The first rows an export would hold, always masked (a look is not a disclosure)."""
    require(actor, Role.AUDITOR)
    filters.check()
    masked = LogFilters(**{**filters.__dict__, "unmask": False})
    with read_only(engine) as session:
        return list(stream_rows(session, masked, limit=PREVIEW_ROWS))


def _write(
    engine: Engine, actor: Actor, filters: LogFilters, fmt: str, out: Path, progress: Progress
) -> tuple[int, tuple[int, str], datetime]:
    """Stream the rows into ``out`` (or the PDF summary); return rows, data head and time."""
    writer = WRITERS[fmt](out) if fmt in WRITERS else None
    summary = Summary() if writer is None else None  # only the PDF shows totals
    rows = 0
    try:
        with snapshot(engine) as session:
            data_head, total = audit.head(session), count_rows(session, filters)
            progress(0, total)
            if isinstance(writer, CsvWriter) and session.get_bind().dialect.name == "sqlite":
                for count, text in stream_csv(session, filters):  # the query writes the CSV
                    writer.write_lines(text)
                    rows += count
                    progress(rows, total)
            elif isinstance(writer, CsvWriter):  # text straight to text (exchange_log)
                for count, batch in stream_text(session, filters):
                    writer.write_text(batch)
                    rows += count
                    progress(rows, total)
            for row in () if isinstance(writer, CsvWriter) else stream_rows(session, filters):
                rows += 1
                if writer:
                    writer.write(row)
                elif summary is not None:
                    summary.add(row)
                if rows % PROGRESS_EVERY == 0:
                    progress(rows, total)
    finally:
        if writer:
            writer.close()
    generated_at = utcnow()
    if summary is not None:
        heading = Heading(filters.as_dict(), generated_at, actor.username, *data_head)
        write_pdf(summary, heading, out, kpi_page(engine, actor, filters))
    progress(rows, rows)
    return rows, data_head, generated_at


def kpi_page(engine: Engine, actor: Actor, filters: LogFilters) -> KpiPage:
    """Every KPI for the export's days (and store), against the days before."""
    from returns_desk.services.kpi.output import page_rows
    from returns_desk.services.kpi.report import KpiRequest, all_kpis, measure_kpis
    from returns_desk.services.kpi.sql import Period

    period = Period(filters.date_from, filters.date_to)
    ids = tuple(k.id for k in all_kpis())
    report = measure_kpis(engine, actor, KpiRequest(period, ids, None, filters.store))
    rows, words = page_rows(report)
    where = f"store {filters.store}" if filters.store is not None else "all stores"
    title = f"{period} ({where}), against {report.previous}"
    return KpiPage(title, rows, words)


def export_exchange_log(
    engine: Engine,
    actor: Actor,
    filters: LogFilters,
    fmt: str,
    out: Path,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the log (or its PDF summary) to ``out`` with a manifest beside it; audited.

    The file appears under its name only once complete and audited: it is written to a
    temporary name first and removed if anything fails.
    """
    _require_auditor(engine, actor, f"export {fmt}")
    filters.check()
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    out = Path(out)
    partial = partial_name(out)
    try:
        rows, data_head, generated_at = _write(
            engine, actor, filters, fmt, partial, progress or (lambda done, total: None)
        )
        checksum = sha256_of(partial)
        details = {"format": fmt, "file": out.name, "rows": rows, "sha256": checksum}
        details |= {"filters": filters.as_dict(), "data_as_of_seq": data_head[0]}
        return publish(
            engine, actor, partial, out, "export.exchange_log", "exchange_log", details,
            filters.unmask, generated_at,
        )  # fmt: skip
    finally:
        partial.unlink(missing_ok=True)

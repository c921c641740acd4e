"""The exchange log's CSV made by SQLite itself: each row's line comes out of the query.

Reading a million rows through Python's ``sqlite3`` module makes a Python object of each
of their 26 values, and the ``csv`` module turns each back into text: that alone took
about twice what ``sqlite3 -csv`` takes for the whole export. Here one ``printf`` per row
writes the line (times, amounts, the tenders, the masking, a return's tenders and exchange
difference on its first row only), and Python only joins the lines of a batch.

The file is the same, byte for byte, as the ``csv`` module writes from
:func:`exchange_log.stream_text` (tests/exports compare the two on awkward values). The
query does not quote: a batch whose text holds a quote, a carriage return, or more commas
or line ends than its rows' separators has a field that needs quoting, and each such line
is written again by the ``csv`` module from that row's fields alone (rare: free text with
a comma or a quote).

SQLite only: on PostgreSQL the export keeps the Python path (a server round trip per batch
dwarfs the conversions there).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from returns_desk.services.audit.exchange_log import (
    BATCH,
    COLUMNS,
    LogFilters,
    _columns,
    _from,
)
from returns_desk.services.audit.export_writers import csv_lines
from returns_desk.store import fastread
from returns_desk.store.models import RefundTender, ReturnLine

SEPARATORS = len(COLUMNS) - 1  # commas in a line whose fields need no quoting


def _money(column: str) -> tuple[str, list[Any]]:
    """Whole cents as ``minor_text`` writes them (``-3.00``): format and arguments."""
    return "%s%d.%02d", [
        literal_column(f"CASE WHEN {column} < 0 THEN '-' ELSE '' END"),
        literal_column(f"abs({column}) / 100"),
        literal_column(f"abs({column}) % 100"),
    ]


def _time(column: str) -> Any:
    """SQLite's stored ``2026-11-20 10:15:00.000000`` as ``2026-11-20T10:15:00+00:00``
    (the ``text_processor`` of UTCDateTime, cut the same way); NULL stays NULL."""
    return literal_column(f"substr({column}, 1, 10) || 'T' || substr({column}, 12, 8) || '+00:00'")


def _tenders() -> Any:
    """Each return's refund tenders as ``card 15.00; voucher 2.50``, in the order paid out
    (SQLite keeps the ordered subquery's order for ``group_concat``: an aggregate over an
    ordered subquery is never flattened)."""
    fmt, args = _money("amount")
    ordered = (
        select(col(RefundTender.return_id), col(RefundTender.kind), col(RefundTender.amount))
        .order_by(col(RefundTender.return_id), col(RefundTender.id))
        .subquery("paid_out")
    )
    part = func.printf("%s " + fmt, ordered.c.kind, *args)
    return (
        select(ordered.c.return_id, func.group_concat(part, "; ").label("parts"))
        .group_by(ordered.c.return_id)
        .subquery("tenders")
    )


def _fields(filters: LogFilters, tenders: Any) -> tuple[list[str], list[list[Any]]]:
    """Each column's printf format and arguments, in the log's order (NULL prints empty)."""
    plain = list(_columns(tenders))
    formats: list[str] = []
    args: list[list[Any]] = []
    first_line = aliased(ReturnLine, name="first_line")
    lowest = select(func.min(first_line.id)).where(
        col(first_line.return_id) == col(ReturnLine.return_id)
    )
    if filters.outcome:  # the first of the return's lines the export holds
        lowest = lowest.where(col(first_line.outcome) == filters.outcome)
    first = col(ReturnLine.id) == lowest.scalar_subquery()
    for name, column in zip(COLUMNS, plain, strict=True):
        if name in ("returned_at", "sold_at"):
            table = "return_txn.created_at" if name == "returned_at" else "sale.sold_at"
            formats.append("%s")
            args.append([_time(table)])
        elif name in ("refund", "restocking_fee"):
            fmt, money = _money(f"return_line.{'refund_amount' if name == 'refund' else name}")
            formats.append(fmt)
            args.append(money)
        elif name == "tenders":
            formats.append("%s")
            args.append([case((first, tenders.c.parts))])
        elif name == "exchange_difference":
            fmt, money = _money("exchange.difference")
            present = literal_column("exchange.difference").is_not(None)
            shown = case((first & present, func.printf(fmt, *money)))
            formats.append("%s")
            args.append([shown])
        elif name == "customer" and not filters.unmask:
            formats.append("%s")
            args.append([_masked(column)])
        else:
            formats.append("%s")
            args.append([column])
    return formats, args


def _masked(customer: Any) -> Any:
    """``domain.customer_id.mask`` in SQL: ``***42``, never hinting at the length."""
    return case(
        ((customer.is_(None)) | (customer == ""), None),
        (func.length(customer) > 4, func.printf("***%s", func.substr(customer, -2))),
        else_="***",
    )


def stream_csv(session: Session, filters: LogFilters) -> Iterator[tuple[int, str]]:
    """The log's CSV lines (without the header), a batch at a time: how many rows, and
    their text. SQLite only."""
    tenders = _tenders()
    formats, args = _fields(filters, tenders)
    line = func.printf(",".join(formats) + "\n", *(a for field in args for a in field))
    stmt = _from((line, col(ReturnLine.id)), tenders, session, filters)
    for rows in fastread.raw_batches(session.connection(), stmt, BATCH):
        text = "".join([row[0] for row in rows])
        if _needs_quoting(text, len(rows)):
            text = "".join(
                _careful(session, filters, line_id) if _needs_quoting(line, 1) else line
                for line, line_id in rows
            )
        yield len(rows), text


def _needs_quoting(text: str, rows: int) -> bool:
    """Whether some field in these ``rows`` lines holds a comma, quote or line break."""
    return (
        '"' in text
        or "\r" in text
        or text.count("\n") != rows
        or text.count(",") != SEPARATORS * rows
    )


def _careful(session: Session, filters: LogFilters, line_id: int) -> str:
    """One row's line as the ``csv`` module writes it from the row's fields."""
    tenders = _tenders()
    formats, args = _fields(filters, tenders)
    fields = [func.printf(fmt, *field) for fmt, field in zip(formats, args, strict=True)]
    stmt = _from(tuple(fields), tenders, session, filters).where(col(ReturnLine.id) == line_id)
    return csv_lines([session.execute(stmt).one()])

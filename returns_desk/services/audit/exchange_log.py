"""The auditors' exchange log: one row per returned or exchanged line, streamed from the database.

Rows come off the driver's cursor in batches (store/fastread.py), so millions of lines never sit
in memory. Customer ids are masked unless the filters ask otherwise; PIN hashes are never
selected at all.

Columns hold the stable codes (``changed_mind``, ``gift_card``: docs/codes.md), the words a
customer typed in ``reason_text``. What belongs to the whole return rather than a line (its
tenders and its exchange difference) is on its first row in the file only, so a column total
counts each payment once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, String, and_, cast, func, literal, or_
from sqlalchemy import select as sa_select  # more columns than sqlmodel types
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from returns_desk.domain.customer_id import mask
from returns_desk.domain.decision import Outcome
from returns_desk.domain.local_day import day_span, store_zone
from returns_desk.domain.money import minor_text
from returns_desk.store import fastread
from returns_desk.store.models import (
    Exchange,
    PolicyVersion,
    Product,
    RefundTender,
    Register,
    ReturnLine,
    ReturnTxn,
    Sale,
    SaleLine,
    Store,
    User,
)

BATCH = 2000
Clerk = aliased(User, name="clerk")
Manager = aliased(User, name="manager")
NewSale = aliased(Sale, name="new_sale")


class FilterError(ValueError):
    """Filters that cannot select anything sensible; the message says which and why."""


DAYS = "each return's store's local calendar days, both ends included"


@dataclass(frozen=True)
class LogFilters:
    """What an auditor asked for.

    Dates are the stores' own calendar days, both ends included: a return made at 23:30 on
    Nov 2 in a Chicago store belongs to Nov 2, whatever UTC says. With one store selected
    that store's time zone decides; with all stores, each return's own store's zone does.
    """

    date_from: date
    date_to: date
    store: int | None = None
    register: int | None = None
    clerk: str | None = None
    outcome: str | None = None
    overrides_only: bool = False
    unmask: bool = False

    def check(self) -> None:
        """Refuse a backwards range or an outcome the engine never gives."""
        if self.date_to < self.date_from:
            raise FilterError(f"--to {self.date_to} is before --from {self.date_from}")
        outcomes = [o.value for o in Outcome]
        if self.outcome is not None and self.outcome not in outcomes:
            raise FilterError(f"outcome {self.outcome!r} is not one of {', '.join(outcomes)}")

    def as_dict(self) -> dict[str, Any]:
        """For manifests and audit details: plain JSON values."""
        data = asdict(self)
        data["date_from"], data["date_to"] = str(self.date_from), str(self.date_to)
        data["days"] = DAYS
        return data


class LogRow(NamedTuple):
    """One returned line as auditors see it."""

    returned_at: datetime
    return_ref: str
    store: int
    register: int
    clerk: str
    manager: str | None
    override_reason: str | None
    settlement: str
    receipt: str | None
    sold_at: datetime | None
    line_no: int | None
    sku: str
    description: str
    qty: int
    condition: str
    reason: str
    reason_text: str | None
    outcome: str
    rules: str
    policy: str | None
    refund: Decimal
    restocking_fee: Decimal
    tenders: str | None
    exchange_receipt: str | None
    exchange_difference: Decimal | None
    customer: str | None


COLUMNS: tuple[str, ...] = LogRow._fields
MONEY_COLUMNS = frozenset({"refund", "restocking_fee", "exchange_difference"})
_TENDERS, _CUSTOMER = COLUMNS.index("tenders"), COLUMNS.index("customer")
_RETURN, _DIFFERENCE = COLUMNS.index("return_ref"), COLUMNS.index("exchange_difference")


def _tenders(session: Session) -> Any:
    """Refund tenders per return as ``id:cents:kind`` joined by ';' (per-dialect aggregate)."""
    part = (
        cast(RefundTender.id, String)
        + literal(":")
        + cast(RefundTender.amount, String)
        + literal(":")
        + RefundTender.kind
    )
    is_postgres = session.get_bind().dialect.name == "postgresql"
    joined = func.string_agg(part, literal(";")) if is_postgres else func.group_concat(part, ";")
    return (
        select(RefundTender.return_id, joined.label("parts"))
        .group_by(col(RefundTender.return_id))
        .subquery("tenders")
    )


def _format_tenders(parts: str | None) -> str:
    """``12:1500:card;13:250:voucher`` -> ``card 15.00; voucher 2.50`` in the order paid out.
    (Not cached: the tenders' ids make every return's text new.)"""
    if not parts:
        return ""
    if ";" not in parts:  # one tender, as most returns: no sorting
        _, cents, kind = parts.split(":", 2)
        return f"{kind} {minor_text(int(cents))}"
    split = sorted((p.split(":", 2) for p in parts.split(";")), key=lambda p: int(p[0]))
    return "; ".join(f"{kind} {minor_text(int(cents))}" for _, cents, kind in split)


def _in_days(session: Session, filters: LogFilters) -> ColumnElement[bool]:
    """The date range as the stores' local days, in a form the ``created_at`` index serves.

    Each time zone among the stores asked about gives its own UTC span for the same local
    days. One plain range from the earliest start to the latest end lets the database use
    the index; stores are then held to their own zone's span (by ``store.timezone``, a small
    table already joined). With one store, or stores all in one zone, the range is exact.
    """
    query = select(Store.timezone).distinct()
    if filters.store is not None:
        query = query.where(Store.number == filters.store)
    spans: dict[tuple[datetime, datetime], list[str]] = {}
    for name in session.exec(query):
        span = day_span(filters.date_from, filters.date_to, store_zone(name))
        spans.setdefault(span, []).append(name)
    if not spans:  # no such store: nothing will match; a UTC range keeps the query simple
        spans[day_span(filters.date_from, filters.date_to, UTC)] = []
    created = col(ReturnTxn.created_at)
    wide = and_(created >= min(s for s, _ in spans), created < max(e for _, e in spans))
    if len(spans) == 1:
        return wide
    exact = [  # plain equalities, not IN: the bare-driver stream takes no expanding lists
        and_(or_(*(col(Store.timezone) == name for name in names)), created >= start, created < end)
        for (start, end), names in spans.items()
    ]
    return and_(wide, or_(*exact))


def _where(session: Session, stmt: Select[Any], filters: LogFilters) -> Select[Any]:
    """Apply the filters to a statement that already joins return_txn, store, register, clerk."""
    stmt = stmt.where(_in_days(session, filters))
    if filters.store is not None:
        stmt = stmt.where(col(Store.number) == filters.store)
    if filters.register is not None:
        stmt = stmt.where(col(Register.number) == filters.register)
    if filters.clerk:
        stmt = stmt.where(col(Clerk.username) == filters.clerk)
    if filters.outcome:
        stmt = stmt.where(col(ReturnLine.outcome) == filters.outcome)
    if filters.overrides_only:
        stmt = stmt.where(col(ReturnTxn.manager_id).is_not(None))
    return stmt


def _joined(stmt: Select[Any]) -> Select[Any]:
    """The joins every filter needs."""
    return (
        stmt.join(ReturnTxn, col(ReturnLine.return_id) == ReturnTxn.id)
        .join(Store, col(ReturnTxn.store_id) == Store.id)
        .join(Register, col(ReturnTxn.register_id) == Register.id)
        .join(Clerk, col(ReturnTxn.clerk_id) == Clerk.id)
    )


def count_rows(session: Session, filters: LogFilters) -> int:
    """How many rows the export will have (for a progress bar)."""
    stmt = _joined(select(func.count(col(ReturnLine.id))).select_from(ReturnLine))
    return int(session.execute(_where(session, stmt, filters)).scalar_one())


def _statement(session: Session, filters: LogFilters) -> Select[Any]:
    tenders = _tenders(session)
    return _from(_columns(tenders), tenders, session, filters)


def _columns(tenders: Any) -> tuple[Any, ...]:
    return (
        ReturnTxn.created_at, ReturnTxn.reference, Store.number, Register.number,
        Clerk.username, Manager.username, ReturnTxn.override_reason, ReturnTxn.settlement,
        Sale.receipt_code, Sale.sold_at, SaleLine.line_no, Product.sku,
        func.coalesce(SaleLine.description, Product.description), ReturnLine.qty,
        ReturnLine.condition, ReturnLine.reason_code, func.nullif(ReturnLine.reason_text, ""),
        ReturnLine.outcome, ReturnLine.rules,
        PolicyVersion.name + literal("@") + PolicyVersion.version, ReturnLine.refund_amount,
        ReturnLine.restocking_fee, tenders.c.parts, NewSale.receipt_code, Exchange.difference,
        func.coalesce(ReturnTxn.customer_id, ReturnTxn.id_masked),
    )  # fmt: skip


def _from(
    columns: tuple[Any, ...], tenders: Any, session: Session, filters: LogFilters
) -> Select[Any]:
    """``columns`` over the log's joins (``tenders``: the refund tenders subquery they
    read), filtered, in the log's order."""
    stmt = (
        _joined(sa_select(*columns).select_from(ReturnLine))
        .join(Product, col(ReturnLine.product_id) == Product.id)
        .outerjoin(Manager, col(ReturnTxn.manager_id) == Manager.id)
        .outerjoin(Sale, col(ReturnTxn.sale_id) == Sale.id)
        .outerjoin(SaleLine, col(ReturnLine.sale_line_id) == SaleLine.id)
        .outerjoin(PolicyVersion, col(ReturnTxn.policy_version_id) == PolicyVersion.id)
        .outerjoin(Exchange, col(Exchange.return_id) == ReturnTxn.id)
        .outerjoin(NewSale, col(Exchange.new_sale_id) == NewSale.id)
        .outerjoin(tenders, tenders.c.return_id == ReturnTxn.id)
    )
    order = (col(ReturnTxn.created_at), col(ReturnTxn.id), col(ReturnLine.id))
    return _where(session, stmt, filters).order_by(*order)


def stream_text(session: Session, filters: LogFilters) -> Iterator[tuple[int, Iterator[list[Any]]]]:
    """:func:`stream_rows` as a CSV writes it, a batch at a time (how many rows, and the
    rows): times and amounts already text (the column types' text form, the same as those
    values written out), straight from the driver. Each batch is to be written whole
    before the next is asked for."""
    stmt = _statement(session, filters)
    previous: list[Any] = [None]  # the return of the last row written
    for count, rows in fastread.stream_batches(session.connection(), stmt, BATCH, text=True):
        yield count, _as_text(rows, previous, filters.unmask)


def _as_text(rows: Iterator[list[Any]], last: list[Any], unmask: bool) -> Iterator[list[Any]]:
    tenders, masked, previous = _format_tenders, mask, last[0]
    for values in rows:
        if values[_RETURN] == previous:
            values[_TENDERS] = values[_DIFFERENCE] = None
        else:
            values[_TENDERS] = tenders(values[_TENDERS])
            previous = values[_RETURN]
        if not unmask:
            values[_CUSTOMER] = masked(values[_CUSTOMER])
        yield values
    last[0] = previous


def stream_rows(
    session: Session, filters: LogFilters, limit: int | None = None
) -> Iterator[LogRow]:
    """The rows in time order, fetched ``BATCH`` at a time; masked unless ``filters.unmask``.

    A return without a receipt has no customer id: its customer is the photo ID's masked
    form (``***89``), all the desk keeps. A return's tenders and exchange difference are on
    its first row only.
    """
    stmt = _statement(session, filters)
    if limit is not None:
        stmt = stmt.limit(limit)
    previous = None
    for values in fastread.stream(session.connection(), stmt, BATCH):
        if values[_RETURN] == previous:
            values[_TENDERS], values[_DIFFERENCE] = None, None
        else:
            values[_TENDERS] = _format_tenders(values[_TENDERS])
        previous = values[_RETURN]
        if not filters.unmask:
            values[_CUSTOMER] = mask(values[_CUSTOMER])
        yield LogRow(*values)

"""The lines a policy replay decides, read from history as the counter would see them.

Two kinds of line, each streamed in sale order (a server-side cursor on PostgreSQL, so
memory stays flat): lines returned in the last N days, each as its return's counter saw
it, and lines still returnable today. Most of a replay's reading is the database's own;
what Python adds is kept to a call or two per line (see docs/performance.md, "Replay
under 2x").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, Any

from sqlalchemy import case as case_when
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from returns_desk.domain.money import ZERO, round_money
from returns_desk.domain.policy import Policy, ReturnCase
from returns_desk.domain.policy.model import Condition
from returns_desk.domain.policy.replay import LineInfo
from returns_desk.domain.quick import builder, row_builder
from returns_desk.domain.receipt import Receipt, SoldLine, Tender, TenderKind
from returns_desk.store import fastread
from returns_desk.store.models import Product, ReturnLine, ReturnTxn, Sale, SaleLine
from returns_desk.store.models import Tender as TenderRow

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from returns_desk.services.policies.replay import ReplayRequest

BATCH = 5000
_UNOPENED = Condition.UNOPENED
# A case per line: built through the slots (the dataclasses' own __init__ costs more).
_SoldLine, _ReturnCase = builder(SoldLine), builder(ReturnCase)
_Receipt, _LineInfo, _Tender = builder(Receipt), builder(LineInfo), builder(Tender)
_KINDS = {kind.value: kind for kind in TenderKind}  # a dict lookup costs less than the call
_CONDITIONS = {condition.value: condition for condition in Condition}


@dataclass(frozen=True)
class StoreFacts:
    """A store as the replay decides its lines: its number, region, time zone and the
    policy in force there."""

    number: int
    region: str | None
    zone: Any
    policy: Policy


def cases(
    conn: Connection, request: ReplayRequest, stores: dict[int, StoreFacts], since: date | None
) -> Iterator[tuple[ReturnCase, date, LineInfo, int]]:
    """Every line to replay, as a case with the day it is decided on, where it comes from
    and its store's id: the lines returned in the last ``request.days`` days (oldest sale
    first), then those still returnable, sold since ``since`` (None: any time)."""
    yield from _returned(conn, request, stores)
    yield from _returnable(conn, request, stores, since)


# --- lines returned in the last N days --------------------------------------------------

_SALE_COLS: tuple[Any, ...] = (
    Sale.receipt_code, Sale.sold_at, Sale.loyalty_tier, Sale.gift_receipt, Sale.rewards_earned,
    Sale.rewards_spent, Sale.points_earned,
)  # fmt: skip
_LINE_COLS: tuple[Any, ...] = (
    SaleLine.line_no,
    SaleLine.sku,
    SaleLine.description,
    SaleLine.department,
    SaleLine.category,
    SaleLine.qty,
    SaleLine.unit_price,
    SaleLine.line_discount,
    SaleLine.order_discount_share,
    SaleLine.tax_rate,
    SaleLine.tax_charged,
    SaleLine.serial,
    SaleLine.serialized,
    SaleLine.final_sale,
    SaleLine.qty_returned,
    SaleLine.delivered_on,
    SaleLine.id,
    SaleLine.brand,
    SaleLine.attributes,
    SaleLine.promo_of,
    SaleLine.bundle,
    SaleLine.bundle_discount,
)  # fmt: skip  (SoldLine's fields, in order)
_PRODUCT_COLS: tuple[Any, ...] = (
    Product.sku, Product.description, Product.department, Product.category,
    Product.serialized, Product.final_sale,
)  # fmt: skip


def _since_moment(request: ReplayRequest) -> datetime:
    first = request.today - timedelta(days=request.days - 1)
    return datetime.combine(first, time(), UTC) - timedelta(days=1)  # local days: a day early


def _returned(
    conn: Connection, request: ReplayRequest, stores: dict[int, StoreFacts]
) -> Iterator[tuple[ReturnCase, date, LineInfo, int]]:
    """Returned lines (oldest sale first), each as its return's counter saw it: the units
    returned before it are worked out in the query (what the line has returned now, less
    what this return and any later one took back), so each row becomes its sold line in
    one call."""
    start = _since_moment(request)
    later = aliased(ReturnLine)  # this return's line and those of later returns
    taken_since = (
        select(func.coalesce(func.sum(later.qty), 0))
        .where(
            col(later.sale_line_id) == col(ReturnLine.sale_line_id),
            col(later.id) >= col(ReturnLine.id),
        )
        .correlate(ReturnLine)
        .scalar_subquery()
    )
    before = col(SaleLine.qty_returned) - taken_since
    columns: tuple[Any, ...] = (
        ReturnTxn.sale_id,
        ReturnTxn.store_id,
        *_SALE_COLS,
        ReturnTxn.created_at,  # 9
        ReturnTxn.settlement,
        ReturnTxn.reference,
        ReturnLine.qty,
        ReturnLine.condition,
        ReturnLine.reason_code,
        ReturnLine.serial,
        ReturnLine.refund_amount,
        ReturnLine.restocking_fee,
        *_LINE_COLS[:14],  # 18: the sold line
        case_when((before > 0, before), else_=0).label("returned_before"),
        *_LINE_COLS[15:],
        *_PRODUCT_COLS,  # 40
    )
    stmt = (
        select(*columns)
        .join(ReturnTxn, col(ReturnTxn.id) == col(ReturnLine.return_id))
        .join(Product, col(Product.id) == col(ReturnLine.product_id))
        .outerjoin(SaleLine, col(SaleLine.id) == col(ReturnLine.sale_line_id))
        .outerjoin(Sale, col(Sale.id) == col(ReturnTxn.sale_id))
        .where(col(ReturnTxn.created_at) >= start)
        .order_by(col(Sale.sold_at), col(Sale.id), col(ReturnLine.id))
    )
    tender_stmt = _tenders_for(
        col(TenderRow.sale_id).in_(
            select(col(ReturnTxn.sale_id)).where(col(ReturnTxn.created_at) >= start)
        )
    )
    store_only = _store_id(stores, request.store)
    tenders = _TenderFeed(
        fastread.stream(conn, tender_stmt, BATCH, name="replay_returned_tenders", memo=True)
    )
    procs = fastread.processors(conn.dialect, columns)
    sale_of = row_builder(_SaleRow, procs[:9], remember=True)
    sold_line = row_builder(SoldLine, procs[18:40], start=18, remember=True)
    moment = procs[9] or (lambda value: value)
    first_day = request.today - timedelta(days=request.days - 1)
    rows = fastread.raw_batches(conn, stmt, BATCH, name="replay_returned")
    for row in chain.from_iterable(rows):
        store_id = row[1]
        facts = stores[store_id]
        day = moment(row[9]).astimezone(facts.zone).date()
        if day < first_day or day > request.today or (store_only and store_id != store_only):
            continue
        sale = sale_of(row)
        sale_tenders = tenders.of(sale.sold_at, sale.sale_id)
        settlement, reference, qty, condition, reason, serial = row[10:16]
        if sale.sale_id is None:
            case, info = _receiptless(row, procs, facts, reference)
        else:
            line = sold_line(row)
            receipt = _receipt(sale, facts.number, line, sale_tenders)
            case = _ReturnCase(
                receipt, line, qty, _condition(condition), reason, True, serial, None,
                facts.region, None, 0, False, tuple(t[1] for t in sale_tenders),
            )  # fmt: skip
            info = _LineInfo(
                receipt.code, line.line_no, facts.number, line.department, "returned", settlement
            )
        yield case, day, info, store_id


def _condition(value: str) -> Condition:
    return _CONDITIONS.get(value) or Condition(value)


def _receiptless(
    row: list[Any], procs: list[fastread.Processor], facts: StoreFacts, reference: str
) -> tuple[ReturnCase, LineInfo]:
    """A return without a receipt: the item from the catalogue at the price credited."""
    values = [proc(value) if proc else value for proc, value in zip(procs, row, strict=True)]
    qty, condition, reason, serial, refund, fee = values[12:18]
    sku, description, department, category, serialized, final_sale = values[40:46]
    price = round_money((refund + fee) / qty) if qty else ZERO
    line = SoldLine(
        0, sku, description, department, category or "", qty, price,
        serialized=serialized, final_sale=final_sale,
    )  # fmt: skip
    case = ReturnCase(
        None, line, qty, Condition(condition), reason, False, serial, None, facts.region,
        price, 0, True,
    )  # fmt: skip
    return case, LineInfo(reference, 0, facts.number, department, "returned", None)


# --- lines still returnable today -------------------------------------------------------


def _returnable(
    conn: Connection, request: ReplayRequest, stores: dict[int, StoreFacts], since: date | None
) -> Iterator[tuple[ReturnCase, date, LineInfo, int]]:
    """Lines with units left, sold since ``since`` (a day early: stores' local days).

    The lines' rows carry only the line (and its sale's id): each sale's own values and
    tenders come once per sale from a second stream in the same order, and each row
    becomes a sold line in one call, its values converted on the way (a million lines: the
    sale's seven values on every line and a list per row cost as much as a policy rule)."""
    where = [col(SaleLine.qty_returned) < col(SaleLine.qty)]
    sale_where = []
    if since is not None:
        moment = datetime.combine(since, time(), UTC) - timedelta(days=1)
        where.append(col(Sale.sold_at) >= moment)
        sale_where.append(col(Sale.sold_at) >= moment)
    store_only = _store_id(stores, request.store)
    if store_only is not None:
        where.append(col(Sale.store_id) == store_only)
        sale_where.append(col(Sale.store_id) == store_only)
    stmt = (
        select(col(Sale.id), *_LINE_COLS)
        .join(Sale, col(Sale.id) == col(SaleLine.sale_id))
        .where(*where)
        .order_by(col(Sale.sold_at), col(Sale.id), col(SaleLine.line_no))
    )
    sales = _SaleFeed(conn, sale_where)
    sold_line = row_builder(
        SoldLine, fastread.processors(conn.dialect, _LINE_COLS), start=1, remember=True
    )
    today = request.today
    starts = {  # each store's midnight starting ``since``: compared, not converted, per sale
        sid: datetime.combine(since, time(), facts.zone).astimezone(UTC)
        for sid, facts in stores.items()
        if since is not None
    }
    sale: _SaleRow | None = None
    wanted = False
    facts: StoreFacts  # set with the first sale
    receipt: Receipt | None = None
    refunded: tuple[Decimal, ...] = ()
    tenders: list[tuple[Tender, Decimal]] = []
    for row in chain.from_iterable(fastread.raw_batches(conn, stmt, BATCH, name="replay_open")):
        if sale is None or row[0] != sale.sale_id:
            sale, tenders = sales.of(row[0])
            facts, receipt = stores[sale.store_id], None
            wanted = not starts or sale.sold_at >= starts[sale.store_id]
        if not wanted:
            continue
        line = sold_line(row)
        if receipt is None:
            receipt = _receipt(sale, facts.number, line, tenders)
            refunded = tuple(t[1] for t in tenders)
        case = _ReturnCase(
            receipt, line, line.qty - line.qty_returned, _UNOPENED, "", True, line.serial,
            None, facts.region, None, 0, False, refunded,
        )  # fmt: skip
        info = _LineInfo(receipt.code, line.line_no, facts.number, line.department, "returnable")
        yield case, today, info, sale.store_id


@dataclass(frozen=True, slots=True)
class _SaleRow:
    """A sale's own values, as its receipt needs them (``_SALE_COLS``, after its ids)."""

    sale_id: int
    store_id: int
    code: str
    sold_at: datetime
    tier: str | None
    gift: bool | None
    rewards_earned: Decimal | None
    rewards_spent: Decimal | None
    points: int | None


_Sale = builder(_SaleRow)
# Tender's fields in order, then what is already refunded of it.
_TENDER_FIELDS: tuple[Any, ...] = (
    TenderRow.kind, TenderRow.amount, TenderRow.card_last4, TenderRow.reference,
    TenderRow.card_brand, TenderRow.refunded,
)  # fmt: skip
_FEED_COLS = (Sale.id, Sale.store_id, *_SALE_COLS, *_TENDER_FIELDS)


class _SaleFeed:
    """Sales with their tenders (one row per tender, or one with no tender), in the order
    the lines come (the sale's time, id, then the tender's), handed out as the lines reach
    them; sales with no line to replay are passed over."""

    def __init__(self, conn: Connection, where: list[Any]) -> None:
        stmt = (
            select(*_FEED_COLS)
            .outerjoin(TenderRow, col(TenderRow.sale_id) == col(Sale.id))
            .where(*where)
            .order_by(col(Sale.sold_at), col(Sale.id), col(TenderRow.seq))
        )
        procs = fastread.processors(conn.dialect, _FEED_COLS)
        kind = _tender_kind(procs[9])
        self._sale = row_builder(_SaleRow, procs[:9], remember=True)
        self._tender = row_builder(Tender, [kind, *procs[10:14]], start=9, remember=True)
        self._refunded = procs[14] or (lambda value: value)
        self._rows = chain.from_iterable(
            fastread.raw_batches(conn, stmt, BATCH, name="replay_open_sales")
        )
        self._next: Any = next(self._rows, None)

    def of(self, sale_id: int) -> tuple[_SaleRow, list[tuple[Tender, Decimal]]]:
        """The sale and its (tender, already refunded)."""
        row, rows = self._next, self._rows
        while row is not None and row[0] != sale_id:
            row = next(rows, None)
        if row is None:
            raise LookupError(f"sale {sale_id} is not among the replay's sales")
        sale, tenders = self._sale(row), []
        while row is not None and row[0] == sale_id:
            if row[9] is not None:  # a tender's kind is never NULL: NULL is no tender
                tenders.append((self._tender(row), self._refunded(row[14]) or ZERO))
            row = next(rows, None)
        self._next = row
        return sale, tenders


def _tender_kind(driver: fastread.Processor) -> Callable[[Any], TenderKind]:
    """A tender's kind from the driver's value (a dict lookup costs less than the call)."""

    def kind(value: Any) -> TenderKind:
        if driver is not None:
            value = driver(value)
        return _KINDS.get(value) or TenderKind(value)

    return kind


# --- shared -----------------------------------------------------------------------------


def _store_id(stores: dict[int, StoreFacts], number: int | None) -> int | None:
    if number is None:
        return None
    return next(sid for sid, facts in stores.items() if facts.number == number)


def _tenders_for(where: Any) -> Any:
    """Tenders of the sales ``where`` picks, in the order the lines come: by the sale's time
    and id (the sale's own index serves it, no sort of a million rows)."""
    columns: tuple[Any, ...] = (
        Sale.sold_at,
        TenderRow.sale_id,
        *_TENDER_FIELDS,
    )
    return (
        select(*columns)
        .join(Sale, col(Sale.id) == col(TenderRow.sale_id))
        .where(where)
        .order_by(col(Sale.sold_at), col(Sale.id), col(TenderRow.seq))
    )


def _receipt(
    sale: _SaleRow, store_no: int, line: SoldLine, tenders: list[tuple[Tender, Decimal]]
) -> Receipt:
    return _Receipt(
        sale.code, store_no, 0, sale.sold_at, (line,), tuple(t[0] for t in tenders), None,
        sale.tier, bool(sale.gift), ZERO, sale.sale_id,
        rewards_earned=sale.rewards_earned or ZERO, rewards_spent=sale.rewards_spent or ZERO,
        points_earned=sale.points or 0,
    )  # fmt: skip


class _TenderFeed:
    """Tenders streamed in sale order (time, then id), handed out sale by sale as the
    lines, in the same order, reach them."""

    def __init__(self, rows: Iterator[list[Any]]) -> None:
        self._rows = rows
        self._next: list[Any] | None = next(rows, None)
        self._last: tuple[int | None, list[tuple[Tender, Decimal]]] = (None, [])

    def of(self, sold_at: datetime | None, sale_id: int | None) -> list[tuple[Tender, Decimal]]:
        """(tender, already refunded) for the sale; skips sales with no lines to replay."""
        found: list[tuple[Tender, Decimal]] = []
        if sale_id is None or sold_at is None:
            return found
        if self._last[0] == sale_id:  # another line (or return) of the same sale
            return self._last[1]
        row, key = self._next, (sold_at, sale_id)
        while row is not None and (row[0], row[1]) <= key:
            if row[1] == sale_id:
                found.append(_tender(row, 2))
            row = next(self._rows, None)
        self._next = row
        self._last = (sale_id, found)
        return found


def _tender(row: list[Any], at: int) -> tuple[Tender, Decimal]:
    """(tender, already refunded) from ``_TENDER_FIELDS`` starting at ``row[at]``."""
    kind = _KINDS.get(row[at]) or TenderKind(row[at])
    return _Tender(kind, *row[at + 1 : at + 5]), row[at + 5] or ZERO

"""Replay a draft policy on real history before it goes live.

Every line returned in the last N days, and every line still returnable today (inside
the longest window of either policy), is decided again under the policy in force at its
store and under the draft. Rows stream from the database (a server-side cursor on
PostgreSQL) with their receipts' tenders merged in by sale, so memory stays flat and the
decisions run in one pass; only counts, money and a few examples are kept. Changed
lines can be handed to a sink (``on_change``), e.g. a CSV writer.

Each line is decided as at the counter on its own: a returned line on the store's day it
came back, with the units returned before it; a returnable line today, all its remaining
units, unopened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlmodel import col

from returns_desk.domain.local_day import store_zone
from returns_desk.domain.money import ZERO, round_money
from returns_desk.domain.policy import Policy, ReturnCase
from returns_desk.domain.policy.model import Condition
from returns_desk.domain.policy.replay import (
    ChangedLine,
    LineInfo,
    ReplayTally,
    holiday_start,
    window_horizon,
)
from returns_desk.domain.quick import builder, row_builder
from returns_desk.domain.receipt import Receipt, SoldLine, Tender, TenderKind
from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.policies.active import active_policy, current_policy
from returns_desk.services.policies.lifecycle import stored_policy
from returns_desk.services.staff.security import require
from returns_desk.store import fastread
from returns_desk.store.db import read_only, snapshot, unit_of_work
from returns_desk.store.models import (
    PolicyVersion,
    Product,
    ReturnLine,
    ReturnTxn,
    Sale,
    SaleLine,
    Store,
)
from returns_desk.store.models import Tender as TenderRow

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from returns_desk.services.staff.security import Actor

BATCH = 5000
_UNOPENED = Condition.UNOPENED
# A case per line: built through the slots (the dataclasses' own __init__ costs more).
_SoldLine, _ReturnCase = builder(SoldLine), builder(ReturnCase)
_Receipt, _LineInfo, _Tender = builder(Receipt), builder(LineInfo), builder(Tender)
_KINDS = {kind.value: kind for kind in TenderKind}  # a dict lookup costs less than the call


@dataclass(frozen=True)
class ReplayRequest:
    """Replay version ``draft_id`` over the last ``days`` days up to ``today``.

    ``returnable_days`` overrides how far back still-returnable lines are looked for
    (default: the longest window of either policy). ``store``: one store number only.
    """

    draft_id: int
    days: int = 90
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    store: int | None = None
    returnable_days: int | None = None


@dataclass
class ReplayReport:
    """The replay's result: the tally and what it was run against."""

    draft: str
    in_force: dict[int, str]  # store number -> the version in force there
    request: ReplayRequest
    tally: ReplayTally
    returnable_since: date | None


@dataclass(frozen=True)
class _StoreFacts:
    number: int
    region: str | None
    zone: Any
    policy: Policy


def replay(
    engine: Engine,
    actor: Actor,
    request: ReplayRequest,
    on_change: Callable[[ChangedLine], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReplayReport:
    """Re-decide history under the draft and under the policy in force (managers only)."""
    require(actor, Role.MANAGER)
    if request.days < 1:
        raise ValueError("--days must be at least 1")
    draft = stored_policy(engine, request.draft_id)
    active_policy(engine)  # first use: the shipped default is in force everywhere
    stores, labels, draft_label = _stores(engine, request.draft_id)
    if request.store is not None and not any(s.number == request.store for s in stores.values()):
        raise ValueError(f"there is no store {request.store}")
    since = _returnable_since(request, draft, [s.policy for s in stores.values()])
    tally = ReplayTally()
    seen = 0
    with snapshot(engine) as session, fastread.mapped(conn := session.connection()):
        for case, day, info, store_id in _cases(conn, request, stores, since):
            changed = tally.add(case, day, stores[store_id].policy, draft, info)
            if changed is not None and on_change is not None:
                on_change(changed)
            seen += 1
            if progress is not None and seen % BATCH == 0:
                progress(seen)
    if progress is not None:
        progress(seen)
    _audit(engine, actor, request, draft_label, tally)
    return ReplayReport(draft_label, labels, request, tally, since)


def _stores(engine: Engine, draft_id: int) -> tuple[dict[int, _StoreFacts], dict[int, str], str]:
    """Each store with the policy in force there now; the labels of versions."""
    with read_only(engine) as session:
        rows = session.execute(select(PolicyVersion)).scalars()
        versions = {v.id: f"{v.name} {v.version}" for v in rows}
        facts, labels = {}, {}
        for store in session.execute(select(Store)).scalars():
            assert store.id is not None
            active = current_policy(session, store.id)
            assert active is not None
            zone = store_zone(store.timezone)
            facts[store.id] = _StoreFacts(store.number, store.region or None, zone, active.policy)
            labels[store.number] = versions.get(active.version_id, "?")
    return facts, labels, versions.get(draft_id, f"#{draft_id}")


def _returnable_since(request: ReplayRequest, draft: Policy, others: list[Policy]) -> date | None:
    """The first sale day whose lines may still be inside a window today (None: any)."""
    if request.returnable_days is not None:
        return request.today - timedelta(days=request.returnable_days)
    reach = [window_horizon(p) for p in (draft, *others)]
    if any(r is None for r in reach):
        return None
    since = request.today - timedelta(days=max(r for r in reach if r is not None))
    holidays = [d for p in (draft, *others) if (d := holiday_start(p, request.today))]
    return min([since, *holidays])


def _cases(
    conn: Connection, request: ReplayRequest, stores: dict[int, _StoreFacts], since: date | None
) -> Iterator[tuple[ReturnCase, date, LineInfo, int]]:
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
_R_SALE, _R_LINE, _R_PRODUCT = slice(11, 18), slice(18, 40), slice(40, 46)  # returned rows
_O_SALE, _O_LINE = slice(2, 9), slice(9, 31)  # still-returnable rows
_PRODUCT_COLS: tuple[Any, ...] = (
    Product.sku, Product.description, Product.department, Product.category,
    Product.serialized, Product.final_sale,
)  # fmt: skip


def _since_moment(request: ReplayRequest) -> datetime:
    first = request.today - timedelta(days=request.days - 1)
    return datetime.combine(first, time(), UTC) - timedelta(days=1)  # local days: a day early


def _returned(
    conn: Connection, request: ReplayRequest, stores: dict[int, _StoreFacts]
) -> Iterator[tuple[ReturnCase, date, LineInfo, int]]:
    """Returned lines (oldest sale first), each as its return's counter saw it."""
    start = _since_moment(request)
    columns: tuple[Any, ...] = (
        ReturnTxn.sale_id,
        ReturnTxn.store_id,
        ReturnTxn.created_at,
        ReturnTxn.settlement,
        ReturnTxn.reference,
        ReturnLine.qty,
        ReturnLine.condition,
        ReturnLine.reason_code,
        ReturnLine.serial,
        ReturnLine.refund_amount,
        ReturnLine.restocking_fee,
        *_SALE_COLS,
        *_LINE_COLS,
        *_PRODUCT_COLS,
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
    first_day = request.today - timedelta(days=request.days - 1)
    for row in fastread.stream(conn, stmt, BATCH, name="replay_returned", memo=True):
        sale_id, store_id, at, settlement, reference, qty, condition, reason, serial = row[:9]
        facts = stores[store_id]
        day = at.astimezone(facts.zone).date()
        if day < first_day or day > request.today or (store_only and store_id != store_only):
            continue
        sale_tenders = tenders.of(row[12], sale_id)  # row[12]: the sale's time
        if sale_id is None:
            case, info = _receiptless(row, facts, reference)
        else:
            line = _SoldLine(*row[_R_LINE])
            before = max(line.qty_returned - qty, 0)
            line = _with_returned(line, before)
            sale = _Sale(sale_id, store_id, *row[_R_SALE])
            receipt = _receipt(sale, facts.number, line, sale_tenders)
            case = _ReturnCase(
                receipt, line, qty, Condition(condition), reason, True, serial, None,
                facts.region, None, 0, False, tuple(t[1] for t in sale_tenders),
            )  # fmt: skip
            info = _LineInfo(
                receipt.code, line.line_no, facts.number, line.department, "returned", settlement
            )
        yield case, day, info, store_id


def _with_returned(line: SoldLine, before: int) -> SoldLine:
    return line if line.qty_returned == before else replace(line, qty_returned=before)


def _receiptless(row: list[Any], facts: _StoreFacts, reference: str) -> tuple[ReturnCase, LineInfo]:
    """A return without a receipt: the item from the catalogue at the price credited."""
    qty, condition, reason, serial, refund, fee = row[5], row[6], row[7], row[8], row[9], row[10]
    sku, description, department, category, serialized, final_sale = row[_R_PRODUCT]
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
    conn: Connection, request: ReplayRequest, stores: dict[int, _StoreFacts], since: date | None
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
    facts = next(iter(stores.values()))
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
    if driver is not None:
        return lambda value: _KINDS.get(driver(value)) or TenderKind(driver(value))
    return lambda value: _KINDS.get(value) or TenderKind(value)


# --- shared -----------------------------------------------------------------------------


def _store_id(stores: dict[int, _StoreFacts], number: int | None) -> int | None:
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


def _audit(
    engine: Engine, actor: Actor, request: ReplayRequest, draft: str, tally: ReplayTally
) -> None:
    with unit_of_work(engine) as session:
        audit.append(
            session, actor=actor.username, action="policy.replay", entity="policy_version",
            entity_id=request.draft_id, register=actor.register,
            details={
                "draft": draft, "days": request.days, "today": request.today,
                "store": request.store, "lines": sum(tally.lines.values()),
                "changed": tally.changed,
            },
        )  # fmt: skip

"""Items that come back with their receipt: lines of a sale, picked by line number.

Completing claims the units first, with one guarded UPDATE per line, which locks the line
(PostgreSQL) or runs under the database write lock (SQLite); then the receipt is re-read and
re-decided as it stood before this return, so two registers can never return the same unit
twice and every refund is computed from what is really left.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, update
from sqlmodel import Session, SQLModel, col, select

from returns_desk.domain.codes import parse_receipt_code
from returns_desk.domain.draft import AlreadyReturned, FromReceipt, ReturnError, ReturnItem
from returns_desk.domain.local_day import day_span, store_zone
from returns_desk.domain.money import ZERO
from returns_desk.domain.policy import ReturnCase, decide_return
from returns_desk.domain.quote import LineQuote, Quote
from returns_desk.domain.tenders import voucher_notes
from returns_desk.services.policies.active import ActivePolicy, active_policy, current_policy
from returns_desk.services.returns.catalog import shelf_price
from returns_desk.services.returns.receipts import find_receipt
from returns_desk.services.returns.sources import Origin, Taken
from returns_desk.services.returns.tenders import lock_tenders
from returns_desk.store.db import read_only
from returns_desk.store.models import (
    Product,
    RefundTender,
    ReturnTxn,
    Sale,
    SaleLine,
    Store,
    Tender,
)
from returns_desk.store.receipts import read_receipt_in

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.domain.draft import CompletionRequest
    from returns_desk.domain.policy import Policy
    from returns_desk.domain.receipt import Receipt


class ReceiptSource:
    """The handler for :class:`FromReceipt` (see ``sources.SourceHandler``)."""

    def quote(
        self, engine: Engine, source: FromReceipt, items: Sequence[ReturnItem], today: date
    ) -> Quote:
        receipt = find_receipt(engine, source.receipt.code)  # as it stands now
        return quote_receipt(engine, receipt, items, today, source.id_checked)

    def admit(self, policy: Policy, source: FromReceipt) -> None:
        parse_receipt_code(source.receipt.code)

    def subject(self, source: FromReceipt, items: Sequence[ReturnItem]) -> tuple[str, list[int]]:
        return source.receipt.code, [item.line_no for item in items]

    def take(
        self,
        session: Session,
        policy: Policy,
        source: FromReceipt,
        request: CompletionRequest,
        today: date,
    ) -> Taken:
        code = parse_receipt_code(source.receipt.code)
        sale = session.exec(_SALE_BY_CODE, params={"code": code.digits}).first()
        if sale is None or sale.id is None:
            raise ReturnError(f"receipt {code.pretty()} is not in the sales journal")
        claimed = claim_units(session, sale.id, request.items)
        tender_rows = lock_tenders(session, sale.id)
        read = read_receipt_in(session, code.digits)
        assert read is not None  # its sale row is right here
        receipt = with_returned(read, claimed.before)
        store = session.get(Store, sale.store_id)
        cash_today = cash_refunded_today(session, sale.id, store, today)  # after the locks
        refunded = [row.refunded or ZERO for row in tender_rows]
        region = (store.region or None) if store else None
        prices = current_prices(session, policy, receipt, today)
        facts = ReceiptFacts(refunded, region, cash_today, prices)
        quotes = decide_items(policy, receipt, request.items, facts, today, source.id_checked)
        return Taken(
            quotes=quotes,
            products=[claimed.products[q.line.line_no] for q in quotes],
            store_id=sale.store_id,
            origin=Origin(sale_id=sale.id, customer_id=sale.customer_id),
            details={
                "receipt": code.digits,
                "lines": [{"line": q.line.line_no, "qty": q.item.qty} for q in quotes],
            },
            sale=sale,
            receipt=receipt,
            tender_rows=tender_rows,
            cash_paid_today=cash_today,
            cash_limit=policy.refund.cash_limit,
        )


HANDLER = ReceiptSource()


def quote_receipt(
    engine: Engine,
    receipt: Receipt,
    items: Sequence[ReturnItem],
    today: date,
    id_checked: bool = False,
) -> Quote:
    """The policy's decisions for ``items`` of ``receipt`` today, changing nothing."""
    active, facts = receipt_facts(engine, receipt, today)
    lines = decide_items(active.policy, receipt, items, facts, today, id_checked)
    limit = active.policy.refund.cash_limit
    notes = voucher_notes(receipt, lines, limit, facts.cash_today)
    return Quote(tuple(lines), active.version_id, notes)


@dataclass(frozen=True)
class ReceiptFacts:
    """What a receipt's decisions read besides the receipt and the policy: what each tender
    already got back, the selling store's region, the cash paid back on it today, and
    (for a policy with clearance rules) today's shelf price by SKU."""

    refunded: list[Decimal]
    region: str | None
    cash_today: Decimal
    prices: dict[str, Decimal] = field(default_factory=dict)


def receipt_facts(
    engine: Engine, receipt: Receipt, today: date
) -> tuple[ActivePolicy, ReceiptFacts]:
    """The policy in force and the facts, read together, as the clerk waits on them after
    every scan."""
    with read_only(engine) as session:
        store = session.exec(select(Store).where(Store.number == receipt.store_no)).first()
        active = current_policy(session, store.id if store else None)  # the store's, in force
        rows = session.exec(
            select(Tender).where(Tender.sale_id == receipt.sale_id).order_by(col(Tender.seq))
        ).all()
        cash_today = cash_refunded_today(session, receipt.sale_id, store, today)
        prices = current_prices(session, active.policy, receipt, today) if active else {}
    if active is None:  # a new database: the default policy goes in force everywhere
        active = active_policy(engine, store.id if store else None)
        with read_only(engine) as session:
            prices = current_prices(session, active.policy, receipt, today)
    region = (store.region or None) if store else None
    refunded = [row.refunded or ZERO for row in rows]
    return active, ReceiptFacts(refunded, region, cash_today, prices)


def current_prices(
    session: Session, policy: Policy, receipt: Receipt, today: date
) -> dict[str, Decimal]:
    """Today's shelf price of each SKU on the receipt, by SKU: only for a policy with
    clearance rules (the only ones that read it), so other counters skip the queries."""
    if not policy.clearance:
        return {}
    skus = {line.sku for line in receipt.lines}
    prices = {}
    for product in session.exec(select(Product).where(col(Product.sku).in_(skus))):
        with suppress(ReturnError):  # no price yet: the line is refunded as paid
            prices[product.sku] = shelf_price(session, product, today)
    return prices


def decide_items(
    policy: Policy,
    receipt: Receipt,
    items: Sequence[ReturnItem],
    facts: ReceiptFacts,
    today: date,
    id_checked: bool = False,
) -> list[LineQuote]:
    """Decide the items as one return: each line's refund narrows what the tenders can still
    take for the next, and the cash limit holds for all of them together, counting what
    earlier returns on this receipt paid out in cash today. ``id_checked``: the customer's
    photo ID was checked (for a policy's `[[id_check]]` rules)."""
    seen: set[int] = set()
    cases, lines = [], []
    for item in items:
        if item.line_no in seen:
            raise ReturnError(f"line {item.line_no} is selected twice")
        seen.add(item.line_no)
        try:
            line = receipt.line(item.line_no)
        except KeyError as exc:
            raise ReturnError(str(exc.args[0])) from None
        lines.append(line)
        cases.append(
            ReturnCase(
                receipt=receipt,
                line=line,
                qty=item.qty,
                condition=item.condition,
                reason=item.reason_code,
                serial_scanned=item.serial,
                region=facts.region,
                current_price=facts.prices.get(line.sku),
                id_checked=id_checked,
            )
        )
    decisions = decide_return(policy, cases, today, facts.refunded, facts.cash_today)
    return [LineQuote(*parts) for parts in zip(items, lines, decisions, strict=True)]


def cash_refunded_today(
    session: Session, sale_id: int | None, store: Store | None, today: date
) -> Decimal:
    """Cash already paid back on this sale during the store's local day ``today``.

    The policy's cash limit is per return, and returns against the same receipt on the same
    day count together, so splitting one return into several does not raise the limit.
    """
    if sale_id is None:
        return ZERO
    start, end = day_span(today, today, store_zone(store.timezone if store else None))
    params = {"sale_id": sale_id, "start": start, "end": end}
    amounts = session.connection().execute(_CASH_TODAY, params).scalars()
    return sum(amounts, ZERO)


# Built once (every completion runs them; building costs more than running).
_SALE_BY_CODE = select(Sale).where(Sale.receipt_code == bindparam("code"))
_CASH_TODAY = (
    select(col(RefundTender.amount))
    .join(ReturnTxn, col(RefundTender.return_id) == ReturnTxn.id)
    .where(
        ReturnTxn.sale_id == bindparam("sale_id"),
        RefundTender.kind == "cash",
        col(ReturnTxn.created_at) >= bindparam("start"),
        col(ReturnTxn.created_at) < bindparam("end"),
    )
)
_SALE_LINES = SQLModel.metadata.tables["sale_line"]
_LINES = _SALE_LINES.c
_CLAIM = (
    update(_SALE_LINES)
    .where(
        _LINES.sale_id == bindparam("b_sale_id"),
        _LINES.line_no == bindparam("b_line_no"),
        _LINES.qty_returned + _LINES.qty_reserved + bindparam("b_qty") <= _LINES.qty,
    )
    .values(qty_returned=_LINES.qty_returned + bindparam("b_qty"))
    .returning(_LINES.qty_returned, _LINES.product_id)
)


def with_returned(receipt: Receipt, returned_before: dict[int, int]) -> Receipt:
    """The receipt with each line's ``qty_returned`` as given (by line number)."""
    lines = tuple(
        replace(line, qty_returned=returned_before.get(line.line_no, line.qty_returned))
        for line in receipt.lines
    )
    return replace(receipt, lines=lines)


@dataclass(frozen=True)
class Claimed:
    """Units claimed for a return: by line number, what was returned before it, and the
    line's product."""

    before: dict[int, int]
    products: dict[int, int]


def claim_units(session: Session, sale_id: int, items: Sequence[ReturnItem]) -> Claimed:
    """Add each item's quantity to its line's ``qty_returned`` only if it still fits beside
    what was returned and what is held for pre-registered returns.

    One guarded ``UPDATE ... RETURNING`` per line: it claims, locks and reads back at once.
    """
    before, products = {}, {}
    for item in items:
        params = {"b_sale_id": sale_id, "b_line_no": item.line_no, "b_qty": item.qty}
        claimed = session.connection().execute(_CLAIM, params).first()
        if claimed is None:
            raise _unclaimable(session, sale_id, item)
        before[item.line_no] = claimed[0] - item.qty
        products[item.line_no] = claimed[1]
    return Claimed(before, products)


def _unclaimable(session: Session, sale_id: int, item: ReturnItem) -> ReturnError:
    """Why the units could not be claimed: no such line, or too few left on it."""
    row = session.exec(
        select(SaleLine.qty, SaleLine.qty_returned, SaleLine.qty_reserved).where(
            SaleLine.sale_id == sale_id, SaleLine.line_no == item.line_no
        )
    ).first()
    if row is None:
        return ReturnError(f"this receipt has no line {item.line_no}")
    left = row[0] - row[1] - row[2]
    if row[2] and left + row[2] >= item.qty:
        return AlreadyReturned(
            f"line {item.line_no}: {row[2]} of {row[0]} are held for a pre-registered return; "
            f"only {left} can be returned without its code, not {item.qty}"
        )
    return AlreadyReturned(
        f"line {item.line_no}: only {left} of {row[0]} can still be returned, "
        f"not {item.qty}; it was already returned, maybe at another register"
    )

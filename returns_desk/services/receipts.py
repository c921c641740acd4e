"""Find a receipt by its code and hand it to the counter as a domain :class:`Receipt`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from returns_desk.domain.codes import parse_receipt_code
from returns_desk.domain.receipt import Receipt, SoldLine, Tender, TenderKind
from returns_desk.store.models import Register, Sale, SaleLine, Store
from returns_desk.store.models import Tender as TenderRow


class ReceiptNotFound(LookupError):
    """A well-formed code that is not in this store's journal."""


def find_receipt(engine: Engine, text: str) -> Receipt:
    """Validate the code's check digit, then look it up; errors say which and why.

    This is the counter's hottest path, so it runs three indexed Core queries on one
    connection (no ORM identity map) in a deferred read transaction.
    """
    code = parse_receipt_code(text)
    with engine.execution_options(sqlite_deferred=True).connect() as conn:
        head = conn.execute(_SALE_BY_CODE, {"code": code.digits}).first()
        if head is None:
            raise ReceiptNotFound(
                f"receipt {code.pretty()} is not in the sales journal: check the store "
                f"({code.store_no}) and date, or look it up without a receipt"
            )
        lines = conn.execute(_LINES_OF_SALE, {"sale_id": head.id}).all()
        tenders = conn.execute(_TENDERS_OF_SALE, {"sale_id": head.id}).all()
    return Receipt(
        code=head.receipt_code,
        store_no=head.store_no,
        register_no=head.register_no,
        sold_at=head.sold_at,
        lines=tuple(_sold_line(row) for row in lines),
        tenders=tuple(_tender(row) for row in tenders),
        customer_id=head.customer_id,
        loyalty_tier=head.loyalty_tier,
        gift_receipt=head.gift_receipt,
        order_discount=head.order_discount,
        sale_id=head.id,
    )


def _tender(row: Any) -> Tender:
    return Tender(TenderKind(row.kind), row.amount, row.card_last4, row.reference)


_T = SQLModel.metadata.tables
_SALE_BY_CODE = (
    sa_select(
        _T["sale"],
        _T["store"].c.number.label("store_no"),
        _T["register"].c.number.label("register_no"),
    )
    .join(_T["store"], _T["store"].c.id == _T["sale"].c.store_id)
    .join(_T["register"], _T["register"].c.id == _T["sale"].c.register_id)
    .where(_T["sale"].c.receipt_code == bindparam("code"))
)
_LINES_OF_SALE = (
    sa_select(_T["sale_line"])
    .where(_T["sale_line"].c.sale_id == bindparam("sale_id"))
    .order_by(_T["sale_line"].c.line_no)
)
_TENDERS_OF_SALE = (
    sa_select(_T["tender"])
    .where(_T["tender"].c.sale_id == bindparam("sale_id"))
    .order_by(_T["tender"].c.seq)
)


def load_receipt(session: Session, sale: Sale) -> Receipt:
    """Build the domain receipt (lines with what is already returned, tenders) for a sale."""
    store = session.get(Store, sale.store_id)
    register = session.get(Register, sale.register_id)
    lines = session.exec(
        select(SaleLine).where(SaleLine.sale_id == sale.id).order_by(col(SaleLine.line_no))
    ).all()
    tenders = session.exec(
        select(TenderRow).where(TenderRow.sale_id == sale.id).order_by(col(TenderRow.seq))
    ).all()
    return Receipt(
        code=sale.receipt_code,
        store_no=store.number if store else 0,
        register_no=register.number if register else 0,
        sold_at=sale.sold_at,
        lines=tuple(_sold_line(line) for line in lines),
        tenders=tuple(_tender(t) for t in tenders),
        customer_id=sale.customer_id,
        loyalty_tier=sale.loyalty_tier,
        gift_receipt=sale.gift_receipt,
        order_discount=sale.order_discount,
        sale_id=sale.id,
    )


def _sold_line(row: Any) -> SoldLine:
    """A sold line from a table row or an ORM object (same attribute names)."""
    return SoldLine(
        line_no=row.line_no,
        sku=row.sku,
        description=row.description,
        department=row.department,
        category=row.category,
        qty=row.qty,
        unit_price=row.unit_price,
        line_discount=row.line_discount,
        order_discount_share=row.order_discount_share,
        tax_rate=row.tax_rate,
        tax_charged=row.tax_charged,
        serial=row.serial,
        serialized=row.serialized,
        final_sale=row.final_sale,
        qty_returned=row.qty_returned,
        delivered_on=row.delivered_on,
        line_id=row.id,
    )

"""Find a receipt by its code and hand it to the counter as a domain :class:`Receipt`."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from returns_desk.domain.codes import parse_receipt_code
from returns_desk.domain.receipt import Receipt, SoldLine, Tender, TenderKind
from returns_desk.store.db import read_only
from returns_desk.store.models import Register, Sale, SaleLine, Store
from returns_desk.store.models import Tender as TenderRow


class ReceiptNotFound(LookupError):
    """A well-formed code that is not in this store's journal."""


def find_receipt(engine: Engine, text: str) -> Receipt:
    """Validate the code's check digit, then look it up; errors say which and why."""
    code = parse_receipt_code(text)
    with read_only(engine) as session:
        sale = session.exec(select(Sale).where(Sale.receipt_code == code.digits)).first()
        if sale is None:
            raise ReceiptNotFound(
                f"receipt {code.pretty()} is not in the sales journal: check the store "
                f"({code.store_no}) and date, or look it up without a receipt"
            )
        return load_receipt(session, sale)


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
        tenders=tuple(
            Tender(TenderKind(t.kind), t.amount, t.card_last4, t.reference) for t in tenders
        ),
        customer_id=sale.customer_id,
        loyalty_tier=sale.loyalty_tier,
        gift_receipt=sale.gift_receipt,
        order_discount=sale.order_discount,
        sale_id=sale.id,
    )


def _sold_line(row: SaleLine) -> SoldLine:
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

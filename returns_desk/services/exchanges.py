"""Exchanges: the replacement items priced today, and the new sale that takes them.

One exchange is one return and one new sale, linked by an ``exchange`` row and settled
once: the return's credit pays for the new sale; the customer pays or gets back the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from returns_desk.domain.codes import make_receipt_code
from returns_desk.domain.money import ZERO, round_money
from returns_desk.services.returns_request import ExchangeItem, ReturnError
from returns_desk.store.db import read_only
from returns_desk.store.models import (
    Product,
    ProductPrice,
    Register,
    Sale,
    SaleLine,
    Store,
    Tender,
)
from returns_desk.store.tables._base import utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

COLLECT_KINDS = ("card", "cash", "voucher")  # how a customer pays what an exchange owes


@dataclass(frozen=True)
class PricedItem:
    """A replacement item at today's shelf price, with tax."""

    product_id: int
    sku: str
    description: str
    department: str
    category: str
    qty: int
    unit_price: Decimal
    tax_rate: Decimal
    serialized: bool
    final_sale: bool

    @property
    def tax(self) -> Decimal:
        return round_money(self.unit_price * self.qty * self.tax_rate)

    @property
    def total(self) -> Decimal:
        return round_money(self.unit_price * self.qty) + self.tax


def price_items(
    engine: Engine, items: Sequence[ExchangeItem], tax_rate: Decimal, today: date
) -> list[PricedItem]:
    """Look up scanned replacement items (SKU or UPC) at today's price."""
    with read_only(engine) as session:
        return priced(session, items, tax_rate, today)


def priced(
    session: Session, items: Sequence[ExchangeItem], tax_rate: Decimal, today: date
) -> list[PricedItem]:
    """As :func:`price_items`, inside a session; unknown codes are named."""
    result = []
    for item in items:
        code = item.code.strip()
        if item.qty < 1:
            raise ReturnError(f"replacement {code}: the quantity must be at least 1")
        product = session.exec(
            select(Product).where(or_(Product.sku == code.upper(), Product.upc == code))
        ).first()
        if product is None or product.id is None:
            raise ReturnError(f"no product with SKU or UPC {code!r}")
        price = session.exec(
            select(ProductPrice.price)
            .where(ProductPrice.product_id == product.id, ProductPrice.effective_from <= today)
            .order_by(col(ProductPrice.effective_from).desc())
        ).first()
        if price is None:
            raise ReturnError(f"{product.sku} has no shelf price on {today}")
        result.append(
            PricedItem(
                product.id,
                product.sku,
                product.description,
                product.department,
                product.category,
                item.qty,
                price,
                tax_rate,
                product.serialized,
                product.final_sale,
            )
        )
    return result


def exchange_sale(
    session: Session,
    original: Sale,
    register: Register,
    items: Sequence[PricedItem],
    tenders: Sequence[tuple[str, Decimal, str | None]],
) -> Sale:
    """Write the new sale for the replacement items and how it was paid."""
    store_no, register_no = _numbers(session, register)
    sequence = _next_sequence(session, register) + 1
    sale = Sale(
        receipt_code=make_receipt_code(store_no, register_no, sequence).digits,
        store_id=original.store_id,
        register_id=register.id or 0,
        sold_at=utcnow(),
        customer_id=original.customer_id,
        loyalty_tier=original.loyalty_tier,
        total=sum((i.total for i in items), ZERO),
    )
    session.add(sale)
    session.flush()
    for n, item in enumerate(items, start=1):
        session.add(
            SaleLine(
                sale_id=sale.id or 0,
                line_no=n,
                product_id=item.product_id,
                sku=item.sku,
                description=item.description,
                department=item.department,
                category=item.category,
                qty=item.qty,
                unit_price=item.unit_price,
                tax_rate=item.tax_rate,
                tax_charged=item.tax,
                serialized=item.serialized,
                final_sale=item.final_sale,
            )
        )
    for seq, (kind, amount, reference) in enumerate(tenders, start=1):
        session.add(
            Tender(sale_id=sale.id or 0, seq=seq, kind=kind, amount=amount, reference=reference)
        )
    session.flush()
    return sale


def _numbers(session: Session, register: Register) -> tuple[int, int]:
    store = session.get(Store, register.store_id)
    return (store.number if store else 0), register.number


def _next_sequence(session: Session, register: Register) -> int:
    """The highest sequence this register has printed (its row is locked by the caller)."""
    count = session.exec(
        select(func.count()).select_from(Sale).where(Sale.register_id == register.id)
    ).one()
    return int(count)

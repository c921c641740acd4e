"""Exchanges: the replacement items priced today, and the new sale that takes them.

One exchange is one return and one new sale, linked by an ``exchange`` row and settled
once: the return's credit pays for the new sale; the customer pays or gets back the rest.

Each new item is taxed at its own rate at the store (``services.catalog.tax_rate``: the
latest line that sold that SKU there), not at the rate of whatever came back. A serialized
item goes out one unit per line with the serial of that unit scanned and recorded on the
new sale line; an exchange without it is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import Session, col, select

from returns_desk.domain.codes import make_receipt_code, parse_receipt_code
from returns_desk.domain.draft import ExchangeItem, ReturnError
from returns_desk.domain.money import ZERO, round_money
from returns_desk.services.returns.catalog import desk_store, find_product, shelf_price, tax_rate
from returns_desk.store.db import read_only
from returns_desk.store.models import Register, Sale, SaleLine, Store, Tender
from returns_desk.store.tables._base import utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass(frozen=True)
class PricedItem:
    """A replacement item at today's shelf price, with tax at its own rate."""

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
    serial: str | None = None

    @property
    def tax(self) -> Decimal:
        return round_money(self.unit_price * self.qty * self.tax_rate)

    @property
    def total(self) -> Decimal:
        return round_money(self.unit_price * self.qty) + self.tax


def price_items(
    engine: Engine, items: Sequence[ExchangeItem], today: date, store_no: int | None = None
) -> list[PricedItem]:
    """Look up scanned replacement items (SKU or UPC) at today's price, taxed as at store
    ``store_no`` (None: the desk's store, see ``services.catalog.desk_store``)."""
    with read_only(engine) as session:
        store = desk_store(session, store_no)
        return priced(session, items, store.id or 0, today)


def priced(
    session: Session, items: Sequence[ExchangeItem], store_id: int, today: date
) -> list[PricedItem]:
    """As :func:`price_items`, inside a session; unknown codes are named.

    A serialized item must come one unit at a time; its serial may still be missing here
    (the counter asks for it once it knows), :func:`check_serials` insists on it.
    """
    result = []
    for item in items:
        code = item.code.strip()
        if item.qty < 1:
            raise ReturnError(f"replacement {code}: the quantity must be at least 1")
        product = find_product(session, code)
        if product.serialized and item.qty != 1:
            raise ReturnError(
                f"{product.sku} is serialized: scan each unit on its own, with its serial"
            )
        serial = (item.serial or "").strip().upper() or None
        if product.serialized and serial:
            _check_unsold(session, product.sku, serial)
        result.append(
            PricedItem(
                product.id or 0,
                product.sku,
                product.description,
                product.department,
                product.category,
                item.qty,
                shelf_price(session, product, today),
                tax_rate(session, product, store_id),
                product.serialized,
                product.final_sale,
                serial if product.serialized else None,
            )
        )
    return result


def _check_unsold(session: Session, sku: str, serial: str) -> None:
    """A unit can go out only if it is not already out: sold and not returned."""
    sold = session.exec(
        select(Sale.receipt_code)
        .join(SaleLine, col(SaleLine.sale_id) == col(Sale.id))
        .where(
            SaleLine.sku == sku,
            func.upper(col(SaleLine.serial)) == serial,
            col(SaleLine.qty_returned) < col(SaleLine.qty),
        )
    ).first()
    if sold is not None:
        receipt = parse_receipt_code(sold).pretty()
        raise ReturnError(
            f"serial {serial} of {sku} was sold on receipt {receipt} and not returned: "
            "scan the serial of the unit the customer takes"
        )


def check_serials(items: Sequence[PricedItem]) -> None:
    """Every serialized item has its unit's serial, and no serial goes out twice."""
    seen: set[str] = set()
    for item in items:
        if not item.serialized:
            continue
        if not item.serial:
            raise ReturnError(
                f"{item.sku} ({item.description}) is serialized: scan the serial number "
                "of the unit the customer takes"
            )
        if item.serial in seen:
            raise ReturnError(f"serial {item.serial} is scanned twice")
        seen.add(item.serial)


def exchange_sale(
    session: Session,
    original: Sale | None,
    register: Register,
    items: Sequence[PricedItem],
    tenders: Sequence[tuple[str, Decimal, str | None]],
    cashier: str | None = None,
) -> Sale:
    """Write the new sale for the replacement items and how it was paid, rung up by
    ``cashier`` (the clerk at the desk).

    ``original`` is the sale that came back (None without a receipt): the new sale keeps
    its customer and tier. Serialized items are refused without their serial.
    """
    check_serials(items)
    store_no, register_no = _numbers(session, register)
    sequence = _next_sequence(session, register) + 1
    sale = Sale(
        receipt_code=make_receipt_code(store_no, register_no, sequence).digits,
        store_id=register.store_id,
        register_id=register.id or 0,
        sold_at=utcnow(),
        customer_id=original.customer_id if original else None,
        loyalty_tier=original.loyalty_tier if original else None,
        total=sum((i.total for i in items), ZERO),
        cashier=cashier,
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
                serial=item.serial,
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

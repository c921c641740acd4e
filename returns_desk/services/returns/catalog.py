"""The product catalogue as the counter needs it: a scanned code, shelf prices, tax rates.

Products carry no tax rate of their own: the POS journal puts the rate on each sold line.
So an item's rate at a store is the rate of the latest line that sold that SKU there (the
jurisdiction's rate and the product's own taxability, as the till last applied them);
failing that, of the latest line selling it at any store; failing that, the store's latest
rate on any line. A store that has sold nothing at all has no known rate, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import bindparam
from sqlmodel import Session, col, or_, select

from returns_desk.domain.draft import ReturnError
from returns_desk.store.db import read_only
from returns_desk.store.models import Product, ProductPrice, Sale, SaleLine, Store

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

STORE_ENV = "RETURNS_DESK_STORE"
# Built once: every completion looks its store up, and building costs more than running.
_FIRST_STORE = select(Store).order_by(col(Store.id))
_STORE_BY_NUMBER = select(Store).where(Store.number == bindparam("number"))


@dataclass(frozen=True)
class ProductFacts:
    """What the counter shows of a scanned product before it is decided."""

    sku: str
    description: str
    serialized: bool
    final_sale: bool


def look_up_product(engine: Engine, code: str) -> ProductFacts:
    """The product scanned at the counter; ReturnError names an unknown SKU or UPC."""
    with read_only(engine) as session:
        product = find_product(session, code)
    return ProductFacts(product.sku, product.description, product.serialized, product.final_sale)


def desk_store(session: Session, store_no: int | None = None) -> Store:
    """The store the desk is in: ``store_no``, else ``RETURNS_DESK_STORE``, else the first."""
    store_no = desk_store_number(store_no)
    if store_no is None:
        store = session.exec(_FIRST_STORE).first()
    else:
        store = session.exec(_STORE_BY_NUMBER, params={"number": store_no}).first()
    if store is None or store.id is None:
        raise no_such_store(store_no)
    return store


def desk_store_number(store_no: int | None) -> int | None:
    """``store_no``, else ``RETURNS_DESK_STORE``; None: neither says (the first store)."""
    if store_no is not None:
        return store_no
    from returns_desk.settings import SettingsError, load_settings

    try:
        return load_settings().store
    except SettingsError as exc:
        raise ReturnError(f"{exc}: give the store's number, like 101") from None


def no_such_store(store_no: int | None) -> ReturnError:
    which = f"store {store_no}" if store_no is not None else "a store"
    return ReturnError(f"{which} is not in this database: import the sales journal first")


def find_product(session: Session, code: str) -> Product:
    """The product with this SKU (any case) or UPC; ReturnError names an unknown code."""
    code = code.strip()
    if not code:
        raise ReturnError("scan the item's barcode or type its SKU")
    product = session.exec(
        select(Product).where(or_(Product.sku == code.upper(), Product.upc == code))
    ).first()
    if product is None or product.id is None:
        raise ReturnError(f"no product with SKU or UPC {code!r}: check the label and try again")
    return product


def shelf_price(session: Session, product: Product, on: date) -> Decimal:
    """The price in effect on ``on``; ReturnError if the product had none yet."""
    price = session.exec(
        select(col(ProductPrice.price))
        .where(ProductPrice.product_id == product.id, ProductPrice.effective_from <= on)
        .order_by(col(ProductPrice.effective_from).desc())
    ).first()
    if price is None:
        raise ReturnError(f"{product.sku} has no shelf price on {on}")
    return price


def lowest_price(session: Session, product: Product, today: date, days: int) -> Decimal | None:
    """The lowest shelf price in effect on any of the last ``days`` days up to ``today``.

    That is the price in effect when the look-back began and every price that took effect
    since; None if the product had no price in all that time.
    """
    since = today - timedelta(days=days - 1)
    at_start = session.exec(
        select(col(ProductPrice.price))
        .where(ProductPrice.product_id == product.id, ProductPrice.effective_from <= since)
        .order_by(col(ProductPrice.effective_from).desc())
    ).first()
    later = session.exec(
        select(col(ProductPrice.price)).where(
            ProductPrice.product_id == product.id,
            col(ProductPrice.effective_from) > since,
            col(ProductPrice.effective_from) <= today,
        )
    ).all()
    prices = [p for p in (at_start, *later) if p is not None]
    return min(prices) if prices else None


def tax_rate(session: Session, product: Product, store_id: int) -> Decimal:
    """The rate to charge or credit on ``product`` at the store (see the module docstring)."""
    latest = (
        select(col(SaleLine.tax_rate))
        .join(Sale, col(Sale.id) == col(SaleLine.sale_id))
        .order_by(col(Sale.sold_at).desc(), col(SaleLine.id).desc())
        .limit(1)
    )
    for query in (
        latest.where(SaleLine.product_id == product.id, Sale.store_id == store_id),
        latest.where(SaleLine.product_id == product.id),
        latest.where(Sale.store_id == store_id),
    ):
        rate = session.exec(query).first()
        if rate is not None:
            return rate
    store = session.get(Store, store_id)
    where = f"store {store.number}" if store else "this store"
    raise ReturnError(f"no tax rate is known for {product.sku} at {where}: it has sold nothing yet")

"""Find a sale when the customer has no receipt: by customer or loyalty id, by the card's last
four digits and the day of the sale, by the day, or by an item sold (any of them together).

The counter's search (F3) shows a clerk the customer's id; ``look_up`` serves the command
line, where a customer's sales need a clerk's or manager's log-in and ids stay masked for
anyone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, and_, col, or_, select

from returns_desk.domain.customer_id import mask
from returns_desk.domain.local_day import day_span, store_zone
from returns_desk.domain.roles import Role
from returns_desk.services.staff.security import RoleError, require
from returns_desk.store.db import read_only
from returns_desk.store.models import Sale, SaleLine, Store, Tender

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.staff.security import Actor

MAX_RESULTS = 20
SEES_CUSTOMERS = (Role.CLERK, Role.MANAGER)  # who serve customers at the counter


class SearchError(ValueError):
    """A search the desk cannot run as typed; the message says what to fix."""


@dataclass(frozen=True)
class SaleHit:
    """One sale that matched, enough for the clerk to pick it."""

    receipt_code: str
    sold_at: datetime
    total: Decimal
    customer_id: str | None
    store: int = 0
    skus: tuple[str, ...] = ()
    zone: str = "UTC"  # the store's time zone: its own calendar and clock

    @property
    def sold_local(self) -> datetime:
        """When it was sold, on the store's own clock."""
        return self.sold_at.astimezone(store_zone(self.zone))


def find_sales(
    engine: Engine,
    customer_id: str = "",
    card_last4: str = "",
    on: date | None = None,
    sku: str = "",
    limit: int = MAX_RESULTS,
) -> list[SaleHit]:
    """Newest first, matching everything given: a customer id; card last 4 (with the day, and
    then a day either side, since the customer's memory and the store's clock may differ);
    the day alone (the store's own calendar day); an item's SKU."""
    customer_id, card_last4, sku = customer_id.strip().upper(), card_last4.strip(), sku.strip()
    if not (customer_id or card_last4 or on or sku):
        raise SearchError(
            "type a customer or loyalty id, a card's last 4 and the day, the day, or a SKU"
        )
    query = select(Sale, Store.number, Store.timezone).join(Store, col(Sale.store_id) == Store.id)
    if customer_id:
        query = query.where(Sale.customer_id == customer_id)
    if card_last4:
        query = query.where(*_by_card(card_last4, on))
    if sku:
        lines = select(SaleLine.sale_id).where(SaleLine.sku == sku.upper())
        query = query.where(col(Sale.id).in_(lines))
    with read_only(engine) as session:
        if on is not None and not card_last4:
            query = query.where(_on_local_day(session, on))
        return _hits(session, query.order_by(col(Sale.sold_at).desc()).limit(limit))


def recent_sales(engine: Engine, limit: int = MAX_RESULTS, newest: bool = True) -> list[SaleHit]:
    """The latest sales, newest first (or the oldest, oldest first): receipts to try."""
    if limit < 1:
        raise SearchError("--limit: at least 1 sale")
    order = col(Sale.sold_at).desc() if newest else col(Sale.sold_at).asc()
    query = select(Sale, Store.number, Store.timezone).join(Store, col(Sale.store_id) == Store.id)
    with read_only(engine) as session:
        return _hits(session, query.order_by(order).limit(limit))


def look_up(
    engine: Engine,
    viewer: Actor | None,
    *,
    latest: bool | None = None,
    limit: int = MAX_RESULTS,
    **criteria: Any,
) -> list[SaleHit]:
    """``find_sales`` (``latest`` True or False: ``recent_sales``, newest or oldest first)
    for someone who may not be logged in.

    A customer's sales are personal data: searching by customer id needs a clerk or a
    manager. Customer ids in the results are masked (``***42``) unless the viewer is one.
    """
    if criteria.get("customer_id", "").strip():
        if viewer is None:
            raise RoleError("looking up a customer's sales needs a log-in: give --user")
        require(viewer, *SEES_CUSTOMERS)
    if latest is None:
        hits = find_sales(engine, limit=limit, **criteria)
    else:
        hits = recent_sales(engine, limit, newest=latest)
    if viewer is not None and viewer.role in SEES_CUSTOMERS:
        return hits
    return [replace(hit, customer_id=mask(hit.customer_id)) for hit in hits]


def _by_card(card_last4: str, on: date | None) -> Sequence[Any]:
    if not (card_last4.isdigit() and len(card_last4) == 4):
        raise SearchError(f"card last 4 {card_last4!r}: type the card's last four digits")
    if on is None:
        raise SearchError("with a card's last 4, give the day of the sale (YYYY-MM-DD)")
    start = datetime.combine(on - timedelta(days=1), time.min, UTC)
    ends = datetime.combine(on + timedelta(days=2), time.min, UTC)
    return (
        col(Sale.id).in_(select(Tender.sale_id).where(Tender.card_last4 == card_last4)),
        col(Sale.sold_at) >= start,
        col(Sale.sold_at) < ends,
    )


def _on_local_day(session: Session, on: date) -> Any:
    """Sold on ``on`` as each store's own calendar counts it (stores are few)."""
    spans = []
    for zone in session.exec(select(Store.timezone).distinct()):
        start, end = day_span(on, on, store_zone(zone))
        spans.append(
            and_(Store.timezone == zone, col(Sale.sold_at) >= start, col(Sale.sold_at) < end)
        )
    return or_(*spans) if spans else col(Sale.id).is_(None)


def _hits(session: Session, query: Any) -> list[SaleHit]:
    rows = session.exec(query).all()
    ids = [sale.id for sale, _, _ in rows]
    skus: dict[int, list[str]] = {}
    lines = select(SaleLine.sale_id, SaleLine.sku).where(col(SaleLine.sale_id).in_(ids))
    for sale_id, sku in session.exec(lines.order_by(col(SaleLine.line_no))):
        skus.setdefault(sale_id, []).append(sku)
    return [
        SaleHit(
            s.receipt_code,
            s.sold_at,
            s.total,
            s.customer_id,
            number,
            tuple(skus.get(s.id or 0, ())),
            zone,
        )
        for s, number, zone in rows
    ]

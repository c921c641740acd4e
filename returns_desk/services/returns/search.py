"""Find a sale when the customer has no receipt: by customer or loyalty id, or by the card's
last four digits and the day of the sale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlmodel import col, select

from returns_desk.store.db import read_only
from returns_desk.store.models import Sale, Tender

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

MAX_RESULTS = 20


class SearchError(ValueError):
    """A search the desk cannot run as typed; the message says what to fix."""


@dataclass(frozen=True)
class SaleHit:
    """One sale that matched, enough for the clerk to pick it."""

    receipt_code: str
    sold_at: datetime
    total: Decimal
    customer_id: str | None


def find_sales(
    engine: Engine,
    customer_id: str = "",
    card_last4: str = "",
    on: date | None = None,
) -> list[SaleHit]:
    """Newest first. A customer id alone, or card last4 with the day (a day either side,
    since the customer's memory and the store's clock may differ)."""
    customer_id, card_last4 = customer_id.strip().upper(), card_last4.strip()
    query = select(Sale)
    if customer_id:
        query = query.where(Sale.customer_id == customer_id)
    elif card_last4:
        if not (card_last4.isdigit() and len(card_last4) == 4):
            raise SearchError(f"card last 4 {card_last4!r}: type the card's last four digits")
        if on is None:
            raise SearchError("with a card's last 4, give the day of the sale (YYYY-MM-DD)")
        start = datetime.combine(on - timedelta(days=1), time.min, UTC)
        ends = datetime.combine(on + timedelta(days=2), time.min, UTC)
        query = query.where(
            col(Sale.id).in_(select(Tender.sale_id).where(Tender.card_last4 == card_last4)),
            col(Sale.sold_at) >= start,
            col(Sale.sold_at) < ends,
        )
    else:
        raise SearchError("type a customer or loyalty id, or a card's last 4 and the day")
    query = query.order_by(col(Sale.sold_at).desc()).limit(MAX_RESULTS)
    with read_only(engine) as session:
        return [
            SaleHit(s.receipt_code, s.sold_at, s.total, s.customer_id)
            for s in session.exec(query).all()
        ]

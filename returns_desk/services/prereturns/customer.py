"""Find the sale a customer means by their loyalty id and the day they bought it."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from returns_desk.services.returns.search import SaleHit, find_sales


def sales_on(engine: Engine, loyalty_id: str, on: date) -> list[SaleHit]:
    """The customer's sales on that day (by the sale's UTC day, a day either side tolerated
    only when nothing is found on the day itself)."""
    hits = find_sales(engine, customer_id=loyalty_id)
    exact = [h for h in hits if h.sold_at.date() == on]
    if exact:
        return exact
    return [h for h in hits if abs((h.sold_at.date() - on).days) <= 1]

"""Find the sale a customer means by their loyalty id and the day they bought it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.engine import Engine

from returns_desk.domain.codes import ReceiptCodeError, parse_receipt_code
from returns_desk.domain.prereturn import PreReturnError
from returns_desk.domain.receipt import Receipt
from returns_desk.domain.roles import Role
from returns_desk.services.returns.search import SaleHit, find_sales
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.receipts import read_receipt


def sales_on(engine: Engine, loyalty_id: str, on: date) -> list[SaleHit]:
    """The customer's sales on that day (by the sale's UTC day, a day either side tolerated
    only when nothing is found on the day itself)."""
    hits = find_sales(engine, customer_id=loyalty_id)
    exact = [h for h in hits if h.sold_at.date() == on]
    if exact:
        return exact
    return [h for h in hits if abs((h.sold_at.date() - on).days) <= 1]


def find_for_customer(
    engine: Engine,
    actor: Actor,
    receipt_code: str = "",
    loyalty_id: str = "",
    day: str = "",
    now: datetime | None = None,
) -> Receipt:
    """The sale a customer at a kiosk means: by receipt code, or by loyalty id and the day.

    Look-ups that find nothing count toward the same per-register limit as pre-return codes
    (``lookup``): a kiosk cannot be used to walk through receipts or customers' purchases.
    """
    from returns_desk.services.prereturns.lookup import limited_lookup

    require(actor, Role.CLERK, Role.MANAGER, Role.KIOSK)
    receipt_code, loyalty_id, day = receipt_code.strip(), loyalty_id.strip(), day.strip()
    if receipt_code:
        try:
            code = parse_receipt_code(receipt_code)  # a typo never counts as a look-up
        except ReceiptCodeError as exc:
            raise PreReturnError(str(exc)) from None

        def by_code() -> str | None:
            return code.digits if read_receipt(engine, code.digits) else None

        missing = f"receipt {code.pretty()} is not in the sales journal"
        found = limited_lookup(engine, actor, missing, by_code, now)
    elif loyalty_id and day:
        on = _day(day)

        def by_customer() -> str | None:
            hits = sales_on(engine, loyalty_id, on)
            return hits[0].receipt_code if len(hits) == 1 else None

        missing = f"no single purchase by loyalty id {loyalty_id!r} on {on}: use the receipt"
        found = limited_lookup(engine, actor, missing, by_customer, now)
    else:
        raise PreReturnError("type the receipt code, or your loyalty id and the day you bought it")
    receipt = read_receipt(engine, found)
    assert receipt is not None  # just found
    return receipt


def _day(text: str) -> date:
    try:
        on = date.fromisoformat(text)
    except ValueError:
        raise PreReturnError(f"day {text!r}: type it as YYYY-MM-DD, e.g. 2026-11-02") from None
    return on

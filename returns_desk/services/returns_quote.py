"""Ask the active policy about the lines a customer brings back, before anything is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from returns_desk.domain.money import ZERO
from returns_desk.domain.policy import ReturnCase, decide
from returns_desk.domain.policy.model import Condition
from returns_desk.services.policies import active_policy
from returns_desk.services.receipts import find_receipt
from returns_desk.services.returns_request import LineQuote, Quote, ReturnError, ReturnItem
from returns_desk.store.db import read_only
from returns_desk.store.models import Store, Tender

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.domain.policy import Policy
    from returns_desk.domain.receipt import Receipt


def quote(engine: Engine, receipt_code: str, items: Sequence[ReturnItem], today: date) -> Quote:
    """The decisions for ``items`` on that receipt today, without changing anything."""
    receipt = find_receipt(engine, receipt_code)
    active = active_policy(engine)
    with read_only(engine) as session:
        refunded = tender_refunds(session, receipt)
        region = store_region(session, receipt)
    lines = decide_items(active.policy, receipt, items, refunded, today, region)
    return Quote(tuple(lines), active.version_id)


def preview(engine: Engine, receipt: Receipt, today: date) -> dict[int, LineQuote]:
    """Each still-returnable line decided as if all of it came back as sold, by line number."""
    active = active_policy(engine)
    with read_only(engine) as session:
        refunded = tender_refunds(session, receipt)
        region = store_region(session, receipt)
    result = {}
    for line in receipt.lines:
        if line.returnable_qty < 1:
            continue
        item = ReturnItem(line.line_no, line.returnable_qty, Condition.UNOPENED, serial=line.serial)
        (quoted,) = decide_items(active.policy, receipt, [item], refunded, today, region)
        result[line.line_no] = quoted
    return result


def decide_items(
    policy: Policy,
    receipt: Receipt,
    items: Sequence[ReturnItem],
    refunded: Sequence[Decimal],
    today: date,
    region: str | None = None,
) -> list[LineQuote]:
    """Decide each item in turn; a line's refund to the tenders narrows what the next can get."""
    running = list(refunded)
    seen: set[int] = set()
    quotes = []
    for item in items:
        if item.line_no in seen:
            raise ReturnError(f"line {item.line_no} is selected twice")
        seen.add(item.line_no)
        try:
            line = receipt.line(item.line_no)
        except KeyError as exc:
            raise ReturnError(str(exc.args[0])) from None
        case = ReturnCase(
            receipt=receipt,
            line=line,
            qty=item.qty,
            condition=Condition(item.condition),
            reason=item.reason_code,
            serial_scanned=item.serial,
            region=region,
            tender_refunded=tuple(running),
        )
        decision = decide(policy, case, today)
        for tender, part in decision.tender_split:
            index = next(i for i, t in enumerate(receipt.tenders) if t is tender)
            running[index] += part
        quotes.append(LineQuote(item, line, decision))
    return quotes


def tender_refunds(session: Session, receipt: Receipt) -> list[Decimal]:
    """What each tender of the receipt already got back, in tender order."""
    rows = session.exec(
        select(Tender).where(Tender.sale_id == receipt.sale_id).order_by(Tender.seq)
    ).all()
    return [row.refunded or ZERO for row in rows]


def store_region(session: Session, receipt: Receipt) -> str | None:
    """The region of the store that sold it (restocking fees may be waived by region)."""
    store = session.exec(select(Store).where(Store.number == receipt.store_no)).first()
    return (store.region or None) if store else None


def with_returned(receipt: Receipt, returned_before: dict[int, int]) -> Receipt:
    """The receipt with each line's ``qty_returned`` as given (by line number)."""
    lines = tuple(
        replace(line, qty_returned=returned_before.get(line.line_no, line.qty_returned))
        for line in receipt.lines
    )
    return replace(receipt, lines=lines)

"""Ask the active policy about the lines a customer brings back, before anything is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from returns_desk.domain.local_day import day_span, store_zone
from returns_desk.domain.money import ZERO
from returns_desk.domain.policy import ReturnCase, decide_return
from returns_desk.domain.policy.model import Condition
from returns_desk.services.policies.active import ActivePolicy, active_policy, current_policy
from returns_desk.services.returns.receipts import find_receipt
from returns_desk.services.returns.request import LineQuote, Quote, ReturnError, ReturnItem
from returns_desk.services.returns.tenders import voucher_notes
from returns_desk.store.db import read_only
from returns_desk.store.models import RefundTender, ReturnTxn, Store, Tender

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.domain.policy import Policy
    from returns_desk.domain.receipt import Receipt


def quote(engine: Engine, receipt_code: str, items: Sequence[ReturnItem], today: date) -> Quote:
    """The decisions for ``items`` on that receipt today, without changing anything."""
    receipt = find_receipt(engine, receipt_code)
    active, refunded, region, cash_today = _receipt_facts(engine, receipt, today)
    lines = decide_items(active.policy, receipt, items, refunded, today, region, cash_today)
    limit = active.policy.refund.cash_limit
    return Quote(tuple(lines), active.version_id, voucher_notes(receipt, lines, limit, cash_today))


def preview(engine: Engine, receipt: Receipt, today: date) -> dict[int, LineQuote]:
    """Each still-returnable line decided as if all of it came back as sold, by line number."""
    active, refunded, region, cash_today = _receipt_facts(engine, receipt, today)
    result = {}
    for line in receipt.lines:
        if line.returnable_qty < 1:
            continue
        item = ReturnItem(line.line_no, line.returnable_qty, Condition.UNOPENED, serial=line.serial)
        (quoted,) = decide_items(
            active.policy, receipt, [item], refunded, today, region, cash_today
        )
        result[line.line_no] = quoted
    return result


def _receipt_facts(
    engine: Engine, receipt: Receipt, today: date
) -> tuple[ActivePolicy, list[Decimal], str | None, Decimal]:
    """The policy in force, what the tenders got back, the store's region, and the cash
    paid back today: read together, as the clerk waits on them after every scan."""
    with read_only(engine) as session:
        store = store_of(session, receipt)
        active = current_policy(session, store.id if store else None)  # the store's, in force
        refunded = tender_refunds(session, receipt)
        cash_today = cash_refunded_today(session, receipt.sale_id, store, today)
    region = (store.region or None) if store else None
    if active is None:  # first use: the shipped default goes in force everywhere
        active = active_policy(engine, store.id if store else None)
    return active, refunded, region, cash_today


def decide_items(
    policy: Policy,
    receipt: Receipt,
    items: Sequence[ReturnItem],
    refunded: Sequence[Decimal],
    today: date,
    region: str | None = None,
    cash_paid_today: Decimal = ZERO,
) -> list[LineQuote]:
    """Decide the items as one return: each line's refund narrows what the tenders can still
    take for the next, and the cash limit holds for all of them together, counting
    ``cash_paid_today`` (what earlier returns on this receipt paid out in cash today)."""
    seen: set[int] = set()
    cases, lines = [], []
    for item in items:
        if item.line_no in seen:
            raise ReturnError(f"line {item.line_no} is selected twice")
        seen.add(item.line_no)
        try:
            line = receipt.line(item.line_no)
        except KeyError as exc:
            raise ReturnError(str(exc.args[0])) from None
        lines.append(line)
        cases.append(
            ReturnCase(
                receipt=receipt,
                line=line,
                qty=item.qty,
                condition=Condition(item.condition),
                reason=item.reason_code,
                serial_scanned=item.serial,
                region=region,
            )
        )
    decisions = decide_return(policy, cases, today, refunded, cash_paid_today)
    return [LineQuote(*parts) for parts in zip(items, lines, decisions, strict=True)]


def tender_refunds(session: Session, receipt: Receipt) -> list[Decimal]:
    """What each tender of the receipt already got back, in tender order."""
    rows = session.exec(
        select(Tender).where(Tender.sale_id == receipt.sale_id).order_by(Tender.seq)
    ).all()
    return [row.refunded or ZERO for row in rows]


def store_region(session: Session, receipt: Receipt) -> str | None:
    """The region of the store that sold it (restocking fees may be waived by region)."""
    store = store_of(session, receipt)
    return (store.region or None) if store else None


def store_of(session: Session, receipt: Receipt) -> Store | None:
    """The store that sold it (its region may waive fees; its time zone says what today is)."""
    return session.exec(select(Store).where(Store.number == receipt.store_no)).first()


def cash_refunded_today(
    session: Session, sale_id: int | None, store: Store | None, today: date
) -> Decimal:
    """Cash already paid back on this sale during the store's local day ``today``.

    The policy's cash limit is per return, and returns against the same receipt on the same
    day count together, so splitting one return into several does not raise the limit.
    """
    if sale_id is None:
        return ZERO
    start, end = day_span(today, today, store_zone(store.timezone if store else None))
    amounts = session.exec(
        select(RefundTender.amount)
        .join(ReturnTxn, col(RefundTender.return_id) == ReturnTxn.id)
        .where(
            ReturnTxn.sale_id == sale_id,
            RefundTender.kind == "cash",
            col(ReturnTxn.created_at) >= start,
            col(ReturnTxn.created_at) < end,
        )
    ).all()
    return sum(amounts, ZERO)


def with_returned(receipt: Receipt, returned_before: dict[int, int]) -> Receipt:
    """The receipt with each line's ``qty_returned`` as given (by line number)."""
    lines = tuple(
        replace(line, qty_returned=returned_before.get(line.line_no, line.qty_returned))
        for line in receipt.lines
    )
    return replace(receipt, lines=lines)

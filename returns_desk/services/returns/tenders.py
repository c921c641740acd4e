"""Money back for a return: to the original tenders within their caps, or as a voucher.

Every tender update is one guarded statement, so no tender is ever refunded past what it
paid, whatever another register does at the same moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from returns_desk.domain.draft import ReturnError
from returns_desk.services.vouchers.issue import issue_voucher
from returns_desk.store.models import RefundTender, Tender
from returns_desk.store.rows import insert_row

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

    from returns_desk.services.staff.security import Actor
    from returns_desk.store.models import ReturnTxn, Voucher


def lock_tenders(session: Session, sale_id: int) -> list[Tender]:
    """The sale's tenders in order, locked for this transaction (PostgreSQL; SQLite holds
    the whole database from BEGIN IMMEDIATE)."""
    return list(session.exec(_TENDERS_LOCKED, params={"sale_id": sale_id}).all())


_TENDERS_LOCKED = (  # built once: every completion runs it
    select(Tender)
    .where(Tender.sale_id == bindparam("sale_id"))
    .order_by(col(Tender.seq))
    .with_for_update()
)


def refund_to_tenders(
    session: Session, txn: ReturnTxn, rows: Sequence[Tender], parts: Sequence[Decimal]
) -> list[RefundTender]:
    """Pay ``parts`` back to the tender rows (same order); a tender past its cap is refused."""
    paid = []
    for row, part in zip(rows, parts, strict=True):
        if part <= 0:
            continue
        result = session.execute(
            update(Tender)
            .where(col(Tender.id) == row.id, col(Tender.refunded) + part <= col(Tender.amount))
            .values(refunded=col(Tender.refunded) + part)
            .execution_options(synchronize_session=False)
        )
        if cast("CursorResult[Any]", result).rowcount != 1:
            raise ReturnError(
                f"the {row.kind} payment of {row.amount} cannot take back {part} more: "
                "it was refunded at another register meanwhile; look the receipt up again"
            )
        refund = RefundTender(
            return_id=txn.id or 0, kind=row.kind, amount=part, original_tender_id=row.id
        )
        session.add(refund)
        paid.append(refund)
    return paid


def refund_as_voucher(
    session: Session, actor: Actor, txn: ReturnTxn, amount: Decimal, today: date
) -> tuple[RefundTender, Voucher]:
    """Store credit for ``amount``: a voucher and the refund line that points to it."""
    voucher = issue_voucher(session, actor, amount, txn.id or 0, today)
    refund = RefundTender(
        return_id=txn.id or 0, kind="voucher", amount=amount, voucher_id=voucher.id
    )
    refund.id = insert_row(session, refund)  # written straight (store/rows.py)
    return refund, voucher

"""When the cash drawer opens: only when cash changes hands at the counter."""

from __future__ import annotations

from sqlmodel import Session, col, select

from returns_desk.store.models import Exchange, RefundTender, ReturnTxn, Tender


def cash_changed_hands(session: Session, reference: str) -> bool:
    """True if the return ``reference`` paid cash back, or took cash for an exchange."""
    txn_id = session.exec(select(ReturnTxn.id).where(ReturnTxn.reference == reference)).first()
    if txn_id is None:
        return False
    paid_back = select(RefundTender.id).where(
        RefundTender.return_id == txn_id, RefundTender.kind == "cash", RefundTender.amount > 0
    )
    if session.exec(paid_back).first() is not None:
        return True
    taken = (
        select(Tender.id)
        .join(Exchange, col(Exchange.new_sale_id) == Tender.sale_id)
        .where(Exchange.return_id == txn_id, Tender.kind == "cash", Tender.amount > 0)
    )
    return session.exec(taken).first() is not None

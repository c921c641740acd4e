"""Store credit: issue a voucher with an unguessable code, inside the caller's transaction."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from returns_desk.domain.voucher_code import new_voucher_code
from returns_desk.services import audit
from returns_desk.store.models import Voucher

if TYPE_CHECKING:
    from sqlmodel import Session

    from returns_desk.services.staff.security import Actor

VOUCHER_VALID_DAYS = 5 * 365  # many places forbid store credit expiring sooner


def issue_voucher(
    session: Session, actor: Actor, amount: Decimal, return_id: int, today: date
) -> Voucher:
    """A new active voucher for ``amount``, audited; the code comes from domain/voucher_code."""
    voucher = Voucher(
        code=new_voucher_code().compact,
        amount=amount,
        balance=amount,
        expires_on=today + timedelta(days=VOUCHER_VALID_DAYS),
        issued_by=actor.user_id,
        return_id=return_id,
    )
    session.add(voucher)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="voucher.issue",
        entity="voucher",
        entity_id=voucher.id,
        details={"amount": str(amount), "return_id": return_id, "expires_on": voucher.expires_on},
        register=actor.register,
    )
    return voucher

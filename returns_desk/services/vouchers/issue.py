"""Store credit: issue a voucher with an unguessable code, inside the caller's transaction."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from returns_desk.domain.voucher_code import new_voucher_code
from returns_desk.services import audit
from returns_desk.store.models import Voucher
from returns_desk.store.rows import insert_row

if TYPE_CHECKING:
    from sqlmodel import Session

    from returns_desk.services.staff.security import Actor

VOUCHER_VALID_DAYS = 5 * 365  # many places forbid store credit expiring sooner
MAX_GOODWILL = Decimal("500.00")


def issue_voucher(
    session: Session, actor: Actor, amount: Decimal, return_id: int, today: date
) -> Voucher:
    """A new active voucher for ``amount``, audited; the code comes from domain/voucher_code."""
    return _issue(session, actor, amount, today, "voucher.issue", {"return_id": return_id})


def issue_goodwill_voucher(
    session: Session, actor: Actor, amount: Decimal, today: date, reason: str
) -> Voucher:
    """Store credit given as goodwill (a complaint's remedy), with no return behind it.

    Audited as its own action with the reason, so goodwill is never mistaken for a refund.
    """
    if not Decimal("0") < amount <= MAX_GOODWILL:
        raise ValueError(f"a goodwill voucher is between 0.01 and {MAX_GOODWILL}, not {amount}")
    return _issue(session, actor, amount, today, "voucher.issue.goodwill", {"reason": reason})


def _issue(
    session: Session,
    actor: Actor,
    amount: Decimal,
    today: date,
    action: str,
    details: dict[str, Any],
) -> Voucher:
    voucher = Voucher(
        code=new_voucher_code().compact,
        amount=amount,
        balance=amount,
        expires_on=today + timedelta(days=VOUCHER_VALID_DAYS),
        issued_by=actor.user_id,
        return_id=details.get("return_id"),
    )
    voucher.id = insert_row(session, voucher)  # written straight: most returns issue one
    audit.append(
        session,
        actor=actor.username,
        action=action,
        entity="voucher",
        entity_id=voucher.id,
        details={"amount": str(amount), **details, "expires_on": voucher.expires_on},
        register=actor.register,
    )
    return voucher

"""Store-credit vouchers at the counter: check one, and spend it as a tender.

Issuing lives with the returns that create vouchers (``services.vouchers_issue``). Spending
is one guarded UPDATE (``balance = balance - amt WHERE balance >= amt AND status =
'active'``) inside the caller's unit of work, so two registers can never spend the same
credit twice: one wins, the other is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import update
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col, select

from returns_desk.domain.money import format_money, round_money
from returns_desk.domain.roles import Role
from returns_desk.domain.voucher_code import parse_voucher_code
from returns_desk.services import audit
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import read_only, retrying, unit_of_work
from returns_desk.store.models import Voucher, VoucherUse
from returns_desk.store.tables._base import utcnow


class VoucherRefused(ValueError):
    """A voucher that cannot pay (unknown, spent, expired, void, too little left).
    The message is safe to read to the customer."""


@dataclass(frozen=True)
class VoucherState:
    """What ``voucher check`` shows: the balance, the expiry, the uses, and a verdict."""

    code: str
    pretty: str
    amount: Decimal
    balance: Decimal
    status: str
    expires_on: date
    issued_at: datetime
    uses: tuple[tuple[datetime, Decimal], ...]
    usable: bool
    message: str


def today_utc() -> date:
    return utcnow().date()


def check(engine: Engine, code: str, today: date | None = None) -> VoucherState:
    """Look a voucher up by its code (check character first); raise VoucherRefused if unknown."""
    with read_only(engine) as session:
        return voucher_state(session, code, today or today_utc())


def voucher_state(session: Session, code: str, today: date) -> VoucherState:
    """The state of the voucher ``code`` as this session sees it."""
    voucher = _find(session, code)
    uses = session.exec(
        select(VoucherUse)
        .where(VoucherUse.voucher_id == voucher.id)
        .order_by(col(VoucherUse.used_at))
    ).all()
    pretty = parse_voucher_code(voucher.code).pretty()
    refusal = _refusal(session, voucher, today, None)
    message = refusal or (
        f"voucher {pretty}: {format_money(voucher.balance)} left of "
        f"{format_money(voucher.amount)}, valid until {voucher.expires_on.isoformat()}"
    )
    return VoucherState(
        voucher.code,
        pretty,
        voucher.amount,
        voucher.balance,
        voucher.status,
        voucher.expires_on,
        voucher.issued_at,
        tuple((u.used_at, u.amount) for u in uses),
        not refusal,
        message,
    )


def redeem(
    session: Session,
    actor: Actor,
    code: str,
    amount: Decimal,
    *,
    sale_id: int | None = None,
    today: date | None = None,
) -> VoucherUse:
    """Spend ``amount`` of a voucher inside the caller's unit of work (an exchange's tender).

    Atomic against other registers; audited; raises VoucherRefused with the reason."""
    require(actor, Role.CLERK, Role.MANAGER)
    today = today or today_utc()
    amt = round_money(amount)
    voucher = _find(session, code)
    pretty = parse_voucher_code(voucher.code).pretty()
    if amt <= 0:
        raise VoucherRefused(f"spend more than {format_money(Decimal(0))} from voucher {pretty}")
    refusal = _refusal(session, voucher, today, amt)
    if refusal:
        raise VoucherRefused(refusal)
    spent = session.execute(
        update(Voucher)
        .where(
            col(Voucher.id) == voucher.id,
            col(Voucher.balance) >= amt,
            col(Voucher.status) == "active",
            col(Voucher.expires_on) >= today,
        )
        .values(balance=col(Voucher.balance) - amt)
    )
    if cast("CursorResult[Any]", spent).rowcount != 1:  # another register got there first
        session.refresh(voucher)
        raise VoucherRefused(_refusal(session, voucher, today, amt) or f"voucher {pretty} changed")
    session.execute(
        update(Voucher)
        .where(col(Voucher.id) == voucher.id, col(Voucher.balance) == 0)
        .values(status="spent")
    )
    use = VoucherUse(voucher_id=voucher.id or 0, amount=amt, used_by=actor.user_id, sale_id=sale_id)
    session.add(use)
    session.flush()
    session.refresh(voucher)
    audit.append(
        session,
        actor=actor.username,
        action="voucher.redeem",
        entity="voucher",
        entity_id=voucher.id,
        details={"amount": str(amt), "balance": str(voucher.balance), "sale_id": sale_id},
        register=actor.register,
    )
    return use


@retrying
def redeem_voucher(
    engine: Engine,
    actor: Actor,
    code: str,
    amount: Decimal,
    *,
    sale_id: int | None = None,
    today: date | None = None,
) -> VoucherState:
    """:func:`redeem` in a unit of work of its own; the voucher's state afterwards."""
    today = today or today_utc()
    with unit_of_work(engine) as session:
        redeem(session, actor, code, amount, sale_id=sale_id, today=today)
    return check(engine, code, today)


def _find(session: Session, code: str) -> Voucher:
    parsed = parse_voucher_code(code)  # VoucherCodeError (a ValueError) names the typo
    voucher = session.exec(select(Voucher).where(Voucher.code == parsed.compact)).first()
    if voucher is None:
        raise VoucherRefused(f"no voucher {parsed.pretty()}: check the code on the slip")
    return voucher


def _refusal(session: Session, voucher: Voucher, today: date, amount: Decimal | None) -> str:
    """Why ``voucher`` cannot pay ``amount`` today ('' if it can; amount None: anything)."""
    pretty = parse_voucher_code(voucher.code).pretty()
    if voucher.status == "void":
        return f"voucher {pretty} was cancelled and cannot be used"
    if voucher.status == "spent" or voucher.balance <= 0:
        last = session.exec(
            select(VoucherUse)
            .where(VoucherUse.voucher_id == voucher.id)
            .order_by(col(VoucherUse.used_at).desc())
        ).first()
        when = f" on {last.used_at.date().isoformat()}" if last else ""
        return f"voucher {pretty} was fully used{when}"
    if voucher.expires_on < today:
        return (
            f"voucher {pretty} expired on {voucher.expires_on.isoformat()} "
            f"with {format_money(voucher.balance)} unused"
        )
    if amount is not None and amount > voucher.balance:
        return (
            f"voucher {pretty} has only {format_money(voucher.balance)} left; "
            f"{format_money(amount)} was asked"
        )
    return ""

"""Complete a return at the counter: one transaction from the quantity guard to the audit.

The order matters. Units are claimed first with one guarded UPDATE per line, which locks
the line (PostgreSQL) or runs under the database write lock (SQLite); then the receipt is
re-read and re-decided as it stood before this return, so two registers can never return
the same unit twice and every refund is computed from what is really left.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlmodel import Session, col, select

from returns_desk.domain.codes import parse_receipt_code
from returns_desk.domain.decision import Outcome, Settlement, settlement_words
from returns_desk.domain.money import ZERO
from returns_desk.domain.return_reasons import ReasonError, check_reason
from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.policies.active import active_policy, current_policy
from returns_desk.services.returns.approvals import confirm_manager
from returns_desk.services.returns.quote import (
    cash_refunded_today,
    decide_items,
    with_returned,
)
from returns_desk.services.returns.receipts import load_receipt
from returns_desk.services.returns.request import (
    AlreadyReturned,
    CompletedReturn,
    LineQuote,
    ReturnError,
    ReturnItem,
    ReturnRequest,
)
from returns_desk.services.returns.settle import Settling, settle
from returns_desk.services.returns.tenders import lock_tenders
from returns_desk.services.staff.security import require
from returns_desk.store.db import unit_of_work
from returns_desk.store.models import (
    Register,
    ReturnLine,
    ReturnTxn,
    Sale,
    SaleLine,
    Store,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.staff.security import Actor

DESK_REGISTER_BASE = 90  # returns-desk registers are numbered 91, 92, ... in each store


def complete_return(
    engine: Engine, actor: Actor, request: ReturnRequest, today: date
) -> CompletedReturn:
    """Decide again, claim the units, pay back and record it all in one unit of work."""
    require(actor, Role.CLERK, Role.MANAGER)
    items = checked_items(request.items)
    code = parse_receipt_code(request.receipt_code)
    manager = None
    if request.override:
        lines = [item.line_no for item in items]
        manager = confirm_manager(engine, actor, request.override, code.digits, lines)
    active_policy(engine)  # first use: puts the shipped default in force everywhere
    with unit_of_work(engine) as session:
        sale = session.exec(select(Sale).where(Sale.receipt_code == code.digits)).first()
        if sale is None or sale.id is None:
            raise ReturnError(f"receipt {code.pretty()} is not in the sales journal")
        active = current_policy(session, sale.store_id)  # the store's version, in force now
        assert active is not None
        claimed = claim_units(session, sale.id, items)
        tender_rows = lock_tenders(session, sale.id)
        store = session.get(Store, sale.store_id)  # kept: load_receipt reads it from the session
        receipt = with_returned(load_receipt(session, sale, tender_rows), claimed.before)
        cash_today = cash_refunded_today(session, sale.id, store, today)  # after the locks
        quotes = decide_items(
            active.policy,
            receipt,
            items,
            [row.refunded or ZERO for row in tender_rows],
            today,
            (store.region or None) if store else None,
            cash_today,
        )
        quotes = approved(quotes, request.settlement, manager.username if manager else None)
        register = desk_register(session, sale.store_id, actor.register)
        txn = _write_return(
            session, actor, sale, register, quotes, request, manager, active.version_id,
            claimed.products,
        )  # fmt: skip
        settling = Settling(
            session, actor, txn, sale, register, receipt, quotes, tender_rows, request, today,
            active.policy.refund.cash_limit, cash_today,
        )  # fmt: skip
        done = settle(settling)
        _audit(session, actor, txn, quotes, request, manager, done)
        return done


def checked_items(items: Sequence[ReturnItem]) -> list[ReturnItem]:
    """At least one line, positive quantities, a reason on every line."""
    if not items:
        raise ReturnError("select at least one line to return")
    for item in items:
        where = f"line {item.line_no}"
        if item.qty < 1:
            raise ReturnError(f"{where}: the quantity must be at least 1")
        try:
            check_reason(item.reason_code, item.reason_text, where)
        except ReasonError as exc:
            raise ReturnError(str(exc)) from None
    return list(items)


@dataclass(frozen=True)
class Claimed:
    """Units claimed for a return: by line number, what was returned before it, and the
    line's product."""

    before: dict[int, int]
    products: dict[int, int]


def claim_units(session: Session, sale_id: int, items: Sequence[ReturnItem]) -> Claimed:
    """Add each item's quantity to its line's ``qty_returned`` only if it still fits.

    One guarded ``UPDATE ... RETURNING`` per line: it claims, locks and reads back at once.
    """
    before, products = {}, {}
    for item in items:
        claimed = session.execute(
            update(SaleLine)
            .where(
                col(SaleLine.sale_id) == sale_id,
                col(SaleLine.line_no) == item.line_no,
                col(SaleLine.qty_returned) + item.qty <= col(SaleLine.qty),
            )
            .values(qty_returned=col(SaleLine.qty_returned) + item.qty)
            .returning(col(SaleLine.qty_returned), col(SaleLine.product_id))
            .execution_options(synchronize_session=False)
        ).first()
        if claimed is None:
            raise _unclaimable(session, sale_id, item)
        before[item.line_no] = claimed[0] - item.qty
        products[item.line_no] = claimed[1]
    return Claimed(before, products)


def _unclaimable(session: Session, sale_id: int, item: ReturnItem) -> ReturnError:
    """Why the units could not be claimed: no such line, or too few left on it."""
    row = session.exec(
        select(SaleLine.qty, SaleLine.qty_returned).where(
            SaleLine.sale_id == sale_id, SaleLine.line_no == item.line_no
        )
    ).first()
    if row is None:
        return ReturnError(f"this receipt has no line {item.line_no}")
    left = row[0] - row[1]
    return AlreadyReturned(
        f"line {item.line_no}: only {left} of {row[0]} can still be returned, "
        f"not {item.qty}; it was already returned, maybe at another register"
    )


def approved(
    quotes: Sequence[LineQuote], settlement: Settlement, manager: str | None, noun: str = "line"
) -> list[LineQuote]:
    """Refuse denied lines, apply the manager's approval, check the settlement is allowed."""
    result = []
    for quote in quotes:
        decision = quote.decision
        where = f"{noun} {quote.line.line_no} ({quote.line.description})"
        if decision.outcome is Outcome.DENY:
            raise ReturnError(f"{where} is denied: {'; '.join(decision.reasons)}")
        if decision.outcome is Outcome.NEEDS_OVERRIDE:
            if manager is None:
                raise ReturnError(f"{where} needs a manager: {decision.reasons[0]}")
            decision = decision.overridden(manager)
        if settlement not in decision.settlements:
            ways = settlement_words(decision.settlements)
            raise ReturnError(f"{where} can be settled only as {ways}")
        result.append(replace(quote, decision=decision))
    if manager and not any(q.decision.override_by for q in result):
        raise ReturnError("nothing in this return needs a manager's approval")
    return result


def desk_register(session: Session, store_id: int, label: str) -> Register:
    """This desk's register in the store (``R2`` is number 92), created on first use, locked."""
    digits = "".join(c for c in label if c.isdigit())
    number = DESK_REGISTER_BASE + (int(digits) % 10 if digits else 1)
    query = select(Register).where(Register.store_id == store_id, Register.number == number)
    register = session.exec(query.with_for_update()).first()
    if register is None:
        register = Register(store_id=store_id, number=number, name=f"Returns desk {label}")
        session.add(register)
        session.flush()
    return register


def _write_return(
    session: Session,
    actor: Actor,
    sale: Sale,
    register: Register,
    quotes: Sequence[LineQuote],
    request: ReturnRequest,
    manager: Actor | None,
    policy_version_id: int,
    products: dict[int, int],
) -> ReturnTxn:
    txn = ReturnTxn(
        policy_version_id=policy_version_id,
        reference=f"pending-{actor.user_id}-{id(quotes)}",
        store_id=sale.store_id,
        register_id=register.id or 0,
        clerk_id=actor.user_id,
        manager_id=manager.user_id if manager else None,
        override_reason=request.override.reason.strip() if request.override and manager else None,
        sale_id=sale.id,
        customer_id=sale.customer_id,
        settlement=request.settlement.value,
        total_refund=sum((q.decision.refund_amount for q in quotes), ZERO),
        restocking_fees=sum((q.decision.restocking_fee for q in quotes), ZERO),
    )
    session.add(txn)
    session.flush()
    txn.reference = f"RT-{txn.id:07d}"
    for quote in quotes:
        write_line(session, txn, quote, products[quote.line.line_no])
    session.add(txn)
    session.flush()
    return txn


def write_line(session: Session, txn: ReturnTxn, quote: LineQuote, product_id: int) -> None:
    """One returned line with the decision that allowed it (the rules that matched, and all
    of it as JSON)."""
    decision, item = quote.decision, quote.item
    session.add(
        ReturnLine(
            return_id=txn.id or 0,
            sale_line_id=quote.line.line_id,
            product_id=product_id,
            qty=item.qty,
            condition=item.condition.value,
            reason_code=item.reason_code,
            reason_text=" ".join(item.reason_text.split()),
            serial=item.serial or None,
            refund_amount=decision.refund_amount,
            restocking_fee=decision.restocking_fee,
            outcome=decision.outcome.value,
            rules=",".join(r.rule_id for r in decision.rules if r.matched),
            decision_json=json.dumps(decision.to_dict(), sort_keys=True),
        )
    )


def _audit(
    session: Session,
    actor: Actor,
    txn: ReturnTxn,
    quotes: Sequence[LineQuote],
    request: ReturnRequest,
    manager: Actor | None,
    done: CompletedReturn,
) -> None:
    details = {
        "reference": txn.reference,
        "receipt": request.receipt_code,
        "settlement": request.settlement.value,
        "total": str(txn.total_refund),
        "lines": [{"line": q.line.line_no, "qty": q.item.qty} for q in quotes],
        "policy_version_id": txn.policy_version_id,
    }
    if done.new_receipt_code:
        details.update(new_receipt=done.new_receipt_code, difference=str(done.difference))
    audit.append(
        session,
        actor=actor.username,
        action="exchange.complete"
        if request.settlement is Settlement.EXCHANGE
        else "return.complete",
        entity="return_txn",
        entity_id=txn.id,
        details=details,
        register=actor.register,
    )
    if manager is not None:
        audit_override(session, actor, manager, txn)


def audit_override(session: Session, actor: Actor, manager: Actor, txn: ReturnTxn) -> None:
    """The manager's approval, as its own event in the return's transaction."""
    audit.append(
        session,
        actor=manager.username,
        action="return.override",
        entity="return_txn",
        entity_id=txn.id,
        details={"clerk": actor.username, "reason": txn.override_reason},
        register=actor.register,
    )

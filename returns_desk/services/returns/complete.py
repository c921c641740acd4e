"""Complete a return at the counter: one use case, one unit of work, whatever the source.

Decide again inside the transaction (the source claims and locks what it takes back), apply
the manager's approval, write the return and its lines, settle it (refund, store credit or
exchange) and audit it. It all happens or none of it does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import bindparam
from sqlmodel import Session, select

from returns_desk.domain.approval import approved
from returns_desk.domain.codes import desk_register_number
from returns_desk.domain.decision import Settlement
from returns_desk.domain.item_checks import checked_items
from returns_desk.domain.money import ZERO
from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.complaints.decisions import carry_out_remedy
from returns_desk.services.policies.active import ActivePolicy, active_policy, store_and_policy
from returns_desk.services.returns.approvals import confirm_override
from returns_desk.services.returns.catalog import desk_store, desk_store_number, no_such_store
from returns_desk.services.returns.settle import Settling, settle
from returns_desk.services.returns.sources import Taken, handler_for
from returns_desk.services.staff.security import require
from returns_desk.store.db import read_only, retrying, unit_of_work
from returns_desk.store.ids import next_id
from returns_desk.store.models import Register, ReturnLine, ReturnTxn, Store
from returns_desk.store.rows import insert_row

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.domain.draft import CompletedReturn, CompletionRequest
    from returns_desk.domain.quote import LineQuote
    from returns_desk.services.staff.security import Actor


@retrying
def complete_return(
    engine: Engine, actor: Actor, request: CompletionRequest, today: date
) -> CompletedReturn:
    """Decide again, claim, pay back and record it all in one unit of work.

    The policy is read inside that unit of work (the one in force as it runs, at every
    register), so a completion costs one connection and transaction. On a database where
    no policy was ever put in force, the shipped default is put in force first.
    """
    require(actor, Role.CLERK, Role.MANAGER)
    source = handler_for(request.source)
    checked_items(request.items, request.source.scanned)
    manager = None
    if request.override:  # refused before the manager's PIN is checked, if the policy never
        # takes it; the PIN check commits on its own, like any log-in attempt
        source.admit(store_policy(engine, request.source.store_no).policy, request.source)
        manager = confirm_override(engine, actor, request.override, request.source, request.items)
    try:
        return _complete(engine, actor, request, today, manager)
    except NoPolicyYet as missing:
        active_policy(engine, missing.store_id)  # the shipped default, in force from now on
        return _complete(engine, actor, request, today, manager)


class NoPolicyYet(LookupError):
    """No policy was ever put in force at this store (a new database)."""

    def __init__(self, store_id: int) -> None:
        super().__init__(f"no policy is in force at store #{store_id}")
        self.store_id = store_id


def _complete(
    engine: Engine,
    actor: Actor,
    request: CompletionRequest,
    today: date,
    manager: Actor | None,
) -> CompletedReturn:
    """The unit of work itself: the policy in force, then claim, decide, write, settle,
    audit."""
    source = handler_for(request.source)
    with unit_of_work(engine) as session:
        store, active = policy_in_force(session, request.source.store_no)  # store: kept
        source.admit(active.policy, request.source)
        taken = source.take(session, active.policy, request.source, request, today)
        by = manager.username if manager else None
        quotes = approved(taken.quotes, request.settlement, by, request.source.noun)
        register = desk_register(session, taken.store_id, actor.register)
        txn = _write_return(
            session, actor, register, taken, quotes, request, manager, active.version_id
        )
        done = settle(
            Settling(
                session, actor, txn, taken.sale, register, taken.receipt, quotes,
                taken.tender_rows, request, today, taken.cash_limit, taken.cash_paid_today,
            )
        )  # fmt: skip
        _audit(session, actor, txn, taken, request, done)
        if manager is not None:
            _audit_override(session, actor, manager, txn)
        if request.complaint:  # the same unit of work: the remedy and its link, or neither
            carry_out_remedy(session, actor, request.complaint, txn)
        return done


def policy_in_force(session: Session, store_no: int | None) -> tuple[Store, ActivePolicy]:
    """The store the return is decided for (the selling store for a receipt, the desk's
    own without one) and the policy in force there now, as ``session`` sees it;
    :class:`NoPolicyYet` if none was ever assigned. (Kept by the caller, the store's row
    stays in the session's identity map: what follows finds it there.)"""
    number = desk_store_number(store_no)
    found = store_and_policy(session, number)  # one query for both
    if found is None or found[0].id is None:
        raise no_such_store(number)
    store, active = found
    assert store.id is not None  # checked above
    if active is None:
        raise NoPolicyYet(store.id)
    return store, active


def store_policy(engine: Engine, store_no: int | None) -> ActivePolicy:
    """The policy in force now at the store the return is decided for, read on its own
    (before a manager's PIN is checked)."""
    with read_only(engine) as session:
        store = desk_store(session, store_no)
    return active_policy(engine, store.id)


def desk_register(session: Session, store_id: int, label: str) -> Register:
    """This desk's register in the store (``R2`` is number 92), created on first use, locked."""
    number = desk_register_number(label)
    params = {"store_id": store_id, "number": number}
    register = session.exec(_REGISTER_LOCKED, params=params).first()
    if register is None:
        register = Register(store_id=store_id, number=number, name=f"Returns desk {label}")
        session.add(register)
        session.flush()
    return register


_REGISTER_LOCKED = (  # built once: every completion runs it
    select(Register)
    .where(Register.store_id == bindparam("store_id"), Register.number == bindparam("number"))
    .with_for_update()
)


def _write_return(
    session: Session,
    actor: Actor,
    register: Register,
    taken: Taken,
    quotes: Sequence[LineQuote],
    request: CompletionRequest,
    manager: Actor | None,
    policy_version_id: int,
) -> ReturnTxn:
    """The return row (its reference made from its id, reserved first) and its lines."""
    number = next_id(session, ReturnTxn)
    origin = taken.origin
    txn = ReturnTxn(
        id=number,
        reference=f"RT-{number:07d}",
        policy_version_id=policy_version_id,
        store_id=taken.store_id,
        register_id=register.id or 0,
        clerk_id=actor.user_id,
        manager_id=manager.user_id if manager else None,
        override_reason=request.override.reason.strip() if request.override and manager else None,
        sale_id=origin.sale_id,
        customer_id=origin.customer_id,
        prereturn_id=origin.prereturn_id,
        id_type=origin.id_type,
        id_hash=origin.id_hash,
        id_masked=origin.id_masked,
        settlement=request.settlement.value,
        total_refund=sum((q.decision.refund_amount for q in quotes), ZERO),
        restocking_fees=sum((q.decision.restocking_fee for q in quotes), ZERO),
        started_at=request.started_at,
    )
    insert_row(session, txn)  # written straight (store/rows.py): every completion writes it
    for quote, product_id in zip(quotes, taken.products, strict=True):
        _write_line(session, number, quote, product_id)
    return txn


def _write_line(session: Session, return_id: int, quote: LineQuote, product_id: int) -> None:
    """One returned line with the decision that allowed it (the rules that matched, and all
    of it as JSON)."""
    decision, item = quote.decision, quote.item
    insert_row(
        session,
        ReturnLine(
            return_id=return_id,
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
        ),
    )


def _audit(
    session: Session,
    actor: Actor,
    txn: ReturnTxn,
    taken: Taken,
    request: CompletionRequest,
    done: CompletedReturn,
) -> None:
    """The return as auditors see it: where it came from, what came back, how it was paid."""
    details = {
        "reference": txn.reference,
        **taken.details,
        "settlement": request.settlement.value,
        "total": str(txn.total_refund),
        "policy_version_id": txn.policy_version_id,
    }
    if done.new_receipt_code:
        details.update(new_receipt=done.new_receipt_code, difference=str(done.difference))
    exchange = request.settlement is Settlement.EXCHANGE
    audit.append(
        session,
        actor=actor.username,
        action="exchange.complete" if exchange else "return.complete",
        entity="return_txn",
        entity_id=txn.id,
        details=details,
        register=actor.register,
    )


def _audit_override(session: Session, actor: Actor, manager: Actor, txn: ReturnTxn) -> None:
    """The manager's approval, as its own event in the return's transaction."""
    audit.append(
        session,
        actor=manager.username,
        action="return.override",
        entity="return_txn",
        entity_id=txn.id,
        details={
            "clerk": actor.username,
            "reason": txn.override_reason,
            "self_approved": manager.username == actor.username,
        },
        register=actor.register,
    )

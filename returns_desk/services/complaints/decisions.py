"""The store's decision on a complaint, the customer's answer, and the remedy carried out.

A decision records upheld / partly / not upheld, the reasons and the remedy; it is made by
a manager who is not the person the complaint is about (nor, for a complaint about an
override, the manager who overrode). A rejected decision goes to a review by a second
manager, whose decision is final. Remedies are carried out through the desk's normal
services: a refund, exchange or policy exception is a return completed at the counter and
then linked here; a goodwill voucher is issued through ``services.vouchers``. Each
transaction can be linked to one complaint only, so it is audited and counted once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from returns_desk.domain.complaint import (
    NOTHING_TO_CARRY_OUT,
    TRANSACTION_REMEDIES,
    Answer,
    Outcome,
    Remedy,
    Status,
    TransitionError,
    check_decision,
    check_objectivity,
    check_role,
    find_verb,
    words,
)
from returns_desk.domain.complaint_sla import SlaConfig
from returns_desk.domain.draft import ReturnError
from returns_desk.domain.money import MoneyError, format_money, parse_money
from returns_desk.domain.roles import Role
from returns_desk.services.complaints.common import (
    ComplaintError,
    ComplaintNotFound,
    audit_event,
    history,
    involved,
    latest_decision,
    locked,
    mark_first_response,
)
from returns_desk.services.complaints.config import sla_config
from returns_desk.services.staff.security import Actor, require
from returns_desk.services.vouchers.issue import issue_goodwill_voucher
from returns_desk.store.db import unit_of_work
from returns_desk.store.models import (
    Complaint,
    ComplaintDecision,
    ComplaintRemedy,
    Exchange,
    ReturnTxn,
    Voucher,
)
from returns_desk.store.tables._base import utcnow

MAX_REASONS = 2000


@dataclass(frozen=True)
class DecisionMade:
    """What was decided, at which level, and until when the customer may answer."""

    level: int
    final: bool
    outcome: Outcome
    remedy: Remedy
    reply_by: datetime


def decide(
    engine: Engine,
    actor: Actor,
    reference: str,
    outcome: Outcome,
    reasons: str,
    remedy: Remedy,
    *,
    amount: str | Decimal | None = None,
    now: datetime | None = None,
    config: SlaConfig | None = None,
) -> DecisionMade:
    """Record the store's decision and give it to the customer (the decision slip).

    From investigating it is the first decision; from review (the customer rejected the
    first) it is the second level's, final one. The first decision stops the resolution clock.
    """
    require(actor, Role.MANAGER)
    config, now = config or sla_config(), now or utcnow()
    check_decision(outcome, reasons, remedy)
    if len(reasons) > MAX_REASONS:
        raise ComplaintError(f"reasons: keep them under {MAX_REASONS} characters")
    money = goodwill_amount(remedy, amount)
    with unit_of_work(engine) as session:
        row = locked(session, reference)
        source = Status(row.status)
        check_role(find_verb(source, "decide"), actor.role.value)
        level = 2 if source is Status.REVIEW else 1
        action = "review" if level == 2 else "decide"
        check_objectivity(involved(session, row), actor.user_id, action, actor.display_name)
        reply_by = now + timedelta(days=config.reply_days)
        session.add(
            ComplaintDecision(
                complaint_id=row.id or 0,
                level=level,
                final=level == 2,
                outcome=outcome.value,
                reasons=reasons.strip(),
                remedy=remedy.value,
                remedy_amount=money,
                decided_by=actor.user_id,
                decided_at=now,
                reply_by=reply_by,
            )
        )
        mark_first_response(row, now)
        row.status, row.decided_at = Status.DECIDED.value, row.decided_at or now
        session.add(row)
        remedy_words = words(remedy) + (f" {format_money(money)}" if money else "")
        note = f"{'review: ' if level == 2 else ''}{words(outcome)}; remedy {remedy_words}"
        history(session, row, source, actor, now, note)
        details = {
            "level": level, "outcome": outcome.value, "remedy": remedy.value,
            "amount": str(money) if money else None, "reply_by": reply_by,
        }  # fmt: skip
        audit_event(session, actor, "complaint.decide", row, details)
        return DecisionMade(level, level == 2, outcome, remedy, reply_by)


def goodwill_amount(remedy: Remedy, amount: str | Decimal | None) -> Decimal | None:
    if remedy is not Remedy.GOODWILL_VOUCHER:
        if amount not in (None, ""):
            raise ComplaintError("amount: only a goodwill voucher has an amount")
        return None
    try:
        money = parse_money(amount if amount is not None else "")
    except (MoneyError, ArithmeticError, ValueError):
        raise ComplaintError(f"amount: give a value like 15.00, not {amount!r}") from None
    if money <= 0:
        raise ComplaintError("amount: a goodwill voucher is worth more than 0.00")
    return money


def record_answer(
    engine: Engine,
    actor: Actor,
    reference: str,
    answer: Answer,
    note: str = "",
    *,
    now: datetime | None = None,
) -> Status:
    """The customer's answer to the decision: accepted (resolved), rejected (a second
    manager reviews; after a final decision it stays decided), or no reply once the
    reply-by date has passed. Returns where the complaint now stands."""
    require(actor, Role.CLERK, Role.MANAGER)
    now = now or utcnow()
    with unit_of_work(engine) as session:
        row = locked(session, reference)
        source = Status(row.status)
        check_role(find_verb(source, "answer"), actor.role.value)
        decision = latest_decision(session, row)
        assert decision is not None  # decided implies a decision row
        if decision.answer in (Answer.ACCEPTED.value, Answer.REJECTED.value):
            raise TransitionError(f"the customer already {decision.answer} this decision")
        if answer is Answer.NO_REPLY and now <= decision.reply_by:
            raise TransitionError(
                f"the customer has until {decision.reply_by:%Y-%m-%d} to answer; "
                "record no reply after that"
            )
        target = _after_answer(answer, decision.final)
        decision.answer, decision.answered_at = answer.value, now
        decision.answered_by, decision.answer_note = actor.user_id, note.strip()[:MAX_REASONS]
        session.add(decision)
        row.status = target.value
        if target is Status.RESOLVED:
            row.resolved_at = now
        session.add(row)
        why = f"customer's answer: {words(answer)}" + (f"; {note.strip()}" if note.strip() else "")
        history(session, row, source, actor, now, why)
        details = {"answer": answer.value, "final": decision.final, "to": target.value}
        audit_event(session, actor, "complaint.answer", row, details)
        return target


def _after_answer(answer: Answer, final: bool) -> Status:
    if answer is Answer.ACCEPTED:
        return Status.RESOLVED
    if answer is Answer.REJECTED and not final:
        return Status.REVIEW
    return Status.DECIDED


# --- carrying the remedy out ----------------------------------------------------------------


@dataclass(frozen=True)
class RemedyDone:
    """The remedy and what carried it out: a return, a voucher, or a note."""

    remedy: Remedy
    return_reference: str | None = None
    voucher_code: str | None = None
    note: str = ""


def _remedy_decision(session: Session, row: Complaint) -> ComplaintDecision:
    """The decision whose remedy is to be carried out, once."""
    if row.status not in (Status.DECIDED.value, Status.RESOLVED.value):
        raise TransitionError(f"it is {row.status}: there is no decision to carry out yet")
    decision = latest_decision(session, row)
    assert decision is not None
    if Remedy(decision.remedy) in NOTHING_TO_CARRY_OUT:
        raise TransitionError(f"the remedy is {words(decision.remedy)}: nothing to carry out")
    done = select(ComplaintRemedy.id).where(ComplaintRemedy.decision_id == decision.id)
    if session.exec(done).first() is not None:
        raise TransitionError("this decision's remedy is already carried out")
    return decision


def _record(
    session: Session,
    actor: Actor,
    row: Complaint,
    decision: ComplaintDecision,
    done: RemedyDone,
    ids: tuple[int | None, int | None],
    now: datetime,
) -> RemedyDone:
    session.add(
        ComplaintRemedy(
            complaint_id=row.id or 0,
            decision_id=decision.id or 0,
            kind=decision.remedy,
            return_id=ids[0],
            voucher_id=ids[1],
            note=done.note,
            done_at=now,
            done_by=actor.user_id,
        )
    )
    link = done.return_reference or done.voucher_code or done.note
    status = Status(row.status)
    history(session, row, status, actor, now, f"remedy carried out: {words(done.remedy)} {link}")
    details = {"remedy": decision.remedy, "return": done.return_reference,
               "voucher": done.voucher_code, "note": done.note}  # fmt: skip
    audit_event(session, actor, "complaint.remedy", row, details)
    return done


@contextmanager
def _carrying_out(
    engine: Engine, actor: Actor, reference: str
) -> Iterator[tuple[Session, Complaint, ComplaintDecision]]:
    """A manager's unit of work on the decision whose remedy is due (refused otherwise)."""
    require(actor, Role.MANAGER)
    with unit_of_work(engine) as session:
        row = locked(session, reference)
        yield session, row, _remedy_decision(session, row)


def issue_goodwill(
    engine: Engine, actor: Actor, reference: str, *, now: datetime | None = None
) -> RemedyDone:
    """Issue the decided goodwill voucher through the voucher service, linked here."""
    now = now or utcnow()
    with _carrying_out(engine, actor, reference) as (session, row, decision):
        if decision.remedy != Remedy.GOODWILL_VOUCHER.value or not decision.remedy_amount:
            raise TransitionError(f"the remedy decided is {words(decision.remedy)}, not a voucher")
        voucher = issue_goodwill_voucher(
            session, actor, decision.remedy_amount, _today(now), f"complaint {row.reference}"
        )
        done = RemedyDone(Remedy.GOODWILL_VOUCHER, voucher_code=voucher.code)
        return _record(session, actor, row, decision, done, (None, voucher.id), now)


def _today(now: datetime) -> date:
    return now.astimezone(sla_config().zone).date()


def link_return(
    engine: Engine,
    actor: Actor,
    reference: str,
    return_reference: str,
    *,
    now: datetime | None = None,
) -> RemedyDone:
    """Link the return that carried out a refund, exchange or policy exception."""
    now = now or utcnow()
    with _carrying_out(engine, actor, reference) as (session, row, decision):
        ref = return_reference.strip().upper()
        txn = session.exec(select(ReturnTxn).where(ReturnTxn.reference == ref)).first()
        if txn is None:
            raise ComplaintError(f"return: no completed return {ref!r}")
        return _attach(session, actor, row, decision, txn, now)


def carry_out_remedy(
    session: Session, actor: Actor, reference: str, txn: ReturnTxn, now: datetime | None = None
) -> RemedyDone:
    """Inside the completion's unit of work: the return just made carries out the decided
    remedy and is linked to it. If it cannot be, the return does not happen either; the
    refusal says why, as a return refusal the counter shows."""
    require(actor, Role.CLERK, Role.MANAGER)
    try:
        row = locked(session, reference)
        return _attach(session, actor, row, _remedy_decision(session, row), txn, now or utcnow())
    except (ComplaintError, ComplaintNotFound, TransitionError) as exc:
        raise ReturnError(f"complaint {reference.strip().upper()}: {exc}") from None


def _attach(
    session: Session,
    actor: Actor,
    row: Complaint,
    decision: ComplaintDecision,
    txn: ReturnTxn,
    now: datetime,
) -> RemedyDone:
    remedy = Remedy(decision.remedy)
    if remedy not in TRANSACTION_REMEDIES:
        raise TransitionError(f"a {words(remedy)} is not carried out by a return")
    _check_return(session, row, remedy, txn)
    done = RemedyDone(remedy, return_reference=txn.reference)
    return _record(session, actor, row, decision, done, (txn.id, None), now)


def _check_return(session: Session, row: Complaint, remedy: Remedy, txn: ReturnTxn) -> None:
    """The return fits the remedy: the complaint's receipt, the right kind, not used twice."""
    ref = txn.reference
    if row.sale_id and txn.sale_id != row.sale_id:
        raise ComplaintError(f"return: {ref} is for another receipt than the complaint's")
    exchanged = session.exec(select(Exchange.id).where(Exchange.return_id == txn.id)).first()
    if remedy is Remedy.EXCHANGE and exchanged is None:
        raise ComplaintError(f"return: {ref} is not an exchange")
    if remedy is Remedy.REFUND and exchanged is not None:
        raise ComplaintError(f"return: {ref} is an exchange, not a refund")
    if remedy is Remedy.POLICY_EXCEPTION and txn.manager_id is None:
        raise ComplaintError(f"return: {ref} was not approved as an exception by a manager")
    taken = session.exec(
        select(ComplaintRemedy.complaint_id).where(ComplaintRemedy.return_id == txn.id)
    ).first()
    if taken is not None:
        other = session.get(Complaint, taken)
        raise ComplaintError(
            f"return: {ref} is already the remedy of {other.reference if other else 'a complaint'}"
        )


def mark_done(
    engine: Engine, actor: Actor, reference: str, note: str, *, now: datetime | None = None
) -> RemedyDone:
    """A remedy no transaction carries out (a repair): done, with what was done."""
    now = now or utcnow()
    if not note.strip():
        raise ComplaintError("note: say what was done (the repair job, who did it)")
    with _carrying_out(engine, actor, reference) as (session, row, decision):
        remedy = Remedy(decision.remedy)
        if remedy in TRANSACTION_REMEDIES or remedy is Remedy.GOODWILL_VOUCHER:
            how = "issue the voucher" if remedy is Remedy.GOODWILL_VOUCHER else "link its return"
            raise TransitionError(f"a {words(remedy)} is carried out by the desk: {how}")
        done = RemedyDone(remedy, note=note.strip()[:MAX_REASONS])
        return _record(session, actor, row, decision, done, (None, None), now)


def voucher_of(session: Session, voucher_id: int | None) -> str | None:
    voucher = session.get(Voucher, voucher_id) if voucher_id else None
    return voucher.code if voucher else None

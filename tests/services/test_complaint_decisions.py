"""Deciding complaints on the real database: objectivity, the decision and its remedy carried
out through the normal services (linked, counted once), the customer's answer, the internal
review, closure reasons and reopening."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlmodel import select

from returns_desk.domain.complaint import (
    Answer,
    Closure,
    Outcome,
    Remedy,
    Status,
    TransitionError,
)
from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import Override, ReturnError, ReturnItem
from returns_desk.domain.roles import Role
from returns_desk.services.complaints.decisions import (
    decide,
    issue_goodwill,
    link_return,
    mark_done,
    record_answer,
)
from returns_desk.services.complaints.lifecycle import close, reopen, transition
from returns_desk.services.complaints.views import complaint_detail
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.staff.security import Actor, RoleError, hash_pin
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import AuditEvent, ComplaintRemedy, ReturnTxn, User, Voucher
from tests.drafts import receipt_request
from tests.services.test_complaints import MONDAY, log, row_of

TODAY = date(2026, 11, 23)
LATER = MONDAY + timedelta(days=1)


def second_manager(engine) -> Actor:
    """A second manager, for reviews and complaints about the first."""
    with unit_of_work(engine) as session:
        user = User(
            username="noor",
            display_name="Noor Manager",
            role=Role.MANAGER,
            pin_hash=hash_pin("8888"),
        )
        session.add(user)
        session.flush()
        return Actor(user.id, "noor", "Noor Manager", Role.MANAGER, "R1")


@pytest.fixture
def noor(demo_engine) -> Actor:
    return second_manager(demo_engine)


def plain(receipt, days=20):
    return receipt.sold_at.date() >= TODAY - timedelta(days=days) and not receipt.gift_receipt


def _returnable(receipt):
    return [
        line
        for line in receipt.lines
        if not (line.final_sale or line.serialized) and line.category != "clearance"
    ]


def refund(engine, actor, receipt, override=None, settlement=Settlement.REFUND):
    """A return completed the normal way at the counter: the remedy's transaction."""
    line = _returnable(receipt)[0]
    item = ReturnItem(line.line_no, 1, reason_code="changed_mind")
    request = receipt_request(engine, receipt.code, (item,), settlement, override)
    return complete_return(engine, actor, request, TODAY).reference


def investigating(engine, actors, **kw):
    ref = log(engine, actors["cleo"], **kw)
    transition(engine, actors["maria"], ref, Status.INVESTIGATING, now=MONDAY)
    return ref


def test_decision_accepted_refund_linked_then_closed(demo_engine, demo_actors, pick_receipt):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    receipt = pick_receipt(lambda r: plain(r) and _returnable(r))
    ref = investigating(demo_engine, demo_actors, receipt_code=receipt.code)
    made = decide(
        demo_engine, maria, ref, Outcome.UPHELD, "The kettle was faulty.", Remedy.REFUND, now=LATER
    )
    assert (made.level, made.final) == (1, False)
    assert made.reply_by == LATER + timedelta(days=14)
    row = row_of(demo_engine, ref)
    assert (row.status, row.decided_at, row.first_response_at) == ("decided", LATER, LATER)
    assert record_answer(demo_engine, cleo, ref, Answer.ACCEPTED, now=LATER) is Status.RESOLVED
    with pytest.raises(TransitionError, match="carry out the remedy"):
        close(demo_engine, maria, ref, Closure.ACCEPTED)
    done = link_return(demo_engine, maria, ref, refund(demo_engine, cleo, receipt))
    close(demo_engine, maria, ref, Closure.ACCEPTED, now=LATER)
    detail = complaint_detail(demo_engine, ref)
    assert detail.decision.remedy_done == done.return_reference
    assert (detail.row.status, detail.closure_reason) == (Status.CLOSED, Closure.ACCEPTED)
    assert row_of(demo_engine, ref).resolved_at == LATER


def test_a_return_is_the_remedy_of_one_complaint_only(demo_engine, demo_actors, pick_receipt):
    maria = demo_actors["maria"]
    receipt = pick_receipt(lambda r: plain(r) and _returnable(r))
    first = investigating(demo_engine, demo_actors, receipt_code=receipt.code)
    second = investigating(demo_engine, demo_actors, receipt_code=receipt.code)
    for ref in (first, second):
        decide(demo_engine, maria, ref, Outcome.UPHELD, "Faulty.", Remedy.REFUND)
    returned = refund(demo_engine, demo_actors["cleo"], receipt)
    link_return(demo_engine, maria, first, returned)
    with pytest.raises(ValueError, match=f"{returned} is already the remedy of {first}"):
        link_return(demo_engine, maria, second, returned)
    with pytest.raises(TransitionError, match="already carried out"):
        link_return(demo_engine, maria, first, returned)
    with pytest.raises(ValueError, match="is not an exchange"):
        third = investigating(demo_engine, demo_actors, receipt_code=receipt.code)
        decide(demo_engine, maria, third, Outcome.UPHELD, "Wrong size.", Remedy.EXCHANGE)
        link_return(demo_engine, maria, third, returned)
    with read_only(demo_engine) as session:
        assert len(session.exec(select(ComplaintRemedy)).all()) == 1


def test_goodwill_voucher_goes_through_the_voucher_service(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    ref = investigating(demo_engine, demo_actors, category="service")
    with pytest.raises(ValueError, match="amount: give a value like 15.00"):
        decide(
            demo_engine,
            maria,
            ref,
            Outcome.UPHELD,
            "Long wait.",
            Remedy.GOODWILL_VOUCHER,
            amount="lots",
        )
    decide(
        demo_engine,
        maria,
        ref,
        Outcome.PARTLY_UPHELD,
        "Long wait at the desk.",
        Remedy.GOODWILL_VOUCHER,
        amount="15.00",
    )
    done = issue_goodwill(demo_engine, maria, ref)
    with read_only(demo_engine) as session:
        voucher = session.exec(select(Voucher).where(Voucher.code == done.voucher_code)).one()
        issued = session.exec(
            select(AuditEvent).where(AuditEvent.action == "voucher.issue.goodwill")
        ).one()
    assert (str(voucher.amount), voucher.return_id) == ("15.00", None)
    assert ref in issued.details
    with pytest.raises(TransitionError, match="already carried out"):
        issue_goodwill(demo_engine, maria, ref)
    assert complaint_detail(demo_engine, ref).decision.remedy_done == voucher.code


def test_a_repair_is_marked_done_with_what_was_done(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    ref = investigating(demo_engine, demo_actors)
    decide(demo_engine, maria, ref, Outcome.UPHELD, "Hinge broke.", Remedy.REPAIR)
    with pytest.raises(ValueError, match="note: say what was done"):
        mark_done(demo_engine, maria, ref, " ")
    mark_done(demo_engine, maria, ref, "repair job R-77, fixed by the workshop")
    assert complaint_detail(demo_engine, ref).decision.remedy_done.startswith("repair job R-77")


def test_decisions_need_reasons_and_an_upheld_one_a_remedy(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    ref = investigating(demo_engine, demo_actors)
    with pytest.raises(TransitionError, match="needs its reasons"):
        decide(demo_engine, maria, ref, Outcome.NOT_UPHELD, " ", Remedy.NONE)
    with pytest.raises(TransitionError, match="upheld needs a remedy"):
        decide(demo_engine, maria, ref, Outcome.UPHELD, "It broke.", Remedy.NONE)
    with pytest.raises(RoleError, match="this needs a manager"):
        decide(demo_engine, demo_actors["cleo"], ref, Outcome.NOT_UPHELD, "No.", Remedy.NONE)
    assert row_of(demo_engine, ref).status == "investigating"


def test_rejected_goes_to_a_second_manager_whose_decision_is_final(demo_engine, demo_actors, noor):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    ref = investigating(demo_engine, demo_actors)
    decide(demo_engine, maria, ref, Outcome.NOT_UPHELD, "Worn, not faulty.", Remedy.NONE)
    assert record_answer(demo_engine, cleo, ref, Answer.REJECTED, "wants a refund") is (
        Status.REVIEW
    )
    with pytest.raises(TransitionError, match="Maria Manager made the decision under review"):
        decide(demo_engine, maria, ref, Outcome.NOT_UPHELD, "Still worn.", Remedy.NONE)
    made = decide(demo_engine, noor, ref, Outcome.PARTLY_UPHELD, "Worn, but early.", Remedy.APOLOGY)
    assert (made.level, made.final) == (2, True)
    with pytest.raises(TransitionError, match="cannot be closed as accepted"):
        close(demo_engine, maria, ref, Closure.ACCEPTED)
    assert record_answer(demo_engine, cleo, ref, Answer.REJECTED) is Status.DECIDED
    with pytest.raises(TransitionError, match="already rejected"):
        record_answer(demo_engine, cleo, ref, Answer.ACCEPTED)
    assert complaint_detail(demo_engine, ref).closures[0] is Closure.FINAL_DECISION_NOT_ACCEPTED
    close(demo_engine, maria, ref, Closure.FINAL_DECISION_NOT_ACCEPTED)
    history = [h.note for h in complaint_detail(demo_engine, ref).history]
    assert "review: partly upheld; remedy apology" in history
    assert "final decision not accepted" in history


def test_no_reply_only_after_the_reply_by_date_then_no_contact(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    ref = investigating(demo_engine, demo_actors)
    decide(demo_engine, maria, ref, Outcome.UPHELD, "Sorry.", Remedy.APOLOGY, now=MONDAY)
    with pytest.raises(TransitionError, match="has until 2026-12-07 to answer"):
        record_answer(demo_engine, maria, ref, Answer.NO_REPLY, now=MONDAY + timedelta(days=3))
    with pytest.raises(TransitionError, match="until 'no reply' is recorded"):
        close(demo_engine, maria, ref, Closure.NO_CONTACT)
    record_answer(demo_engine, maria, ref, Answer.NO_REPLY, now=MONDAY + timedelta(days=15))
    close(demo_engine, maria, ref, Closure.NO_CONTACT)
    assert row_of(demo_engine, ref).closure_reason == "no_contact"


def test_objectivity_named_staff_and_overridden_returns(
    demo_engine, demo_actors, noor, pick_receipt
):
    maria = demo_actors["maria"]
    about_maria = investigating(demo_engine, demo_actors, category="staff", named_staff="maria")
    with pytest.raises(TransitionError, match="Maria Manager is named in this complaint"):
        decide(demo_engine, maria, about_maria, Outcome.NOT_UPHELD, "Polite.", Remedy.NONE)
    decide(demo_engine, noor, about_maria, Outcome.NOT_UPHELD, "CCTV: polite.", Remedy.NONE)

    late = pick_receipt(
        lambda r: (
            40 <= (TODAY - r.sold_at.date()).days <= 80 and not r.gift_receipt and _returnable(r)
        )
    )
    overridden = refund(
        demo_engine, demo_actors["cleo"], late, Override("maria", "9999", "loyal customer")
    )
    with read_only(demo_engine) as session:
        from returns_desk.store.models import ReturnTxn

        txn = session.exec(select(ReturnTxn).where(ReturnTxn.reference == overridden)).one()
    ref = investigating(demo_engine, demo_actors, receipt_code=late.code, return_id=txn.id)
    with pytest.raises(TransitionError, match="about Maria Manager's override; a different"):
        decide(demo_engine, maria, ref, Outcome.UPHELD, "Fine.", Remedy.APOLOGY)
    decide(demo_engine, noor, ref, Outcome.UPHELD, "Should have said so.", Remedy.POLICY_EXCEPTION)
    link_return(demo_engine, noor, ref, overridden)  # the exception was the override itself


def test_closure_reasons_and_reopening_counted(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    ref = log(demo_engine, demo_actors["cleo"])
    other = log(demo_engine, demo_actors["cleo"])
    with pytest.raises(TransitionError, match="closed as: withdrawn, duplicate"):
        close(demo_engine, maria, ref, Closure.ACCEPTED)
    with pytest.raises(ValueError, match="duplicate of: name another complaint"):
        close(demo_engine, maria, ref, Closure.DUPLICATE, duplicate_of=ref)
    close(demo_engine, maria, ref, Closure.DUPLICATE, duplicate_of=other)
    assert complaint_detail(demo_engine, ref).history[-1].note == f"duplicate of {other}"
    with pytest.raises(TransitionError, match="give a reason"):
        reopen(demo_engine, maria, ref, " ")
    assert reopen(demo_engine, maria, ref, "not the same kettle after all") == 1
    row = row_of(demo_engine, ref)
    assert (row.status, row.closed_at, row.closure_reason) == ("investigating", None, None)
    decide(demo_engine, maria, ref, Outcome.UPHELD, "Faulty.", Remedy.APOLOGY)
    record_answer(demo_engine, maria, ref, Answer.ACCEPTED)
    assert reopen(demo_engine, maria, ref, "kettle leaks again") == 2


def test_a_return_made_for_the_complaint_is_linked_in_the_same_transaction(
    demo_engine, demo_actors, pick_receipt
):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    receipt = pick_receipt(lambda r: plain(r) and _returnable(r))
    ref = investigating(demo_engine, demo_actors, receipt_code=receipt.code)
    line = _returnable(receipt)[0]
    request = receipt_request(
        demo_engine,
        receipt.code,
        (ReturnItem(line.line_no, 1, reason_code="changed_mind"),),
        Settlement.REFUND,
    )
    early = replace(request, complaint=ref)
    refused = f"complaint {ref}: it is investigating: there is no decision"
    with pytest.raises(ReturnError, match=refused):
        complete_return(demo_engine, cleo, early, TODAY)  # no decision yet: no return either
    with read_only(demo_engine) as session:
        assert session.exec(select(ReturnTxn)).all() == []
    decide(demo_engine, maria, ref, Outcome.UPHELD, "Faulty.", Remedy.REFUND)
    done = complete_return(demo_engine, cleo, early, TODAY)
    detail = complaint_detail(demo_engine, ref)
    assert detail.decision.remedy_done == done.reference
    assert detail.history[-1].note == f"remedy carried out: refund {done.reference}"

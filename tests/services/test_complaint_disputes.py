"""External disputes (ISO 10003) on the real database: consent, notice, position, outcome,
implementation through the normal services, closing the file, satisfaction with it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from returns_desk.domain.complaint import (
    Answer,
    Closure,
    DisputeMethod,
    DisputeOutcome,
    Outcome,
    Remedy,
    Status,
    TransitionError,
)
from returns_desk.services.complaints.decisions import decide, record_answer
from returns_desk.services.complaints.disputes import (
    DisputeNotice,
    implement,
    record_dispute_satisfaction,
    record_outcome,
    refer,
)
from returns_desk.services.complaints.lifecycle import close, transition
from returns_desk.services.complaints.views import complaint_detail
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent, Voucher
from tests.services.test_complaint_decisions import _returnable, plain, refund, second_manager
from tests.services.test_complaints import MONDAY, log

NOTICE = DisputeNotice(
    "Retail Dispute Service",
    DisputeMethod.ADVISORY,
    True,
    date(2026, 11, 20),
    "We offered an exchange; a refund is not due after 60 days.",
    "signed form",
)


def rejected_for_good(engine, actors, **kw):
    """A complaint whose final decision the customer rejected."""
    maria = actors["maria"]
    ref = log(engine, actors["cleo"], **kw)
    transition(engine, maria, ref, Status.INVESTIGATING, now=MONDAY)
    decide(engine, maria, ref, Outcome.NOT_UPHELD, "Worn, not faulty.", Remedy.NONE)
    record_answer(engine, actors["cleo"], ref, Answer.REJECTED)
    decide(engine, second_manager(engine), ref, Outcome.NOT_UPHELD, "Worn.", Remedy.NONE)
    record_answer(engine, actors["cleo"], ref, Answer.REJECTED)
    return ref


def test_a_dispute_from_consent_to_closed_file(demo_engine, demo_actors, pick_receipt):
    maria = demo_actors["maria"]
    receipt = pick_receipt(lambda r: plain(r) and _returnable(r))
    ref = rejected_for_good(demo_engine, demo_actors, receipt_code=receipt.code)
    assert refer(demo_engine, maria, ref, NOTICE) is Status.REFERRED
    with pytest.raises(TransitionError, match="record the dispute body's outcome"):
        close(demo_engine, maria, ref, Closure.REFERRED_EXTERNALLY)
    with pytest.raises(TransitionError, match="record the dispute body's outcome before"):
        implement(demo_engine, maria, ref, goodwill="10.00")
    record_outcome(
        demo_engine, maria, ref, DisputeOutcome.RECOMMENDATION_ACCEPTED, "refund the kettle"
    )
    returned = refund(demo_engine, demo_actors["cleo"], receipt)
    assert implement(demo_engine, maria, ref, return_reference=returned) == returned
    with pytest.raises(TransitionError, match="already implemented"):
        implement(demo_engine, maria, ref, goodwill="5.00")
    close(demo_engine, maria, ref, Closure.REFERRED_EXTERNALLY)
    record_dispute_satisfaction(demo_engine, demo_actors["cleo"], ref, 4)
    dispute = complaint_detail(demo_engine, ref).dispute
    assert (dispute.provider, dispute.method, dispute.notice_received_on) == (
        "Retail Dispute Service",
        DisputeMethod.ADVISORY,
        date(2026, 11, 20),
    )
    assert dispute.initial_position.startswith("We offered an exchange")
    assert (dispute.outcome_kind, dispute.outcome) == (
        DisputeOutcome.RECOMMENDATION_ACCEPTED,
        "refund the kettle",
    )
    assert (dispute.implemented_by, dispute.satisfaction) == (returned, 4)
    assert dispute.closed_on is not None and dispute.consent_note == "signed form"
    detail = complaint_detail(demo_engine, ref)
    assert detail.dispute_outcome == "recommendation accepted: refund the kettle"
    with read_only(demo_engine) as session:
        actions = set(session.exec(select(AuditEvent.action)))
    assert {
        "complaint.refer",
        "complaint.dispute.outcome",
        "complaint.dispute.implement",
        "complaint.dispute.rating",
    } <= actions


def test_no_consent_no_referral_and_the_complaint_stays(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    ref = rejected_for_good(demo_engine, demo_actors)
    refused = DisputeNotice("Ombudsman", DisputeMethod.DETERMINATIVE, False, date(2026, 11, 20))
    with pytest.raises(ValueError, match="consent: the customer must agree"):
        refer(demo_engine, maria, ref, refused)
    with pytest.raises(ValueError, match="provider: name the external"):
        refer(
            demo_engine,
            maria,
            ref,
            DisputeNotice(" ", DisputeMethod.ADVISORY, True, date(2026, 11, 20)),
        )
    assert complaint_detail(demo_engine, ref).row.status is Status.DECIDED
    close(demo_engine, maria, ref, Closure.FINAL_DECISION_NOT_ACCEPTED)


def test_a_settlement_implemented_with_a_voucher(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    ref = rejected_for_good(demo_engine, demo_actors)
    refer(demo_engine, maria, ref, NOTICE)
    record_outcome(demo_engine, maria, ref, DisputeOutcome.SETTLEMENT, "25.00 store credit")
    code = implement(demo_engine, maria, ref, goodwill="25.00")
    with read_only(demo_engine) as session:
        voucher = session.exec(select(Voucher).where(Voucher.code == code)).one()
    assert str(voucher.amount) == "25.00"
    close(demo_engine, maria, ref, Closure.REFERRED_EXTERNALLY)
    assert complaint_detail(demo_engine, ref).closure_reason is Closure.REFERRED_EXTERNALLY

"""Complaint slips as the customer reads them: the acknowledgement states the complaint's own
targets (not a fixed "2 working days") and the promises; the decision slip states the
outcome, the remedy and the recourse; both barcodes scan back to the reference."""

from __future__ import annotations

from returns_desk.domain.complaint import Answer, Outcome, Remedy, Status
from returns_desk.domain.complaint_sla import Severity
from returns_desk.services.complaints.decisions import decide, record_answer
from returns_desk.services.complaints.lifecycle import transition
from returns_desk.services.slips.issue import print_complaint, print_decision
from tests.services.test_complaint_decisions import second_manager
from tests.services.test_complaints import MONDAY, log


def _text(read_pdf, printed):
    return read_pdf(printed.path.read_bytes())


def test_the_acknowledgement_states_the_target_of_its_severity(demo_engine, demo_actors, read_pdf):
    cleo = demo_actors["cleo"]
    low = log(demo_engine, cleo, severity=Severity.LOW, remedy_sought="exchange")
    back = _text(read_pdf, print_complaint(demo_engine, cleo, low))
    text = " ".join(back.text.split())
    assert "our decision within 10 working days" in text
    assert "2 working days" not in text.replace("first answer within 2 working days", "")
    assert "We will reply with our decision by 2026-12-05 09:00" in text  # store 101's clock
    assert "You asked for exchange" in text
    assert "A low complaint gets a first answer within 2 working days" in text
    assert "Complaining is free of charge" in text
    assert back.barcodes == [low]  # scanning the slip opens the complaint
    critical = log(demo_engine, cleo, severity=Severity.CRITICAL)
    text = " ".join(_text(read_pdf, print_complaint(demo_engine, cleo, critical)).text.split())
    assert "a first answer within 1 hour, our decision within 4 hours" in text
    assert "working days" not in text.split("Our promises")[0]


def test_the_decision_slip_states_outcome_remedy_and_recourse(demo_engine, demo_actors, read_pdf):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    ref = log(demo_engine, cleo, category="service")
    transition(demo_engine, maria, ref, Status.INVESTIGATING, now=MONDAY)
    decide(
        demo_engine,
        maria,
        ref,
        Outcome.PARTLY_UPHELD,
        "You waited 40 minutes.",
        Remedy.GOODWILL_VOUCHER,
        amount="15.00",
        now=MONDAY,
    )
    back = _text(read_pdf, print_decision(demo_engine, maria, ref))
    text = " ".join(back.text.split())
    for words in (
        "OUR DECISION",
        "Partly upheld",
        "goodwill voucher $15.00",
        "You waited 40 minutes.",
        "Please tell us by 2026-12-07",
        "Ask for a review by another manager",
        "Retail Dispute Service",
    ):
        assert words in text
    assert back.barcodes == [ref]


def test_after_the_review_only_the_external_body_is_left(demo_engine, demo_actors, read_pdf):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    ref = log(demo_engine, cleo)
    transition(demo_engine, maria, ref, Status.INVESTIGATING, now=MONDAY)
    decide(demo_engine, maria, ref, Outcome.NOT_UPHELD, "Worn, not faulty.", Remedy.NONE)
    record_answer(demo_engine, cleo, ref, Answer.REJECTED)
    decide(
        demo_engine,
        second_manager(demo_engine),
        ref,
        Outcome.NOT_UPHELD,
        "Checked again: worn.",
        Remedy.NONE,
    )
    text = " ".join(_text(read_pdf, print_decision(demo_engine, maria, ref)).text.split())
    assert "OUR FINAL DECISION" in text and "Retail Dispute Service" in text
    assert "review by another manager" not in text.split("Our promises")[0]

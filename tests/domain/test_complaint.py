"""Complaint lifecycle rules: legal moves, illegal ones refused by name, roles, closure
reasons, decisions and the objectivity guard."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from returns_desk.domain.complaint import (
    MOVES,
    Answer,
    ClosingFacts,
    Closure,
    Involved,
    Outcome,
    Remedy,
    Status,
    TransitionError,
    check_closure,
    check_decision,
    check_move,
    check_objectivity,
    closure_reasons,
    find_move,
    find_verb,
    format_reference,
    is_overdue,
    looks_like_reference,
    moves_from,
    parse_reference,
)

LEGAL = {(m.source, m.target) for m in MOVES}
ILLEGAL = [pair for pair in itertools.product(Status, Status) if pair not in LEGAL]


def test_the_iso_10002_path_is_allowed_in_order():
    path = ["received", "acknowledged", "investigating", "decided", "resolved", "closed"]
    for source, target in itertools.pairwise(path):
        assert find_move(Status(source), Status(target)).target == target
    assert find_move(Status.INVESTIGATING, Status.WAITING).verb == "pause"
    assert find_move(Status.WAITING, Status.INVESTIGATING).verb == "resume"
    assert find_move(Status.DECIDED, Status.REVIEW).verb == "answer"
    assert find_move(Status.REVIEW, Status.DECIDED).verb == "decide"


@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=lambda s: s.value)
def test_every_illegal_move_is_refused_naming_from_and_to(source, target):
    with pytest.raises(TransitionError) as info:
        find_move(source, target)
    assert f"from {source.value} to {target.value}" in str(info.value)


def test_refusal_says_where_it_can_go_instead():
    with pytest.raises(TransitionError, match="from received it can go to acknowledged, closed$"):
        find_move(Status.RECEIVED, Status.RESOLVED)
    with pytest.raises(TransitionError, match="a received complaint cannot be decided: it can"):
        find_verb(Status.RECEIVED, "decide")


def test_clerks_acknowledge_and_answer_but_only_managers_decide_and_close():
    assert check_move(Status.RECEIVED, Status.ACKNOWLEDGED, "clerk").verb == "acknowledge"
    assert check_move(Status.DECIDED, Status.RESOLVED, "clerk").verb == "answer"
    for target in (Status.DECIDED, Status.CLOSED, Status.WAITING):
        with pytest.raises(TransitionError, match="only a manager may .* you are a clerk"):
            check_move(Status.INVESTIGATING, target, "clerk")


def test_auditors_can_make_no_move_at_all():
    for status in Status:
        assert moves_from(status, "auditor") == ()
    with pytest.raises(TransitionError, match="you are an auditor"):
        check_move(Status.RECEIVED, Status.ACKNOWLEDGED, "auditor")


def test_reopening_needs_a_reason():
    with pytest.raises(TransitionError, match="to reopen a complaint .* give a reason"):
        check_move(Status.CLOSED, Status.INVESTIGATING, "manager", note="  ")
    assert check_move(Status.RESOLVED, Status.INVESTIGATING, "manager", note="again").verb == (
        "reopen"
    )


@pytest.mark.parametrize(
    ("facts", "reasons"),
    [
        (ClosingFacts(Status.RESOLVED), (Closure.ACCEPTED,)),
        (ClosingFacts(Status.INVESTIGATING), (Closure.WITHDRAWN, Closure.DUPLICATE)),
        (ClosingFacts(Status.DECIDED), (Closure.WITHDRAWN, Closure.DUPLICATE)),
        (
            ClosingFacts(Status.DECIDED, final_decision=True, answer=Answer.REJECTED),
            (Closure.FINAL_DECISION_NOT_ACCEPTED, Closure.WITHDRAWN, Closure.DUPLICATE),
        ),
        (
            ClosingFacts(Status.DECIDED, answer=Answer.NO_REPLY),
            (Closure.NO_CONTACT, Closure.WITHDRAWN, Closure.DUPLICATE),
        ),
        (ClosingFacts(Status.REFERRED), (Closure.REFERRED_EXTERNALLY, Closure.WITHDRAWN)),
        (ClosingFacts(Status.CLOSED), ()),
    ],
)
def test_closure_reasons_follow_the_state(facts, reasons):
    assert closure_reasons(facts) == reasons


def test_closing_refusals_say_what_is_missing():
    with pytest.raises(TransitionError, match="carry out the remedy"):
        check_closure(ClosingFacts(Status.RESOLVED, remedy_done=False), Closure.ACCEPTED)
    with pytest.raises(TransitionError, match="record the dispute body's outcome"):
        check_closure(ClosingFacts(Status.REFERRED), Closure.REFERRED_EXTERNALLY)
    with pytest.raises(TransitionError, match="until a reviewed .* closed as: withdrawn"):
        check_closure(ClosingFacts(Status.DECIDED), Closure.FINAL_DECISION_NOT_ACCEPTED)


def test_decisions_need_reasons_and_upheld_ones_a_remedy():
    check_decision(Outcome.NOT_UPHELD, "worn, not faulty", Remedy.NONE)
    check_decision(Outcome.PARTLY_UPHELD, "slow", Remedy.APOLOGY)
    with pytest.raises(TransitionError, match="needs its reasons"):
        check_decision(Outcome.UPHELD, "  ", Remedy.REFUND)
    with pytest.raises(TransitionError, match="partly upheld needs a remedy"):
        check_decision(Outcome.PARTLY_UPHELD, "slow", Remedy.NONE)


def test_objectivity_guard():
    about_7 = Involved(named_staff=7, override_manager=9, earlier_deciders=(3,))
    for action in ("own", "decide", "review", "resolve"):
        with pytest.raises(TransitionError, match="Sam is named in this complaint"):
            check_objectivity(about_7, 7, action, "Sam")
    with pytest.raises(TransitionError, match="about Maria's override; a different manager"):
        check_objectivity(about_7, 9, "decide", "Maria")
    check_objectivity(about_7, 9, "own", "Maria")  # owning is fine; deciding is not
    with pytest.raises(TransitionError, match="Ola made the decision under review"):
        check_objectivity(about_7, 3, "review", "Ola")
    check_objectivity(about_7, 4, "review", "Noor")


def test_only_open_complaints_go_overdue_and_a_paused_clock_never_does():
    due = datetime(2026, 11, 23, 12, tzinfo=UTC)
    late = due + timedelta(seconds=1)
    assert is_overdue(Status.INVESTIGATING, due, late)
    assert is_overdue(Status.WAITING, due, late)  # paused after the breach
    assert not is_overdue(Status.WAITING, None, late)  # paused in time
    assert not is_overdue(Status.INVESTIGATING, due, due)
    for done in (Status.DECIDED, Status.RESOLVED, Status.REFERRED, Status.CLOSED):
        assert not is_overdue(done, due, late)


def test_reference_format_and_parsing():
    assert format_reference(2026, 123) == "CMP-2026-000123"
    assert parse_reference(" cmp-2026-000123 ") == "CMP-2026-000123"
    assert looks_like_reference("cmp-2026-000123") and not looks_like_reference("1010390000019")
    with pytest.raises(ValueError, match="'CMP-26-1' is not a complaint reference"):
        parse_reference("CMP-26-1")

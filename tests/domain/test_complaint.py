"""Complaint lifecycle rules: every legal move, every illegal one refused by name, roles."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from returns_desk.domain.complaint import (
    MOVES,
    Status,
    TransitionError,
    check_move,
    find_move,
    format_reference,
    is_overdue,
    moves_from,
    parse_reference,
)

LEGAL = {(m.source, m.target) for m in MOVES}
ILLEGAL = [pair for pair in itertools.product(Status, Status) if pair not in LEGAL]


def test_the_iso_10002_path_is_allowed_in_order():
    path = ["received", "acknowledged", "investigating", "resolved", "closed"]
    for source, target in itertools.pairwise(path):
        assert find_move(Status(source), Status(target)).target == target


@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=lambda s: s.value)
def test_every_illegal_move_is_refused_naming_from_and_to(source, target):
    with pytest.raises(TransitionError) as info:
        find_move(source, target)
    message = str(info.value)
    assert f"from {source.value} to {target.value}" in message


def test_refusal_says_where_it_can_go_instead():
    with pytest.raises(TransitionError, match="from received it can go to acknowledged$"):
        find_move(Status.RECEIVED, Status.RESOLVED)
    with pytest.raises(TransitionError, match="closed is final"):
        find_move(Status.CLOSED, Status.INVESTIGATING)


def test_clerks_acknowledge_but_only_managers_resolve():
    assert check_move(Status.RECEIVED, Status.ACKNOWLEDGED, "clerk").verb == "acknowledge"
    with pytest.raises(TransitionError, match="only a manager may resolve .* you are a clerk"):
        check_move(Status.INVESTIGATING, Status.RESOLVED, "clerk", note="refunded")


def test_auditors_can_make_no_move_at_all():
    for status in Status:
        assert moves_from(status, "auditor") == ()
    with pytest.raises(TransitionError, match="you are an auditor"):
        check_move(Status.RECEIVED, Status.ACKNOWLEDGED, "auditor")


@pytest.mark.parametrize(
    ("source", "target", "kw", "missing"),
    [
        (Status.INVESTIGATING, Status.RESOLVED, {}, "a note saying why"),
        (Status.INVESTIGATING, Status.ESCALATED, {"note": "x"}, "the external body"),
        (Status.ESCALATED, Status.CLOSED, {"body": "x"}, "the external body's outcome"),
    ],
)
def test_moves_that_need_words_refuse_without_them(source, target, kw, missing):
    with pytest.raises(TransitionError, match=missing):
        check_move(source, target, "manager", **kw)
    with pytest.raises(TransitionError, match=missing):
        check_move(source, target, "manager", **{**kw, "note": "  ", "body": "", "outcome": ""})


def test_escalated_dispute_closes_with_the_outcome():
    move = check_move(Status.ESCALATED, Status.CLOSED, "manager", outcome="upheld, refund")
    assert move.verb == "close"


def test_only_open_complaints_go_overdue():
    due = datetime(2026, 11, 23, 12, tzinfo=UTC)
    late = due + timedelta(seconds=1)
    assert is_overdue(Status.INVESTIGATING, due, late)
    assert not is_overdue(Status.INVESTIGATING, due, due)
    assert not is_overdue(Status.RESOLVED, due, late)
    assert not is_overdue(Status.ESCALATED, due, late)


def test_reference_format_and_parsing():
    assert format_reference(2026, 123) == "CMP-2026-000123"
    assert parse_reference(" cmp-2026-000123 ") == "CMP-2026-000123"
    with pytest.raises(ValueError, match="'CMP-26-1' is not a complaint reference"):
        parse_reference("CMP-26-1")

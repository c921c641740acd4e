"""The return draft: items in and out, numbering without a receipt, what it asks of the
completion, and one concept of 'defective'."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import (
    FromReceipt,
    NoReceipt,
    Override,
    ReturnDraft,
    ReturnError,
    ReturnItem,
)
from returns_desk.domain.policy.model import Condition
from returns_desk.domain.quote import Quote
from returns_desk.domain.receipt import Receipt

STARTED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
RECEIPT = Receipt("1010100000011", 101, 1, STARTED, lines=())


def scanned(*codes: str) -> ReturnDraft:
    draft = ReturnDraft(NoReceipt(), STARTED)
    for code in codes:
        draft = draft.put(ReturnItem(0, code=code, reason_code="changed_mind"))
    return draft


def test_scanned_items_are_numbered_in_order_and_close_up_when_one_is_dropped():
    draft = scanned("A", "B", "C")
    assert [(i.line_no, i.code) for i in draft.items] == [(1, "A"), (2, "B"), (3, "C")]
    draft = draft.drop(2)
    assert [(i.line_no, i.code) for i in draft.items] == [(1, "A"), (2, "C")]
    draft = draft.put(ReturnItem(2, qty=3, code="C", reason_code="wrong_size"))
    assert [(i.line_no, i.qty) for i in draft.items] == [(1, 1), (2, 3)]


def test_receipt_lines_keep_their_numbers_in_receipt_order():
    draft = ReturnDraft(FromReceipt(RECEIPT), STARTED)
    draft = draft.put(ReturnItem(3, reason_code="changed_mind"))
    draft = draft.put(ReturnItem(1, reason_code="changed_mind"))
    draft = draft.put(ReturnItem(3, qty=2, reason_code="changed_mind"))
    assert [(i.line_no, i.qty) for i in draft.items] == [(1, 1), (3, 2)]
    assert draft.drop(1).item(3) == ReturnItem(3, qty=2, reason_code="changed_mind")


def test_a_change_drops_the_quote_and_the_managers_approval():
    draft = scanned("A").with_quote(Quote((), 1)).with_override(Override("maria", "9", "ok"))
    changed = draft.put(ReturnItem(0, code="B", reason_code="changed_mind"))
    assert changed.quote is None and changed.override is None
    assert draft.with_source(NoReceipt(None, 101)).quote is None


def test_the_request_carries_the_source_items_override_and_start():
    draft = scanned("A").with_override(Override("maria", "9999", "regular"))
    request = draft.request(Settlement.STORE_CREDIT)
    assert request.source == NoReceipt() and request.items == draft.items
    assert request.override == draft.override and request.started_at == STARTED
    with pytest.raises(ReturnError, match="take at least one line"):
        ReturnDraft(FromReceipt(RECEIPT), STARTED).request(Settlement.REFUND)


def test_reason_defective_makes_the_item_defective():
    item = ReturnItem(1, condition=Condition.UNOPENED, reason_code="defective")
    assert item.condition is Condition.DEFECTIVE
    assert ReturnItem(1, condition=Condition.OPENED).condition is Condition.OPENED

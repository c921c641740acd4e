"""Money back and receipts: price paid, tender caps, cash limit, gift and receiptless rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from returns_desk.domain.decision import Outcome, Settlement
from returns_desk.domain.policy import (
    RefundError,
    ReturnCase,
    decide,
    decide_return,
    line_refund,
    parse_policy,
    split_refund,
)
from returns_desk.domain.policy.examples import build_case
from returns_desk.domain.receipt import Receipt, SoldLine, Tender, TenderKind

HEAD = '[policy]\nname = "Test"\nversion = "t-1"\n'
D = Decimal


def decide_on(body: str = "", **values: Any):  # noqa: ANN201
    data = {"unit_price": "100.00", "sold_on": "2026-03-01", "today": "2026-03-10", **values}
    case, day = build_case(data)
    return decide(parse_policy(HEAD + body, "test.toml"), case, day)


def sold(qty: int = 3, price: str = "10.00", **kw: Any) -> SoldLine:
    return SoldLine(1, "SKU", "item", "home", "misc", qty, D(price), **kw)


def test_line_refund_is_the_price_paid_after_discounts_with_tax() -> None:
    line = sold(3, "10.00", line_discount=D("1.00"), order_discount_share=D("2.00"),
                tax_charged=D("2.70"))  # fmt: skip
    assert line.paid == D("29.70")
    assert line_refund(line, 1, 0) == D("9.90")
    assert line_refund(line, 3, 0) == D("29.70")


def test_line_refund_telescopes_so_pieces_sum_to_what_was_paid() -> None:
    line = sold(3, "3.33", order_discount_share=D("0.01"))  # paid 9.98
    pieces = [line_refund(line, 1, 0), line_refund(line, 1, 1), line_refund(line, 1, 2)]
    assert pieces == [D("3.33"), D("3.32"), D("3.33")]
    assert sum(pieces) == D("9.98")


def test_line_refund_refuses_more_than_was_sold() -> None:
    with pytest.raises(RefundError):
        line_refund(sold(2), 2, 1)


def test_split_refund_fills_cards_first_and_cash_last_within_each_cap() -> None:
    cash, card = Tender(TenderKind.CASH, D("30.00")), Tender(TenderKind.CARD, D("70.00"))
    assert split_refund(D("10.00"), [cash, card]) == [(card, D("10.00"))]
    assert split_refund(D("75.00"), [cash, card]) == [(card, D("70.00")), (cash, D("5.00"))]
    after = split_refund(D("40.00"), [cash, card], [D("0.00"), D("60.00")])
    assert after == [(card, D("10.00")), (cash, D("30.00"))]


def test_split_refund_refuses_more_than_the_tenders_can_take() -> None:
    card = Tender(TenderKind.CARD, D("20.00"))
    with pytest.raises(RefundError, match="more than the original payments"):
        split_refund(D("20.01"), [card])
    with pytest.raises(RefundError):
        split_refund(D("5.00"), [card], [D("16.00")])


def test_decision_splits_the_refund_over_the_original_payments() -> None:
    d = decide_on(
        tenders=[{"kind": "card", "amount": "60.00"}, {"kind": "cash", "amount": "40.00"}]
    )
    assert [(t.kind, amt) for t, amt in d.tender_split] == [
        (TenderKind.CARD, D("60.00")),
        (TenderKind.CASH, D("40.00")),
    ]


def test_refund_beyond_what_tenders_can_take_back_needs_a_manager() -> None:
    d = decide_on(tenders=[{"kind": "card", "amount": "100.00"}], tender_refunded=["50.00"])
    assert d.outcome is Outcome.NEEDS_OVERRIDE
    assert d.reasons[0] == (
        "The original payments can take back only $50.00; a manager must settle the rest."
    )


CASH = '[refund]\ncash_limit = "60.00"\nover_cash_limit = "{rule}"\n'


def test_cash_over_the_limit_is_paid_as_a_voucher() -> None:
    d = decide_on(CASH.format(rule="voucher"), tenders=[{"kind": "cash", "amount": "100.00"}])
    assert d.outcome is Outcome.APPROVE and d.refund_amount == D("100.00")
    assert [amt for _, amt in d.tender_split] == [D("60.00")]
    assert d.voucher_amount == D("40.00")
    assert "Cash refunds are limited to $60.00 per return: $40.00 comes as a voucher instead." in (
        d.reasons
    )


def test_cash_over_the_limit_can_need_a_manager_instead() -> None:
    body = CASH.format(rule="needs_override")
    d = decide_on(body, tenders=[{"kind": "cash", "amount": "100.00"}])
    assert d.outcome is Outcome.NEEDS_OVERRIDE and d.voucher_amount == 0
    card = decide_on(body, tenders=[{"kind": "card", "amount": "100.00"}])
    assert card.outcome is Outcome.APPROVE


def test_cash_already_going_back_today_uses_up_the_limit() -> None:
    d = decide_on(
        CASH.format(rule="voucher"),
        tenders=[{"kind": "cash", "amount": "100.00"}],
        cash_paid_today="50.00",
    )
    assert d.outcome is Outcome.APPROVE
    assert [amt for _, amt in d.tender_split] == [D("10.00")]
    assert d.voucher_amount == D("90.00")
    assert (
        "Cash refunds are limited to $60.00 per return, counting $50.00 in cash already going "
        "back on this receipt today: $90.00 comes as a voucher instead." in d.reasons
    )


def test_a_limit_used_up_already_sends_all_the_cash_to_a_voucher() -> None:
    d = decide_on(
        CASH.format(rule="voucher"),
        tenders=[{"kind": "cash", "amount": "100.00"}],
        cash_paid_today="75.00",
    )
    assert d.tender_split == () and d.voucher_amount == D("100.00")


def test_the_card_takes_all_it_paid_before_cash_counts_against_the_limit() -> None:
    tenders = [{"kind": "card", "amount": "70.00"}, {"kind": "cash", "amount": "30.00"}]
    within = decide_on(CASH.format(rule="voucher"), tenders=tenders, cash_paid_today="30.00")
    assert [(t.kind, amt) for t, amt in within.tender_split] == [
        (TenderKind.CARD, D("70.00")),
        (TenderKind.CASH, D("30.00")),
    ]
    assert within.voucher_amount == 0
    over = decide_on(CASH.format(rule="voucher"), tenders=tenders, cash_paid_today="50.00")
    assert [amt for _, amt in over.tender_split] == [D("70.00"), D("10.00")]
    assert over.voucher_amount == D("20.00")
    assert any("the other payments already get back all they took" in r for r in over.reasons)


def test_cash_over_what_is_left_of_the_limit_can_need_a_manager() -> None:
    body = CASH.format(rule="needs_override")
    d = decide_on(body, tenders=[{"kind": "cash", "amount": "100.00"}], cash_paid_today="20.00")
    assert d.outcome is Outcome.NEEDS_OVERRIDE and d.voucher_amount == 0
    assert d.reasons[0] == (
        "Cash refunds over $60.00 per return need a manager's approval, counting $20.00 in "
        "cash already going back on this receipt today: this is $60.00 over."
    )
    assert sum(amt for _, amt in d.overridden("M. Manager").tender_split) == D("100.00")


def _two_line_receipt(*tenders: Tender) -> Receipt:
    lines = (sold(1, "50.00"), replace(sold(1, "50.00"), line_no=2))
    return Receipt("0", 1, 1, datetime(2026, 3, 1, 12, tzinfo=UTC), lines, tenders)


def test_the_cash_limit_holds_for_all_lines_of_a_return_together() -> None:
    policy = parse_policy(HEAD + CASH.format(rule="voucher"), "test.toml")
    receipt = _two_line_receipt(Tender(TenderKind.CASH, D("100.00")))
    cases = [ReturnCase(receipt, line, 1) for line in receipt.lines]
    first, second = decide_return(policy, cases, date(2026, 3, 2))
    assert [amt for _, amt in first.tender_split] == [D("50.00")] and not first.voucher_amount
    assert [amt for _, amt in second.tender_split] == [D("10.00")]
    assert second.voucher_amount == D("40.00")
    assert any("counting $50.00 in cash already going back" in r for r in second.reasons)
    later = decide_return(policy, cases[1:], date(2026, 3, 2), [D("50.00")], D("50.00"))
    assert later[0].voucher_amount == D("40.00")  # a second return the same day: same limit


def test_a_line_that_takes_the_return_over_the_limit_needs_the_manager() -> None:
    policy = parse_policy(HEAD + CASH.format(rule="needs_override"), "test.toml")
    receipt = _two_line_receipt(Tender(TenderKind.CASH, D("100.00")))
    cases = [ReturnCase(receipt, line, 1) for line in receipt.lines]
    first, second = decide_return(policy, cases, date(2026, 3, 2))
    assert first.outcome is Outcome.APPROVE
    assert second.outcome is Outcome.NEEDS_OVERRIDE
    assert "this is $40.00 over" in second.reasons[0]


def test_quantity_is_at_most_sold_minus_returned() -> None:
    d = decide_on(qty_sold=3, qty_returned=2, qty=2)
    assert d.outcome is Outcome.DENY and d.refund_amount == 0
    assert d.reasons == ["Only 1 of the 3 sold can still be returned (2 already returned)."]
    assert decide_on(qty=0).outcome is Outcome.DENY


def test_gift_receipt_gets_store_credit_only_by_default() -> None:
    d = decide_on(receipt="gift")
    assert d.outcome is Outcome.APPROVE and d.settlements == {Settlement.STORE_CREDIT}
    assert d.tender_split == ()
    assert "Gift receipt: store credit only, no refund to the buyer's payment." in d.reasons


RECEIPTLESS = """
[receipt]
receiptless = "accept"
lowest_price_days = 60
id_required = true
limit_count = 2
limit_period_days = 180
"""


def test_receiptless_refunds_store_credit_at_the_lowest_recent_price() -> None:
    d = decide_on(RECEIPTLESS, receipt="none", lowest_recent_price="79.99", id_checked=True,
                  tax_rate="0.05", qty=2)  # fmt: skip
    assert d.outcome is Outcome.APPROVE and d.settlements == {Settlement.STORE_CREDIT}
    assert d.refund_amount == D("167.98")  # 159.98 + 8.00 tax
    assert d.window_ends is None
    assert any("at the lowest price of the last 60 days" in r for r in d.reasons)


def test_receiptless_never_pays_more_than_todays_price() -> None:
    d = decide_on(RECEIPTLESS, receipt="none", lowest_recent_price="120.00", id_checked=True)
    assert d.refund_amount == D("100.00")


def test_receiptless_needs_id_and_respects_the_limit() -> None:
    no_id = decide_on(RECEIPTLESS, receipt="none")
    assert no_id.outcome is Outcome.DENY
    assert no_id.reasons == ["Photo ID is required for returns without a receipt."]
    over = decide_on(RECEIPTLESS, receipt="none", id_checked=True, customer_receiptless_count=2)
    assert over.reasons == ["2 returns without a receipt in the last 180 days; the limit is 2."]
    assert decide_on(RECEIPTLESS, receipt="none", id_checked=True,
                     customer_receiptless_count=1).approved  # fmt: skip


def test_receiptless_refused_when_the_policy_says_so() -> None:
    d = decide_on(receipt="none", id_checked=True)
    assert d.outcome is Outcome.DENY
    assert d.reasons == ["Returns without a receipt are not accepted."]


def test_decision_records_policy_and_serializes() -> None:
    d = decide_on()
    data = d.to_dict()
    assert (data["policy_name"], data["policy_version"]) == ("Test", "t-1")
    assert data["outcome"] == "approve" and data["refund_amount"] == "100.00"
    assert data["settlements"] == ["exchange", "refund", "store_credit"]
    assert {r["rule_id"] for r in data["rules"]} >= {"final_sale", "window.default"}


def test_only_a_manager_overridable_decision_can_be_overridden() -> None:
    late = decide_on('[windows]\nlate = "needs_override"\n', today="2026-05-01")
    approved = late.overridden("M. Manager")
    assert approved.outcome is Outcome.APPROVE_WITH_OVERRIDE and approved.approved
    assert approved.override_by == "M. Manager"
    with pytest.raises(ValueError, match="cannot be overridden"):
        decide_on(today="2026-05-01").overridden("M. Manager")

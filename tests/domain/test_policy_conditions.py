"""The item's state: restocking fees and waivers, defective and warranty, damaged, final sale."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from returns_desk.domain.decision import Outcome, Settlement
from returns_desk.domain.policy import decide, parse_policy
from returns_desk.domain.policy.examples import build_case

HEAD = '[policy]\nname = "Test"\nversion = "t-1"\n'
FEES = """
[[restocking_fee]]
id = "cameras"
categories = ["cameras"]
percent = "15"
waived_regions = ["QC"]
waived_tiers = ["elite"]
description = "Opened cameras"

[[restocking_fee]]
id = "sofas"
categories = ["sofas"]
conditions = ["opened"]
amount = "49.00"
"""
DEFECTIVE = """
[windows]
default_days = 30

[defective]
warranty_days = 365
within_window = ["refund", "exchange"]
after_window = ["exchange"]
"""


def decide_on(body: str, today: str = "2026-03-10", **values: Any):  # noqa: ANN201
    data = {"unit_price": "100.00", "sold_on": "2026-03-01", "today": today, **values}
    case, day = build_case(data)
    return decide(parse_policy(HEAD + body, "test.toml"), case, day)


def test_percent_fee_is_on_the_pre_tax_price_and_comes_off_the_refund() -> None:
    d = decide_on(FEES, category="cameras", condition="opened", tax_rate="0.10")
    assert d.restocking_fee == Decimal("15.00")
    assert d.refund_amount == Decimal("95.00")  # 110.00 paid with tax, less 15.00
    assert "A restocking fee of $15.00 (15% of the price) applies to opened items." in d.reasons


def test_fee_applies_to_missing_parts_by_default_but_not_unopened() -> None:
    assert decide_on(FEES, category="cameras", condition="missing_parts").restocking_fee == 15
    unopened = decide_on(FEES, category="cameras")
    assert unopened.restocking_fee == 0 and unopened.refund_amount == 100


def test_fixed_fee_is_per_unit() -> None:
    d = decide_on(FEES, category="sofas", condition="opened", qty_sold=2, qty=2)
    assert d.restocking_fee == Decimal("98.00") and d.refund_amount == Decimal("102.00")


def test_fee_never_exceeds_the_refund() -> None:
    d = decide_on(FEES, category="sofas", condition="opened", unit_price="30.00")
    assert d.restocking_fee == Decimal("30.00") and d.refund_amount == 0


def test_fee_waived_by_region_and_by_tier() -> None:
    in_qc = decide_on(FEES, category="cameras", condition="opened", region="qc")
    assert in_qc.restocking_fee == 0 and in_qc.refund_amount == 100
    assert "The restocking fee is waived in qc." in [r.reason for r in in_qc.rules]
    elite = decide_on(FEES, category="cameras", condition="opened", tier="Elite")
    assert elite.restocking_fee == 0


def test_damaged_is_denied_by_default_with_a_reason() -> None:
    d = decide_on("", condition="damaged")
    assert d.outcome is Outcome.DENY
    assert "Items damaged after purchase cannot be returned." in d.reasons


def test_condition_verdicts_come_from_the_policy() -> None:
    body = '[conditions]\nopened = "deny"\nmissing_parts = "needs_override"\n'
    assert decide_on(body, condition="opened").outcome is Outcome.DENY
    missing = decide_on(body, condition="missing_parts")
    assert missing.outcome is Outcome.NEEDS_OVERRIDE
    assert "Items missing parts need a manager's approval." in missing.reasons


def test_defective_within_window_settles_as_the_policy_says() -> None:
    d = decide_on(DEFECTIVE, condition="defective")
    assert d.outcome is Outcome.APPROVE
    assert d.settlements == {Settlement.REFUND, Settlement.EXCHANGE}


def test_defective_after_window_within_warranty_is_exchange_only() -> None:
    d = decide_on(DEFECTIVE, "2026-12-01", condition="defective")
    assert d.outcome is Outcome.APPROVE and d.settlements == {Settlement.EXCHANGE}
    assert any("within the 365-day warranty (until 2027-02-28)" in r for r in d.reasons)


def test_defective_after_warranty_is_late() -> None:
    d = decide_on(DEFECTIVE, "2027-03-01", condition="defective")
    assert d.outcome is Outcome.DENY
    assert "The 365-day warranty has also ended." in [r.reason for r in d.rules]


def test_opened_item_after_window_gets_no_warranty_treatment() -> None:
    assert decide_on(DEFECTIVE, "2026-12-01", condition="opened").outcome is Outcome.DENY


def test_final_sale_line_is_denied() -> None:
    d = decide_on("", final_sale=True)
    assert d.outcome is Outcome.DENY
    assert d.reasons == ["This was a final-sale item and cannot be returned."]


def test_final_sale_by_category_and_defective_exemption() -> None:
    body = '[final_sale]\ncategories = ["clearance"]\nallow_defective = true\n'
    assert decide_on(body, category="Clearance").outcome is Outcome.DENY
    assert decide_on(body, category="clearance", condition="defective").approved
    assert decide_on(body, category="shirts").outcome is Outcome.APPROVE


def test_serial_must_match_the_one_sold() -> None:
    ok = decide_on("", serial="SN-1", serial_scanned=" sn-1 ")
    assert ok.outcome is Outcome.APPROVE
    wrong = decide_on("", serial="SN-1", serial_scanned="SN-2")
    assert wrong.outcome is Outcome.DENY
    assert "The serial number does not match the one on the receipt." in wrong.reasons
    unscanned = decide_on('[refund]\nserial_mismatch = "needs_override"\n', serial="SN-1")
    assert unscanned.outcome is Outcome.NEEDS_OVERRIDE

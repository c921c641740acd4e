"""The rules policy format 2 added, each decided as a store manager would expect.

Each test writes the few lines of policy it needs and asks about one return, as a manager
trying the format would; the shipped example policies use the same rules on published text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from returns_desk.domain.decision import Decision, Outcome, Settlement
from returns_desk.domain.policy import Policy, PolicyError, decide, decide_return, parse_policy
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.examples import build_case
from returns_desk.domain.receipt import Receipt, SoldLine, Tender, TenderKind

D = Decimal
HEAD = '[policy]\nformat = 2\nname = "Test"\nversion = "1"\n'
ALL = {Settlement.REFUND, Settlement.EXCHANGE, Settlement.STORE_CREDIT}


def policy(text: str) -> Policy:
    return parse_policy(HEAD + text, "test.toml")


def decide_on(pol: Policy, **facts: Any) -> Decision:
    values: dict[str, Any] = {
        "sold_on": "2026-03-01",
        "today": "2026-03-05",
        "unit_price": "100.00",
    }
    values.update(facts)
    case, today = build_case(values)
    return decide(pol, case, today)


# ---------------------------------------------------------------- scopes


def test_all_except_covers_new_departments_too() -> None:
    pol = policy(
        '[windows]\ndefault_days = 30\n[[windows.rule]]\nid = "long"\ndays = 90\n'
        'except = { departments = ["electronics"] }\n'
    )
    assert decide_on(pol, department="garden").window_ends == date(2026, 5, 29)
    assert decide_on(pol, department="smart-home").window_ends == date(2026, 5, 29)
    assert decide_on(pol, department="electronics").window_ends == date(2026, 3, 30)


def test_brand_sku_pattern_and_attribute_range_scopes() -> None:
    pol = policy(
        '[[windows.rule]]\nid = "own"\nbrands = ["House Brand"]\ndays = 365\n'
        '[[windows.rule]]\nid = "apple"\nskus = ["APL-*"]\ndays = 14\npriority = 1\n'
        '[[windows.rule]]\nid = "big"\nattributes = { capacity_cu_ft = { at_least = 20 } }\n'
        "days = 15\npriority = 1\n"
    )
    assert decide_on(pol, brand="house brand").window_ends == date(2027, 2, 28)
    assert decide_on(pol, sku="APL-IPAD-11").window_ends == date(2026, 3, 14)
    assert decide_on(pol, sku="XAPL-1").window_ends == date(2026, 3, 30)
    big = decide_on(pol, attributes={"capacity_cu_ft": "22.5"})
    small = decide_on(pol, attributes={"capacity_cu_ft": "18"})
    assert big.window_ends == date(2026, 3, 15) and small.window_ends == date(2026, 3, 30)


# ---------------------------------------------------------------- settlements


def test_a_category_may_only_be_exchanged_for_the_identical_item() -> None:
    pol = policy(
        '[[settlement]]\nid = "mattresses"\ncategories = ["mattresses"]\n'
        'settlements = ["exchange"]\nexchange = "identical"\n'
    )
    mattress = decide_on(pol, category="mattresses")
    assert mattress.settlements == {Settlement.EXCHANGE} and mattress.exchange_identical
    assert "identical item" in " ".join(mattress.reasons)
    other = decide_on(pol, category="pillows")
    assert other.settlements == ALL and not other.exchange_identical


def test_opened_items_of_a_category_as_store_credit_only() -> None:
    pol = policy(
        '[[settlement]]\nid = "opened-games"\ncategories = ["video-games"]\n'
        'conditions = ["opened"]\nsettlements = ["exchange", "store_credit"]\n'
    )
    opened = decide_on(pol, category="video-games", condition="opened")
    assert opened.settlements == {Settlement.EXCHANGE, Settlement.STORE_CREDIT}
    assert decide_on(pol, category="video-games").settlements == ALL


def test_time_bands_refund_then_store_credit_then_nothing() -> None:
    pol = policy(
        '[windows]\ndefault_days = 60\n[[settlement]]\nid = "late"\nfrom_day = 31\n'
        'settlements = ["store_credit"]\n'
    )
    day_30 = decide_on(pol, today="2026-03-30")
    day_31 = decide_on(pol, today="2026-03-31")
    day_61 = decide_on(pol, today="2026-04-30")
    assert day_30.settlements == ALL
    assert day_31.settlements == {Settlement.STORE_CREDIT} and day_31.tender_split == ()
    assert day_61.outcome is Outcome.DENY


# ---------------------------------------------------------------- final sale


def test_always_final_beside_final_once_opened_beside_final_by_law() -> None:
    pol = policy(
        '[[final_sale]]\nid = "cards"\ncategories = ["gift-cards"]\n'
        '[[final_sale]]\nid = "opened-software"\ncategories = ["software"]\n'
        'conditions = ["opened"]\n'
        '[[final_sale]]\nid = "alcohol"\ncategories = ["alcohol"]\nregions = ["TX"]\n'
    )
    assert decide_on(pol, category="gift-cards").outcome is Outcome.DENY
    assert decide_on(pol, category="software").outcome is Outcome.APPROVE
    opened = decide_on(pol, category="software", condition="opened")
    assert opened.outcome is Outcome.DENY and "once opened" in opened.reasons[0]
    assert decide_on(pol, category="alcohol", region="TX").outcome is Outcome.DENY
    assert decide_on(pol, category="alcohol", region="WA").outcome is Outcome.APPROVE
    assert [r.rule_id for r in opened.rules][0] == "final_sale.opened-software"


# ---------------------------------------------------------------- windows


def test_tier_window_as_the_total_the_retailer_publishes() -> None:
    pol = policy('[[windows.extension]]\nid = "plus"\ntiers = ["plus"]\ndays = 60\n')
    assert decide_on(pol, tier="plus").window_ends == date(2026, 4, 29)
    assert decide_on(pol).window_ends == date(2026, 3, 30)


def test_tier_basis_purchase_reads_the_receipt_not_the_counter() -> None:
    pol = policy(
        '[[windows.extension]]\nid = "m"\ntiers = ["member"]\nextra_days = 30\n'
        'tier_basis = "purchase"\n'
    )
    joined_later = decide_on(pol, tier="member", today="2026-04-15")
    bought_as_member = decide_on(pol, receipt_tier="member", today="2026-04-15")
    assert joined_later.outcome is Outcome.DENY
    assert bought_as_member.outcome is Outcome.APPROVE
    counter = policy('[[windows.extension]]\nid = "m"\ntiers = ["member"]\nextra_days = 30\n')
    assert decide_on(counter, tier="member", today="2026-04-15").outcome is Outcome.APPROVE
    assert (
        decide_on(counter, tier="basic", receipt_tier="member", today="2026-04-15").outcome
        is Outcome.DENY
    )
    either = policy(
        '[[windows.extension]]\nid = "m"\ntiers = ["member"]\nextra_days = 30\n'
        'tier_basis = "either"\n'
    )
    assert (
        decide_on(either, tier="basic", receipt_tier="member", today="2026-04-15").outcome
        is Outcome.APPROVE
    )


def test_extension_for_sales_paid_with_the_store_card() -> None:
    pol = policy(
        '[[windows.extension]]\nid = "card"\npaid_with = ["store-card"]\nextra_days = 30\n'
    )
    with_card = decide_on(
        pol, tenders=[{"kind": "card", "amount": "100.00", "card_brand": "Store-Card"}]
    )
    other_card = decide_on(pol, tenders=[{"kind": "card", "amount": "100.00"}])
    assert with_card.window_ends == date(2026, 4, 29)
    assert other_card.window_ends == date(2026, 3, 30)


def test_extendable_false_keeps_a_window_for_everyone() -> None:
    pol = policy(
        '[[windows.rule]]\nid = "gps"\ncategories = ["gps"]\ndays = 90\nextendable = false\n'
        '[[windows.extension]]\nid = "m"\ntiers = ["member"]\ndays = 365\n'
    )
    assert decide_on(pol, category="gps", tier="member").window_ends == date(2026, 5, 29)
    assert decide_on(pol, category="tents", tier="member").window_ends == date(2027, 2, 28)


def test_members_get_a_later_holiday_deadline_whichever_is_later() -> None:
    pol = policy(
        "[windows]\ndefault_days = 30\n"
        '[[windows.holiday]]\nid = "all"\nbought_from = 2026-11-01\nbought_until = 2026-12-24\n'
        "returnable_until = 2027-01-15\n"
        '[[windows.holiday]]\nid = "members"\nbought_from = 2026-11-01\n'
        'bought_until = 2026-12-24\nreturnable_until = 2027-01-31\ntiers = ["member"]\n'
    )
    facts = {"sold_on": "2026-12-10", "today": "2027-01-10"}
    assert decide_on(pol, **facts).window_ends == date(2027, 1, 15)
    assert decide_on(pol, tier="member", **facts).window_ends == date(2027, 1, 31)
    early = {"sold_on": "2026-12-24", "today": "2027-01-02"}  # the usual window is later
    assert decide_on(pol, **early).window_ends == date(2027, 1, 22)


def test_holiday_counted_from_the_day_the_order_was_received() -> None:
    pol = policy(
        '[[windows.holiday]]\nid = "h"\nbought_from = 2026-11-01\nbought_until = 2026-12-31\n'
        'returnable_until = 2027-01-31\ncount_from = "delivery"\n'
    )
    ordered_before = {"sold_on": "2026-10-25", "delivered_on": "2026-11-03"}
    assert decide_on(pol, today="2027-01-20", **ordered_before).outcome is Outcome.APPROVE
    not_delivered = decide_on(pol, sold_on="2026-10-25", today="2027-01-20")
    assert not_delivered.outcome is Outcome.DENY


def test_reason_words_delivery_only_when_delivered_and_one_day_not_days() -> None:
    pol = policy('[windows]\ndefault_days = 15\ncount_from = "delivery"\n')
    in_store = decide_on(pol, today="2026-03-16")
    assert "from purchase on 2026-03-01" in " ".join(r.reason for r in in_store.rules)
    assert "1 day ago" in in_store.reasons[0]
    delivered = decide_on(pol, delivered_on="2026-03-04", today="2026-03-10")
    assert "from delivery on 2026-03-04" in " ".join(r.reason for r in delivered.rules)


# ---------------------------------------------------------------- proof


def test_premium_electronics_need_a_receipt_small_items_get_cash_back() -> None:
    pol = policy(
        '[receipt]\nreceiptless = "accept"\nid_required = false\n'
        '[[receipt.rule]]\nid = "premium"\ncategories = ["cameras", "laptops"]\n'
        'receiptless = "deny"\ndescription = "Premium electronics need a receipt"\n'
        '[[receipt.rule]]\nid = "small"\nup_to = "20.00"\n'
        'settlements = ["refund", "store_credit"]\n'
    )
    none = {"receipt": "none", "sold_on": None}
    camera = decide_on(pol, category="cameras", **none)
    assert camera.outcome is Outcome.DENY and "need a receipt" in camera.reasons[0]
    small = decide_on(pol, unit_price="15.00", **none)
    big = decide_on(pol, unit_price="35.00", **none)
    assert small.settlements == {Settlement.REFUND, Settlement.STORE_CREDIT}
    assert big.settlements == {Settlement.STORE_CREDIT}


def test_photo_id_even_with_a_receipt_from_an_amount() -> None:
    pol = policy(
        '[[id_check]]\nid = "big"\nreceipts = ["yes", "gift"]\nfrom_amount = "500.00"\n'
        'without_id = "needs_override"\n'
    )
    assert decide_on(pol, unit_price="499.99").outcome is Outcome.APPROVE
    big = decide_on(pol, unit_price="500.00")
    assert big.outcome is Outcome.NEEDS_OVERRIDE and "Photo ID is required" in big.reasons[0]
    assert decide_on(pol, unit_price="500.00", id_checked=True).outcome is Outcome.APPROVE


# ---------------------------------------------------------------- money


def test_clearance_items_are_refunded_at_todays_lower_price() -> None:
    pol = policy('[[clearance]]\nid = "seasonal"\ncategories = ["seasonal"]\n')
    d = decide_on(
        pol, category="seasonal", unit_price="40.00", tax_rate="0.10", current_price="25.00"
    )
    assert d.refund_amount == D("27.50") and d.deducted == D("16.50")
    assert d.refund_amount + d.deducted == D("44.00")
    higher = decide_on(pol, category="seasonal", unit_price="40.00", current_price="45.00")
    assert higher.refund_amount == D("40.00") and higher.deductions == ()


def test_a_large_cash_refund_is_paid_by_cheque() -> None:
    pol = policy('[refund]\nlarge_refund_above = "1000.00"\nlarge_refund_by = "cheque"\n')
    d = decide_on(pol, unit_price="1500.00", tenders=[{"kind": "cash", "amount": "1500.00"}])
    assert d.paid_by is not None and d.paid_by.method == "cheque"
    assert d.payout_parts() == [("cheque", D("1500.00"))] and d.cash_amount == 0
    small = decide_on(pol, unit_price="900.00", tenders=[{"kind": "cash", "amount": "900.00"}])
    assert small.paid_by is None and small.cash_amount == D("900.00")


def test_the_whole_return_goes_by_cheque_once_it_is_large() -> None:
    pol = policy('[refund]\nlarge_refund_above = "1000.00"\n')
    lines = tuple(SoldLine(n, f"S{n}", "x", "home", "misc", 1, D("600.00")) for n in (1, 2))
    receipt = Receipt(
        "0",
        1,
        1,
        datetime(2026, 3, 1, 12, tzinfo=UTC),
        lines,
        (Tender(TenderKind.CASH, D("1200.00")),),
    )
    cases = [ReturnCase(receipt, line, 1) for line in lines]
    first, second = decide_return(pol, cases, date(2026, 3, 2))
    assert first.paid_by is not None and second.paid_by is not None
    assert [p for d in (first, second) for p in d.payout_parts()] == [
        ("cheque", D("600.00")),
        ("cheque", D("600.00")),
    ]


def _promo_receipt(**extra: Any) -> Receipt:
    """A laptop with free headphones and a bundle of a printer and ink; rewards earned."""
    lines = (
        SoldLine(1, "LAP", "laptop", "tech", "laptops", 1, D("900.00")),
        SoldLine(
            2,
            "HP",
            "headphones",
            "tech",
            "audio",
            1,
            D("60.00"),
            line_discount=D("60.00"),
            promo_of=1,
        ),
        SoldLine(
            3,
            "PRN",
            "printer",
            "tech",
            "printers",
            1,
            D("200.00"),
            line_discount=D("20.00"),
            bundle="B",
            bundle_discount=D("20.00"),
        ),
        SoldLine(
            4,
            "INK",
            "ink",
            "tech",
            "ink",
            1,
            D("50.00"),
            line_discount=D("10.00"),
            bundle="B",
            bundle_discount=D("10.00"),
        ),
    )
    paid = sum((line.paid for line in lines), D(0))
    return Receipt(
        "0",
        1,
        1,
        datetime(2026, 3, 1, 12, tzinfo=UTC),
        lines,
        (Tender(TenderKind.CARD, paid),),
        **extra,
    )


PROMOS = (
    '[promotions]\nfree_item_kept = "deduct"\nbroken_bundle = "deduct"\n'
    'rewards_spent = "deduct"\nreverse_points = true\n'
)


def test_returning_the_laptop_without_the_free_headphones_takes_their_value() -> None:
    pol, receipt = policy(PROMOS), _promo_receipt()
    (laptop,) = decide_return(pol, [ReturnCase(receipt, receipt.lines[0], 1)], date(2026, 3, 5))
    assert laptop.refund_amount == D("840.00") and laptop.deducted == D("60.00")
    both = decide_return(
        pol, [ReturnCase(receipt, line, 1) for line in receipt.lines[:2]], date(2026, 3, 5)
    )
    assert [d.refund_amount for d in both] == [D("900.00"), D("0.00")]


def test_breaking_a_bundle_takes_back_the_discount_of_what_is_kept() -> None:
    pol, receipt = policy(PROMOS), _promo_receipt()
    (printer,) = decide_return(pol, [ReturnCase(receipt, receipt.lines[2], 1)], date(2026, 3, 5))
    assert printer.refund_amount == D("170.00") and printer.deducted == D("10.00")
    deny = policy('[promotions]\nbroken_bundle = "deny"\n')
    (refused,) = decide_return(deny, [ReturnCase(receipt, receipt.lines[2], 1)], date(2026, 3, 5))
    assert refused.outcome is Outcome.DENY
    whole = [ReturnCase(receipt, line, 1) for line in receipt.lines[2:]]
    assert all(d.outcome is Outcome.APPROVE for d in decide_return(deny, whole, date(2026, 3, 5)))


def test_spent_rewards_and_points_come_back_in_proportion() -> None:
    pol = policy(PROMOS)
    receipt = _promo_receipt(
        rewards_earned=D("50.00"), rewards_spent=D("30.00"), points_earned=1120
    )
    decisions = decide_return(
        pol, [ReturnCase(receipt, line, 1) for line in receipt.lines], date(2026, 3, 5)
    )
    assert sum((d.deducted for d in decisions), D(0)) == D("30.00")
    assert sum(d.points_reversed for d in decisions) == 1120
    assert sum((d.refund_amount + d.deducted for d in decisions), D(0)) == receipt.total


def test_points_a_free_giveaway_earned_are_reversed_by_the_units_that_come_back() -> None:
    """A sale that cost nothing (two giveaways) earned 10 points: returning everything
    takes back all 10, a part never more than its units' share."""
    free = [
        SoldLine(n, f"G{n}", "giveaway", "home", "misc", qty, D("5.00"), line_discount=D(5 * qty))
        for n, qty in ((1, 1), (2, 3))
    ]
    receipt = Receipt(
        "0", 1, 1, datetime(2026, 3, 1, tzinfo=UTC), tuple(free),
        (Tender(TenderKind.CASH, D("0.00")),), points_earned=10,
    )  # fmt: skip
    pol, today = policy(PROMOS), date(2026, 3, 5)
    (mugs,) = decide_return(pol, [ReturnCase(receipt, free[1], 3)], today)
    assert mugs.points_reversed == 7
    both = decide_return(pol, [ReturnCase(receipt, line, line.qty) for line in free], today)
    assert [d.points_reversed for d in both] == [3, 7]
    alone = decide_on(pol, unit_price="0.00", points_earned=10)  # `policy decide`, one line
    assert alone.points_reversed == 10


def test_describe_windows_in_words_for_slips() -> None:
    pol = policy(
        '[windows]\ndefault_days = 30\n[[windows.rule]]\nid = "tv"\ncategories = ["tv"]\n'
        'days = 15\ndescription = "Televisions"\n'
        '[[windows.extension]]\nid = "gold"\ntiers = ["gold"]\nextra_days = 15\n'
    )
    assert pol.describe_windows() == [
        "Most items: 30 days from purchase.",
        "Televisions: 15 days.",
        "Gold members: 15 extra days.",
    ]


def test_rules_are_listed_rule_by_rule_with_their_ids() -> None:
    pol = policy(
        '[[windows.rule]]\nid = "tv"\ndays = 15\n[[final_sale]]\nid = "cards"\n'
        'categories = ["gift-cards"]\n'
    )
    entries = [(e.section, e.rule_id) for e in pol.rules()]
    assert ("windows.rule", "tv") in entries and ("final_sale", "cards") in entries
    assert ("refund", "refund") in entries


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        (
            '[[settlement]]\nid = "a"\nsettlements = ["refund"]\nfrom_day = 40\nuntil_day = 30\n',
            "settlement[1].until_day",
            "is before from_day",
        ),
        (
            '[[windows.extension]]\nid = "a"\ntiers = ["x"]\n',
            "windows.extension[1]",
            "either extra_days or days",
        ),
        (
            '[[windows.rule]]\nid = "a"\ndays = 1\nexcept = {}\n',
            "windows.rule[1]",
            "at least one scope key",
        ),
        ('[[windows.rule]]\nid = "a b"\ndays = 1\n', "windows.rule[1].id", "letters, digits"),
    ],
)
def test_rule_mistakes_name_the_key(text: str, key: str, words: str) -> None:
    with pytest.raises(PolicyError) as info:
        policy(text)
    problems = {p.key: p.message for p in info.value.problems}
    assert key in problems and words in problems[key]

"""Return windows: day counting, which rule wins, holidays, tiers, delivery dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from returns_desk.domain.decision import Outcome
from returns_desk.domain.policy import decide, parse_policy
from returns_desk.domain.policy.examples import build_case

HEAD = '[policy]\nname = "Test"\nversion = "t-1"\n'


def policy_of(body: str):  # noqa: ANN201
    return parse_policy(HEAD + body, "test.toml")


def decide_on(body: str, today: str, **values: Any):  # noqa: ANN201
    data = {"unit_price": "10.00", "sold_on": "2026-03-01", "today": today, **values}
    case, day = build_case(data)
    return decide(policy_of(body), case, day)


def test_inclusive_counting_makes_the_purchase_day_day_one() -> None:
    body = '[windows]\ndefault_days = 30\nday_counting = "inclusive"\n'
    last = decide_on(body, "2026-03-30")
    assert last.outcome is Outcome.APPROVE and last.window_ends == date(2026, 3, 30)
    assert decide_on(body, "2026-03-31").outcome is Outcome.DENY


def test_exclusive_counting_starts_the_day_after_purchase() -> None:
    body = '[windows]\ndefault_days = 30\nday_counting = "exclusive"\n'
    assert decide_on(body, "2026-03-31").window_ends == date(2026, 3, 31)
    assert decide_on(body, "2026-03-31").outcome is Outcome.APPROVE
    assert decide_on(body, "2026-04-01").outcome is Outcome.DENY


def test_late_return_says_when_the_window_closed() -> None:
    late = decide_on("[windows]\ndefault_days = 30\n", "2026-04-04")
    assert late.reasons == ["Standard return window: the window closed on 2026-03-30, 5 days ago."]
    assert late.refund_amount == 0 and late.settlements == frozenset()


def test_late_can_be_a_managers_call() -> None:
    late = decide_on('[windows]\nlate = "needs_override"\n', "2026-04-04")
    assert late.outcome is Outcome.NEEDS_OVERRIDE
    assert str(late.refund_amount) == "10.00"


RULES = """
[windows]
default_days = 90

[[windows.rule]]
id = "toys"
departments = ["toys"]
days = 60

[[windows.rule]]
id = "lego"
categories = ["lego"]
days = 45

[[windows.rule]]
id = "electronics"
departments = ["electronics"]
days = 30
priority = 1
description = "Electronics"
"""


def test_longest_matching_window_wins() -> None:
    decision = decide_on(RULES, "2026-04-15", department="toys", category="lego")
    assert decision.window_ends == date(2026, 4, 29)
    assert decision.rules[2].rule_id == "window.toys"


def test_a_higher_priority_rule_overrides_a_longer_default() -> None:
    decision = decide_on(RULES, "2026-04-15", department="electronics")
    assert decision.outcome is Outcome.DENY
    assert decision.window_ends == date(2026, 3, 30)
    assert decision.reasons == ["Electronics: the window closed on 2026-03-30, 16 days ago."]


def test_unmatched_line_gets_the_default_window() -> None:
    decision = decide_on(RULES, "2026-05-29", department="garden")
    assert decision.window_ends == date(2026, 5, 29)
    assert decision.outcome is Outcome.APPROVE


def test_sku_scoped_window() -> None:
    body = '[windows]\ndefault_days = 30\n[[windows.rule]]\nid = "s"\nskus = ["ABC-1"]\ndays = 5\n'
    body += "priority = 1\n"
    assert decide_on(body, "2026-03-06", sku="abc-1").outcome is Outcome.DENY
    assert decide_on(body, "2026-03-06", sku="abc-2").outcome is Outcome.APPROVE


HOLIDAY = """
[windows]
default_days = 30

[[windows.holiday]]
id = "xmas"
departments = ["electronics"]
bought_from = 2026-11-01
bought_until = 2026-12-24
returnable_until = 2027-01-24
"""


def test_holiday_purchase_is_returnable_until_the_holiday_date() -> None:
    decision = decide_on(HOLIDAY, "2027-01-24", sold_on="2026-12-24", department="electronics")
    assert decision.outcome is Outcome.APPROVE
    assert decision.window_ends == date(2027, 1, 24)
    assert "Bought in the holiday period, so returnable until 2027-01-24." in decision.reasons


def test_holiday_window_only_for_its_scope_and_dates() -> None:
    other_dept = decide_on(HOLIDAY, "2027-01-24", sold_on="2026-12-24", department="toys")
    assert other_dept.outcome is Outcome.DENY
    after = decide_on(HOLIDAY, "2027-01-30", sold_on="2026-12-26", department="electronics")
    assert after.window_ends == date(2027, 1, 24)  # its own 30 days, not the holiday's
    assert after.outcome is Outcome.DENY


def test_holiday_never_shortens_a_longer_window() -> None:
    body = HOLIDAY.replace("default_days = 30", "default_days = 90")
    decision = decide_on(body, "2027-02-01", sold_on="2026-12-20", department="electronics")
    assert decision.window_ends == date(2027, 3, 19)


TIERS = '[windows]\ndefault_days = 30\n[[windows.tier]]\ntier = "Gold"\nextra_days = 30\n'


def test_loyalty_tier_extends_the_window() -> None:
    gold = decide_on(TIERS, "2026-04-20", tier="gold")
    assert gold.outcome is Outcome.APPROVE and gold.window_ends == date(2026, 4, 29)
    assert "Gold members get 30 extra days." in gold.reasons
    assert decide_on(TIERS, "2026-04-20").outcome is Outcome.DENY


def test_tier_printed_on_the_receipt_counts_too() -> None:
    assert decide_on(TIERS, "2026-04-20", receipt_tier="GOLD").outcome is Outcome.APPROVE


def test_window_counts_from_delivery_when_the_policy_says_so() -> None:
    body = '[windows]\ndefault_days = 30\ncount_from = "delivery"\n'
    delivered = decide_on(body, "2026-04-10", delivered_on="2026-03-20")
    assert delivered.window_ends == date(2026, 4, 18)
    assert "from delivery on 2026-03-20" in delivered.reasons[0]
    not_delivered = decide_on(body, "2026-04-10")
    assert not_delivered.outcome is Outcome.DENY


def test_unlimited_window_never_closes() -> None:
    decision = decide_on('[windows]\ndefault_days = "unlimited"\n', "2036-01-01")
    assert decision.outcome is Outcome.APPROVE and decision.window_ends is None


def test_opened_items_get_their_own_shorter_window() -> None:
    body = (
        '[windows]\ndefault_days = 365\n[[windows.rule]]\nid = "opened"\n'
        'conditions = ["opened"]\ndays = 180\npriority = 1\n'
    )
    assert decide_on(body, "2026-10-01", condition="opened").outcome is Outcome.DENY
    assert decide_on(body, "2026-10-01").outcome is Outcome.APPROVE

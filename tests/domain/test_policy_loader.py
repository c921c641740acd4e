"""Loading policy files: the shipped ones decide their examples; mistakes name line and key."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from returns_desk.domain.decision import Outcome
from returns_desk.domain.policy import PolicyError, load_policy, parse_policy, run_examples

POLICIES = Path(__file__).resolve().parents[2] / "policies"
SHIPPED = sorted(POLICIES.glob("*.toml"))

MINIMAL = """\
[policy]
name = "Test"
version = "1"
"""


def error_of(text: str) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        parse_policy(text, "test.toml")
    return info.value


def test_the_five_policies_ship() -> None:
    names = {p.stem for p in SHIPPED}
    assert {"default", "big-box", "electronics-chain", "warehouse-club", "furniture"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_policy_decides_its_examples_as_written(path: Path) -> None:
    policy = load_policy(path)
    results = run_examples(policy)
    assert len(results) >= 6
    assert [(r.example.name, r.failures) for r in results if not r.passed] == []
    outcomes = {r.decision.outcome for r in results}
    assert Outcome.APPROVE in outcomes and Outcome.DENY in outcomes


def test_policy_records_name_and_version() -> None:
    policy = load_policy(POLICIES / "default.toml")
    assert policy.name == "Default store policy"
    assert policy.version == "2026.11-2"


def test_an_example_with_a_wrong_expectation_fails_and_says_what_differs() -> None:
    policy = load_policy(POLICIES / "default.toml")
    first = policy.examples[0]
    wrong = first.model_copy(update={"expect_refund": Decimal("1.00"), "expect": Outcome.DENY})
    results = run_examples(policy.with_changes(examples=(wrong,)))
    assert results[0].failures == [
        "outcome: expected deny, got approve",
        "refund: expected 1.00, got 32.39",
    ]


def test_unknown_key_names_file_line_and_key() -> None:
    exc = error_of(MINIMAL + "\n[windows]\ndefault_days = 30\ndefault_dayz = 31\n")
    assert str(exc).startswith("test.toml:7: windows.default_dayz: unknown key")
    assert exc.line == 7


def test_wrong_type_in_an_array_table_names_its_number() -> None:
    text = MINIMAL + (
        '[[windows.rule]]\nid = "a"\ndays = 10\n\n[[windows.rule]]\nid = "b"\ndays = "ten"\n'
    )
    exc = error_of(text)
    assert exc.line == 10
    assert exc.key == "windows.rule[2].days"
    assert "expected a number of days" in str(exc)


def test_float_money_is_refused_so_amounts_stay_exact() -> None:
    exc = error_of(MINIMAL + "[refund]\ncash_limit = 250.5\n")
    assert exc.line == 5 and exc.key == "refund.cash_limit"
    assert "in quotes" in exc.message


def test_missing_version_is_required() -> None:
    exc = error_of('[policy]\nname = "Test"\n')
    assert exc.key == "policy.version" and exc.message == "is required"


def test_invalid_toml_reports_its_line() -> None:
    exc = error_of(MINIMAL + "[windows\n")
    assert exc.line == 4
    assert "not valid TOML" in str(exc)


def test_bad_choice_lists_the_allowed_values() -> None:
    exc = error_of(MINIMAL + '[conditions]\ndamaged = "maybe"\n')
    assert exc.key == "conditions.damaged" and exc.line == 5
    assert '"accept", "needs_override", "deny"' in exc.message


def test_duplicate_rule_ids_are_refused() -> None:
    text = MINIMAL + '[[windows.rule]]\nid = "a"\ndays = 1\n[[windows.rule]]\nid = "a"\ndays = 2\n'
    exc = error_of(text)
    assert exc.key == "windows.rule[2].id" and exc.line == 8


def test_holiday_dates_out_of_order_are_refused() -> None:
    text = MINIMAL + (
        '[[windows.holiday]]\nid = "h"\nbought_from = 2026-12-01\n'
        "bought_until = 2026-11-01\nreturnable_until = 2027-01-01\n"
    )
    exc = error_of(text)
    assert exc.key == "windows.holiday[1].bought_until" and exc.line == 7


def test_restocking_fee_needs_exactly_one_of_percent_or_amount() -> None:
    text = MINIMAL + '[[restocking_fee]]\nid = "x"\npercent = "10"\namount = "5.00"\n'
    exc = error_of(text)
    assert exc.key == "restocking_fee[1]" and exc.line == 4


def test_bad_example_value_names_the_example_line() -> None:
    text = MINIMAL + '\n[[example]]\nname = "x"\ntoday = 2026-01-01\nunit_price = "1.999"\n'
    exc = error_of(text)  # every mistake is reported: the missing expect, the bad price
    found = {(p.key, p.line) for p in exc.problems}
    assert found == {("example[1].unit_price", 8), ("example[1].expect", 5)}
    assert "more than two decimal places" in str(exc)


def test_missing_file_is_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="cannot read the file"):
        load_policy(POLICIES / "no-such-policy.toml")


def test_multiline_arrays_do_not_confuse_line_numbers() -> None:
    text = MINIMAL + '[final_sale]\ncategories = [\n  "a",\n  "b",\n]\nbogus = 1\n'
    assert error_of(text).line == 9

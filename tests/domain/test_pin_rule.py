"""The PIN rule: long enough for the role, never a run or a repeat."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from returns_desk.domain.pin_rule import PinRuleError, check_pin, obvious
from returns_desk.domain.roles import Role


@pytest.mark.parametrize("pin", ["1234", "0000", "987654", "7890", "121212", "4545", "3210"])
def test_runs_and_repeats_are_refused_for_everyone(pin):
    assert obvious(pin)
    with pytest.raises(PinRuleError, match="too easy to guess"):
        check_pin(pin, Role.CLERK)


@pytest.mark.parametrize(
    "pin", ["123123", "123321", "112233", "2580", "147258", "1984", "2026", "1122", "11223344"]
)
def test_halves_doubled_or_mirrored_keypad_lines_and_years_are_refused(pin):
    with pytest.raises(PinRuleError, match="too easy to guess"):
        check_pin(pin, Role.CLERK)


@pytest.mark.parametrize("pin", ["4821", "90417", "305928", "83927461", "1899", "2100"])
def test_ordinary_pins_pass_for_clerks(pin):
    check_pin(pin, Role.CLERK)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.AUDITOR])
def test_managers_and_auditors_need_six_digits(role):
    article = "an" if role is Role.AUDITOR else "a"
    with pytest.raises(PinRuleError, match=f"{article} {role.value}'s PIN is 6 to 8 digits"):
        check_pin("4821", role)
    check_pin("482915", role)


@pytest.mark.parametrize("pin", ["12a4", "", "123456789", " 4821"])
def test_not_digits_or_too_long_is_named(pin):
    with pytest.raises(PinRuleError, match="4 to 8 digits"):
        check_pin(pin, Role.CLERK)


def test_integration_accounts_have_keys_not_pins():
    with pytest.raises(PinRuleError, match="generated key"):
        check_pin("482915", Role.INTEGRATION)


@given(st.text(alphabet="0123456789", min_size=4, max_size=8))
def test_a_pin_is_either_refused_with_a_reason_or_accepted(pin):
    try:
        check_pin(pin, Role.CLERK)
    except PinRuleError as exc:
        assert obvious(pin) and pin not in str(exc)
    else:
        assert not obvious(pin)

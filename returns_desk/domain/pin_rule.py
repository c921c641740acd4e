"""The PIN rule: long enough for the role, and not one of the PINs everyone tries first.

A PIN is only as strong as the guesses it survives: the lockout limits guesses at the
desk, but a stolen copy of the hashes can be searched offline, where every digit counts.
So managers and auditors, whose PINs approve overrides and read the trail, need six
digits; clerks four. What people guess first is refused for everyone, whatever its
length: runs and repeats (``1234``, ``987654``, ``0000``, ``121212``), doubled or mirrored
halves (``123123``, ``123321``), doubled digits (``112233``), lines on the keypad
(``2580``, ``147258``), and, as four digits, a year (``1984``).
"""

from __future__ import annotations

from returns_desk.domain.roles import Role

MIN_DIGITS = {Role.CLERK: 4, Role.MANAGER: 6, Role.AUDITOR: 6}
MAX_DIGITS = 8  # what the log-in screen takes
# Keypad lines and well-known PINs (the most common PINs in leaked lists that are not
# runs or repeats already).
WELL_KNOWN = frozenset(
    {"2580", "0852", "1470", "0741", "3690", "0963", "147258", "258369", "159753", "1004",
     "1122", "102030", "111222", "121314", "5683", "7410", "8520", "9630"}
)  # fmt: skip


class PinRuleError(ValueError):
    """A PIN the rule refuses; the message says why, never the PIN."""


def check_pin(pin: str, role: Role) -> None:
    """Refuse a PIN that is too short for ``role``, not digits, or an obvious pattern."""
    if role not in MIN_DIGITS:
        raise PinRuleError(f"{role.value} accounts log in with a generated key, not a PIN")
    least = MIN_DIGITS[role]
    if not pin.isdigit() or not least <= len(pin) <= MAX_DIGITS:
        article = "an" if role.value[0] in "aeiou" else "a"
        raise PinRuleError(f"{article} {role.value}'s PIN is {least} to {MAX_DIGITS} digits")
    if obvious(pin):
        raise PinRuleError(
            "that PIN is too easy to guess (a run, a repeat, a year or a keypad line); "
            "choose another"
        )


def obvious(pin: str) -> bool:
    """A PIN among the first an attacker tries (see the module's docstring)."""
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}
    if steps in ({1}, {9}, {0}) or pin in WELL_KNOWN:
        return True
    if len(set(pin[0::2])) == 1 and len(set(pin[1::2])) == 1:  # 1212, 454545
        return True
    half = len(pin) // 2
    if len(pin) >= 6 and len(pin) % 2 == 0 and pin[half:] in (pin[:half], pin[:half][::-1]):
        return True  # 123123, 123321
    if len(pin) >= 6 and len(pin) % 2 == 0 and pin[0::2] == pin[1::2]:
        return True  # 112233
    return len(pin) == 4 and 1900 <= int(pin) <= 2099  # a year: a birthday, a wedding

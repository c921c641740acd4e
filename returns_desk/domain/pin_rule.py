"""The PIN rule: long enough for the role, and not one of the PINs everyone tries first.

A PIN is only as strong as the guesses it survives: the lockout limits guesses at the
desk, but a stolen copy of the hashes can be searched offline, where every digit counts.
So managers and auditors, whose PINs approve overrides and read the trail, need six
digits; clerks four. Runs and repeats (``1234``, ``987654``, ``0000``, ``121212``) are
refused for everyone, whatever their length.
"""

from __future__ import annotations

from returns_desk.domain.roles import Role

MIN_DIGITS = {Role.CLERK: 4, Role.MANAGER: 6, Role.AUDITOR: 6}
MAX_DIGITS = 8  # what the log-in screen takes


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
        raise PinRuleError("that PIN is too easy to guess (a run or a repeat); choose another")


def obvious(pin: str) -> bool:
    """A run up or down (``2345``, ``8765``, ``7890``) or a repeat of one or two digits."""
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}
    if steps in ({1}, {9}, {0}):
        return True
    return len(set(pin[0::2])) == 1 and len(set(pin[1::2])) == 1

"""Why a customer brings something back: the reason codes the counter offers.

A reason is required on every returned line; ``other`` needs the customer's words.
"""

from __future__ import annotations

from enum import StrEnum


class ReasonCode(StrEnum):
    """The reason codes a clerk picks from, in the order the counter lists them."""

    CHANGED_MIND = "changed_mind"
    WRONG_SIZE = "wrong_size"
    DEFECTIVE = "defective"
    NOT_AS_DESCRIBED = "not_as_described"
    DUPLICATE_GIFT = "duplicate_gift"
    ARRIVED_LATE = "arrived_late"
    OTHER = "other"

    @property
    def words(self) -> str:
        """How the counter shows the code: 'not as described'."""
        return self.value.replace("_", " ")


class ReasonError(ValueError):
    """A missing or incomplete return reason, said so a clerk can fix it."""


def check_reason(code: str, text: str = "", where: str = "") -> tuple[ReasonCode, str]:
    """Validate a reason code and its text; ``where`` names the line in the message."""
    prefix = f"{where}: " if where else ""
    if not code:
        raise ReasonError(f"{prefix}pick a reason for the return")
    try:
        reason = ReasonCode(code)
    except ValueError:
        known = ", ".join(r.value for r in ReasonCode)
        raise ReasonError(f"{prefix}unknown reason {code!r}; use one of {known}") from None
    words = " ".join(text.split())
    if reason is ReasonCode.OTHER and not words:
        raise ReasonError(f"{prefix}reason 'other' needs a few words saying why")
    return reason, words

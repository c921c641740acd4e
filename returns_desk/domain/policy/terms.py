"""The words a policy file chooses from: conditions, how days count, tier basis ...

Plain enums, kept apart from the model so the scope, the facts of a return and the model
can all use them.
"""

from __future__ import annotations

from enum import StrEnum

from returns_desk.domain.decision import Settlement, Verdict

__all__ = [
    "Bundle",
    "CashOverLimit",
    "Condition",
    "CountFrom",
    "DayCounting",
    "ExchangeFor",
    "PayBy",
    "ReceiptKind",
    "Reclaim",
    "Settlement",
    "TierBasis",
    "Verdict",
]


class Condition(StrEnum):
    """The state the item comes back in, as the clerk judges it."""

    UNOPENED = "unopened"
    OPENED = "opened"
    DEFECTIVE = "defective"
    DAMAGED = "damaged"
    MISSING_PARTS = "missing_parts"


class DayCounting(StrEnum):
    """Whether the purchase day is day 1 (inclusive) or day 0 (exclusive)."""

    INCLUSIVE = "inclusive"
    EXCLUSIVE = "exclusive"


class CountFrom(StrEnum):
    """Which date starts the window: the sale, or the day a delivered item was received."""

    PURCHASE = "purchase"
    DELIVERY = "delivery"


class CashOverLimit(StrEnum):
    """What happens to cash above the policy's limit."""

    VOUCHER = "voucher"
    NEEDS_OVERRIDE = "needs_override"


class TierBasis(StrEnum):
    """Which loyalty tier a rule reads.

    ``counter``: the tier the customer holds today, as told at the counter (the receipt's
    when none is told). ``purchase``: the tier printed on the receipt, held when buying.
    ``either``: either one qualifies.
    """

    COUNTER = "counter"
    PURCHASE = "purchase"
    EITHER = "either"


class ExchangeFor(StrEnum):
    """What an exchange may be for: anything in the store, or the identical item."""

    ANY = "any"
    IDENTICAL = "identical"


class PayBy(StrEnum):
    """How a large cash refund is paid instead of from the drawer."""

    CHEQUE = "cheque"
    BANK_TRANSFER = "bank_transfer"


class Reclaim(StrEnum):
    """Whether a promotion's value the customer keeps comes off the refund."""

    DEDUCT = "deduct"
    IGNORE = "ignore"


class Bundle(StrEnum):
    """A bundle broken up by a return: take its discount back, or ask, or refuse."""

    DEDUCT = "deduct"
    IGNORE = "ignore"
    NEEDS_OVERRIDE = "needs_override"
    DENY = "deny"


class ReceiptKind(StrEnum):
    """How the receipt was shown: the receipt, a gift receipt, or none."""

    YES = "yes"
    GIFT = "gift"
    NONE = "none"

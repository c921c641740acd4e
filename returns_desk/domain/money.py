"""Money as Decimal, rounded in exactly one place.

Every amount the desk shows, stores or refunds passes through :func:`round_money`;
splits go through :func:`allocate` so the parts always sum to the whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class MoneyError(ValueError):
    """An amount that cannot be money (not a number, or finer than a cent)."""


def round_money(amount: Decimal | int | str) -> Decimal:
    """The one rounding rule of the desk: half-up to the cent."""
    if isinstance(amount, Decimal) and amount.is_finite():  # the usual case, made quick
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return to_decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Parse a value as Decimal; floats are refused because they are not exact."""
    if isinstance(value, float):
        raise MoneyError(f"refusing float {value!r}: money must be exact (use a string)")
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise MoneyError(f"not an amount: {value!r}") from exc
    if not result.is_finite():
        raise MoneyError(f"not an amount: {value!r}")
    return result


def parse_money(value: Decimal | int | str) -> Decimal:
    """Parse an amount that must already be whole cents (as a POS journal writes it)."""
    amount = to_decimal(value)
    cents = amount.quantize(CENT)
    if amount != cents:
        raise MoneyError(f"{value!r} has more than two decimal places")
    return cents


def to_minor(amount: Decimal) -> int:
    """Whole cents, for exact storage; refuses sub-cent amounts rather than lose them."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise MoneyError(f"{amount} is not a whole number of cents")
    return int(cents)


def from_minor(cents: int) -> Decimal:
    """Decimal amount from whole cents."""
    return Decimal(cents).scaleb(-2)  # exact: 150 -> Decimal("1.50")


def minor_text(cents: int) -> str:
    """Whole cents as the amount's text, exactly as ``str(from_minor(cents))`` writes it
    (``-300`` -> ``"-3.00"``), without making the Decimal: exports write millions."""
    whole, part = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{whole}.{part:02d}"


def allocate(total: Decimal, weights: Sequence[Decimal | int]) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights`` so the parts sum to exactly ``total``.

    Largest-remainder method on whole cents: each part is rounded down, and the
    left-over cents go to the parts with the biggest remainders (earliest first on ties).
    Used for order discounts across lines and refunds across tenders.
    """
    total_cents = to_minor(round_money(total))
    dec_weights = [Decimal(w) for w in weights]
    weight_sum = sum(dec_weights, Decimal(0))
    if not dec_weights:
        if total_cents:
            raise MoneyError("cannot allocate a non-zero amount over nothing")
        return []
    if weight_sum == 0:
        dec_weights = [Decimal(1)] * len(dec_weights)
        weight_sum = Decimal(len(dec_weights))
    sign = -1 if total_cents < 0 else 1
    magnitude = abs(total_cents)
    exact = [magnitude * w / weight_sum for w in dec_weights]
    floors = [int(e) for e in exact]
    left = magnitude - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [from_minor(sign * f) for f in floors]


def format_money(amount: Decimal, currency: str = "$") -> str:
    """How the desk prints an amount: ``$1,234.50`` or ``-$3.00``."""
    value = round_money(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}{currency}{abs(value):,.2f}"

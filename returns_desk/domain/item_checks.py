"""What every returned item needs before the policy is asked: a quantity, a reason, and for
a serialized item brought back without a receipt, its serial, one unit at a time."""

from __future__ import annotations

from collections.abc import Sequence

from returns_desk.domain.draft import ReturnError, ReturnItem
from returns_desk.domain.quote import LineQuote
from returns_desk.domain.return_reasons import ReasonError, check_reason


def checked_items(items: Sequence[ReturnItem], scanned: bool) -> list[ReturnItem]:
    """At least one item, positive quantities, a reason on each; ``scanned`` items (no
    receipt) also need the code they were scanned by."""
    noun = "item" if scanned else "line"
    if not items:
        verb = "scan" if scanned else "select"
        raise ReturnError(f"{verb} at least one {noun} to return")
    for item in items:
        where = f"{noun} {item.line_no}"
        if scanned:
            if not item.code.strip():
                raise ReturnError(f"{where}: scan the item's barcode or type its SKU")
            where += f" ({item.code.strip()})"
        if item.qty < 1:
            raise ReturnError(f"{where}: the quantity must be at least 1")
        try:
            check_reason(item.reason_code, item.reason_text, where)
        except ReasonError as exc:
            raise ReturnError(str(exc)) from None
    return list(items)


def check_scanned_serials(quotes: Sequence[LineQuote]) -> None:
    """A serialized item without a receipt comes back one unit at a time, with its serial."""
    for quote in quotes:
        line = quote.line
        if not line.serialized:
            continue
        where = f"item {line.line_no} ({line.sku} {line.description})"
        if quote.item.qty != 1:
            raise ReturnError(f"{where} is serialized: take each unit back on its own")
        if not quote.item.serial:
            raise ReturnError(f"{where} is serialized: scan the serial number on the unit")

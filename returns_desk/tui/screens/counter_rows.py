"""How the counter words a receipt and its decisions in the room an 80-column desk has."""

from __future__ import annotations

from decimal import Decimal

from returns_desk.domain.codes import parse_receipt_code
from returns_desk.domain.customer_id import CustomerId
from returns_desk.domain.decision import Outcome
from returns_desk.domain.money import format_money
from returns_desk.domain.receipt import Receipt, SoldLine
from returns_desk.services.returns.request import LineQuote, Quote, ReceiptlessItem

COLUMNS = ("#", "Item", "Sold", "Left", "Window to", "Ret", "Decision", "Back")
LOOSE_COLUMNS = ("#", "Item", "SKU", "Qty", "Credit at", "Decision", "Back")
SHORT = {
    Outcome.APPROVE: "Approved",
    Outcome.APPROVE_WITH_OVERRIDE: "Approved*",
    Outcome.NEEDS_OVERRIDE: "Manager",
    Outcome.DENY: "Denied",
}


def summary(receipt: Receipt) -> str:
    """Two lines about the receipt as a whole."""
    code = parse_receipt_code(receipt.code).pretty()
    flags = "  GIFT RECEIPT" if receipt.gift_receipt else ""
    tier = f"  tier {receipt.loyalty_tier}" if receipt.loyalty_tier else ""
    tenders = ", ".join(f"{t.kind.value} {format_money(t.amount)}" for t in receipt.tenders)
    first = (
        f"Receipt {code}  sold {receipt.sold_at:%Y-%m-%d}  store {receipt.store_no}{tier}{flags}"
    )
    second = f"Total {format_money(receipt.total)}  paid by {tenders}"
    if all(line.returnable_qty == 0 for line in receipt.lines):
        second += "\nEverything on this receipt has been returned already."
    return f"{first}\n{second}"


def row(line: SoldLine, quoted: LineQuote | None, selected_qty: int | None) -> tuple[str, ...]:
    """One table row: the line, what is left, its window end and the decision beside it."""
    if quoted is None:
        decision, ends, back = ("Returned" if line.returnable_qty == 0 else "..."), "", ""
    else:
        d = quoted.decision
        decision = SHORT[d.outcome]
        ends = d.window_ends.isoformat() if d.window_ends else "none"
        back = format_money(d.refund_amount) if d.outcome is not Outcome.DENY else ""
    return (
        str(line.line_no),
        line.description[:20],
        str(line.qty),
        str(line.returnable_qty),
        ends,
        str(selected_qty) if selected_qty else "",
        decision,
        back,
    )


def detail(line: SoldLine, quoted: LineQuote | None, selected: bool) -> str:
    """The reasons beside the highlighted line, first what stands in the way."""
    head = f"Line {line.line_no} {line.sku} {line.description}"
    if quoted is None:
        return f"{head}: nothing left to return." if line.returnable_qty == 0 else head
    d = quoted.decision
    what = "as selected" if selected else "if all of it comes back as sold"
    reasons = " ".join(d.reasons[:3])
    return f"{head} ({what}): {d.headline}.\n{reasons}"


def status(quote: Quote | None, count: int, override: str | None, noun: str = "line") -> str:
    """The line under the table: what is selected and what it needs."""
    if not count:
        return "F4 adds an item." if noun == "item" else "Enter on a line to return it."
    if quote is None:
        return f"{count} {noun}(s) selected: asking the policy ..."
    text = f"{count} {noun}(s) selected: {format_money(quote.total)} back."
    if quote.denied:
        text += f" {noun.title()} {quote.denied[0].line.line_no} is denied: drop it (Del)."
    elif quote.needs_override:
        text += f" Override by {override} ready." if override else " Needs a manager (F7)."
    if quote.lines and not quote.denied:
        text += " F9 completes."
    return text


def loose_summary(customer: CustomerId | None) -> str:
    """Two lines about a return without a receipt: whose ID, and the keys that apply."""
    who = f"ID {customer.words} checked" if customer else "no photo ID shown"
    return (
        f"No receipt, no sale found: {who} (F5 changes it).\n"
        "F4 adds an item, Enter changes one, Del drops it, F9 completes."
    )


def loose_row(number: int, item: ReceiptlessItem, quoted: LineQuote | None) -> tuple[str, ...]:
    """One item without a receipt: what it is, what it is credited at, the decision."""
    if quoted is None:
        return (str(number), "", item.code, str(item.qty), "", "...", "")
    d, line = quoted.decision, quoted.line
    back = format_money(d.refund_amount) if d.outcome is not Outcome.DENY else ""
    return (
        str(number),
        line.description[:20],
        line.sku,
        str(item.qty),
        format_money(credit_price(quoted)),
        SHORT[d.outcome],
        back,
    )


def credit_price(quoted: LineQuote) -> Decimal:
    """The unit price a receiptless item is credited at: the lowest recent, at most today's."""
    today = quoted.line.unit_price
    lowest = quoted.lowest_price
    return today if lowest is None else min(lowest, today)


def loose_detail(quoted: LineQuote | None, item: ReceiptlessItem, number: int) -> str:
    """The reasons beside the highlighted item, with the price it is credited at."""
    if quoted is None:
        return f"Item {number} {item.code}: asking the policy ..."
    d, line = quoted.decision, quoted.line
    price = credit_price(quoted)
    today = "" if price == line.unit_price else f" (today {format_money(line.unit_price)})"
    head = f"Item {number} {line.sku} {line.description} at {format_money(price)}{today}"
    return f"{head}: {d.headline}.\n{' '.join(loose_reasons(quoted)[:3])}"


def loose_reasons(quoted: LineQuote) -> list[str]:
    """What stands in the way first; else the no-receipt terms and the customer's count."""
    d = quoted.decision
    if d.outcome is Outcome.DENY:
        return d.reasons
    blocking = [r.reason for r in d.rules if r.matched and r.effect.value != "accept"]
    terms = [r.reason for r in d.rules if r.rule_id in ("receipt.none", "receipt.limit")]
    return blocking + [t for t in terms if t not in blocking]

"""How the counter words a receipt and its decisions in the room an 80-column desk has."""

from __future__ import annotations

from returns_desk.domain.codes import parse_receipt_code
from returns_desk.domain.decision import Outcome
from returns_desk.domain.money import format_money
from returns_desk.domain.receipt import Receipt, SoldLine
from returns_desk.services.returns_request import LineQuote, Quote

COLUMNS = ("#", "Item", "Sold", "Left", "Window to", "Ret", "Decision", "Back")
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


def status(quote: Quote | None, count: int, override: str | None) -> str:
    """The line under the table: what is selected and what it needs."""
    if not count:
        return "Enter on a line to return it."
    if quote is None:
        return f"{count} line(s) selected: asking the policy ..."
    text = f"{count} line(s) selected: {format_money(quote.total)} back."
    if quote.denied:
        text += f" Line {quote.denied[0].line.line_no} is denied: drop it (Del)."
    elif quote.needs_override:
        text += f" Override by {override} ready." if override else " Needs a manager (F7)."
    if quote.lines and not quote.denied:
        text += " F9 completes."
    return text

"""How the counter words a return draft in the room an 80-column desk has: the summary
above the table, each row, the reasons under it and the status line."""

from __future__ import annotations

from returns_desk.domain.codes import parse_receipt_code
from returns_desk.domain.decision import Outcome
from returns_desk.domain.draft import (
    FromPreReturn,
    FromReceipt,
    NoReceipt,
    ReturnDraft,
    ReturnItem,
)
from returns_desk.domain.money import format_money
from returns_desk.domain.quote import LineQuote
from returns_desk.domain.receipt import Receipt, SoldLine

EMPTY_HINT = (
    "Scan the receipt's barcode or type its 13-digit code, then Enter.\n"
    "Dashes and spaces are fine: 101-02-0000123-4.  No receipt? F3 finds the sale.\n"
    "No sale found? F4 takes the items back without a receipt."
)
RECEIPT_COLUMNS = ("#", "Item", "Sold", "Left", "Window to", "Ret", "Decision", "Back")
SCANNED_COLUMNS = ("#", "Item", "SKU", "Qty", "Credit at", "Decision", "Back")
SHORT = {
    Outcome.APPROVE: "Approved",
    Outcome.APPROVE_WITH_OVERRIDE: "Approved*",
    Outcome.NEEDS_OVERRIDE: "Manager",
    Outcome.DENY: "Denied",
}


def columns(draft: ReturnDraft) -> tuple[str, ...]:
    return SCANNED_COLUMNS if draft.source.scanned else RECEIPT_COLUMNS


def summary(draft: ReturnDraft) -> str:
    """Two lines about the return as a whole."""
    source = draft.source
    if isinstance(source, FromReceipt):
        return receipt_summary(source.receipt)
    if isinstance(source, FromPreReturn):
        wish = source.wanted.value.replace("_", " ")
        head = f"Pre-registered return {source.reference} (the customer wants {wish})"
        return f"{head}\n{receipt_summary(source.receipt)}"
    assert isinstance(source, NoReceipt)
    who = f"ID {source.customer.words} checked" if source.customer else "no photo ID shown"
    return (
        f"No receipt, no sale found: {who} (F5 changes it).\n"
        "F4 adds an item, Enter changes one, Del drops it, F9 completes."
    )


def receipt_summary(receipt: Receipt) -> str:
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


def shown(draft: ReturnDraft, number: int) -> LineQuote | None:
    """The decision shown for a line: as taken into the return, else the preview."""
    quoted = draft.quote.line(number) if draft.quote else None
    if draft.item(number) is not None:
        return quoted
    return draft.previews.get(number)


def rows(draft: ReturnDraft) -> list[tuple[int, tuple[str, ...]]]:
    """Each row of the table with its line (or item) number."""
    if draft.receipt is not None:
        return [(ln.line_no, receipt_row(draft, ln)) for ln in draft.receipt.lines]
    return [(i.line_no, scanned_row(i, shown(draft, i.line_no))) for i in draft.items]


def receipt_row(draft: ReturnDraft, line: SoldLine) -> tuple[str, ...]:
    """One receipt line, what is left, its window end and the decision beside it."""
    quoted, chosen = shown(draft, line.line_no), draft.item(line.line_no)
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
        str(chosen.qty) if chosen else "",
        decision,
        back,
    )


def scanned_row(item: ReturnItem, quoted: LineQuote | None) -> tuple[str, ...]:
    """One item without a receipt: what it is, what it is credited at, the decision."""
    if quoted is None:
        return (str(item.line_no), "", item.code, str(item.qty), "", "...", "")
    d, line = quoted.decision, quoted.line
    back = format_money(d.refund_amount) if d.outcome is not Outcome.DENY else ""
    return (
        str(item.line_no),
        line.description[:20],
        line.sku,
        str(item.qty),
        format_money(quoted.credit_price),
        SHORT[d.outcome],
        back,
    )


def detail(draft: ReturnDraft, number: int | None) -> str:
    """The reasons beside the highlighted line or item, first what stands in the way."""
    if number is None:
        return ""
    quoted = shown(draft, number)
    if draft.receipt is None:
        item = draft.item(number)
        return scanned_detail(quoted, item) if item else ""
    line = draft.receipt.line(number)
    head = f"Line {line.line_no} {line.sku} {line.description}"
    if quoted is None:
        return f"{head}: nothing left to return." if line.returnable_qty == 0 else head
    d = quoted.decision
    what = "as selected" if draft.item(number) else "if all of it comes back as sold"
    return f"{head} ({what}): {d.headline}.\n{merged(d.reasons)}"


def scanned_detail(quoted: LineQuote | None, item: ReturnItem) -> str:
    """The reasons beside the highlighted item, with the price it is credited at."""
    if quoted is None:
        return f"Item {item.line_no} {item.code}: asking the policy ..."
    d, line = quoted.decision, quoted.line
    price = quoted.credit_price
    today = "" if price == line.unit_price else f" (today {format_money(line.unit_price)})"
    head = f"Item {item.line_no} {line.sku} {line.description} at {format_money(price)}{today}"
    return f"{head}: {d.headline}.\n{merged(scanned_reasons(quoted))}"


def merged(reasons: list[str], most: int = 4) -> str:
    """The first reasons as one paragraph; reasons about the same rule ("Standard return
    window: ...") are said once, their parts joined."""
    said: list[list[str]] = []
    for reason in reasons[:most]:
        head, colon, rest = reason.partition(": ")
        if colon and said and said[-1][0] == head:
            said[-1].append(rest.rstrip("."))
        else:
            said.append([head, rest.rstrip(".")] if colon else [reason.rstrip(".")])
    return " ".join(
        f"{parts[0]}: {'; '.join(parts[1:])}." if len(parts) > 1 else f"{parts[0]}."
        for parts in said
    )


def scanned_reasons(quoted: LineQuote) -> list[str]:
    """What stands in the way first; else the no-receipt terms and the customer's count."""
    d = quoted.decision
    if d.outcome is Outcome.DENY:
        return d.reasons
    blocking = [r.reason for r in d.rules if r.matched and r.effect.value != "accept"]
    terms = [r.reason for r in d.rules if r.rule_id in ("receipt.none", "receipt.limit")]
    return blocking + [t for t in terms if t not in blocking]


def status(draft: ReturnDraft) -> str:
    """The line under the table: what is taken and what it needs."""
    count, quote, noun = len(draft.items), draft.quote, draft.noun
    if not count:
        return "F4 adds an item." if draft.source.scanned else "Enter on a line to return it."
    if quote is None:
        return f"{count} {noun}(s) selected: asking the policy ..."
    text = f"{count} {noun}(s) selected: {format_money(quote.total)} back."
    if quote.denied:
        text += f" {noun.title()} {quote.denied[0].item.line_no} is denied: drop it (Del)."
    elif quote.needs_override:
        who = draft.override.username if draft.override else None
        text += f" Override by {who} ready." if who else " Needs a manager (F7)."
    if draft.unchecked:
        lines = ", ".join(str(n) for n in draft.unchecked)
        return f"{text} Scan each item to check it: line {lines} not checked yet."
    if quote.lines and not quote.denied:
        text += " F9 completes."
    return text

"""Money and decisions in the few words a dialog has room for."""

from __future__ import annotations

from returns_desk.domain.decision import Settlement, settlement_words
from returns_desk.domain.draft import CompletedReturn
from returns_desk.domain.money import ZERO, format_money
from returns_desk.domain.quote import Quote
from returns_desk.domain.voucher_code import VoucherCode


def split_words(quote: Quote) -> str:
    """Where a refund would go: 'refund to card 1234 $20.00, cash $5.00', and why part of it
    comes as a voucher (the cash limit), if it does."""
    if not quote.from_receipt:
        if Settlement.REFUND not in quote.settlements:
            return f"No receipt: {settlement_words(quote.settlements)} only."
        return "No receipt: a refund is paid in cash (over the cash limit, as a voucher)."
    parts: dict[str, object] = {}
    for q in quote.lines:
        for tender, amount in q.decision.tender_split:
            name = tender.kind.value.replace("_", " ")
            if tender.card_last4:
                name += f" {tender.card_last4}"
            parts[name] = parts.get(name, ZERO) + amount  # type: ignore[operator]
    voucher = sum((q.decision.voucher_amount for q in quote.lines), ZERO)
    words = ", ".join(f"{k} {format_money(v)}" for k, v in parts.items())  # type: ignore[arg-type]
    if voucher:
        words += f"{', ' if words else ''}voucher {format_money(voucher)}"
    if not words:
        return "A refund has no original payment to go to."
    return "\n".join((f"A refund goes to: {words}", *quote.notes))


def done_words(done: CompletedReturn) -> str:
    """What the clerk tells the customer once a return is completed."""
    way = done.settlement.value.replace("_", " ")
    parts = ", ".join(
        f"{kind.replace('_', ' ')} {format_money(amount)}" for kind, amount in done.tenders
    )
    text = f"Done: {done.reference} {way} of {format_money(done.total_refund)} ({parts})."
    if done.new_receipt_code:
        owed = done.difference
        side = "collect" if owed > 0 else "give back"
        text += f" New sale {done.new_receipt_code}; {side} {format_money(abs(owed))}."
    if done.voucher_code:
        text += f" Voucher {VoucherCode(done.voucher_code).pretty()}."
    for note in done.notes:
        text += f" {note}"
    if done.manager:
        text += f" Approved by {done.manager}."
    return text

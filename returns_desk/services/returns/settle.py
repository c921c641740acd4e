"""Settle a written return: refund, store credit or exchange, inside its transaction.

A return without a receipt has no sale and no original payments: a refund is paid in cash
(up to ``Settling.cash_limit``, the rest as a voucher) and what an exchange leaves over is
store credit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import COLLECT_KINDS, CompletedReturn, ReturnError
from returns_desk.domain.money import ZERO
from returns_desk.domain.policy.reasons import cash_as_voucher
from returns_desk.domain.policy.refund import pay_back
from returns_desk.domain.receipt import TenderKind
from returns_desk.domain.tenders import tender_parts, voucher_notes
from returns_desk.services.exchanges.new_sale import exchange_sale, priced
from returns_desk.services.returns.tenders import refund_as_voucher, refund_to_tenders
from returns_desk.store.models import Exchange, RefundTender

if TYPE_CHECKING:
    from sqlmodel import Session

    from returns_desk.domain.draft import CompletionRequest, ExchangeBasket
    from returns_desk.domain.quote import LineQuote
    from returns_desk.domain.receipt import Receipt
    from returns_desk.services.staff.security import Actor
    from returns_desk.store.models import Register, ReturnTxn, Sale, Tender


@dataclass(frozen=True)
class Settling:
    """One return being settled: its transaction, what it takes back, and from what sale
    (``sale`` and ``receipt`` None: a return without a receipt)."""

    session: Session
    actor: Actor
    txn: ReturnTxn
    sale: Sale | None
    register: Register
    receipt: Receipt | None
    quotes: Sequence[LineQuote]
    tender_rows: Sequence[Tender]
    request: CompletionRequest
    today: date
    cash_limit: Decimal | None = None  # the policy's, for the whole return (no receipt: all cash)
    cash_paid_today: Decimal = ZERO  # by earlier returns on this receipt, this store day


def settle(ctx: Settling) -> CompletedReturn:
    """Pay the return back the way the clerk chose; returns what the counter shows."""
    if ctx.request.settlement is Settlement.EXCHANGE:
        return _exchange(ctx)
    txn = ctx.txn
    refunds: list[RefundTender] = []
    voucher = None
    amount = txn.total_refund
    notes: tuple[str, ...] = ()
    if ctx.request.settlement is Settlement.REFUND and ctx.receipt is None:
        cash = amount if ctx.cash_limit is None else min(amount, ctx.cash_limit)
        refunds = [_cash_refund(ctx, cash)] if cash > 0 else []
        amount -= cash
    elif ctx.request.settlement is Settlement.REFUND and (receipt := ctx.receipt):
        parts = tender_parts(receipt, ctx.quotes)
        refunds = refund_to_tenders(ctx.session, txn, ctx.tender_rows, parts)
        _cash_paid_another_way(ctx, refunds)
        amount = txn.total_refund - sum(parts, ZERO)  # over the cash limit, or uncapped by override
        notes = voucher_notes(
            receipt, ctx.quotes, ctx.cash_limit, ctx.cash_paid_today, voucher=amount
        )
    if amount > 0:
        refund, voucher = refund_as_voucher(ctx.session, ctx.actor, txn, amount, ctx.today)
        refunds.append(refund)
    done = _done(ctx, refunds, voucher.code if voucher else None, amount)
    return replace(done, notes=notes)


def _cash_paid_another_way(ctx: Settling, refunds: Sequence[RefundTender]) -> None:
    """A large refund's cash goes by cheque or bank transfer, as the decisions say: the
    cash tender is refunded all the same, but not from the drawer."""
    method = next((q.decision.paid_by.method for q in ctx.quotes if q.decision.paid_by), None)
    if method is None:
        return
    for refund in refunds:
        if refund.kind == TenderKind.CASH.value:
            refund.kind = method
            ctx.session.add(refund)


def _identical_only(ctx: Settling, skus: Sequence[str]) -> None:
    """Lines the policy lets go only for the identical item: the new items must be those."""
    bound = [q for q in ctx.quotes if q.decision.exchange_identical]
    allowed = {q.line.sku.upper() for q in bound}
    wrong = sorted({sku for sku in skus if sku.upper() not in allowed})
    if bound and wrong:
        lines = ", ".join(str(q.item.line_no) for q in bound)
        raise ReturnError(
            f"line {lines} may only be exchanged for the identical item "
            f"({', '.join(sorted(allowed))}), not {', '.join(wrong)}"
        )


def _exchange(ctx: Settling) -> CompletedReturn:
    """The credit pays for the new items; the customer pays or gets back the difference."""
    basket, session, txn = ctx.request.exchange, ctx.session, ctx.txn
    if basket is None or not basket.items:
        raise ReturnError("scan at least one replacement item for an exchange")
    if basket.collect_with not in COLLECT_KINDS:
        raise ReturnError(f"collect the difference by {' or '.join(COLLECT_KINDS)}")
    items = priced(session, basket.items, ctx.register.store_id, ctx.today)
    _identical_only(ctx, [item.sku for item in items])
    new_total = sum((i.total for i in items), ZERO)
    difference = new_total - txn.total_refund
    applied = min(txn.total_refund, new_total)
    tenders: list[tuple[str, Decimal, str | None]] = []
    if applied > 0:
        tenders.append(("store_credit", applied, txn.reference))
    from_voucher = _voucher_part(ctx, basket, difference) if difference > 0 else ZERO
    if from_voucher > 0:
        tenders.append(("store_credit", from_voucher, basket.voucher_code))
    if difference > from_voucher:
        tenders.append((basket.collect_with, difference - from_voucher, None))
    new_sale = exchange_sale(
        session, ctx.sale, ctx.register, items, tenders, cashier=ctx.actor.username
    )
    if from_voucher > 0:
        _redeem(ctx, basket.voucher_code or "", from_voucher, new_sale.id)
    refunds = [RefundTender(return_id=txn.id or 0, kind="exchange", amount=applied)]
    session.add(refunds[0])
    voucher_code, voucher_amount = None, ZERO
    notes: tuple[str, ...] = ()
    if difference < 0:
        refunds_back, voucher_code, voucher_amount, notes = _pay_back(ctx, -difference)
        refunds += refunds_back
    session.add(
        Exchange(return_id=txn.id or 0, new_sale_id=new_sale.id or 0, difference=difference)
    )
    session.flush()
    done = _done(ctx, refunds, voucher_code, voucher_amount)
    return replace(done, new_receipt_code=new_sale.receipt_code, difference=difference, notes=notes)


def _voucher_part(ctx: Settling, basket: ExchangeBasket, owed: Decimal) -> Decimal:
    """What a voucher pays of what the customer owes: all of it when it is to pay alone
    (``collect_with`` voucher: too little is refused), else what it holds, the card or cash
    paying the rest."""
    from returns_desk.domain.voucher_code import VoucherCodeError
    from returns_desk.services.vouchers.ledger import VoucherRefused, voucher_state

    if not basket.voucher_code:
        if basket.collect_with == "voucher":
            raise ReturnError("scan or type the voucher that pays the difference")
        return ZERO
    if basket.collect_with == "voucher":
        return owed
    try:
        state = voucher_state(ctx.session, basket.voucher_code, ctx.today)
    except (VoucherRefused, VoucherCodeError) as exc:
        raise ReturnError(f"the voucher cannot pay the difference: {exc}") from exc
    if not state.usable:
        raise ReturnError(f"the voucher cannot pay the difference: {state.message}")
    return min(owed, state.balance)


def _redeem(ctx: Settling, code: str, amount: Decimal, sale_id: int | None) -> None:
    """Spend a voucher on the difference inside this unit of work; a refusal undoes it all."""
    from returns_desk.domain.voucher_code import VoucherCodeError
    from returns_desk.services.vouchers.ledger import VoucherRefused, redeem

    try:
        redeem(ctx.session, ctx.actor, code, amount, sale_id=sale_id, today=ctx.today)
    except (VoucherRefused, VoucherCodeError) as exc:
        raise ReturnError(f"the voucher cannot pay the difference: {exc}") from exc


def _cash_refund(ctx: Settling, amount: Decimal) -> RefundTender:
    """Cash out of the drawer: a refund with no original payment to go back to."""
    refund = RefundTender(return_id=ctx.txn.id or 0, kind="cash", amount=amount)
    ctx.session.add(refund)
    return refund


def _pay_back(
    ctx: Settling, amount: Decimal
) -> tuple[list[RefundTender], str | None, Decimal, tuple[str, ...]]:
    """An exchange's surplus: to the original payments if every line allows a refund,
    else (and always without a receipt) as a voucher. Cash stays within what the policy's
    limit still allows today and the rest comes as a voucher. Returns the refund lines, the
    voucher's code and amount, and what the clerk should say about it."""
    refundable = all(Settlement.REFUND in q.decision.settlements for q in ctx.quotes)
    if refundable and ctx.receipt is not None:
        refunded = [row.refunded for row in ctx.tender_rows]
        room = None
        if ctx.cash_limit is not None:
            room = max(ctx.cash_limit - ctx.cash_paid_today, ZERO)
        split, over = pay_back(amount, ctx.receipt.tenders, refunded, room)
        by_tender = {id(t): part for t, part in split}
        parts = [by_tender.get(id(t), ZERO) for t in ctx.receipt.tenders]
        refunds = refund_to_tenders(ctx.session, ctx.txn, ctx.tender_rows, parts)
        if not over:
            return refunds, None, ZERO, ()
        refund, voucher = refund_as_voucher(ctx.session, ctx.actor, ctx.txn, over, ctx.today)
        others = any(t.kind is not TenderKind.CASH for t in ctx.receipt.tenders)
        words = cash_as_voucher(ctx.cash_limit or ZERO, ctx.cash_paid_today, over, others)
        return [*refunds, refund], voucher.code, over, (words,)
    refund, voucher = refund_as_voucher(ctx.session, ctx.actor, ctx.txn, amount, ctx.today)
    return [refund], voucher.code, amount, ()


def _done(
    ctx: Settling,
    refunds: Sequence[RefundTender],
    voucher_code: str | None,
    voucher_amount: Decimal,
) -> CompletedReturn:
    txn, request, quotes = ctx.txn, ctx.request, ctx.quotes
    return CompletedReturn(
        return_id=txn.id or 0,
        reference=txn.reference,
        settlement=request.settlement,
        total_refund=txn.total_refund,
        tenders=tuple((r.kind, r.amount) for r in refunds),
        voucher_code=voucher_code,
        voucher_amount=voucher_amount,
        manager=quotes[0].decision.override_by if quotes else None,
        lines=tuple(quotes),
    )

"""Properties over many generated receipts and returns (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from returns_desk.domain.decision import Decision, Outcome
from returns_desk.domain.money import ZERO, allocate, round_money
from returns_desk.domain.policy import (
    Condition,
    ReturnCase,
    decide,
    decide_return,
    line_refund,
    load_policy,
    parse_policy,
)
from returns_desk.domain.receipt import Receipt, SoldLine, Tender, TenderKind

POLICIES = Path(__file__).resolve().parents[2] / "policies"
POLICY = {
    name: load_policy(POLICIES / f"{name}.toml")
    for name in ("default", "big-box", "electronics-chain", "warehouse-club", "furniture")
}
DEFAULT = POLICY["default"]
SOLD = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
CENTS = st.integers(min_value=1, max_value=200_000).map(lambda c: Decimal(c) / 100)


@st.composite
def receipts(draw: st.DrawFn) -> Receipt:
    """A receipt with discounted, taxed lines, an order discount, and tenders covering it."""
    count = draw(st.integers(1, 5))
    raw = []
    for n in range(count):
        qty, price = draw(st.integers(1, 7)), draw(CENTS)
        gross = round_money(price * qty)
        discount = round_money(gross * draw(st.integers(0, 50)) / 100)
        raw.append((n, qty, price, discount, gross - discount))
    order_discount = round_money(sum(r[4] for r in raw) * draw(st.integers(0, 20)) / 100)
    shares = allocate(order_discount, [r[4] for r in raw])
    rate = Decimal(draw(st.sampled_from(["0", "0.05", "0.0725", "0.2"])))
    lines = tuple(
        SoldLine(n + 1, f"S{n}", "item", "home", "misc", qty, price, discount, share, rate,
                 round_money((net - share) * rate))
        for (n, qty, price, discount, net), share in zip(raw, shares, strict=True)
    )  # fmt: skip
    total = sum((line.paid for line in lines), ZERO)
    cash = round_money(total * draw(st.integers(0, 100)) / 100)
    tenders = (Tender(TenderKind.CASH, cash), Tender(TenderKind.CARD, total - cash))
    return Receipt("0", 1, 1, SOLD, lines, tenders, order_discount=order_discount)


@st.composite
def pieces(draw: st.DrawFn, qty: int) -> list[int]:
    """Split qty units into returns of at least one unit each."""
    parts, left = [], qty
    while left:
        take = draw(st.integers(1, left))
        parts.append(take)
        left -= take
    return parts


@settings(max_examples=150, deadline=None)
@given(receipt=receipts(), data=st.data())
def test_returning_every_line_in_pieces_refunds_exactly_what_was_paid(
    receipt: Receipt, data: st.DataObject
) -> None:
    refunded = ZERO
    tender_done = [ZERO, ZERO]
    for line in receipt.lines:
        current = line
        for take in data.draw(pieces(line.qty)):
            case = ReturnCase(receipt, current, take, tender_refunded=tuple(tender_done))
            decision = decide(DEFAULT, case, date(2026, 3, 5))
            assert decision.refund_amount == line_refund(line, take, current.qty_returned)
            for tender, amount in decision.tender_split:
                tender_done[receipt.tenders.index(tender)] += amount
            refunded += decision.refund_amount
            current = replace(current, qty_returned=current.qty_returned + take)
    assert refunded == receipt.total
    assert sum(tender_done, ZERO) + _vouchers(receipt, tender_done) == receipt.total


def _vouchers(receipt: Receipt, tender_done: list[Decimal]) -> Decimal:
    """Cash over the default policy's limit went to vouchers: what the tenders did not get."""
    return receipt.total - sum(tender_done, ZERO)


@settings(max_examples=300, deadline=None)
@given(
    receipt=receipts(),
    condition=st.sampled_from(list(Condition)),
    gift=st.booleans(),
    days=st.integers(0, 200),
    tier=st.sampled_from([None, "plus", "total", "gold"]),
    region=st.sampled_from([None, "QC", "ON"]),
    policy=st.sampled_from(sorted(POLICY)),
    category=st.sampled_from(["cameras", "misc", "apple", "clearance"]),
    data=st.data(),
)
def test_no_decision_refunds_more_than_was_paid(
    receipt: Receipt, condition: Condition, gift: bool, days: int, tier: str | None,
    region: str | None, policy: str, category: str, data: st.DataObject,
) -> None:  # fmt: skip
    line = replace(data.draw(st.sampled_from(receipt.lines)), category=category)
    already = data.draw(st.integers(0, line.qty - 1))
    line = replace(line, qty_returned=already)
    qty = data.draw(st.integers(1, line.qty - already))
    receipt = replace(receipt, gift_receipt=gift)
    case = ReturnCase(receipt, line, qty, condition, customer_tier=tier, region=region)
    decision = decide(POLICY[policy], case, SOLD.date() + timedelta(days=days))
    paid = line_refund(line, qty, already)
    assert ZERO <= decision.refund_amount <= paid
    assert decision.refund_amount + decision.restocking_fee <= paid
    split = sum((amount for _, amount in decision.tender_split), ZERO)
    assert split + decision.voucher_amount in (ZERO, decision.refund_amount)
    if decision.outcome is Outcome.DENY:
        assert decision.refund_amount == ZERO and not decision.settlements
        assert decision.reasons  # a denial always says why


@settings(max_examples=300, deadline=None)
@given(
    sold_on=st.dates(date(2025, 9, 1), date(2027, 2, 1)),
    first=st.integers(0, 200),
    later=st.integers(0, 200),
    department=st.sampled_from(["electronics", "home", "entertainment"]),
    category=st.sampled_from(["apple", "mobile-phones", "audio"]),
    tier=st.sampled_from([None, "circle-card"]),
    condition=st.sampled_from([Condition.UNOPENED, Condition.OPENED, Condition.DEFECTIVE]),
    policy=st.sampled_from(sorted(POLICY)),
)
def test_a_later_date_never_widens_the_window(
    sold_on: date, first: int, later: int, department: str, category: str,
    tier: str | None, condition: Condition, policy: str,
) -> None:  # fmt: skip
    line = SoldLine(1, "S", "item", department, category, 1, Decimal("50.00"))
    sold_at = datetime.combine(sold_on, SOLD.timetz())
    receipt = Receipt("0", 1, 1, sold_at, (line,), (Tender(TenderKind.CARD, line.paid),))
    case = ReturnCase(receipt, line, 1, condition, customer_tier=tier)
    early_day = sold_on + timedelta(days=first)
    early = decide(POLICY[policy], case, early_day)
    late = decide(POLICY[policy], case, early_day + timedelta(days=later))
    assert early.window_ends == late.window_ends
    rank = [Outcome.APPROVE, Outcome.NEEDS_OVERRIDE, Outcome.DENY]
    assert rank.index(late.outcome) >= rank.index(early.outcome)
    assert late.settlements <= early.settlements or early.outcome is Outcome.DENY


KINDS = [TenderKind.CASH, TenderKind.CARD, TenderKind.GIFT_CARD]


@st.composite
def paid_by_mixed_tenders(draw: st.DrawFn) -> Receipt:
    """A receipt paid by one to three tenders of any kind, cash anywhere among them."""
    receipt = draw(receipts())
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=3))
    weights = draw(st.lists(st.integers(0, 10), min_size=len(kinds), max_size=len(kinds)))
    parts = allocate(receipt.total, [w + 1 for w in weights])
    tenders = tuple(Tender(k, p) for k, p in zip(kinds, parts, strict=True))
    return replace(receipt, tenders=tenders)


@st.composite
def a_return(draw: st.DrawFn, receipt: Receipt) -> list[ReturnCase]:
    """Some of the receipt's lines, some units of each, in any order."""
    lines = draw(st.lists(st.sampled_from(receipt.lines), min_size=1, unique=True))
    return [ReturnCase(receipt, ln, draw(st.integers(1, ln.returnable_qty))) for ln in lines]


def _cash(decision: Decision) -> Decimal:
    return sum((a for t, a in decision.tender_split if t.kind is TenderKind.CASH), ZERO)


@settings(max_examples=200, deadline=None)
@given(
    receipt=paid_by_mixed_tenders(),
    limit=st.integers(0, 150_000).map(lambda c: Decimal(c) / 100),
    over=st.sampled_from(["voucher", "needs_override"]),
    earlier=st.booleans(),
    data=st.data(),
)
def test_cash_paid_out_per_return_never_exceeds_the_limit(
    receipt: Receipt, limit: Decimal, over: str, earlier: bool, data: st.DataObject
) -> None:
    """Two returns on one receipt the same day: the second starts where the first left off.

    Cash never passes the limit without a manager, and every line's refund is exactly its
    split over the payments plus its voucher.
    """
    body = f'[policy]\nname = "P"\nversion = "1"\n[refund]\ncash_limit = "{limit}"\n'
    policy = parse_policy(body + f'over_cash_limit = "{over}"\n', "p.toml")
    today = SOLD.date() + timedelta(days=3)
    refunded, cash_today = [ZERO] * len(receipt.tenders), ZERO
    if earlier:  # an earlier return today: its refunds and its cash carry over
        first = data.draw(a_return(receipt))
        for decision in decide_return(policy, first, today):
            for tender, amount in decision.tender_split:
                refunded[next(i for i, t in enumerate(receipt.tenders) if t is tender)] += amount
            cash_today += _cash(decision)
        taken = {case.line.line_no: case.qty for case in first}
        lines = [replace(ln, qty_returned=taken.get(ln.line_no, 0)) for ln in receipt.lines]
        receipt = replace(receipt, lines=tuple(lines))
    left = tuple(line for line in receipt.lines if line.returnable_qty)
    if not left:
        return
    cases = data.draw(a_return(replace(receipt, lines=left)))
    decisions = decide_return(policy, cases, today, refunded, cash_today)
    room = max(limit - cash_today, ZERO)
    without_manager = ZERO
    for decision in decisions:
        assert decision.outcome is not Outcome.DENY
        split = sum((amount for _, amount in decision.tender_split), ZERO)
        assert split + decision.voucher_amount == decision.refund_amount
        if decision.outcome is Outcome.APPROVE:
            without_manager += _cash(decision)
    assert without_manager <= room
    if over == "voucher":
        assert sum((_cash(d) for d in decisions), ZERO) <= room
        assert all(d.outcome is Outcome.APPROVE for d in decisions)

"""Properties of the format 2 rules over many generated receipts and returns (hypothesis).

- A settlement rule only ever narrows what is offered; an extension only ever lengthens.
- Deductions (free items kept, broken bundles, spent rewards, clearance) never make a
  refund negative and never take more than the units cost.
- "Refunds of all lines of a receipt sum to exactly what was paid" stays exact with
  deductions: returning every unit, in any pieces and order, the refunds, restocking fees
  and deductions add up to exactly the receipt's total; spent rewards are taken back exactly
  once, and the points reversed are exactly the points earned.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from returns_desk.domain.decision import Outcome, Settlement
from returns_desk.domain.money import ZERO, allocate, round_money
from returns_desk.domain.policy import Condition, ReturnCase, decide, decide_return, line_refund
from returns_desk.domain.policy import parse_policy as parse
from returns_desk.domain.receipt import Receipt, SoldLine, Tender, TenderKind

SOLD = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
HEAD = '[policy]\nformat = 2\nname = "P"\nversion = "1"\n'
CENTS = st.integers(min_value=1, max_value=100_000).map(lambda c: Decimal(c) / 100)
CATEGORIES = ["games", "mattresses", "misc"]
PROMOS = parse(
    HEAD + '[promotions]\nfree_item_kept = "deduct"\nbroken_bundle = "deduct"\n'
    'rewards_spent = "deduct"\nreverse_points = true\n'
    '[[restocking_fee]]\nid = "f"\npercent = "15"\n'
    '[[clearance]]\nid = "c"\ncategories = ["games"]\n',
    "promos.toml",
)


@st.composite
def promo_receipts(draw: st.DrawFn) -> Receipt:
    """A receipt with free items, bundles, rewards spent and points earned."""
    count = draw(st.integers(1, 5))
    lines = []
    for n in range(1, count + 1):
        qty, price = draw(st.integers(1, 4)), draw(CENTS)
        gross = round_money(price * qty)
        discount = round_money(gross * draw(st.integers(0, 60)) / 100)
        free_of = draw(st.sampled_from([None, *range(1, n)])) if n > 1 else None
        if free_of is not None:
            discount = gross  # a free item: paid nothing
        bundle = draw(st.sampled_from([None, "B1", "B2"]))
        bundle_discount = round_money(discount * draw(st.integers(0, 100)) / 100)
        rate = Decimal(draw(st.sampled_from(["0", "0.0725", "0.2"])))
        lines.append(
            SoldLine(
                n,
                f"S{n}",
                "item",
                "home",
                draw(st.sampled_from(CATEGORIES)),
                qty,
                price,
                discount,
                ZERO,
                rate,
                round_money((gross - discount) * rate),
                promo_of=free_of,
                bundle=bundle if bundle_discount else None,
                bundle_discount=bundle_discount if bundle else ZERO,
            )
        )
    total = sum((line.paid for line in lines), ZERO)
    earned = draw(CENTS)
    spent = round_money(earned * draw(st.integers(0, 100)) / 100)
    cash = round_money(total * draw(st.integers(0, 100)) / 100)
    tenders = (Tender(TenderKind.CASH, cash), Tender(TenderKind.CARD, total - cash))
    return Receipt(
        "0",
        1,
        1,
        SOLD,
        tuple(lines),
        tenders,
        rewards_earned=earned,
        rewards_spent=spent,
        points_earned=draw(st.integers(0, 5000)),
    )


@st.composite
def return_plans(draw: st.DrawFn, receipt: Receipt) -> list[list[tuple[int, int]]]:
    """Every unit of the receipt, in returns of (line number, units) in any order."""
    left = {line.line_no: line.qty for line in receipt.lines}
    returns = []
    while any(left.values()):
        numbers = [n for n, q in left.items() if q]
        chosen = draw(st.lists(st.sampled_from(numbers), min_size=1, unique=True))
        this = []
        for number in chosen:
            take = draw(st.integers(1, left[number]))
            left[number] -= take
            this.append((number, take))
        returns.append(this)
    return returns


#: Found by hypothesis: a sale that cost nothing ($0.01 less a $0.01 discount) still earned
#: a point; with every line's share weighed by what it cost, no line carried it.
FREE_SALE = Receipt(
    "0",
    1,
    1,
    SOLD,
    (SoldLine(1, "S1", "item", "home", "games", 1, Decimal("0.01"), Decimal("0.01")),),
    (Tender(TenderKind.CASH, ZERO), Tender(TenderKind.CARD, ZERO)),
    rewards_earned=Decimal("0.01"),
    points_earned=1,
)


@st.composite
def returned_in_full(draw: st.DrawFn) -> tuple[Receipt, list[list[tuple[int, int]]]]:
    """A promotional receipt and every unit of it coming back, in pieces."""
    receipt = draw(promo_receipts())
    return receipt, draw(return_plans(receipt))


@settings(max_examples=200, deadline=None)
@given(
    sale=returned_in_full(),
    condition=st.sampled_from(list(Condition)),
    price=st.one_of(st.none(), CENTS),
)
@example(sale=(FREE_SALE, [[(1, 1)]]), condition=Condition.UNOPENED, price=None)
def test_every_unit_back_refunds_fees_and_deductions_add_up_to_what_was_paid(
    sale: tuple[Receipt, list[list[tuple[int, int]]]], condition: Condition, price: Decimal | None
) -> None:
    receipt, plans = sale
    condition = Condition.OPENED if condition is Condition.DAMAGED else condition
    returned = {line.line_no: 0 for line in receipt.lines}
    total = deducted = rewards = ZERO
    points = 0
    for plan in plans:
        current = replace(
            receipt,
            lines=tuple(
                replace(line, qty_returned=returned[line.line_no]) for line in receipt.lines
            ),
        )
        cases = [
            ReturnCase(current, current.line(n), q, condition, current_price=price) for n, q in plan
        ]
        for case, decision in zip(
            cases, decide_return(PROMOS, cases, date(2026, 3, 5)), strict=True
        ):
            assert decision.outcome is Outcome.APPROVE
            units = line_refund(case.line, case.qty, case.line.qty_returned)
            assert decision.refund_amount >= ZERO
            assert all(d.amount > ZERO for d in decision.deductions)
            kept = decision.refund_amount + decision.restocking_fee + decision.deducted
            assert kept == units
            total += kept
            deducted += decision.deducted
            rewards += sum((d.amount for d in decision.deductions if d.kind == "rewards"), ZERO)
            points += decision.points_reversed
        assert points <= receipt.points_earned  # never more than the sale earned
        for n, q in plan:
            returned[n] += q
    assert total == receipt.total
    assert rewards <= receipt.rewards_spent
    assert points == receipt.points_earned


@settings(max_examples=300, deadline=None)
@given(
    receipt=promo_receipts(),
    allowed=st.sets(st.sampled_from(list(Settlement)), min_size=1),
    category=st.sampled_from(CATEGORIES),
    band=st.sampled_from([None, (1, 10), (11, 30), (31, 90)]),
    identical=st.booleans(),
    gift=st.booleans(),
    days=st.integers(0, 60),
    data=st.data(),
)
def test_a_settlement_rule_never_widens_what_is_offered(
    receipt: Receipt,
    allowed: set[Settlement],
    category: str,
    band: tuple[int, int] | None,
    identical: bool,
    gift: bool,
    days: int,
    data: st.DataObject,
) -> None:
    words = ", ".join(f'"{s.value}"' for s in sorted(allowed))
    rule = f'[[settlement]]\nid = "r"\ncategories = ["{category}"]\nsettlements = [{words}]\n'
    if band:
        rule += f"from_day = {band[0]}\nuntil_day = {band[1]}\n"
    if identical:
        rule += 'exchange = "identical"\n'
    base = HEAD + '[windows]\ndefault_days = 60\n[receipt]\ngift_receipt = ["exchange"]\n'
    without, with_rule = parse(base, "a.toml"), parse(base + rule, "b.toml")
    line = data.draw(st.sampled_from(receipt.lines))
    case = ReturnCase(replace(receipt, gift_receipt=gift), line, 1)
    today = SOLD.date() + timedelta(days=days)
    wide, narrow = decide(without, case, today), decide(with_rule, case, today)
    assert narrow.settlements <= wide.settlements
    assert narrow.settlements <= allowed or narrow.settlements == wide.settlements
    if narrow.exchange_identical:
        assert identical and Settlement.EXCHANGE in narrow.settlements


@settings(max_examples=300, deadline=None)
@given(
    days=st.integers(1, 400),
    extra=st.one_of(
        st.integers(0, 400).map(lambda d: f"extra_days = {d}"),
        st.integers(1, 400).map(lambda d: f"days = {d}"),
    ),
    tier=st.sampled_from([None, "gold", "silver"]),
    receipt_tier=st.sampled_from([None, "gold"]),
    basis=st.sampled_from(["counter", "purchase", "either"]),
    card=st.sampled_from([None, "store-card"]),
    age=st.integers(0, 900),
)
def test_an_extension_never_shortens_a_window(
    days: int,
    extra: str,
    tier: str | None,
    receipt_tier: str | None,
    basis: str,
    card: str | None,
    age: int,
) -> None:
    base = HEAD + f"[windows]\ndefault_days = {days}\n"
    ext = (
        f'[[windows.extension]]\nid = "e"\ntiers = ["gold"]\n{extra}\n'
        f'tier_basis = "{basis}"\n[[windows.extension]]\nid = "card"\n'
        f'paid_with = ["store-card"]\n{extra}\n'
    )
    line = SoldLine(1, "S", "item", "home", "misc", 1, Decimal("50.00"))
    receipt = Receipt(
        "0",
        1,
        1,
        SOLD,
        (line,),
        (Tender(TenderKind.CARD, line.paid, card_brand=card),),
        loyalty_tier=receipt_tier,
    )
    case = ReturnCase(receipt, line, 1, customer_tier=tier)
    today = SOLD.date() + timedelta(days=age)
    plain = decide(parse(base, "a.toml"), case, today)
    extended = decide(parse(base + ext, "b.toml"), case, today)
    assert plain.window_ends is not None and extended.window_ends is not None
    assert extended.window_ends >= plain.window_ends
    if plain.outcome is Outcome.APPROVE:
        assert extended.outcome is Outcome.APPROVE


@settings(max_examples=200, deadline=None)
@given(
    prices=st.lists(CENTS, min_size=1, max_size=4),
    cash_share=st.integers(0, 100),
    above=st.integers(0, 200_000).map(lambda c: Decimal(c) / 100),
    limit=st.one_of(st.none(), st.integers(0, 100_000).map(lambda c: Decimal(c) / 100)),
)
def test_the_payout_parts_always_add_up_to_the_refund(
    prices: list[Decimal], cash_share: int, above: Decimal, limit: Decimal | None
) -> None:
    """Cards, cash, cheque and voucher parts add up to exactly the refund, line by line."""
    body = HEAD + f'[refund]\nlarge_refund_above = "{above}"\n'
    if limit is not None:
        body += f'cash_limit = "{limit}"\n'
    policy = parse(body, "p.toml")
    lines = tuple(
        SoldLine(n, f"S{n}", "x", "home", "misc", 1, p) for n, p in enumerate(prices, start=1)
    )
    total = sum((line.paid for line in lines), ZERO)
    cash, card = allocate(total, [cash_share, 100 - cash_share or 1])
    tenders = tuple(
        t for t in (Tender(TenderKind.CARD, card), Tender(TenderKind.CASH, cash)) if t.amount
    )
    receipt = Receipt("0", 1, 1, SOLD, lines, tenders)
    decisions = decide_return(policy, [ReturnCase(receipt, ln, 1) for ln in lines], SOLD.date())
    for decision in decisions:
        parts = sum((amount for _, amount in decision.payout_parts()), ZERO)
        assert parts == decision.refund_amount
    by_cheque = [d.paid_by is not None for d in decisions if d.cash_amount or d.paid_by]
    assert all(by_cheque) or not any(by_cheque)  # the whole return's cash goes one way

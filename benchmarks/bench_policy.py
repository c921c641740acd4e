"""How many return lines per second the policy engine decides (target: 50,000 on 2 cores).

Run: ``uv run python benchmarks/bench_policy.py [--seconds 3]``. Cases mix the shipped
policies and ``benchmarks/new-rules.toml`` (every rule of format 2 active), departments,
brands, attributes, conditions, tiers at purchase and at the counter, card brands, gift
and receiptless returns, split tenders, promotions and rewards, so caches are exercised as
at a real counter rather than one hot path. Two figures: all policies, and the new-rules
policy alone.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from returns_desk.domain.policy import Condition, Policy, ReturnCase, decide, load_policy
from returns_desk.domain.receipt import Receipt, SoldLine, Tender, TenderKind

HERE = Path(__file__).resolve().parent
POLICIES = HERE.parent / "policies"
NEW_RULES = HERE / "new-rules.toml"
DEPARTMENTS = ["electronics", "home", "apparel", "toys", "living-room", "grocery"]
CATEGORIES = ["cameras", "mobile-phones", "apple", "shirts", "sofas", "audio", "clearance"]
BRANDS = [None, None, "own-brand", "acme"]
ATTRIBUTES = [None, None, '{"capacity_cu_ft":"22"}', '{"capacity_cu_ft":"12","fuel":"gas"}']
TIERS = [None, None, "gold", "plus", "member"]
CARD_BRANDS = [None, None, "store-card", "visa"]
Work = list[tuple[Policy, ReturnCase, date]]


def make_case(rng: random.Random, n: int) -> tuple[ReturnCase, date]:
    """One plausible return with a receipt (most of the time) and split tenders."""
    qty = rng.randint(1, 4)
    price = Decimal(rng.randint(100, 150_000)) / 100
    sold_at = datetime(2026, 11, 1, 14, tzinfo=UTC) + timedelta(days=rng.randint(0, 60))
    line = SoldLine(
        n, f"SKU-{n % 500}", "item", rng.choice(DEPARTMENTS), rng.choice(CATEGORIES), qty,
        price, tax_rate=Decimal("0.08"), tax_charged=(price * qty * Decimal("0.08")).quantize(
            Decimal("0.01")), serial="SN1" if n % 7 == 0 else None, serialized=n % 7 == 0,
        delivered_on=sold_at.date() + timedelta(days=3) if n % 5 == 0 else None,
        brand=rng.choice(BRANDS), attributes=rng.choice(ATTRIBUTES),
    )  # fmt: skip
    cash = (line.paid / 3).quantize(Decimal("0.01"))
    card = Tender(TenderKind.CARD, line.paid - cash, card_brand=rng.choice(CARD_BRANDS))
    receipt = Receipt(
        "0", 1, 1, sold_at, (line,), (Tender(TenderKind.CASH, cash), card),
        loyalty_tier=rng.choice(TIERS), gift_receipt=n % 11 == 0,
    )  # fmt: skip
    has_receipt = n % 13 != 0
    promo = n % 4 == 0  # a quarter of the returns carry promotions, rewards and points
    case = ReturnCase(
        receipt if has_receipt else None, line, rng.randint(1, qty),
        rng.choice(list(Condition)), has_receipt=has_receipt, serial_scanned="SN1",
        customer_tier=rng.choice(TIERS), region=rng.choice([None, "QC"]),
        lowest_recent_price=price, id_checked=n % 3 != 0,
        current_price=price * Decimal("0.6") if n % 6 == 0 else None,
        free_item_kept=Decimal("9.99") if promo else Decimal("0.00"),
        bundle_kept=Decimal("5.00") if promo and n % 8 == 0 else Decimal("0.00"),
        rewards_share=Decimal("3.00") if promo else Decimal("0.00"),
        points_share=100 if promo else 0,
    )  # fmt: skip
    return case, sold_at.date() + timedelta(days=rng.randint(0, 120))


def measure(work: Work, seconds: float) -> tuple[float, float, int]:
    """(lines per CPU second, lines per wall second, decisions) after a warm-up pass."""
    for policy, case, today in work:  # warm the per-policy caches, as a running desk has
        decide(policy, case, today)
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for policy, case, today in work:
            decide(policy, case, today)
        done += len(work)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return done / cpu, done / elapsed, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to measure each")
    parser.add_argument("--cases", type=int, default=5000, help="distinct cases to cycle")
    args = parser.parse_args()
    policies = [load_policy(p) for p in sorted(POLICIES.glob("*.toml"))]
    new_rules = load_policy(NEW_RULES)
    policies.append(new_rules)
    rng = random.Random(42)
    work = [(rng.choice(policies), *make_case(rng, n)) for n in range(args.cases)]
    only_new = [(new_rules, case, today) for _policy, case, today in work]
    # CPU time is the figure to compare: wall time also counts other processes' turns.
    for label, cases in ((f"all {len(policies)} policies", work), ("new-rules.toml", only_new)):
        cpu, wall, done = measure(cases, args.seconds)
        print(
            f"{label}: {cpu:,.0f} lines/s of CPU time, {wall:,.0f} lines/s of wall time "
            f"({done:,} decisions, {args.cases:,} distinct cases)"
        )


if __name__ == "__main__":
    main()

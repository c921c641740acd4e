"""How many return lines per second the policy engine decides (target: 50,000 on 2 cores).

Run: ``uv run python benchmarks/bench_policy.py [--seconds 3]``. Cases mix the shipped
policies, departments, conditions, tiers, gift and receiptless returns and split tenders,
so caches are exercised as at a real counter rather than one hot path.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from returns_desk.domain.policy import Condition, ReturnCase, decide, load_policy
from returns_desk.domain.receipt import Receipt, SoldLine, Tender, TenderKind

POLICIES = Path(__file__).resolve().parents[1] / "policies"
DEPARTMENTS = ["electronics", "home", "apparel", "toys", "living-room", "grocery"]
CATEGORIES = ["cameras", "mobile-phones", "apple", "shirts", "sofas", "audio", "clearance"]
TIERS = [None, None, "gold", "plus", "circle-card"]


def make_case(rng: random.Random, n: int) -> tuple[ReturnCase, date]:
    """One plausible return with a receipt (most of the time) and split tenders."""
    qty = rng.randint(1, 4)
    price = Decimal(rng.randint(100, 150_000)) / 100
    line = SoldLine(
        n, f"SKU-{n % 500}", "item", rng.choice(DEPARTMENTS), rng.choice(CATEGORIES), qty,
        price, tax_rate=Decimal("0.08"), tax_charged=(price * qty * Decimal("0.08")).quantize(
            Decimal("0.01")), serial="SN1" if n % 7 == 0 else None, serialized=n % 7 == 0,
    )  # fmt: skip
    cash = (line.paid / 3).quantize(Decimal("0.01"))
    sold_at = datetime(2026, 11, 1, 14, tzinfo=UTC) + timedelta(days=rng.randint(0, 60))
    receipt = Receipt(
        "0", 1, 1, sold_at, (line,),
        (Tender(TenderKind.CASH, cash), Tender(TenderKind.CARD, line.paid - cash)),
        gift_receipt=n % 11 == 0,
    )  # fmt: skip
    has_receipt = n % 13 != 0
    case = ReturnCase(
        receipt if has_receipt else None, line, rng.randint(1, qty),
        rng.choice(list(Condition)), has_receipt=has_receipt, serial_scanned="SN1",
        customer_tier=rng.choice(TIERS), region=rng.choice([None, "QC"]),
        lowest_recent_price=price, id_checked=True,
    )  # fmt: skip
    return case, sold_at.date() + timedelta(days=rng.randint(0, 120))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to measure")
    parser.add_argument("--cases", type=int, default=5000, help="distinct cases to cycle")
    args = parser.parse_args()
    policies = [load_policy(p) for p in sorted(POLICIES.glob("*.toml"))]
    rng = random.Random(42)
    work = [(rng.choice(policies), *make_case(rng, n)) for n in range(args.cases)]
    for policy, case, today in work:  # warm the per-policy caches, as a running desk has
        decide(policy, case, today)
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < args.seconds:
        for policy, case, today in work:
            decide(policy, case, today)
        done += len(work)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    # CPU time is the figure to compare: wall time also counts other processes' turns.
    print(
        f"{done / cpu:,.0f} lines/s of CPU time, {done / elapsed:,.0f} lines/s of wall time "
        f"({done:,} decisions, {len(policies)} policies, {args.cases:,} distinct cases)"
    )


if __name__ == "__main__":
    main()

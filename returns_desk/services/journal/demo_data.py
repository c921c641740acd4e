"""A realistic demo store as a sales journal, dated relative to today.

It is written as journal records and imported through the same validation as a POS file,
so the demo also proves the import path. Deterministic for a given seed and day: the same
receipts (codes, lines, tenders) on any day, only their dates move with it. No sale is
later than ``now``: one drawn for later today moves back a day at a time until it is not.

The journals in receipts/ are this same demo (:func:`demo_journal_files`), so the codes in
them open on a freshly seeded desk.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Generator, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from returns_desk.domain.codes import make_receipt_code
from returns_desk.domain.money import allocate, round_money

STORES: list[dict[str, Any]] = [
    {
        "number": 101,
        "name": "Riverside",
        "region": "TX",
        "timezone": "America/Chicago",
        "address": "1200 River Rd, Austin TX",
        "tax": "0.0825",
    },
    {
        "number": 102,
        "name": "Harbor Point",
        "region": "CA",
        "timezone": "America/Los_Angeles",
        "address": "88 Pier Ave, San Diego CA",
        "tax": "0.0775",
    },
]

# sku, description, department, category, price, serialized, final_sale
CATALOG = [
    ("EL-TV55", '55" 4K television', "electronics", "tv", "499.99", True, False),
    ("EL-LAP14", "14in laptop", "electronics", "computers", "899.00", True, False),
    ("EL-PHN", "Smartphone 128GB", "electronics", "phones", "649.00", True, False),
    ("EL-HDP", "Wireless headphones", "electronics", "audio", "129.99", False, False),
    ("EL-CBL", "USB-C cable 2m", "electronics", "accessories", "14.99", False, False),
    ("EL-GAME", "Video game (sealed)", "electronics", "media", "59.99", False, False),
    ("AP-JKT", "Rain jacket", "apparel", "outerwear", "89.00", False, False),
    ("AP-JEAN", "Slim jeans", "apparel", "bottoms", "49.50", False, False),
    ("AP-TEE", "Cotton tee 3-pack", "apparel", "tops", "24.00", False, False),
    ("AP-SWIM", "Swimsuit", "apparel", "swimwear", "39.00", False, True),
    ("HM-BLND", "Countertop blender", "home", "kitchen", "79.99", False, False),
    ("HM-PAN", "Nonstick pan set", "home", "kitchen", "119.00", False, False),
    ("HM-TWL", "Bath towel set", "home", "bath", "34.99", False, False),
    ("HM-LAMP", "Desk lamp", "home", "lighting", "29.99", False, False),
    ("FN-SOFA", "Three-seat sofa", "furniture", "living", "1299.00", False, False),
    ("FN-DESK", "Standing desk", "furniture", "office", "449.00", False, False),
    ("FN-CHR", "Office chair", "furniture", "office", "229.00", False, False),
    ("TY-LEGO", "Building set", "toys", "construction", "79.99", False, False),
    ("TY-PUZ", "1000-piece puzzle", "toys", "puzzles", "19.99", False, False),
    ("GR-COF", "Coffee beans 1kg", "grocery", "pantry", "24.99", False, True),
    ("BT-PERF", "Eau de parfum", "beauty", "fragrance", "95.00", False, False),
    ("CL-MUG", "Clearance mug", "home", "clearance", "4.99", False, True),
]
TIERS = [None, None, None, "silver", "gold"]
PriceHistories = dict[str, list[tuple[date, Decimal]]]


def demo_now(today: date) -> datetime | None:
    """The latest a demo sale may be: now, if ``today`` is today. On a pretend day, None:
    every sale is already on or before that day in its store's calendar, and the journal
    is the same whenever it is written."""
    if today == date.today():  # noqa: DTZ011 (the store's local day, as the demo command's)
        return datetime.now(UTC)
    return None


def demo_records(
    today: date, receipts: int = 400, seed: int = 7, now: datetime | None = None
) -> Iterator[dict[str, Any]]:
    """Stores, products with price history, then ``receipts`` sales over the last 200 days,
    none later than ``now`` (default: :func:`demo_now`)."""
    rng = random.Random(seed)
    for store in STORES:
        yield {"type": "store", **{k: v for k, v in store.items() if k != "tax"}}
    prices = yield from _catalog(today)
    sequences: dict[tuple[int, int], int] = {}
    latest = now if now is not None else demo_now(today)
    for _ in range(receipts):
        yield _sale(rng, today, prices, sequences, latest=latest)


# Lines per receipt, drawn uniformly from these: the small demo store averages 2; a chain's
# journal averages 3 (1M receipts, about 3M lines), most baskets small, a long tail.
DEMO_BASKETS = (1, 1, 1, 2, 2, 3, 4)
CHAIN_BASKETS = (1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 8)


def scale_sales(
    today: date, part: int, count: int, seed: int = 7, block: int = 20_000
) -> list[dict[str, Any]]:
    """Sales of one chunk of a chain-sized demo, independent of the other chunks.

    Each chunk has its own random stream and its own block of receipt sequences, so chunks
    can be generated in parallel and still never share a receipt code.
    """
    rng = random.Random(seed * 1_000_003 + part)
    prices = {sku: history for sku, history in _price_histories(today).items()}
    start = 1_000_000 + part * block  # clear of the small demo's sequences and other chunks
    sequences = {(s["number"], r): start for s in STORES for r in (1, 2, 3)}
    latest = demo_now(today)
    return [_sale(rng, today, prices, sequences, CHAIN_BASKETS, latest) for _ in range(count)]


def _price_histories(today: date) -> dict[str, list[tuple[date, Decimal]]]:
    generator = _catalog(today)
    try:
        while True:
            next(generator)
    except StopIteration as done:
        return cast("dict[str, list[tuple[date, Decimal]]]", done.value)


def _catalog(today: date) -> Generator[dict[str, Any], None, PriceHistories]:
    """Product records; every third product had a price change 60 days ago."""
    prices: dict[str, list[tuple[date, Decimal]]] = {}
    start = today - timedelta(days=400)
    for i, (sku, desc, dept, cat, price, serialized, final) in enumerate(CATALOG):
        upc = f"0{740000000000 + i * 7:011d}"
        base = Decimal(price)
        yield {
            "type": "product",
            "sku": sku,
            "upc": upc,
            "description": desc,
            "department": dept,
            "category": cat,
            "price": price,
            "price_from": start.isoformat(),
            "serialized": serialized,
            "final_sale": final,
        }
        prices[sku] = [(start, base)]
        if i % 3 == 0:
            changed = today - timedelta(days=60)
            new = round_money(base * Decimal("0.85"))
            yield {
                "type": "price",
                "sku": sku,
                "price": str(new),
                "effective_from": changed.isoformat(),
            }
            prices[sku].append((changed, new))
    return prices


def _price_on(history: list[tuple[date, Decimal]], day: date) -> Decimal:
    return [p for start, p in history if start <= day][-1]


def _sale(
    rng: random.Random,
    today: date,
    prices: dict[str, list[tuple[date, Decimal]]],
    sequences: dict[tuple[int, int], int],
    baskets: tuple[int, ...] = DEMO_BASKETS,
    latest: datetime | None = None,
) -> dict[str, Any]:
    store = rng.choice(STORES)
    register = rng.randint(1, 3)
    key = (store["number"], register)
    sequences[key] = sequences.get(key, 0) + 1
    zone = ZoneInfo(store["timezone"])
    day = today - timedelta(days=rng.randint(0, 200))
    moment = datetime.combine(day, time(rng.randint(9, 20), rng.randint(0, 59)), zone)
    while latest is not None and moment > latest:  # not sold yet: the day before
        moment -= timedelta(days=1)
    day = moment.date()
    lines = [
        _line(rng, n + 1, day, prices, Decimal(store["tax"])) for n in range(rng.choice(baskets))
    ]
    coupon = Decimal(rng.choice(["0", "0", "0", "5.00", "10.00"]))
    subtotal = sum((Decimal(ln["unit_price"]) * ln["qty"] for ln in lines), Decimal(0))
    coupon = coupon if subtotal >= 50 else Decimal("0")  # coupons need a $50 basket
    total = _apply_coupon(lines, coupon, Decimal(store["tax"]))
    tier = rng.choice(TIERS)
    return {
        "type": "sale",
        "receipt": make_receipt_code(store["number"], register, sequences[key]).digits,
        "store": store["number"],
        "register": register,
        "sold_at": moment.astimezone(UTC).isoformat() if rng.random() < 0.1 else moment.isoformat(),
        "customer_id": f"C{rng.randint(1000, 1099)}" if tier or rng.random() < 0.3 else None,
        "loyalty_tier": tier,
        "gift_receipt": rng.random() < 0.15,
        "order_discount": str(coupon),
        "lines": lines,
        "tenders": _tenders(rng, total),
    }


def _line(
    rng: random.Random,
    n: int,
    day: date,
    prices: dict[str, list[tuple[date, Decimal]]],
    tax_rate: Decimal,
) -> dict[str, Any]:
    sku, _d, _dept, _c, _p, serialized, _f = rng.choice(CATALOG)
    qty = 1 if serialized else rng.choice([1, 1, 1, 2, 3])
    unit = _price_on(prices[sku], day)
    discount = round_money(unit * qty * Decimal("0.10")) if rng.random() < 0.15 else Decimal("0")
    line: dict[str, Any] = {
        "line_no": n,
        "sku": sku,
        "qty": qty,
        "unit_price": str(unit),
        "line_discount": str(discount),
        "tax_rate": str(tax_rate),
    }
    if serialized:
        line["serial"] = f"SN{rng.randint(10**9, 10**10 - 1)}"
    if sku.startswith("FN-"):
        line["delivered_on"] = (day + timedelta(days=rng.randint(3, 14))).isoformat()
    return line


def _apply_coupon(lines: list[dict[str, Any]], coupon: Decimal, tax_rate: Decimal) -> Decimal:
    """Share the order coupon over lines, tax each line on what was paid, return the total."""
    nets = [Decimal(ln["unit_price"]) * ln["qty"] - Decimal(ln["line_discount"]) for ln in lines]
    shares = allocate(coupon, nets)
    total = Decimal("0")
    for line, net, share in zip(lines, nets, shares, strict=True):
        line["order_discount_share"] = str(share)
        tax = round_money((net - share) * tax_rate)
        line["tax"] = str(tax)
        total += round_money(net) - share + tax
    return total


def _tenders(rng: random.Random, total: Decimal) -> list[dict[str, Any]]:
    roll = rng.random()
    card = {"type": "card", "last4": f"{rng.randint(0, 9999):04d}"}
    if roll < 0.55 or total < 20:
        return (
            [{**card, "amount": str(total)}]
            if roll < 0.4
            else [{"type": "cash", "amount": str(total)}]
        )
    if roll < 0.8:
        cash = round_money(total * Decimal("0.3"))
        return [{"type": "cash", "amount": str(cash)}, {**card, "amount": str(total - cash)}]
    gift = min(Decimal("25.00"), total - Decimal("0.01"))
    return [
        {"type": "gift_card", "amount": str(gift), "reference": f"GC{rng.randint(1, 999):03d}"},
        {**card, "amount": str(total - gift)},
    ]


def demo_journal_lines(
    today: date, receipts: int = 400, seed: int = 7, now: datetime | None = None, skip: int = 0
) -> Iterator[str]:
    """The demo as JSON Lines text, one record a line; ``skip`` leaves out the first sales."""
    for record in _records(today, receipts, seed, now, skip):
        clean = {k: v for k, v in record.items() if v is not None}
        yield json.dumps(clean, separators=(",", ":"))


def _records(
    today: date, receipts: int, seed: int, now: datetime | None, skip: int
) -> Iterator[dict[str, Any]]:
    sales = 0
    for record in demo_records(today, receipts + skip, seed, now):
        if record["type"] == "sale":
            sales += 1
            if sales <= skip:
                continue
        yield record


CSV_COLUMNS = (
    "receipt", "store", "register", "sold_at", "customer_id", "loyalty_tier", "gift_receipt",
    "order_discount", "line_no", "sku", "qty", "unit_price", "line_discount",
    "order_discount_share", "tax_rate", "tax", "serial", "delivered_on", "tenders",
)  # fmt: skip


def demo_journal_csv(today: date, receipts: int, seed: int = 7, skip: int = 0) -> str:
    """The demo's sales as a CSV journal (receipts/JOURNAL.md): a row per line, the sale's
    fields on each, its tenders on its first row. Stores and products are JSON Lines only."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for sale in _records(today, receipts, seed, None, skip):
        if sale["type"] != "sale":
            continue
        tenders = "|".join(
            f"{t['type']}:{t.get('last4', '')}:{t['amount']}" for t in sale["tenders"]
        )
        for n, line in enumerate(sale["lines"]):
            row = {**sale, **line, "gift_receipt": "yes" if sale["gift_receipt"] else "no"}
            row["tenders"] = tenders if n == 0 else ""
            writer.writerow(["" if row.get(c) is None else row[c] for c in CSV_COLUMNS])
    return out.getvalue()


# The journals shipped in receipts/: slices of the demo store as seeded, so their receipt
# codes open on any freshly seeded desk. Regenerate with the commands in receipts/JOURNAL.md.
JOURNAL_DAY = date(2026, 11, 23)
JOURNAL_FILES = {  # file name: (receipts, skip)
    "demo-journal.jsonl": (40, 0),
    "demo-journal.csv": (2, 40),
}


def demo_journal_files(today: date = JOURNAL_DAY) -> dict[str, str]:
    """The text of each journal in receipts/, as the demo generates it for ``today``."""
    files = {}
    for name, (receipts, skip) in JOURNAL_FILES.items():
        if name.endswith(".csv"):
            files[name] = demo_journal_csv(today, receipts, skip=skip)
        else:
            files[name] = "\n".join(demo_journal_lines(today, receipts, skip=skip)) + "\n"
    return files

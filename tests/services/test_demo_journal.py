"""The demo never sells in the future, and the journals in receipts/ are the demo itself:
their codes open on a freshly seeded desk, with the same items and payments."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from returns_desk.domain.journal_parse import parse_csv, parse_jsonl
from returns_desk.resources import data_dir
from returns_desk.services.journal.demo import seed_demo
from returns_desk.services.journal.demo_data import demo_journal_files, demo_now, demo_records
from returns_desk.services.returns.receipts import find_receipt

RECEIPTS = data_dir("receipts")


def _sold(records) -> list[datetime]:
    return [datetime.fromisoformat(r["sold_at"]) for r in records if r["type"] == "sale"]


def test_no_demo_sale_is_later_than_now():
    today = date(2026, 11, 23)
    now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 9:00 in Chicago, 7:00 in San Diego
    unclamped = _sold(demo_records(today, 400, now=None))
    assert any(at > now for at in unclamped)  # the demo draws times up to 20:59 on today too
    sold = _sold(demo_records(today, 400, now=now))
    assert max(sold) <= now and len(sold) == 400
    assert min(sold) >= datetime(2026, 5, 1, tzinfo=UTC)  # about 200 days back, a day earlier


def test_seeded_for_today_the_demo_sells_until_now():
    before = datetime.now(UTC)
    latest = demo_now(date.today())  # noqa: DTZ011 (the day the demo command uses)
    assert latest is not None and before <= latest <= datetime.now(UTC)
    assert demo_now(date.today() - timedelta(days=3)) is None  # noqa: DTZ011 (a pretend day)


def test_the_journals_in_receipts_are_what_the_demo_generates():
    for name, text in demo_journal_files().items():
        assert (RECEIPTS / name).read_text(encoding="utf-8") == text, (
            f"receipts/{name} is not the demo's; regenerate it (receipts/JOURNAL.md)"
        )


def test_every_code_in_the_journals_opens_on_a_freshly_seeded_desk(engine):
    seeded_on = date(2027, 2, 14)  # another day than the files': the same receipts, moved
    seed_demo(engine, seeded_on, receipts=60)
    jsonl = parse_jsonl((RECEIPTS / "demo-journal.jsonl").read_text().splitlines(), "demo")
    csv = parse_csv((RECEIPTS / "demo-journal.csv").read_text(), "demo.csv")
    moved = seeded_on - date(2026, 11, 23)
    zones = {store.number: ZoneInfo(store.timezone) for store in jsonl.stores}
    for sale in [*jsonl.sales, *csv.sales]:
        receipt = find_receipt(engine, sale.receipt)
        assert [line.sku for line in receipt.lines] == [line.sku for line in sale.lines]
        assert [t.amount for t in receipt.tenders] == [t.amount for t in sale.tenders]
        assert receipt.total == sale.total
        zone = zones[sale.store]  # the same time of day in the store, days later
        seeded, filed = (
            at.astimezone(zone).replace(tzinfo=None) for at in (receipt.sold_at, sale.sold_at)
        )
        assert seeded - filed == moved


def test_the_examples_in_journal_md_are_demo_receipts(engine):
    seed_demo(engine, date(2026, 11, 23), receipts=60)
    text = (RECEIPTS / "JOURNAL.md").read_text(encoding="utf-8")
    example = json.loads(next(line for line in text.splitlines() if line.startswith('{"type"')))
    paid = sum(Decimal(t["amount"]) for t in example["tenders"])
    assert find_receipt(engine, example["receipt"]).total == paid
    assert "`101-01-0000007-9` is `1010100000079`" in text
    assert find_receipt(engine, "101-01-0000007-9").total == Decimal("1210.24")

"""Format 2 rules at the counter: the facts a rule reads reach the engine from the journal
and the catalogue, and what it decides is what the counter pays out."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

from returns_desk.domain.codes import make_receipt_code
from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ExchangeItem, FromReceipt, ReturnError, ReturnItem
from returns_desk.services.journal.importer import import_journal
from returns_desk.services.policies.active import activate_policy
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.returns.quote import quote as quote_source
from returns_desk.services.returns.receipts import find_receipt
from returns_desk.store.db import read_only
from returns_desk.store.models import RefundTender, Tender
from tests.drafts import receipt_request

TODAY = date(2026, 11, 23)
D = Decimal
POLICY = """\
[policy]
format = 2
name = "Counter test"
version = "v2-counter"

[windows]
default_days = 90

[[clearance]]
id = "seasonal"
categories = ["seasonal"]

[[settlement]]
id = "mattresses"
categories = ["mattresses"]
settlements = ["exchange"]
exchange = "identical"

[[windows.extension]]
id = "store-card"
paid_with = ["store-card"]
extra_days = 60

[[id_check]]
id = "pro-cameras"
categories = ["cameras"]
receipts = ["yes", "gift"]
from_amount = "1000.00"
without_id = "needs_override"

[refund]
large_refund_above = "1000.00"
large_refund_by = "cheque"

[promotions]
free_item_kept = "deduct"
"""
PRODUCTS = [
    {
        "type": "product",
        "sku": "SZ-WREATH",
        "description": "Wreath",
        "department": "home",
        "category": "seasonal",
        "price": "40.00",
        "price_from": "2026-01-01",
    },
    {"type": "price", "sku": "SZ-WREATH", "price": "25.00", "effective_from": "2026-11-01"},
    {
        "type": "product",
        "sku": "MT-QUEEN",
        "description": "Queen mattress",
        "department": "bedroom",
        "category": "mattresses",
        "price": "700.00",
        "price_from": "2026-01-01",
    },
    {
        "type": "product",
        "sku": "MT-KING",
        "description": "King mattress",
        "department": "bedroom",
        "category": "mattresses",
        "price": "900.00",
        "price_from": "2026-01-01",
    },
    {
        "type": "product",
        "sku": "TV-65",
        "description": "65in TV",
        "department": "tech",
        "category": "tv",
        "price": "1400.00",
        "price_from": "2026-01-01",
    },
    {
        "type": "product",
        "sku": "CAM-PRO",
        "description": "Pro camera",
        "department": "tech",
        "category": "cameras",
        "price": "2400.00",
        "price_from": "2026-01-01",
    },
    {
        "type": "product",
        "sku": "HD-FREE",
        "description": "Free headphones",
        "department": "tech",
        "category": "audio",
        "price": "80.00",
        "price_from": "2026-01-01",
    },
]


def _sale(seq: int, day: str, lines: list[dict[str, object]], tenders: list[dict[str, str]]):
    return {
        "type": "sale",
        "receipt": make_receipt_code(101, 3, seq).digits,
        "store": 101,
        "register": 3,
        "sold_at": f"{day}T12:00:00-06:00",
        "lines": lines,
        "tenders": tenders,
    }


def _line(no: int, sku: str, price: str, **extra: object) -> dict[str, object]:
    return {
        "line_no": no,
        "sku": sku,
        "qty": 1,
        "unit_price": price,
        "tax_rate": "0",
        "tax": "0.00",
        **extra,
    }


SALES = [
    _sale(
        4201,
        "2026-10-20",
        [_line(1, "SZ-WREATH", "40.00")],
        [{"type": "card", "last4": "1111", "amount": "40.00"}],
    ),
    _sale(
        4202,
        "2026-11-20",
        [_line(1, "MT-QUEEN", "700.00")],
        [{"type": "card", "last4": "1111", "amount": "700.00"}],
    ),
    _sale(
        4203,
        "2026-11-20",
        [
            _line(1, "TV-65", "1400.00"),
            _line(2, "HD-FREE", "80.00", line_discount="80.00", promo_of=1),
        ],
        [{"type": "cash", "amount": "1400.00"}],
    ),
    _sale(
        4205,
        "2026-11-20",
        [_line(1, "CAM-PRO", "2400.00")],
        [{"type": "card", "last4": "3333", "amount": "2400.00"}],
    ),
    _sale(
        4204,
        "2026-07-01",
        [_line(1, "TV-65", "1400.00")],
        [{"type": "card", "last4": "2222", "amount": "1400.00", "card_brand": "store-card"}],
    ),
]


@pytest.fixture
def store(demo_engine, demo_actors, tmp_path: Path):
    journal = tmp_path / "pos.jsonl"
    journal.write_text("\n".join(json.dumps(r) for r in [*PRODUCTS, *SALES]) + "\n")
    import_journal(demo_engine, journal)
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY)
    activate_policy(demo_engine, policy, demo_actors["maria"])
    return demo_engine


def code(seq: int) -> str:
    return make_receipt_code(101, 3, seq).digits


def quote(engine, receipt_code: str, items, today: date):
    return quote_source(engine, FromReceipt(find_receipt(engine, receipt_code)), items, today)


def test_a_clearance_item_is_refunded_at_todays_shelf_price(store) -> None:
    (line,) = quote(store, code(4201), [ReturnItem(1, 1)], TODAY).lines
    assert line.decision.refund_amount == D("25.00") and line.decision.deducted == D("15.00")


def test_a_store_card_purchase_gets_its_longer_window(store) -> None:
    (line,) = quote(store, code(4204), [ReturnItem(1, 1)], TODAY).lines
    assert line.decision.approved and line.decision.window_ends == date(2026, 11, 27)


def test_a_large_cash_refund_is_recorded_as_a_cheque(store, demo_actors) -> None:
    items = (
        ReturnItem(1, 1, reason_code="changed_mind"),
        ReturnItem(2, 1, reason_code="changed_mind"),
    )
    request = receipt_request(store, code(4203), items, Settlement.REFUND)
    done = complete_return(store, demo_actors["cleo"], request, TODAY)
    assert done.tenders == (("cheque", D("1400.00")),)
    with read_only(store) as session:
        refund = session.exec(
            select(RefundTender).where(RefundTender.return_id == done.return_id)
        ).one()
        tender = session.get(Tender, refund.original_tender_id)
        assert tender is not None and tender.kind == "cash" and tender.refunded == D("1400.00")


def test_returning_the_tv_but_keeping_the_free_headphones_takes_their_price(store) -> None:
    (line,) = quote(store, code(4203), [ReturnItem(1, 1)], TODAY).lines
    assert line.decision.refund_amount == D("1320.00")
    assert [d.description for d in line.decision.deductions] == ["Free promotional item kept"]


def test_a_mattress_is_exchanged_only_for_the_identical_mattress(store, demo_actors) -> None:
    item = (ReturnItem(1, 1, reason_code="changed_mind"),)
    (line,) = quote(store, code(4202), item, TODAY).lines
    assert line.decision.settlements == {Settlement.EXCHANGE}
    other = receipt_request(
        store, code(4202), item, Settlement.EXCHANGE, exchange_items=(ExchangeItem("MT-KING"),)
    )
    with pytest.raises(ReturnError, match="identical item"):
        complete_return(store, demo_actors["cleo"], other, TODAY)
    same = receipt_request(
        store, code(4202), item, Settlement.EXCHANGE, exchange_items=(ExchangeItem("MT-QUEEN"),)
    )
    done = complete_return(store, demo_actors["cleo"], same, TODAY)
    assert done.new_receipt_code and done.difference == D("0.00")


def test_photo_id_even_with_a_receipt_for_an_expensive_camera(store) -> None:
    receipt = find_receipt(store, code(4205))
    items = [ReturnItem(1, 1)]
    (unchecked,) = quote_source(store, FromReceipt(receipt), items, TODAY).lines
    assert unchecked.decision.outcome.value == "needs_override"
    assert "Photo ID is required" in unchecked.decision.reasons[0]
    (checked,) = quote_source(store, FromReceipt(receipt, id_checked=True), items, TODAY).lines
    assert checked.decision.approved

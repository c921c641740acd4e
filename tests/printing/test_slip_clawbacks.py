"""What the policy kept back, on the customer's receipt: a free item kept, rewards spent and
the loyalty points taken back, in words, so the refund on the slip adds up."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from returns_desk.domain.codes import make_receipt_code
from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ExchangeItem, ReturnItem
from returns_desk.domain.slip_samples import sample_slips
from returns_desk.printing.escpos import Thermal, render_escpos
from returns_desk.printing.layout import load_layout
from returns_desk.printing.render import render_pdf
from returns_desk.services.journal.importer import import_journal
from returns_desk.services.policies.active import activate_policy
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.slips.issue import SlipSettings, slips_for_return
from tests.drafts import receipt_request
from tests.printing.escpos_reader import read_escpos
from tests.printing.framed import framed

TODAY = date(2026, 11, 23)
POLICY = """\
[policy]
format = 2
name = "Promotions"
version = "1"

[windows]
default_days = 90

[promotions]
free_item_kept = "deduct"
rewards_spent = "deduct"
reverse_points = true
"""
PRODUCTS = [
    {"type": "product", "sku": sku, "description": words, "department": "tech",
     "category": category, "price": price, "price_from": "2026-01-01"}
    for sku, words, category, price in (
        ("TV-65", "65in TV", "tv", "1400.00"), ("HD-FREE", "Free headphones", "audio", "80.00")
    )
]  # fmt: skip
RECEIPT = make_receipt_code(101, 3, 4301).digits
SALE = {
    "type": "sale", "receipt": RECEIPT, "store": 101, "register": 3,
    "sold_at": "2026-11-20T12:00:00-06:00",
    "rewards_earned": "50.00", "rewards_spent": "20.00", "points_earned": 1400,
    "lines": [
        {"line_no": 1, "sku": "TV-65", "qty": 1, "unit_price": "1400.00", "tax_rate": "0",
         "tax": "0.00"},
        {"line_no": 2, "sku": "HD-FREE", "qty": 1, "unit_price": "80.00",
         "line_discount": "80.00", "promo_of": 1, "tax_rate": "0", "tax": "0.00"},
    ],
    "tenders": [{"type": "card", "last4": "1111", "amount": "1400.00"}],
}  # fmt: skip


@pytest.fixture
def store(demo_engine, demo_actors, tmp_path: Path):
    journal = tmp_path / "pos.jsonl"
    journal.write_text("\n".join(json.dumps(r) for r in [*PRODUCTS, SALE]) + "\n")
    import_journal(demo_engine, journal)
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY)
    activate_policy(demo_engine, policy, demo_actors["maria"])
    return demo_engine


def _receipt_text(engine, actor, reference, tmp_path, read_pdf) -> str:
    settings = SlipSettings(tmp_path / "slips", paper="thermal")
    receipt = slips_for_return(engine, actor, reference, settings)[0]
    return " ".join(read_pdf(receipt.path.read_bytes()).text.split())


def test_the_refund_slip_says_what_the_policy_kept_back_and_the_points_reversed(
    store, demo_actors, tmp_path, read_pdf
):
    tv = (ReturnItem(1, 1, reason_code="changed_mind"),)  # the free headphones stay
    done = complete_return(
        store, demo_actors["cleo"], receipt_request(store, RECEIPT, tv, Settlement.REFUND), TODAY
    )
    assert str(done.total_refund) == "1300.00"
    text = _receipt_text(store, demo_actors["cleo"], done.reference, tmp_path, read_pdf)
    assert "1 x 65in TV $1,400.00" in text  # what it was paid ...
    assert "Free promotional item kept -$80.00" in text  # ... less what the policy keeps
    assert "Rewards earned and spent -$20.00" in text
    assert "Total refunded $1,300.00" in text
    assert "Loyalty points reversed 1,400" in text


def test_the_exchange_slip_says_them_too(store, demo_actors, tmp_path, read_pdf):
    tv = (ReturnItem(1, 1, reason_code="changed_mind"),)
    request = receipt_request(
        store, RECEIPT, tv, Settlement.EXCHANGE, exchange_items=(ExchangeItem("TV-65"),)
    )
    done = complete_return(store, demo_actors["cleo"], request, TODAY)
    text = _receipt_text(store, demo_actors["cleo"], done.reference, tmp_path, read_pdf)
    assert "EXCHANGE RECEIPT" in text
    assert "Free promotional item kept -$80.00 Rewards earned and spent -$20.00" in text
    assert "Returned value $1,300.00 Loyalty points reversed 1,400" in text


@pytest.mark.parametrize("columns", [42, 32])
def test_thermal_and_pdf_receipts_print_them_alike(columns, read_pdf):
    layout = load_layout("default")
    slip = framed(sample_slips()[0])  # the sample return: a free item kept, points reversed
    thermal = read_escpos(render_escpos(slip, layout, Thermal(columns))).text
    pdf = read_pdf(render_pdf(slip, layout, "thermal")).text
    for text in (thermal, pdf):
        flat = " ".join(text.split())
        assert "Restocking fees -$3.00 Free promotional item kept -$5.00" in flat
        assert "Total refunded $115.99 Loyalty points reversed 120" in flat

"""Facts a return policy reads at the counter come in with the journal and back out with
the receipt: brand and attributes, promotions and bundles, rewards, points, card brand."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from returns_desk.domain.codes import make_receipt_code
from returns_desk.domain.journal import JournalInvalid
from returns_desk.services.journal.importer import import_journal
from returns_desk.services.returns.receipts import find_receipt
from returns_desk.store.db import unit_of_work
from returns_desk.store.receipts import read_receipt_in

CODE = make_receipt_code(101, 3, 4242).digits
STORE = {"type": "store", "number": 101, "name": "Riverside", "region": "TX",
         "timezone": "America/Chicago"}  # fmt: skip
PRODUCTS = [
    {"type": "product", "sku": "AP-FRIDGE", "description": "Fridge", "department": "appliances",
     "category": "fridges", "price": "1200.00", "brand": "Coldline",
     "attributes": {"capacity_cu_ft": 22.5, "Fuel": "electric"}},
    {"type": "product", "sku": "AP-ICE", "description": "Ice tray", "department": "appliances",
     "category": "accessories", "price": "20.00", "brand": "House Brand"},
]  # fmt: skip
SALE = {
    "type": "sale", "receipt": CODE, "store": 101, "register": 3,
    "sold_at": "2026-11-20T15:42:00-06:00", "loyalty_tier": "gold",
    "rewards_earned": "15.00", "rewards_spent": "10.00", "points_earned": 1220,
    "lines": [
        {"line_no": 1, "sku": "AP-FRIDGE", "qty": 1, "unit_price": "1200.00",
         "line_discount": "100.00", "bundle": "B1", "bundle_discount": "100.00",
         "tax_rate": "0", "tax": "0.00"},
        {"line_no": 2, "sku": "AP-ICE", "qty": 1, "unit_price": "20.00",
         "line_discount": "20.00", "promo_of": 1, "tax_rate": "0", "tax": "0.00"},
    ],
    "tenders": [{"type": "card", "last4": "1111", "amount": "1100.00",
                 "card_brand": "Store-Card"}],
}  # fmt: skip


def _journal(tmp_path: Path, sale: dict[str, object]) -> Path:
    path = tmp_path / "pos.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [STORE, *PRODUCTS, sale]) + "\n")
    return path


def test_policy_facts_come_back_with_the_receipt(engine, tmp_path: Path) -> None:
    import_journal(engine, _journal(tmp_path, SALE))
    receipt = find_receipt(engine, CODE)
    fridge, tray = receipt.lines
    assert fridge.brand == "Coldline"
    assert fridge.attribute_map == {"capacity_cu_ft": "22.5", "fuel": "electric"}
    assert (fridge.bundle, fridge.bundle_discount) == ("B1", Decimal("100.00"))
    assert tray.promo_of == 1 and tray.brand == "House Brand" and tray.attribute_map == {}
    assert receipt.tenders[0].card_brand == "store-card"
    assert (receipt.rewards_earned, receipt.rewards_spent) == (Decimal("15.00"), Decimal("10.00"))
    assert receipt.points_earned == 1220
    with unit_of_work(engine) as session:  # inside a unit of work: the same receipt
        assert read_receipt_in(session, CODE) == receipt


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: s["lines"][1].update(promo_of=7), "lines[1].promo_of"),
        (lambda s: s["lines"][0].update(bundle_discount="150.00"), "lines[0].bundle_discount"),
        (lambda s: s["lines"][0].pop("bundle"), "lines[0].bundle"),
        (lambda s: s.update(rewards_spent="20.00"), "rewards_spent"),
        (lambda s: s.update(points_earned=-1), "points_earned"),
    ],
)
def test_impossible_promotion_facts_are_refused_by_field(engine, tmp_path, change, field) -> None:
    sale = json.loads(json.dumps(SALE))
    change(sale)
    with pytest.raises(JournalInvalid) as caught:
        import_journal(engine, _journal(tmp_path, sale))
    assert f"field '{field}'" in str(caught.value)


def test_attributes_must_be_an_object_of_plain_values(engine, tmp_path: Path) -> None:
    path = tmp_path / "pos.jsonl"
    bad = dict(PRODUCTS[0], attributes=["capacity", 22])
    path.write_text("\n".join(json.dumps(r) for r in [STORE, bad]) + "\n")
    with pytest.raises(JournalInvalid, match="field 'attributes': expected an object"):
        import_journal(engine, path)


def test_csv_carries_card_brand_bundles_and_rewards(engine, tmp_path: Path) -> None:
    products = tmp_path / "catalogue.jsonl"
    products.write_text("\n".join(json.dumps(r) for r in [STORE, *PRODUCTS]) + "\n")
    import_journal(engine, products)
    head = ("receipt,store,register,sold_at,line_no,sku,qty,unit_price,line_discount,tax_rate,"
            "tax,tenders,bundle,bundle_discount,promo_of,rewards_earned,rewards_spent")  # fmt: skip
    rows = [
        f"{CODE},101,3,2026-11-20T15:42:00-06:00,1,AP-FRIDGE,1,1200.00,100.00,0,0.00,"
        "card:1111:1000.00:store-card|cash::100.00,B1,100.00,,5.00,",
        f"{CODE},101,3,2026-11-20T15:42:00-06:00,2,AP-ICE,1,20.00,20.00,0,0.00,,,,1,,",
    ]
    sales = tmp_path / "pos.csv"
    sales.write_text("\n".join([head, *rows]) + "\n")
    import_journal(engine, sales)
    receipt = find_receipt(engine, CODE)
    assert [t.card_brand for t in receipt.tenders] == ["store-card", None]
    assert receipt.lines[0].bundle == "B1" and receipt.lines[1].promo_of == 1
    assert (receipt.rewards_earned, receipt.rewards_spent) == (Decimal("5.00"), Decimal("0.00"))

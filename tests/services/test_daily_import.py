"""The nightly POS feed: each day's file repeats the catalogue; only what changed is written."""

import json
from decimal import Decimal

import pytest
from sqlmodel import col, func, select

from returns_desk.domain.codes import make_receipt_code
from returns_desk.domain.journal import JournalInvalid
from returns_desk.services.journal.importer import import_journal
from returns_desk.store.db import read_only
from returns_desk.store.models import (
    AuditEvent,
    Product,
    ProductPrice,
    Register,
    Sale,
    Store,
)

STORE = {"type": "store", "number": 101, "name": "Riverside", "timezone": "America/Chicago"}
JACKET = {
    "type": "product",
    "sku": "AP-JKT",
    "upc": "0740000000001",
    "description": "Rain jacket",
    "department": "apparel",
    "price": "89.00",
    "price_from": "2026-01-01",
}


def sale(seq, price="89.00", qty=1, day="2026-11-20"):
    code = make_receipt_code(101, 3, seq).digits
    net = Decimal(price) * qty
    return {
        "receipt": code,
        "store": 101,
        "register": 3,
        "sold_at": f"{day}T15:42:00-06:00",
        "lines": [{"sku": "AP-JKT", "qty": qty, "unit_price": price, "tax_rate": "0", "tax": "0"}],
        "tenders": [{"type": "cash", "amount": str(net)}],
    }


def write(tmp_path, name, *records):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def count(engine, table, *where):
    with read_only(engine) as session:
        return session.exec(select(func.count()).select_from(table).where(*where)).one()


def prices(engine, sku="AP-JKT"):
    with read_only(engine) as session:
        product = session.exec(select(Product).where(Product.sku == sku)).one()
        rows = session.exec(
            select(ProductPrice)
            .where(ProductPrice.product_id == product.id)
            .order_by(col(ProductPrice.effective_from))
        ).all()
        return [(str(r.effective_from), str(r.price)) for r in rows]


def test_the_second_day_repeats_the_catalogue_and_imports(engine, tmp_path):
    """The bug: day two's file repeats the product and crashed on the price uniqueness."""
    import_journal(engine, write(tmp_path, "day1.jsonl", STORE, JACKET, sale(1)))
    result = import_journal(engine, write(tmp_path, "day2.jsonl", STORE, JACKET, sale(2)))
    assert (result.receipts, result.products, result.prices, result.stores) == (1, 0, 0, 0)
    assert (result.products_changed, result.stores_changed) == (0, 0)
    assert count(engine, Sale) == 2 and count(engine, Product) == 1
    assert prices(engine) == [("2026-01-01", "89.00")]


def test_a_changed_price_adds_to_the_price_history(engine, tmp_path):
    import_journal(engine, write(tmp_path, "day1.jsonl", STORE, JACKET, sale(1)))
    cheaper = {**JACKET, "price": "79.00", "price_from": "2026-11-21"}
    day2 = write(tmp_path, "day2.jsonl", STORE, cheaper, sale(2, "79.00", day="2026-11-21"))
    assert import_journal(engine, day2).prices == 1
    assert prices(engine) == [("2026-01-01", "89.00"), ("2026-11-21", "79.00")]
    # a price record for a date that already has one: a correction needs its own date
    clash = {"type": "price", "sku": "AP-JKT", "price": "75.00", "effective_from": "2026-11-21"}
    with pytest.raises(JournalInvalid) as caught:
        import_journal(engine, write(tmp_path, "day3.jsonl", clash))
    assert "day3.jsonl, row 1, field 'effective_from': AP-JKT already has price 79.00" in str(
        caught.value
    )


def test_a_product_row_without_a_date_dates_its_new_price_to_the_import_day(engine, tmp_path):
    from datetime import date

    from returns_desk.services.journal.importer import import_parsed, read_journal

    import_journal(engine, write(tmp_path, "day1.jsonl", STORE, JACKET))
    undated = {k: v for k, v in JACKET.items() if k != "price_from"} | {"price": "69.00"}
    journal, sha = read_journal(write(tmp_path, "day2.jsonl", undated))
    import_parsed(engine, journal, sha, today=date(2026, 11, 23))
    assert prices(engine)[-1] == ("2026-11-23", "69.00")


def test_changed_details_update_the_product_and_the_store(engine, tmp_path):
    import_journal(engine, write(tmp_path, "day1.jsonl", STORE, JACKET))
    renamed = {**JACKET, "description": "Rain jacket, navy"}
    moved = {**STORE, "timezone": "America/New_York"}
    result = import_journal(engine, write(tmp_path, "day2.jsonl", moved, renamed))
    assert (result.products_changed, result.stores_changed) == (1, 1)
    with read_only(engine) as session:
        assert session.exec(select(Product.description)).one() == "Rain jacket, navy"
        assert session.exec(select(Store.timezone)).one() == "America/New_York"


def test_a_upc_moves_to_the_new_sku_and_the_move_is_audited(engine, tmp_path):
    import_journal(engine, write(tmp_path, "day1.jsonl", STORE, JACKET))
    successor = {**JACKET, "sku": "AP-JKT2", "description": "Rain jacket 2026"}
    result = import_journal(engine, write(tmp_path, "day2.jsonl", successor))
    assert result.upc_moves == ("0740000000001: AP-JKT -> AP-JKT2",)
    with read_only(engine) as session:
        owners = dict(session.exec(select(Product.sku, Product.upc)).all())
        event = session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "journal.import")
            .order_by(col(AuditEvent.seq).desc())
        ).first()
    assert owners == {"AP-JKT": None, "AP-JKT2": "0740000000001"}
    assert "AP-JKT -> AP-JKT2" in event.details


def test_two_skus_with_one_upc_in_a_file_is_a_row_error(engine, tmp_path):
    twin = {**JACKET, "sku": "AP-JKT2"}
    with pytest.raises(
        JournalInvalid, match="row 3, field 'upc': UPC 0740000000001 already on row 2"
    ):
        import_journal(engine, write(tmp_path, "day1.jsonl", STORE, JACKET, twin))
    assert count(engine, Product) == 0


def test_registers_are_added_and_renamed_like_stores(engine, tmp_path):
    till = {"type": "register", "store": 101, "number": 3, "name": "Front till"}
    import_journal(engine, write(tmp_path, "day1.jsonl", STORE, JACKET, till, sale(1)))
    again = import_journal(engine, write(tmp_path, "day2.jsonl", STORE, till, sale(2)))
    assert again.receipts == 1
    import_journal(engine, write(tmp_path, "day3.jsonl", {**till, "name": "Returns till"}))
    with read_only(engine) as session:
        assert session.exec(select(Register.name)).all() == ["Returns till"]


def test_the_same_receipt_again_is_skipped_but_other_content_names_both_files(engine, tmp_path):
    import_journal(engine, write(tmp_path, "day1.jsonl", STORE, JACKET, sale(1)))
    overlap = import_journal(engine, write(tmp_path, "day2.jsonl", sale(1), sale(2)))
    assert (overlap.receipts, overlap.receipts_already_in) == (1, 1)
    changed = sale(1, qty=2)
    with pytest.raises(JournalInvalid) as caught:
        import_journal(engine, write(tmp_path, "day3.jsonl", changed, sale(3)))
    message = str(caught.value)
    assert "day3.jsonl, row 1, field 'receipt'" in message
    assert "already imported from day1.jsonl" in message
    assert "lines[0].qty: 2 here, 1 there" in message
    assert count(engine, Sale) == 2  # nothing of day 3, not even receipt 3


def test_a_store_time_zone_must_be_a_real_one(engine, tmp_path):
    bad = {**STORE, "timezone": "../../etc/passwd"}
    with pytest.raises(JournalInvalid, match="field 'timezone': '../../etc/passwd' is not an IANA"):
        import_journal(engine, write(tmp_path, "day1.jsonl", bad))
    assert count(engine, Store) == 0

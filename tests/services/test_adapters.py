"""Shopify's and Square's exports, and a mapping file, imported from sample files written
from the public column references (made-up customers). What a store checks: the sales come
in as paid, refunds already made count, and refunds at the desk afterwards add up to what
the customer paid, to the cent."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import col, select

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ReturnItem
from returns_desk.domain.journal import JournalInvalid
from returns_desk.services.journal.adapters import ExportOptions, import_export
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.returns.receipts import find_receipt
from returns_desk.services.staff.security import log_in
from returns_desk.store.db import read_only
from returns_desk.store.models import Sale, Tender
from tests.drafts import receipt_request

SAMPLES = Path(__file__).parents[2] / "receipts" / "samples"
ORDERS, PAYMENTS = SAMPLES / "shopify-orders.csv", SAMPLES / "shopify-transactions.csv"
SQUARE = SAMPLES / "square-items.csv"
TODAY = date(2026, 11, 23)


def shopify(engine, path=ORDERS, payments=PAYMENTS, **options):
    return import_export(
        engine, path, "shopify-orders", ExportOptions(payments=payments, **options)
    )


def return_everything_left(engine, reference: str) -> Decimal:
    """Take back every unit the desk may, one line at a time; the refunds in all."""
    receipt = find_receipt(engine, reference)
    actor = log_in(engine, "cleo", "1111", "R1")
    total = Decimal("0.00")
    for line in receipt.lines:
        if line.returnable_qty and not line.final_sale:
            item = ReturnItem(line.line_no, line.returnable_qty, reason_code="changed_mind")
            request = receipt_request(engine, receipt.code, (item,), Settlement.REFUND)
            total += complete_return(engine, actor, request, TODAY).total_refund
    return total


def tenders_of(engine, reference: str):
    with read_only(engine) as session:
        sale = session.exec(select(Sale).where(Sale.reference == reference)).one()
        return session.exec(
            select(Tender).where(Tender.sale_id == sale.id).order_by(col(Tender.seq))
        ).all()


def test_shopify_orders_come_in_as_paid_and_are_found_by_order_name(demo_engine):
    result = shopify(demo_engine)
    assert (result.receipts, result.products) == (3, 5)
    assert result.notes == ("order #1004 skipped: cancelled",)
    first = find_receipt(demo_engine, "#1001")  # a multi-line order with a discount code
    assert first.store_no == 101 and first.register_no == 99
    assert [(ln.sku, ln.qty) for ln in first.lines] == [("SH-TEE", 2), ("SH-MUG", 1)]
    assert first.order_discount == Decimal("10.00")
    assert [ln.order_discount_share for ln in first.lines] == [Decimal("7.81"), Decimal("2.19")]
    assert sum(ln.tax_charged for ln in first.lines) == Decimal("4.46")
    assert first.total == Decimal("58.46")
    assert first.sold_at.isoformat() == "2026-11-20T16:14:03+00:00"


def test_two_payment_methods_take_what_the_transactions_export_says(demo_engine):
    with pytest.raises(JournalInvalid) as caught:
        shopify(demo_engine, payments=None)
    assert (
        "shopify-orders.csv, row 4, field 'Payment Method': paid by gift_card + "
        "shopify_payments; the orders export does not say how much each took"
    ) in str(caught.value)
    shopify(demo_engine)
    order = find_receipt(demo_engine, "#1002")
    assert [(t.kind.value, t.amount) for t in order.tenders] == [
        ("gift_card", Decimal("20.00")),
        ("card", Decimal("66.19")),
    ]
    shipping = order.lines[-1]
    assert (shipping.sku, shipping.paid, shipping.final_sale) == ("SHIPPING", Decimal("5.00"), True)


def test_a_line_refunded_in_the_pos_is_already_returned(demo_engine):
    shopify(demo_engine)
    order = find_receipt(demo_engine, "#1003")
    assert [(ln.sku, ln.qty_returned) for ln in order.lines] == [("SH-TEE", 0), ("SH-MUG", 1)]
    assert [t.refunded for t in tenders_of(demo_engine, "#1003")] == [Decimal("15.16")]


@pytest.mark.parametrize("reference", ["#1001", "#1002", "#1003"])
def test_refunds_at_the_desk_afterwards_add_up_to_what_the_customer_paid(demo_engine, reference):
    shopify(demo_engine)
    paid = sum(t.amount for t in tenders_of(demo_engine, reference))
    before = sum(t.refunded for t in tenders_of(demo_engine, reference))
    fees = sum(ln.paid for ln in find_receipt(demo_engine, reference).lines if ln.final_sale)
    refunded = return_everything_left(demo_engine, reference)
    assert before + refunded + fees == paid
    after = tenders_of(demo_engine, reference)
    assert sum(t.refunded for t in after) == paid - fees
    assert all(t.refunded <= t.amount for t in after)


def test_the_next_days_export_overlaps_and_only_new_orders_come_in(demo_engine, tmp_path):
    shopify(demo_engine)
    rows = ORDERS.read_text().splitlines(keepends=True)
    newer = tmp_path / "orders-2026-11-23.csv"
    extra = "".join(rows[1:3]).replace("#1001", "#1005").replace("5550000001", "5550000005")
    newer.write_text("".join(rows) + extra)
    result = shopify(demo_engine, path=newer)
    assert (result.receipts, result.receipts_already_in) == (1, 3)
    assert find_receipt(demo_engine, "#1005").code != find_receipt(demo_engine, "#1001").code


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (("58.46,SAVE10,10.00", "58.46,SAVE10,12.00"), "row 2, field 'Discount Amount': 12.00"),
        (("0.00,4.46,58.46", "0.00,4.46,59.46"), "row 2, field 'Total': 59.46 is not Subtotal"),
        ((",Cash,,15.16,", ",Cash,,15.15,"), "row 7, field 'Refunded Amount': 15.15 is not"),
        (
            ("Sam Clerk,Riverside,4021,5550000001", "Sam Clerk,Uptown,4021,5550000001"),
            "row 2, field 'Location': 'Uptown' is not one of the desk's stores",
        ),
        (
            (",USD,54.00,", ",EUR,54.00,"),
            "row 4, field 'Currency': USD, but the file's orders are in EUR",
        ),
    ],
)
def test_an_export_that_does_not_add_up_is_refused_at_its_row(demo_engine, tmp_path, change, where):
    bad = tmp_path / "orders.csv"
    bad.write_text(ORDERS.read_text().replace(*change, 1))
    with pytest.raises(JournalInvalid) as caught:
        shopify(demo_engine, path=bad)
    assert where in str(caught.value)
    with read_only(demo_engine) as session:
        assert session.exec(select(Sale).where(col(Sale.reference).is_not(None))).first() is None


def test_square_item_details(demo_engine):
    result = import_export(demo_engine, SQUARE, "square-items", ExportOptions())
    assert result.receipts == 3
    card = find_receipt(demo_engine, "SQA1x")
    assert [ln.sku for ln in card.lines] == ["SQ-MUG", "SQ-FERN", "POS-GIFT-WRAP-REGULAR"]
    assert card.lines[0].line_discount == Decimal("3.00")
    assert (card.tenders[0].card_last4, card.tenders[0].card_brand) == ("4242", "visa")
    assert card.customer_id == "CUST1"
    three_for_ten = find_receipt(demo_engine, "SQB2y").lines[0]  # $10.00 for 3
    assert (three_for_ten.unit_price, three_for_ten.line_discount) == (
        Decimal("3.34"),
        Decimal("0.02"),
    )
    assert three_for_ten.paid == Decimal("10.83")
    refunded = find_receipt(demo_engine, "SQC3z")
    assert refunded.lines[0].qty_returned == 1
    assert [t.refunded for t in tenders_of(demo_engine, "SQC3z")] == [Decimal("19.49")]


@pytest.mark.parametrize("reference", ["SQA1x", "SQB2y", "SQC3z"])
def test_square_refunds_afterwards_add_up_to_what_was_paid(demo_engine, reference):
    import_export(demo_engine, SQUARE, "square-items", ExportOptions())
    paid = sum(t.amount for t in tenders_of(demo_engine, reference))
    before = sum(t.refunded for t in tenders_of(demo_engine, reference))
    assert before + return_everything_left(demo_engine, reference) == paid


def test_a_square_refund_that_the_desk_would_count_otherwise_is_refused(demo_engine, tmp_path):
    bad = tmp_path / "items.csv"
    bad.write_text(SQUARE.read_text().replace("-$1.49", "-$1.48"))
    with pytest.raises(JournalInvalid, match=r"row 7, field 'Gross Sales': refunded 19.48"):
        import_export(demo_engine, bad, "square-items", ExportOptions())


ACME = """Ticket,When,Till item,Description,Units,Each,Off,VAT,Paid by
T-100,23/11/2026 09:15,ACM-1,Garden trowel,1,12.50,0,2.50,VISA
T-100,23/11/2026 09:15,ACM-2,Seed tray,2,3.00,1.00,1.00,VISA
T-101,23/11/2026 10:00,ACM-1,Garden trowel,1,12.50,2.50,2.00,CASH
"""
MAPPING = """name = "Acme Till"
[sale]
key = "Ticket"
date = "When"
date_format = "%d/%m/%Y %H:%M"
time_format = ""
payment = "Paid by"
[line]
sku = "Till item"
description = "Description"
qty = "Units"
unit_price = "Each"
discount = "Off"
tax = "VAT"
[payments]
VISA = "card"
CASH = "cash"
"""


def test_a_mapping_file_reads_another_pos_export(demo_engine, tmp_path):
    (tmp_path / "acme.csv").write_text(ACME)
    (tmp_path / "acme.toml").write_text(MAPPING)
    options = ExportOptions(store=102, timezone="Europe/London")
    result = import_export(
        demo_engine, tmp_path / "acme.csv", None, options, tmp_path / "acme.toml"
    )
    assert (result.receipts, result.products) == (2, 2)
    ticket = find_receipt(demo_engine, "T-100")
    assert ticket.store_no == 102 and ticket.total == Decimal("21.00")
    assert [t.kind.value for t in ticket.tenders] == ["card"]
    assert ticket.sold_at.isoformat() == "2026-11-23T09:15:00+00:00"


def test_a_bad_mapping_file_names_the_file_and_key(demo_engine, tmp_path):
    (tmp_path / "acme.csv").write_text(ACME)
    (tmp_path / "acme.toml").write_text(MAPPING.replace('unit_price = "Each"', 'gros = "Each"'))
    with pytest.raises(JournalInvalid) as caught:
        import_export(demo_engine, tmp_path / "acme.csv", None, ExportOptions(store=102),
                      tmp_path / "acme.toml")  # fmt: skip
    message = str(caught.value)
    assert "acme.toml, field 'line.gros': is not a field" in message


def test_an_export_already_imported_is_skipped(demo_engine, tmp_path):
    shopify(demo_engine)
    copy = tmp_path / "again.csv"
    shutil.copy(ORDERS, copy)
    assert "as shopify-orders.csv" in shopify(demo_engine, path=copy).already


@pytest.mark.parametrize(
    "text", ["1" + "0" * 27, "99999999999999999999999999999.5", "(1" + "0" * 30 + ")"]
)
def test_an_amount_too_large_for_any_till_is_a_located_error_not_a_crash(text):
    from returns_desk.services.journal.adapters.values import amount

    with pytest.raises(ValueError, match="more than the most allowed"):
        amount(text)

"""Replacement items in an exchange: taxed at their own rate, serials scanned and recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from returns_desk.domain.codes import make_receipt_code
from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ExchangeItem, Override, ReturnError, ReturnItem
from returns_desk.domain.money import round_money
from returns_desk.domain.policy.model import Condition
from returns_desk.services.exchanges.new_sale import price_items
from returns_desk.services.returns.complete import complete_return
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import Product, ProductPrice, Register, Sale, SaleLine, Store
from returns_desk.store.tables._base import utcnow
from tests.drafts import receipt_request
from tests.services.test_returns import TODAY, fresh, item, line_row, plain


def _receipt(pick_receipt):
    return pick_receipt(lambda r: fresh(r) and plain(r.lines[0]) and r.lines[0].paid > 40)


def _sell_today(engine, store_no: int, sku: str, rate: str) -> None:
    """The till sold ``sku`` at the store just now, at ``rate`` (say it is taxed differently)."""
    with unit_of_work(engine) as session:
        store = session.exec(select(Store).where(Store.number == store_no)).one()
        register = session.exec(select(Register).where(Register.store_id == store.id)).first()
        product = session.exec(select(Product).where(Product.sku == sku)).one()
        sale = Sale(
            receipt_code=make_receipt_code(store_no, register.number, 9_999_999).digits,
            store_id=store.id,
            register_id=register.id,
            sold_at=utcnow(),
            total=Decimal("1.00"),
        )
        session.add(sale)
        session.flush()
        session.add(
            SaleLine(
                sale_id=sale.id,
                line_no=1,
                product_id=product.id,
                sku=sku,
                description=product.description,
                department=product.department,
                qty=1,
                unit_price=Decimal("1.00"),
                tax_rate=Decimal(rate),
            )
        )


def _new_lines(engine, receipt_code):
    with read_only(engine) as session:
        sale = session.exec(select(Sale).where(Sale.receipt_code == receipt_code)).one()
        return session.exec(select(SaleLine).where(SaleLine.sale_id == sale.id)).all()


def test_new_items_are_taxed_at_their_own_rate_not_the_returned_lines(
    demo_engine, pick_receipt, demo_actors
):
    receipt = _receipt(pick_receipt)
    returned_rate = receipt.lines[0].tax_rate
    _sell_today(demo_engine, receipt.store_no, "TY-PUZ", "0.0125")  # a rate of its own
    (priced,) = price_items(demo_engine, [ExchangeItem("TY-PUZ")], TODAY, receipt.store_no)
    assert priced.tax_rate == Decimal("0.0125") != returned_rate

    request = receipt_request(
        demo_engine,
        receipt.code,
        (item(1),),
        Settlement.EXCHANGE,
        exchange_items=(ExchangeItem("TY-PUZ"),),
    )
    done = complete_return(demo_engine, demo_actors["cleo"], request, TODAY)
    (new_line,) = _new_lines(demo_engine, done.new_receipt_code)
    assert new_line.tax_rate == Decimal("0.0125")
    assert new_line.tax_charged == round_money(new_line.unit_price * Decimal("0.0125"))
    assert done.difference == new_line.unit_price + new_line.tax_charged - done.total_refund


def test_a_never_sold_item_takes_the_stores_latest_rate(demo_engine, pick_receipt):
    receipt = _receipt(pick_receipt)
    with unit_of_work(demo_engine) as session:
        session.add(
            Product(sku="NEW-1", description="New mug", department="home", category="kitchen")
        )
        session.flush()
        product = session.exec(select(Product).where(Product.sku == "NEW-1")).one()
        session.add(
            ProductPrice(
                product_id=product.id,
                price=Decimal("9.00"),
                effective_from=TODAY - timedelta(days=1),
            )
        )
    _sell_today(demo_engine, receipt.store_no, "TY-PUZ", "0.0333")  # the store's latest line
    (priced,) = price_items(demo_engine, [ExchangeItem("new-1")], TODAY, receipt.store_no)
    assert priced.tax_rate == Decimal("0.0333") and priced.total == Decimal("9.30")


def test_a_serialized_replacement_needs_its_serial_and_records_it(
    demo_engine, pick_receipt, demo_actors
):
    receipt = _receipt(pick_receipt)
    actor = demo_actors["cleo"]
    without = receipt_request(
        demo_engine,
        receipt.code,
        (item(1),),
        Settlement.EXCHANGE,
        exchange_items=(ExchangeItem("EL-TV55"),),
        collect_with="card",
    )
    with pytest.raises(ReturnError, match="EL-TV55 .* is serialized: scan the serial number"):
        complete_return(demo_engine, actor, without, TODAY)
    assert line_row(demo_engine, receipt, 1).qty_returned == receipt.lines[0].qty_returned
    with pytest.raises(ReturnError, match="scan each unit on its own"):
        price_items(demo_engine, [ExchangeItem("EL-TV55", qty=2)], TODAY)
    twice = receipt_request(
        demo_engine,
        receipt.code,
        (item(1),),
        Settlement.EXCHANGE,
        exchange_items=(
            ExchangeItem("EL-TV55", serial="SN1"),
            ExchangeItem("EL-TV55", serial="sn1"),
        ),
    )
    with pytest.raises(ReturnError, match="serial SN1 is scanned twice"):
        complete_return(demo_engine, actor, twice, TODAY)

    with_serial = receipt_request(
        demo_engine,
        receipt.code,
        (item(1),),
        Settlement.EXCHANGE,
        exchange_items=(ExchangeItem("EL-TV55", serial="sn-new-1"), ExchangeItem("TY-PUZ")),
    )
    done = complete_return(demo_engine, actor, with_serial, TODAY)
    tv, puzzle = sorted(_new_lines(demo_engine, done.new_receipt_code), key=lambda n: n.line_no)
    assert (tv.sku, tv.serial, tv.serialized) == ("EL-TV55", "SN-NEW-1", True)
    assert puzzle.serial is None


def test_a_unit_sold_and_not_returned_cannot_go_out_again(demo_engine, pick_receipt, demo_actors):
    sold = pick_receipt(lambda r: any(ln.sku == "EL-TV55" and ln.serial for ln in r.lines))
    tv = next(ln for ln in sold.lines if ln.sku == "EL-TV55" and ln.serial)
    receipt = _receipt(pick_receipt)
    swap = receipt_request(
        demo_engine,
        receipt.code,
        (item(1),),
        Settlement.EXCHANGE,
        exchange_items=(ExchangeItem("EL-TV55", serial=tv.serial.lower()),),
    )
    with pytest.raises(ReturnError, match=f"serial {tv.serial} of EL-TV55 was sold on receipt"):
        price_items(demo_engine, [ExchangeItem("EL-TV55", serial=tv.serial)], TODAY)
    with pytest.raises(ReturnError, match="and not returned"):
        complete_return(demo_engine, demo_actors["cleo"], swap, TODAY)
    assert line_row(demo_engine, receipt, 1).qty_returned == receipt.lines[0].qty_returned

    back = ReturnItem(tv.line_no, 1, Condition.OPENED, "changed_mind", serial=tv.serial)
    returned = receipt_request(demo_engine, sold.code, (back,), Settlement.STORE_CREDIT)
    manager = Override("maria", "9999", "tested at the bench")
    try:
        complete_return(demo_engine, demo_actors["cleo"], returned, TODAY)
    except ReturnError:  # a late one: a manager takes it back
        returned = replace(returned, override=manager)
        complete_return(demo_engine, demo_actors["cleo"], returned, TODAY)
    (priced,) = price_items(demo_engine, [ExchangeItem("EL-TV55", serial=tv.serial)], TODAY)
    assert priced.serial == tv.serial.upper()  # back in stock: it may go out again

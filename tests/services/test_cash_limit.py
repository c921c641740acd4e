"""The cash limit at the counter: one limit for a whole return, and for the receipt's day.

The demo store 101 is in Chicago; the default policy pays at most $250.00 in cash per return
and the rest as a voucher.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col, select

from returns_desk.domain.codes import make_receipt_code
from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ExchangeItem, FromReceipt, ReturnItem
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.returns.quote import quote
from returns_desk.services.returns.receipts import find_receipt
from returns_desk.services.staff.security import log_in
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import (
    Product,
    ProductPrice,
    RefundTender,
    Register,
    ReturnTxn,
    Sale,
    SaleLine,
    Store,
    Tender,
    Voucher,
)
from tests.drafts import receipt_request

TODAY = date(2026, 11, 23)
CHICAGO = ZoneInfo("America/Chicago")
D = Decimal


def cash_sale(engine, *prices: str, card: str | None = None) -> str:
    """A sale at store 101 this morning, one plain line per price, paid in cash (and by card
    for ``card``, first); returns its receipt code."""
    with unit_of_work(engine) as s:
        store = s.exec(select(Store).where(Store.number == 101)).one()
        register = s.exec(select(Register).where(Register.store_id == store.id)).first()
        product = s.exec(
            select(Product).where(
                col(Product.serialized).is_(False),
                col(Product.final_sale).is_(False),
                Product.category != "clearance",
            )
        ).first()
        code = make_receipt_code(101, register.number, 99_000 + len(prices)).digits
        total = sum((D(p) for p in prices), D("0"))
        sold = datetime.combine(TODAY, time(9, 0), CHICAGO).astimezone(UTC)
        sale = Sale(
            receipt_code=code, store_id=store.id, register_id=register.id, sold_at=sold,
            total=total,
        )  # fmt: skip
        s.add(sale)
        s.flush()
        for no, price in enumerate(prices, start=1):
            s.add(
                SaleLine(
                    sale_id=sale.id,
                    line_no=no,
                    product_id=product.id,
                    sku=product.sku,
                    description=product.description,
                    department=product.department,
                    category=product.category,
                    qty=1,
                    unit_price=D(price),
                )
            )
        seq = 1
        if card:
            s.add(Tender(sale_id=sale.id, seq=1, kind="card", amount=D(card), card_last4="4242"))
            seq = 2
        cash = total - D(card or "0")
        s.add(Tender(sale_id=sale.id, seq=seq, kind="cash", amount=cash))
    return code


def refund(engine, code, *lines, today=TODAY):
    request = receipt_request(
        engine,
        code,
        tuple(ReturnItem(n, 1, reason_code="changed_mind") for n in lines),
        Settlement.REFUND,
    )
    return complete_return(engine, log_in(engine, "cleo", "1111", "R1"), request, today)


def cash_of(done) -> Decimal:
    return sum((amount for kind, amount in done.tenders if kind == "cash"), D("0"))


def returned_at(engine, done, local: datetime) -> None:
    """Pretend the return was made at ``local`` (store time): tests do not run on TODAY."""
    with unit_of_work(engine) as s:
        s.execute(
            update(ReturnTxn)
            .where(col(ReturnTxn.id) == done.return_id)
            .values(created_at=local.astimezone(UTC))
        )


def test_several_lines_of_one_return_share_one_cash_limit(demo_engine):
    code = cash_sale(demo_engine, "200.00", "150.00", "100.00")
    items = [ReturnItem(n, 1, reason_code="changed_mind") for n in (1, 2, 3)]
    quoted = quote(demo_engine, FromReceipt(find_receipt(demo_engine, code)), items, TODAY)
    assert quoted.notes == (
        "Cash refunds are limited to $250.00 per return: $200.00 comes as a voucher instead.",
    )
    done = refund(demo_engine, code, 1, 2, 3)
    assert done.total_refund == D("450.00")
    assert cash_of(done) == D("250.00") and done.voucher_amount == D("200.00")
    assert sum(amount for _, amount in done.tenders) == done.total_refund
    assert done.notes == quoted.notes
    with read_only(demo_engine) as s:
        voucher = s.exec(select(Voucher).where(Voucher.code == done.voucher_code)).one()
        rows = s.exec(select(RefundTender).where(RefundTender.return_id == done.return_id)).all()
    assert voucher.amount == D("200.00")
    assert sum(r.amount for r in rows) == D("450.00")
    second_line = done.lines[1].decision
    assert any("counting $200.00 in cash already going back" in r for r in second_line.reasons)


def test_a_card_on_the_receipt_takes_its_part_first(demo_engine):
    code = cash_sale(demo_engine, "200.00", "200.00", card="100.00")
    done = refund(demo_engine, code, 1, 2)
    assert dict(done.tenders) == {"card": D("100.00"), "cash": D("250.00"), "voucher": D("50.00")}
    assert done.notes == (
        "Cash refunds are limited to $250.00 per return: $50.00 comes as a voucher instead "
        "(the other payments already get back all they took).",
    )


def second_return_after_one_at(engine, first_at: datetime):
    """A $200 + $150 cash sale: line 1 back as if at ``first_at`` (store time), line 2 now."""
    code = cash_sale(engine, "200.00", "150.00")
    first = refund(engine, code, 1)
    assert cash_of(first) == D("200.00") and not first.voucher_code
    returned_at(engine, first, first_at)
    return refund(engine, code, 2)


def test_a_second_return_on_the_same_store_day_gets_only_what_is_left(demo_engine):
    second = second_return_after_one_at(demo_engine, datetime.combine(TODAY, time(10), CHICAGO))
    assert cash_of(second) == D("50.00") and second.voucher_amount == D("100.00")
    assert second.notes == (
        "Cash refunds are limited to $250.00 per return, counting $200.00 in cash already "
        "going back on this receipt today: $100.00 comes as a voucher instead.",
    )


def test_a_return_late_the_evening_before_is_another_store_day(demo_engine):
    """23:30 in Chicago on Nov 22 is already Nov 23 in UTC, but not the store's Nov 23."""
    evening = datetime(2026, 11, 22, 23, 30, tzinfo=CHICAGO)
    assert evening.astimezone(UTC).date() == TODAY
    second = second_return_after_one_at(demo_engine, evening)
    assert cash_of(second) == D("150.00") and not second.voucher_code and not second.notes


def test_an_exchange_gives_back_no_more_cash_than_the_limit(demo_engine):
    code = cash_sale(demo_engine, "300.00", "200.00")
    with read_only(demo_engine) as s:
        cheap = s.exec(
            select(Product)
            .join(ProductPrice, col(ProductPrice.product_id) == Product.id)
            .where(col(Product.serialized).is_(False), col(ProductPrice.price) < 50)
        ).first()
    request = receipt_request(
        demo_engine,
        code,
        (ReturnItem(1, 1, reason_code="wrong_size"), ReturnItem(2, 1, reason_code="wrong_size")),
        Settlement.EXCHANGE,
        exchange_items=(ExchangeItem(cheap.sku),),
    )
    done = complete_return(demo_engine, log_in(demo_engine, "cleo", "1111", "R1"), request, TODAY)
    surplus = -done.difference
    assert surplus > D("250.00")
    assert cash_of(done) == D("250.00") and done.voucher_amount == surplus - D("250.00")
    assert "comes as a voucher instead" in done.notes[0]

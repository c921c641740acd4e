"""Tables keep money exact, times aware, and refuse what the trade forbids."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import select

from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import (
    Product,
    ProductPrice,
    Register,
    Sale,
    SaleLine,
    Store,
    Tender,
    User,
    Voucher,
)


def _sale(engine):
    with unit_of_work(engine) as s:
        store = Store(number=101, name="Riverside", region="TX")
        s.add(store)
        s.flush()
        reg = Register(store_id=store.id, number=2)
        product = Product(sku="EL-HDP", description="Headphones", department="electronics")
        s.add_all([reg, product])
        s.flush()
        sold = datetime(2026, 11, 2, 14, 5, tzinfo=timezone(timedelta(hours=-6)))
        sale = Sale(
            receipt_code="1010200001236",
            store_id=store.id,
            register_id=reg.id,
            sold_at=sold,
            total=Decimal("140.72"),
        )
        s.add(sale)
        s.flush()
        line = SaleLine(
            sale_id=sale.id,
            line_no=1,
            product_id=product.id,
            sku="EL-HDP",
            description="Headphones",
            department="electronics",
            qty=2,
            unit_price=Decimal("64.99"),
            tax_rate=Decimal("0.0825"),
            tax_charged=Decimal("10.74"),
        )
        s.add(line)
        s.flush()
        return sale.id, line.id, product.id


def test_money_rates_and_times_round_trip_exactly(engine):
    sale_id, line_id, product_id = _sale(engine)
    with unit_of_work(engine) as s:
        s.add(
            ProductPrice(
                product_id=product_id, price=Decimal("0.10"), effective_from=date(2026, 1, 1)
            )
        )
    with read_only(engine) as s:
        sale = s.get(Sale, sale_id)
        line = s.get(SaleLine, line_id)
        price = s.exec(select(ProductPrice)).one()
    assert sale.total == Decimal("140.72") and isinstance(sale.total, Decimal)
    assert line.tax_rate == Decimal("0.0825") and line.unit_price == Decimal("64.99")
    assert price.price + price.price + price.price == Decimal("0.30")
    assert sale.sold_at == datetime(2026, 11, 2, 20, 5, tzinfo=UTC)


def test_money_is_stored_as_whole_cents_not_floats(engine):
    sale_id, _, _ = _sale(engine)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT total FROM sale WHERE id = :i"), {"i": sale_id}).scalar()
    assert stored == 14072


def test_amounts_finer_than_a_cent_are_refused_not_rounded(engine):
    _sale(engine)
    with pytest.raises(StatementError, match="whole number of cents"), unit_of_work(engine) as s:
        s.add(ProductPrice(product_id=1, price=Decimal("1.005"), effective_from=date(2026, 1, 2)))


def test_naive_times_are_refused(engine):
    with pytest.raises(StatementError, match="naive datetime"), unit_of_work(engine) as s:
        s.add(Store(number=1, name="x"))
        s.flush()
        s.add(Register(store_id=1, number=1))
        s.flush()
        s.add(
            Sale(
                receipt_code="0000000000000",
                store_id=1,
                register_id=1,
                sold_at=datetime(2026, 1, 1),  # noqa: DTZ001
            )
        )


def test_the_database_refuses_returning_more_than_was_sold(engine):
    _, line_id, _ = _sale(engine)
    with pytest.raises(IntegrityError), unit_of_work(engine) as s:
        s.exec(text("UPDATE sale_line SET qty_returned = 3 WHERE id = :i").bindparams(i=line_id))
    with read_only(engine) as s:
        assert s.get(SaleLine, line_id).qty_returned == 0


def test_tender_refunds_and_voucher_balances_stay_in_range(engine):
    sale_id, _, _ = _sale(engine)
    with unit_of_work(engine) as s:
        s.add(Tender(sale_id=sale_id, seq=1, kind="card", amount=Decimal("140.72")))
    with pytest.raises(IntegrityError), unit_of_work(engine) as s:
        tender = s.exec(select(Tender)).one()
        tender.refunded = Decimal("140.73")
        s.add(tender)
        s.flush()
    with unit_of_work(engine) as s:
        clerk = User(username="cleo", display_name="Cleo", pin_hash="x")
        s.add(clerk)
        s.flush()
        s.add(
            Voucher(
                code="V0",
                amount=Decimal("5.00"),
                balance=Decimal("5.00"),
                expires_on=date(2027, 1, 1),
                issued_by=clerk.id,
            )
        )
    with pytest.raises(IntegrityError, match="voucher_balance|CHECK"), unit_of_work(engine) as s:
        s.add(
            Voucher(
                code="V1",
                amount=Decimal("5.00"),
                balance=Decimal("-0.01"),
                expires_on=date(2027, 1, 1),
                issued_by=clerk.id,
            )
        )
        s.flush()

"""Returns without a receipt on the real database: lowest recent price, photo ID, the
per-customer limit, store credit (or what the policy allows), records, audit, roles."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from returns_desk.domain.customer_id import CustomerIdError, parse_customer_id
from returns_desk.domain.decision import Outcome, Settlement
from returns_desk.domain.draft import ExchangeItem, NoReceipt, ReturnError, ReturnItem
from returns_desk.domain.money import round_money
from returns_desk.resources import data_dir
from returns_desk.services import audit
from returns_desk.services.policies.active import activate_policy
from returns_desk.services.returns import complete as returns_service
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.returns.quote import quote
from returns_desk.services.staff.security import RoleError
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import (
    AuditEvent,
    Product,
    ProductPrice,
    ReturnLine,
    ReturnTxn,
    Sale,
    SaleLine,
    Store,
    Voucher,
)
from tests.drafts import receiptless_request
from tests.services.test_returns import TODAY

ID = parse_customer_id("drivers_license", "D123-4567-89")
OTHER_ID = parse_customer_id("passport", "X9988776")
BLENDER = "HM-BLND"  # 79.99, never repriced in the demo


def item(code=BLENDER, qty=1, **kw):
    return ReturnItem(1, qty, code=code, reason_code=kw.pop("reason", "changed_mind"), **kw)


def request(*items, customer=ID, settlement=Settlement.STORE_CREDIT, **kw):
    return receiptless_request(items or (item(),), customer, settlement, **kw)


def quote_receiptless(engine, items, customer, today):
    return quote(engine, NoReceipt(customer), items, today)


def reprice(engine, sku, *prices):
    """Add shelf prices: (days before TODAY, price) pairs."""
    with unit_of_work(engine) as session:
        product = session.exec(select(Product).where(Product.sku == sku)).one()
        for days, price in prices:
            session.add(
                ProductPrice(
                    product_id=product.id,
                    price=Decimal(price),
                    effective_from=TODAY - timedelta(days=days),
                )
            )


def store_rate(engine, sku, store_no):
    """The tax rate of the latest line that sold ``sku`` at the store."""
    with read_only(engine) as session:
        return session.exec(
            select(SaleLine.tax_rate)
            .join(Sale, Sale.id == SaleLine.sale_id)
            .join(Store, Store.id == Sale.store_id)
            .where(SaleLine.sku == sku, Store.number == store_no)
            .order_by(Sale.sold_at.desc())
        ).first()


def first_store_no(engine):
    with read_only(engine) as session:
        return session.exec(select(Store.number).order_by(Store.id)).first()


def test_store_credit_at_the_lowest_price_of_the_look_back(demo_engine, demo_actors):
    # 49.99 ended before the 90 days began; 79.99 was in effect when they began; 99.99 today.
    reprice(demo_engine, BLENDER, (150, "49.99"), (120, "79.99"), (10, "99.99"))
    rate = store_rate(demo_engine, BLENDER, first_store_no(demo_engine))
    expected = Decimal("79.99") + round_money(Decimal("79.99") * rate)

    quoted = quote_receiptless(demo_engine, [item()], ID, TODAY)
    (line,) = quoted.lines
    assert line.lowest_price == Decimal("79.99") and line.line.unit_price == Decimal("99.99")
    assert line.decision.outcome is Outcome.APPROVE
    assert line.decision.settlements == {Settlement.STORE_CREDIT}
    assert line.decision.refund_amount == expected
    assert any("lowest price of the last 90 days" in r for r in line.decision.reasons)

    done = complete_return(demo_engine, demo_actors["cleo"], request(), TODAY)
    assert done.total_refund == done.voucher_amount == expected
    assert done.tenders == (("voucher", expected),) and done.reference.startswith("RT-")
    with read_only(demo_engine) as session:
        txn = session.get(ReturnTxn, done.return_id)
        (rline,) = session.exec(select(ReturnLine).where(ReturnLine.return_id == txn.id)).all()
        voucher = session.exec(select(Voucher).where(Voucher.code == done.voucher_code)).one()
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "return.complete")).one()
        assert audit.verify(session).intact
    assert txn.sale_id is None and txn.policy_version_id is not None
    assert rline.sale_line_id is None and rline.outcome == "approve"
    assert "receipt.none" in rline.rules and rline.refund_amount == expected
    assert voucher.amount == expected and voucher.return_id == txn.id
    details = json.loads(event.details)
    assert details["receiptless"] is True and details["receipt"] is None
    assert details["lines"] == [{"sku": BLENDER, "qty": 1}]


def test_only_a_fingerprint_and_a_masked_id_are_kept(demo_engine, demo_actors):
    done = complete_return(demo_engine, demo_actors["cleo"], request(), TODAY)
    with read_only(demo_engine) as session:
        txn = session.get(ReturnTxn, done.return_id)
        rline = session.exec(select(ReturnLine).where(ReturnLine.return_id == txn.id)).one()
        events = session.exec(select(AuditEvent)).all()
    assert txn.id_type == "drivers_license" and txn.id_masked == "***89"
    assert len(txn.id_hash) == 64 and txn.id_hash == ID.fingerprint(b"test-id-key")
    stored = [str(v) for v in txn.model_dump().values()] + [rline.decision_json]
    stored += [e.details for e in events]
    for raw in ("123456789", "D12345678", "D123-4567-89"):
        assert not any(raw in text for text in stored)
    assert "D12345678" not in repr(ID)


def test_the_customer_limit_counts_earlier_receiptless_returns(demo_engine, demo_actors):
    clerk = demo_actors["cleo"]
    for _ in range(3):  # the default policy allows 3 in 365 days
        complete_return(demo_engine, clerk, request(), TODAY)
    (line,) = quote_receiptless(demo_engine, [item()], ID, TODAY).lines
    assert line.decision.outcome is Outcome.DENY
    assert line.decision.reasons == [
        "3 returns without a receipt in the last 365 days; the limit is 3."
    ]
    with pytest.raises(ReturnError, match="is denied: 3 returns .* the limit is 3"):
        complete_return(demo_engine, clerk, request(), TODAY)
    complete_return(demo_engine, clerk, request(customer=OTHER_ID), TODAY)  # someone else
    with unit_of_work(demo_engine) as session:  # one of the three was over a year ago
        txn = session.exec(select(ReturnTxn).where(ReturnTxn.id_masked == "***89")).first()
        txn.created_at = txn.created_at - timedelta(days=400)
        session.add(txn)
    complete_return(demo_engine, clerk, request(), TODAY)


def test_missing_id_unknown_sku_and_bad_id_are_said_plainly(demo_engine, demo_actors):
    clerk = demo_actors["cleo"]
    (line,) = quote_receiptless(demo_engine, [item()], None, TODAY).lines
    assert line.decision.reasons == ["Photo ID is required for returns without a receipt."]
    with pytest.raises(ReturnError, match="needs the customer's photo ID"):
        complete_return(demo_engine, clerk, request(customer=None), TODAY)
    with pytest.raises(ReturnError, match="no product with SKU or UPC 'NOPE-1'"):
        quote_receiptless(demo_engine, [item("NOPE-1")], ID, TODAY)
    with pytest.raises(ReturnError, match="no product with SKU or UPC 'NOPE-1'"):
        complete_return(demo_engine, clerk, request(item("NOPE-1")), TODAY)
    with pytest.raises(CustomerIdError, match="type the number of the customer's passport"):
        parse_customer_id("passport", " - ")
    with pytest.raises(CustomerIdError, match="letters and digits only"):
        parse_customer_id("state_id", "AB#1234")
    with read_only(demo_engine) as session:
        assert session.exec(select(ReturnTxn)).all() == []


def test_a_upc_scans_as_well_as_a_sku_and_serials_are_required(demo_engine, demo_actors):
    with read_only(demo_engine) as session:
        upc = session.exec(select(Product.upc).where(Product.sku == BLENDER)).one()
    (line,) = quote_receiptless(demo_engine, [item(upc)], ID, TODAY).lines
    assert line.line.sku == BLENDER
    clerk = demo_actors["cleo"]
    tv = item("EL-TV55", condition="defective", reason="defective")
    with pytest.raises(ReturnError, match="EL-TV55 .* is serialized: scan the serial"):
        complete_return(demo_engine, clerk, request(tv), TODAY)
    with_serial = item("EL-TV55", condition="defective", reason="defective", serial="sn-77")
    done = complete_return(demo_engine, clerk, request(with_serial), TODAY)
    with read_only(demo_engine) as session:
        rline = session.exec(select(ReturnLine).where(ReturnLine.return_id == done.return_id)).one()
    assert rline.serial == "SN-77" and rline.condition == "defective"


def test_clerks_and_managers_only(demo_engine, demo_actors):
    with pytest.raises(RoleError, match="Avi Auditor is an auditor"):
        complete_return(demo_engine, demo_actors["avi"], request(), TODAY)
    assert complete_return(demo_engine, demo_actors["maria"], request(), TODAY).total_refund


def test_a_policy_without_receiptless_returns_refuses_them(demo_engine, demo_actors):
    furniture = data_dir("policies") / "furniture.toml"
    activate_policy(demo_engine, furniture, demo_actors["maria"])
    (line,) = quote_receiptless(demo_engine, [item()], ID, TODAY).lines
    assert line.decision.reasons == ["Returns without a receipt are not accepted."]
    with pytest.raises(ReturnError, match="takes no returns without a receipt"):
        complete_return(demo_engine, demo_actors["cleo"], request(), TODAY)


def test_an_exchange_where_the_policy_allows_it(demo_engine, demo_actors):
    big_box = data_dir("policies") / "big-box.toml"  # receiptless: store credit or exchange
    activate_policy(demo_engine, big_box, demo_actors["maria"])
    blender = quote_receiptless(demo_engine, [item()], ID, TODAY).lines[0].decision
    assert blender.settlements == {Settlement.STORE_CREDIT, Settlement.EXCHANGE}
    swap = request(settlement=Settlement.EXCHANGE, exchange_items=(ExchangeItem("TY-PUZ"),))
    done = complete_return(demo_engine, demo_actors["cleo"], swap, TODAY)
    assert done.difference < 0 and done.voucher_code  # the rest is store credit, no receipt
    assert done.voucher_amount == -done.difference
    with read_only(demo_engine) as session:
        sale = session.exec(select(Sale).where(Sale.receipt_code == done.new_receipt_code)).one()
        (new_line,) = session.exec(select(SaleLine).where(SaleLine.sale_id == sale.id)).all()
        store_no = session.get(Store, sale.store_id).number
    assert new_line.sku == "TY-PUZ" and sale.customer_id is None
    assert new_line.tax_rate == store_rate(demo_engine, "TY-PUZ", store_no)


def test_a_crash_mid_way_leaves_nothing_written(demo_engine, demo_actors, monkeypatch):
    def power_cut(ctx):
        raise RuntimeError("power cut")

    monkeypatch.setattr(returns_service, "settle", power_cut)
    with pytest.raises(RuntimeError, match="power cut"):
        complete_return(demo_engine, demo_actors["cleo"], request(), TODAY)
    with read_only(demo_engine) as session:
        assert session.exec(select(ReturnTxn)).all() == []
        assert session.exec(select(ReturnLine)).all() == []
        assert session.exec(select(Voucher)).all() == []


def test_a_refund_without_a_receipt_is_cash_up_to_the_limit_the_rest_a_voucher(
    demo_engine, demo_actors, tmp_path
):
    text = (data_dir("policies") / "default.toml").read_text(encoding="utf-8")
    text = text.replace('version = "2026.11-2"', 'version = "2026.11-cash"')
    text = text.replace('receiptless_settlements = ["store_credit"]',
                        'receiptless_settlements = ["refund", "store_credit"]')  # fmt: skip
    text = text.replace('cash_limit = "250.00"', 'cash_limit = "50.00"')
    path = tmp_path / "cash.toml"
    path.write_text(text, encoding="utf-8")
    activate_policy(demo_engine, path, demo_actors["maria"])
    (line,) = quote_receiptless(demo_engine, [item()], ID, TODAY).lines
    total = line.decision.refund_amount
    assert Settlement.REFUND in line.decision.settlements and total > Decimal("50.00")

    done = complete_return(
        demo_engine, demo_actors["cleo"], request(settlement=Settlement.REFUND), TODAY
    )
    rest = total - Decimal("50.00")
    assert done.total_refund == total
    assert done.tenders == (("cash", Decimal("50.00")), ("voucher", rest))
    assert done.voucher_amount == rest and done.voucher_code

"""A store-credit voucher can pay what an exchange owes: alone (too little undoes the whole
exchange), or first, with the card or cash paying the rest."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlmodel import select

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ExchangeItem, ReturnError
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.vouchers.issue import issue_voucher
from returns_desk.services.vouchers.ledger import check
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import Sale, SaleLine, Tender
from tests.drafts import receipt_request
from tests.services.test_returns import TODAY, clerk, fresh, item, plain


def _two_receipts(pick_receipt):
    """One receipt to earn a voucher on, another to exchange: both fresh, plain, cheap."""

    def fits(r):
        return fresh(r) and plain(r.lines[0]) and r.lines[0].paid < 200

    first = pick_receipt(fits)
    return first, pick_receipt(lambda r: fits(r) and r.code != first.code)


def _voucher(engine, actor, amount, receipt) -> str:
    """A voucher for ``amount``, issued against a real store-credit return."""
    request = receipt_request(engine, receipt.code, (item(1),), Settlement.STORE_CREDIT)
    done = complete_return(engine, actor, request, TODAY)
    with unit_of_work(engine) as session:
        return issue_voucher(session, actor, Decimal(amount), done.return_id, TODAY).code


def _exchange(engine, receipt, code):
    return receipt_request(
        engine,
        receipt.code,
        (item(1),),
        Settlement.EXCHANGE,
        exchange_items=(ExchangeItem("FN-SOFA"),),
        collect_with="voucher",
        voucher_code=code,
    )


def test_a_voucher_pays_the_difference_of_a_dearer_exchange(demo_engine, pick_receipt):
    actor = clerk(demo_engine)
    earned, receipt = _two_receipts(pick_receipt)
    code = _voucher(demo_engine, actor, "2000.00", earned)
    done = complete_return(demo_engine, actor, _exchange(demo_engine, receipt, code), TODAY)
    assert done.difference > 0
    with read_only(demo_engine) as session:
        sale = session.exec(select(Sale).where(Sale.receipt_code == done.new_receipt_code)).one()
        paid = session.exec(select(Tender).where(Tender.sale_id == sale.id)).all()
    assert ("store_credit", done.difference, code) in {
        (t.kind, t.amount, t.reference) for t in paid
    }
    assert check(demo_engine, code, TODAY).balance == Decimal("2000.00") - done.difference


def test_a_voucher_too_small_refuses_the_exchange_and_nothing_is_written(demo_engine, pick_receipt):
    actor = clerk(demo_engine)
    earned, receipt = _two_receipts(pick_receipt)
    code = _voucher(demo_engine, actor, "1.00", earned)
    with pytest.raises(ReturnError, match="voucher cannot pay the difference: .*only \\$1.00"):
        complete_return(demo_engine, actor, _exchange(demo_engine, receipt, code), TODAY)
    with read_only(demo_engine) as session:
        assert session.get(SaleLine, receipt.lines[0].line_id).qty_returned == 0
    assert check(demo_engine, code, TODAY).balance == Decimal("1.00")


def test_a_voucher_too_small_pays_what_it_holds_and_the_card_the_rest(demo_engine, pick_receipt):
    actor = clerk(demo_engine)
    earned, receipt = _two_receipts(pick_receipt)
    code = _voucher(demo_engine, actor, "1.00", earned)
    request = _exchange(demo_engine, receipt, code)
    done = complete_return(demo_engine, actor, replace(request, exchange=replace(
        request.exchange, collect_with="card")), TODAY)  # fmt: skip
    with read_only(demo_engine) as session:
        sale = session.exec(select(Sale).where(Sale.receipt_code == done.new_receipt_code)).one()
        paid = {(t.kind, t.amount, t.reference) for t in session.exec(
            select(Tender).where(Tender.sale_id == sale.id))}  # fmt: skip
    assert ("store_credit", Decimal("1.00"), code) in paid
    assert ("card", done.difference - Decimal("1.00"), None) in paid
    state = check(demo_engine, code, TODAY)
    assert state.balance == 0 and not state.usable

"""The one receipt repository shows exactly what the database holds, now: on the counter's
fast path and inside a unit of work alike."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from returns_desk.domain.codes import ReceiptCodeError, make_receipt_code
from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ReturnItem
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.returns.quote import preview
from returns_desk.services.returns.receipts import ReceiptNotFound, find_receipt
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import Sale, SaleLine
from returns_desk.store.receipts import read_receipt_in
from tests.conftest import TODAY
from tests.drafts import receipt_request


def _sales(engine) -> list[Sale]:
    with read_only(engine) as session:
        return list(session.exec(select(Sale).order_by(Sale.id)))


def test_the_lookup_reads_the_same_receipt_as_a_unit_of_work_does(demo_engine):
    codes = [sale.receipt_code for sale in _sales(demo_engine)]
    with unit_of_work(demo_engine) as session:
        expected = [read_receipt_in(session, code) for code in codes]
    assert len(expected) == 60
    for receipt in expected:
        assert find_receipt(demo_engine, receipt.code) == receipt
    with read_only(demo_engine) as session:
        rows = session.exec(select(SaleLine).order_by(SaleLine.sale_id, SaleLine.line_no)).all()
    first = find_receipt(demo_engine, expected[0].code)
    stored = [r for r in rows if r.sale_id == first.sale_id]
    assert [(ln.line_id, ln.sku, ln.qty, ln.unit_price, ln.tax_rate) for ln in first.lines] == [
        (r.id, r.sku, r.qty, r.unit_price, r.tax_rate) for r in stored
    ]


def test_a_completed_return_shows_on_the_next_lookup(demo_engine, demo_actors):
    for sale in _sales(demo_engine):
        receipt = find_receipt(demo_engine, sale.receipt_code)
        quotes = preview(demo_engine, receipt, TODAY)
        ok = [
            q
            for q in quotes.values()
            if q.decision.approved and Settlement.REFUND in q.decision.settlements
        ]
        if ok:
            break
    else:  # pragma: no cover - the demo always has a refundable line
        pytest.fail("no refundable demo line")
    line = ok[0].line
    item = ReturnItem(line.line_no, 1, serial=line.serial, reason_code="changed_mind")
    request = receipt_request(demo_engine, receipt.code, (item,), Settlement.REFUND)
    complete_return(demo_engine, demo_actors["cleo"], request, TODAY)
    again = find_receipt(demo_engine, receipt.code)
    returned = {ln.line_no: ln.qty_returned for ln in again.lines}
    assert returned[line.line_no] == line.qty_returned + 1
    assert sum(t.amount for t in again.tenders) == sum(t.amount for t in receipt.tenders)


def test_lookups_from_several_registers_at_once_get_their_own_receipts(demo_engine):
    codes = [sale.receipt_code for sale in _sales(demo_engine)] * 3
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(lambda code: find_receipt(demo_engine, code).code, codes))
    assert found == codes


def test_unknown_and_mistyped_codes_say_what_is_wrong(demo_engine):
    code = _sales(demo_engine)[0].receipt_code
    with pytest.raises(ReceiptCodeError):
        find_receipt(demo_engine, code[:-1] + str((int(code[-1]) + 1) % 10))
    unknown = make_receipt_code(101, 99, 12345).digits  # well-formed, never sold
    with pytest.raises(ReceiptNotFound, match="is not in the sales journal"):
        find_receipt(demo_engine, unknown)

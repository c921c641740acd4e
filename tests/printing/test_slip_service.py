"""Slips from the records: what a completed return prints, reprints marked COPY, and a
printer that fails without losing anything."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

from returns_desk.domain.money import ZERO
from returns_desk.domain.roles import Role
from returns_desk.domain.voucher_code import new_voucher_code
from returns_desk.services.slips.issue import SlipSettings, print_voucher, reprint, slips_for_return
from returns_desk.services.staff.security import Actor
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import (
    Exchange,
    RefundTender,
    ReturnLine,
    ReturnTxn,
    Sale,
    SaleLine,
    SlipPrint,
    Tender,
    User,
    Voucher,
)


def _actor(session) -> Actor:
    user = session.exec(select(User).where(User.username == "cleo")).one()
    return Actor(user.id, user.username, user.display_name, Role.CLERK, "R1")


def _return(session, sale: Sale, lines: list[SaleLine], reference: str, settlement: str):
    txn = ReturnTxn(
        reference=reference,
        store_id=sale.store_id,
        register_id=sale.register_id,
        clerk_id=_actor(session).user_id,
        sale_id=sale.id,
        settlement=settlement,
        total_refund=sum((line.unit_price for line in lines), ZERO),
    )
    session.add(txn)
    session.flush()
    for n, line in enumerate(lines):
        session.add(
            ReturnLine(
                return_id=txn.id,
                sale_line_id=line.id,
                product_id=line.product_id,
                qty=1,
                condition="defective" if n == 0 else "unopened",
                reason_code="defective" if n == 0 else "changed_mind",
                reason_text="does not switch on" if n == 0 else "",
                refund_amount=line.unit_price,
                outcome="approve",
            )
        )
    return txn


@pytest.fixture
def store_credit_return(demo_engine):
    """A store-credit return of two lines (the first defective) with its voucher."""
    with unit_of_work(demo_engine) as session:
        sale, lines = _sale_with_lines(session, 2)
        txn = _return(session, sale, lines, "RT-0000001", "store_credit")
        voucher = Voucher(
            code=new_voucher_code().compact,
            amount=txn.total_refund,
            balance=txn.total_refund,
            expires_on=date(2031, 11, 23),
            issued_by=txn.clerk_id,
            return_id=txn.id,
        )
        session.add(voucher)
        session.flush()
        session.add(
            RefundTender(
                return_id=txn.id, kind="voucher", amount=txn.total_refund, voucher_id=voucher.id
            )
        )
        return txn.reference, voucher.code, _actor(session), [line.description for line in lines]


def _sale_with_lines(session, count: int) -> tuple[Sale, list[SaleLine]]:
    for sale in session.exec(select(Sale).order_by(Sale.id)):
        lines = session.exec(select(SaleLine).where(SaleLine.sale_id == sale.id)).all()
        if len(lines) >= count:
            return sale, list(lines[:count])
    raise AssertionError("demo has no sale with enough lines")


def settings(tmp_path: Path, printer: str | None = None) -> SlipSettings:
    return SlipSettings(tmp_path / "slips", printer=printer, paper="thermal")


def test_a_store_credit_return_prints_receipt_voucher_and_defect_tag(
    demo_engine, store_credit_return, tmp_path, read_pdf
):
    reference, code, actor, descriptions = store_credit_return
    done = slips_for_return(demo_engine, actor, reference, settings(tmp_path))
    assert [s.kind.value for s in done] == ["return", "voucher", "defect-tag"]
    assert all(s.path and s.path.exists() and not s.error for s in done)
    receipt = read_pdf(done[0].path.read_bytes())
    assert "RETURN RECEIPT" in receipt.text and descriptions[0] in receipt.text
    assert "Store credit V-" in receipt.text and receipt.barcodes == [reference]
    voucher = read_pdf(done[1].path.read_bytes())
    assert voucher.barcodes == [code] and "2031-11-23" in voucher.text
    tag = read_pdf(done[2].path.read_bytes())
    assert tag.barcodes == [f"RTV-{reference}-1"] and "does not switch on" in tag.text


def test_reprint_from_the_record_is_marked_copy(
    demo_engine, store_credit_return, tmp_path, read_pdf
):
    reference, code, actor, _ = store_credit_return
    print_voucher(demo_engine, actor, code, settings(tmp_path))
    again = reprint(demo_engine, actor, "voucher", code, settings(tmp_path))
    third = reprint(demo_engine, actor, "defect-tag", f"RTV-{reference}-1", settings(tmp_path))
    assert again.copy_no == 1 and "(COPY)" in again.message and third.copy_no == 0
    back = read_pdf(again.path.read_bytes())
    assert "*** COPY ***" in back.text and back.barcodes == [code]


def test_a_printer_error_loses_nothing_and_is_recorded(
    demo_engine, store_credit_return, tmp_path, monkeypatch
):
    reference, _, actor, _ = store_credit_return
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "lp").write_text("#!/bin/sh\necho 'lp: Printer is out of paper' >&2\nexit 1\n")
    (bin_dir / "lp").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    done = slips_for_return(demo_engine, actor, reference, settings(tmp_path, "counter-1"))
    assert all(not s.printed and "out of paper" in s.error and s.path.exists() for s in done)
    assert "reprint it when fixed" in done[0].message
    with read_only(demo_engine) as session:
        rows = session.exec(select(SlipPrint)).all()
        assert {r.status for r in rows} == {"print_failed"} and len(rows) == 3
        assert session.exec(select(ReturnTxn).where(ReturnTxn.reference == reference)).one()


def test_an_exchange_prints_returned_and_new_lines_and_the_new_receipt(
    demo_engine, tmp_path, read_pdf
):
    with unit_of_work(demo_engine) as session:
        sale, lines = _sale_with_lines(session, 1)
        txn = _return(session, sale, lines, "RT-0000002", "exchange")
        txn.restocking_fees = ZERO
        new = Sale(
            receipt_code="1019900000011",
            store_id=sale.store_id,
            register_id=sale.register_id,
            sold_at=sale.sold_at + timedelta(days=1),
            total=lines[0].unit_price + Decimal("5.00"),
        )
        session.add(new)
        session.flush()
        session.add(
            SaleLine(
                sale_id=new.id,
                line_no=1,
                product_id=lines[0].product_id,
                sku="NEW-1",
                description="Replacement in blue",
                department="x",
                qty=1,
                unit_price=new.total,
            )
        )
        session.add(Tender(sale_id=new.id, seq=1, kind="store_credit", amount=txn.total_refund))
        session.add(Tender(sale_id=new.id, seq=2, kind="cash", amount=Decimal("5.00")))
        session.add(RefundTender(return_id=txn.id, kind="exchange", amount=txn.total_refund))
        session.add(Exchange(return_id=txn.id, new_sale_id=new.id, difference=Decimal("5.00")))
        actor = _actor(session)
    slip, tag = slips_for_return(demo_engine, actor, "RT-0000002", settings(tmp_path))
    back = read_pdf(slip.path.read_bytes())
    assert "EXCHANGE RECEIPT" in back.text and "Replacement in blue" in back.text
    assert "You paid" in back.text and "$5.00" in back.text and "Cash" in back.text
    assert back.barcodes == ["1019900000011"] and tag.kind.value == "defect-tag"


def test_a_return_without_a_receipt_prints_the_masked_id_only(
    demo_engine, demo_actors, tmp_path, read_pdf
):
    from returns_desk.domain.customer_id import parse_customer_id
    from returns_desk.domain.decision import Settlement
    from returns_desk.domain.draft import ReturnItem
    from returns_desk.services.returns.complete import complete_return
    from tests.drafts import receiptless_request

    item = ReturnItem(1, code="HM-BLND", reason_code="changed_mind")
    customer = parse_customer_id("drivers_license", "D123-4567-89")
    request = receiptless_request((item,), customer, Settlement.STORE_CREDIT)
    done = complete_return(demo_engine, demo_actors["cleo"], request, date(2026, 11, 23))
    slips = slips_for_return(demo_engine, demo_actors["cleo"], done.reference, settings(tmp_path))
    receipt = read_pdf(slips[0].path.read_bytes())
    flat = " ".join(receipt.text.split())
    assert "Returned without receipt; ID driver's licence ***89" in flat
    assert "D12345678" not in flat and "4567" not in flat
    assert receipt.barcodes == [done.reference]


def test_the_reason_defective_prints_the_return_to_vendor_tag_too(
    demo_engine, demo_actors, tmp_path
):
    """One concept: an item brought back because it is defective is a defective item."""
    from returns_desk.domain.customer_id import parse_customer_id
    from returns_desk.domain.decision import Settlement
    from returns_desk.domain.draft import ReturnItem
    from returns_desk.domain.policy.model import Condition
    from returns_desk.services.returns.complete import complete_return
    from tests.drafts import receiptless_request

    item = ReturnItem(1, condition=Condition.UNOPENED, reason_code="defective", code="HM-BLND")
    customer = parse_customer_id("drivers_license", "D123-4567-89")
    request = receiptless_request((item,), customer, Settlement.STORE_CREDIT)
    done = complete_return(demo_engine, demo_actors["cleo"], request, date(2026, 11, 23))
    slips = slips_for_return(demo_engine, demo_actors["cleo"], done.reference, settings(tmp_path))
    assert [s.kind.value for s in slips] == ["return", "voucher", "defect-tag"]

"""At the desk with a thermal printer: the clerk sees a printer out of paper, and the
return stays done."""

from __future__ import annotations

from sqlmodel import select

from returns_desk.store.db import read_only
from returns_desk.store.models import ReturnTxn, SlipPrint
from returns_desk.tui.messages import DeskNotice
from tests.printing.fake_printers import Mood, NetworkPrinter
from tests.tui.driving import drive
from tests.tui.test_after_return import refund_first_line
from tests.tui.test_counter import desk, fresh, log_in_and_scan, plain


async def test_a_thermal_printer_out_of_paper_is_shown_and_the_return_stays(
    demo_engine, pick_receipt, monkeypatch
):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    with NetworkPrinter(Mood(paper_out=True)) as printer:
        monkeypatch.setenv("RETURNS_DESK_PRINTER", printer.target)
        app = desk(demo_engine)
        async with drive(app) as clerk:
            await log_in_and_scan(clerk, receipt.code)
            await refund_first_line(clerk)
            await clerk.next(DeskNotice)  # what the printer said
            warnings = [n.message for n in app._notifications if n.severity == "warning"]
    assert any(f"printer {printer.target} is out of paper" in w for w in warnings), warnings
    assert any("reprint it when fixed" in w for w in warnings)
    with read_only(demo_engine) as session:
        txn = session.exec(select(ReturnTxn)).one()
        record = session.exec(select(SlipPrint).where(SlipPrint.reference == txn.reference))
        assert {r.status for r in record} == {"print_failed"}

"""A completed return printed straight to a thermal printer (a fake port-9100 printer on
loopback): the receipt byte for byte with its cut, the cash drawer only when cash goes back,
a printer out of paper that loses nothing, and ``slip reprint`` once it has paper again."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from returns_desk.cli import app
from returns_desk.domain.decision import Outcome, Settlement
from returns_desk.domain.draft import ReturnItem
from returns_desk.domain.receipt import TenderKind
from returns_desk.domain.slips import SlipKind
from returns_desk.printing.escpos import Thermal, render_escpos
from returns_desk.printing.layout import load_layout
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.returns.quote import preview
from returns_desk.services.slips.data import return_slip
from returns_desk.services.slips.issue import SlipSettings, framed, slips_for_return
from returns_desk.store.db import read_only
from returns_desk.store.models import ReturnTxn, SlipPrint
from tests.drafts import receipt_request
from tests.printing.escpos_reader import read_escpos
from tests.printing.fake_printers import Mood, NetworkPrinter

TODAY = date(2026, 11, 23)
ASK = b"\x10\x04\x04" + b"\x10\x04\x01"
CUT_AND_DRAWER = b"\x1bd\x06\x1dV\x01\x1bp\x00\x32\x32"


def _refund(engine, pick_receipt, actor, paid_with: TenderKind) -> str:
    """Refund one line of a demo sale paid only ``paid_with``; the return's reference."""

    def refundable(receipt):
        if not receipt.tenders or {t.kind for t in receipt.tenders} != {paid_with}:
            return None
        quotes = preview(engine, receipt, TODAY)
        return next(
            (
                q
                for q in quotes.values()
                if q.decision.outcome is Outcome.APPROVE
                and Settlement.REFUND in q.decision.settlements
            ),
            None,
        )

    receipt = pick_receipt(lambda r: refundable(r) is not None)
    line = refundable(receipt).line
    item = ReturnItem(line.line_no, 1, reason_code="changed_mind", serial=line.serial)
    request = receipt_request(engine, receipt.code, (item,), Settlement.REFUND)
    return complete_return(engine, actor, request, TODAY).reference


def _expected(engine, reference: str, drawer: bool) -> bytes:
    """The receipt as the thermal renderer draws it from the records."""
    with read_only(engine) as session:
        slip = framed(session, return_slip(session, reference), load_layout())
    return render_escpos(slip, load_layout(), Thermal(48), open_drawer=drawer)


def _slip(job: bytes):
    """One connection's slip, read back: status asked before and after it."""
    assert job.startswith(ASK) and job.endswith(ASK)
    return read_escpos(job[len(ASK) : -len(ASK)])


def _settings(tmp_path, printer: str) -> SlipSettings:
    return SlipSettings(tmp_path / "slips", printer=printer, thermal=Thermal(48))


def test_a_cash_refund_prints_the_receipt_cuts_and_opens_the_drawer(
    demo_engine, pick_receipt, demo_actors, tmp_path
):
    reference = _refund(demo_engine, pick_receipt, demo_actors["cleo"], TenderKind.CASH)
    with NetworkPrinter() as printer:
        done = slips_for_return(
            demo_engine, demo_actors["cleo"], reference, _settings(tmp_path, printer.target)
        )
    assert all(s.printed and not s.error and s.path.exists() for s in done)  # PDF kept too
    receipt = _expected(demo_engine, reference, drawer=True)
    assert printer.jobs[0] == ASK + receipt + ASK
    assert receipt.endswith(CUT_AND_DRAWER)
    assert [_slip(job).drawer_pulses for job in printer.jobs] == [[2]] + [[]] * (len(done) - 1)
    printed = read_escpos(receipt)
    assert "RETURN RECEIPT" in printed.text and "Cash" in printed.text
    assert printed.barcodes == [reference]
    with read_only(demo_engine) as session:
        record = session.exec(select(SlipPrint).where(SlipPrint.kind == "return")).one()
    assert (record.status, record.printer) == ("printed", printer.target)
    assert record.job == f"{len(receipt):,} bytes"


def test_a_card_refund_leaves_the_drawer_shut(demo_engine, pick_receipt, demo_actors, tmp_path):
    reference = _refund(demo_engine, pick_receipt, demo_actors["cleo"], TenderKind.CARD)
    with NetworkPrinter() as printer:
        slips_for_return(
            demo_engine, demo_actors["cleo"], reference, _settings(tmp_path, printer.target)
        )
    assert printer.jobs[0] == ASK + _expected(demo_engine, reference, drawer=False) + ASK
    assert all(_slip(job).drawer_pulses == [] for job in printer.jobs)


def test_out_of_paper_loses_nothing_and_slip_reprint_prints_a_copy_later(
    demo_engine, pick_receipt, demo_actors, tmp_path, monkeypatch
):
    reference = _refund(demo_engine, pick_receipt, demo_actors["cleo"], TenderKind.CASH)
    with NetworkPrinter(Mood(paper_out=True)) as printer:
        done = slips_for_return(
            demo_engine, demo_actors["cleo"], reference, _settings(tmp_path, printer.target)
        )
        assert all(job == ASK[:3] for job in printer.jobs)  # asked, found no paper, sent nothing
    receipt = done[0]
    assert not receipt.printed and receipt.path.exists()
    assert receipt.message == (
        f"return slip {reference}: printer {printer.target} is out of paper; "
        f"saved as {receipt.path}, reprint it when fixed"
    )
    with read_only(demo_engine) as session:
        statuses = {r.status for r in session.exec(select(SlipPrint)).all()}
        assert statuses == {"print_failed"}
        assert session.exec(select(ReturnTxn).where(ReturnTxn.reference == reference)).one()

    with NetworkPrinter() as printer:  # paper loaded
        monkeypatch.setenv("RETURNS_DESK_PRINTER", printer.target)
        monkeypatch.setenv("RETURNS_DESK_PRINTER_COLUMNS", "48")
        result = CliRunner().invoke(
            app, ["slip", "reprint", "return", reference, "-u", "cleo", "--pin", "1111"]
        )
    assert result.exit_code == 0, result.output
    assert "(COPY)" in result.output and f"printed on {printer.target}" in result.output
    (job,) = printer.jobs
    copy = _slip(job)
    assert copy.text.count("*** COPY ***") == 2 and copy.barcodes == [reference]
    assert copy.drawer_pulses == [] and copy.events[-1] == "cut"


def test_thermal_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RETURNS_DESK_PRINTER", "usb:04b8:0e15")
    monkeypatch.setenv("RETURNS_DESK_PRINTER_COLUMNS", "32")
    monkeypatch.setenv("RETURNS_DESK_PRINTER_PROFILE", "TM-T20II")
    monkeypatch.setenv("RETURNS_DESK_PRINTER_BARCODES", "software")
    monkeypatch.setenv("RETURNS_DESK_CASH_DRAWER", "none")
    settings = SlipSettings.from_env()
    assert settings.printer == "usb:04b8:0e15"
    assert settings.thermal == Thermal(32, "TM-T20II", "software", None)
    monkeypatch.setenv("RETURNS_DESK_CASH_DRAWER", "5")
    assert SlipSettings.from_env().thermal.drawer_pin == 5


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("RETURNS_DESK_PRINTER", "tpc://10.0.0.7", "unknown kind of printer 'tpc'"),
        ("RETURNS_DESK_PRINTER_COLUMNS", "40", "use 42 or 48"),
        ("RETURNS_DESK_CASH_DRAWER", "3", "RETURNS_DESK_CASH_DRAWER='3'"),
    ],
)
def test_a_bad_printer_setting_names_the_variable(monkeypatch, variable, value, words):
    from returns_desk.settings import SettingsError, load_settings

    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=f"{variable}=.*{words}|{words}"):
        load_settings()


def test_slip_sample_prints_every_kind_on_a_thermal_printer(engine, tmp_path, monkeypatch):
    with NetworkPrinter() as printer:
        monkeypatch.setenv("RETURNS_DESK_PRINTER", printer.target)
        monkeypatch.setenv("RETURNS_DESK_PRINTER_COLUMNS", "32")
        result = CliRunner().invoke(app, ["slip", "sample", "--out", str(tmp_path), "--print"])
    assert result.exit_code == 0, result.output
    assert result.output.count(f"printed on {printer.target}") == len(SlipKind)
    slips = [_slip(job) for job in printer.jobs]
    titles = ["RETURN RECEIPT", "EXCHANGE RECEIPT", "STORE CREDIT VOUCHER", "COMPLAINT RECEIVED"]
    assert all(title in " ".join(s.text.split()) for title, s in zip(titles, slips, strict=False))
    assert all(s.cuts == 1 and len(s.barcodes) == 1 for s in slips)
    assert all(line.width <= 32 for s in slips for line in s.lines)

"""Slips in ESC/POS for thermal printers, read back as the printer would print them:
the words, lines that fit the paper, barcodes a real decoder reads, the cut and the drawer.
Golden files hold the exact bytes (``UPDATE_GOLDEN=1`` rewrites them)."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from escpos.printer import Dummy

from returns_desk.domain.slip_samples import sample_slips
from returns_desk.domain.slips import Barcode, SlipKind, compose
from returns_desk.printing.escpos import Thermal, code128_escpos, render_escpos
from returns_desk.printing.layout import load_layout
from returns_desk.printing.render import SlipRenderError
from tests.printing.escpos_reader import code128_modules_of, read_escpos
from tests.printing.framed import framed

GOLDEN = Path(__file__).parents[1] / "golden" / "escpos"
LAYOUT = load_layout("default")
SAMPLES = {compose(d).kind: d for d in sample_slips()}
CUT_AND_DRAWER = b"\x1bd\x06\x1dV\x01\x1bp\x00\x32\x32"  # feed 6, partial cut, pulse pin 2
EXPECTED_TEXT = {
    SlipKind.RETURN: ["RETURN RECEIPT", "Total refunded", "$115.99", "Visa ...4242", "Maria"],
    SlipKind.EXCHANGE: ["EXCHANGE RECEIPT", "New items", "You paid", "$5.00", "$94.00"],
    SlipKind.VOUCHER: ["STORE CREDIT VOUCHER", "V-K7M2-Q9XW-4HTB-A", "$26.99", "2027-11-23"],
    SlipKind.COMPLAINT: ["COMPLAINT RECEIVED", "C-2026-000123", "What happens next"],
    SlipKind.DEFECT_TAG: ["RETURN TO VENDOR", "HOM-55102", "KT-88812-A", "does not heat"],
    SlipKind.COMPLAINT_DECISION: ["OUR DECISION", "Partly upheld", "Retail Dispute Service"],
    SlipKind.PRERETURN: ["YOUR RETURN CODE", "PR-0000042", "P-K7M2-Q9XW-M", "works once"],
}


def _as_lines(data: bytes) -> list[str]:
    """Bytes as readable lines, one per printed line: golden files diff well in review."""
    return [repr(chunk) for chunk in data.split(b"\n")]


def _golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(_as_lines(data)) + "\n", encoding="utf-8")
    golden = path.read_text(encoding="utf-8").splitlines()
    assert _as_lines(data) == golden, f"{name} differs from its golden file"
    assert b"\n".join(ast.literal_eval(line) for line in golden) == data


@pytest.mark.parametrize("columns", [42, 48, 32])
def test_every_slip_matches_its_golden_bytes(columns):
    """The whole document, byte for byte: initialise, text, Code128, cut (and the drawer)."""
    data = b"".join(
        render_escpos(framed(d), LAYOUT, Thermal(columns), open_drawer=n == 0)
        for n, d in enumerate(sample_slips())
    )
    _golden(f"slips-{columns}.txt", data)


def test_the_golden_bytes_are_what_python_escpos_dummy_collects():
    """Our document is what python-escpos itself writes for the same commands."""
    printer = Dummy()
    printer.hw("INIT")
    printer.cut(mode="PART")
    printer.cashdraw(2)
    assert printer.output == b"\x1b@" + CUT_AND_DRAWER
    slip = render_escpos(framed(SAMPLES[SlipKind.VOUCHER]), LAYOUT, open_drawer=True)
    assert slip.startswith(b"\x1b@") and slip.endswith(CUT_AND_DRAWER)


@pytest.mark.parametrize("columns", [42, 48, 32])
@pytest.mark.parametrize("kind", list(SlipKind))
def test_each_slip_reads_back_fits_the_paper_and_scans(kind, columns):
    slip = framed(SAMPLES[kind])
    printed = read_escpos(render_escpos(slip, LAYOUT, Thermal(columns)))
    flat = " ".join(printed.text.split())
    for words in EXPECTED_TEXT[kind]:
        assert words in flat, f"{words!r} missing from the {kind} slip at {columns} columns"
    too_wide = [line.text for line in printed.lines if line.width > columns]
    assert not too_wide, f"lines wider than {columns} columns: {too_wide}"
    assert printed.barcodes == slip.barcodes()
    assert printed.initialised and printed.cuts == 1 and printed.events[-1] == "cut"
    assert printed.drawer_pulses == [] and "COPY" not in printed.text


def test_the_printer_draws_code128_itself_with_the_pdf_bars():
    """Native Code128 (GS k 73), with python-barcode's code sets: the printer draws exactly
    the bars of the PDF barcode, digits packed in pairs (code set C)."""
    from barcode import Code128

    for value in ("1010200004217", "VK7M2Q9XW4HTBA", "RTV-1010200004217-2", "a{b"):
        assert code128_modules_of(code128_escpos(value)) == Code128(value).build()[0]
    assert code128_escpos("1010200004217") == b"{C\x0a\x0a\x14\x00\x04\x15{B7"
    printed = read_escpos(render_escpos(framed(SAMPLES[SlipKind.RETURN]), LAYOUT))
    assert printed.native_barcodes == 1 and printed.raster_barcodes == 0
    assert printed.module_dots == [3]


def test_software_barcodes_when_asked_or_when_the_printer_has_no_code128():
    slip = framed(SAMPLES[SlipKind.VOUCHER])
    asked = read_escpos(render_escpos(slip, LAYOUT, Thermal(barcodes="software")))
    without = read_escpos(render_escpos(slip, LAYOUT, Thermal(profile="simple")))
    for printed in (asked, without):
        assert printed.native_barcodes == 0 and printed.raster_barcodes == 1
        assert printed.barcodes == ["VK7M2Q9XW4HTBA"]


def test_a_code_too_long_for_the_printer_module_becomes_an_image_that_still_scans():
    """On 58 mm paper a return-to-vendor tag needs 1-dot bars, below ESC/POS's minimum of 2."""
    printed = read_escpos(render_escpos(framed(SAMPLES[SlipKind.DEFECT_TAG]), LAYOUT, Thermal(32)))
    assert printed.raster_barcodes == 1 and printed.barcodes == ["RTV-1010200004217-2"]


def test_a_code_too_long_for_any_paper_is_refused_with_its_value():
    slip = framed(SAMPLES[SlipKind.VOUCHER])
    long = type(slip)(slip.kind, slip.reference, (Barcode("X" * 60, "x"),))
    with pytest.raises(SlipRenderError, match="too long for 32-column paper"):
        render_escpos(long, LAYOUT, Thermal(32))


def test_a_reprint_says_copy_top_and_bottom_and_never_opens_the_drawer_by_itself():
    slip = framed(SAMPLES[SlipKind.RETURN], copy_no=2)
    printed = read_escpos(render_escpos(slip, LAYOUT))
    assert printed.text.count("*** COPY ***") == 2 and "Reprint 2" in printed.text
    assert printed.drawer_pulses == []
    banner = next(line for line in printed.lines if line.text == "*** COPY ***")
    assert banner.scale == 2 and banner.bold and banner.align == "center"


def test_the_drawer_pin_and_no_drawer():
    slip = framed(SAMPLES[SlipKind.RETURN])
    five = read_escpos(render_escpos(slip, LAYOUT, Thermal(drawer_pin=5), open_drawer=True))
    none = read_escpos(render_escpos(slip, LAYOUT, Thermal(drawer_pin=None), open_drawer=True))
    assert five.drawer_pulses == [5] and five.events[-2:] == ["cut", "drawer"]
    assert none.drawer_pulses == []


def test_store_text_in_other_alphabets_gets_the_right_code_page(tmp_path):
    shop = tmp_path / "shop.toml"
    shop.write_text('header = ["Café Nørd", "Straße 5 – 1 €"]\n', encoding="utf-8")
    layout = load_layout(str(shop))
    printed = read_escpos(render_escpos(framed(SAMPLES[SlipKind.VOUCHER], layout=layout), layout))
    assert printed.lines[0].text == "Café Nørd" and printed.lines[1].text == "Straße 5 – 1 €"


def test_rendering_prints_nothing_to_the_terminal(capsys):
    """The desk's screen is the terminal: python-escpos must not write to stdout."""
    for data in sample_slips():
        render_escpos(framed(data), LAYOUT, Thermal(32, profile="simple"))
    assert capsys.readouterr() == ("", "")


def test_an_unknown_profile_is_named():
    with pytest.raises(SlipRenderError, match="no printer profile 'TM-X'"):
        render_escpos(framed(SAMPLES[SlipKind.RETURN]), LAYOUT, Thermal(profile="TM-X"))
